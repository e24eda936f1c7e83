//! The staff digest: every run that is not a dry run, to `staff`, with the
//! summary workbook attached and the new flags in the body.
//!
//! A flag is *new* until a delivered digest of the same job has named it
//! (remembered in the state file's `digest_flags`); after that it is counted
//! as *continuing* and left to the workbook. A digest that fails to go out
//! records nothing, so the next night's digest names the same flags as new.

use std::path::Path;

use lettre::{Address, Message};
use minijinja::{Value, context};

use super::message::{self, AttachedFile, Draft, HeaderText, XLSX_MIME};
use super::smtp::{SendResult, Session};
use super::templates::{DIGEST_TEMPLATE, Rendered};
use super::{MailError, Mailer, eml, said};
use crate::calendar::wareki;
use crate::model::{MailKind, MailOutcome, MailResult, NotificationRow};
use crate::night::{Night, Resolved, Section};
use crate::state::State;

use crate::night::DigestFacts;

/// What [`send_digest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestOutcome {
    pub row: NotificationRow,
    /// The server accepted it.
    pub delivered: bool,
    /// It should have gone out and did not (or may not have): exit status 1.
    pub failed: bool,
    /// Full sentences for stderr.
    pub messages: Vec<String>,
}

/// The digest template's variables.
fn context(mailer: &Mailer, night: &Night, workbook: &str, dry_run: bool) -> Value {
    let facts = &night.facts;
    let overdue = night.listed(Section::Overdue);
    let disposals = night.listed(Section::Disposal);
    let findings = night.listed(Section::Finding);
    let resolved: Vec<String> = night.resolved.iter().map(Resolved::text).collect();
    let notices: Vec<String> = night
        .notices
        .iter()
        .map(|n| format!("{}：{}", n.what, n.detail))
        .collect();
    let mails: Vec<String> = facts.mail_lines.iter().map(|m| m.text(dry_run)).collect();
    let description = if facts.description.trim().is_empty() {
        facts.job.clone()
    } else {
        facts.description.clone()
    };
    context! {
        dry_run => dry_run,
        new_total => night.new_total(),
        mails => mails,
        resolved => resolved,
        notices => notices,
        folded => night.folded_findings(),
        job => facts.job.clone(),
        description => description,
        as_of => wareki(facts.as_of),
        as_of_iso => facts.as_of.to_string(),
        workbook => workbook.to_string(),
        rejected_rows => facts.rejected_rows,
        input_errors => facts.input_errors,
        mails_sent => facts.mails.sent,
        mails_queued => facts.mails.queued,
        mails_failed => facts.mails.failed,
        mails_uncertain => facts.mails.uncertain,
        overdue_new => overdue.new,
        overdue_continuing => overdue.continuing,
        disposals_new => disposals.new,
        disposals_continuing => disposals.continuing,
        findings_new => findings.new,
        findings_continuing => findings.continuing,
        contact => mailer.contact.clone(),
    }
}

/// The hold notice above the rendered digest, and said in its subject.
fn held_first(mut r: Rendered, hold: &[String]) -> Rendered {
    if hold.is_empty() {
        return r;
    }
    let block: String = hold.iter().map(|l| format!("■ {l}\n")).collect();
    r.body = format!("{block}\n{}", r.body);
    r.subject = format!("【督促保留】{}", r.subject);
    r
}

/// Renders the digest and builds it with the workbook attached.
fn build(
    mailer: &Mailer,
    facts: &DigestFacts,
    rendered: Rendered,
    workbook: &Path,
    workbook_name: &str,
) -> Result<(Message, String), MailError> {
    let subject = HeaderText::subject("件名", &rendered.subject)?;
    let name = HeaderText::new("添付ファイル名", workbook_name)?;
    // A night that has sent mail always sends its digest, even when the
    // workbook could not be written (a full disk): without the attachment,
    // saying so, the body still lists what went out.
    let mut body = rendered.body;
    let attachment = match std::fs::read(workbook) {
        Ok(bytes) => Some(AttachedFile {
            name,
            bytes,
            content_type: XLSX_MIME,
        }),
        Err(e) => {
            body.push_str(&format!(
                "\n※ 集計ブック {} を添付できませんでした（{e}）。今夜のメールはこの一覧と状態ファイルの送信記録に残っています。\n",
                workbook.display()
            ));
            None
        }
    };
    let message_id = message::message_id(
        &format!("digest/{}/{}", facts.job, facts.as_of),
        &mailer.from,
    );
    let msg = message::build(
        Draft {
            from: mailer.from.clone(),
            reply_to: None,
            to: mailer.staff.clone(),
            subject,
            body,
            message_id: message_id.clone(),
            attachment,
        },
        mailer.clock.stamp(),
    )?;
    Ok((msg, message_id))
}

fn outcome(
    row: NotificationRow,
    delivered: bool,
    failed: bool,
    messages: Vec<String>,
) -> DigestOutcome {
    DigestOutcome {
        row,
        delivered,
        failed,
        messages,
    }
}

/// Sends the digest to the staff with `workbook` attached; with `dry_run`
/// writes it to `outbox_dir` as `{as_of}_digest.eml` instead.
pub fn send_digest(
    mailer: &Mailer,
    state: &State,
    night: &Night,
    workbook: &Path,
    dry_run: bool,
    outbox_dir: &Path,
) -> DigestOutcome {
    let workbook_name = workbook
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = NotificationRow {
        at: mailer.clock.stamp().to_string(),
        to: mailer
            .staff
            .iter()
            .map(|m| m.email.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        subject: String::new(),
        kind: MailKind::Digest,
        result: MailResult::new(MailOutcome::NotSent, ""),
        application_id: String::new(),
        company: String::new(),
        report_fy: None,
        message_id: None,
    };
    let facts = &night.facts;
    let ctx = context(mailer, night, &workbook_name, dry_run);
    let rendered = match mailer.templates.render(DIGEST_TEMPLATE, ctx) {
        Ok(r) => held_first(r, &facts.hold),
        Err(e) => {
            row.result = said(
                MailOutcome::NotSent,
                format_args!("（テンプレートエラー）: {e}"),
            );
            return outcome(row, false, true, vec![e.to_string()]);
        }
    };
    row.subject = rendered.subject.clone();
    if mailer.staff.is_empty() {
        row.result = said(MailOutcome::NotSent, "（email.staff に宛先がありません）");
        return outcome(row, false, false, Vec::new());
    }
    let (msg, message_id) = match build(mailer, facts, rendered, workbook, &workbook_name) {
        Ok(built) => built,
        Err(e) => {
            let m = format!("職員あてのまとめメールを作れません: {e}");
            row.result = said(MailOutcome::NotSent, format_args!(": {m}"));
            return outcome(row, false, true, vec![m]);
        }
    };
    row.message_id = Some(message_id);
    let bytes = msg.formatted();
    if dry_run {
        let name = eml::file_name(&[&facts.as_of.to_string(), "digest"]);
        return match eml::write(outbox_dir, &name, &bytes) {
            Ok(_) => {
                row.result = said(MailOutcome::Previewed, format_args!("（.eml出力）: {name}"));
                outcome(row, false, false, Vec::new())
            }
            Err(e) => {
                row.result = MailResult::new(
                    MailOutcome::NotSent,
                    format!("{}（.eml出力失敗）: {e}", MailOutcome::Previewed),
                );
                outcome(row, false, true, vec![e.to_string()])
            }
        };
    }
    deliver(mailer, state, night, row, &bytes)
}

/// Sends the built digest; remembers its flags only once it was accepted.
fn deliver(
    mailer: &Mailer,
    state: &State,
    night: &Night,
    mut row: NotificationRow,
    bytes: &[u8],
) -> DigestOutcome {
    let mut session = Session::new(&mailer.smtp, mailer.rate_per_minute);
    let to: Vec<Address> = mailer.staff.iter().map(|m| m.email.clone()).collect();
    let result = session.send(&mailer.from.email, &to, bytes);
    session.finish();
    match result {
        SendResult::Accepted => {
            // Said resolved (or replaced) once, in this digest: then forgotten.
            let flags = night.flags();
            let gone = night.gone();
            let messages = state
                .digest_flags_record(&night.facts.job, &flags, &night.facts.as_of.to_string())
                .and_then(|()| state.digest_flags_forget(&night.facts.job, &gone))
                .err()
                .map(|e| e.to_string())
                .into_iter()
                .collect();
            row.result = said(MailOutcome::Sent, "");
            outcome(row, true, false, messages)
        }
        SendResult::NotSent(e) => {
            row.result = said(MailOutcome::Failed, format_args!(": {e}"));
            outcome(
                row,
                false,
                true,
                vec![format!("職員あてのまとめメールを送れませんでした: {e}")],
            )
        }
        SendResult::InDoubt(e) => {
            row.result = said(MailOutcome::Uncertain, format_args!("（要確認）: {e}"));
            outcome(
                row,
                false,
                true,
                vec![format!("職員あてのまとめメールが届いたか分かりません: {e}")],
            )
        }
    }
}
