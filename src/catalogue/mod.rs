//! The program catalogue: every 制度's rules as data, by fiscal year.
//!
//! Rates, caps and deadlines change from year to year and the city adds
//! programs, so none of them is a constant in code. The shipped file
//! (`catalogue/programs.toml`) is compiled in as the default; a job may name
//! another one. Loading validates everything once, so the rest of the batch
//! can trust what it reads here.

use std::path::Path;

mod conditions;
pub(crate) mod error;
mod names;
mod program;
pub(crate) mod rate;
mod schema;
pub(crate) mod useful_life;

use crate::model::{ProgramId, RefundMethod, ReportingDuty};
pub(crate) use conditions::*;
pub(crate) use error::CatalogueError;
pub(crate) use program::*;

/// The catalogue that ships with hojokin.
const BUILTIN_TEXT: &str = include_str!("../../catalogue/programs.toml");
const BUILTIN_ORIGIN: &str = "catalogue/programs.toml";

/// Every program the batch knows, validated.
#[derive(Debug, Clone)]
pub struct Catalogue {
    origin: String,
    programs: Vec<Program>,
}

impl Catalogue {
    /// The catalogue shipped in the repository, compiled in.
    ///
    /// A unit test proves it loads; should it ever fail, the result is an
    /// empty catalogue (every amount 算定不可) rather than a panic.
    pub fn builtin() -> Catalogue {
        Catalogue::from_toml(BUILTIN_TEXT, BUILTIN_ORIGIN).unwrap_or_else(|err| {
            tracing::error!("{err}");
            Catalogue {
                origin: BUILTIN_ORIGIN.to_string(),
                programs: Vec::new(),
            }
        })
    }

    /// Reads and validates a catalogue file a job names.
    pub fn load(path: &Path) -> Result<Catalogue, CatalogueError> {
        let file = path.display().to_string();
        crate::job::file_mode::check(path, "制度カタログ")
            .map_err(CatalogueError::WritableByOthers)?;
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            file: file.clone(),
            source,
        })?;
        Catalogue::from_toml(&text, &file)
    }

    /// Parses and validates catalogue text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Catalogue, CatalogueError> {
        let programs = schema::parse(text, origin)?;
        Ok(Catalogue {
            origin: origin.to_string(),
            programs,
        })
    }

    /// Where this catalogue came from (file path or the builtin's name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    pub fn program_names(&self) -> Vec<&str> {
        self.programs.iter().map(|p| p.name.as_str()).collect()
    }

    /// The program named `name` or one of its aliases.
    pub fn find_program(&self, name: &str) -> Option<ProgramId> {
        let wanted = names::key(name);
        self.programs
            .iter()
            .position(|p| p.names.matches_key(&wanted))
            .map(ProgramId::at)
    }

    /// The program an id stands for. Ids come only from
    /// [`Catalogue::find_program`] on this catalogue.
    pub fn program(&self, id: ProgramId) -> &Program {
        &self.programs[id.index()]
    }

    /// The program named `name` or one of its aliases.
    pub fn program_named(&self, name: &str) -> Option<&Program> {
        self.find_program(name).map(|id| self.program(id))
    }

    /// The canonical name of a program given by name or alias.
    pub fn canonical_program(&self, name: &str) -> Option<&str> {
        self.program_named(name).map(|p| p.name.as_str())
    }

    /// The program's 区分; empty when it has none.
    pub fn courses(&self, program: &str) -> Vec<&str> {
        self.program_named(program)
            .map(|p| p.courses.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default()
    }

    /// The canonical name of a course given by name or alias ("A" → "Aコース").
    pub fn canonical_course(&self, program: &str, course: &str) -> Option<&str> {
        self.program_named(program)
            .and_then(|p| p.course(course))
            .map(|c| c.name.as_str())
    }

    /// Every program's reporting duties (e.g. the diversity subsidy's 採用状況報告).
    pub fn reporting_duties(&self) -> Vec<ReportingDuty> {
        self.programs
            .iter()
            .flat_map(|p| p.reporting_duties.iter().cloned())
            .collect()
    }

    /// Whether a program restricts the disposal of its assets, and by which article.
    pub fn disposal_restriction(&self, id: ProgramId) -> Option<&DisposalRestriction> {
        self.program(id).conditions.disposal_restriction.as_ref()
    }

    /// How an early-disposal refund is estimated for a program.
    pub fn refund_method(&self, id: ProgramId) -> RefundMethod {
        self.program(id).refund_method
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests unwrap values they built themselves
mod tests;
