//! Every shipped scenario validates and runs; every shipped recording replays.

use payment_sim_core::scenario::parse_document;
use serde_json::Value;

use crate::support::{root, run, stdout_ok};

fn files(dir: &str, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let scenarios = files("examples/scenarios", ".yaml");
    assert!(scenarios.len() >= 6, "{scenarios:?}");
    for s in &scenarios {
        stdout_ok(&run(&["validate", s]));
        let out = run(&["run", s, "--format", "json"]);
        let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
        assert_eq!(v["ticks_run"], v["horizon"], "{s}");
        assert_eq!(v["finished"], true, "{s}");
        // Money is conserved, up to the external flows of scheduled `liquidity` actions.
        let external = |key: &str| v["statistics"][key].as_i64().unwrap_or(0);
        let net = external("external_inflow") - external("external_outflow");
        let total: i64 = v["statistics"]["agents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["balance"].as_i64().unwrap())
            .sum();
        let text = std::fs::read_to_string(root().join(s)).unwrap();
        let (config, _) = parse_document(&text).unwrap();
        let opening: i64 = config.agent_configs.iter().map(|a| a.opening_balance).sum();
        assert_eq!(total, opening + net, "{s}");
    }
}

#[test]
fn every_shipped_recording_replays() {
    let recordings = files("examples/recordings", ".json");
    assert!(!recordings.is_empty());
    for r in &recordings {
        stdout_ok(&run(&["replay", r]));
    }
}
