//! Every shipped scenario validates and runs; every shipped recording replays.

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

/// The shipped scale scenarios (`make scale`): hundreds of thousands of payments a day.
const SCALE: [&str; 4] = [
    "/t2_day.yaml",
    "/t2_year.yaml",
    "/fedwire_day.yaml",
    "/chaps_day.yaml",
];

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let scenarios = files("examples/scenarios", ".yaml");
    assert!(scenarios.len() >= 6, "{scenarios:?}");
    for s in &scenarios {
        stdout_ok(&run(&["validate", s]));
        // The scale scenarios run whole in `make scale`; here their first ticks.
        let scale = SCALE.iter().any(|name| s.ends_with(name));
        let out = match scale {
            true => run(&["run", s, "--format", "json", "--ticks", "20"]),
            false => run(&["run", s, "--format", "json"]),
        };
        let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
        if scale {
            assert_eq!(v["ticks_run"], 20, "{s}");
        } else {
            assert_eq!(v["ticks_run"], v["horizon"], "{s}");
            assert_eq!(v["finished"], true, "{s}");
        }
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
        // Policy files are read relative to the scenario, as the CLI does.
        let dir = root().join(s).parent().unwrap().to_path_buf();
        let (config, _) = payment_sim_core::parse_document_resolving(&text, &mut |name| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string())
        })
        .unwrap();
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
