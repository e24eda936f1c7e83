//! The files a report must never be written over: everything the job reads
//! (inputs, catalogue, the job file), and besides those the state file with
//! its journal and sent-keys log and the mail templates. A report path equal
//! to the state file once overwrote the database (state survived only in
//! its `-wal`).

use std::path::{Path, PathBuf};

use crate::job::Job;
use crate::model::Stage;
use crate::notify::templates::DIGEST_TEMPLATE;
use crate::state::sent_log;

/// [`Job::files_read`], the state file `db` (with `-wal`, `-shm` and the
/// sent-keys log) and the templates of `templates` (the folder the mails
/// use). Here and not in `job`: the state's and the mails' file names are
/// the later stages' to give.
pub(crate) fn files_not_to_overwrite(job: &Job, db: &Path, templates: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = job
        .files_read()
        .into_iter()
        .map(Path::to_path_buf)
        .collect();
    files.push(db.to_path_buf());
    for suffix in ["-wal", "-shm", sent_log::SUFFIX] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        files.push(PathBuf::from(name));
    }
    files.extend(
        Stage::ALL
            .iter()
            .map(|s| s.template())
            .chain([DIGEST_TEMPLATE])
            .map(|t| templates.join(t)),
    );
    files
}
