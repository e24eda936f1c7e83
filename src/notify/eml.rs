//! `--dry-run`: each mail written as an `.eml` file that any mail program
//! opens, instead of being sent.

use std::path::{Path, PathBuf};

use super::MailError;

/// `{as_of}_{application}_{report FY}_{stage}.eml`, or `{as_of}_digest.eml`.
/// Characters other than ASCII letters, digits, `-` and `_` become `_`, so a
/// 申請番号 from a workbook can never leave the folder or break the name.
pub(crate) fn file_name(parts: &[&str]) -> String {
    let safe: Vec<String> = parts
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    format!("{}.eml", safe.join("_"))
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so a
/// reader never sees half a mail; creates `dir` if needed.
pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, MailError> {
    let fail = |source: std::io::Error| MailError::Eml {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, &path).map_err(fail)?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_whatever_the_data() {
        let cases: [(&[&str], &str); 3] = [
            (
                &["2024-04-23", "R5-001", "2024", "saisoku"],
                "2024-04-23_R5-001_2024_saisoku.eml",
            ),
            (
                &["2024-04-23", "../受付 1", "2024", "annai"],
                "2024-04-23_______1_2024_annai.eml",
            ),
            (&["2024-04-23", "digest"], "2024-04-23_digest.eml"),
        ];
        for (parts, want) in cases {
            assert_eq!(file_name(parts), want);
        }
    }

    #[test]
    fn writes_into_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("out/outbox");
        let path = write(&outbox, "a.eml", b"Subject: x\r\n\r\nbody").unwrap();
        assert_eq!(path, outbox.join("a.eml"));
        assert_eq!(std::fs::read(&path).unwrap(), b"Subject: x\r\n\r\nbody");
        assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 1);
    }
}
