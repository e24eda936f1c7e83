//! A sheet's rows: held, or made one at a time from a stage's output as the
//! sheet is written, so a national export's sheets are never held as cells.

use std::borrow::Cow;

use super::cell::Cell;

/// Makes row `i` of a sheet whose rows are not held (see [`Rows::made`]).
pub(crate) type MakeRow<'a> = dyn Fn(usize) -> Vec<Cell<'a>> + Send + Sync + 'a;

/// The rows of a sheet: held, or made one at a time as the sheet is written.
///
/// A national export's large sheets (算定検証, 事業者別集計, 雇用状況報告, …)
/// are [`Rows::Made`] from the stage's output they show, so no sheet is ever
/// held whole as cells: with constant-memory worksheets each row is built,
/// written and dropped, and the report's memory stays that of the results.
pub enum Rows<'a> {
    Held(Vec<Vec<Cell<'a>>>),
    Made { len: usize, make: Box<MakeRow<'a>> },
}

impl<'a> Rows<'a> {
    /// `len` rows, row `i` being `make(i)`, made when written (from either
    /// of the writer's threads, hence `Send + Sync`).
    pub fn made(len: usize, make: impl Fn(usize) -> Vec<Cell<'a>> + Send + Sync + 'a) -> Rows<'a> {
        Rows::Made {
            len,
            make: Box::new(make),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Rows::Held(rows) => rows.len(),
            Rows::Made { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` (which must be below [`Rows::len`]).
    pub fn get(&self, i: usize) -> Cow<'_, [Cell<'a>]> {
        match self {
            Rows::Held(rows) => Cow::Borrowed(&rows[i]),
            Rows::Made { make, .. } => Cow::Owned(make(i)),
        }
    }

    /// Rows `range`, in order.
    pub fn slice(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = Cow<'_, [Cell<'a>]>> {
        range.map(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, [Cell<'a>]>> {
        self.slice(0..self.len())
    }
}

impl Default for Rows<'_> {
    fn default() -> Self {
        Rows::Held(Vec::new())
    }
}

impl<'a> FromIterator<Vec<Cell<'a>>> for Rows<'a> {
    fn from_iter<I: IntoIterator<Item = Vec<Cell<'a>>>>(iter: I) -> Self {
        Rows::Held(iter.into_iter().collect())
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Held(rows) => f.debug_tuple("Held").field(rows).finish(),
            Rows::Made { len, .. } => f.debug_struct("Made").field("len", len).finish(),
        }
    }
}
