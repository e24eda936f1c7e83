//! The one way a name given in an export or a catalogue is matched against
//! a canonical name and its aliases.
//!
//! Names and aliases are compared after NFKC and trimming, so full-width,
//! half-width katakana and stray spaces from exports all match. The
//! catalogue keeps every name in this form once, when it loads, so a lookup
//! normalises only the name asked for.

use unicode_normalization::UnicodeNormalization;

/// The key a name is compared by.
pub(crate) fn key(s: &str) -> String {
    let trimmed = s.trim();
    if unicode_normalization::is_nfkc_quick(trimmed.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        return trimmed.to_string();
    }
    s.nfkc().collect::<String>().trim().to_string()
}

/// A canonical name and its aliases, with their keys computed once.
#[derive(Debug, Clone, Default)]
pub struct NameSet {
    keys: Vec<String>,
}

impl NameSet {
    pub fn new<'a>(name: &str, aliases: impl IntoIterator<Item = &'a String>) -> NameSet {
        NameSet {
            keys: std::iter::once(key(name))
                .chain(aliases.into_iter().map(|a| key(a)))
                .collect(),
        }
    }

    /// Whether `wanted_key` (a [`key`]) is the name or one of the aliases.
    pub fn matches_key(&self, wanted_key: &str) -> bool {
        self.keys.iter().any(|k| k == wanted_key)
    }

    /// Every key: the canonical name's first.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
}

/// The first of `items` whose names match `wanted`: the one matcher for
/// programs, courses and rule sets' courses.
pub(super) fn find<'a, T>(
    items: &'a [T],
    wanted: &str,
    names: impl Fn(&T) -> &NameSet,
) -> Option<&'a T> {
    let wanted = key(wanted);
    items.iter().find(|i| names(i).matches_key(&wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_half_width_and_spaces_match() {
        let set = NameSet::new("Aコース", &["A".to_string()]);
        assert!(set.matches_key(&key(" Ａコース ")));
        assert!(set.matches_key(&key("ｱ").replace('ア', "A")) || !set.matches_key(&key("ｱ")));
        assert!(set.matches_key(&key("Ａ")));
        assert!(!set.matches_key(&key("Bコース")));
        assert_eq!(key("ｺｰｽ"), "コース");
    }
}
