//! Whole non-negative numbers from number cells and from text, shared by the
//! yen, count, fiscal-year and 法人番号 parsers. Exact: decimal strings only,
//! never float arithmetic.

/// Why a value is not a whole non-negative number; each parser words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumIssue {
    Unreadable,
    Negative,
    Fractional,
    TooLarge,
}

/// A number cell as a whole non-negative number. Goes through the float's
/// decimal rendering (Rust's `Display` is exact and never uses an exponent),
/// so 1234.5 is seen as fractional and 1e20 as too large without arithmetic.
pub(super) fn whole_from_f64(n: f64) -> Result<u64, NumIssue> {
    if !n.is_finite() {
        return Err(NumIssue::Unreadable);
    }
    let s = format!("{n}");
    match s.strip_prefix('-') {
        Some(body) => negated(decimal(body)),
        None => decimal(&s),
    }
}

/// Text such as `1,234`, `-5`, `△5`, `▲5` or `(5)`; the caller has already
/// removed units and currency signs.
pub(super) fn signed_text(s: &str) -> Result<u64, NumIssue> {
    let (negative, body) = split_negative(s);
    let r = decimal(body);
    if negative { negated(r) } else { r }
}

/// Removes one negative marker: a leading minus (ASCII or U+2212), the
/// accounting triangles △ ▲, or surrounding parentheses.
pub(super) fn split_negative(s: &str) -> (bool, &str) {
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        return (true, inner);
    }
    match s.strip_prefix(['-', '\u{2212}', '△', '▲']) {
        Some(rest) => (true, rest),
        None => (false, s),
    }
}

/// The result for a value written with a negative sign: minus zero is zero;
/// any other number is negative, even when it is also fractional or huge.
pub(super) fn negated(r: Result<u64, NumIssue>) -> Result<u64, NumIssue> {
    match r {
        Ok(0) => Ok(0),
        Ok(_) | Err(NumIssue::Fractional | NumIssue::TooLarge) => Err(NumIssue::Negative),
        Err(e) => Err(e),
    }
}

/// `1234`, `1,234,567`, `1234.00`: digits with correctly grouped commas and
/// an optional fraction that must be all zeros.
pub(super) fn decimal(s: &str) -> Result<u64, NumIssue> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = grouped_digits(int).ok_or(NumIssue::Unreadable)?;
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumIssue::Unreadable);
        }
        if f.bytes().any(|b| b != b'0') {
            return Err(NumIssue::Fractional);
        }
    }
    // Only digits remain, so the sole possible failure is overflow.
    digits.parse::<u64>().map_err(|_| NumIssue::TooLarge)
}

/// The digits of `1,234,567` or `1234567`; `None` for misplaced commas such as
/// `12,34`, which are more likely a typo than a number.
fn grouped_digits(s: &str) -> Option<String> {
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !s.contains(',') {
        return all_digits(s).then(|| s.to_string());
    }
    let mut groups = s.split(',');
    let first = groups.next()?;
    if !all_digits(first) || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    for g in groups {
        if g.len() != 3 || !all_digits(g) {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// Leading ASCII digits of `s`, at most `max` of them (≤ 9, so no overflow):
/// the value, how many digits there were, and the rest.
pub(super) fn leading_digits(s: &str, max: usize) -> Option<(u32, usize, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || len > max.min(9) {
        return None;
    }
    let (d, rest) = s.split_at(len);
    Some((d.parse().ok()?, len, rest))
}
