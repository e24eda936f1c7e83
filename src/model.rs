//! Typed rows and results that flow between the pipeline's stages.
//!
//! Every stage takes these plain values and returns its own; nothing here reads
//! files or the clock. Amounts are whole yen (`Yen`), never floating point.

use chrono::NaiveDate;

pub use crate::text::SharedStr;

mod finding;
pub use finding::{BudgetExcess, Detail, Finding, FindingKind};

/// Whole yen. Money is exact: no fractions of a yen anywhere in hojokin.
pub type Yen = i64;

pub use crate::calendar::FiscalYear;

/// The four datasets of the contract's "Input workbooks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    Applications,
    Assets,
    EmploymentReports,
    Budgets,
}

impl Dataset {
    pub const ALL: [Dataset; 4] = [
        Dataset::Applications,
        Dataset::Assets,
        Dataset::EmploymentReports,
        Dataset::Budgets,
    ];

    /// The key used in job files (`[inputs.applications]`).
    pub fn key(self) -> &'static str {
        match self {
            Dataset::Applications => "applications",
            Dataset::Assets => "assets",
            Dataset::EmploymentReports => "employment_reports",
            Dataset::Budgets => "budgets",
        }
    }

    /// The Japanese name staff know the export by.
    pub fn label(self) -> &'static str {
        match self {
            Dataset::Applications => "申請一覧",
            Dataset::Assets => "取得財産",
            Dataset::EmploymentReports => "雇用状況報告",
            Dataset::Budgets => "予算",
        }
    }
}

/// Where a row came from, so any later finding can point staff at it. The file and
/// sheet names are shared by every row of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowOrigin {
    pub file: SharedStr,
    pub sheet: SharedStr,
    /// 1-based Excel row number.
    pub row: u32,
}

/// 状態 of an application, as the export spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppStatus {
    /// 申請中
    Pending,
    /// 交付決定
    Decided,
    /// 確定
    Final,
    /// 不交付
    Rejected,
    /// 取下げ
    Withdrawn,
    /// 取消
    Cancelled,
}

impl AppStatus {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "申請中" => Self::Pending,
            "交付決定" => Self::Decided,
            "確定" => Self::Final,
            "不交付" => Self::Rejected,
            "取下げ" | "取下" | "取り下げ" => Self::Withdrawn,
            "取消" | "取消し" | "取り消し" => Self::Cancelled,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "申請中",
            Self::Decided => "交付決定",
            Self::Final => "確定",
            Self::Rejected => "不交付",
            Self::Withdrawn => "取下げ",
            Self::Cancelled => "取消",
        }
    }

    /// A grant that stands: 交付決定 or 確定.
    pub fn is_granted(self) -> bool {
        matches!(self, Self::Decided | Self::Final)
    }
}

/// A program of the run's catalogue, resolved once at ingestion so that no
/// later stage matches program names again. Only the catalogue makes them
/// (`Catalogue::find_program`), so an id always indexes its programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgramId(usize);

impl ProgramId {
    pub(crate) fn at(index: usize) -> ProgramId {
        ProgramId(index)
    }

    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// One row of 申請一覧.
#[derive(Debug, Clone, PartialEq, Eq)]
///
/// The texts later stages copy into their own rows (申請番号, 制度, 区分, 事業者名,
/// 担当者名, メールアドレス) are [`SharedStr`]s, so those copies share this row's text.
pub struct Application {
    /// 申請番号
    pub id: SharedStr,
    /// 制度 (canonical program name after alias resolution; the catalogue's text)
    pub program: SharedStr,
    /// The same program as the catalogue's id.
    pub program_id: ProgramId,
    /// 区分 (the catalogue's name when it knows the course, else as written)
    pub course: Option<SharedStr>,
    /// 事業者名
    pub company: SharedStr,
    /// 法人番号 (13 digits, check digit verified)
    pub corporate_number: Option<String>,
    /// 事業所所在地
    pub address: Option<String>,
    /// 担当者名
    pub contact: Option<SharedStr>,
    /// メールアドレス (syntax checked)
    pub email: Option<SharedStr>,
    /// 申請日
    pub applied_on: NaiveDate,
    /// 交付決定日
    pub decided_on: Option<NaiveDate>,
    /// 事業完了日
    pub completed_on: Option<NaiveDate>,
    /// 補助対象経費
    pub eligible_cost: Yen,
    /// 交付決定額
    pub decided_amount: Option<Yen>,
    /// 確定額
    pub final_amount: Option<Yen>,
    /// 状態
    pub status: AppStatus,
    /// 参画企業数
    pub members: Option<u32>,
    /// 対象人数
    pub persons: Option<u32>,
    /// 対象人数（女性） — extension column for per-person programs that pay by sex.
    pub persons_women: Option<u32>,
    /// 対象人数（障がい者） — extension column for per-person add-ons.
    pub persons_disabled: Option<u32>,
    /// Optional extension columns some checks read (実績報告受付日, 事前相談日 …).
    pub records: AppRecords,
    pub origin: RowOrigin,
}

/// Optional columns of 申請一覧 beyond the contract's, read when the export has them.
///
/// A check that needs one of them runs only when the export carries its column, so an
/// export without it is never flagged for a date it cannot hold ([`Recorded::NoColumn`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppRecords {
    /// 実績報告受付日: when the completion report was received. With it, an overdue
    /// completion report is judged by date, not inferred from 状態.
    pub completion_report_received_on: Option<NaiveDate>,
    /// 事業着手日: when the work started.
    pub started_on: Option<NaiveDate>,
    /// 事前相談日 (中小企業強靭化推進補助金: 事前相談 is required before applying).
    pub pre_consultation_on: Recorded,
    /// 事前着手届出日 (a notice required when work starts before the grant decision).
    pub early_start_notice_on: Recorded,
}

/// A date from an optional column: the export may lack the column altogether.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Recorded {
    /// The sheet has no such column: nothing can be judged from it.
    #[default]
    NoColumn,
    /// The column is there and this row's cell is blank.
    Blank,
    On(NaiveDate),
}

impl Recorded {
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Recorded::On(d) => Some(d),
            _ => None,
        }
    }
}

impl Application {
    /// `apps` by 申請番号, for stages that look rows up by it; a repeated
    /// 申請番号 gives the last of its rows, as a map built in input order does.
    pub fn by_id(apps: &[Application]) -> std::collections::HashMap<&str, &Application> {
        apps.iter().map(|a| (a.id.as_str(), a)).collect()
    }

    /// The FY of the grant: the FY of 交付決定日 (None before a decision).
    pub fn decision_fy(&self) -> Option<FiscalYear> {
        self.decided_on.map(crate::calendar::fiscal_year)
    }

    /// The FY the application counts in: that of 交付決定日, else that of
    /// 申請日. Rules, totals and compliance all use this one.
    pub fn fy(&self) -> FiscalYear {
        self.decision_fy()
            .unwrap_or_else(|| crate::calendar::fiscal_year(self.applied_on))
    }

    /// The company an application belongs to: 法人番号, else the name after
    /// NFKC with spaces removed (exports spell one company several ways).
    /// Borrowed from the row when it is already in that form (most are), so
    /// grouping by company allocates only for the names that need it.
    pub fn company_key(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
        match &self.corporate_number {
            Some(n) if !n.trim().is_empty() => Cow::Borrowed(n.trim()),
            _ if !self.company.chars().any(char::is_whitespace)
                && is_nfkc_quick(self.company.chars()) == IsNormalized::Yes =>
            {
                Cow::Borrowed(self.company.as_str())
            }
            _ => Cow::Owned(self.company.nfkc().filter(|c| !c.is_whitespace()).collect()),
        }
    }

    /// The order in which applications are judged (申請日, then 申請番号):
    /// per-company caps are used up, and "the first application" of an
    /// establishment is found, in this order.
    pub fn processing_key(&self) -> (NaiveDate, &str) {
        (self.applied_on, self.id.as_str())
    }

    /// The amount the grant stands at: 確定額 once 確定 (交付決定額 if that is
    /// missing), else 交付決定額. A 確定額 on a row not yet 確定 is not
    /// final, so it counts nowhere: totals and refunds both use this.
    pub fn granted_amount(&self) -> Option<Yen> {
        if self.status == AppStatus::Final {
            self.final_amount.or(self.decided_amount)
        } else {
            self.decided_amount
        }
    }
}

/// One row of 取得財産.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// 申請番号 (exists in applications)
    pub application_id: String,
    /// 財産番号 (unique)
    pub asset_id: String,
    /// 財産名
    pub name: String,
    /// 耐用年数区分 as written in the export
    pub category: Option<String>,
    /// Years found in the useful-life table for `category`, when it resolves to one row.
    pub table_years: Option<u32>,
    /// 法定耐用年数 given explicitly in the export (wins over the table).
    pub explicit_years: Option<u32>,
    /// 取得価額
    pub cost: Yen,
    /// 取得日 (already defaulted to the application's 事業完了日 by ingestion)
    pub acquired_on: Option<NaiveDate>,
    /// 処分日
    pub disposed_on: Option<NaiveDate>,
    /// 処分の種類
    pub disposal_kind: Option<String>,
    /// 処分承認日
    pub disposal_approved_on: Option<NaiveDate>,
    pub origin: RowOrigin,
}

impl Asset {
    /// The statutory useful life in force: the explicit value wins.
    pub fn useful_life_years(&self) -> Option<u32> {
        self.explicit_years.or(self.table_years)
    }
}

/// One row of 雇用状況報告 (a received report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentReport {
    pub application_id: String,
    /// 報告年度
    pub report_fy: FiscalYear,
    /// 受付日
    pub received_on: NaiveDate,
    /// 新規採用者数（女性）
    pub hires_women: Option<u32>,
    /// 新規採用者数（障がい者）
    pub hires_disabled: Option<u32>,
    pub origin: RowOrigin,
}

/// One row of 予算.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub fy: FiscalYear,
    pub program: String,
    pub amount: Yen,
    pub origin: RowOrigin,
}

/// A rejected row or value, reported on 入力エラー and by `hojokin check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub sheet: String,
    /// A1 reference of the offending cell (or of the row's first cell).
    pub cell: String,
    /// 項目: the column's header name.
    pub column: String,
    pub value: String,
    /// 内容: the reason, in Japanese, for staff.
    pub reason: String,
    /// 申請番号 the row names, when it can be read (empty otherwise).
    pub application_id: String,
    /// 事業者名 of that application, from 申請一覧 (empty when unknown).
    pub company: String,
    /// 影響: what the rejection means for tonight's run, for staff.
    pub effect: String,
}

/// A 雇用状況報告 row rejected for a bad cell whose 申請番号 is readable:
/// the city may well hold the report, so its reminders are held (not sent)
/// until the row is fixed, rather than chasing a grantee who reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedReport {
    pub application_id: String,
    /// 報告年度, when readable; `None` holds every open report of the application.
    pub report_fy: Option<FiscalYear>,
    /// 受付日, when readable: a report received after the as-of date does not count.
    pub received_on: Option<NaiveDate>,
    pub origin: RowOrigin,
}

/// Everything ingestion produced from a job's inputs.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub applications: Vec<Application>,
    pub assets: Vec<Asset>,
    pub employment_reports: Vec<EmploymentReport>,
    pub budgets: Vec<Budget>,
    pub errors: Vec<InputError>,
    /// Report rows rejected although their 申請番号 is known.
    pub rejected_reports: Vec<RejectedReport>,
}

impl Inputs {
    /// Lets go of the rows only the rule and compliance stages read (assets,
    /// employment reports, budgets, held reports): the workbook and the mail
    /// read those stages' results, the applications and the input errors. On
    /// a full sheet these rows were some 100 MB held until the workbook was
    /// written, the night's peak.
    pub fn release_evaluated(&mut self) {
        self.assets = Vec::new();
        self.employment_reports = Vec::new();
        self.budgets = Vec::new();
        self.rejected_reports = Vec::new();
    }
}

/// A reporting duty of a program (catalogue data): e.g. the diversity subsidy's
/// 採用状況報告, due in April (month 4, day 30) of FY+1 and FY+2 of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingDuty {
    /// 制度 this duty belongs to.
    pub program: String,
    /// The report's name as staff and grantees know it (e.g. 採用状況報告).
    pub name: String,
    /// Calendar month of the due date (4 = April).
    pub month: u32,
    /// Day of that month the report is due (30), before closed-day shifting.
    pub day: u32,
    /// What happens when that day is a city closed day (a catalogue setting: city policy).
    pub shift: DueShift,
    /// Where the day and the shift come from, as staff and grantees read it.
    pub basis: Option<String>,
    /// Years after the decision's FY in which a report is owed (e.g. [1, 2]).
    pub years_after: Vec<i32>,
    /// Forms to send (e.g. 第10号様式 採用状況報告書, 第11号様式 採用者リスト).
    pub forms: Vec<Form>,
    /// Other documents the grantee must attach (catalogue `attachments`).
    pub attachments: Vec<String>,
}

/// One form of a reporting duty: its number, its title and whether it is
/// attached to another form rather than a report of its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    /// 第10号様式
    pub name: String,
    /// 採用状況報告書 (None when the catalogue gives only the number).
    pub title: Option<String>,
    /// The form this one is attached to (第11号様式 is attached to 第10号様式).
    pub attached_to: Option<String>,
}

impl From<&str> for Form {
    fn from(name: &str) -> Form {
        Form::named(name)
    }
}

impl Form {
    /// A form known by its number only (the catalogue's plain string form).
    pub fn named(name: impl Into<String>) -> Form {
        Form {
            name: name.into(),
            ..Form::default()
        }
    }

    /// How a mail names it: 第11号様式 採用者リスト（第10号様式に添付）.
    pub fn display(&self) -> String {
        let mut s = self.name.clone();
        if let Some(t) = &self.title {
            s.push(' ');
            s.push_str(t);
        }
        if let Some(to) = &self.attached_to {
            s.push_str(&format!("（{to}に添付）"));
        }
        s
    }
}

/// How a due date that falls on a city closed day moves (a catalogue setting per duty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum DueShift {
    /// To the next open day (the city's default policy).
    #[default]
    NextOpenDay,
    /// To the previous open day.
    PreviousOpenDay,
    /// Not moved: the day stays the deadline.
    None,
}

impl DueShift {
    /// The catalogue spelling.
    pub fn code(self) -> &'static str {
        match self {
            DueShift::NextOpenDay => "next_open_day",
            DueShift::PreviousOpenDay => "previous_open_day",
            DueShift::None => "none",
        }
    }

    pub fn from_code(code: &str) -> Option<DueShift> {
        [
            DueShift::NextOpenDay,
            DueShift::PreviousOpenDay,
            DueShift::None,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// The rule in words, for sheets and mails ("閉庁日の場合は翌開庁日").
    pub fn label(self) -> &'static str {
        match self {
            DueShift::NextOpenDay => "閉庁日の場合は翌開庁日",
            DueShift::PreviousOpenDay => "閉庁日の場合は前開庁日",
            DueShift::None => "閉庁日でも繰り下げ・繰り上げなし",
        }
    }

    /// `day` moved off a closed day by this rule.
    pub fn apply(self, day: NaiveDate) -> NaiveDate {
        match self {
            DueShift::NextOpenDay => crate::calendar::next_open_day(day),
            DueShift::PreviousOpenDay => crate::calendar::previous_open_day(day),
            DueShift::None => day,
        }
    }
}

/// One line of the 通知 sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRow {
    /// RFC 3339 in Asia/Tokyo.
    pub at: String,
    pub to: String,
    pub subject: String,
    /// 種別: a reminder's stage or the staff digest.
    pub kind: MailKind,
    /// 結果: what happened, and the sentence staff read.
    pub result: MailResult,
    pub application_id: String,
    /// 事業者名 of that application (empty for the staff digest).
    pub company: String,
    pub message_id: Option<String>,
}

/// What asked for a run, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Trigger {
    /// `hojokin run` from a shell, cron or a systemd timer.
    #[serde(rename = "manual")]
    Manual,
    /// The daemon, at a scheduled slot.
    #[serde(rename = "schedule")]
    Schedule,
    /// The daemon at start, for a slot missed while it was down.
    #[serde(rename = "catch-up")]
    CatchUp,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::Manual, Trigger::Schedule, Trigger::CatchUp];

    /// The word stored in the state file and printed by `history`.
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
            Trigger::CatchUp => "catch-up",
        }
    }

    pub fn from_code(code: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The contract's exit status: the one place a run's end becomes a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: done.
    Done,
    /// 1: done, but staff must fix something (rejected rows, mail left queued).
    NeedsAttention,
    /// 2: could not run.
    CouldNotRun,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::NeedsAttention => 1,
            Exit::CouldNotRun => 2,
        }
    }

    /// The worse of two: a run that needs attention anywhere needs it.
    pub fn and(self, other: Exit) -> Exit {
        self.max(other)
    }
}

/// 種別 of a mail on 通知.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    Reminder(Stage),
    Digest,
}

impl MailKind {
    /// 案内, 催促, 督促, 再督促 or ダイジェスト.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::Reminder(stage) => stage.label(),
            MailKind::Digest => "ダイジェスト",
        }
    }
}

impl std::fmt::Display for MailKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What became of one mail: the closed set the code decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailOutcome {
    /// The relay accepted it (送信済).
    Sent,
    /// Refused or not reached; tried again next run (送信失敗).
    Failed,
    /// May or may not have been delivered; never resent by itself (送信不明).
    Uncertain,
    /// Not tried tonight (the relay stopped answering); sent next run (送信保留).
    Held,
    /// Written as an .eml by a dry run (試行).
    Previewed,
    /// Not sent, for the reason the sentence gives (未送信).
    NotSent,
}

/// 結果 of a mail: its outcome and the sentence staff read on 通知, e.g.
/// 「送信失敗（再送待ち）: …」.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailResult {
    pub outcome: MailOutcome,
    pub text: String,
}

impl MailResult {
    pub fn new(outcome: MailOutcome, text: impl Into<String>) -> MailResult {
        MailResult {
            outcome,
            text: text.into(),
        }
    }

    /// Whether the relay may hold the mail, so its Message-ID is worth showing.
    pub fn reached_the_relay(&self) -> bool {
        matches!(self.outcome, MailOutcome::Sent | MailOutcome::Uncertain)
    }
}

impl std::fmt::Display for MailResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// How many of a night's reminders went out, stayed queued, failed or are in doubt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailCounts {
    pub sent: usize,
    pub queued: usize,
    pub failed: usize,
    pub uncertain: usize,
}

/// A reminder stage, in the order they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// 案内: the report is due this spring.
    Annai,
    /// 催促: the deadline is a week away or less.
    Saisoku,
    /// 督促: the deadline has passed.
    Tokusoku,
    /// 再督促: a month after the deadline, still nothing.
    Saitokusoku,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Annai,
        Stage::Saisoku,
        Stage::Tokusoku,
        Stage::Saitokusoku,
    ];

    /// The word staff read (通知 sheet, 種別).
    pub fn label(self) -> &'static str {
        match self {
            Stage::Annai => "案内",
            Stage::Saisoku => "催促",
            Stage::Tokusoku => "督促",
            Stage::Saitokusoku => "再督促",
        }
    }

    /// The ASCII code stored in the outbox and used in file names.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Annai => "annai",
            Stage::Saisoku => "saisoku",
            Stage::Tokusoku => "tokusoku",
            Stage::Saitokusoku => "saitokusoku",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The template file of the stage in the templates folder.
    pub fn template(self) -> &'static str {
        match self {
            Stage::Annai => "annai.txt",
            Stage::Saisoku => "saisoku.txt",
            Stage::Tokusoku => "tokusoku.txt",
            Stage::Saitokusoku => "saitokusoku.txt",
        }
    }
}

/// How a refund for an early disposal is estimated (a catalogue setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefundMethod {
    /// The asset's share of the grant × remaining months ÷ (N × 12).
    #[default]
    ProRata,
    /// The asset's whole share of the grant.
    Full,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_kept_as_figures_reads_as_its_sentence() {
        let excess = Detail::OverBudget(BudgetExcess {
            fy: 2024,
            program: "設備投資補助金".into(),
            decided_on: NaiveDate::from_ymd_opt(2024, 6, 3),
            decided: 1_500_000,
            sum: 10_250_000,
            limit: 10_000_000,
            article: "（交付要綱第6条）".into(),
        });
        let sentence = "令和6年度の設備投資補助金の交付決定額の累計が、この申請（令和6年6月3日交付決定、1,500,000円）で10,250,000円となり、予算額10,000,000円を250,000円上回っています（交付要綱第6条）。";
        assert_eq!(excess.text(), sentence);
        assert_eq!(String::from(&excess), sentence);
        assert_eq!(excess, Detail::from(sentence));
        assert_ne!(excess, Detail::from("別の文です。"));
    }
}
