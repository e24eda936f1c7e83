//! One row of 申請一覧 ([`Application`]): its 状態 ([`AppStatus`]), its
//! program as the catalogue's id ([`ProgramId`]) and the optional extension
//! columns ([`AppRecords`], [`Recorded`]).
//!
//! The application is the row every stage reads and keys on, with the rules
//! about it (its fiscal year, its company, its order, the amount it stands
//! at); it is its own module so those rules live beside the row and nowhere else.

use chrono::NaiveDate;

use super::{RowOrigin, Yen};
use crate::calendar::FiscalYear;
use crate::text::SharedStr;

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
    /// 月額掛金内訳: each worker's monthly premium (中小企業退職金共済制度奨励補助金), which
    /// makes the per-worker monthly cap exact; without it only an upper bound follows.
    pub monthly_premiums: Option<Box<[Yen]>>,
    /// 電話番号 of the grantee's contact, when the export has the column:
    /// staff phone grantees about overdue reports (要確認, 雇用状況報告).
    pub phone: Option<SharedStr>,
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
    pub fn by_id(apps: &[Application]) -> foldhash::HashMap<&str, &Application> {
        use foldhash::HashMapExt;
        let mut by_id = foldhash::HashMap::with_capacity(apps.len());
        by_id.extend(apps.iter().map(|a| (a.id.as_str(), a)));
        by_id
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

    /// The positions of the applications `counted` in [`Application::processing_key`]
    /// order (ties, which unique 申請番号 do not leave, in input order).
    ///
    /// Sorted as (申請日, position) pairs, reaching into an application only to
    /// compare the 申請番号 of one day's applications: sorting bare positions by
    /// the key read two applications (hundreds of bytes apart in a list of a
    /// million) on every comparison.
    pub fn processing_order(
        apps: &[Application],
        counted: impl Fn(&Application) -> bool,
    ) -> Vec<usize> {
        let mut order: Vec<(NaiveDate, u32)> = apps
            .iter()
            .enumerate()
            .filter(|(_, a)| counted(a))
            .map(|(i, a)| {
                (
                    a.applied_on,
                    u32::try_from(i).expect("fewer than 2^32 applications"),
                )
            })
            .collect();
        order.sort_unstable_by(|(da, a), (db, b)| {
            da.cmp(db)
                .then_with(|| apps[*a as usize].id.cmp(&apps[*b as usize].id))
                .then(a.cmp(b))
        });
        order.into_iter().map(|(_, i)| i as usize).collect()
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
