//! What a run tells its operator: the closing sentences `main` prints
//! (rejected rows, mail left queued or in doubt, a dry run's .eml files,
//! where the workbook went) and the log line of each input read.

use std::path::PathBuf;

use chrono::NaiveDate;
use tracing::info;

use super::Outcome;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::Exit;
use crate::notify::NotifyOutcome;
use crate::report::Sheet;

/// The night's last sentence and its outcome: the workbook written, or
/// (after mail went out) not, which the digest has already told staff.
pub(super) fn closing(
    job: &Job,
    as_of: NaiveDate,
    report_path: PathBuf,
    exit: Exit,
    mut messages: Vec<String>,
    report_failed: Option<String>,
) -> Outcome {
    if let Some(e) = report_failed {
        messages.push(format!(
            "{e}（送ったメールは職員あてのまとめメールと状態ファイルに記録済みです。書き込めるようにしてから同じ基準日で再実行すると、集計ブックの「{}」シートに載ります）",
            Sheet::Notifications
        ));
        // The digest already told staff what went out and that the workbook
        // failed: no second (failure) mail.
        return Outcome {
            exit: Exit::CouldNotRun,
            messages,
            report_path: None,
            cause: None,
        };
    }
    messages.push(format!(
        "{}: 基準日 {} の集計ブックを {} に書き出しました。",
        job.name,
        as_of,
        report_path.display()
    ));
    Outcome {
        exit,
        messages,
        report_path: Some(report_path),
        cause: None,
    }
}

/// A dry run's count of the .eml files it wrote and where (logged too).
pub(super) fn dry_run_message(
    reminders: &[crate::model::NotificationRow],
    digest: &crate::model::NotificationRow,
    outbox: &std::path::Path,
) -> String {
    fn previewed(r: &crate::model::NotificationRow) -> Option<&str> {
        (r.result.outcome == crate::model::MailOutcome::Previewed).then_some(r.result.text.as_str())
    }
    // One .eml may name several reports (one 通知 row each): count files.
    let files: std::collections::HashSet<&str> = reminders.iter().filter_map(previewed).collect();
    let digests = usize::from(previewed(digest).is_some());
    let written = files.len() + digests;
    info!(mails = written, reminders = files.len(), digests, outbox = %outbox.display(), "dry run: mails written as .eml, none sent");
    format!(
        "試行: メール {written} 通（事業者あての督促・案内 {} 通、職員あてのまとめ {digests} 通）を .eml として {} に書き出しました。送信も送信済みの記録もしていません。",
        files.len(),
        outbox.display()
    )
}

pub(super) fn log_inputs(ingested: &Ingested) {
    for s in &ingested.summaries {
        info!(
            dataset = s.dataset.key(),
            file = %s.file.display(),
            sheet = %s.sheet,
            sha256 = %s.sha256,
            rows = s.rows,
            rejected = s.rejected,
            "input read"
        );
    }
}

/// The sentence about rejected rows; exit status 1 when there are any.
pub(super) fn input_messages(ingested: &Ingested, messages: &mut Vec<String>) -> Exit {
    let rejected: usize = ingested.summaries.iter().map(|s| s.rejected).sum();
    if rejected == 0 && ingested.inputs.errors.is_empty() {
        return Exit::Done;
    }
    messages.push(format!(
        "入力に誤りがあり {rejected} 行を除外しました（{} 件）。集計ブックの「{}」シートを確認してください。",
        ingested.inputs.errors.len(),
        Sheet::InputErrors
    ));
    Exit::NeedsAttention
}

/// Sentences about mail left queued or in doubt; true when staff must act.
pub(super) fn mail_messages(m: &NotifyOutcome, messages: &mut Vec<String>) -> bool {
    info!(
        sent = m.sent,
        queued = m.queued,
        failed = m.failed,
        uncertain = m.uncertain,
        "reminders"
    );
    messages.extend(m.messages.iter().cloned());
    if m.queued > 0 {
        messages.push(format!(
            "督促等のメール {} 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「{}」シートに理由があります）。",
            m.queued,
            Sheet::Notifications
        ));
    }
    if m.uncertain > 0 {
        messages.push(format!(
            "送信されたか確認できないメールが {} 通あります。二重送信を避けるため自動では再送しません。「{}」シートの Message-ID でメールサーバーの記録を確認してください。",
            m.uncertain,
            Sheet::Findings
        ));
    }
    m.needs_attention()
}
