//! Job-file mistakes told in the operator's words: a Japanese sentence with
//! the file, the line and the key, the valid choices in full, and the key
//! the operator probably meant («shet» → «sheet»).
//!
//! toml and serde describe a mistake in English with a byte span; this module
//! turns the span into a line and the table it sits in, and the English into
//! a sentence. The messages' English shapes are serde's own (`unknown field`,
//! `missing field`, `invalid type`, `invalid value`, `unknown variant`); any
//! other (a TOML syntax error) is quoted after a Japanese lead.

/// Where a mistake is: its 1-based line and the dotted key (`inputs.applications.shet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub line: usize,
    pub key: String,
}

/// The sentence and place for a toml/serde error on `text`.
pub(crate) fn describe(text: &str, err: &toml::de::Error) -> (Option<Place>, String) {
    let message = err.message();
    let line = err.span().map(|s| line_of(text, s.start));
    let table = line.map(|l| table_at(text, l)).unwrap_or_default();
    let written_key = line.and_then(|l| key_on_line(text, l));
    let join = |field: &str| {
        if table.is_empty() {
            field.to_string()
        } else {
            format!("{table}.{field}")
        }
    };
    let field = first_backticked(message);
    let (key, sentence) = if let Some(rest) = message.strip_prefix("unknown field") {
        let field = field.unwrap_or("?");
        (join(field), unknown(field, rest, "キー"))
    } else if let Some(rest) = message.strip_prefix("unknown variant") {
        let value = field.unwrap_or("?");
        (
            written_key
                .as_deref()
                .map(&join)
                .unwrap_or_else(|| table.clone()),
            unknown(value, rest, "値"),
        )
    } else if message.starts_with("missing field") {
        let field = field.unwrap_or("?");
        (
            join(field),
            format!(
                "必須のキー「{field}」がありません。この表に「{field} = …」の行を書いてください。"
            ),
        )
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        (
            written_key
                .as_deref()
                .map(&join)
                .unwrap_or_else(|| table.clone()),
            invalid_type(rest),
        )
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        (
            written_key
                .as_deref()
                .map(&join)
                .unwrap_or_else(|| table.clone()),
            format!(
                "値 {} は使えません。{}を書いてください。",
                found_words(found),
                expected_words(expected)
            ),
        )
    } else {
        (
            written_key
                .as_deref()
                .map(&join)
                .unwrap_or_else(|| table.clone()),
            format!(
                "TOML として読めません（{}）。引用符・括弧・「=」の対応を確認してください。",
                crate::logging::one_line(message.trim())
            ),
        )
    };
    (line.map(|line| Place { line, key }), sentence)
}

/// 「X」 is not a valid key (or value): the choices in full, and the nearest one.
fn unknown(written: &str, rest: &str, what: &str) -> String {
    let choices = choices(rest);
    let mut s = format!("{what}「{written}」は使えません。");
    if choices.is_empty() {
        s.push_str(&format!("ここには{what}を書けません。"));
    } else {
        let list: Vec<String> = choices.iter().map(|c| format!("「{c}」")).collect();
        s.push_str(&format!("使える{what}は {} です。", list.join("、")));
    }
    if let Some(near) = nearest(written, &choices) {
        s.push_str(&format!("「{near}」の書き間違いではありませんか。"));
    }
    s
}

/// The names of `, expected one of `a`, `b`` / `, expected `a``.
fn choices(rest: &str) -> Vec<String> {
    let Some((_, list)) = rest.split_once("expected ") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut parts = list.split('`');
    parts.next();
    while let Some(name) = parts.next() {
        out.push(name.to_string());
        parts.next();
    }
    out
}

/// The choice closest to `written` when it is a near miss: a small edit
/// distance (a typo), or the same letters in another case.
pub(crate) fn nearest<'a>(written: &str, choices: &'a [String]) -> Option<&'a str> {
    let lower = written.to_lowercase();
    choices
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// `string "x", expected a sequence` as a sentence.
fn invalid_type(rest: &str) -> String {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    format!(
        "値の型が違います。{}を書いてください（書かれているのは{}）。",
        expected_words(expected),
        found_words(found)
    )
}

/// serde's words for what was written.
fn found_words(found: &str) -> String {
    let found = crate::logging::one_line(found.trim()).into_owned();
    for (en, ja) in [
        ("string ", "文字列 "),
        ("integer ", "整数 "),
        ("floating point ", "小数 "),
        ("boolean ", "真偽値 "),
    ] {
        if let Some(v) = found.strip_prefix(en) {
            return format!("{ja}{}", v.replace('`', ""));
        }
    }
    match found.as_str() {
        "sequence" => "配列 [ … ]".into(),
        "map" => "表 { … }".into(),
        other => other.to_string(),
    }
}

/// serde's words for what was expected.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "a sequence" => "配列（例: [\"kogyo@example.jp\"]）".into(),
        "a string" | "string" => "文字列（\"…\" で囲む）".into(),
        "a boolean" => "true または false".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "0 以上の整数".into(),
        "i8" | "i16" | "i32" | "i64" | "an integer" => "整数".into(),
        "a map" => "表（{ キー = 値 } または [見出し]）".into(),
        _ if e.starts_with("struct ") => "表（[見出し] の下にキーを並べる）".into(),
        _ => e.to_string(),
    }
}

fn first_backticked(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s.get(start..)?.find('`')?;
    s.get(start..start + len)
}

/// 1-based line of byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The table in effect on `line` (1-based): the last `[a.b]` header above it.
fn table_at(text: &str, line: usize) -> String {
    text.lines()
        .take(line)
        .filter_map(|l| {
            let l = l.trim();
            let inner = l.strip_prefix('[')?.split(']').next()?;
            Some(inner.trim_start_matches('[').trim().replace(['"', ' '], ""))
        })
        .last()
        .unwrap_or_default()
}

/// The key written at the start of `line` (`shet = "x"` → `shet`), if any.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// The line of a dotted key (`email.from`): the line `from = …` under the
/// header `[email]`, or `schedule = …` above every header.
pub(crate) fn line_of_key(text: &str, dotted: &str) -> Option<usize> {
    let (table, key) = dotted.rsplit_once('.').unwrap_or(("", dotted));
    let mut current = String::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            current = table_at(t, 1);
            continue;
        }
        if current == table && key_on_line(l, 1).as_deref() == Some(key) {
            return Some(i + 1);
        }
    }
    // A key of a table written as a header only (`inputs.applications`).
    let header = format!("[{dotted}]");
    text.lines()
        .position(|l| l.trim().replace(['"', ' '], "") == header)
        .map(|i| i + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_is_suggested_and_a_far_one_is_not() {
        let keys: Vec<String> = ["path", "sheet", "aliases"].map(String::from).into();
        assert_eq!(nearest("shet", &keys), Some("sheet"));
        assert_eq!(nearest("Sheet", &keys), Some("sheet"));
        assert_eq!(nearest("alias", &keys), Some("aliases"));
        assert_eq!(nearest("columns", &keys), None);
    }

    #[test]
    fn a_key_is_found_on_its_line_under_its_table() {
        let text = "schedule = \"x\"\n[inputs.applications]\npath = \"a\"\n[email]\nfrom = \"f\"\n";
        assert_eq!(line_of_key(text, "schedule"), Some(1));
        assert_eq!(line_of_key(text, "inputs.applications.path"), Some(3));
        assert_eq!(line_of_key(text, "email.from"), Some(5));
        assert_eq!(line_of_key(text, "inputs.applications"), Some(2));
        assert_eq!(line_of_key(text, "email.path"), None);
    }
}
