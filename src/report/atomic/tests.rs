use std::io::Write as _;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use super::*;

/// [`write_atomically_with`] for bytes already in memory.
fn write_atomically(path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), ReportError> {
    write_atomically_with(path, inputs, |file| {
        file.write_all(bytes).map_err(|source| ReportError::Write {
            path: path.to_path_buf(),
            source,
        })
    })
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn writes_the_bytes_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out/summary.xlsx");
    write_atomically(&target, b"new", &[]).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new");
    write_atomically(&target, b"newer", &[]).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"newer");
    assert_eq!(names(&dir.path().join("out")), ["summary.xlsx"]);
    // Same mode as a file made by `File::create` (0666 less the umask).
    let plain = dir.path().join("out/plain");
    std::fs::File::create(&plain).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&target), mode(&plain));
}

#[test]
fn a_writer_that_fails_half_way_leaves_last_nights_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("summary.xlsx");
    write_atomically(&target, b"last night", &[]).unwrap();
    let err = write_atomically_with(&target, &[], |file| {
        file.write_all(b"half a zip").unwrap();
        Err(ReportError::Write {
            path: target.clone(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        })
    })
    .unwrap_err();
    assert!(matches!(err, ReportError::Write { .. }), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"last night");
    assert_eq!(names(dir.path()), ["summary.xlsx"]);
}

#[test]
fn a_symlink_planted_at_the_target_or_an_old_temp_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let victim = d.join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let target = d.join("summary.xlsx");
    symlink(&victim, &target).unwrap();
    // The name the old writer used, for this very process.
    let old_tmp = d.join(format!(".summary.xlsx.tmp-{}", std::process::id()));
    symlink(&victim, &old_tmp).unwrap();

    write_atomically(&target, b"workbook", &[]).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let meta = std::fs::symlink_metadata(&target).unwrap();
    assert!(meta.file_type().is_file(), "the link itself was replaced");
    assert_eq!(std::fs::read(&target).unwrap(), b"workbook");
    assert!(
        std::fs::symlink_metadata(&old_tmp)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_folder_a_device_or_a_link_to_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let folder = d.join("summary.xlsx");
    std::fs::create_dir(&folder).unwrap();
    let link = d.join("link.xlsx");
    symlink(&folder, &link).unwrap();
    for path in [&folder, &link] {
        let err = write_atomically(path, b"x", &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "集計ブックの出力先 {} はフォルダのため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。",
                path.display()
            )
        );
    }
    assert!(folder.is_dir());
    let err = check_target(Path::new("/dev/null"), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "集計ブックの出力先 /dev/null は通常のファイルではないもの（デバイスやパイプなど）のため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。"
    );
    // Nothing was left behind by the refused writes.
    assert_eq!(names(d), ["link.xlsx", "summary.xlsx"]);
}

#[test]
fn an_input_of_the_job_is_refused_by_name_link_or_hard_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("applications.xlsx");
    std::fs::write(&input, "input").unwrap();
    let soft = d.join("soft.xlsx");
    symlink(&input, &soft).unwrap();
    let hard = d.join("hard.xlsx");
    std::fs::hard_link(&input, &hard).unwrap();
    let other = d.join("other.csv");
    std::fs::write(&other, "other").unwrap();
    for target in [&input, &soft, &hard] {
        let err = write_atomically(target, b"x", &[&other, &input]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "集計ブックの出力先 {} はこのジョブが読む {} と同じファイルです。入力を上書きしないよう、ジョブファイルの [report] path に別のパスを指定してください。",
                target.display(),
                input.display()
            )
        );
    }
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "input");
    // Another file of the folder is fine.
    write_atomically(&d.join("summary.xlsx"), b"ok", &[&input]).unwrap();
}

#[test]
fn temporary_files_of_gone_writers_are_swept_and_live_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host = this_host();
    // pid_max is at most 4194304 on Linux, so this pid cannot exist.
    let dead = format!("{TEMP_PREFIX}4194305~{host}~abcdefabcdef");
    let mine = format!("{TEMP_PREFIX}{}~{host}~abcdefabcdef", std::process::id());
    let elsewhere = format!("{TEMP_PREFIX}4194305~another-host~abcdefabcdef");
    let legacy_dead = ".summary-2024-05-01.xlsx.tmp-4194305".to_string();
    let unrelated = ".notes.tmp-4194305".to_string();
    for n in [&dead, &mine, &elsewhere, &legacy_dead, &unrelated] {
        std::fs::write(d.join(n), "half a workbook").unwrap();
    }
    assert_eq!(sweep_stale(d), 2);
    let mut kept = vec![elsewhere.clone(), mine.clone(), unrelated.clone()];
    kept.sort();
    assert_eq!(names(d), kept);
    // The next write sweeps too.
    std::fs::write(d.join(&dead), "half a workbook").unwrap();
    write_atomically(&d.join("summary.xlsx"), b"x", &[]).unwrap();
    assert!(!d.join(&dead).exists());
}

#[test]
fn temp_names_are_read_back_to_their_writer() {
    let owner = |n: &str| temp_owner(OsStr::new(n));
    assert_eq!(
        owner(".hojokin-tmp~123~host.example.jp~Ab3dE"),
        Some(TempOwner {
            pid: 123,
            host: Some("host.example.jp".into())
        })
    );
    assert_eq!(
        owner(".s.xlsx.tmp-77"),
        Some(TempOwner {
            pid: 77,
            host: None
        })
    );
    for n in [
        ".hojokin-tmp~x~h~r",
        ".hojokin-tmp~1~h",
        "s.xlsx.tmp-77",
        ".s.xlsx.tmp-",
        ".s.xlsx.tmp-7a",
        "summary.xlsx",
    ] {
        assert_eq!(owner(n), None, "{n}");
    }
}

/// Issue 25.9: an admin's `chmod 600` on a report is kept by the next write.
#[test]
#[cfg(unix)]
fn a_replaced_report_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.xlsx");
    write_atomically(&path, b"one", &[]).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    write_atomically(&path, b"two", &[]).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
}

/// The probe a mail night runs before sending: the target left as it was,
/// nothing left beside it, and a path that cannot be written refused with
/// the error the write itself would give.
#[test]
fn a_probe_proves_the_path_and_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out/summary.xlsx");
    probe(&target, &[]).unwrap();
    assert!(names(&dir.path().join("out")).is_empty());
    write_atomically(&target, b"last night", &[]).unwrap();
    probe(&target, &[]).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"last night");
    assert_eq!(names(&dir.path().join("out")), ["summary.xlsx"]);
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    assert_eq!(
        probe(&folder, &[]).unwrap_err().to_string(),
        write_atomically(&folder, b"x", &[])
            .unwrap_err()
            .to_string()
    );
    let input = dir.path().join("apps.csv");
    std::fs::write(&input, "x").unwrap();
    assert_eq!(
        probe(&input, &[&input]).unwrap_err().to_string(),
        write_atomically(&input, b"x", &[&input])
            .unwrap_err()
            .to_string()
    );
}
