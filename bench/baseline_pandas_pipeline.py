"""Benchmark baseline: the nightly job with pandas and openpyxl (see BENCHMARKS.md).

    python3 bench/baseline_pandas_pipeline.py IN.xlsx OUT.xlsx [AS_OF]

The same work as bench/baseline_polars.py, the way most office scripts are written: the four
sheets read by pandas.read_excel (openpyxl engine), the same parsing and rejections, the same
年度別集計 / 事業者別集計 / 算定検証 / 雇用状況報告 / 財産処分制限 / 入力エラー sheets, written
by DataFrame.to_excel with the openpyxl engine.
"""

import sys

import numpy as np
import pandas as pd

SRC, DST = sys.argv[1], sys.argv[2]
AS_OF = pd.Timestamp(sys.argv[3] if len(sys.argv) > 3 else "2024-04-25")
CAPS = {"ダイバーシティ経営推進補助金": 800_000, "中小企業受注拡大支援補助金": 200_000}
DIVERSITY = "ダイバーシティ経営推進補助金"
STATES = ["申請中", "交付決定", "確定", "不交付", "取下げ", "取消"]
LIFE = {"給排水又は衛生設備及びガス設備": 15, "エレベーター": 17}
FULL = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"，": ",", "．": ".", "／": "/"})
DATE_RE = r"^(?:(?P<y>\d{4})|(?P<era>令和|平成|R|H)(?P<ey>元|\d+))[-/年.](?P<m>\d{1,2})[-/月.](?P<d>\d{1,2})"


def norm(s):
    return s.astype("string").str.strip(" \u3000").str.translate(FULL)


def parse_date(s):
    p = norm(s).str.extract(DATE_RE)
    era = np.where(p["era"].isin(["令和", "R"]), 2018, 1988)
    ey = pd.to_numeric(p["ey"].str.replace("元", "1"), errors="coerce") + era
    y = pd.to_numeric(p["y"], errors="coerce").fillna(ey)
    iso = y.astype("Int64").astype("string") + "-" + p["m"].str.zfill(2) + "-" + p["d"].str.zfill(2)
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")


def parse_yen(s):
    t = norm(s).str.replace(r"[¥￥円,]", "", regex=True).str.replace(r"\.0$", "", regex=True)
    return pd.to_numeric(t, errors="coerce").astype("Int64")


def parse_fy(s):
    t = norm(s)
    era = pd.to_numeric(t.str.extract(r"^(?:令和|R)(元|\d+)")[0].str.replace("元", "1"), errors="coerce") + 2018
    return pd.to_numeric(t.str.extract(r"^(\d{4})")[0], errors="coerce").fillna(era).astype("Int64")


def fy_of(d):
    return (d.dt.year - (d.dt.month < 4)).astype("Int64")


def check_digit_ok(s):
    t = norm(s).fillna("")
    ok = t.str.fullmatch(r"\d{13}").fillna(False)
    digits = t.where(ok, "0" * 13)
    total = sum(digits.str[13 - i].astype(int) * (1 if i % 2 == 1 else 2) for i in range(1, 13))
    return ok & (digits.str[0].astype(int) == 9 - total % 9)


sheets = pd.read_excel(SRC, sheet_name=["申請一覧", "取得財産", "雇用状況報告", "予算"], dtype=str, engine="openpyxl")
apps_raw, assets_raw, reports_raw, budgets_raw = (sheets[n] for n in ("申請一覧", "取得財産", "雇用状況報告", "予算"))

# --- 申請一覧 ---------------------------------------------------------------------------------
apps = apps_raw.copy()
apps["row"] = np.arange(len(apps)) + 2
for c in ("申請日", "交付決定日", "事業完了日"):
    apps[c + "_d"] = parse_date(apps[c])
for c in ("補助対象経費", "交付決定額", "確定額"):
    apps[c + "_y"] = parse_yen(apps[c])
granted = apps["状態"].isin(["交付決定", "確定"])
reasons = [
    (apps["申請日_d"].isna(), "申請日", "日付として読めません"),
    ((apps["補助対象経費_y"].isna() | (apps["補助対象経費_y"] < 0)).fillna(True), "補助対象経費", "金額として読めません"),
    (~apps["状態"].isin(STATES), "状態", "状態が不明です"),
    (~apps["制度"].isin(list(CAPS)), "制度", "制度が不明です"),
    (granted & apps["交付決定日_d"].isna(), "交付決定日", "交付決定日がありません"),
    (granted & (apps["交付決定額_y"].isna() | (apps["交付決定額_y"] < 0)).fillna(True), "交付決定額", "交付決定額がありません"),
    ((apps["状態"] == "確定") & apps["確定額_y"].isna(), "確定額", "確定額がありません"),
    (apps["法人番号"].notna() & ~check_digit_ok(apps["法人番号"]), "法人番号", "チェックデジットが違います"),
    (apps["申請番号"].duplicated(keep=False), "申請番号", "申請番号が重複しています"),
]
errors = pd.concat(
    [
        pd.DataFrame({"シート": "申請一覧", "行": apps.loc[m, "row"], "項目": col, "値": apps.loc[m, col], "内容": why})
        for m, col, why in reasons
    ]
)
bad = np.logical_or.reduce([m.to_numpy(dtype=bool) for m, _, _ in reasons])
apps = apps[~bad].copy()
apps["年度"] = fy_of(apps["交付決定日_d"])
granted = apps["状態"].isin(["交付決定", "確定"])

budgets = pd.DataFrame({"年度": parse_fy(budgets_raw["年度"]), "制度": budgets_raw["制度"], "予算額": parse_yen(budgets_raw["予算額"])})

# --- 年度別集計 / 事業者別集計 ---------------------------------------------------------------
decided = apps[granted]
by_fy = (
    decided.groupby(["年度", "制度"])
    .agg(件数=("申請番号", "size"), 補助対象経費=("補助対象経費_y", "sum"), 交付決定額=("交付決定額_y", "sum"), 確定額=("確定額_y", "sum"))
    .reset_index()
    .merge(budgets, on=["年度", "制度"], how="left")
)
totals = by_fy.groupby("年度")[["件数", "補助対象経費", "交付決定額", "確定額", "予算額"]].sum().reset_index()
totals["制度"] = "合計"
by_fy = pd.concat([by_fy, totals]).sort_values(["年度", "制度"], key=lambda c: c.eq("合計") if c.name == "制度" else c)
by_fy["執行率"] = (by_fy["交付決定額"] / by_fy["予算額"].where(by_fy["予算額"] > 0)).astype("Float64")
by_company = (
    decided.groupby(["年度", "事業者名", "法人番号"], dropna=False)
    .agg(件数=("申請番号", "size"), 交付決定額=("交付決定額_y", "sum"), 確定額=("確定額_y", "sum"))
    .reset_index()
    .sort_values(["年度", "事業者名"])
)

# --- 算定検証 ---------------------------------------------------------------------------------
rule = np.minimum(apps["補助対象経費_y"] * 2 // 3 // 1000 * 1000, apps["制度"].map(CAPS))
check = pd.DataFrame(
    {
        "申請番号": apps["申請番号"],
        "制度": apps["制度"],
        "区分": apps["区分"],
        "補助対象経費": apps["補助対象経費_y"],
        "算定額": rule,
        "交付決定額": apps["交付決定額_y"],
    }
)
check["差額"] = check["交付決定額"] - check["算定額"]
check["判定"] = np.where(check["交付決定額"].isna(), "", np.where(check["差額"].fillna(0) > 0, "超過", "適正"))

# --- 雇用状況報告 -----------------------------------------------------------------------------
received = (
    pd.DataFrame({"申請番号": reports_raw["申請番号"], "報告年度": parse_fy(reports_raw["報告年度"]), "受付日": parse_date(reports_raw["受付日"])})
    .groupby(["申請番号", "報告年度"], as_index=False)["受付日"].min()
)
base = apps.loc[granted & (apps["制度"] == DIVERSITY), ["申請番号", "事業者名", "年度"]]
due = pd.concat([base.assign(報告年度=base["年度"] + k) for k in (1, 2)])
due = due[pd.to_datetime(due["報告年度"].astype(str) + "-04-01") <= AS_OF].copy()
deadline = pd.to_datetime(due["報告年度"].astype(str) + "-04-30")
due["提出期限"] = deadline + pd.to_timedelta(deadline.dt.day_of_week.map({5: 2, 6: 1}).fillna(0), unit="D")
due = due.merge(received, on=["申請番号", "報告年度"], how="left")
due["状況"] = np.select(
    [
        due["受付日"].notna() & (due["受付日"] <= due["提出期限"]),
        due["受付日"].notna(),
        due["提出期限"] < AS_OF,
    ],
    ["提出済", "期限後提出", "未提出"],
    "期限前",
)
due = due[["申請番号", "事業者名", "報告年度", "提出期限", "受付日", "状況"]]

# --- 財産処分制限 -----------------------------------------------------------------------------
a = assets_raw.copy()
a["years"] = parse_yen(a["法定耐用年数"]).fillna(a["耐用年数区分"].map(LIFE)).astype("Int64")
a["cost"] = parse_yen(a["取得価額"])
for c in ("取得日", "処分日", "処分承認日"):
    a[c] = parse_date(a[c])
amount = apps.set_index("申請番号")
a["done"] = a["申請番号"].map(amount["事業完了日_d"])
a["amount"] = a["申請番号"].map(amount["確定額_y"].fillna(amount["交付決定額_y"]))
a["acq"] = a["取得日"].fillna(a["done"])
a["制限期間終了日"] = [
    (acq + pd.DateOffset(years=int(y)) - pd.Timedelta(days=1)) if pd.notna(acq) and pd.notna(y) else pd.NaT
    for acq, y in zip(a["acq"], a["years"])
]
a["制限期間終了日"] = pd.to_datetime(a["制限期間終了日"])
a["share"] = a["amount"] * a["cost"] // a.groupby("申請番号")["cost"].transform("sum")
early = a["処分日"].notna() & (a["処分日"] <= a["制限期間終了日"])
elapsed = (a["処分日"].dt.year - a["acq"].dt.year) * 12 + a["処分日"].dt.month - a["acq"].dt.month + 1
a["状況"] = np.select(
    [early & a["処分承認日"].notna(), early, a["制限期間終了日"] < AS_OF], ["承認済処分", "期間内処分", "制限期間満了"], "制限期間中"
)
a["返還額（目安）"] = (a["share"] * (a["years"] * 12 - elapsed) // (a["years"] * 12)).where(early & a["処分承認日"].isna())
restriction = a.rename(columns={"years": "法定耐用年数"})[
    ["申請番号", "財産番号", "財産名", "法定耐用年数", "acq", "制限期間終了日", "処分日", "状況", "返還額（目安）"]
].rename(columns={"acq": "取得日"})

# --- write ------------------------------------------------------------------------------------
overview = pd.DataFrame(
    {
        "項目": ["基準日", "申請一覧", "入力エラー", "未提出", "期間内処分"],
        "値": [str(AS_OF.date()), len(apps_raw), len(errors), int((due["状況"] == "未提出").sum()), int((restriction["状況"] == "期間内処分").sum())],
    }
)
with pd.ExcelWriter(DST, engine="openpyxl") as xw:
    for name, df in [
        ("概要", overview),
        ("年度別集計", by_fy),
        ("事業者別集計", by_company),
        ("算定検証", check),
        ("雇用状況報告", due),
        ("財産処分制限", restriction),
        ("入力エラー", errors),
    ]:
        df.to_excel(xw, sheet_name=name, index=False)
print(
    f"{len(apps_raw)} applications, {len(errors)} errors; sheets: 年度別集計 {len(by_fy)}, "
    f"事業者別集計 {len(by_company)}, 算定検証 {len(check)}, 雇用状況報告 {len(due)}, 財産処分制限 {len(restriction)}"
)
