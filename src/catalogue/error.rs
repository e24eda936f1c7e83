//! Why a program catalogue was refused.
//!
//! Staff edit the catalogue by hand each fiscal year, so every message names
//! the file, the program (制度) and the key, in Japanese, and quotes the value.

use thiserror::Error;

/// A catalogue that could not be read or does not describe valid rules.
#[derive(Debug, Error)]
pub enum CatalogueError {
    /// The file could not be opened or read.
    #[error("制度カタログ {file} を読み込めません: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Others can write the file: the sentence names it and the fix.
    #[error("{0}")]
    WritableByOthers(String),
    /// The text is not TOML (the detail carries toml's line and column).
    #[error("制度カタログ {file} はTOMLとして読めません: {detail}")]
    Syntax { file: String, detail: String },
    /// A program's settings are wrong: unknown key, bad rate, overlapping
    /// fiscal-year ranges, duplicate names and the like.
    #[error("制度カタログ {file}: 制度「{program}」のキー {key} が不正です。{reason}")]
    Invalid {
        file: String,
        program: String,
        key: String,
        reason: String,
    },
}

impl CatalogueError {
    pub(crate) fn invalid(
        file: &str,
        program: &str,
        key: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        CatalogueError::Invalid {
            file: file.to_string(),
            program: program.to_string(),
            key: key.into(),
            reason: reason.into(),
        }
    }
}

/// Turns a serde/toml message into the key it concerns and a Japanese reason.
///
/// toml reports the path of tables it descended into (`in \`rules\``) but not
/// the offending field of `unknown field`/`missing field` errors, which sits
/// in backticks in the message; the two are joined into one dotted key.
pub(crate) fn describe_serde_error(err: &toml::de::Error) -> (String, String) {
    let message = err.message().to_string();
    let rendered = err.to_string();
    let path = rendered
        .lines()
        .find_map(|l| l.strip_prefix("in `").and_then(|r| r.strip_suffix('`')))
        .unwrap_or("")
        .to_string();
    let field = first_backticked(&message);
    let join = |field: &str| {
        if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        }
    };
    if message.starts_with("unknown field") {
        let key = join(field.unwrap_or("?"));
        let allowed = message
            .split_once("expected ")
            .map(|(_, rest)| rest.trim_start_matches("one of ").replace('`', ""))
            .unwrap_or_default();
        let reason = if allowed.is_empty() {
            "不明なキーです。".to_string()
        } else {
            format!("不明なキーです（使えるキー: {allowed}）。")
        };
        (key, reason)
    } else if message.starts_with("missing field") {
        (
            join(field.unwrap_or("?")),
            "必須のキーがありません。".to_string(),
        )
    } else {
        let key = if path.is_empty() {
            "?".to_string()
        } else {
            path
        };
        (key, format!("値の形が正しくありません（{message}）。"))
    }
}

fn first_backticked(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s.get(start..)?.find('`')?;
    s.get(start..start + len)
}
