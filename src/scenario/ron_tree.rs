//! A reader of RON text that keeps the byte span of every value: the scenario
//! loader points its messages at the value they are about (never at a comment that
//! mentions the same words), and a sweep replaces one value of a scenario file in
//! place and leaves the rest (comments, layout, enum variants, `extends`) exactly
//! as written.
//!
//! `ron::Value` cannot be used for this: it drops struct and enum variant names
//! (`General(windows: 3)` becomes a bare map), so a scenario serialised back from it
//! no longer loads.

use std::ops::Range;

/// One value of a RON document and where it is in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Byte range of the value in the text.
    pub span: Range<usize>,
    /// What the value is.
    pub kind: Kind,
}

/// The shapes a RON value can take.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A number, character, boolean or identifier (unit variant, `None`, `true`).
    Scalar,
    /// A string, with its escapes resolved.
    String(String),
    /// `[a, b, …]`.
    List(Vec<Node>),
    /// `{key: value, …}`.
    Map(Vec<(Node, Node)>),
    /// `Name(field: value, …)` or `(field: value, …)`; also `()` and `Name()`.
    Struct {
        /// The struct or variant name, if written.
        name: Option<String>,
        /// The fields in file order.
        fields: Vec<Field>,
        /// Byte offset of the closing parenthesis.
        close: usize,
    },
    /// `Name(a, b, …)` or `(a, b, …)`: positional items, as in `Some(x)`.
    Tuple {
        /// The variant name, if written.
        name: Option<String>,
        /// The items in order.
        items: Vec<Node>,
    },
}

/// A named field of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field name.
    pub name: String,
    /// Byte range of the whole `name: value` entry.
    pub span: Range<usize>,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The named field `name` of a struct, looking through `Some(…)`.
    pub fn field(&self, name: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Struct { fields, .. } => fields.iter().find(|f| f.name == name).map(|f| &f.value),
            Kind::Tuple { name: Some(n), items } if n == "Some" && items.len() == 1 => items[0].field(name),
            _ => None,
        }
    }

    /// The node with `Some(…)` removed, so that paths see through optional values.
    pub fn unwrapped(&self) -> &Node {
        match &self.kind {
            Kind::Tuple { name: Some(n), items } if n == "Some" && items.len() == 1 => items[0].unwrapped(),
            _ => self,
        }
    }

    /// A short word for the kind of value, for messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Scalar => "a plain value",
            Kind::String(_) => "a string",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a map",
            Kind::Struct { .. } => "a struct",
            Kind::Tuple { .. } => "a tuple",
        }
    }
}

/// One step of a path through a RON document: a named field or a list item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStep<'a> {
    /// The named field of a struct.
    Field(&'a str),
    /// The item at this index (from 0) of a list.
    Index(usize),
}

impl std::fmt::Display for PathStep<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathStep::Field(name) => write!(f, "{name}"),
            PathStep::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl Node {
    /// The node at the end of `path`, looking through `Some(…)`.
    pub fn at_path(&self, path: &[PathStep]) -> Option<&Node> {
        let mut node = self;
        for step in path {
            node = match step {
                PathStep::Field(name) => node.field(name)?,
                PathStep::Index(i) => match &node.unwrapped().kind {
                    Kind::List(items) => items.get(*i)?,
                    _ => return None,
                },
            };
        }
        Some(node)
    }

    /// Calls `visit` on this node and every node inside it in the order they are
    /// written, with the field of those that are a struct field's value, until
    /// `visit` returns true; returns whether it did.
    pub fn walk<'n>(
        &'n self,
        field: Option<&'n Field>,
        visit: &mut impl FnMut(Option<&'n Field>, &'n Node) -> bool,
    ) -> bool {
        if visit(field, self) {
            return true;
        }
        match &self.kind {
            Kind::Scalar | Kind::String(_) => false,
            Kind::List(items) | Kind::Tuple { items, .. } => items.iter().any(|n| n.walk(None, visit)),
            Kind::Map(entries) => entries.iter().any(|(k, v)| k.walk(None, visit) || v.walk(None, visit)),
            Kind::Struct { fields, .. } => fields.iter().any(|f| f.value.walk(Some(f), visit)),
        }
    }

    /// The struct or variant name written before the parenthesis, if any.
    pub fn name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Struct { name, .. } | Kind::Tuple { name, .. } => name.as_deref(),
            _ => None,
        }
    }
}

/// Text that is not RON, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct SyntaxError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected.
    pub message: String,
}

/// Parses a whole RON document (leading `#![enable(…)]` attributes allowed).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser { text, bytes: text.as_bytes(), at: 0, depth: 0 };
    p.skip_trivia()?;
    while p.peek() == Some(b'#') {
        p.skip_attribute()?;
        p.skip_trivia()?;
    }
    let node = p.value()?;
    p.skip_trivia()?;
    if p.at < p.bytes.len() {
        return Err(p.error("unexpected text after the value"));
    }
    Ok(node)
}

/// The text of a string literal `value` written as RON (quoted, escaped).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Deepest nesting of lists, maps and parentheses parsed (the `ron` crate's own
/// limit): the parser recurses, and a deeper text would overflow the stack.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Nesting of the value being parsed.
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError { offset: self.at, message: message.to_string() }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    /// Skips whitespace, `//` comments and (nested) `/* */` comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.at += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.at;
                    self.at += 2;
                    let mut depth = 1;
                    while depth > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.at += 2;
                            }
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.at += 2;
                            }
                            (Some(_), _) => self.at += 1,
                            (None, _) => {
                                return Err(SyntaxError {
                                    offset: start,
                                    message: "unterminated block comment".into(),
                                });
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_attribute(&mut self) -> Result<(), SyntaxError> {
        self.expect(b'#')?;
        if self.peek() == Some(b'!') {
            self.at += 1;
        }
        self.expect(b'[')?;
        let mut depth = 1;
        while depth > 0 {
            match self.peek() {
                Some(b'[') => depth += 1,
                Some(b']') => depth -= 1,
                Some(_) => {}
                None => return Err(self.error("unterminated attribute")),
            }
            self.at += 1;
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(&format!("values are nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let node = self.nested_value();
        self.depth -= 1;
        node
    }

    fn nested_value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.at;
        match self.peek() {
            None => Err(self.error("expected a value, found the end of the text")),
            Some(b'"') => self.string(start),
            Some(b'r') if matches!(self.peek_at(1), Some(b'"' | b'#')) => self.raw_string(start),
            Some(b'b') if self.peek_at(1) == Some(b'"') => {
                self.at += 1;
                let node = self.string(self.at)?;
                Ok(Node { span: start..node.span.end, kind: Kind::Scalar })
            }
            Some(b'\'') => self.char_literal(start),
            Some(b'[') => self.list(start),
            Some(b'{') => self.map(start),
            Some(b'(') => self.parenthesised(start, None),
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => self.number(start),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.identifier()?;
                let after_name = self.at;
                self.skip_trivia()?;
                if self.peek() == Some(b'(') {
                    self.parenthesised(start, Some(name))
                } else {
                    self.at = after_name;
                    Ok(Node { span: start..self.at, kind: Kind::Scalar })
                }
            }
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn identifier(&mut self) -> Result<String, SyntaxError> {
        if self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#') {
            self.at += 2;
        }
        let start = self.at;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.at += 1;
            } else {
                break;
            }
        }
        if start == self.at {
            return Err(self.error("expected a name"));
        }
        Ok(self.text[start..self.at].to_string())
    }

    fn number(&mut self, start: usize) -> Result<Node, SyntaxError> {
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.at += 1;
        }
        let digits = self.at;
        while let Some(c) = self.peek() {
            let exponent_sign = matches!(c, b'-' | b'+')
                && matches!(self.bytes.get(self.at - 1), Some(b'e' | b'E'))
                && !self.text[digits..self.at].starts_with("0x");
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                self.at += 1;
            } else {
                break;
            }
        }
        if digits == self.at {
            return Err(self.error("expected a number"));
        }
        Ok(Node { span: start..self.at, kind: Kind::Scalar })
    }

    fn string(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.expect(b'"')?;
        let mut value = String::new();
        loop {
            let Some(c) = self.text[self.at..].chars().next() else {
                return Err(SyntaxError { offset: start, message: "unterminated string".into() });
            };
            self.at += c.len_utf8();
            match c {
                '"' => break,
                '\\' => value.push(self.escape()?),
                c => value.push(c),
            }
        }
        Ok(Node { span: start..self.at, kind: Kind::String(value) })
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let Some(c) = self.peek() else { return Err(self.error("unterminated escape")) };
        self.at += 1;
        Ok(match c {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'0' => '\0',
            b'\\' => '\\',
            b'"' => '"',
            b'\'' => '\'',
            b'x' => {
                let hex = self.text.get(self.at..self.at + 2).ok_or_else(|| self.error("bad \\x escape"))?;
                self.at += 2;
                u8::from_str_radix(hex, 16).map(char::from).map_err(|_| self.error("bad \\x escape"))?
            }
            b'u' => {
                self.expect(b'{')?;
                let begin = self.at;
                while self.peek().is_some_and(|c| c != b'}') {
                    self.at += 1;
                }
                let hex = &self.text[begin..self.at];
                self.expect(b'}')?;
                u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.error("bad \\u escape"))?
            }
            _ => return Err(self.error("unknown escape")),
        })
    }

    fn raw_string(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.at += 1; // r
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.at += 1;
        }
        self.expect(b'"')?;
        let closing = format!("\"{}", "#".repeat(hashes));
        let Some(length) = self.text[self.at..].find(&closing) else {
            return Err(SyntaxError { offset: start, message: "unterminated raw string".into() });
        };
        let value = self.text[self.at..self.at + length].to_string();
        self.at += length + closing.len();
        Ok(Node { span: start..self.at, kind: Kind::String(value) })
    }

    fn char_literal(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.expect(b'\'')?;
        match self.text[self.at..].chars().next() {
            Some('\\') => {
                self.at += 1;
                self.escape()?;
            }
            Some(c) => self.at += c.len_utf8(),
            None => return Err(self.error("unterminated character")),
        }
        self.expect(b'\'')?;
        Ok(Node { span: start..self.at, kind: Kind::Scalar })
    }

    /// Parses `item, item, …` up to `close`, with an optional trailing comma.
    fn items<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<T, SyntaxError>,
    ) -> Result<Vec<T>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(close) {
                self.at += 1;
                return Ok(out);
            }
            out.push(item(self)?);
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(c) if c == close => {}
                _ => return Err(self.error(&format!("expected `,` or `{}`", close as char))),
            }
        }
    }

    fn list(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.expect(b'[')?;
        let items = self.items(b']', Self::value)?;
        Ok(Node { span: start..self.at, kind: Kind::List(items) })
    }

    fn map(&mut self, start: usize) -> Result<Node, SyntaxError> {
        self.expect(b'{')?;
        let entries = self.items(b'}', |p| {
            let key = p.value()?;
            p.skip_trivia()?;
            p.expect(b':')?;
            p.skip_trivia()?;
            Ok((key, p.value()?))
        })?;
        Ok(Node { span: start..self.at, kind: Kind::Map(entries) })
    }

    /// True if the parser is at `name:` (a named field), not at `name::` or a value.
    fn at_named_field(&mut self) -> Result<bool, SyntaxError> {
        let saved = self.at;
        let named = match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.identifier()?;
                self.skip_trivia()?;
                self.peek() == Some(b':') && self.peek_at(1) != Some(b':')
            }
            _ => false,
        };
        self.at = saved;
        Ok(named)
    }

    fn parenthesised(&mut self, start: usize, name: Option<String>) -> Result<Node, SyntaxError> {
        self.expect(b'(')?;
        self.skip_trivia()?;
        if self.peek() == Some(b')') {
            let close = self.at;
            self.at += 1;
            return Ok(Node { span: start..self.at, kind: Kind::Struct { name, fields: Vec::new(), close } });
        }
        if self.at_named_field()? {
            let fields = self.items(b')', |p| {
                let begin = p.at;
                let name = p.identifier()?;
                p.skip_trivia()?;
                p.expect(b':')?;
                p.skip_trivia()?;
                let value = p.value()?;
                Ok(Field { name, span: begin..value.span.end, value })
            })?;
            // The closing parenthesis is the last byte `items` read.
            let close = self.at - 1;
            Ok(Node { span: start..self.at, kind: Kind::Struct { name, fields, close } })
        } else {
            let items = self.items(b')', Self::value)?;
            Ok(Node { span: start..self.at, kind: Kind::Tuple { name, items } })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_text<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.span.clone()]
    }

    #[test]
    fn keeps_names_spans_and_strings() {
        let text = r##"#![enable(implicit_some)]
// a comment
Scenario(
    name: "a \"quoted\" name", /* nested /* comment */ */
    horizon_days: 400,
    calendar: AllDay,
    front_office: General(windows: 3),
    rates: [1.5e-3, -2, 0x1F, +4.0],
    profiles: {"default": (hour_of_day: [])},
    patience: Some(Exponential(mean_minutes: 20.0)),
    unit: (),
    raw: r#"x"y"#,
)"##;
        let root = parse(text).expect("valid RON");
        let Kind::Struct { name, fields, close } = &root.kind else { panic!("not a struct: {root:?}") };
        assert_eq!(name.as_deref(), Some("Scenario"));
        assert_eq!(&text[*close..*close + 1], ")");
        assert_eq!(fields.len(), 9);
        assert_eq!(root.field("name").map(|n| n.kind.clone()), Some(Kind::String("a \"quoted\" name".into())));
        assert_eq!(root.field("horizon_days").map(|n| span_text(text, n)), Some("400"));
        assert_eq!(root.field("calendar").map(|n| span_text(text, n)), Some("AllDay"));
        let front = root.field("front_office").expect("front_office");
        assert_eq!(span_text(text, front), "General(windows: 3)");
        assert_eq!(front.field("windows").map(|n| span_text(text, n)), Some("3"));
        let Some(Node { kind: Kind::List(rates), .. }) = root.field("rates") else { panic!("rates") };
        let rates: Vec<&str> = rates.iter().map(|n| span_text(text, n)).collect();
        assert_eq!(rates, ["1.5e-3", "-2", "0x1F", "+4.0"]);
        let patience = root.field("patience").expect("patience");
        assert_eq!(patience.field("mean_minutes").map(|n| span_text(text, n)), Some("20.0"));
        assert_eq!(root.field("raw").map(|n| n.kind.clone()), Some(Kind::String("x\"y".into())));
    }

    #[test]
    fn rejects_broken_text_with_an_offset() {
        for (text, offset) in [("(a: 1", 5), ("(a: 1,, b: 2)", 6), ("[1, 2", 5), ("\"open", 0), ("(a: 1) x", 7)] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.offset, offset, "{text}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "(".repeat(100_000), ")".repeat(100_000));
        let e = parse(&deep).expect_err("too deep");
        assert!(e.message.contains("nested more than 128 deep"), "{}", e.message);
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn quoting_round_trips() {
        let original = "Tax \"Bureau\"\\ \n";
        let node = parse(&quote(original)).expect("quoted text parses");
        assert_eq!(node.kind, Kind::String(original.to_string()));
    }
}
