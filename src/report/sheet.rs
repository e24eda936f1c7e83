//! The workbook's sheets: each name written once, in the workbook's order
//! (概要 first as the contract says, then 要確認, the rows staff act on).
//!
//! Messages that send staff to a sheet ("「入力エラー」シートを確認…") take the
//! name from here too, so renaming a sheet cannot leave a sentence pointing
//! at a sheet that no longer exists.

/// One sheet of the summary workbook. The declaration order is the order of
/// the tabs (`Ord` follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sheet {
    Overview,
    /// Right after 概要: the rows staff act on come before the totals.
    Findings,
    ByFiscalYear,
    ByCompany,
    Verification,
    EmploymentReports,
    Restrictions,
    Notifications,
    InputErrors,
}

impl Sheet {
    /// Every sheet, in the workbook's order.
    pub const ALL: [Sheet; 9] = [
        Sheet::Overview,
        Sheet::Findings,
        Sheet::ByFiscalYear,
        Sheet::ByCompany,
        Sheet::Verification,
        Sheet::EmploymentReports,
        Sheet::Restrictions,
        Sheet::Notifications,
        Sheet::InputErrors,
    ];

    /// The tab's name, as the contract fixes it.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Overview => "概要",
            Sheet::ByFiscalYear => "年度別集計",
            Sheet::ByCompany => "事業者別集計",
            Sheet::Verification => "算定検証",
            Sheet::EmploymentReports => "雇用状況報告",
            Sheet::Restrictions => "財産処分制限",
            Sheet::Findings => "要確認",
            Sheet::Notifications => "通知",
            Sheet::InputErrors => "入力エラー",
        }
    }
}

impl std::fmt::Display for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_then_findings_then_the_rest() {
        let names: Vec<&str> = Sheet::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "概要",
                "要確認",
                "年度別集計",
                "事業者別集計",
                "算定検証",
                "雇用状況報告",
                "財産処分制限",
                "通知",
                "入力エラー"
            ]
        );
        let mut sorted = Sheet::ALL;
        sorted.sort();
        assert_eq!(sorted, Sheet::ALL);
    }
}
