//! 補助率 as an exact fraction.
//!
//! A rate like 2/3 has no finite decimal form, so it is kept as numerator and
//! denominator and the division happens once, after every multiplication:
//! 999,999 × 2 ÷ 3 is exactly 666,666, where 999,999 × 0.666…67 is not.

use rust_decimal::Decimal;

/// A rate in (0, 1], written in the catalogue as `2/3`, `10%` or `0.15`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub numerator: Decimal,
    pub denominator: Decimal,
    /// As the catalogue writes it, for reasons staff read.
    pub text: String,
}

impl Rate {
    /// Parses `n/d`, `p%` or a decimal; None when it is not a number.
    /// Range checking is the caller's, so it can name the key.
    pub fn parse(text: &str) -> Option<Rate> {
        let t = text.trim();
        let (numerator, denominator) = if let Some((n, d)) = t.split_once('/') {
            (parse_decimal(n)?, parse_decimal(d)?)
        } else if let Some(p) = t.strip_suffix('%') {
            (parse_decimal(p)?, Decimal::ONE_HUNDRED)
        } else {
            (parse_decimal(t)?, Decimal::ONE)
        };
        Some(Rate {
            numerator,
            denominator,
            text: t.to_string(),
        })
    }

    /// `amount × rate`, exact (numerator first, then the division), before
    /// any truncation; None on overflow.
    pub fn of(&self, amount: crate::model::Yen) -> Option<Decimal> {
        Decimal::from(amount)
            .checked_mul(self.numerator)?
            .checked_div(self.denominator)
    }

    /// True when 0 < rate ≤ 1.
    pub fn in_unit_range(&self) -> bool {
        self.numerator > Decimal::ZERO
            && self.denominator > Decimal::ZERO
            && self.numerator <= self.denominator
    }
}

fn parse_decimal(s: &str) -> Option<Decimal> {
    s.trim().parse::<Decimal>().ok()
}
