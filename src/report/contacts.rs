//! How to reach a grantee, for the sheets staff phone or mail from (要確認,
//! 雇用状況報告) and the 事業者名 of sheets whose rows carry only a 申請番号
//! (財産処分制限).

use foldhash::{HashMap, HashSet};

use super::cell::Cell;
use crate::model::Application;

/// The column names of a contact, in the order [`Contacts::cells`] gives them.
pub(crate) const COLUMNS: [&str; 3] = ["担当者名", "メールアドレス", "電話番号"];

/// The applications a sheet's rows name, by 申請番号.
#[derive(Debug, Default)]
pub(crate) struct Contacts<'a> {
    by_id: HashMap<&'a str, &'a Application>,
}

impl<'a> Contacts<'a> {
    /// Only the applications `ids` names are indexed: a national export has
    /// some 200,000 applications and a sheet of findings a few of them.
    pub(crate) fn of<'i>(
        apps: &'a [Application],
        ids: impl Iterator<Item = &'i str>,
    ) -> Contacts<'a> {
        let wanted: HashSet<&str> = ids.collect();
        if wanted.is_empty() {
            return Contacts::default();
        }
        Contacts {
            by_id: apps
                .iter()
                .filter(|a| wanted.contains(&*a.id))
                .map(|a| (&*a.id, a))
                .collect(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&'a Application> {
        self.by_id.get(id).copied()
    }

    /// 担当者名, メールアドレス, 電話番号 of an application (empty when unknown).
    pub(crate) fn cells(&self, id: &str) -> [Cell<'a>; 3] {
        let app = self.get(id);
        [
            Cell::opt_text(app.and_then(|a| a.contact.as_deref())),
            Cell::opt_text(app.and_then(|a| a.email.as_deref())),
            Cell::opt_text(app.and_then(|a| a.records.phone.as_deref())),
        ]
    }
}
