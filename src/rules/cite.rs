//! How a rule's 要確認 row is made: on the application that breaks it, with
//! the article it rests on in brackets. Shared by every rule module.

use crate::model::{Application, Detail, Finding, FindingKind};

/// 「（第7条第2項）」 for a known article, nothing otherwise.
pub(super) fn article(text: &Option<String>) -> String {
    text.as_deref()
        .map(|a| format!("（{a}）"))
        .unwrap_or_default()
}

/// A 要確認 row on `app`.
pub(super) fn finding(app: &Application, kind: FindingKind, detail: impl Into<Detail>) -> Finding {
    Finding {
        application_id: app.id.clone(),
        company: app.company.clone(),
        kind,
        detail: detail.into(),
    }
}
