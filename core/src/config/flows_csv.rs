//! A flow matrix as a CSV file (`network.flows_file`): the core owns the format; front ends
//! read the file (relative to the scenario) and hand its text to [`resolve_flow_files`]
//! through [`crate::document::parse_document_resolving`], before validation.
//!
//! Format: a header `from,to,weight`, then one flow per line; fields are trimmed; blank
//! lines and lines starting with `#` are skipped; ids cannot contain commas.

use super::{Flow, NetworkConfig};
use crate::error::{Problem, SimError};

/// Path of the field in problems.
const AT: &str = "network.flows_file";

/// The flows of a CSV text; problems name the line.
pub fn flows_from_csv(text: &str) -> Result<Vec<Flow>, SimError> {
    let mut flows = Vec::new();
    let mut problems = Vec::new();
    let mut header = false;
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let at = |m: String| Problem::new(AT, format!("{AT}: line {}: {m}", k + 1));
        if !header {
            if fields != ["from", "to", "weight"] {
                problems.push(at(format!(
                    "the header must be `from,to,weight` (got {line:?})"
                )));
                break;
            }
            header = true;
            continue;
        }
        if fields.len() != 3 {
            problems.push(at(format!("expected 3 fields, got {}", fields.len())));
            continue;
        }
        match fields[2].parse::<f64>() {
            Ok(weight) => flows.push(Flow {
                from: fields[0].to_string(),
                to: fields[1].to_string(),
                weight,
            }),
            Err(_) => problems.push(at(format!("weight {:?} is not a number", fields[2]))),
        }
        if problems.len() >= 20 {
            break;
        }
    }
    if !header && problems.is_empty() {
        problems.push(Problem::new(
            AT,
            format!("{AT}: the file is empty (no header)"),
        ));
    }
    if problems.is_empty() {
        Ok(flows)
    } else {
        Err(SimError::InvalidConfig(problems))
    }
}

/// Replace `flows_file` by the flows it names, read through `read` (the front end's reader,
/// which resolves the name); its flows join any given inline.
pub fn resolve_flow_files(
    network: &mut Option<NetworkConfig>,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), SimError> {
    let Some(net) = network.as_mut() else {
        return Ok(());
    };
    let Some(name) = net.flows_file.take() else {
        return Ok(());
    };
    let text = read(&name).map_err(|e| {
        SimError::config(
            Problem::new(AT, format!("{AT}: cannot read {name:?}: {e}")).with_value(name.as_str()),
        )
    })?;
    net.flows.extend(flows_from_csv(&text)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_flows_and_bad_lines_are_named() {
        let f = flows_from_csv("# a comment\nfrom,to,weight\nA, B ,2.5\n\nB,A,1\n").unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].from.as_str(), f[0].to.as_str(), f[0].weight),
            ("A", "B", 2.5)
        );
        let e = flows_from_csv("from,to,weight\nA,B\nA,B,x\n")
            .unwrap_err()
            .problems();
        assert_eq!(
            e[0].message,
            "network.flows_file: line 2: expected 3 fields, got 2"
        );
        assert_eq!(
            e[1].message,
            "network.flows_file: line 3: weight \"x\" is not a number"
        );
        let e = flows_from_csv("a,b,c\n").unwrap_err().problems();
        assert!(e[0].message.contains("header must be"), "{e:?}");
        assert!(flows_from_csv("").is_err());
    }
}
