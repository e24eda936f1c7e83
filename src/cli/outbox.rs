//! `hojokin outbox`: the mails not (yet) sent, and staff's answer for a mail
//! in doubt. An extension of the contract: an `uncertain` reminder is never
//! re-sent by itself (that could send it twice), so a person who has checked
//! the relay's log says whether it arrived.

use std::path::Path;

use crate::notify::Stage;
use crate::state::State;
use crate::state::outbox::{OutboxKey, OutboxStatus};

/// Lists every outbox row that is not `sent`; exit 0.
pub fn list(db: &Path) -> u8 {
    let state = match open(db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let entries = match state.outbox_entries() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    println!("申請番号\t報告年度\t段階\t状態\t宛先\t試行回数\tMessage-ID\t最後のエラー");
    for e in entries.iter().filter(|e| e.status != OutboxStatus::Sent) {
        let stage = e.key.stage.label();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.key.application_id,
            e.key.report_fy,
            stage,
            e.status.as_str(),
            e.recipient,
            e.attempts,
            e.message_id.as_deref().unwrap_or("-"),
            e.last_error.as_deref().unwrap_or("-")
        );
    }
    0
}

/// Marks an `uncertain` mail delivered, or queues it to be sent again.
pub fn resolve(
    db: &Path,
    application_id: &str,
    report_fy: i32,
    stage: &str,
    delivered: bool,
) -> u8 {
    let Some(stage) = Stage::ALL
        .into_iter()
        .find(|s| s.code() == stage || s.label() == stage)
    else {
        eprintln!("段階は 案内・催促・督促・再督促 のいずれかで指定してください: {stage}");
        return 2;
    };
    let state = match open(db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let key = OutboxKey {
        application_id: application_id.to_string(),
        report_fy,
        stage,
    };
    let now = crate::pipeline::now_tokyo().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    match state.outbox_resolve(&key, delivered, &now) {
        Ok(true) => {
            eprintln!(
                "{application_id} {report_fy}年度 {} のメールを{}にしました。",
                stage.label(),
                if delivered {
                    "送信済"
                } else {
                    "次回の実行で再送"
                }
            );
            0
        }
        Ok(false) => {
            eprintln!(
                "{application_id} {report_fy}年度 {} に送信不明（uncertain）のメールはありません。",
                stage.label()
            );
            1
        }
        Err(e) => {
            eprintln!("エラー: {e}");
            2
        }
    }
}

fn open(db: &Path) -> Result<State, u8> {
    if !db.exists() {
        eprintln!("状態ファイル {} がありません。", db.display());
        return Err(2);
    }
    State::open(db).map_err(|e| {
        eprintln!("エラー: {e}");
        2
    })
}
