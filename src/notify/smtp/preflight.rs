//! `doctor`'s look at the relay: connect, greeting and EHLO, STARTTLS as
//! configured, AUTH with the configured credentials, then QUIT without a
//! message. Every step has the same deadlines as a real night's.

use super::{SmtpConfig, connect, where_};
use crate::notify::MailError;
use crate::notify::smtp::Security;

/// A sentence saying how far the relay was taken (Ok) or where it stopped
/// (Err, naming the relay); the password never appears in either.
pub(crate) fn preflight(cfg: &SmtpConfig) -> Result<String, MailError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(MailError::PreflightRuntime)?;
    rt.block_on(async {
        let mut live = connect(cfg).await?;
        let encrypted = live.smtp.is_encrypted();
        let _ = tokio::time::timeout(cfg.timeout, live.smtp.quit()).await;
        let mut steps = vec!["接続", "EHLO"];
        match cfg.security {
            Security::Implicit => steps.insert(0, "TLS（smtps）"),
            Security::StartTlsRequired => steps.push("STARTTLS"),
            Security::StartTlsOpportunistic if encrypted => steps.push("STARTTLS"),
            _ => {}
        }
        let auth = cfg.user.as_deref().map(|u| format!("AUTH（ユーザー {u}）"));
        if let Some(a) = &auth {
            steps.push(a);
        }
        let plain = if encrypted {
            ""
        } else {
            "（暗号化なし）"
        };
        Ok(cfg.scrub(&format!(
            "{}: {}に成功し、メールを送らずに QUIT しました{plain}",
            where_(cfg),
            steps.join("・")
        )))
    })
}
