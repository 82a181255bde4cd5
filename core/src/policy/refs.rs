//! Policies referenced by file: `policy: {file: ../policies/reciprocity.yaml}`.
//!
//! A reference is read as `PolicyConfig::File` and must be replaced by the policy it names
//! before the configuration is validated: the front ends that read files (CLI, Python, R)
//! call [`crate::parse_document_resolving`], which reads each file through their reader
//! (relative to the scenario file) and puts the policy inline ([`resolve_policy_files`]).
//! Everywhere else (the REST service, a configuration given as text) a reference is refused
//! by validation with its path.
//!
//! `PolicyConfig` is read here by hand (buffered as a JSON value, which a policy is small
//! enough for) so that `{file}` needs no `type`, and the derived reader does the rest.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::error::{Problem, SimError};

const EXPECTING: &str = "internally tagged enum PolicyConfig";
/// The policy types (a new variant of `PolicyConfig` belongs here too; `File` is written
/// `{file}`, without a type).
const TYPES: &[&str] = &[
    "Fifo",
    "Deadline",
    "LiquidityAware",
    "UrgentFirst",
    "Tree",
    "Host",
];
const FILE_ALONE: &str = "a policy file reference is `{file: path}` alone";

impl Serialize for PolicyConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PolicyConfig::File { file } => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("file", file)?;
                m.end()
            }
            // The inherent function: the derived impl.
            other => PolicyConfig::serialize(other, s),
        }
    }
}

impl<'de> Deserialize<'de> for PolicyConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Mapping)
    }
}

struct Mapping;

impl<'de> Visitor<'de> for Mapping {
    type Value = PolicyConfig;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyConfig, A::Error> {
        let mut value = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key is an error, as in the derived reader (never "the last wins").
            if value.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let v: serde_json::Value = map.next_value()?;
            value.insert(key, v);
        }
        if let Some(file) = value.get("file") {
            if value.len() != 1 {
                return Err(de::Error::custom(FILE_ALONE));
            }
            return match file {
                serde_json::Value::String(f) => Ok(PolicyConfig::File { file: f.clone() }),
                _ => Err(de::Error::custom(format_args!(
                    "{FILE_ALONE}: the path is a string (got {file})"
                ))),
            };
        }
        // An unknown `type` is reported at `…policy.type`, as the derived reader does when it
        // reads the document itself (here it reads a buffer, which has no path).
        if let Some(serde_json::Value::String(t)) = value.get("type") {
            if !TYPES.contains(&t.as_str()) {
                super::lang::failed_at("type");
                return Err(de::Error::unknown_variant(t, TYPES));
            }
        }
        // The inherent function: the derived impl.
        PolicyConfig::deserialize(serde_json::Value::Object(value)).map_err(de::Error::custom)
    }
}

/// The problem of a reference that reached validation unresolved (at `path`).
pub(crate) fn unresolved(path: String, file: &str) -> Problem {
    let message = format!(
        "{path}: {file:?} must be read before the configuration is checked: the CLI, Python and R read it relative to the scenario file (psim_config_normalize_at); the REST service takes policies inline"
    );
    Problem::new(path, message).with_value(file)
}

/// Replace every `{file}` policy of `policies` (with their paths) by the policy the file
/// holds, read through `read` (given the name as written). A file holds one policy, YAML or
/// JSON (not itself a reference). Every problem is reported at `<path>.file`.
pub fn resolve_policy_files<'a>(
    policies: impl Iterator<Item = (String, &'a mut PolicyConfig)>,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), SimError> {
    let mut problems = Vec::new();
    for (path, policy) in policies {
        let PolicyConfig::File { file } = policy else {
            continue;
        };
        let at = format!("{path}.file");
        let fail = |message: String| Problem::new(at.clone(), message).with_value(file.as_str());
        let text = match read(file) {
            Ok(text) => text,
            Err(e) => {
                problems.push(fail(format!("{at}: cannot read {file:?}: {e}")));
                continue;
            }
        };
        match crate::document::read_yaml::<PolicyConfig>(&text) {
            Ok(PolicyConfig::File { .. }) => problems.push(fail(format!(
                "{at}: {file:?} is itself a reference; a policy file holds the policy"
            ))),
            Ok(found) => *policy = found,
            Err(e) => {
                for p in e.problems() {
                    problems.push(fail(format!("{at}: in {file:?}: {}", p.message)));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SimError::InvalidConfig(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_without_type_and_writes_back_the_same() {
        let p: PolicyConfig = serde_json::from_str(r#"{"file": "../policies/x.yaml"}"#).unwrap();
        assert_eq!(
            p,
            PolicyConfig::File {
                file: "../policies/x.yaml".into()
            }
        );
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"file":"../policies/x.yaml"}"#
        );
        let e = serde_json::from_str::<PolicyConfig>(r#"{"file": "x", "type": "Fifo"}"#);
        assert!(e.unwrap_err().to_string().contains(FILE_ALONE));
        let fifo: PolicyConfig = serde_json::from_str(r#"{"type": "Fifo"}"#).unwrap();
        assert_eq!(fifo, PolicyConfig::Fifo { split: None });
    }

    #[test]
    fn files_are_inlined_and_their_problems_named() {
        let mut p = [
            PolicyConfig::File { file: "a".into() },
            PolicyConfig::Fifo { split: None },
            PolicyConfig::File { file: "b".into() },
        ];
        let mut read = |name: &str| match name {
            "a" => Ok("type: Tree\ntree: hold\n".to_string()),
            _ => Err("no such file".to_string()),
        };
        let e = resolve_policy_files(
            p.iter_mut()
                .enumerate()
                .map(|(i, p)| (format!("agents[{i}].policy"), p)),
            &mut read,
        )
        .unwrap_err()
        .problems();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path, "agents[2].policy.file");
        assert!(
            e[0].message.contains("cannot read \"b\": no such file"),
            "{e:?}"
        );
        assert!(matches!(p[0], PolicyConfig::Tree { .. }));
    }
}
