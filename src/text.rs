//! Texts many rows share, held once.
//!
//! A national night holds hundreds of thousands of applications, assessments,
//! 要確認 rows and ledger rows until its report is written; each of them repeats
//! its application's 申請番号 and 事業者名, its program's name, and most 算定根拠
//! are one of a few sentences. A [`SharedStr`] is such a text behind a reference
//! count, so a row that repeats it holds a pointer, not a second copy, and an
//! [`Interner`] makes the equal texts one run builds one text.
//!
//! [`SharedStr`] reads like the `String` it replaces (`as_str`, `&*`, `==`
//! against `str` and `String`, `Display`, `String::from(&s)`), so code that only
//! reads the text does not change.

use foldhash::HashSet;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable text shared by reference count: cloning it copies a pointer.
/// Compares, orders and hashes as its text.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a set or map of shared texts be looked up by `&str`.
impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(s.into())
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(s.into())
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(s.as_str().into())
    }
}

impl From<&SharedStr> for String {
    fn from(s: &SharedStr) -> Self {
        s.0.to_string()
    }
}

/// A report cell borrows the text (see `report::cell::Cell`).
impl<'a> From<&'a SharedStr> for std::borrow::Cow<'a, str> {
    fn from(s: &'a SharedStr) -> Self {
        std::borrow::Cow::Borrowed(&s.0)
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

/// The texts of one run made so far: equal texts come back as one [`SharedStr`].
///
/// Meant for texts with few distinct values over many rows (算定根拠, program and
/// course names); it holds each distinct text until it is dropped.
#[derive(Debug, Default)]
pub(crate) struct Interner(HashSet<SharedStr>);

impl Interner {
    pub(crate) fn new() -> Self {
        Interner::default()
    }

    /// The shared text equal to `text`, made on first sight.
    pub(crate) fn intern(&mut self, text: &str) -> SharedStr {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared = SharedStr::from(text);
        self.0.insert(shared.clone());
        shared
    }

    /// How many distinct texts it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_one_allocation() {
        let mut texts = Interner::new();
        let a = texts.intern(&format!("{}円", 100));
        let b = texts.intern("100円");
        let c = texts.intern("200円");
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert!(!std::ptr::eq(a.as_str(), c.as_str()));
        assert_eq!(texts.len(), 2);
        assert_eq!(a, "100円");
    }

    #[test]
    fn reads_and_compares_as_its_text() {
        let s = SharedStr::from("R6-0001");
        assert_eq!(s.as_str(), "R6-0001");
        assert_eq!(format!("{s}"), "R6-0001");
        assert_eq!(format!("{s:?}"), "\"R6-0001\"");
        assert_eq!(String::from(&s), "R6-0001".to_string());
        let owned = String::from("R6-0001");
        assert!(s == *"R6-0001");
        assert!("R6-0001" == s);
        assert!(owned == s);
        assert!(s == owned);
        assert!(s != "R6-0002");
        let (a, b) = (SharedStr::from("A"), SharedStr::from("B"));
        assert!(a < b);
        let set: HashSet<SharedStr> = std::iter::once(s.clone()).collect();
        assert!(set.contains("R6-0001"));
        assert_eq!(SharedStr::default().as_str(), "");
    }
}
