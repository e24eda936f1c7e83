"""Benchmark baseline: the nightly job as a short polars script (see BENCHMARKS.md).

    python3 bench/baseline_polars.py IN.xlsx OUT.xlsx [AS_OF]

Reads the four sheets of the city-shaped export (申請一覧, 取得財産, 雇用状況報告, 予算) with
fastexcel, parses the value forms the export carries (date cells and 令和4年5月20日 / R4.5.20 /
2022/5/20 text, yen as numbers and as １，２３４円 / ¥1,234 text), rejects the rows hojokin
rejects (bad date, negative or unreadable yen, unknown 状態 or 制度, a missing required value,
a wrong 法人番号 check digit, a duplicate 申請番号), and computes what the summary workbook
holds: 年度別集計 (FY × program, with budget and 合計 rows), 事業者別集計 (FY × company),
算定検証 (the rule amount vs the decided amount), 雇用状況報告 (due reports vs received),
財産処分制限 (asset × useful life → end date, early disposal, refund estimate) and 入力エラー,
written with XlsxWriter. It is a fair competitor, not a reimplementation: deadlines move past
weekends only (no holiday calendar), and the rules are the two programs' 2/3 with caps.
"""

import sys
from datetime import date

import fastexcel
import polars as pl
import xlsxwriter

SRC, DST = sys.argv[1], sys.argv[2]
AS_OF = date.fromisoformat(sys.argv[3] if len(sys.argv) > 3 else "2024-04-25")
CAPS = {"ダイバーシティ経営推進補助金": 800_000, "中小企業受注拡大支援補助金": 200_000}
DIVERSITY = "ダイバーシティ経営推進補助金"
STATES = ["申請中", "交付決定", "確定", "不交付", "取下げ", "取消"]
LIFE = {"給排水又は衛生設備及びガス設備": 15, "エレベーター": 17}
FULL = [chr(0xFF10 + i) for i in range(10)] + ["，", "．", "／"]
HALF = [str(i) for i in range(10)] + [",", ".", "/"]


def norm(c):
    return pl.col(c).str.strip_chars(" \u3000").str.replace_many(FULL, HALF)


def parse_date(c):
    s = norm(c)
    era = pl.when(s.str.contains("^(令和|R)")).then(2018).otherwise(1988)
    ey = s.str.extract(r"^(?:令和|平成|R|H)(元|\d+)", 1).str.replace("元", "1").cast(pl.Int32, strict=False)
    y = pl.coalesce(
        s.str.extract(r"^(\d{4})[-/年]", 1).cast(pl.Int32, strict=False),
        ey + era,
    )
    m = s.str.extract(r"^(?:\d{4}|(?:令和|平成|R|H)(?:元|\d+))[-/年.](\d{1,2})", 1)
    d = s.str.extract(r"^(?:\d{4}|(?:令和|平成|R|H)(?:元|\d+))[-/年.]\d{1,2}[-/月.](\d{1,2})", 1)
    iso = pl.format("{}-{}-{}", y, m.str.zfill(2), d.str.zfill(2))
    return iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False).alias(c)


def parse_yen(c):
    s = norm(c).str.replace_all(r"[¥￥円,]", "").str.replace(r"\.0$", "")
    return s.cast(pl.Int64, strict=False).alias(c)


def parse_fy(c):
    s = norm(c)
    era = s.str.extract(r"^(?:令和|R)(元|\d+)", 1).str.replace("元", "1").cast(pl.Int32, strict=False) + 2018
    return pl.coalesce(s.str.extract(r"^(\d{4})", 1).cast(pl.Int32, strict=False), era).alias(c)


def fy_of(c):
    return (pl.col(c).dt.year() - (pl.col(c).dt.month() < 4).cast(pl.Int32)).cast(pl.Int32)


def check_digit_ok(c):
    s = norm(c)
    total = sum(
        s.str.slice(13 - i, 1).cast(pl.Int32, strict=False) * (1 if i % 2 == 1 else 2) for i in range(1, 13)
    )
    return s.str.contains(r"^\d{13}$") & (s.str.slice(0, 1).cast(pl.Int32, strict=False) == 9 - total % 9)


reader = fastexcel.read_excel(SRC)
sheet = lambda name: reader.load_sheet_by_name(name, dtypes="string").to_polars()  # noqa: E731
apps_raw, assets_raw, reports_raw, budgets_raw = (sheet(n) for n in ("申請一覧", "取得財産", "雇用状況報告", "予算"))

# --- 申請一覧: parse, then reject what hojokin rejects -------------------------------------
apps = apps_raw.with_row_index("row", offset=2).with_columns(
    parse_date("申請日").alias("申請日_d"),
    parse_date("交付決定日").alias("交付決定日_d"),
    parse_date("事業完了日").alias("事業完了日_d"),
    *(parse_yen(c).alias(c + "_y") for c in ("補助対象経費", "交付決定額", "確定額")),
)
granted = pl.col("状態").is_in(["交付決定", "確定"])
reasons = [
    (pl.col("申請日_d").is_null(), "申請日", "日付として読めません"),
    (pl.col("補助対象経費_y").is_null() | (pl.col("補助対象経費_y") < 0), "補助対象経費", "金額として読めません"),
    (~pl.col("状態").is_in(STATES), "状態", "状態が不明です"),
    (~pl.col("制度").is_in(list(CAPS)), "制度", "制度が不明です"),
    (granted & pl.col("交付決定日_d").is_null(), "交付決定日", "交付決定日がありません"),
    (granted & (pl.col("交付決定額_y").is_null() | (pl.col("交付決定額_y") < 0)), "交付決定額", "交付決定額がありません"),
    ((pl.col("状態") == "確定") & pl.col("確定額_y").is_null(), "確定額", "確定額がありません"),
    (pl.col("法人番号").is_not_null() & ~check_digit_ok("法人番号").fill_null(False), "法人番号", "チェックデジットが違います"),
    (pl.col("申請番号").is_duplicated(), "申請番号", "申請番号が重複しています"),
]
errors = pl.concat(
    [
        apps.filter(cond.fill_null(True)).select(
            pl.lit("申請一覧").alias("シート"),
            pl.col("row").alias("行"),
            pl.lit(col).alias("項目"),
            pl.col(col).alias("値"),
            pl.lit(why).alias("内容"),
        )
        for cond, col, why in reasons
    ]
)
bad = pl.any_horizontal([cond.fill_null(True) for cond, _, _ in reasons])
apps = apps.filter(~bad).with_columns(fy_of("交付決定日_d").alias("年度"))

# --- 予算 -----------------------------------------------------------------------------------
budgets = budgets_raw.select(parse_fy("年度"), pl.col("制度"), parse_yen("予算額"))

# --- 年度別集計 / 事業者別集計 -------------------------------------------------------------
decided = apps.filter(granted)
rate = pl.when(pl.col("予算額") > 0).then(pl.col("交付決定額") / pl.col("予算額")).alias("執行率")
sums = [
    pl.len().alias("件数"),
    pl.col("補助対象経費_y").sum().alias("補助対象経費"),
    pl.col("交付決定額_y").sum().alias("交付決定額"),
    pl.col("確定額_y").sum().alias("確定額"),
]
by_fy = (
    decided.group_by("年度", "制度")
    .agg(sums)
    .join(budgets, on=["年度", "制度"], how="left")
    .with_columns(rate)
)
totals = by_fy.group_by("年度").agg(
    pl.lit("合計").alias("制度"), *(pl.col(c).sum() for c in ("件数", "補助対象経費", "交付決定額", "確定額", "予算額"))
).with_columns(rate)
by_fy = pl.concat([by_fy, totals.select(by_fy.columns)]).sort("年度", pl.col("制度") == "合計", "制度")
by_company = (
    decided.group_by("年度", "事業者名", "法人番号")
    .agg(pl.len().alias("件数"), pl.col("交付決定額_y").sum().alias("交付決定額"), pl.col("確定額_y").sum().alias("確定額"))
    .sort("年度", "事業者名")
)

# --- 算定検証 ---------------------------------------------------------------------------------
cap = pl.col("制度").replace_strict(CAPS, return_dtype=pl.Int64)
rule = pl.min_horizontal(pl.col("補助対象経費_y") * 2 // 3 // 1000 * 1000, cap)
check = apps.select(
    "申請番号", "制度", "区分", pl.col("補助対象経費_y").alias("補助対象経費"), rule.alias("算定額"),
    pl.col("交付決定額_y").alias("交付決定額"),
).with_columns((pl.col("交付決定額") - pl.col("算定額")).alias("差額")).with_columns(
    pl.when(pl.col("交付決定額").is_null()).then(pl.lit("")).when(pl.col("差額") > 0).then(pl.lit("超過"))
    .otherwise(pl.lit("適正")).alias("判定")
)

# --- 雇用状況報告: due reports (April of the two FYs after the decision's) vs received -------
received = reports_raw.select(
    pl.col("申請番号"), parse_fy("報告年度"), parse_date("受付日")
).group_by("申請番号", "報告年度").agg(pl.col("受付日").min())
due = (
    apps.filter(granted & (pl.col("制度") == DIVERSITY))
    .select("申請番号", "事業者名", "年度")
    .join(pl.DataFrame({"k": [1, 2]}, schema={"k": pl.Int32}), how="cross")
    .with_columns((pl.col("年度") + pl.col("k")).alias("報告年度"))
    .filter(pl.date(pl.col("報告年度"), 4, 1) <= AS_OF)
    .with_columns(pl.date(pl.col("報告年度"), 4, 30).alias("提出期限"))
    .with_columns(  # a deadline on a weekend moves to Monday
        pl.col("提出期限").dt.offset_by(
            pl.col("提出期限").dt.weekday().replace_strict({6: "2d", 7: "1d"}, default="0d", return_dtype=pl.String)
        )
    )
    .join(received, on=["申請番号", "報告年度"], how="left")
    .with_columns(
        pl.when(pl.col("受付日").is_not_null() & (pl.col("受付日") <= pl.col("提出期限"))).then(pl.lit("提出済"))
        .when(pl.col("受付日").is_not_null()).then(pl.lit("期限後提出"))
        .when(pl.col("提出期限") < AS_OF).then(pl.lit("未提出"))
        .otherwise(pl.lit("期限前")).alias("状況")
    )
    .select("申請番号", "事業者名", "報告年度", "提出期限", "受付日", "状況")
)

# --- 財産処分制限: asset × useful life → end date, early disposal, refund estimate ----------
assets = (
    assets_raw.with_columns(
        parse_yen("法定耐用年数"), parse_yen("取得価額"), parse_date("取得日"), parse_date("処分日"), parse_date("処分承認日")
    )
    .join(
        apps.select("申請番号", "事業完了日_d", pl.coalesce("確定額_y", "交付決定額_y").alias("amount")),
        on="申請番号",
        how="left",
    )
    .with_columns(
        pl.coalesce("法定耐用年数", pl.col("耐用年数区分").replace_strict(LIFE, default=None, return_dtype=pl.Int64))
        .alias("years"),
        pl.coalesce("取得日", "事業完了日_d").alias("acq"),
    )
    .with_columns(
        pl.col("acq").dt.offset_by(pl.format("{}y", pl.col("years"))).dt.offset_by("-1d").alias("制限期間終了日"),
        (pl.col("amount") * pl.col("取得価額") // pl.col("取得価額").sum().over("申請番号")).alias("share"),
    )
)
early = pl.col("処分日").is_not_null() & (pl.col("処分日") <= pl.col("制限期間終了日"))
elapsed = (
    (pl.col("処分日").dt.year() - pl.col("acq").dt.year()) * 12
    + pl.col("処分日").dt.month() - pl.col("acq").dt.month() + 1
)
restriction = assets.with_columns(
    pl.when(early & pl.col("処分承認日").is_not_null()).then(pl.lit("承認済処分"))
    .when(early).then(pl.lit("期間内処分"))
    .when(pl.col("制限期間終了日") < AS_OF).then(pl.lit("制限期間満了"))
    .otherwise(pl.lit("制限期間中")).alias("状況"),
    pl.when(early & pl.col("処分承認日").is_null())
    .then(pl.col("share") * (pl.col("years") * 12 - elapsed) // (pl.col("years") * 12))
    .alias("返還額（目安）"),
).select(
    "申請番号", "財産番号", "財産名", pl.col("years").alias("法定耐用年数"), pl.col("acq").alias("取得日"),
    "制限期間終了日", "処分日", "状況", "返還額（目安）",
)

# --- write ------------------------------------------------------------------------------------
with xlsxwriter.Workbook(DST) as wb:
    overview = pl.DataFrame(
        {
            "項目": ["基準日", "申請一覧", "入力エラー", "未提出", "期間内処分"],
            "値": [
                AS_OF.isoformat(),
                str(apps_raw.height),
                str(errors.height),
                str(due.filter(pl.col("状況") == "未提出").height),
                str(restriction.filter(pl.col("状況") == "期間内処分").height),
            ],
        }
    )
    for name, df in [
        ("概要", overview),
        ("年度別集計", by_fy),
        ("事業者別集計", by_company),
        ("算定検証", check),
        ("雇用状況報告", due),
        ("財産処分制限", restriction),
        ("入力エラー", errors),
    ]:
        df.write_excel(workbook=wb, worksheet=name, autofit=False)
print(
    f"{apps_raw.height} applications, {errors.height} errors; sheets: 年度別集計 {by_fy.height}, "
    f"事業者別集計 {by_company.height}, 算定検証 {check.height}, 雇用状況報告 {due.height}, "
    f"財産処分制限 {restriction.height}"
)
