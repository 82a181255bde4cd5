//! What kind of document a file holds, to say so when it is given where another kind is
//! expected (`tick --state scenario.yaml`, `replay state.json`): only looked at after the
//! expected kind failed to read, so it costs nothing on the good path.

use std::path::Path;

use serde::de::IgnoredAny;
use serde::Deserialize;

/// The documents the CLI reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A scenario (scenario or machine format, YAML or JSON).
    Scenario,
    /// A state file (the core's snapshot).
    State,
    /// A recording (`run --record`, `export`).
    Recording,
}

/// The top-level keys that tell the kinds apart (every other key is skipped unread).
#[derive(Deserialize)]
struct Keys {
    format: Option<IgnoredAny>,
    next_tx_seq: Option<IgnoredAny>,
    simulation: Option<IgnoredAny>,
    agent_configs: Option<IgnoredAny>,
}

/// The kind of the document `text` read from `path`, when it is recognisably one.
pub fn kind(path: &Path, text: &str) -> Option<Kind> {
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml {
        return Some(Kind::Scenario);
    }
    let keys: Keys = serde_json::from_str(text).ok()?;
    if text.contains(r#""payment-sim-recording""#) && keys.format.is_some() {
        Some(Kind::Recording)
    } else if keys.next_tx_seq.is_some() {
        Some(Kind::State)
    } else if keys.simulation.is_some() || keys.agent_configs.is_some() {
        Some(Kind::Scenario)
    } else {
        None
    }
}

/// A hint for a file that failed to read as `expected`: what it is and the command that
/// takes it. None when it is not recognisably another kind.
pub fn hint(path: &Path, text: &str, expected: Kind) -> Option<String> {
    let found = kind(path, text).filter(|&k| k != expected)?;
    let name = path.display();
    Some(match found {
        Kind::Scenario => match expected {
            Kind::Recording => {
                format!("{name} is a scenario: `payment-sim run {name} --record FILE` records a run of it")
            }
            _ => format!(
                "{name} is a scenario: `payment-sim create --config {name}` starts a simulation from it"
            ),
        },
        Kind::State => match expected {
            Kind::Recording => format!(
                "{name} is a state file: `payment-sim export --state {name} --output FILE` records the session in it"
            ),
            _ => format!("{name} is a state file: `payment-sim tick --state {name}` continues it"),
        },
        Kind::Recording => {
            format!("{name} is a recording: `payment-sim replay {name}` re-runs it")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart_by_their_keys() {
        let p = Path::new("x.json");
        let rec = r#"{"format": "payment-sim-recording", "schema_version": 2}"#;
        assert_eq!(kind(p, rec), Some(Kind::Recording));
        assert_eq!(
            kind(p, r#"{"schema_version": 2, "next_tx_seq": 4}"#),
            Some(Kind::State)
        );
        assert_eq!(
            kind(p, r#"{"simulation": {}, "agents": []}"#),
            Some(Kind::Scenario)
        );
        assert_eq!(
            kind(p, r#"{"ticks_per_day": 5, "agent_configs": []}"#),
            Some(Kind::Scenario)
        );
        assert_eq!(kind(Path::new("s.YML"), "[[["), Some(Kind::Scenario));
        assert_eq!(kind(p, r#"{"format": "other"}"#), None);
        assert_eq!(kind(p, "[1, 2]"), None);
        assert_eq!(kind(p, "not json"), None);
        assert_eq!(hint(p, rec, Kind::Recording), None);
        let h = hint(p, rec, Kind::State).unwrap();
        assert_eq!(
            h,
            "x.json is a recording: `payment-sim replay x.json` re-runs it"
        );
    }
}
