//! 確定額 checked: the amount finally paid against the amount the rules give and against
//! 交付決定額. The decision was checked already (判定); a 確定額 above either one is its own
//! 要確認 row, since a refund (返還) is built on it (ダイバーシティ 要綱 第6条 caps the
//! amount at 80万円; 第10条 requires the city's approval of a change before an increase).

use super::assess::{Assessment, Verdict};
use super::cite::{article, finding};
use crate::catalogue::Checks;
use crate::format::yen;
use crate::model::{AppStatus, Application, Finding, FindingKind, Yen};

/// 確定額の判定: how 確定額 stands against 算定額 and 交付決定額.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FinalVerdict {
    /// 範囲内: at most 算定額 (or its upper bound) and at most 交付決定額.
    Within,
    /// 算定額超過: above the amount the rules give.
    OverComputed,
    /// 交付決定額超過: above the decision (an increase without a recorded 変更承認).
    OverDecided,
    /// 算定額・交付決定額超過: above both.
    OverBoth,
    /// 比較不可: neither 算定額 nor 交付決定額 to compare with.
    NotComparable,
}

impl FinalVerdict {
    pub(crate) fn label(self) -> &'static str {
        match self {
            FinalVerdict::Within => "範囲内",
            FinalVerdict::OverComputed => "算定額超過",
            FinalVerdict::OverDecided => "交付決定額超過",
            FinalVerdict::OverBoth => "算定額・交付決定額超過",
            FinalVerdict::NotComparable => "比較不可",
        }
    }
}

/// 確定額 of a 確定 (or, once paid, 取消) application, with its two comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FinalCheck {
    /// 確定額
    pub amount: Yen,
    /// 確定額 − 算定額, when the rules give an amount.
    pub vs_computed: Option<Yen>,
    /// 確定額 − 交付決定額, when there is a decision.
    pub vs_decided: Option<Yen>,
    pub verdict: FinalVerdict,
}

/// The check of `app`'s 確定額, when it has one that counts: a 確定 grant, or a 取消 one
/// that was paid. A 確定額 on a row not yet 確定 is not final and is not judged.
pub(crate) fn check(app: &Application, computed: Option<Yen>) -> Option<FinalCheck> {
    if !matches!(app.status, AppStatus::Final | AppStatus::Cancelled) {
        return None;
    }
    let amount = app.final_amount?;
    let vs_computed = computed.and_then(|c| amount.checked_sub(c));
    let vs_decided = app.decided_amount.and_then(|d| amount.checked_sub(d));
    let over = |d: Option<Yen>| d.is_some_and(|d| d > 0);
    let verdict = match (over(vs_computed), over(vs_decided)) {
        (true, true) => FinalVerdict::OverBoth,
        (true, false) => FinalVerdict::OverComputed,
        (false, true) => FinalVerdict::OverDecided,
        (false, false) if vs_computed.is_none() && vs_decided.is_none() => {
            FinalVerdict::NotComparable
        }
        (false, false) => FinalVerdict::Within,
    };
    Some(FinalCheck {
        amount,
        vs_computed,
        vs_decided,
        verdict,
    })
}

/// The 要確認 rows of a 確定額 above 算定額 and above 交付決定額, each naming its article.
/// An excess already on 要確認 is not flagged twice: an application the rules rule out
/// (対象外), or a 確定額 equal to a 交付決定額 already flagged as 算定額超過.
pub(crate) fn findings(app: &Application, a: &Assessment, checks: &Checks, out: &mut Vec<Finding>) {
    let Some(f) = a.final_check else {
        return;
    };
    if let (Some(diff), Some(computed)) = (f.vs_computed, a.computed)
        && diff > 0
        && a.verdict != Verdict::NotEligible
        && !(a.verdict == Verdict::Over && a.decided == Some(f.amount))
    {
        out.push(finding(
            app,
            FindingKind::FinalOverComputed,
            format!(
                "確定額{}が算定額{}を{}上回っています{}（{}）。返還額の目安はこの確定額を基に算定されます。",
                yen(f.amount),
                yen(computed),
                yen(diff),
                article(&checks.articles.amount),
                a.reason
            ),
        ));
    }
    if let (Some(diff), Some(decided)) = (f.vs_decided, a.decided)
        && diff > 0
    {
        let approval = match &checks.articles.change_approval {
            Some(art) => format!("交付決定額を超える確定には変更の承認が必要です（{art}）"),
            None => "交付決定額を超える確定には交付決定の変更が必要です".to_string(),
        };
        out.push(finding(
            app,
            FindingKind::FinalOverDecided,
            format!(
                "確定額{}が交付決定額{}を{}上回っています。{approval}。変更承認の記録を確認してください。",
                yen(f.amount),
                yen(decided),
                yen(diff)
            ),
        ));
    }
}
