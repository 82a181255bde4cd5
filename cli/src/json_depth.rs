//! A depth limit on the JSON the CLI reads itself (state files, their submission journals,
//! recordings), checked in one linear pass before the text is parsed.
//!
//! serde_json refuses to nest deeper than [`MAX_DEPTH`] levels anyway, so this changes no
//! verdict; it makes the refusal say what is wrong ("nested more than 127 levels deep")
//! instead of a field path of a hundred `[0]`s ending in "recursion limit exceeded", and it
//! costs one pass over the bytes however the text nests. Scenario files go through the core's
//! document reader, which has its own limits (JSON: the same; YAML: flow collections nested
//! at most 1,000 deep, block nesting 128).

/// The deepest nesting of arrays and objects read: exactly what serde_json accepts. The
/// documents the CLI writes nest fewer than 10 levels.
pub const MAX_DEPTH: usize = 127;

/// Where a text first nests deeper than [`MAX_DEPTH`]: 1-based line and column (in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// Line of the bracket that opens level `MAX_DEPTH + 1`.
    pub line: usize,
    /// Its column.
    pub column: usize,
}

impl TooDeep {
    /// "arrays and objects nested more than 127 levels deep (at line 1 column 128)".
    pub fn message(&self) -> String {
        format!(
            "arrays and objects nested more than {MAX_DEPTH} levels deep (at line {} column {})",
            self.line, self.column
        )
    }
}

/// Check the nesting of a JSON text; strings (escapes included) are skipped, so brackets in
/// ids and values do not count. Malformed text is left to the parser.
pub fn check(text: &str) -> Result<(), TooDeep> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'[' | b'{' if !in_string => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(position(text, i));
                }
            }
            b']' | b'}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn position(text: &str, at: usize) -> TooDeep {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    TooDeep {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn the_limit_is_serde_jsons() {
        for depth in [1, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2] {
            let text = nested(depth);
            let serde_ok = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            assert_eq!(check(&text).is_ok(), serde_ok, "depth {depth}");
        }
        assert!(check(&nested(MAX_DEPTH)).is_ok());
    }

    #[test]
    fn strings_do_not_count_and_positions_are_reported() {
        let inside = format!(r#"{{"a": "{}\"[", "b": [1]}}"#, "[".repeat(500));
        assert_eq!(check(&inside), Ok(()));
        let deep = format!("{{\"x\":\n  {}", "{\"y\":".repeat(200));
        let err = check(&deep).unwrap_err();
        assert_eq!(err.line, 2);
        // Level 1 is the outer object; level 128 is the 127th `{"y":` on line 2.
        assert_eq!(err.column, 3 + 126 * 5);
        assert!(err.message().contains("more than 127 levels"));
        // Unbalanced closers never go below zero.
        assert_eq!(check("]]]]]"), Ok(()));
        let open = "[".repeat(200_000);
        assert_eq!(check(&open).unwrap_err().column, MAX_DEPTH + 1);
    }
}
