//! Every input column of the contract, named once.
//!
//! Each dataset's columns are constants in its own module ([`app`],
//! [`asset`], [`report`], [`budget`]); row parsing and the cross-row checks
//! take these constants, never a typed-again name, so a misspelt column does
//! not compile. Each column carries its built-in aliases and whether the
//! header must hold it for the sheet to count as that dataset.

use crate::model::Dataset;

/// One column of a dataset: its canonical name, built-in aliases, and
/// whether the header must be present for the sheet to be this dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column {
        name,
        aliases,
        required,
    }
}

/// 申請一覧 (applications).
pub(crate) mod app {
    use super::{Column, col};

    pub(crate) const ID: Column = col("申請番号", &["受付番号", "申請No", "申請NO"], true);
    pub(crate) const PROGRAM: Column = col("制度", &["制度名", "補助金名", "事業名"], true);
    pub(crate) const COURSE: Column = col("区分", &["コース", "区分名"], false);
    pub(crate) const COMPANY: Column = col("事業者名", &["申請者名", "法人名", "企業名"], true);
    pub(crate) const CORPORATE_NUMBER: Column = col("法人番号", &[], false);
    pub(crate) const ADDRESS: Column = col("事業所所在地", &["所在地", "事業所住所"], false);
    pub(crate) const CONTACT: Column = col("担当者名", &["担当者"], false);
    /// Optional: the contact's phone, carried onto 要確認 and 雇用状況報告.
    pub(crate) const PHONE: Column = col("電話番号", &["電話", "TEL", "連絡先電話番号"], false);
    pub(crate) const EMAIL: Column = col(
        "メールアドレス",
        &["メール", "E-mail", "Email", "電子メール"],
        false,
    );
    pub(crate) const APPLIED_ON: Column = col("申請日", &["申請年月日", "受付日"], true);
    pub(crate) const DECIDED_ON: Column = col("交付決定日", &["交付決定年月日", "決定日"], false);
    pub(crate) const COMPLETED_ON: Column = col("事業完了日", &["完了日", "事業完了年月日"], false);
    pub(crate) const ELIGIBLE_COST: Column =
        col("補助対象経費", &["対象経費", "補助対象経費(円)"], true);
    pub(crate) const DECIDED_AMOUNT: Column =
        col("交付決定額", &["交付決定額(円)", "決定額"], false);
    pub(crate) const FINAL_AMOUNT: Column = col("確定額", &["確定額(円)", "交付確定額"], false);
    pub(crate) const STATUS: Column = col("状態", &["ステータス", "進捗"], true);
    pub(crate) const MEMBERS: Column = col("参画企業数", &["参加企業数"], false);
    pub(crate) const PERSONS: Column = col("対象人数", &["人数"], false);
    pub(crate) const PERSONS_WOMEN: Column = col("対象人数（女性）", &["女性人数"], false);
    pub(crate) const PERSONS_DISABLED: Column = col(
        "対象人数（障がい者）",
        &["障がい者人数", "障害者人数"],
        false,
    );
    /// Optional: when the completion report (実績報告) was received.
    pub(crate) const COMPLETION_REPORT_RECEIVED_ON: Column =
        col("実績報告受付日", &["実績報告日", "実績報告書受付日"], false);
    /// Optional: when the work started (事前着手届 check).
    pub(crate) const STARTED_ON: Column = col("事業着手日", &["着手日"], false);
    /// Optional: when the required 事前相談 took place.
    pub(crate) const PRE_CONSULTATION_ON: Column = col("事前相談日", &["事前相談実施日"], false);
    /// Optional: when the 事前着手届 was filed.
    pub(crate) const EARLY_START_NOTICE_ON: Column = col(
        "事前着手届出日",
        &["事前着手届日", "事前着手届提出日"],
        false,
    );

    /// Optional: each worker's monthly premium, e.g. `10000、1000` (退職金共済).
    pub(crate) const MONTHLY_PREMIUMS: Column = col("月額掛金内訳", &["月額共済掛金内訳"], false);

    /// In the contract's order, then the optional extension columns.
    pub(crate) const ALL: &[Column] = &[
        ID,
        PROGRAM,
        COURSE,
        COMPANY,
        CORPORATE_NUMBER,
        ADDRESS,
        CONTACT,
        EMAIL,
        APPLIED_ON,
        DECIDED_ON,
        COMPLETED_ON,
        ELIGIBLE_COST,
        DECIDED_AMOUNT,
        FINAL_AMOUNT,
        STATUS,
        MEMBERS,
        PERSONS,
        PERSONS_WOMEN,
        PERSONS_DISABLED,
        COMPLETION_REPORT_RECEIVED_ON,
        STARTED_ON,
        PRE_CONSULTATION_ON,
        EARLY_START_NOTICE_ON,
        MONTHLY_PREMIUMS,
        PHONE,
    ];
}

/// 取得財産 (assets bought with a grant).
pub(crate) mod asset {
    use super::{Column, col};

    pub(crate) const APPLICATION_ID: Column = col("申請番号", &["受付番号"], true);
    pub(crate) const ASSET_ID: Column = col("財産番号", &["資産番号"], true);
    pub(crate) const NAME: Column = col("財産名", &["資産名", "品名"], true);
    pub(crate) const CATEGORY: Column = col("耐用年数区分", &["耐用年数の区分", "資産区分"], false);
    pub(crate) const USEFUL_LIFE: Column = col("法定耐用年数", &["耐用年数"], false);
    pub(crate) const COST: Column = col("取得価額", &["取得価格", "取得金額"], true);
    pub(crate) const ACQUIRED_ON: Column = col("取得日", &["取得年月日"], false);
    pub(crate) const DISPOSED_ON: Column = col("処分日", &["処分年月日"], false);
    pub(crate) const DISPOSAL_KIND: Column = col("処分の種類", &["処分種類", "処分内容"], false);
    pub(crate) const DISPOSAL_APPROVED_ON: Column = col("処分承認日", &["承認日"], false);

    /// In the contract's order.
    pub(crate) const ALL: &[Column] = &[
        APPLICATION_ID,
        ASSET_ID,
        NAME,
        CATEGORY,
        USEFUL_LIFE,
        COST,
        ACQUIRED_ON,
        DISPOSED_ON,
        DISPOSAL_KIND,
        DISPOSAL_APPROVED_ON,
    ];
}

/// 雇用状況報告 (received employment-status reports).
pub(crate) mod report {
    use super::{Column, col};

    pub(crate) const APPLICATION_ID: Column = col("申請番号", &["受付番号"], true);
    pub(crate) const REPORT_FY: Column = col("報告年度", &["年度"], true);
    pub(crate) const RECEIVED_ON: Column = col("受付日", &["提出日", "受理日"], true);
    pub(crate) const HIRES_WOMEN: Column = col(
        "新規採用者数（女性）",
        &["採用者数（女性）", "女性採用者数"],
        false,
    );
    pub(crate) const HIRES_DISABLED: Column = col(
        "新規採用者数（障がい者）",
        &["採用者数（障がい者）", "障がい者採用者数"],
        false,
    );

    /// In the contract's order.
    pub(crate) const ALL: &[Column] = &[
        APPLICATION_ID,
        REPORT_FY,
        RECEIVED_ON,
        HIRES_WOMEN,
        HIRES_DISABLED,
    ];
}

/// 予算 (budgets per FY and program).
pub(crate) mod budget {
    use super::{Column, col};

    pub(crate) const FY: Column = col("年度", &["会計年度"], true);
    pub(crate) const PROGRAM: Column = col("制度", &["制度名", "補助金名"], true);
    pub(crate) const AMOUNT: Column = col("予算額", &["予算", "予算額(円)"], true);

    /// In the contract's order.
    pub(crate) const ALL: &[Column] = &[FY, PROGRAM, AMOUNT];
}

/// The columns of a dataset, in the contract's order.
pub(crate) fn of(dataset: Dataset) -> &'static [Column] {
    match dataset {
        Dataset::Applications => app::ALL,
        Dataset::Assets => asset::ALL,
        Dataset::EmploymentReports => report::ALL,
        Dataset::Budgets => budget::ALL,
    }
}
