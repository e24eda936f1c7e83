//! The accepted applications by 申請番号: built once where ingestion finalises
//! them, and handed to every stage that looks a row up by 申請番号 (the
//! reference checks here, the stated rules, the useful-life restrictions).

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::model::Application;

/// Positions in the applications it was built from, by their 申請番号. It
/// holds no key of its own (four bytes a row, not a copy of each 申請番号):
/// a lookup compares against the application itself, so it is given the
/// same slice again, and never answers with a row of another 申請番号.
#[derive(Clone, Default)]
pub struct AppIndex {
    positions: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for AppIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppIndex")
            .field("len", &self.positions.len())
            .finish()
    }
}

impl AppIndex {
    /// Indexes `apps`; a repeated 申請番号 gives the last of its rows, as a
    /// map filled in input order does (ingestion leaves none repeated).
    pub fn new(apps: &[Application]) -> Self {
        let hasher = foldhash::fast::RandomState::default();
        let mut positions = HashTable::with_capacity(apps.len());
        let hash_of = |i: &u32| hasher.hash_one(apps[*i as usize].id.as_str());
        for (i, app) in apps.iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 4 billion applications");
            let id = app.id.as_str();
            let hash = hasher.hash_one(id);
            match positions.entry(hash, |&j: &u32| apps[j as usize].id == *id, hash_of) {
                hashbrown::hash_table::Entry::Occupied(mut e) => *e.get_mut() = i,
                hashbrown::hash_table::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        Self { positions, hasher }
    }

    /// The position in `apps` of the application numbered `id`.
    pub fn position(&self, apps: &[Application], id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.positions
            .find(hash, |&i| apps.get(i as usize).is_some_and(|a| a.id == *id))
            .map(|&i| i as usize)
    }

    /// The application of `apps` (the slice the index was built from)
    /// numbered `id`.
    pub fn get<'a>(&self, apps: &'a [Application], id: &str) -> Option<&'a Application> {
        self.position(apps, id).and_then(|i| apps.get(i))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn app(id: &str, company: &str) -> Application {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        Application {
            program_id: crate::model::ProgramId::at(0),
            id: id.into(),
            program: "制度".into(),
            course: None,
            company: company.into(),
            corporate_number: None,
            address: None,
            contact: None,
            email: None,
            applied_on: day,
            decided_on: None,
            completed_on: None,
            eligible_cost: 0,
            decided_amount: None,
            final_amount: None,
            status: crate::model::AppStatus::Pending,
            members: None,
            persons: None,
            persons_women: None,
            persons_disabled: None,
            records: Default::default(),
            origin: crate::model::RowOrigin::default(),
        }
    }

    #[test]
    fn finds_each_application_by_its_number() {
        let apps: Vec<_> = (0..1_000).map(|i| app(&format!("A-{i}"), "x")).collect();
        let index = AppIndex::new(&apps);
        for (i, a) in apps.iter().enumerate() {
            assert_eq!(index.position(&apps, &a.id), Some(i));
        }
        assert!(index.get(&apps, "A-1000").is_none());
    }

    #[test]
    fn a_repeated_number_gives_its_last_row() {
        let apps = vec![app("A-1", "first"), app("A-2", "x"), app("A-1", "last")];
        let index = AppIndex::new(&apps);
        assert_eq!(&*index.get(&apps, "A-1").unwrap().company, "last");
    }

    #[test]
    fn another_slice_finds_nothing_rather_than_a_wrong_row() {
        let apps = vec![app("A-1", "x"), app("A-2", "y")];
        let index = AppIndex::new(&apps);
        let other = vec![app("B-1", "x"), app("B-2", "y")];
        assert!(index.get(&other, "A-1").is_none());
        assert!(index.get(&other, "A-2").is_none());
    }
}
