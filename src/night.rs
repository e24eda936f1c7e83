//! The one summary of a night: what is new, what continues, what was
//! resolved, and what staff must do tonight.
//!
//! 概要 (its 本日の対応 and 要確認's 区分 and 初出日) and the staff digest are
//! two renderings of one [`Night`], computed once by the pipeline, so they
//! cannot disagree about a count. Three rules live here and nowhere else:
//!
//! - *New* means no delivered digest of the job has named the flag (the state
//!   file's `digest_flags`); otherwise it is *continuing*, with the night it
//!   was first named as its 初出日.
//! - A flag is *resolved* (解消) only when its case has no flag tonight that
//!   took its place: a 通知先不備 that stops showing because a 報告行の入力エラー
//!   now holds the same report changed kind, it was not resolved, and its
//!   successor says so.
//! - Each case is counted once: a 期間内処分 要確認 row is the same fact as the
//!   early disposal listed beside it and is neither listed nor counted again.

mod facts;
pub use facts::{DigestFacts, DigestItem};
pub(crate) use facts::{Lines, MailLine, facts};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use chrono::NaiveDate;

use crate::model::FindingKind;
use crate::state::{KnownFlag, State};

/// The digest's three kinds of flag. The code is stored with each flag a
/// delivered digest named (so "new" means: not named before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Overdue,
    Disposal,
    Finding,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Overdue, Section::Disposal, Section::Finding];

    pub const fn code(self) -> &'static str {
        match self {
            Section::Overdue => "overdue",
            Section::Disposal => "disposal",
            Section::Finding => "finding",
        }
    }

    /// How a flag of this kind is named in 解消 and in 「前回: …」.
    pub fn label(self) -> &'static str {
        match self {
            Section::Overdue => "未提出の報告",
            Section::Disposal => "期間内処分",
            Section::Finding => "要確認",
        }
    }

    fn from_code(code: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Whether staff have been told about a flag before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    New,
    Continuing,
}

impl Standing {
    /// 要確認's 区分.
    pub fn label(self) -> &'static str {
        match self {
            Standing::New => "新規",
            Standing::Continuing => "継続",
        }
    }
}

/// One of tonight's flags as the summary sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub standing: Standing,
    /// The night a delivered digest first named it; tonight when new.
    pub first_seen: NaiveDate,
    /// What the flag it took over on the same case was called (種別が変わった).
    pub replaces: Option<String>,
    /// The same fact as a flag of another section (a 期間内処分 要確認 row
    /// beside its early disposal): shown on 要確認, not listed or counted again.
    pub folded: bool,
}

/// A flag a delivered digest named whose cause is gone tonight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The stored kind code (a [`Section`] code).
    pub kind: String,
    pub key: String,
    /// The line the digest showed for it.
    pub line: String,
}

impl Resolved {
    /// 「［未提出の報告］A-1 …」 as 解消 lists it.
    pub fn text(&self) -> String {
        let label = Section::from_code(&self.kind)
            .unwrap_or(Section::Finding)
            .label();
        format!("［{label}］{}", self.line)
    }
}

/// Something staff are told tonight besides the flags, on 本日の対応 and in
/// the digest (reminders held for a reason, for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// 本日の対応's 対応 and the digest's heading.
    pub what: String,
    /// The sentence saying why and what to do.
    pub detail: String,
}

/// The night's summary: [`DigestFacts`] (what was raised) with, for each
/// flag, whether it is new, and what was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Night {
    pub facts: DigestFacts,
    /// One per `facts.overdue`, `facts.early_disposals`, `facts.findings`, in order.
    pub overdue: Vec<Status>,
    pub disposals: Vec<Status>,
    pub findings: Vec<Status>,
    /// Named before, gone tonight, with nothing in their place.
    pub resolved: Vec<Resolved>,
    /// Named before and replaced tonight by a flag of another kind on the
    /// same case: forgotten once a digest has said so, never called 解消.
    pub replaced: Vec<(String, String)>,
    pub notices: Vec<Notice>,
}

/// A new or continuing line of one section, as both renderings list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub new: Vec<String>,
    pub continuing: Vec<String>,
}

impl Night {
    /// Summarises `facts` against what delivered digests named (`state`); no
    /// state, or one that cannot be read, makes every flag new and none resolved.
    pub fn summarise(state: Option<&State>, facts: DigestFacts) -> Night {
        let known: Vec<KnownFlag> = state
            .and_then(|s| s.digest_flags_known(&facts.job).ok())
            .unwrap_or_default();
        summarise(&known, facts)
    }

    fn items(&self, section: Section) -> (&[DigestItem], &[Status]) {
        match section {
            Section::Overdue => (&self.facts.overdue, &self.overdue),
            Section::Disposal => (&self.facts.early_disposals, &self.disposals),
            Section::Finding => (&self.facts.findings, &self.findings),
        }
    }

    /// A section's new lines (each with what it replaced) and how many continue.
    pub fn listed(&self, section: Section) -> Listed {
        let (items, statuses) = self.items(section);
        let mut listed = Listed {
            new: Vec::new(),
            continuing: Vec::new(),
        };
        for (item, status) in items.iter().zip(statuses).filter(|(_, s)| !s.folded) {
            match status.standing {
                Standing::Continuing => listed.continuing.push(item.line.clone()),
                Standing::New => listed.new.push(match &status.replaces {
                    Some(before) => format!("{}（前回までは「{before}」）", item.line),
                    None => item.line.clone(),
                }),
            }
        }
        listed
    }

    /// How many lines [`Night::listed`] gives as new in `section`, counted
    /// without formatting them: 概要 needs the number, only the digest the
    /// lines (a national night has a hundred thousand flags).
    pub fn new_count(&self, section: Section) -> usize {
        let (_, statuses) = self.items(section);
        statuses
            .iter()
            .filter(|s| !s.folded && s.standing == Standing::New)
            .count()
    }

    /// How many new cases the night has: the digest's subject count, 概要's
    /// 新たな要対応, the sum of the lines listed as new.
    pub fn new_total(&self) -> usize {
        Section::ALL.into_iter().map(|s| self.new_count(s)).sum()
    }

    /// 要確認 rows that are another section's case (counted there).
    pub fn folded_findings(&self) -> usize {
        self.findings.iter().filter(|s| s.folded).count()
    }

    /// Every flag of tonight as (kind code, key, line), for the state file.
    pub fn flags(&self) -> Vec<(&'static str, &str, &str)> {
        Section::ALL
            .into_iter()
            .flat_map(|s| {
                self.items(s)
                    .0
                    .iter()
                    .map(move |i| (s.code(), i.key.as_str(), i.line.as_str()))
            })
            .collect()
    }

    /// Flags to forget once a digest is delivered: resolved and replaced.
    pub fn gone(&self) -> Vec<(&str, &str)> {
        self.resolved
            .iter()
            .map(|r| (r.kind.as_str(), r.key.as_str()))
            .chain(
                self.replaced
                    .iter()
                    .map(|(k, key)| (k.as_str(), key.as_str())),
            )
            .collect()
    }
}

/// The case a flag is about: the report duty, the assets, or one rule of one
/// application. A flag that disappears while a new one appears on its case
/// changed kind; it was not resolved.
pub(crate) fn case(section: Section, app: &str, kind: Option<FindingKind>) -> String {
    let matter = match (section, kind) {
        (Section::Overdue, _) => "report",
        (Section::Disposal, _) => "asset",
        (Section::Finding, Some(k)) => match k {
            FindingKind::NoAddress
            | FindingKind::InvalidMessage
            | FindingKind::SendUncertain
            | FindingKind::ReportRowRejected
            | FindingKind::ReportNotOwed
            | FindingKind::ReportYearMismatch
            | FindingKind::UnknownApplication => "report",
            FindingKind::EarlyDisposal
            | FindingKind::UsefulLifeMismatch
            | FindingKind::RestrictionUndatable
            | FindingKind::IneligibleAsset => "asset",
            other => other.code(),
        },
        (Section::Finding, None) => "finding",
    };
    format!("{matter}:{app}")
}

/// The case of a flag the state file remembers, from its key: overdue
/// `app/fy/report`, disposal `app/asset`, finding `app/kind/hash` (split from
/// the right: an 申請番号 may hold a slash).
fn stored_case(known: &KnownFlag) -> Option<String> {
    let section = Section::from_code(&known.kind)?;
    match section {
        Section::Overdue => {
            let app = known.key.rsplitn(3, '/').nth(2)?;
            Some(case(section, app, None))
        }
        Section::Disposal => {
            let app = known.key.rsplit_once('/')?.0;
            Some(case(section, app, None))
        }
        Section::Finding => {
            let mut parts = known.key.rsplitn(3, '/');
            let (_, code, app) = (parts.next()?, parts.next()?, parts.next()?);
            let kind = FindingKind::ALL.into_iter().find(|k| k.code() == code);
            Some(case(section, app, kind))
        }
    }
}

/// How a stored flag is named in 「前回までは…」.
fn stored_label(known: &KnownFlag) -> String {
    match Section::from_code(&known.kind) {
        Some(Section::Finding) => known
            .key
            .rsplit('/')
            .nth(1)
            .and_then(|code| FindingKind::ALL.into_iter().find(|k| k.code() == code))
            .map_or(Section::Finding.label(), FindingKind::label)
            .to_string(),
        Some(s) => s.label().to_string(),
        None => known.kind.clone(),
    }
}

fn summarise(known: &[KnownFlag], facts: DigestFacts) -> Night {
    let mut statuses = standings(known, &facts);
    let (resolved, replaced) = settle_vanished(known, &facts, &mut statuses);
    let [overdue, disposals, findings] = statuses;
    Night {
        facts,
        overdue,
        disposals,
        findings,
        resolved,
        replaced,
        notices: Vec::new(),
    }
}

/// Tonight's flags by section, in [`Section::ALL`]'s order.
fn groups(facts: &DigestFacts) -> [(Section, &[DigestItem]); 3] {
    [
        (Section::Overdue, &facts.overdue),
        (Section::Disposal, &facts.early_disposals),
        (Section::Finding, &facts.findings),
    ]
}

/// Each of tonight's flags new or continuing (with the night a digest first
/// named it), and whether it folds into an early disposal of its case.
fn standings(known: &[KnownFlag], facts: &DigestFacts) -> [Vec<Status>; 3] {
    let first: HashMap<(&str, &str), NaiveDate> = known
        .iter()
        .map(|k| {
            let on = k.first_reported.parse().unwrap_or(facts.as_of);
            ((k.kind.as_str(), k.key.as_str()), on)
        })
        .collect();
    let disposal_cases: HashSet<&str> = facts
        .early_disposals
        .iter()
        .map(|i| i.case.as_str())
        .collect();
    groups(facts).map(|(section, items)| {
        items
            .iter()
            .map(|item| {
                let seen = first.get(&(section.code(), item.key.as_str()));
                Status {
                    standing: if seen.is_some() {
                        Standing::Continuing
                    } else {
                        Standing::New
                    },
                    first_seen: seen.copied().unwrap_or(facts.as_of),
                    replaces: None,
                    folded: section == Section::Finding
                        && item.kind == Some(FindingKind::EarlyDisposal)
                        && disposal_cases.contains(item.case.as_str()),
                }
            })
            .collect()
    })
}

/// The known flags with no flag tonight: replaced when a new, listed flag of
/// the same case took their place (which then says what it replaces), else
/// resolved. Returns (resolved, replaced as (kind, key)).
fn settle_vanished(
    known: &[KnownFlag],
    facts: &DigestFacts,
    statuses: &mut [Vec<Status>; 3],
) -> (Vec<Resolved>, Vec<(String, String)>) {
    let groups = groups(facts);
    let mut tonight: HashSet<(&str, &str)> = HashSet::new();
    // The first new, listed flag of each case: where a vanished flag of the
    // same case went.
    let mut successors: HashMap<&str, (usize, usize)> = HashMap::new();
    for (g, (section, items)) in groups.iter().enumerate() {
        for (i, (item, st)) in items.iter().zip(&statuses[g]).enumerate() {
            tonight.insert((section.code(), item.key.as_str()));
            if st.standing == Standing::New && !st.folded {
                successors.entry(item.case.as_str()).or_insert((g, i));
            }
        }
    }
    let mut resolved = Vec::new();
    let mut replaced = Vec::new();
    for k in known {
        if tonight.contains(&(k.kind.as_str(), k.key.as_str())) {
            continue;
        }
        let successor = stored_case(k).and_then(|c| successors.get(c.as_str()).copied());
        match successor {
            Some((g, i)) => {
                statuses[g][i]
                    .replaces
                    .get_or_insert_with(|| stored_label(k));
                replaced.push((k.kind.clone(), k.key.clone()));
            }
            None => resolved.push(Resolved {
                kind: k.kind.clone(),
                key: k.key.clone(),
                line: k.line.clone(),
            }),
        }
    }
    (resolved, replaced)
}

#[cfg(test)]
mod tests;
