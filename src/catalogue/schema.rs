//! The catalogue file's TOML shape and its validation into [`Program`]s.
//!
//! Each `[[programs]]` table is deserialized on its own so that an error,
//! even an unknown key deep in a rule set, can name the program it is in.
//!
//! The work is split by concept: [`raw`] is the TOML shape, [`program`](mod@program)
//! validates one program, [`rules`] its rule sets, [`duties`] its reporting
//! duties, [`choice`] the settings spelt as fixed words, and [`checks`] the
//! checks across items (unique names, no overlapping years).

mod checks;
mod choice;
mod conditions;
mod duties;
mod program;
mod raw;
mod rules;

use super::Program;
use super::error::{CatalogueError, describe_serde_error};
use checks::check_unique_programs;
use program::program;
use raw::RawProgram;

/// Where errors point: the file and the program being read.
struct Ctx<'a> {
    file: &'a str,
    program: &'a str,
}

impl Ctx<'_> {
    fn err(&self, key: impl Into<String>, reason: impl Into<String>) -> CatalogueError {
        CatalogueError::invalid(self.file, self.program, key, reason)
    }
}

/// The top-level table holds `programs` and nothing else.
pub(crate) fn parse(text: &str, file: &str) -> Result<Vec<Program>, CatalogueError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CatalogueError::Syntax {
        file: file.to_string(),
        detail: e.to_string().trim_end().to_string(),
    })?;
    const WHOLE: &str = "（全体）";
    if let Some(key) = table.keys().find(|k| k.as_str() != "programs") {
        return Err(CatalogueError::invalid(
            file,
            WHOLE,
            key.as_str(),
            "不明なキーです（使えるキー: programs）。",
        ));
    }
    let Some(toml::Value::Array(items)) = table.get("programs") else {
        return Err(CatalogueError::invalid(
            file,
            WHOLE,
            "programs",
            "[[programs]] の表が1つもありません。",
        ));
    };
    let mut programs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let label = item
            .get("name")
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}番目の[[programs]]", i + 1));
        let ctx = Ctx {
            file,
            program: &label,
        };
        let raw: RawProgram = item.clone().try_into().map_err(|e| {
            let (key, reason) = describe_serde_error(&e);
            ctx.err(key, reason)
        })?;
        programs.push(program(&ctx, raw)?);
    }
    check_unique_programs(file, &programs)?;
    Ok(programs)
}
