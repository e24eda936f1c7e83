//! Settings spelt as one of a fixed set of words ([`choice`]), among them the
//! closed-day rule of a due date ([`shift`]).
//!
//! Programs and reporting duties both read such settings, so the one way of
//! reading them and of naming the allowed words in an error sits here.

use super::Ctx;
use crate::catalogue::error::CatalogueError;
use crate::model::DueShift;

/// One of a fixed set of spellings; absent means the first (the default).
pub(super) fn choice<T: Copy>(
    ctx: &Ctx,
    key: &str,
    given: Option<&str>,
    allowed: &[(&str, T)],
) -> Result<T, CatalogueError> {
    let Some(first) = allowed.first() else {
        return Err(ctx.err(key, "選択肢がありません。"));
    };
    let Some(given) = given else {
        return Ok(first.1);
    };
    allowed
        .iter()
        .find(|(name, _)| *name == given)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            ctx.err(
                key,
                format!("「{given}」は使えません（{}）。", names.join("、")),
            )
        })
}

pub(super) fn shift(ctx: &Ctx, key: &str, given: Option<&str>) -> Result<DueShift, CatalogueError> {
    choice(
        ctx,
        key,
        given,
        &[
            ("next_open_day", DueShift::NextOpenDay),
            ("previous_open_day", DueShift::PreviousOpenDay),
            ("none", DueShift::None),
        ],
    )
}
