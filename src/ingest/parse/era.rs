//! Reading 和暦 prefixes (`令和`, `R`) and era years (`元`, `4`) with the era
//! table of [`crate::calendar`], which also formats dates the other way.

use crate::calendar::ERAS;
pub(super) use crate::calendar::Era;

use super::num::leading_digits;

/// Splits a leading era name (`令和`) or initial (`R`, `r`) off `s`.
pub(super) fn split_era(s: &str) -> Option<(&'static Era, &str)> {
    ERAS.iter().find_map(|era| {
        if let Some(rest) = s.strip_prefix(era.name) {
            return Some((era, rest));
        }
        let rest = s.strip_prefix(|c: char| c.to_ascii_uppercase() == era.letter)?;
        Some((era, rest))
    })
}

/// Splits the era year (`元` or one or two digits) off `s`, checking that the
/// era ran in that year: `Ok(None)` when there is no year, an error for 令和0年
/// or 平成32年, else the Gregorian year and the rest.
pub(super) fn split_era_year<'a>(
    era: &Era,
    s: &'a str,
    what: &str,
) -> Result<Option<(i32, &'a str)>, String> {
    let found = split_era_year_past_end(era, s)?;
    if let Some((year, _)) = found
        && !era.has_year(year)
    {
        return Err(era.out_of_range(what));
    }
    Ok(found)
}

/// [`split_era_year`] for a date, which may fall past its era's end (平成32年 = 2020, read as
/// that calendar year); a day before the era began is the caller's to refuse.
pub(super) fn split_era_year_past_end<'a>(
    era: &Era,
    s: &'a str,
) -> Result<Option<(i32, &'a str)>, String> {
    let (n, rest) = match s.strip_prefix('元') {
        Some(rest) => (1, rest),
        None => match leading_digits(s, 2) {
            Some((n, _, rest)) => (n, rest),
            None => return Ok(None),
        },
    };
    let year = i32::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .and_then(|n| era.gregorian_year(n))
        .ok_or_else(|| format!("{}0年という年はありません", era.name))?;
    Ok(Some((year, rest)))
}
