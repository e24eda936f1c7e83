//! Program settings that say which duties and conditions the city's documents impose on a
//! program, each naming its source: the disposal restriction of subsidised assets, the
//! application windows, and the diversity subsidy's application-time conditions. They are
//! kept together, apart from the amount rules, because each is a reading of a seed that the
//! city may extend to other programs (e.g. under its 補助金等交付規則).

/// Every condition of one program; `Default` is none at all.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Assets bought with the grant may not be disposed of within their useful life.
    /// `None`: the program's assets are listed on 財産処分制限 without a breach or a refund.
    pub disposal_restriction: Option<DisposalRestriction>,
}

/// The restriction of disposal (財産処分制限) and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisposalRestriction {
    /// The article imposing it, quoted on every 期間内処分 row (e.g. 交付要綱第12条第4号・第16条).
    pub source: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests unwrap values they built themselves
mod tests;
