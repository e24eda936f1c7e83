//! `hojokin check-rules [CATALOGUE]`: runs the rule test cases (`cases/*.toml` beside the
//! catalogue) against it. Exit 0 when every case passes, 1 when one fails (each named with
//! what was expected and what the rules gave), 2 when the catalogue or the cases cannot be
//! read. Without CATALOGUE, the shipped `catalogue/programs.toml` of the current folder.

use std::path::{Path, PathBuf};

use crate::catalogue::Catalogue;
use crate::rules::cases;

/// The shipped catalogue, relative to the folder hojokin runs in (the project's layout).
const SHIPPED: &str = "catalogue/programs.toml";

/// Runs the cases and prints one line per failing case to stderr, a summary to stdout.
pub fn run(catalogue: Option<&Path>) -> u8 {
    let path: PathBuf = catalogue.map_or_else(|| PathBuf::from(SHIPPED), Path::to_path_buf);
    match check(&path) {
        Ok(Outcome { cases, failures }) if failures.is_empty() => {
            println!(
                "制度カタログ {} のルールのテストケース {cases} 件はすべて合格しました。",
                path.display()
            );
            0
        }
        Ok(Outcome { cases, failures }) => {
            for f in &failures {
                eprintln!("{f}");
            }
            eprintln!(
                "制度カタログ {} のルールのテストケース {cases} 件のうち {} 件が不合格です。",
                path.display(),
                failures.len()
            );
            1
        }
        Err(message) => {
            eprintln!("{message}");
            2
        }
    }
}

/// What running the cases found.
#[derive(Debug)]
pub struct Outcome {
    pub cases: usize,
    pub failures: Vec<cases::Failure>,
}

/// Loads the catalogue and its cases and runs them; Err is a sentence saying why nothing ran.
pub fn check(path: &Path) -> Result<Outcome, String> {
    let catalogue = Catalogue::load(path).map_err(|e| e.to_string())?;
    let files = cases::load_dir(&cases::dir_for(path))?;
    Ok(Outcome {
        cases: cases::count(&files),
        failures: cases::run(&catalogue, &files),
    })
}
