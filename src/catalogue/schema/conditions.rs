//! The validation of a program's [`Conditions`]: each setting must name its source, so
//! every row it makes can say where the duty is written.

use super::Ctx;
use super::raw::RawDisposalRestriction;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::{Conditions, DisposalRestriction};

/// The conditions' parts as the `[[programs]]` table gives them.
pub(super) struct RawConditions {
    pub(super) disposal_restriction: Option<RawDisposalRestriction>,
}

pub(super) fn conditions(ctx: &Ctx, raw: RawConditions) -> Result<Conditions, CatalogueError> {
    let disposal_restriction = match raw.disposal_restriction {
        None => None,
        Some(r) => Some(DisposalRestriction {
            source: required_source(ctx, "disposal_restriction.source", r.source)?,
        }),
    };
    Ok(Conditions {
        disposal_restriction,
    })
}

/// A source text, trimmed; blank is an error naming the key.
fn required_source(ctx: &Ctx, key: &str, text: String) -> Result<String, CatalogueError> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(ctx.err(
            key,
            "根拠（要綱・規則の条文など）を書いてください。空にはできません。",
        ));
    }
    Ok(text)
}
