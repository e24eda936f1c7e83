//! Mail as the 通知 sheet and the history see it: one line of 通知
//! ([`NotificationRow`]), its 種別 ([`MailKind`], a reminder [`Stage`] or the
//! digest), its 結果 ([`MailOutcome`], [`MailResult`]) and the night's tally
//! ([`MailCounts`]).
//!
//! The reminder stage lives here rather than with the run's outcome: it names
//! a mail (its 種別, its outbox code, its template), nothing else. Kept apart
//! so the notify and report stages share one vocabulary for what became of a mail.

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
    /// 報告年度 of the report a reminder is about (two rows of one grantee
    /// differ by it); `None` for the staff digest.
    pub report_fy: Option<crate::calendar::FiscalYear>,
    pub message_id: Option<String>,
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

impl MailOutcome {
    /// The word a 結果 begins with (送信済, 送信失敗, 送信不明, 送信保留, 試行,
    /// 未送信): the one home of each, so the 通知 sheet's highlight rules and
    /// the sentences notify writes cannot drift apart.
    pub const fn label(self) -> &'static str {
        match self {
            MailOutcome::Sent => "送信済",
            MailOutcome::Failed => "送信失敗",
            MailOutcome::Uncertain => "送信不明",
            MailOutcome::Held => "送信保留",
            MailOutcome::Previewed => "試行",
            MailOutcome::NotSent => "未送信",
        }
    }
}

impl std::fmt::Display for MailOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
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
