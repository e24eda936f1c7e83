//! `hojokin outbox`: the mails not (yet) sent, and staff's answer for a mail
//! in doubt. An extension of the contract: an `uncertain` reminder is never
//! re-sent by itself (that could send it twice), so a person who has checked
//! the relay's log says whether it arrived.

use std::path::Path;

use super::{CliError, Finished};
use crate::model::Exit;
use crate::model::Stage;
use crate::state::State;
use crate::state::outbox::{OutboxKey, OutboxStatus};

/// Lists every outbox row that is not `sent`; exit 0.
pub(super) fn list(db: &Path) -> Result<Finished, CliError> {
    if !db.exists() {
        let mut done = Finished::new(Exit::Done);
        done.stderr.push(format!(
            "送信待ちのメールはありません（状態ファイル {} がまだありません: 一度も実行されていません）。",
            db.display()
        ));
        return Ok(done);
    }
    let state = open(db)?;
    let entries = state.outbox_entries().map_err(CliError::from_error)?;
    let mut done = Finished::new(Exit::Done);
    // Mails telling staff a night failed, when the relay did not take them.
    let failures = state.failure_mails_unsent().map_err(CliError::from_error)?;
    done.stderr.extend(failures.iter().map(|f| {
        format!(
            "失敗の通知メール（ジョブ {}、基準日 {}）: 状態 {}、宛先 {}、試行 {} 回、Message-ID {}、最後のエラー {}",
            f.job,
            f.as_of,
            f.status,
            f.recipients,
            f.attempts,
            f.message_id,
            f.last_error.as_deref().unwrap_or("-")
        )
    }));
    done.stdout
        .push("申請番号\t報告年度\t段階\t状態\t宛先\t試行回数\tMessage-ID\t最後のエラー".into());
    let waiting: Vec<_> = entries
        .iter()
        .filter(|e| e.status != OutboxStatus::Sent)
        .collect();
    if waiting.is_empty() {
        done.stdout.clear();
        if !failures.is_empty() {
            return Ok(done);
        }
        done.stderr.push(format!(
            "送信待ち・送信不明のメールはありません（状態ファイル {}、送信済み {} 通）。",
            db.display(),
            entries.len()
        ));
        return Ok(done);
    }
    for e in waiting {
        done.stdout.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.key.application_id,
            e.key.report_fy,
            e.key.stage.label(),
            e.status.as_str(),
            e.recipient,
            e.attempts,
            e.message_id.as_deref().unwrap_or("-"),
            e.last_error.as_deref().unwrap_or("-")
        ));
    }
    Ok(done)
}

/// Marks an `uncertain` mail delivered, or queues it to be sent again.
pub(super) fn resolve(
    db: &Path,
    application_id: &str,
    report_fy: i32,
    stage: &str,
    delivered: bool,
) -> Result<Finished, CliError> {
    let Some(stage) = Stage::ALL
        .into_iter()
        .find(|s| s.code() == stage || s.label() == stage)
    else {
        return Err(CliError(format!(
            "段階は 案内・催促・督促・再督促 のいずれかで指定してください: {stage}"
        )));
    };
    let state = open(db)?;
    let key = OutboxKey {
        application_id: application_id.to_string(),
        report_fy,
        stage,
    };
    let now = crate::clock::Stamp::at(crate::pipeline::now_tokyo());
    let found = state
        .outbox_resolve(&key, delivered, now)
        .map_err(CliError::from_error)?;
    let mut done = Finished::new(if found {
        Exit::Done
    } else {
        Exit::NeedsAttention
    });
    done.stderr.push(if found {
        format!(
            "{application_id} {report_fy}年度 {} のメールを{}にしました。",
            stage.label(),
            if delivered {
                crate::model::MailOutcome::Sent.label()
            } else {
                "次回の実行で再送"
            }
        )
    } else {
        format!(
            "{application_id} {report_fy}年度 {} に送信不明（uncertain）のメールはありません。",
            stage.label()
        )
    });
    Ok(done)
}

fn open(db: &Path) -> Result<State, CliError> {
    if !db.exists() {
        return Err(CliError(format!(
            "状態ファイル {} がありません。",
            db.display()
        )));
    }
    State::open(db).map_err(CliError::from_error)
}
