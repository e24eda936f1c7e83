//! Grantee reminders held for a night because an input looks wrong: the
//! reasons, and the notice staff read on 概要 and in the digest. A small
//! piece of its own, so whatever lays out 概要 and the digest can show it.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::Dataset;

/// Why an input makes tonight's reminders untrustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HoldReason {
    /// No data rows at all (a half-copied file, an export of the header only).
    Empty { dataset: Dataset, file: PathBuf },
    /// Accepted rows fell below the last sending night's by more than the
    /// job's `[hold] shrink_percent`.
    Shrunk {
        dataset: Dataset,
        file: PathBuf,
        before: u64,
        before_as_of: NaiveDate,
        now: u64,
        percent: u32,
    },
    /// Most of its rows were rejected (ids in another system's format, say).
    MostlyRejected {
        dataset: Dataset,
        file: PathBuf,
        rows: u64,
        rejected: u64,
    },
    /// A CSV whose last line has no line end and fewer fields than the header.
    CutCsv {
        dataset: Dataset,
        file: PathBuf,
        line: usize,
        fields: usize,
        header_fields: usize,
    },
}

impl HoldReason {
    /// One sentence naming the input and what is wrong with it.
    pub(crate) fn sentence(&self) -> String {
        match self {
            HoldReason::Empty { dataset, file } => format!(
                "{}（{}）にデータ行が1行もありません。",
                dataset.label(),
                file.display()
            ),
            HoldReason::Shrunk {
                dataset,
                file,
                before,
                before_as_of,
                now,
                percent,
            } => format!(
                "{}（{}）の読み込めた行が {now} 行で、前回（基準日 {before_as_of}）の {before} 行から {percent}% を超えて減りました。",
                dataset.label(),
                file.display()
            ),
            HoldReason::MostlyRejected {
                dataset,
                file,
                rows,
                rejected,
            } => format!(
                "{}（{}）の {rows} 行のうち {rejected} 行が入力エラーで除外されました（申請番号の書式が変わった可能性があります）。",
                dataset.label(),
                file.display()
            ),
            HoldReason::CutCsv {
                dataset,
                file,
                line,
                fields,
                header_fields,
            } => format!(
                "{}（{}）の最終行（{line}行目）が改行で終わらず、項目が {fields} 個しかありません（見出しは {header_fields} 個）。コピーの途中で切れた可能性があります。",
                dataset.label(),
                file.display()
            ),
        }
    }
}

/// Tonight's hold, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct MailHold {
    pub reasons: Vec<HoldReason>,
    /// Staff ran the night with `--confirm-inputs`: the reasons are shown,
    /// the reminders go out.
    pub confirmed: bool,
}

/// The flag that sends despite a hold, named in every notice.
pub(crate) const CONFIRM_FLAG: &str = "--confirm-inputs";

impl MailHold {
    /// True when tonight's grantee reminders are not sent.
    pub(crate) fn holds(&self) -> bool {
        !self.reasons.is_empty() && !self.confirmed
    }

    /// The notice for 概要 and the digest: a heading line, one line per
    /// reason, and what to do. Empty when nothing looked wrong.
    pub(crate) fn lines(&self) -> Vec<String> {
        if self.reasons.is_empty() {
            return Vec::new();
        }
        let mut out = vec![if self.confirmed {
            format!(
                "入力の変化を担当者が確認済み（{CONFIRM_FLAG}）のため、督促メールを送りました。"
            )
        } else {
            "入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。".to_string()
        }];
        out.extend(self.reasons.iter().map(HoldReason::sentence));
        if !self.confirmed {
            out.push(format!(
                "入力ファイルを確認し、正しいファイルに置き換えて再実行してください。変化が正しい場合は hojokin run JOB --as-of 基準日 {CONFIRM_FLAG} で送信できます。"
            ));
        }
        out
    }
}
