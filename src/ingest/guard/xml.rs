//! A minimal XML tokenizer that bounds what a real parser would buffer.
//!
//! quick-xml (inside calamine) keeps a whole tag, text node, comment or
//! CDATA section in memory before handing it over, and remembers every open
//! element's name. A 3 MB zip can inflate to 3 GB of whitespace inside
//! `<sheetData>`, which calamine would then hold at once. This scanner reads
//! the same bytes in fixed chunks, refuses any single token longer than
//! [`MAX_TOKEN`] or nesting deeper than [`MAX_DEPTH`], and reports start
//! tags and text to a callback so the callers can check declared counts.

use std::io::Read;

/// The longest tag, text node, comment or CDATA section accepted, in bytes.
/// Excel's longest legitimate token is a 32,767-character cell text
/// (about 200 KB once escaped); 4 MiB leaves ample room.
pub(crate) const MAX_TOKEN: usize = 4 << 20;
/// The deepest element nesting accepted (spreadsheet XML is under 20 deep).
pub(crate) const MAX_DEPTH: usize = 1_000;
/// How much of a start tag is kept for the callback to read attributes from.
pub(crate) const KEPT_TAG: usize = 64 << 10;

/// What the scanner saw.
#[derive(Debug)]
pub(crate) enum Token<'a> {
    /// A start or empty-element tag: its qualified name and the raw text
    /// between `<` and `>` (cut at [`KEPT_TAG`] bytes; `cut` says so).
    Start {
        name: &'a [u8],
        raw: &'a [u8],
        /// Only the scanner's tests read it: the guard needs the name and
        /// the raw text.
        #[cfg_attr(not(test), expect(dead_code))]
        empty: bool,
        cut: bool,
    },
    /// An end tag.
    End,
    /// A text node that is not only whitespace.
    Text,
}

/// Why a part was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    TooLong,
    TooDeep,
    Doctype,
    /// The callback's own reason.
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`: what kind of markup follows is not known yet.
    Open,
    Tag,
    /// Inside `<!--`, `<![CDATA[`, or `<?`: ends at the given terminator.
    Until(&'static [u8]),
}

/// Streams `input` through the scanner; returns the number of bytes read.
/// An I/O error (a truncated or corrupt zip entry) ends the scan early with
/// what was read so far: the reader that follows fails on it by itself.
pub(crate) fn scan(
    input: &mut dyn Read,
    on: &mut dyn FnMut(Token<'_>) -> Result<(), String>,
) -> Result<u64, Refusal> {
    let mut s = Scanner::default();
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        total += n as u64;
        let mut i = 0;
        while i < n {
            if s.state == State::Text {
                // Text is most of a sheet's bytes: take it a run at a time.
                let chunk = &buf[i..n];
                let run = memchr::memchr(b'<', chunk).unwrap_or(chunk.len());
                s.text_run(&chunk[..run])?;
                i += run;
                if i < n {
                    s.byte(b'<', on)?;
                    i += 1;
                    // A whole ordinary tag in the buffer (nearly every tag
                    // of a sheet) is read at once, without copying it.
                    if let Some(len) = s.whole_tag(&buf[i..n], on)? {
                        i += len;
                    }
                }
            } else if s.state == State::Tag {
                // Inside a tag (most of a sheet's markup) only a quote or an
                // unquoted `>` changes anything: take the bytes before it at once.
                let chunk = &buf[i..n];
                let stop = match s.quote {
                    Some(q) => memchr::memchr(q, chunk),
                    None => memchr::memchr3(b'"', b'\'', b'>', chunk),
                }
                .unwrap_or(chunk.len());
                s.tag_run(&chunk[..stop])?;
                i += stop;
                if i < n {
                    s.byte(buf[i], on)?;
                    i += 1;
                }
            } else {
                s.byte(buf[i], on)?;
                i += 1;
            }
        }
    }
    Ok(total)
}

#[derive(Debug)]
struct Scanner {
    state: State,
    /// Bytes in the current token.
    len: usize,
    depth: usize,
    /// The current tag's bytes (up to KEPT_TAG) or the markup prefix.
    tag: Vec<u8>,
    text_seen: bool,
    /// The last bytes seen inside an `Until` token, to spot its terminator.
    tail: [u8; 3],
    /// Inside a tag: the quote of the attribute value being read.
    quote: Option<u8>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            state: State::Text,
            len: 0,
            depth: 0,
            tag: Vec::new(),
            text_seen: false,
            tail: [0; 3],
            quote: None,
        }
    }
}

impl Scanner {
    /// Text bytes without `<`.
    fn text_run(&mut self, run: &[u8]) -> Result<(), Refusal> {
        self.len += run.len();
        if self.len > MAX_TOKEN {
            return Err(Refusal::TooLong);
        }
        if !self.text_seen {
            self.text_seen = run.iter().any(|b| !b.is_ascii_whitespace());
        }
        Ok(())
    }

    /// Tag bytes that neither open nor close a quote nor end the tag: what
    /// [`Scanner::byte`] does for each of them, for the run at once.
    fn tag_run(&mut self, run: &[u8]) -> Result<(), Refusal> {
        self.len += run.len();
        if self.len > MAX_TOKEN {
            return Err(Refusal::TooLong);
        }
        let room = KEPT_TAG.saturating_sub(self.tag.len()).min(run.len());
        self.tag.extend_from_slice(&run[..room]);
        Ok(())
    }

    /// Just after `<`: when `rest` holds the whole of an ordinary tag (not
    /// `<!…` or `<?…`) through its closing `>`, reads it as [`Scanner::byte`]
    /// would byte by byte and returns its length; else reads nothing
    /// (`None`), and the bytes go through the state machine.
    fn whole_tag(
        &mut self,
        rest: &[u8],
        on: &mut dyn FnMut(Token<'_>) -> Result<(), String>,
    ) -> Result<Option<usize>, Refusal> {
        if matches!(rest.first(), None | Some(b'!' | b'?')) {
            return Ok(None);
        }
        // The unquoted `>` that ends the tag; a quote opens a value that
        // runs to the same quote. The first byte opens no value: the state
        // machine reads it as the tag's first, not as a quote.
        let mut at = 1;
        let end = if rest[0] == b'>' {
            0
        } else {
            loop {
                match memchr::memchr3(b'"', b'\'', b'>', &rest[at..]) {
                    None => return Ok(None),
                    Some(p) if rest[at + p] == b'>' => break at + p,
                    Some(p) => {
                        let q = rest[at + p];
                        match memchr::memchr(q, &rest[at + p + 1..]) {
                            None => return Ok(None),
                            Some(c) => at += p + 1 + c + 1,
                        }
                    }
                }
            }
        };
        // The tag's bytes and its `>`: never past MAX_TOKEN or KEPT_TAG, as
        // the buffer is smaller than both.
        self.len += end + 1;
        if self.len > MAX_TOKEN {
            return Err(Refusal::TooLong);
        }
        self.state = State::Text;
        self.len = 0;
        self.close_tag(&rest[..end], false, on)?;
        Ok(Some(end + 1))
    }

    fn grow(&mut self) -> Result<(), Refusal> {
        self.len += 1;
        if self.len > MAX_TOKEN {
            Err(Refusal::TooLong)
        } else {
            Ok(())
        }
    }

    fn byte(
        &mut self,
        b: u8,
        on: &mut dyn FnMut(Token<'_>) -> Result<(), String>,
    ) -> Result<(), Refusal> {
        match self.state {
            State::Text => {
                if b == b'<' {
                    if self.text_seen {
                        on(Token::Text).map_err(Refusal::Other)?;
                    }
                    self.text_seen = false;
                    self.quote = None;
                    self.state = State::Open;
                    self.tag.clear();
                    self.len = 0;
                } else {
                    self.text_seen |= !b.is_ascii_whitespace();
                    self.grow()?;
                }
            }
            State::Open => {
                self.tag.push(b);
                self.grow()?;
                match self.tag.as_slice() {
                    b"!--" => self.until(b"-->"),
                    b"![CDATA[" => self.until(b"]]>"),
                    b"?" => self.until(b"?>"),
                    t if t.starts_with(b"!") => {
                        // `<!DOCTYPE` (entity expansion) has no place in
                        // OOXML or ODF; `<!-`, `<![CDATA` are still prefixes.
                        if !b"!--".starts_with(t) && !b"![CDATA[".starts_with(t) {
                            return Err(Refusal::Doctype);
                        }
                    }
                    _ => {
                        self.state = State::Tag;
                        self.tag_byte_done(b, on)?;
                    }
                }
            }
            State::Tag => {
                self.grow()?;
                if self.tag.len() < KEPT_TAG {
                    self.tag.push(b);
                }
                // `>` may stand unescaped in an attribute value
                // (`table:formula="of:=[.A1]>0"`): only an unquoted one ends the tag.
                match self.quote {
                    Some(q) if b == q => self.quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => self.quote = Some(b),
                    None => self.tag_byte_done(b, on)?,
                }
            }
            State::Until(end) => {
                self.grow()?;
                self.tail = [self.tail[1], self.tail[2], b];
                if self.tail.ends_with(end) {
                    self.state = State::Text;
                    self.len = 0;
                }
            }
        }
        Ok(())
    }

    fn until(&mut self, end: &'static [u8]) {
        self.state = State::Until(end);
        self.tail = [0; 3];
    }

    /// Called after `b` was added to a tag: closes the tag on `>`.
    fn tag_byte_done(
        &mut self,
        b: u8,
        on: &mut dyn FnMut(Token<'_>) -> Result<(), String>,
    ) -> Result<(), Refusal> {
        if b != b'>' {
            return Ok(());
        }
        self.state = State::Text;
        self.len = 0;
        let cut = self.tag.len() >= KEPT_TAG && self.tag.last() != Some(&b'>');
        let tag = std::mem::take(&mut self.tag);
        let raw = tag.strip_suffix(b">").unwrap_or(&tag);
        let result = self.close_tag(raw, cut, on);
        self.tag = tag;
        result
    }

    /// A tag read whole (`raw`: between `<` and `>`): an end tag, or a start
    /// tag told to `on` with the depth kept.
    fn close_tag(
        &mut self,
        raw: &[u8],
        cut: bool,
        on: &mut dyn FnMut(Token<'_>) -> Result<(), String>,
    ) -> Result<(), Refusal> {
        if raw.starts_with(b"/") {
            self.depth = self.depth.saturating_sub(1);
            return on(Token::End).map_err(Refusal::Other);
        }
        let empty = raw.ends_with(b"/");
        if !empty {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(Refusal::TooDeep);
            }
        }
        let end = raw
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'/')
            .unwrap_or(raw.len());
        on(Token::Start {
            name: &raw[..end],
            raw,
            empty,
            cut,
        })
        .map_err(Refusal::Other)?;
        if empty {
            on(Token::End).map_err(Refusal::Other)?;
        }
        Ok(())
    }
}

/// The raw value of attribute `name` in a start tag's text, if present.
/// Values are returned as written (entities not expanded). Attributes are
/// read one after another as an XML parser reads them, so text inside
/// another attribute's value never counts as an attribute.
pub(crate) fn attr<'a>(raw: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let skip_ws = |i: &mut usize| {
        while raw.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    // The element name.
    let mut i = raw
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(raw.len());
    loop {
        skip_ws(&mut i);
        let start = i;
        while raw
            .get(i)
            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'=')
        {
            i += 1;
        }
        let key = &raw[start..i];
        skip_ws(&mut i);
        if key.is_empty() || raw.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        skip_ws(&mut i);
        let quote = *raw.get(i).filter(|q| **q == b'"' || **q == b'\'')?;
        let body = &raw[i + 1..];
        let close = body.iter().position(|c| *c == quote)?;
        if key == name {
            return Some(&body[..close]);
        }
        i += 1 + close + 1;
    }
}

/// The local part of a qualified name (`x:si` → `si`).
pub(crate) fn local(name: &[u8]) -> &[u8] {
    name.iter()
        .rposition(|c| *c == b':')
        .map_or(name, |p| &name[p + 1..])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>, Refusal> {
        let mut out = Vec::new();
        scan(&mut xml.as_bytes(), &mut |t| {
            out.push(match t {
                Token::Start { name, empty, .. } => {
                    format!(
                        "<{}{}",
                        String::from_utf8_lossy(name),
                        if empty { "/" } else { "" }
                    )
                }
                Token::End => ">".into(),
                Token::Text => "T".into(),
            });
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn tokens_of_a_small_document() {
        let got = tokens(
            "<?xml version=\"1.0\"?><!-- a <b> --><sst uniqueCount=\"2\">\n <si><t>x</t></si><si/><![CDATA[<i>]]></sst>",
        )
        .unwrap();
        assert_eq!(got, ["<sst", "<si", "<t", "T", ">", ">", "<si/", ">", ">"]);
    }

    #[test]
    fn a_greater_than_sign_inside_an_attribute_does_not_end_the_tag() {
        let cell = "<c f=\"of:=[.A1]>0\" t='a>b'/>";
        let got = tokens(&format!("<row>{}</row>", cell.repeat(MAX_DEPTH + 5))).unwrap();
        assert_eq!(got.len(), 2 + 2 * (MAX_DEPTH + 5));
        assert_eq!(got[1], "<c/");
        let mut raw = Vec::new();
        scan(&mut cell.as_bytes(), &mut |t| {
            if let Token::Start { raw: r, .. } = t {
                raw = r.to_vec();
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(attr(&raw, b"t"), Some(&b"a>b"[..]));
    }

    #[test]
    fn long_runs_and_deep_nesting_are_refused() {
        let ws = format!("<a>{}</a>", " ".repeat(MAX_TOKEN + 1));
        assert_eq!(tokens(&ws), Err(Refusal::TooLong));
        let tag = format!("<a {}>", "x".repeat(MAX_TOKEN + 1));
        assert_eq!(tokens(&tag), Err(Refusal::TooLong));
        let cdata = format!("<![CDATA[{}]]>", "<>".repeat(MAX_TOKEN));
        assert_eq!(tokens(&cdata), Err(Refusal::TooLong));
        assert_eq!(tokens(&"<a>".repeat(MAX_DEPTH + 1)), Err(Refusal::TooDeep));
        assert_eq!(
            tokens("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"),
            Err(Refusal::Doctype)
        );
    }

    /// Everything `scan` told, as text: each token with its raw bytes, then
    /// the result.
    fn told(input: &mut dyn Read) -> String {
        let mut out = String::new();
        let result = scan(input, &mut |t| {
            out.push_str(&match t {
                Token::Start {
                    raw, empty, cut, ..
                } => format!("S[{}]{empty}{cut};", String::from_utf8_lossy(raw)),
                Token::End => "E;".into(),
                Token::Text => "T;".into(),
            });
            Ok(())
        });
        format!("{out} => {result:?}")
    }

    /// A reader handing out one byte a read: every tag then crosses a read,
    /// so the byte-by-byte state machine reads all of it.
    struct ByteByByte<'a>(&'a [u8]);

    impl Read for ByteByByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// Whole tags read at once tell the same tokens, raw bytes and refusals
    /// as the state machine does byte by byte, over random markup that mixes
    /// quotes, `>` inside values, comments, CDATA, declarations and DOCTYPE.
    #[test]
    fn whole_tags_read_as_the_state_machine_reads_them() {
        let pieces: [&[u8]; 16] = [
            b"<",
            b">",
            b"/",
            b"\"",
            b"'",
            b"a",
            b" x=",
            b"<c r=\"A1\" s=\"1\">",
            b"</c>",
            b"<v>12</v>",
            b"<!--",
            b"-->",
            b"<![CDATA[",
            b"]]>",
            b"<?x",
            b"<!D",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3_000 {
            let len = usize::try_from(next() % 40).unwrap();
            let mut doc = Vec::new();
            for _ in 0..len {
                doc.extend_from_slice(pieces[usize::try_from(next() % 16).unwrap()]);
            }
            let fast = told(&mut doc.as_slice());
            let slow = told(&mut ByteByByte(&doc));
            assert_eq!(fast, slow, "{}", String::from_utf8_lossy(&doc));
        }
        // A sheet's worth of ordinary cells, across the 64 KB reads.
        let row = "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c f='a>b'/></row>";
        let sheet = format!("<sheetData>{}</sheetData>", row.repeat(5_000));
        assert_eq!(
            told(&mut sheet.as_bytes()),
            told(&mut ByteByByte(sheet.as_bytes()))
        );
    }

    #[test]
    fn attributes_are_read_raw() {
        let raw = br#"sst xmlns="a" count="5" uniqueCount = '3'"#;
        assert_eq!(attr(raw, b"uniqueCount"), Some(&b"3"[..]));
        assert_eq!(attr(raw, b"count"), Some(&b"5"[..]));
        assert_eq!(attr(raw, b"Count"), None);
        // Text inside another value is not an attribute.
        let raw = br#"sst x=' uniqueCount="1"' uniqueCount="9999""#;
        assert_eq!(attr(raw, b"uniqueCount"), Some(&b"9999"[..]));
        assert_eq!(local(b"x:si"), b"si");
    }
}
