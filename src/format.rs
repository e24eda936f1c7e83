//! Figures as staff read them in reasons and findings: 1,234,567円.
//!
//! A leaf: it formats plain integers and imports nothing of the crate, so
//! [`model`](crate::model) can write its sentences with it (a 予算超過 row's
//! figures) without an arrow from here back up to the money type.

/// Thousands separators, sign kept: -1234567 → "-1,234,567".
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// An amount of whole yen ([`crate::model::Yen`]) with separators and 円.
pub(crate) fn yen(n: i64) -> String {
    format!("{}円", thousands(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        let cases = [
            (0, "0円"),
            (999, "999円"),
            (1_000, "1,000円"),
            (666_000, "666,000円"),
            (10_000_000, "10,000,000円"),
            (-100_000, "-100,000円"),
            (i64::MIN, "-9,223,372,036,854,775,808円"),
        ];
        for (n, want) in cases {
            assert_eq!(yen(n), want);
        }
    }
}
