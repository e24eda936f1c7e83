//! The mail templates the city edits: `templates/*.txt`, minijinja, plain text.
//!
//! A template's first line is its subject, written `件名: …` (a full-width
//! `件名：` also works); the rest, after any blank lines, is the body. Every
//! template is checked when the job loads, so a mistake fails the job before
//! anything is sent rather than leaving a blank in a mail: the syntax, every
//! variable against the documented list (also in branches a sample would not
//! take), and one render with a sample under strict undefined behaviour.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value, context};

use super::dates::with_weekday;
use super::error::{MailError, TemplateFault};
use crate::calendar::fy_label;
use crate::model::Stage;
use chrono::Datelike;

use crate::compliance::reports::{ReportDue, ReportState};

/// The staff digest's template file.
pub(crate) const DIGEST_TEMPLATE: &str = "digest.txt";

/// Variables of the four reminder templates (documented in templates/README.md).
pub(crate) const REMINDER_VARIABLES: &[&str] = &[
    "company",
    "application_id",
    "program",
    "report_name",
    "report_fy",
    "deadline",
    "deadline_note",
    "forms",
    "stage",
    "as_of",
    "days_overdue",
    "contact",
    "contact_name",
    "report_titles",
    "reports",
    "requested_before",
    "sent_before",
    "attachments",
    "submission",
    "submit_to",
    "replies_reach_staff",
    "forms_url",
    "reply_by",
    "decided_on",
    "decision_fy",
    "round",
    "rounds",
    "stage_titles",
    "other_reports",
];

/// Why the deadline is not the duty's day, worded from the catalogue's shift
/// setting (a city policy), e.g. 「（4月30日が閉庁日のため、翌開庁日）」; empty
/// when the day itself is the deadline.
pub(crate) fn deadline_note(row: &ReportDue) -> String {
    if row.due == row.nominal_due {
        return String::new();
    }
    let moved = match row.due_shift {
        crate::model::DueShift::NextOpenDay => "翌開庁日",
        crate::model::DueShift::PreviousOpenDay => "前の開庁日",
        crate::model::DueShift::None => return String::new(),
    };
    format!(
        "（{}月{}日が閉庁日のため、{moved}）",
        row.nominal_due.month(),
        row.nominal_due.day()
    )
}

/// Variables of the digest template (documented in templates/README.md).
pub(crate) const DIGEST_VARIABLES: &[&str] = &[
    "job",
    "as_of",
    "as_of_iso",
    "workbook",
    "rejected_rows",
    "input_errors",
    "mails_sent",
    "mails_queued",
    "mails_failed",
    "mails_uncertain",
    "overdue_new",
    "overdue_continuing",
    "disposals_new",
    "disposals_continuing",
    "findings_new",
    "findings_continuing",
    "contact",
    "dry_run",
    "new_total",
    "mails",
    "resolved",
    "description",
    "notices",
    "folded",
];

/// How the compiled-in templates are named in messages.
pub(crate) const BUILTIN_DIR: &str = "(組み込みの templates)";

/// The repository's templates, compiled in (see [`Templates::builtin`]).
const BUILTIN: [(&str, &str); 5] = [
    ("annai.txt", include_str!("../../templates/annai.txt")),
    ("saisoku.txt", include_str!("../../templates/saisoku.txt")),
    ("tokusoku.txt", include_str!("../../templates/tokusoku.txt")),
    (
        "saitokusoku.txt",
        include_str!("../../templates/saitokusoku.txt"),
    ),
    (DIGEST_TEMPLATE, include_str!("../../templates/digest.txt")),
];

/// Instructions one render may run while a template is checked at load
/// (the sample letters are a few reports long: the shipped templates use a
/// few thousand). A template that loops for ever, or nests `range()` loops
/// into billions of steps, runs out of it and fails the load, naming the
/// file, instead of hanging with the job lock held.
const LOAD_FUEL: u64 = 2_000_000;

/// Instructions one render may run for a real mail: a digest listing tens
/// of thousands of mails fits with room to spare; a loop that grows with
/// the data beyond that fails that one mail instead of the night.
const RENDER_FUEL: u64 = 500_000_000;

/// Names minijinja itself provides inside any template.
const BUILTIN_NAMES: &[&str] = &["loop", "range", "dict", "namespace", "debug"];

/// A rendered mail: its subject line and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// The loaded and checked templates.
#[derive(Debug)]
pub(crate) struct Templates {
    env: Environment<'static>,
    dir: PathBuf,
}

impl Templates {
    /// Loads the five templates from `dir` and checks each one.
    pub(crate) fn load(dir: &Path) -> Result<Templates, MailError> {
        let names = Stage::ALL
            .iter()
            .map(|s| s.template())
            .chain([DIGEST_TEMPLATE]);
        for name in names {
            let path = dir.join(name);
            crate::job::file_mode::check(&path, "メールテンプレート").map_err(|message| {
                MailError::Template {
                    path,
                    fault: TemplateFault::File(message),
                }
            })?;
        }
        Templates::load_with(dir, &|path| std::fs::read_to_string(path))
    }

    /// The templates shipped in the repository's `templates/`, compiled in,
    /// for a server where the job names no folder and none stands beside
    /// the jobs folder: a mail never depends on a file an install forgot.
    pub(crate) fn builtin() -> Result<Templates, MailError> {
        Templates::load_with(Path::new(BUILTIN_DIR), &|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| (*text).to_string())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        })
    }

    fn load_with(
        dir: &Path,
        read: &dyn Fn(&Path) -> std::io::Result<String>,
    ) -> Result<Templates, MailError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(LOAD_FUEL));
        // A line holding only `{% for %}` or `{% endif %}` leaves no blank line.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| MailError::Template {
                path: dir.to_path_buf(),
                fault: TemplateFault::Syntax(e.to_string()),
            })?;
        env.set_syntax(syntax);
        let mut checks: Vec<(&str, &[&str], Value)> = Stage::ALL
            .iter()
            .map(|&s| (s.template(), REMINDER_VARIABLES, sample_reminder(s)))
            .collect();
        checks.push((DIGEST_TEMPLATE, DIGEST_VARIABLES, sample_digest()));
        for (name, allowed, sample) in checks {
            let path = dir.join(name);
            let source = read(&path).map_err(|source| MailError::TemplateRead {
                path: path.clone(),
                source,
            })?;
            let invalid = |fault: TemplateFault| MailError::Template {
                path: path.clone(),
                fault,
            };
            let (subject, body) = split_source(&source).map_err(invalid)?;
            for (part, text, first_line) in [(Part::Subject, subject, 1), (Part::Body, body, 2)] {
                let part_name = part.name(name);
                env.add_template_owned(part_name.clone(), text.to_string())
                    .map_err(|e| invalid(describe(&e, first_line)))?;
                let template = env
                    .get_template(&part_name)
                    .map_err(|e| invalid(describe(&e, first_line)))?;
                check_variables(&template.undeclared_variables(false), allowed).map_err(invalid)?;
            }
            render_parts(&env, name, sample).map_err(invalid)?;
        }
        env.set_fuel(Some(RENDER_FUEL));
        Ok(Templates {
            env,
            dir: dir.to_path_buf(),
        })
    }

    /// Renders template `name` with `ctx`. The subject line is rendered on
    /// its own, so a line break in a value stays in the subject (and is
    /// refused there) instead of quietly pushing text into the body.
    pub(crate) fn render(&self, name: &str, ctx: Value) -> Result<Rendered, MailError> {
        render_parts(&self.env, name, ctx).map_err(|fault| MailError::Render {
            path: self.dir.join(name),
            fault,
        })
    }
}

/// The two templates each file is registered as.
#[derive(Clone, Copy)]
enum Part {
    Subject,
    Body,
}

impl Part {
    fn name(self, file: &str) -> String {
        match self {
            Part::Subject => format!("{file}#subject"),
            Part::Body => format!("{file}#body"),
        }
    }
}

fn render_parts(env: &Environment<'_>, name: &str, ctx: Value) -> Result<Rendered, TemplateFault> {
    let render = |part: Part, first_line: usize| {
        env.get_template(&part.name(name))
            .and_then(|t| t.render(ctx.clone()))
            .map_err(|e| describe(&e, first_line))
    };
    let subject = render(Part::Subject, 1)?;
    let body = render(Part::Body, 2)?;
    // Spaces only: a CR or LF from a value must reach the header check.
    let subject = subject.trim_matches([' ', '\u{3000}']);
    if subject.is_empty() {
        return Err(TemplateFault::EmptySubject);
    }
    let mut body = body.trim_start_matches(['\r', '\n']).replace("\r\n", "\n");
    if !body.ends_with('\n') {
        body.push('\n');
    }
    Ok(Rendered {
        subject: subject.to_string(),
        body,
    })
}

/// minijinja's message with the file's line it points at (the body starts
/// on line 2 of the file).
fn describe(e: &minijinja::Error, first_line: usize) -> TemplateFault {
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        return TemplateFault::OutOfFuel;
    }
    match e.line() {
        Some(line) => TemplateFault::AtLine {
            line: line + first_line - 1,
            message: e.to_string(),
        },
        None => TemplateFault::Syntax(e.to_string()),
    }
}

fn check_variables(
    used: &std::collections::HashSet<String>,
    allowed: &[&str],
) -> Result<(), TemplateFault> {
    let unknown: BTreeSet<&str> = used
        .iter()
        .map(String::as_str)
        .filter(|v| !allowed.contains(v) && !BUILTIN_NAMES.contains(v))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(TemplateFault::UnknownVariables {
        unknown: unknown.into_iter().collect::<Vec<_>>().join("、"),
        allowed: allowed.join("、"),
    })
}

/// Splits a file into its subject line (after `件名:`) and its body.
fn split_source(text: &str) -> Result<(&str, &str), TemplateFault> {
    let text = text.trim_start_matches('\u{feff}');
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = first.trim_end_matches('\r');
    let subject = first
        .strip_prefix("件名:")
        .or_else(|| first.strip_prefix("件名："))
        .ok_or_else(|| TemplateFault::NoSubjectLine(first.to_string()))?;
    if subject.trim().is_empty() {
        return Err(TemplateFault::EmptySubject);
    }
    Ok((subject, rest))
}

/// One report a reminder is about: its stage tonight and the earlier
/// stages that really went out for it (from the outbox), with their dates.
#[derive(Debug, Clone)]
pub struct DueReport<'a> {
    pub row: &'a ReportDue,
    pub stage: Stage,
    pub sent_before: Vec<(Stage, Option<NaiveDate>)>,
}

/// What a reminder mail is about: one grantee's reports due tonight (one or
/// more), and the city's texts from the job file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Letter<'a> {
    pub reports: &'a [DueReport<'a>],
    pub contact: &'a str,
    pub submission: Option<&'a str>,
    pub submit_to: Option<&'a str>,
    /// Where the forms are downloaded (`email.forms_url`).
    pub forms_url: Option<&'a str>,
    /// The day 督促 and 再督促 ask a reply by (an open day).
    pub reply_by: NaiveDate,
    /// A `reply_to` is set: replies reach staff.
    pub replies_reach_staff: bool,
}

impl Letter<'_> {
    /// The report whose stage picks the template: the most advanced stage,
    /// the earliest deadline among equals (the list is in deadline order).
    pub(crate) fn primary(&self) -> Option<&DueReport<'_>> {
        self.reports
            .iter()
            .rev()
            .max_by_key(|d| d.stage)
            .or(self.reports.first())
    }
}

/// 令和5年度・令和6年度採用状況報告: each report's year and name, years of
/// one report name joined, so a subject names every report the mail covers.
pub(crate) fn report_titles(reports: &[DueReport<'_>]) -> String {
    let mut names: Vec<(&str, Vec<String>)> = Vec::new();
    for d in reports {
        let fy = fy_label(d.row.report_fy);
        match names.iter_mut().find(|(n, _)| *n == &*d.row.report_name) {
            Some((_, fys)) if !fys.contains(&fy) => fys.push(fy),
            Some(_) => {}
            None => names.push((&*d.row.report_name, vec![fy])),
        }
    }
    names
        .into_iter()
        .map(|(n, fys)| format!("{}{n}", fys.join("・")))
        .collect::<Vec<_>>()
        .join("・")
}

/// The titles of the reports at the letter's most advanced stage (what the
/// subject may say is 督促 or 再督促), and how many others the mail names:
/// a subject never calls a report overdue that is not yet due.
fn stage_titles(letter: &Letter<'_>) -> (String, usize) {
    let Some(top) = letter.primary().map(|d| d.stage) else {
        return (String::new(), 0);
    };
    let at_top: Vec<DueReport<'_>> = letter
        .reports
        .iter()
        .filter(|d| d.stage == top)
        .cloned()
        .collect();
    (report_titles(&at_top), letter.reports.len() - at_top.len())
}

fn sent_lines(sent: &[(Stage, Option<NaiveDate>)]) -> Vec<String> {
    sent.iter()
        .map(|(s, on)| match on {
            Some(d) => format!("{}（{}）", s.label(), with_weekday(*d)),
            None => s.label().to_string(),
        })
        .collect()
}

/// The variables of one reminder mail. The single-report variables
/// (`company`, `report_fy`, …) describe the primary report, so templates
/// written for one report per mail still read right; `reports` lists all.
pub(crate) fn reminder_context(letter: &Letter<'_>, as_of: NaiveDate) -> Value {
    let Some(primary) = letter.primary() else {
        return Value::UNDEFINED;
    };
    let row = primary.row;
    let (stage_titles, other_reports) = stage_titles(letter);
    let forms = |r: &ReportDue| r.forms.iter().map(|f| f.display()).collect::<Vec<_>>();
    let reports: Vec<Value> = letter
        .reports
        .iter()
        .map(|d| {
            context! {
                application_id => d.row.application_id.as_str(),
                program => d.row.program.as_str(),
                report_name => d.row.report_name.clone(),
                report_fy => fy_label(d.row.report_fy),
                decided_on => with_weekday(d.row.decided_on),
                decision_fy => fy_label(d.row.decision_fy),
                round => d.row.round,
                rounds => d.row.rounds,
                deadline => with_weekday(d.row.due),
                deadline_note => deadline_note(d.row),
                days_overdue => (as_of - d.row.due).num_days().max(0),
                stage => d.stage.label(),
                forms => forms(d.row),
                attachments => d.row.attachments.to_vec(),
                sent_before => sent_lines(&d.sent_before),
                requested_before => !d.sent_before.is_empty(),
            }
        })
        .collect();
    context! {
        company => row.company.as_str(),
        application_id => row.application_id.as_str(),
        program => row.program.as_str(),
        report_name => row.report_name.clone(),
        report_fy => fy_label(row.report_fy),
        decided_on => with_weekday(row.decided_on),
        decision_fy => fy_label(row.decision_fy),
        round => row.round,
        rounds => row.rounds,
        deadline => with_weekday(row.due),
        deadline_note => deadline_note(row),
        forms => forms(row),
        stage => primary.stage.label(),
        as_of => with_weekday(as_of),
        reply_by => with_weekday(letter.reply_by),
        forms_url => letter.forms_url.unwrap_or_default().to_string(),
        stage_titles => stage_titles,
        other_reports => other_reports,
        days_overdue => (as_of - row.due).num_days().max(0),
        contact => letter.contact.to_string(),
        contact_name => row.contact_name.as_deref().unwrap_or_default(),
        report_titles => report_titles(letter.reports),
        reports => reports,
        requested_before => letter.reports.iter().all(|d| !d.sent_before.is_empty()),
        sent_before => sent_lines(&primary.sent_before),
        attachments => row.attachments.to_vec(),
        submission => letter.submission.unwrap_or_default().to_string(),
        submit_to => letter.submit_to.unwrap_or_default().to_string(),
        replies_reach_staff => letter.replies_reach_staff,
    }
}

fn sample_row() -> ReportDue {
    let date = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap_or_default();
    ReportDue {
        application_id: "R5-001".into(),
        company: "株式会社見本製作所".into(),
        email: Some("info@example.jp".into()),
        contact_name: Some("見本 花子".into()),
        program: "女性・障がい者雇用環境整備補助金".into(),
        report_name: "採用状況報告".into(),
        forms: vec![
            crate::model::Form {
                name: "第10号様式".into(),
                title: Some("採用状況報告書".into()),
                attached_to: None,
            },
            crate::model::Form {
                name: "第11号様式".into(),
                title: Some("採用者リスト".into()),
                attached_to: Some("第10号様式".into()),
            },
        ]
        .into(),
        attachments: vec!["雇用契約書の写し".into()].into(),
        decision_fy: 2023,
        decided_on: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap_or_default(),
        round: 1,
        rounds: 2,
        grace_open_days: 3,
        report_fy: 2024,
        due: date(4, 30),
        nominal_due: date(4, 30),
        due_shift: crate::model::DueShift::NextOpenDay,
        due_basis: None,
        received_on: None,
        received_later: None,
        state: ReportState::NotYetDue,
        remarks: Default::default(),
    }
}

fn sample_reminder(stage: Stage) -> Value {
    // Two reports, one with an earlier mail: every branch a template can
    // take over `reports` has something to show.
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 10).unwrap_or_default();
    let first = sample_row();
    let mut second = sample_row();
    second.report_fy = 2023;
    let reports = [
        DueReport {
            row: &first,
            stage,
            sent_before: vec![(Stage::Annai, Some(as_of))],
        },
        DueReport {
            row: &second,
            stage,
            sent_before: Vec::new(),
        },
    ];
    reminder_context(
        &Letter {
            reports: &reports,
            contact: "綾瀬市 工業振興企業誘致課",
            submission: Some("持参または郵送"),
            submit_to: Some("綾瀬市役所 工業振興企業誘致課"),
            forms_url: Some("https://www.example.jp/yoshiki/"),
            reply_by: as_of,
            replies_reach_staff: true,
        },
        as_of,
    )
}

fn sample_digest() -> Value {
    let lines = |s: &str| vec![s.to_string(), format!("{s}（2件目）")];
    context! {
        job => "nightly",
        as_of => "令和6年6月10日",
        as_of_iso => "2024-06-10",
        workbook => "summary-2024-06-10.xlsx",
        rejected_rows => 1,
        input_errors => 1,
        mails_sent => 1,
        mails_queued => 1,
        mails_failed => 1,
        mails_uncertain => 1,
        overdue_new => lines("R5-001 株式会社見本製作所 令和6年度 採用状況報告"),
        overdue_continuing => lines("R4-010 見本工業株式会社"),
        disposals_new => lines("R3-002 財産番号 A-1"),
        disposals_continuing => lines("R3-003 財産番号 A-2"),
        findings_new => lines("R5-002 算定額超過"),
        findings_continuing => lines("R5-003 要確認"),
        contact => "綾瀬市 工業振興企業誘致課",
        dry_run => false,
        new_total => 6,
        mails => lines("R5-001 株式会社見本製作所 令和6年度 採用状況報告 督促: 送信済"),
        resolved => lines("R4-001 要確認 算定額超過"),
        description => "毎晩の集計・督促",
        notices => lines("督促の保留：申請一覧が空のため"),
        folded => 1,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod builtin_tests {
    use super::*;

    #[test]
    fn the_compiled_in_templates_pass_the_load_checks() {
        // Loading renders each template with a sample: a variable the
        // templates use but the code does not provide fails here.
        let t = Templates::builtin().unwrap();
        assert!(t.dir.ends_with(BUILTIN_DIR));
    }
}
