//! Paths into a configuration document as written: `lsm.bilateral`, `agents[*].balance`
//! (every element), `agents[BANK_A].policy` (the element whose `id` is BANK_A),
//! `agents[0].credit_limit`. A path resolves to concrete paths in the form the document
//! reader's problems use (`agents[0].balance`), so a problem can be traced to its axis.

use serde_json::{Map, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A mapping key.
    Key(String),
    /// A list element by position.
    Index(usize),
    /// Every list element.
    All,
    /// The list element whose `id` is this.
    Id(String),
}

/// Parse `text` into steps; the error says what is wrong with it.
pub(crate) fn parse(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut rest = text;
    if rest.is_empty() {
        return Err("the path is empty".into());
    }
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        rest = &rest[end..];
        if key.is_empty() {
            return Err(format!("{text:?} has an empty key"));
        }
        if key.contains(']') {
            return Err(format!("{text:?} has a `]` without `[`"));
        }
        steps.push(Step::Key(key.to_string()));
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner
                .find(']')
                .ok_or_else(|| format!("{text:?} has a `[` without `]`"))?;
            let sel = &inner[..close];
            steps.push(match sel {
                "" => return Err(format!("{text:?} has an empty `[]`")),
                "*" => Step::All,
                s if s.bytes().all(|b| b.is_ascii_digit()) => Step::Index(
                    s.parse()
                        .map_err(|_| format!("{text:?}: index {s} too large"))?,
                ),
                s => Step::Id(s.to_string()),
            });
            rest = &inner[close + 1..];
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None if rest.is_empty() => return Ok(steps),
            None => return Err(format!("{text:?}: expected `.` or `[` before {rest:?}")),
        }
    }
}

/// Apply `f` to every value the path selects in `doc`, with its concrete path. A missing
/// mapping key is created (as `null`, intermediate ones as mappings), so `lsm.bilateral`
/// works on a base without `lsm:`; whether the key is allowed is the document reader's call.
/// Errors: a step that does not fit the document (an index out of range, an id not found,
/// a list step on a mapping, …), in words.
pub(crate) fn apply(
    doc: &mut Value,
    steps: &[Step],
    f: &mut dyn FnMut(&mut Value, &str) -> Result<(), String>,
) -> Result<(), String> {
    walk(doc, steps, String::new(), f)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(
    v: &mut Value,
    steps: &[Step],
    here: String,
    f: &mut dyn FnMut(&mut Value, &str) -> Result<(), String>,
) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        return f(v, &here);
    };
    let shown = if here.is_empty() {
        "the document"
    } else {
        &here
    };
    match step {
        Step::Key(k) => {
            if v.is_null() {
                *v = Value::Object(Map::new());
            }
            let Value::Object(map) = v else {
                return Err(format!("{shown} is not a mapping (no key {k:?})"));
            };
            let child = map.entry(k.clone()).or_insert(Value::Null);
            walk(child, rest, join(&here, k), f)
        }
        Step::Index(i) => {
            let Value::Array(list) = v else {
                return Err(format!("{shown} is not a list"));
            };
            let n = list.len();
            let child = list
                .get_mut(*i)
                .ok_or_else(|| format!("{shown} has {n} elements, no [{i}]"))?;
            walk(child, rest, format!("{here}[{i}]"), f)
        }
        Step::All => {
            let Value::Array(list) = v else {
                return Err(format!("{shown} is not a list"));
            };
            for (i, child) in list.iter_mut().enumerate() {
                walk(child, rest, format!("{here}[{i}]"), f)?;
            }
            Ok(())
        }
        Step::Id(id) => {
            let Value::Array(list) = v else {
                return Err(format!("{shown} is not a list"));
            };
            let i = list
                .iter()
                .position(|e| e.get("id").and_then(Value::as_str) == Some(id.as_str()))
                .ok_or_else(|| format!("{shown} has no element with id {id:?}"))?;
            walk(&mut list[i], rest, format!("{here}[{i}]"), f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse("agents[*].balance").unwrap(),
            vec![
                Step::Key("agents".into()),
                Step::All,
                Step::Key("balance".into())
            ]
        );
        assert_eq!(
            parse("agents[BANK_A].policy").unwrap()[1],
            Step::Id("BANK_A".into())
        );
        assert_eq!(parse("agents[2]").unwrap()[1], Step::Index(2));
        for bad in ["", "a..b", "a[", "a[]", "a]b", ".a"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn apply_reaches_every_selected_value() {
        let mut doc = json!({"agents": [{"id": "A", "balance": 1}, {"id": "B", "balance": 2}]});
        let mut seen = Vec::new();
        let steps = parse("agents[*].balance").unwrap();
        apply(&mut doc, &steps, &mut |v, p| {
            seen.push(p.to_string());
            *v = json!(v.as_i64().unwrap() * 10);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["agents[0].balance", "agents[1].balance"]);
        assert_eq!(doc["agents"][1]["balance"], json!(20));
        let steps = parse("lsm.bilateral").unwrap();
        apply(&mut doc, &steps, &mut |v, _| {
            *v = json!(false);
            Ok(())
        })
        .unwrap();
        assert_eq!(doc["lsm"], json!({"bilateral": false}));
        let err = apply(&mut doc, &parse("agents[C].x").unwrap(), &mut |_, _| Ok(()));
        assert_eq!(err.unwrap_err(), "agents has no element with id \"C\"");
    }
}
