//! What can go wrong with mail, as one type: the settings and templates a
//! job loads (its load fails), and the building, writing and sending of one
//! mail (that mail is not sent, the night goes on). Each variant's text is
//! the sentence staff read on stderr, in the log and on the 通知 sheet.

use std::path::PathBuf;

use super::message::HeaderError;
use crate::state::StateError;

/// Why mail could not be prepared or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("メールテンプレート {path} を読めません: {source}")]
    TemplateRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("メールテンプレート {path} に誤りがあります: {fault}")]
    Template { path: PathBuf, fault: TemplateFault },
    #[error("メールテンプレート {path} を展開できません: {fault}")]
    Render { path: PathBuf, fault: TemplateFault },
    #[error("{key} が正しくありません: {message}")]
    Setting { key: &'static str, message: String },
    /// A reminder asked for with no report to remind of.
    #[error("宛先の報告がありません。")]
    NoReports,
    #[error("SMTP の URL {masked} は使えません: {why}")]
    SmtpUrl { masked: String, why: String },
    #[error("{0}")]
    Header(#[from] HeaderError),
    /// lettre refused to assemble the message.
    #[error("{0}")]
    Build(String),
    #[error("メールを送る準備ができません（{0}）")]
    Runtime(std::io::Error),
    #[error("接続の準備ができません（{0}）")]
    PreflightRuntime(std::io::Error),
    /// The relay could not be reached, upgraded or authenticated: the
    /// sentence names it, the password already scrubbed.
    #[error("{0}")]
    Relay(String),
    #[error("試行メールを送信フォルダー {dir} に書き出せません: {source}")]
    Eml {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The outbox or the sent log could not record the mail.
    #[error("{0}")]
    State(#[from] StateError),
    /// Not handed over, or refused by the relay.
    #[error("{0}")]
    NotSent(String),
    #[error("届いたか確認できません: {0}")]
    InDoubt(String),
}

/// What is wrong inside one template file.
#[derive(Debug, thiserror::Error)]
pub enum TemplateFault {
    /// Not the file the job may use (a link, writable by others, …).
    #[error("{0}")]
    File(String),
    #[error("件名が空です。")]
    EmptySubject,
    #[error("1行目は「件名: 」で始めてください（1行目: {0}）")]
    NoSubjectLine(String),
    #[error(
        "未定義の変数 {unknown} を使っています。使える変数は {allowed} です（templates/README.md 参照）。"
    )]
    UnknownVariables { unknown: String, allowed: String },
    #[error(
        "展開の手順が上限を超えました（終わらないループや、range() の入れ子で回数が大きすぎないか確認してください）。"
    )]
    OutOfFuel,
    /// minijinja's message, with the file's line it points at when known.
    #[error("{line}行目: {message}")]
    AtLine { line: usize, message: String },
    #[error("{0}")]
    Syntax(String),
}
