//! Writing the workbook so that nobody ever sees half of it, and so that
//! the write cannot be turned against another file.
//!
//! - The target is checked first: it must be a regular file or not exist
//!   yet (a folder, a device such as `/dev/full`, a pipe, or a link to one is
//!   refused), and it must not be one of the files the job reads.
//! - The bytes go to a temporary file beside the target whose name is
//!   unpredictable and which is created exclusively (`O_CREAT | O_EXCL`), so
//!   a planted symlink of that name is never followed: creation fails
//!   instead. The file is synced, then renamed over the target, so a reader
//!   sees the old workbook or the new one. A failed write removes it.
//! - A process killed inside that window cannot remove its temporary file,
//!   so every write first sweeps the folder for temporary files of writers
//!   that are gone. The name says whose it is:
//!   `.hojokin-tmp~PID~HOST~RANDOM` (`~` cannot occur in a host name).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tracing::{info, warn};

use super::ReportError;
use crate::state::lock::{process_is_gone, this_host};

/// Every temporary file of a report write starts with this.
pub const TEMP_PREFIX: &str = ".hojokin-tmp~";

/// A temporary file older than this is stale whoever wrote it (a write takes
/// seconds); this covers writers on other hosts and reused pids.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Test hook, documented here because it is the only one: when this
/// environment variable names a file, the writer, once its temporary file is
/// written and synced, creates that file (holding the temporary file's path)
/// and waits until it is deleted before renaming (or, for a [`probe`],
/// before removing it). Tests use it to kill a real `hojokin run` inside the
/// write window. Never set in production.
pub const PAUSE_HOOK: &str = "HOJOKIN_TEST_PAUSE_BEFORE_RENAME";

/// Refuses a target that is not a regular file (when it exists) or that is
/// one of `inputs`: writing there would destroy the input or the device.
pub(crate) fn check_target(path: &Path, inputs: &[&Path]) -> Result<(), ReportError> {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ReportError::Write {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    // The rename replaces a link itself, never its target, so only what the
    // link leads to decides; a dangling link is simply replaced.
    let meta = if link.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(_) => return Ok(()),
        }
    } else {
        link
    };
    if !meta.is_file() {
        return Err(ReportError::NotAFile {
            path: path.to_path_buf(),
            kind: if meta.is_dir() {
                "フォルダ"
            } else {
                "通常のファイルではないもの（デバイスやパイプなど）"
            },
        });
    }
    for input in inputs {
        if same_file(&meta, path, input) {
            return Err(ReportError::IsInput {
                path: path.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(target: &std::fs::Metadata, _target_path: &Path, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(other).is_ok_and(|o| o.dev() == target.dev() && o.ino() == target.ino())
}

#[cfg(not(unix))]
fn same_file(_target: &std::fs::Metadata, target_path: &Path, other: &Path) -> bool {
    match (target_path.canonicalize(), other.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Checks the target, sweeps stale temporary files, lets `fill` write a new
/// temporary file in the target's folder, syncs it and renames it over the
/// target. If `fill` fails, the temporary file is removed and the target
/// is left as it was.
pub(crate) fn write_atomically_with(
    path: &Path,
    inputs: &[&Path],
    fill: impl FnOnce(&mut std::fs::File) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let (mut tmp, dir) = temp_beside(path, inputs)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(err)?;
    pause_before_rename(tmp.path());
    tmp.persist(path).map_err(|e| err(e.error))?;
    // The rename is durable once the folder is synced; failing that is not
    // worth failing the night for (the file itself is complete).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Proves `path` writable as [`write_atomically_with`] will write it (the
/// target checked, its folder created, a temporary file created beside it,
/// written and synced) and removes that file, leaving the target as it was:
/// a mail night calls it before any mail goes out, so a report path that
/// cannot be written stops the night before a reminder is sent, without
/// composing the workbook twice. The errors are the write's own.
pub(crate) fn probe(path: &Path, inputs: &[&Path]) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let (mut tmp, _) = temp_beside(path, inputs)?;
    std::io::Write::write_all(tmp.as_file_mut(), b"hojokin").map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    pause_before_rename(tmp.path());
    tmp.close().map_err(err)
}

/// The checked target's folder (created) with a new temporary file in it,
/// stale ones swept first; the file is deleted when dropped.
fn temp_beside<'p>(
    path: &'p Path,
    inputs: &[&Path],
) -> Result<(tempfile::NamedTempFile, &'p Path), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    check_target(path, inputs)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    sweep_stale(dir);
    let prefix = format!("{TEMP_PREFIX}{}~{}~", std::process::id(), this_host());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(12);
    // As `File::create` would: 0666 less the umask, not tempfile's 0600, so
    // staff who could read last night's workbook can read tonight's.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropped on every error path, which deletes the file.
    let tmp = builder.tempfile_in(dir).map_err(err)?;
    keep_mode(path, tmp.as_file()).map_err(err)?;
    Ok((tmp, dir))
}

/// A report replaced keeps the mode it had (an admin's `chmod 600` on a
/// workbook with names and addresses is not undone by the next night); a
/// new one gets 0666 less the umask (0640 under the units' `UMask=0027`).
#[cfg(unix)]
fn keep_mode(target: &Path, tmp: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(target) {
        Ok(old) if old.is_file() => tmp.set_permissions(std::fs::Permissions::from_mode(
            old.permissions().mode() & 0o777,
        )),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn keep_mode(_target: &Path, _tmp: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Removes the temporary files of writers that are gone (or of any writer,
/// past `STALE_AFTER`) from `dir`, and those of hojokin versions before this
/// one (`.NAME.xlsx.tmp-PID`). Returns how many were removed; what cannot be
/// read or removed is left for the next run, with a warning.
pub(crate) fn sweep_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = temp_owner(&name) else {
            continue;
        };
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        let gone = process_is_gone(owner.host.as_deref().unwrap_or(&this_host()), owner.pid);
        if !(gone || old) {
            continue;
        }
        let path: PathBuf = entry.path();
        match std::fs::remove_file(&path) {
            Ok(()) => {
                removed += 1;
                info!(file = %path.display(), pid = owner.pid, "removed the temporary file of an interrupted report write");
            }
            Err(e) => {
                warn!(file = %path.display(), error = %e, "could not remove the temporary file of an interrupted report write")
            }
        }
    }
    removed
}

/// Who wrote a temporary file, read from its name.
#[derive(Debug, PartialEq, Eq)]
struct TempOwner {
    pid: u32,
    /// `None` for the old naming, which was always this host's.
    host: Option<String>,
}

fn temp_owner(name: &OsStr) -> Option<TempOwner> {
    let name = name.to_str()?;
    if let Some(rest) = name.strip_prefix(TEMP_PREFIX) {
        let mut parts = rest.splitn(3, '~');
        let pid = parts.next()?.parse().ok()?;
        let host = parts.next()?.to_string();
        parts.next()?;
        return Some(TempOwner {
            pid,
            host: Some(host),
        });
    }
    let (head, pid) = name.rsplit_once(".xlsx.tmp-")?;
    if !head.starts_with('.') || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(TempOwner {
        pid: pid.parse().ok()?,
        host: None,
    })
}

/// See [`PAUSE_HOOK`].
fn pause_before_rename(tmp: &Path) {
    let Some(marker) = std::env::var_os(PAUSE_HOOK).map(PathBuf::from) else {
        return;
    };
    // Written then renamed, so the test never reads a half-written marker.
    let part = marker.with_extension("part");
    let written = std::fs::write(&part, tmp.as_os_str().as_encoded_bytes())
        .and_then(|()| std::fs::rename(&part, &marker));
    if written.is_err() {
        return;
    }
    while marker.exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
