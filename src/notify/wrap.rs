//! Body lines short enough for a phone: a grantee reads the reminder on a
//! phone as often as on a PC, where a 60-character line wraps mid-word (or
//! scrolls sideways in some mail programs).
//!
//! Each rendered line longer than [`LINE_MAX_COLUMNS`] is broken where a
//! sentence allows: after 、 or 。 (or ！？，．) or at a space, else after
//! a particle, else between two full-width characters; never so that a
//! line starts with a closing mark, and never inside a run of ASCII (a URL or an address stays
//! whole). A continuation keeps the line's leading indentation. A line with
//! no such place (a long URL) is left long rather than cut. Applied to the
//! rendered templates, so the city's own edits are wrapped the same way.

/// Display columns of a line: a full-width character counts 2, ASCII and
/// half-width katakana 1. 76 columns = 38 full-width characters.
pub(crate) const LINE_MAX_COLUMNS: usize = 76;

/// A line is not broken before it holds this many columns: no stub lines.
const MIN_COLUMNS: usize = 24;

fn columns(c: char) -> usize {
    if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
        1
    } else {
        2
    }
}

/// Width of `s` in display columns.
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(columns).sum()
}

/// A line may end after these: punctuation and spaces. Not after a
/// closing bracket, which would part 令和6年4月30日（火） from 現在.
fn ends_a_phrase(c: char) -> bool {
    matches!(c, '、' | '。' | '，' | '．' | '！' | '？' | ' ' | '　')
}

/// A line may not start with these (禁則).
fn closes(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | '）' | '」' | '』' | '！' | '？' | '・' | 'ー'
    )
}

/// How good a place to break is: after punctuation best, then after a
/// particle (hiragana before kanji or katakana: 「補助金の|交付条件」), then
/// between any two full-width characters, as Japanese text may break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Anywhere,
    AfterParticle,
    AfterPunctuation,
}

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// Byte offsets where `line` may be broken, with the columns before each
/// and how good a place it is.
fn break_points(line: &str) -> Vec<(usize, usize, Place)> {
    let mut out = Vec::new();
    let mut cols = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        cols += columns(c);
        let Some(&(_, next)) = chars.peek() else {
            break;
        };
        if closes(next) || next == ' ' {
            continue;
        }
        let place = if ends_a_phrase(c) {
            Place::AfterPunctuation
        } else if c.is_ascii() || next.is_ascii() || matches!(c, '（' | '「' | '『' | '〒') {
            // Never inside a URL or an address, nor right after an opening mark.
            continue;
        } else if is_hiragana(c) && !is_hiragana(next) {
            Place::AfterParticle
        } else {
            Place::Anywhere
        };
        out.push((i + c.len_utf8(), cols, place));
    }
    out
}

/// `text` with every over-long line broken (see the module).
pub(crate) fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        wrap_line(body, &mut out);
        out.push_str(newline);
    }
    out
}

fn wrap_line(line: &str, out: &mut String) {
    let indent_len = line.len() - line.trim_start_matches([' ', '\u{3000}']).len();
    let indent = &line[..indent_len];
    let mut rest = line;
    let mut first = true;
    loop {
        let lead = if first { "" } else { indent };
        if width(lead) + width(rest) <= LINE_MAX_COLUMNS {
            out.push_str(lead);
            out.push_str(rest);
            return;
        }
        let room = LINE_MAX_COLUMNS.saturating_sub(width(lead));
        let points = break_points(rest);
        // The best kind of place that fits, the last of that kind; a line
        // with no place that fits is left long (a URL, an address).
        let fits = points
            .iter()
            .filter(|&&(_, cols, _)| cols <= room && cols >= MIN_COLUMNS.min(room))
            .max_by_key(|&&(at, _, place)| (place, at));
        let Some(&(at, _, _)) = fits else {
            out.push_str(lead);
            out.push_str(rest);
            return;
        };
        out.push_str(lead);
        out.push_str(rest[..at].trim_end_matches(' '));
        out.push('\n');
        rest = rest[at..].trim_start_matches([' ', '\u{3000}']);
        if rest.is_empty() {
            return;
        }
        first = false;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn long_sentences_break_after_their_commas() {
        let text = "ダイバーシティ経営推進補助金の交付条件に基づく令和5年度採用状況報告について、令和6年6月10日（月）現在、市では受付を確認できておりません。\n";
        let got = wrap(text);
        assert_eq!(
            got,
            "ダイバーシティ経営推進補助金の交付条件に基づく\n令和5年度採用状況報告について、令和6年6月10日（月）現在、\n市では受付を確認できておりません。\n"
        );
        assert!(got.lines().all(|l| width(l) <= LINE_MAX_COLUMNS), "{got}");
    }

    #[test]
    fn short_lines_urls_and_blank_lines_are_left_alone() {
        let text = "株式会社綾瀬\n\n　提出期限：令和6年4月30日（火）\nhttps://www.city.ayase.example.jp/hojokin/diversity/yoshiki/2024/form-10-and-11.html\n";
        assert_eq!(wrap(text), text);
    }

    #[test]
    fn a_continuation_keeps_the_indent_and_no_line_starts_with_a_closing_mark() {
        let text = format!("　　{}、{}。\n", "あ".repeat(30), "い".repeat(20));
        let got = wrap(&text);
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(
            lines,
            [
                format!("　　{}、", "あ".repeat(30)),
                format!("　　{}。", "い".repeat(20))
            ]
        );
        let text = format!("{}」、{}\n", "う".repeat(36), "え".repeat(10));
        for line in wrap(&text).lines() {
            assert!(!line.starts_with(['」', '、']), "{line}");
        }
    }
}
