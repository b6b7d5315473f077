//! RON syntax and type errors as diagnostics: where the parser stopped, what it
//! expected in the planner's words, and an unclosed bracket or string found
//! before. Part of the loader; it works on texts already read.

use std::path::Path;

use crate::scenario::{Diagnostic, Location};

/// A RON syntax or type error in a scenario as a diagnostic.
pub(super) fn ron_diagnostic(path: &Path, text: &str, e: &ron::error::SpannedError) -> Diagnostic {
    syntax_diagnostic(path, text, e, u64::from(u32::MAX))
}

/// A RON syntax or type error as a diagnostic: where, and what was expected
/// (`largest_whole_number` is the largest whole number the file's fields take).
/// Scenario and sweep files share it.
pub fn syntax_diagnostic(
    path: &Path,
    text: &str,
    e: &ron::error::SpannedError,
    largest_whole_number: u64,
) -> Diagnostic {
    let mut line = e.span.start.line.max(1);
    let mut column = e.span.start.col.max(1);
    if text.contains('\r') && !text.contains('\n') && text.trim_end().contains('\r') {
        let message = "the lines of this file end in a carriage return alone (old Mac line endings), which RON does not take for line ends (a `//` comment runs to the end of the file): save it with \\n or \\r\\n line endings".to_string();
        return Diagnostic {
            location: Location { path: path.to_path_buf(), line: 1, column: 1, snippet: None },
            message,
        };
    }
    if only_comments(text) {
        let message = "the file holds no scenario, only blanks and comments: expected `Scenario(…)`".to_string();
        return Diagnostic {
            location: Location { path: path.to_path_buf(), line: 1, column: 1, snippet: None },
            message,
        };
    }
    if let Some(diagnostic) = ends_early(path, text, line, column) {
        return diagnostic;
    }
    let current = text.lines().nth(line - 1).unwrap_or("");
    // RON's position may be before the blanks that precede the offending value.
    column += current.chars().skip(column - 1).take_while(|c| *c == ' ' || *c == '\t').count();
    let before = current.chars().nth(column.saturating_sub(2));
    if column > 1 && (before == Some('-') || current.chars().nth(column - 1).is_none()) {
        // A minus sign belongs to the number after it; the end of a line, to what is before.
        column -= 1;
    }
    let here = token_at(text, line, column);
    let mut message = describe_ron_error(&e.code, &here, largest_whole_number);
    if e.code == ron::Error::ExpectedComma {
        // A decimal point in a whole number stops the number early.
        if here.starts_with('.') && here[1..].starts_with(|c: char| c.is_ascii_digit()) {
            message = "expected a whole number here, found a decimal point".to_string();
        } else if let Some((open_line, open_column)) = unclosed_string_before(text, line, column) {
            // A string left open swallows text up to the next quote.
            message = format!(
                "the text in quotes opened here runs on to line {line}: is a closing `\"` missing on line {open_line}?"
            );
            (line, column) = (open_line, open_column);
        }
    }
    let snippet = text.lines().nth(line - 1).map(str::to_string);
    Diagnostic { location: Location { path: path.to_path_buf(), line, column, snippet }, message }
}

/// Whether `text` holds nothing but blanks and comments (`//` to the end of a
/// line, `/* … */`, nested as RON nests them); a line ending is `\n`, `\r\n`
/// or, alone, `\r`.
fn only_comments(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        if let Some(line) = rest.strip_prefix("//") {
            match line.find(['\n', '\r']) {
                Some(end) => rest = &line[end..],
                None => return true,
            }
        } else if rest.starts_with("/*") {
            let mut depth = 0usize;
            let mut i = 0;
            let bytes = rest.as_bytes();
            while i + 1 < bytes.len() {
                match (bytes[i], bytes[i + 1]) {
                    (b'/', b'*') => (depth, i) = (depth + 1, i + 2),
                    (b'*', b'/') => {
                        (depth, i) = (depth - 1, i + 2);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => i += 1,
                }
            }
            if depth > 0 {
                // Unclosed: RON's own message says so.
                return false;
            }
            rest = &rest[i..];
        } else {
            return false;
        }
    }
}

/// The token starting at a 1-based line and column: a quoted string, a word or
/// number, or one character (empty at the end of the file).
fn token_at(text: &str, line: usize, column: usize) -> String {
    let Some(l) = text.lines().nth(line - 1) else { return String::new() };
    let rest: String = l.chars().skip(column - 1).collect();
    let mut chars = rest.chars();
    match chars.next() {
        None => String::new(),
        Some('"') => match rest[1..].find('"') {
            Some(i) => rest[..i + 2].to_string(),
            None => rest.clone(),
        },
        Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
            rest.chars().take_while(|&c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+')).collect()
        }
        Some(c) => c.to_string(),
    }
}

/// If the value just before (line, column) is a quoted string that started on an
/// earlier line, where it started.
fn unclosed_string_before(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let offset = text.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>()
        + text.lines().nth(line - 1)?.chars().take(column - 1).map(char::len_utf8).sum::<usize>();
    let before = text.get(..offset)?.trim_end();
    let body = before.strip_suffix('"')?;
    let open = body.rfind('"')?;
    if !body[open..].contains('\n') {
        return None;
    }
    let open_line = body[..open].matches('\n').count() + 1;
    let line_start = body[..open].rfind('\n').map_or(0, |i| i + 1);
    Some((open_line, body[line_start..open].chars().count() + 1))
}

/// What a token is, for "found …" in messages.
fn describe_token(token: &str) -> String {
    if token.is_empty() {
        "the end of the file".to_string()
    } else if token.starts_with('"') {
        format!("text in quotes {token}")
    } else {
        format!("`{token}`")
    }
}

/// Turns RON's error into a sentence saying what was expected.
fn describe_ron_error(code: &ron::Error, here: &str, largest_whole_number: u64) -> String {
    use ron::Error as E;
    let found = describe_token(here);
    let expected = |what: &str| format!("expected {what}, found {found}");
    match code {
        E::NoSuchStructField { expected, found, outer } => {
            let shown = crate::scenario::shown(found);
            let within = outer.as_deref().map(|o| format!(" in {}", plain_struct(o))).unwrap_or_default();
            match crate::scenario::nearest(found, expected.iter().copied()) {
                Some(s) => format!("unknown field `{shown}`{within} — did you mean `{s}`?"),
                None => format!("unknown field `{shown}`{within} (expected one of: {})", expected.join(", ")),
            }
        }
        E::NoSuchEnumVariant { expected, found, outer } => {
            let suggestion = crate::scenario::nearest(found, expected.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            let within = outer.as_deref().map(|o| format!(" for {}", plain_struct(o))).unwrap_or_default();
            let shown = crate::scenario::shown(found);
            format!("unknown variant `{shown}`{within}{suggestion} (expected one of: {})", expected.join(", "))
        }
        E::MissingStructField { field, outer } => {
            let outer = outer.as_deref().map_or("this value".to_string(), plain_struct);
            let outer = outer.strip_prefix("the ").map_or(outer.clone(), |o| format!("this {o}"));
            format!("{outer} is missing its field `{field}`: add `{field}: …` before the closing `)`")
        }
        E::DuplicateStructField { field, outer } => {
            let within = outer.as_deref().map(|o| format!(" in {}", plain_struct(o))).unwrap_or_default();
            format!("field `{field}` is set twice{within}: keep one")
        }
        E::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}(…)`, found `{found}(…)` — did you mean `{expected}`?")
        }
        E::Eof => "the file ends too early: a `(`, `[` or `{` is not closed, or a value is missing".to_string(),
        E::ExpectedComma => expected("a comma after the previous value"),
        E::ExpectedArray => expected("a list in square brackets, e.g. `[\"a\", \"b\"]`"),
        E::ExpectedArrayEnd => expected("`]` to close the list (or a comma before the next item)"),
        E::ExpectedBoolean => expected("`true` or `false`"),
        E::ExpectedFloat => expected("a number, e.g. `2.5`"),
        E::ExpectedInteger => expected("a whole number, e.g. `3`"),
        E::IntegerOutOfBounds => {
            format!("{here} is out of range: expected a whole number from 0 to {largest_whole_number}")
        }
        E::FloatUnderscore | E::UnderscoreAtBeginning => format!("{found} is not a number: remove the underscore"),
        E::InvalidIntegerDigit { digit, .. } => format!("`{digit}` cannot appear in a whole number"),
        E::ExpectedOption => expected("a value or `None`"),
        E::ExpectedOptionEnd | E::ExpectedStructLikeEnd => {
            expected("`)` to close the parenthesis (or a comma before the next field)")
        }
        E::ExpectedMap => expected("a map in braces, e.g. `{\"name\": (…)}`"),
        E::ExpectedMapColon => expected("`:` between a key and its value"),
        E::ExpectedMapEnd => expected("`}` to close the map (or a comma before the next entry)"),
        E::ExpectedStructLike => expected("`(` opening the fields"),
        E::ExpectedNamedStructLike("") => expected("`(` opening the fields"),
        E::ExpectedNamedStructLike(name) => expected(&format!("`{name}(…)` or `(…)`")),
        E::ExpectedUnit => expected("`()`"),
        E::ExpectedString => expected("text in double quotes, e.g. `\"Office\"`"),
        E::ExpectedStringEnd => "the text in quotes is not closed: add `\"`".to_string(),
        E::ExpectedIdentifier => expected("a field name"),
        E::InvalidEscape(why) => format!("invalid escape in text in quotes: {why}"),
        E::UnclosedBlockComment => "a `/*` comment is never closed with `*/`".to_string(),
        E::UnexpectedChar(c) => format!("unexpected character `{c}`"),
        E::TrailingCharacters => {
            "unexpected text after the end of the scenario: a file holds one `Scenario(…)`, ended by the `)` that matches its `(`".to_string()
        }
        E::InvalidValueForType { expected, found } => format!("expected {}, found {found}", plain_type(expected)),
        E::ExpectedDifferentLength { expected, found } => {
            format!("expected {}, found {found} values", plain_type(expected))
        }
        E::InvalidIdentifier(name) | E::SuggestRawIdentifier(name) => {
            format!("`{name}` is not a field or variant name: names are letters, digits and `_`")
        }
        E::ExceededRecursionLimit => {
            "values are nested too deeply (more than 128 brackets inside one another): is a bracket repeated by mistake?"
                .to_string()
        }
        E::Utf8Error(_) => "the file is not UTF-8 text".to_string(),
        E::Message(m) => m.clone(),
        other => format!("{other}"),
    }
}

/// The name of a struct or enum as the file says it: a name written in the file
/// (`Scenario`, `Working`) in backticks, the program's own `Raw…` types as the
/// thing they hold ("the handoff cost", "the department").
fn plain_struct(rust: &str) -> String {
    let Some(inner) = rust.strip_prefix("Raw") else { return format!("`{rust}`") };
    let mut words = String::new();
    for c in inner.chars() {
        if c.is_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    let words = words.replace("csv", "CSV");
    format!("the {words}")
}

/// If the file ends before the value RON stopped at (1-based `line`, `column`)
/// is complete, with brackets left open, a diagnostic saying so at the file's
/// last text: RON would otherwise describe its last token as if it were wrong.
fn ends_early(path: &Path, text: &str, line: usize, column: usize) -> Option<Diagnostic> {
    let offset = text.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>()
        + text.lines().nth(line - 1).map_or(0, |l| l.chars().take(column - 1).map(char::len_utf8).sum());
    let (open, end) = unclosed_brackets(text);
    let &(innermost, innermost_at) = open.last()?;
    // RON stops at the last token or after it; either way, nothing but blanks and
    // comments may follow that token.
    let last = text[..end].trim_end().len();
    let last_token_start = text[..last]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '{' | ',' | ':'))
        .map_or(0, |i| i + 1);
    if offset < last_token_start.min(last.saturating_sub(1)) {
        return None;
    }
    let at = |offset: usize| {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[start..offset].chars().count() + 1, text[start..].lines().next().unwrap_or("").to_string())
    };
    let (open_line, _, _) = at(innermost_at);
    // Point at the last token: a word or number, text in quotes, or one character.
    let last_char = text[..last].char_indices().next_back().map_or((0, ' '), |(i, c)| (i, c));
    let token_start = match last_char.1 {
        c if c.is_alphanumeric() || c == '_' || c == '.' => last_token_start.min(last_char.0),
        '"' => text[..last_char.0].rfind('"').unwrap_or(last_char.0),
        _ => last_char.0,
    };
    let (line, column, snippet) = at(token_start);
    // `Scenario(` rather than `(` when a name comes before the bracket.
    let name_start =
        text[..innermost_at].trim_end().rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let name = text[name_start..innermost_at].trim_end();
    let innermost = if innermost == '(' && !name.is_empty() { format!("{name}(") } else { innermost.to_string() };
    let others = match open.len() - 1 {
        0 => String::new(),
        1 => " (and 1 bracket opened before it)".to_string(),
        n => format!(" (and {n} brackets opened before it)"),
    };
    let message = format!(
        "the file ends before the `{innermost}` opened on line {open_line} is closed{others}: is the rest of the file missing?"
    );
    Some(Diagnostic { location: Location { path: path.to_path_buf(), line, column, snippet: Some(snippet) }, message })
}

/// The brackets still open at the end of `text` (each with its byte offset,
/// outermost first), skipping strings and comments, and where the file's text
/// ends (before a trailing comment).
fn unclosed_brackets(text: &str) -> (Vec<(char, usize)>, usize) {
    let mut open = Vec::new();
    let mut end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '/' if chars.peek().is_some_and(|&(_, n)| n == '*') => {
                let mut previous = ' ';
                for (_, n) in chars.by_ref() {
                    if previous == '*' && n == '/' {
                        break;
                    }
                    previous = n;
                }
                continue;
            }
            '"' => {
                let mut escaped = false;
                for (_, n) in chars.by_ref() {
                    if n == '"' && !escaped {
                        break;
                    }
                    escaped = n == '\\' && !escaped;
                }
            }
            '(' | '[' | '{' => open.push((c, i)),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
        if !c.is_whitespace() {
            end = chars.peek().map_or(text.len(), |&(n, _)| n);
        }
    }
    (open, end)
}

/// Serde's name of a Rust type in words a planner knows.
fn plain_type(rust: &str) -> String {
    match rust {
        "u32" | "u64" | "usize" => "a whole number (0 or more)".to_string(),
        "f64" | "f32" => "a number".to_string(),
        "a string" | "string" => "text in double quotes".to_string(),
        "a boolean" | "bool" => "`true` or `false`".to_string(),
        other => other.to_string(),
    }
}

/// Most unknown fields reported from one file (the text is read again after each).
const MOST_UNKNOWN_FIELDS: usize = 64;

/// Reads `text` with `parse`, reporting every unknown field at once. RON's
/// reader stops at the first struct field it does not know (the raw structs
/// deny unknown fields, so that a misspelling is not ignored), which hid the
/// others: each one found is blanked out of the text (its `name: value` entry
/// and its comma, each character replaced by a space, so that every other
/// value keeps its line and column) and the text is read again, until it reads
/// or stops at another problem. Returns the value read without the unknown
/// fields and their diagnostics; or every diagnostic found, the last being the
/// problem that stopped the reading (not a missing field that an unknown one
/// was taken for).
pub(super) fn parse_every_unknown_field<T>(
    path: &Path,
    text: &str,
    parse: impl Fn(&str) -> Result<T, ron::error::SpannedError>,
) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut found = Vec::new();
    let mut meant: Vec<&'static str> = Vec::new();
    let mut blanked = text.to_string();
    loop {
        let e = match parse(&blanked) {
            Ok(value) => return Ok((value, found)),
            Err(e) => e,
        };
        if let ron::Error::MissingStructField { field, .. } = &e.code
            && meant.contains(field)
        {
            return Err(found);
        }
        let entry = match &e.code {
            ron::Error::NoSuchStructField { expected, found: name, .. } if found.len() < MOST_UNKNOWN_FIELDS => {
                meant.extend(crate::scenario::nearest(name, expected.iter().copied()));
                unknown_entry(&blanked, &e.span.start, name)
            }
            _ => None,
        };
        found.push(ron_diagnostic(path, text, &e));
        let Some(entry) = entry else { return Err(found) };
        blanked = blanked
            .char_indices()
            .map(|(i, c)| if entry.contains(&i) && c != '\n' && c != '\r' { ' ' } else { c })
            .collect();
    }
}

/// The bytes of the entry `name: value` of the unknown field `name` that RON's
/// reader stopped at, `at`, with the comma after it; `None` when the text cannot
/// be read as a tree.
fn unknown_entry(text: &str, at: &ron::error::Position, name: &str) -> Option<std::ops::Range<usize>> {
    let line_start: usize = text.split_inclusive('\n').take(at.line.saturating_sub(1)).map(str::len).sum();
    let offset =
        line_start + text[line_start..].chars().take(at.col.saturating_sub(1)).map(char::len_utf8).sum::<usize>();
    let tree = crate::scenario::ron_tree::parse(text).ok()?;
    let mut best: Option<std::ops::Range<usize>> = None;
    tree.walk(None, &mut |field, _| {
        if let Some(f) = field.filter(|f| f.name == name)
            && best.as_ref().is_none_or(|b| f.span.start.abs_diff(offset) < b.start.abs_diff(offset))
        {
            best = Some(f.span.clone());
        }
        false
    });
    // Only the entry where the reader stopped: at most blanks and commas between.
    let span = best.filter(|s| {
        let (from, to) = (s.start.min(offset), s.start.max(offset).min(s.end));
        s.contains(&offset) || text.get(from..to).is_some_and(|gap| gap.chars().all(|c| c.is_whitespace() || c == ','))
    })?;
    let after = &text[span.end..];
    let blanks = after.len() - after.trim_start().len();
    let comma = usize::from(after.trim_start().starts_with(','));
    Some(span.start..span.end + blanks + comma)
}
