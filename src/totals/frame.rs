//! The polars side of the totals: applications and budgets in as frames,
//! grouped and joined lazily, and the sums read back into plain rows.
//!
//! Each application's own figures (its FY, which amounts count) are decided
//! in Rust, where the model's types say what they mean; polars only groups,
//! sums and joins. Every amount column is `Int64`.

use polars::prelude::*;

use super::companies::Companies;
use super::{CompanyRow, FyProgramRow, TotalsError, rate};
use crate::calendar::FiscalYear;
use crate::model::{AppStatus, Application, Budget, Yen};

const AMOUNTS: [&str; 4] = ["eligible_cost", "decided", "finalized", "granted"];

/// The sums each row reads back besides its keys and 予算額: `granted_budgeted`
/// (the granted amount of a program that has a budget, else 0) and
/// `budget_lines` (how many 予算 rows it has) are what a FY's 合計 takes its
/// 執行率 and its blank-or-summed 予算額 from.
const SUMS: [&str; 7] = [
    "count",
    "eligible_cost",
    "decided",
    "finalized",
    "granted",
    "granted_budgeted",
    "budget_lines",
];

/// 年度別集計's rows, unsorted: per FY × program sums (grants full-joined with
/// budgets), then each FY's 合計 (the same sums over its programs).
pub(super) fn fy_program_rows(
    apps: &[Application],
    budgets: &[Budget],
) -> Result<Vec<FyProgramRow>, TotalsError> {
    let keys = [col("fy"), col("program")];
    let mut sums = vec![len().cast(DataType::Int64).alias("count")];
    sums.extend(AMOUNTS.iter().map(|c| col(*c).sum()));
    let grants = grants_frame(apps)?.lazy().group_by(keys.clone()).agg(sums);
    // Two 予算 rows for one FY × program (ingestion should not let them
    // through) add up rather than one silently winning.
    let budgets = budgets_frame(budgets)?
        .lazy()
        .group_by(keys.clone())
        .agg([col("budget").sum()]);
    let joined = grants
        .join(budgets, keys.clone(), keys, JoinArgs::new(JoinType::Full))
        .select(coalesced_columns())
        .with_columns([
            when(col("budget").is_not_null())
                .then(col("granted"))
                .otherwise(lit(0i64))
                .alias("granted_budgeted"),
            col("budget")
                .is_not_null()
                .cast(DataType::Int64)
                .alias("budget_lines"),
        ])
        .collect()?;
    let mut totals = SUMS.map(|c| col(c).sum()).to_vec();
    totals.push(col("budget").sum());
    let totals = joined
        .clone()
        .lazy()
        .group_by([col("fy")])
        .agg(totals)
        .collect()?;
    let mut rows = read_rows(&joined)?;
    rows.extend(read_rows(&totals)?);
    Ok(rows)
}

/// The full join's output as one set of keys and filled sums.
///
/// The full join keeps each side's keys (`fy` and `fy_right`); a row from
/// one side only has the other's null, so the keys are merged here. A budget
/// without grants gets 件数 0 and zero sums, not missing ones.
fn coalesced_columns() -> Vec<Expr> {
    let mut columns: Vec<Expr> = ["fy", "program"]
        .iter()
        .map(|k| col(*k).fill_null(col(format!("{k}_right"))).alias(*k))
        .collect();
    columns.extend(
        std::iter::once("count")
            .chain(AMOUNTS)
            .map(|c| col(c).fill_null(lit(0i64))),
    );
    columns.push(col("budget"));
    columns
}

/// 事業者別集計's rows: per FY × company sums, sorted by FY, then 事業者名,
/// then company key.
///
/// The frame groups company numbers ([`Companies`]), not strings; each row's
/// 法人番号 is that of its group's first application (its lowest index), as
/// polars' `first` of the column gave when the frame held the strings.
pub(super) fn company_sums(apps: &[Application]) -> Result<Vec<CompanyRow>, TotalsError> {
    let companies = Companies::of(apps);
    let counted: Vec<u32> = (0..apps.len())
        .filter(|&i| apps[i].status.is_granted())
        .map(|i| u32::try_from(i).expect("fewer than 2^32 applications"))
        .collect();
    let at = |i: &u32| &apps[*i as usize];
    let df = df!(
        "fy" => counted.iter().map(|i| at(i).fy()).collect::<Vec<i32>>(),
        "company" => counted.iter().map(|i| companies.of_app[*i as usize]).collect::<Vec<u32>>(),
        "app" => &counted,
        "decided" => counted.iter().map(|i| at(i).decided_amount).collect::<Vec<_>>(),
        "finalized" => counted.iter().map(|i| finalized(at(i))).collect::<Vec<_>>(),
    )?;
    drop(counted);
    let df = df
        .lazy()
        .group_by([col("fy"), col("company")])
        .agg([
            len().cast(DataType::Int64).alias("count"),
            col("app").min(),
            col("decided").sum(),
            col("finalized").sum(),
        ])
        .collect()?;
    let mut rows = read_companies(&df, apps, &companies)?;
    rows.sort_by(|(a, ka), (b, kb)| {
        (a.fy, &a.company, &companies.keys[*ka]).cmp(&(b.fy, &b.company, &companies.keys[*kb]))
    });
    // A fresh vector of the rows alone: collecting in place would keep the wider
    // (row, number) allocation for as long as the rows live (until the report is written).
    let mut out = Vec::with_capacity(rows.len());
    out.extend(rows.into_iter().map(|(row, _)| row));
    Ok(out)
}

fn counted(apps: &[Application]) -> Vec<&Application> {
    apps.iter().filter(|a| a.status.is_granted()).collect()
}

fn grants_frame(apps: &[Application]) -> PolarsResult<DataFrame> {
    let counted = counted(apps);
    df!(
        "fy" => counted.iter().map(|a| a.fy()).collect::<Vec<i32>>(),
        "program" => counted.iter().map(|a| a.program.as_str()).collect::<Vec<&str>>(),
        "eligible_cost" => counted.iter().map(|a| a.eligible_cost).collect::<Vec<i64>>(),
        "decided" => counted.iter().map(|a| a.decided_amount).collect::<Vec<_>>(),
        "finalized" => counted.iter().map(|a| finalized(a)).collect::<Vec<_>>(),
        "granted" => counted.iter().map(|a| a.granted_amount()).collect::<Vec<_>>(),
    )
}

fn budgets_frame(budgets: &[Budget]) -> PolarsResult<DataFrame> {
    df!(
        "fy" => budgets.iter().map(|b| b.fy).collect::<Vec<i32>>(),
        "program" => budgets.iter().map(|b| b.program.as_str()).collect::<Vec<&str>>(),
        "budget" => budgets.iter().map(|b| b.amount).collect::<Vec<i64>>(),
    )
}

/// 確定額 counts only once the grant is 確定.
fn finalized(app: &Application) -> Option<Yen> {
    if app.status == AppStatus::Final {
        app.final_amount
    } else {
        None
    }
}

fn corporate_number(app: &Application) -> Option<String> {
    app.corporate_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// A frame of sums read back as 年度別集計's rows: a program's in its FY when
/// the frame has a `program` column, a FY's 合計 when it has none.
fn read_rows(df: &DataFrame) -> Result<Vec<FyProgramRow>, TotalsError> {
    let fy = Ints::read(df, "fy")?;
    let program = match df.column("program") {
        Ok(_) => Some(Texts::read(df, "program")?),
        Err(_) => None,
    };
    let [
        count,
        eligible_cost,
        decided,
        finalized,
        granted,
        granted_budgeted,
        lines,
    ] = SUMS.map(|c| Ints::read(df, c));
    let (count, eligible_cost, decided, finalized, granted, granted_budgeted, lines) = (
        count?,
        eligible_cost?,
        decided?,
        finalized?,
        granted?,
        granted_budgeted?,
        lines?,
    );
    let budget = Ints::read(df, "budget")?;
    (0..df.height())
        .map(|i| {
            // polars sums no values to 0; without any 予算 row there is no budget.
            let budget = if lines.at(i)? > 0 {
                Some(budget.at(i)?)
            } else {
                None
            };
            Ok(FyProgramRow {
                fy: fy.fy(i)?,
                program: program.as_ref().map(|p| p.at(i)).transpose()?,
                count: count.at(i)?,
                eligible_cost: eligible_cost.at(i)?,
                decided: decided.at(i)?,
                finalized: finalized.at(i)?,
                granted: granted.at(i)?,
                budget,
                // A program without a budget has none to run against, and on a
                // 合計 only the granted amounts of budgeted programs count.
                execution_rate: rate(granted_budgeted.at(i)?, budget),
            })
        })
        .collect()
}

/// The grouped frame's rows, each with its company's number (for the sort).
fn read_companies(
    df: &DataFrame,
    apps: &[Application],
    companies: &Companies<'_>,
) -> Result<Vec<(CompanyRow, usize)>, TotalsError> {
    let fy = Ints::read(df, "fy")?;
    let company = Ints::read(df, "company")?;
    let first = Ints::read(df, "app")?;
    let count = Ints::read(df, "count")?;
    let decided = Ints::read(df, "decided")?;
    let finalized = Ints::read(df, "finalized")?;
    // Sized once: a collect through `Result` cannot know the length and grows by doubling.
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let n = company.index(i, companies.keys.len())?;
        let first = first.index(i, apps.len())?;
        let row = CompanyRow {
            fy: fy.fy(i)?,
            company: companies.name(apps, n).clone(),
            corporate_number: corporate_number(&apps[first]),
            count: count.at(i)?,
            decided: decided.at(i)?,
            finalized: finalized.at(i)?,
        };
        rows.push((row, n));
    }
    Ok(rows)
}

/// An integer column read back, named for the error when a value is missing.
struct Ints {
    name: &'static str,
    values: Vec<Option<i64>>,
}

impl Ints {
    fn read(df: &DataFrame, name: &'static str) -> PolarsResult<Ints> {
        let column = df.column(name)?.cast(&DataType::Int64)?;
        let values = column.i64()?.iter().collect();
        Ok(Ints { name, values })
    }

    fn opt(&self, i: usize) -> Option<i64> {
        self.values.get(i).copied().flatten()
    }

    fn at(&self, i: usize) -> Result<i64, TotalsError> {
        self.opt(i).ok_or(TotalsError::MissingValue(self.name))
    }

    /// An index below `len` (a company's or an application's number).
    fn index(&self, i: usize, len: usize) -> Result<usize, TotalsError> {
        usize::try_from(self.at(i)?)
            .ok()
            .filter(|n| *n < len)
            .ok_or(TotalsError::MissingValue(self.name))
    }

    fn fy(&self, i: usize) -> Result<FiscalYear, TotalsError> {
        FiscalYear::try_from(self.at(i)?).map_err(|_| TotalsError::MissingValue(self.name))
    }
}

/// A text column read back.
struct Texts {
    name: &'static str,
    values: Vec<Option<String>>,
}

impl Texts {
    fn read(df: &DataFrame, name: &'static str) -> PolarsResult<Texts> {
        let values = df
            .column(name)?
            .str()?
            .iter()
            .map(|s| s.map(str::to_string))
            .collect();
        Ok(Texts { name, values })
    }

    fn opt(&self, i: usize) -> Option<String> {
        self.values.get(i).cloned().flatten()
    }

    fn at(&self, i: usize) -> Result<String, TotalsError> {
        self.opt(i).ok_or(TotalsError::MissingValue(self.name))
    }
}
