//! `hojokin check-rules [CATALOGUE]`: runs the rule test cases (`cases/*.toml` beside the
//! catalogue) against it. Exit 0 when every case passes, 1 when one fails (each named with
//! what was expected and what the rules gave), 2 when the catalogue or the cases cannot be
//! read. Without CATALOGUE, the shipped `catalogue/programs.toml` of the current folder.

use std::path::{Path, PathBuf};

use super::{CliError, Finished};
use crate::catalogue::Catalogue;
use crate::model::Exit;
use crate::rules::cases;

/// The shipped catalogue, relative to the folder hojokin runs in (the project's layout).
const SHIPPED: &str = "catalogue/programs.toml";

/// Runs the cases: one stderr line per failing case and a closing count, or a stdout line
/// when all pass. Nothing is printed here; `main` prints what this returns.
pub(super) fn run(catalogue: Option<&Path>) -> Result<Finished, CliError> {
    let path: PathBuf = catalogue.map_or_else(|| PathBuf::from(SHIPPED), Path::to_path_buf);
    let Outcome { cases, failures } = check(&path).map_err(CliError::from_error)?;
    if failures.is_empty() {
        let mut done = Finished::new(Exit::Done);
        done.stdout.push(format!(
            "制度カタログ {} のルールのテストケース {cases} 件はすべて合格しました。",
            path.display()
        ));
        return Ok(done);
    }
    let mut done = Finished::new(Exit::NeedsAttention);
    done.stderr.extend(failures.iter().map(ToString::to_string));
    done.stderr.push(format!(
        "制度カタログ {} のルールのテストケース {cases} 件のうち {} 件が不合格です。",
        path.display(),
        failures.len()
    ));
    Ok(done)
}

/// What running the cases found.
#[derive(Debug)]
pub(super) struct Outcome {
    pub cases: usize,
    pub failures: Vec<cases::Failure>,
}

/// Loads the catalogue and its cases and runs them; Err is a sentence saying why nothing ran.
pub(super) fn check(path: &Path) -> Result<Outcome, String> {
    let catalogue = Catalogue::load(path).map_err(|e| e.to_string())?;
    let files = cases::load_dir(&cases::dir_for(path))?;
    Ok(Outcome {
        cases: cases::count(&files),
        failures: cases::run(&catalogue, &files),
    })
}
