//! Consistent copies of the state file while jobs run (`hojokin state
//! backup`, and the daemon's rotated copy after each night).
//!
//! A `cp` of `hojokin.db` alone misses what is still in its `-wal` (a copy
//! taken while a night was sending had none of that night's sends).
//! `VACUUM INTO` reads one snapshot inside a read transaction, which in WAL
//! mode never blocks the writer, and writes a complete database without a
//! journal. It is written to a temporary name in the destination folder
//! and renamed, so a half-written copy is never mistaken for a backup.
//!
//! The sent-keys log is not copied: restoring a backup must never roll the
//! log back (see [`super::sent_log`]); the next night notices the restored
//! state file is older than the log and waits for `hojokin state reconcile`.

use std::path::{Path, PathBuf};

use super::{State, StateError};

/// Backups the daemon keeps when no setting says otherwise.
pub(crate) const DEFAULT_KEEP: usize = 7;

/// What the daemon's copies are called: `hojokin-YYYYMMDD-HHMMSS.db`.
const ROTATED_PREFIX: &str = "hojokin-";

impl State {
    /// Writes a consistent copy of the state file to `dest` (replacing it),
    /// mode 0600: it holds grantees' addresses.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StateError> {
        let err = |message: String| StateError::Open {
            path: dest.to_path_buf(),
            message,
        };
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        if dest.is_dir() {
            return Err(err(
                "フォルダです。バックアップのファイル名を指定してください".into(),
            ));
        }
        let mut name = dest.file_name().unwrap_or_default().to_owned();
        name.push(format!(".part-{}", std::process::id()));
        let part = dir.join(name);
        let _ = std::fs::remove_file(&part);
        let done = self
            .conn
            .execute("VACUUM INTO ?1", [part.to_string_lossy().as_ref()])
            .map_err(|e| err(format!("バックアップを書けません: {e}")))
            .and_then(|_| restrict(&part).map_err(|e| err(e.to_string())))
            .and_then(|()| {
                std::fs::File::open(&part)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| err(e.to_string()))
            })
            .and_then(|()| std::fs::rename(&part, dest).map_err(|e| err(e.to_string())));
        if done.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        done
    }

    /// The daemon's copy after a night: `dir/hojokin-YYYYMMDD-HHMMSS.db`
    /// (`stamp` is that time), then all but the newest `keep` removed.
    /// `keep` 0 makes no copy.
    pub fn backup_rotated(
        &self,
        dir: &Path,
        stamp: &str,
        keep: usize,
    ) -> Result<Option<PathBuf>, StateError> {
        if keep == 0 {
            return Ok(None);
        }
        let dest = dir.join(format!("{ROTATED_PREFIX}{stamp}.db"));
        self.backup_to(&dest)?;
        let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with(ROTATED_PREFIX) && n.ends_with(".db"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        copies.sort();
        let excess = copies.len().saturating_sub(keep);
        for old in copies.into_iter().take(excess) {
            let _ = std::fs::remove_file(old);
        }
        Ok(Some(dest))
    }
}

/// The environment variable that sets how many copies the daemon keeps
/// (default [`DEFAULT_KEEP`]; 0 keeps none), e.g. in `/etc/hojokin/env`.
pub(crate) const KEEP_VAR: &str = "HOJOKIN_KEEP_BACKUPS";

/// The daemon's copy after a night that ran: `backups/` beside the state
/// file, the newest [`KEEP_VAR`] kept. A copy that fails is logged, never
/// the night's failure (the night is over and recorded).
pub(crate) fn after_night(db: &Path, now: chrono::DateTime<chrono::FixedOffset>) {
    let keep = match std::env::var(KEEP_VAR) {
        Err(_) => DEFAULT_KEEP,
        Ok(v) => match v.trim().parse() {
            Ok(n) => n,
            Err(_) => {
                tracing::warn!(
                    "{KEEP_VAR} は 0 以上の整数で指定してください（{}）。既定の {DEFAULT_KEEP} 世代を残します。",
                    crate::logging::one_line(&v)
                );
                DEFAULT_KEEP
            }
        },
    };
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let copied = State::open(db).and_then(|s| s.backup_rotated(&rotated_dir(db), &stamp, keep));
    match copied {
        Ok(Some(path)) => tracing::info!(backup = %path.display(), keep, "state file backed up"),
        Ok(None) => {}
        Err(e) => tracing::warn!("状態ファイルのバックアップを作れませんでした: {e}"),
    }
}

/// The folder of the daemon's copies: `backups/` beside the state file.
pub(crate) fn rotated_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
