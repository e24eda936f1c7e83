//! 要確認 rows: what rule the data breaks (a closed set of kinds, with codes
//! the digest keys on), on which application, and the sentence staff read,
//! written out or kept as the figures it is made of.

use chrono::NaiveDate;

use super::Yen;
use crate::calendar::FiscalYear;
use crate::text::SharedStr;

/// A 要確認 row: a rule the data breaks, on the application that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 申請番号 and 事業者名, shared with the application's row where there is one.
    pub application_id: SharedStr,
    pub company: SharedStr,
    /// 種別: what rule the data breaks.
    pub kind: FindingKind,
    /// 内容: a full Japanese sentence.
    pub detail: Detail,
}

/// 内容 of a 要確認 row: a full Japanese sentence, written out, or kept as the figures
/// it is made of and written when read. A national night holds some hundred thousand
/// 予算超過 rows (one per grant over its budget) until its report is written; each
/// sentence is some 380 bytes, its figures some 60.
#[derive(Debug, Clone)]
pub enum Detail {
    Text(String),
    OverBudget(BudgetExcess),
}

impl Detail {
    /// The sentence.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Detail::Text(t) => std::borrow::Cow::Borrowed(t),
            Detail::OverBudget(b) => std::borrow::Cow::Owned(b.to_string()),
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Detail::Text(t) => f.write_str(t),
            Detail::OverBudget(b) => b.fmt(f),
        }
    }
}

/// Two details are equal when their sentences are, however each is held.
impl PartialEq for Detail {
    fn eq(&self, other: &Detail) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Detail {}

impl PartialEq<str> for Detail {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Detail {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl PartialEq<String> for Detail {
    fn eq(&self, other: &String) -> bool {
        self.text() == other.as_str()
    }
}

/// A sentence made once and held: trimmed to its length (`format!` leaves up to
/// half of its buffer spare).
impl From<String> for Detail {
    fn from(mut text: String) -> Detail {
        text.shrink_to_fit();
        Detail::Text(text)
    }
}

impl From<&str> for Detail {
    fn from(text: &str) -> Detail {
        Detail::Text(text.to_string())
    }
}

impl From<&Detail> for String {
    fn from(detail: &Detail) -> String {
        detail.text().into_owned()
    }
}

/// The figures of a 予算超過 row: the grant whose 交付決定額 took its program's running
/// sum in the FY above the FY's 予算額.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetExcess {
    pub fy: FiscalYear,
    pub program: SharedStr,
    /// 交付決定日 of the grant.
    pub decided_on: Option<NaiveDate>,
    /// 交付決定額 of the grant.
    pub decided: Yen,
    /// Σ交付決定額 up to and including this grant.
    pub sum: Yen,
    /// 予算額 of the FY.
    pub limit: Yen,
    /// The article it rests on, 「（第7条第2項）」, or nothing.
    pub article: SharedStr,
}

impl std::fmt::Display for BudgetExcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::calendar::{fy_label, wareki};
        use crate::format::yen;
        write!(
            f,
            "{}の{}の交付決定額の累計が、この申請（{}交付決定、{}）で{}となり、予算額{}を{}上回っています{}。",
            fy_label(self.fy),
            self.program,
            self.decided_on.map(wareki).unwrap_or_default(),
            yen(self.decided),
            yen(self.sum),
            yen(self.limit),
            yen(self.sum - self.limit),
            self.article,
        )
    }
}

/// 種別 of a 要確認 row: a closed set, so nothing compares labels.
///
/// [`FindingKind::code`] is stable across releases: the digest keys "new
/// since last night" on it, so rewording a [`FindingKind::label`] does not
/// make every old flag new again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// 算定額超過: decided above what the rules give.
    AmountOver,
    /// 下限額未満: granted although the cost is below the floor.
    BelowFloor,
    /// 同一事業所の重複申請: one application per establishment.
    SameEstablishment,
    /// 設置完了期限超過: installed after the end of February of its FY.
    InstalledLate,
    /// 実績報告期限超過: still 交付決定 after the completion report's due date.
    CompletionReportOverdue,
    /// 申請番号不明: a received report names no known application.
    UnknownApplication,
    /// 報告対象外: a report for an application that owes none.
    ReportNotOwed,
    /// 報告年度不一致: a report for a year the application owes none.
    ReportYearMismatch,
    /// 期間内処分: disposed within the restriction period without approval.
    EarlyDisposal,
    /// 耐用年数不一致: the export's useful life disagrees with the table.
    UsefulLifeMismatch,
    /// 制限期間算定不能: the restriction period cannot be computed.
    RestrictionUndatable,
    /// 通知先不備: no usable address for a reminder.
    NoAddress,
    /// 通知内容不備: a reminder's headers cannot be built from the data.
    InvalidMessage,
    /// 送信不明: a reminder that may or may not have been delivered.
    SendUncertain,
    /// 参画企業数不足: a group program's group has fewer members than it requires.
    TooFewMembers,
    /// 同一年度上限超過: a pending application the company's per-FY cap or person limit
    /// already (partly) rules out.
    CompanyFyLimit,
    /// 予算超過: Σ交付決定額 of a program in an FY above its 予算額.
    OverBudget,
    /// 補助対象外の財産: an asset in a category the program does not subsidise.
    IneligibleAsset,
    /// 事前相談なし: no 事前相談 on record before the application.
    NoPreConsultation,
    /// 事前着手届なし: work started before the decision without the notice.
    NoEarlyStartNotice,
    /// 報告行の入力エラー: a rejected report row holds its application's reminders.
    ReportRowRejected,
    /// 確定額超過: 確定額 above the amount the rules give.
    FinalOverComputed,
    /// 確定額が交付決定額超過: 確定額 above 交付決定額 (an increase needs a 変更承認).
    FinalOverDecided,
    /// 申請期間外: applied outside its program's 申請期間 for the FY.
    OutsideApplicationWindow,
    /// 着手前の申請期間不足: applied less than the required days before 事業着手日 (a rule with
    /// exceptions: "原則").
    ShortLeadTime,
    /// 完了日未入力: 事業完了日 still blank after the installation deadline.
    CompletionDateMissing,
    /// 申請前の完了: 事業完了日 before 申請日.
    CompletedBeforeApplication,
    /// 市外の事業所: 事業所所在地 not in the city the program requires.
    OutsideCity,
    /// 送信停止: the state file and its sent-keys log disagree, so no grantee
    /// was mailed tonight (issue 25: never the same reminder twice).
    MailingStopped,
    /// 実行見送り: a night that found this run still going and did not run.
    NightSkipped,
}

impl FindingKind {
    pub const ALL: [FindingKind; 30] = [
        FindingKind::AmountOver,
        FindingKind::BelowFloor,
        FindingKind::SameEstablishment,
        FindingKind::InstalledLate,
        FindingKind::CompletionReportOverdue,
        FindingKind::UnknownApplication,
        FindingKind::ReportNotOwed,
        FindingKind::ReportYearMismatch,
        FindingKind::EarlyDisposal,
        FindingKind::UsefulLifeMismatch,
        FindingKind::RestrictionUndatable,
        FindingKind::NoAddress,
        FindingKind::InvalidMessage,
        FindingKind::SendUncertain,
        FindingKind::TooFewMembers,
        FindingKind::CompanyFyLimit,
        FindingKind::OverBudget,
        FindingKind::IneligibleAsset,
        FindingKind::NoPreConsultation,
        FindingKind::NoEarlyStartNotice,
        FindingKind::ReportRowRejected,
        FindingKind::FinalOverComputed,
        FindingKind::FinalOverDecided,
        FindingKind::OutsideApplicationWindow,
        FindingKind::ShortLeadTime,
        FindingKind::CompletionDateMissing,
        FindingKind::CompletedBeforeApplication,
        FindingKind::OutsideCity,
        FindingKind::MailingStopped,
        FindingKind::NightSkipped,
    ];

    /// The 種別 staff read on 要確認 and in the digest.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::AmountOver => "算定額超過",
            FindingKind::BelowFloor => "下限額未満",
            FindingKind::SameEstablishment => "同一事業所の重複申請",
            FindingKind::InstalledLate => "設置完了期限超過",
            FindingKind::CompletionReportOverdue => "実績報告期限超過",
            FindingKind::UnknownApplication => "申請番号不明",
            FindingKind::ReportNotOwed => "報告対象外",
            FindingKind::ReportYearMismatch => "報告年度不一致",
            FindingKind::EarlyDisposal => "期間内処分",
            FindingKind::UsefulLifeMismatch => "耐用年数不一致",
            FindingKind::RestrictionUndatable => "制限期間算定不能",
            FindingKind::NoAddress => "通知先不備",
            FindingKind::InvalidMessage => "通知内容不備",
            FindingKind::SendUncertain => "送信不明",
            FindingKind::TooFewMembers => "参画企業数不足",
            FindingKind::CompanyFyLimit => "同一年度上限超過",
            FindingKind::OverBudget => "予算超過",
            FindingKind::IneligibleAsset => "補助対象外の財産",
            FindingKind::NoPreConsultation => "事前相談なし",
            FindingKind::NoEarlyStartNotice => "事前着手届なし",
            FindingKind::ReportRowRejected => "報告行の入力エラー",
            FindingKind::FinalOverComputed => "確定額超過",
            FindingKind::FinalOverDecided => "確定額が交付決定額超過",
            FindingKind::OutsideApplicationWindow => "申請期間外",
            FindingKind::ShortLeadTime => "着手前の申請期間不足（原則）",
            FindingKind::CompletionDateMissing => "完了日未入力",
            FindingKind::CompletedBeforeApplication => "申請前の完了",
            FindingKind::OutsideCity => "市外の事業所",
            FindingKind::MailingStopped => "送信停止",
            FindingKind::NightSkipped => "実行見送り",
        }
    }

    /// A stable ASCII code, stored in the state file (never shown).
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::AmountOver => "amount_over",
            FindingKind::BelowFloor => "below_floor",
            FindingKind::SameEstablishment => "same_establishment",
            FindingKind::InstalledLate => "installed_late",
            FindingKind::CompletionReportOverdue => "completion_report_overdue",
            FindingKind::UnknownApplication => "unknown_application",
            FindingKind::ReportNotOwed => "report_not_owed",
            FindingKind::ReportYearMismatch => "report_year_mismatch",
            FindingKind::EarlyDisposal => "early_disposal",
            FindingKind::UsefulLifeMismatch => "useful_life_mismatch",
            FindingKind::RestrictionUndatable => "restriction_undatable",
            FindingKind::NoAddress => "no_address",
            FindingKind::InvalidMessage => "invalid_message",
            FindingKind::SendUncertain => "send_uncertain",
            FindingKind::TooFewMembers => "too_few_members",
            FindingKind::CompanyFyLimit => "company_fy_limit",
            FindingKind::OverBudget => "over_budget",
            FindingKind::IneligibleAsset => "ineligible_asset",
            FindingKind::NoPreConsultation => "no_pre_consultation",
            FindingKind::NoEarlyStartNotice => "no_early_start_notice",
            FindingKind::ReportRowRejected => "report_row_rejected",
            FindingKind::FinalOverComputed => "final_over_computed",
            FindingKind::FinalOverDecided => "final_over_decided",
            FindingKind::OutsideApplicationWindow => "outside_application_window",
            FindingKind::ShortLeadTime => "short_lead_time",
            FindingKind::CompletionDateMissing => "completion_date_missing",
            FindingKind::CompletedBeforeApplication => "completed_before_application",
            FindingKind::OutsideCity => "outside_city",
            FindingKind::MailingStopped => "mailing_stopped",
            FindingKind::NightSkipped => "night_skipped",
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
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
