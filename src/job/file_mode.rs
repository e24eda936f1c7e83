//! Like sshd's `StrictModes`: a file that tells hojokin what to do (a job
//! file, a mail template, a program catalogue) is refused when someone other
//! than its owner can write it, since whoever can edit it can make the city
//! mail every grantee or change the amounts.
//!
//! "Someone other than its owner" is:
//! - everybody (`o+w`): always refused;
//! - the file's group (`g+w`): refused, unless that group is the owner's
//!   user private group (a group named like the owner, the owner's primary
//!   group, listing nobody else): Debian and Ubuntu give every user such a
//!   group and a umask of 0002, so a checkout or an edited file is 0664
//!   without anyone else being able to write it.
//!
//! Only the file is checked, not the folders above it (sshd checks those
//! too; the deploy layout's folders are root-owned 0750 and documented).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The owner's account as `/etc/passwd` names it: (name, primary gid).
fn account(uid: u32, passwd: &str) -> Option<(String, u32)> {
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        let id: u32 = f.get(2)?.parse().ok()?;
        let gid: u32 = f.get(3)?.parse().ok()?;
        (id == uid).then(|| (f[0].to_string(), gid))
    })
}

/// The group's entry in `/etc/group`: (name, members).
fn group(gid: u32, groups: &str) -> Option<(String, Vec<String>)> {
    groups.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        let id: u32 = f.get(2)?.parse().ok()?;
        let members = f
            .get(3)
            .map(|m| {
                m.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        (id == gid).then(|| (f[0].to_string(), members))
    })
}

/// The file's group is its owner's private group (see the module doc).
/// Unknown accounts or groups are not private: the safe answer.
fn private_group(uid: u32, gid: u32, passwd: &str, groups: &str) -> bool {
    let Some((user, primary)) = account(uid, passwd) else {
        return false;
    };
    let Some((name, members)) = group(gid, groups) else {
        return false;
    };
    primary == gid && name == user && members.iter().all(|m| *m == user)
}

/// Who, besides the owner, may write a file of this mode, owner and group;
/// `None` when nobody may.
fn others_who_write(
    mode: u32,
    uid: u32,
    gid: u32,
    passwd: &str,
    groups: &str,
) -> Option<&'static str> {
    if mode & 0o002 != 0 {
        return Some("すべてのユーザー");
    }
    if mode & 0o020 != 0 && !private_group(uid, gid, passwd, groups) {
        return Some("グループ");
    }
    None
}

/// Refuses `path` (`what` names its kind: ジョブファイル, メールテンプレート,
/// 制度カタログ) when others can write it, with the command that fixes it.
/// A file that cannot be stat'ed passes: reading it reports that error.
pub(crate) fn check(path: &Path, what: &str) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
    let mode = meta.mode() & 0o7777;
    match others_who_write(mode, meta.uid(), meta.gid(), &passwd, &groups) {
        None => Ok(()),
        Some(who) => Err(format!(
            "{what} {} は所有者以外（{who}）も書き換えられるため使いません（モード {mode:04o}）。`chmod go-w {}` で所有者だけが書けるようにしてから実行してください。",
            path.display(),
            path.display()
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nhojokin:x:998:998::/srv/hojokin:/usr/sbin/nologin\n";
    const GROUP: &str = "root:x:0:\nalice:x:1000:\nhojokin:x:998:alice\nstaff:x:50:alice,bob\n";

    #[test]
    fn who_may_write() {
        // Everybody: refused whoever owns it.
        assert_eq!(
            others_who_write(0o666, 1000, 1000, PASSWD, GROUP),
            Some("すべてのユーザー")
        );
        assert_eq!(
            others_who_write(0o602, 0, 0, PASSWD, GROUP),
            Some("すべてのユーザー")
        );
        // The owner's private group (Debian's umask 0002): allowed.
        assert_eq!(others_who_write(0o664, 1000, 1000, PASSWD, GROUP), None);
        assert_eq!(others_who_write(0o664, 0, 0, PASSWD, GROUP), None);
        // A shared group, or one that lists another member: refused.
        assert_eq!(
            others_who_write(0o664, 1000, 50, PASSWD, GROUP),
            Some("グループ")
        );
        assert_eq!(
            others_who_write(0o660, 998, 998, PASSWD, GROUP),
            Some("グループ")
        );
        // A uid /etc/passwd does not know: the group is not private.
        assert_eq!(
            others_who_write(0o664, 4242, 4242, PASSWD, GROUP),
            Some("グループ")
        );
        // Read-only for others: fine.
        assert_eq!(others_who_write(0o644, 4242, 50, PASSWD, GROUP), None);
        assert_eq!(others_who_write(0o640, 998, 998, PASSWD, GROUP), None);
    }

    #[test]
    fn the_sentence_names_the_file_the_mode_and_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nightly.toml");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = check(&path, "ジョブファイル").unwrap_err();
        assert!(err.contains("ジョブファイル"), "{err}");
        assert!(err.contains("0666"), "{err}");
        assert!(
            err.contains(&format!("chmod go-w {}", path.display())),
            "{err}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(check(&path, "ジョブファイル"), Ok(()));
    }
}
