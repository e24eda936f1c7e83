//! The short mail that tells staff a night could not run (exit 2): what
//! failed, in their words, and what to do. Sent when the job's `[email]`
//! section can be read, at most once per job and business date (claimed in
//! the state file before it is sent), never by a dry run.

use std::time::Duration;

use chrono::NaiveDate;
use lettre::Address;
use lettre::message::Mailbox;

use super::MailError;
use super::message::{self, Draft, HeaderText};
use super::smtp::{SendResult, Session, SmtpConfig};
use crate::calendar::wareki;
use crate::clock::Clock;
use crate::job::EmailSpec;
use crate::state::State;
use crate::state::failure_mails::{Claim, FailureMailStatus};

/// Which part of the night failed: decides what staff are told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureCause {
    /// The job file, its catalogue, templates or mail settings.
    Settings,
    /// An export missing, unreadable or without its header.
    Input,
    /// The summary workbook could not be written.
    Report,
    /// The state file.
    State,
    /// The rules or compliance stage.
    Evaluation,
}

impl FailureCause {
    /// What to do, in staff's words.
    pub(crate) fn advice(self) -> &'static str {
        match self {
            Self::Settings => {
                "ジョブファイル（またはそこで指定したカタログ・テンプレート）の、上に書かれた行・項目を直してください。hojokin doctor でまとめて確認できます。"
            }
            Self::Input => {
                "エクスポートファイルが所定の場所にあり、コピーが終わっていて、Excel などで開いていないことを確認してください。ファイル名やシート名が変わった場合はジョブファイルの path・sheet を直してください。"
            }
            Self::Report => {
                "集計ブックの保存先（ジョブファイルの [report] path）のフォルダがあり、書き込めること、同じ名前のファイルを Excel で開いていないことを確認してください。"
            }
            Self::State => {
                "状態ファイル（state/hojokin.db）の場所と権限、ディスクの空きを確認し、システム管理者に連絡してください。"
            }
            Self::Evaluation => {
                "入力データに想定外の値がある可能性があります。hojokin check でエクスポートを確認し、直らなければシステム管理者に連絡してください。"
            }
        }
    }
}

/// What sending the failure mail came to: one sentence for the log and the
/// run history.
pub(crate) fn notify_failure(
    spec: &EmailSpec,
    state: Option<&State>,
    job: &str,
    as_of: NaiveDate,
    cause: FailureCause,
    what: &[String],
    clock: &dyn Clock,
) -> String {
    match send(spec, state, job, as_of, cause, what, clock) {
        Ok(Sent::Delivered(to)) => {
            format!("実行できなかったことを職員（{to}）にメールで知らせました。")
        }
        Ok(Sent::AlreadyTold) => {
            "この基準日の失敗は既に職員にメールで知らせています（同じ日の通知は1通まで）。"
                .to_string()
        }
        Ok(Sent::NoStaff) => {
            "email.staff に宛先がないため、職員に失敗を知らせるメールは送っていません。".to_string()
        }
        Err(e) => format!(
            "実行できなかったことを職員に知らせるメールも送れませんでした（{e}）。ログとシステムの通知（systemd の OnFailure= や cron の MAILTO）で確認してください。"
        ),
    }
}

enum Sent {
    Delivered(String),
    AlreadyTold,
    NoStaff,
}

/// Sender, staff and relay from `[email]`, read without the rest of the
/// mailer (no templates: the night may have failed on them); `None`
/// when there is no staff address.
fn addressed(spec: &EmailSpec) -> Result<Option<(Mailbox, Vec<Mailbox>, SmtpConfig)>, MailError> {
    let from = message::mailbox("差出人", &spec.from)?;
    let staff = spec
        .staff
        .iter()
        .map(|s| message::mailbox("職員の宛先", s))
        .collect::<Result<Vec<_>, _>>()?;
    if staff.is_empty() {
        return Ok(None);
    }
    let smtp = SmtpConfig::parse(
        spec.smtp_url.expose(),
        Duration::from_secs(spec.timeout_seconds.max(1)),
    )?;
    Ok(Some((from, staff, smtp)))
}

fn send(
    spec: &EmailSpec,
    state: Option<&State>,
    job: &str,
    as_of: NaiveDate,
    cause: FailureCause,
    what: &[String],
    clock: &dyn Clock,
) -> Result<Sent, MailError> {
    let Some((from, staff, smtp)) = addressed(spec)? else {
        return Ok(Sent::NoStaff);
    };
    let subject_text = format!(
        "【補助金夜間処理】{} 実行できませんでした（{job}）",
        wareki(as_of)
    );
    let subject = HeaderText::subject("件名", &subject_text)?;
    let message_id = message::message_id(&format!("failure/{job}/{as_of}"), &from);
    let recipients = spec.staff.join(", ");
    let now = clock.stamp();
    if let Some(state) = state {
        match state.failure_mail_claim(job, as_of, &recipients, &subject_text, &message_id, now)? {
            Claim::Won => {}
            Claim::Taken(_) => return Ok(Sent::AlreadyTold),
        }
    }
    let msg = message::build(
        Draft {
            from: from.clone(),
            reply_to: None,
            to: staff.clone(),
            subject,
            body: body(job, as_of, cause, what),
            message_id,
            attachment: None,
        },
        now,
    );
    let finish = |status, error: Option<&str>| {
        if let Some(state) = state {
            // The mail's own outcome is what staff need; a state error
            // here only means it may be sent once more.
            let _ = state.failure_mail_finish(job, as_of, status, error, clock.stamp());
        }
    };
    let msg = match msg {
        Ok(m) => m,
        Err(e) => {
            finish(FailureMailStatus::Failed, Some(&e.to_string()));
            return Err(e);
        }
    };
    let to: Vec<Address> = staff.iter().map(|m| m.email.clone()).collect();
    let mut session = Session::new(&smtp, 0);
    let result = session.send(&from.email, &to, &msg.formatted());
    session.finish();
    match result {
        SendResult::Accepted => {
            finish(FailureMailStatus::Sent, None);
            Ok(Sent::Delivered(recipients))
        }
        SendResult::NotSent(e) => {
            finish(FailureMailStatus::Failed, Some(&e));
            Err(MailError::NotSent(e))
        }
        SendResult::InDoubt(e) => {
            finish(FailureMailStatus::Uncertain, Some(&e));
            Err(MailError::InDoubt(e))
        }
    }
}

/// The mail's text: what failed and what to do.
fn body(job: &str, as_of: NaiveDate, cause: FailureCause, what: &[String]) -> String {
    let mut text = format!(
        "担当者各位\n\n{}を基準日とする夜間処理（ジョブ {job}）は、次の理由で実行できませんでした。\n集計ブックは作成しておらず、事業者への督促メールも送っていません。\n\n■ 原因\n",
        wareki(as_of)
    );
    for line in what {
        text.push_str(&format!("・{line}\n"));
    }
    text.push_str(&format!(
        "\n■ 対処\n・{}\n・直したあと、次のコマンドでこの日の処理をやり直してください（送信済みの督促が二重に送られることはありません）。\n　hojokin run {job} --as-of {as_of}\n\nこのメールは同じジョブ・同じ基準日について1通だけ送られます。\n",
        cause.advice()
    ));
    text
}
