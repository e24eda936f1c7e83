//! Identifiers: 法人番号 (corporate number) and e-mail addresses.

use super::num::{self, NumIssue};
use super::{Raw, cell_error, compact, normalize};

const CORP_UNREADABLE: &str = "法人番号に数字以外の文字が含まれています";

/// Hyphen-like characters staff put between digit groups (after NFKC).
const HYPHENS: [char; 6] = ['-', '\u{2010}', '\u{2012}', '\u{2013}', '\u{2212}', 'ー'];

/// A 13-digit 法人番号 whose leading check digit matches the other twelve.
/// Hyphens and spaces are ignored; a number cell is read as its digits.
pub fn corporate_number(v: &Raw) -> Result<String, String> {
    let digits = match v {
        _ if v.is_blank() => return Err("法人番号が入力されていません".to_string()),
        Raw::Number(n) => match num::whole_from_f64(*n) {
            Ok(n) => n.to_string(),
            // Display of a finite float is all digits, never an exponent.
            Err(NumIssue::TooLarge) => format!("{n}"),
            Err(_) => return Err(CORP_UNREADABLE.to_string()),
        },
        Raw::Text(s) => compact(s)
            .chars()
            .filter(|c| !HYPHENS.contains(c))
            .collect(),
        Raw::Error(e) => return Err(cell_error(e)),
        _ => return Err(CORP_UNREADABLE.to_string()),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CORP_UNREADABLE.to_string());
    }
    if digits.len() != 13 {
        return Err(wrong_length(digits.chars().count()));
    }
    let given = digits.bytes().next().map(|b| u32::from(b - b'0'));
    if given != Some(check_digit(&digits[1..])) {
        return Err("法人番号のチェックデジットが一致しません".to_string());
    }
    Ok(digits)
}

fn wrong_length(n: usize) -> String {
    format!("法人番号は13桁の数字です（{n}桁）")
}

/// 9 − (Σ Pᵢ×Qᵢ mod 9), Pᵢ the i-th digit of the 12-digit base counted from
/// the right, Qᵢ = 1 for odd i and 2 for even i, as 国税庁 publishes it.
/// `base` holds ASCII digits only.
fn check_digit(base: &str) -> u32 {
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    9 - sum % 9
}

const EMAIL_MAX: usize = 254;

/// One e-mail address, NFKC-normalised (so `ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ` works).
/// Only the dot-atom form the mailer accepts: a list, a display name or a
/// quoted local part is refused rather than guessed at.
pub fn email(v: &Raw) -> Result<String, String> {
    let s = match v {
        _ if v.is_blank() => return Err("メールアドレスが入力されていません".to_string()),
        Raw::Text(s) => normalize(s),
        Raw::Error(e) => return Err(cell_error(e)),
        _ => return Err("メールアドレスとして読めません".to_string()),
    };
    check_email(&s)?;
    Ok(s)
}

fn check_email(s: &str) -> Result<(), String> {
    let fail = |m: &str| Err(m.to_string());
    if s.chars().any(char::is_control) {
        return fail("メールアドレスに改行や制御文字が含まれています");
    }
    if s.chars().any(char::is_whitespace) {
        return fail("メールアドレスに空白が含まれています");
    }
    if s.contains([',', ';']) {
        return fail("メールアドレスは1件だけ入力してください");
    }
    if s.len() > EMAIL_MAX {
        return fail("メールアドレスが長すぎます（254文字まで）");
    }
    let Some((local, domain)) = s.split_once('@').filter(|(_, d)| !d.contains('@')) else {
        return fail("メールアドレスには@が1つだけ必要です");
    };
    if local.is_empty() {
        return fail("メールアドレスの@の前が空です");
    }
    if !valid_local(local) {
        return fail("メールアドレスの@の前に使えない文字があるか、.の位置が正しくありません");
    }
    if !valid_domain(domain) {
        return fail("メールアドレスの@の後ろ（ドメイン）が正しくありません");
    }
    Ok(())
}

/// RFC 5321 dot-atom: atext characters, dots only between them, ≤ 64 bytes.
fn valid_local(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    local.len() <= 64
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(atext))
}

/// At least two labels of letters, digits and inner hyphens; the top-level
/// label is not all digits (an IP address is not a mailbox domain here).
fn valid_domain(domain: &str) -> bool {
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| !t.bytes().all(|b| b.is_ascii_digit()));
    domain.len() <= 253 && labels.len() >= 2 && tld_ok && labels.iter().all(|l| label(l))
}

#[cfg(test)]
mod tests;
