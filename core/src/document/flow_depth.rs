//! A linear bound on how deeply a YAML text nests flow collections (`[…]`, `{…}`), checked
//! before the text reaches libyaml.
//!
//! Why: libyaml's scanner walks its whole stack of possible simple keys on every token, so
//! each nested flow level costs time proportional to the depth: 20,000 levels take about a
//! second, 100,000 (a 400 KB text) nearly a minute. Configuration documents nest a handful
//! of levels, and the deserializer refuses more than 128 anyway, so anything far deeper is
//! refused here, in one pass, before that cost is paid.
//!
//! The scan follows just enough YAML to count the brackets that open and close collections:
//! it skips comments and quoted scalars that start where a scalar can start (at the start of
//! a line, after whitespace or `[ { , : - ?`), counts every other opening bracket, and a
//! closing one only inside a collection. Brackets in plain scalars (`id: BANK[1`) count too:
//! the count errs high, never low, for text without block scalars, and the limit is far above
//! any real document. It is a guard against accidental and fuzzed input (a broken generator, a
//! truncated JSON text of 100,000 `[`), not a YAML parser: text crafted to hide its nesting
//! (brackets inside block scalars that look like quotes) can pass it, so services that take
//! documents from strangers still bound the size of what they accept.

/// Deepest flow nesting let through to the YAML parser.
pub(crate) const MAX_FLOW_DEPTH: usize = 1_000;

/// Whether `text` nests flow collections deeper than [`MAX_FLOW_DEPTH`].
pub(crate) fn too_deep(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // The last significant byte on this line (None at the start of a line).
    let mut previous: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let token_start = i == 0
            || bytes[i - 1].is_ascii_whitespace()
            || matches!(
                previous,
                None | Some(b'[' | b'{' | b',' | b':' | b'-' | b'?')
            );
        match byte {
            b'\n' | b'\r' => previous = None,
            b' ' | b'\t' => {}
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' if token_start => {
                if let Some(end) = skip_quoted(bytes, i) {
                    i = end;
                    previous = Some(byte);
                    continue;
                }
                previous = Some(byte);
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return true;
                }
                previous = Some(byte);
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                previous = Some(byte);
            }
            _ => previous = Some(byte),
        }
        i += 1;
    }
    false
}

/// The index just past the quoted scalar starting at `start` (`'…'` with `''` inside, or
/// `"…"` with backslash escapes); `None` when it is never closed (then it was no quote).
fn skip_quoted(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_documents_are_shallow() {
        let deep = |n: usize| format!("a: {}", "[".repeat(n));
        assert!(!too_deep(&deep(MAX_FLOW_DEPTH)));
        assert!(too_deep(&deep(MAX_FLOW_DEPTH + 1)));
        assert!(too_deep(&format!(
            "a: {}",
            "{b: ".repeat(MAX_FLOW_DEPTH + 1)
        )));
        // Brackets in comments, quoted and plain scalars open nothing.
        let many = "[".repeat(2 * MAX_FLOW_DEPTH);
        for text in [
            format!("# {many}\na: 1"),
            format!("a: '{many}'"),
            format!("a: \"{many}\\\"\""),
            format!("a: [x, 'it''s {many}', \"{many}\"]"),
        ] {
            assert!(!too_deep(&text), "{text}");
        }
        // Comments and quotes cannot hide real nesting.
        let hidden = format!("a: {}", "{'x]': # ]\n".repeat(MAX_FLOW_DEPTH + 1));
        assert!(too_deep(&hidden));
        let anchored = format!("a: {}", "&x[".repeat(MAX_FLOW_DEPTH + 1));
        assert!(too_deep(&anchored));
        let unclosed = format!("a: '{}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert!(too_deep(&unclosed));
    }
}
