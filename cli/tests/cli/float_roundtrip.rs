//! A configuration float gives byte-identical state files however the simulation is driven:
//! `run --ticks N --save-state`, `create` + `tick`, the core's API (which the C ABI returns
//! byte for byte), the scenario as YAML or its normalised machine JSON — and restoring a state
//! file and saving it again changes no byte. `0.9215686321258545` is the float serde_json's
//! default parser read 1 ulp low (`…544`) before the workspace enabled `float_roundtrip`.

use payment_sim_core::{normalize_document, parse_document, Simulation};

use crate::support::{run_in, stdout_ok};

const RATE: &str = "0.9215686321258545";

fn scenario() -> String {
    format!(
        "simulation: {{ticks_per_day: 20, num_days: 1, seed: 2024}}
agents:
  - id: A
    balance: 400000
    credit_limit: 50000
    policy: {{type: LiquidityAware, target_buffer: 10000, urgency_threshold: 4}}
    arrival_config:
      rate_per_tick: {RATE}
      distribution: {{type: LogNormal, mean_log: 9.210340371976184, std_dev_log: 0.7071067811865476}}
      counterparty_weights: {{B: 0.1, C: 0.30000000000000004}}
  - id: B
    balance: 300000
    policy: {{type: Fifo}}
    arrival_config:
      rate_per_tick: 0.6180339887498949
      distribution: {{type: Normal, mean: 12345.678901234567, std_dev: 2718.2818284590453}}
      counterparty_weights: {{A: 1, C: 2.5}}
  - id: C
    balance: 200000
    policy: {{type: Deadline}}
"
    )
}

/// Equal bytes, or a failure that shows where they first differ (state files are long).
fn same(a: &str, b: &str, what: &str) {
    if a != b {
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let window = |s: &str| {
            s.get(at.saturating_sub(40)..(at + 40).min(s.len()))
                .unwrap_or("")
                .to_string()
        };
        panic!(
            "{what}: differ at byte {at}:\n  {}\n  {}",
            window(a),
            window(b)
        );
    }
}

#[test]
fn state_files_are_byte_identical_through_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let yaml = scenario();
    std::fs::write(d.join("s.yaml"), &yaml).unwrap();
    std::fs::write(d.join("s.json"), normalize_document(&yaml).unwrap()).unwrap();
    let ticks = 12;

    for file in ["s.yaml", "s.json"] {
        let saved = format!("run-{file}.state");
        stdout_ok(&run_in(
            d,
            &["run", file, "--ticks", "12", "--save-state", &saved],
        ));
    }
    stdout_ok(&run_in(
        d,
        &["create", "--config", "s.yaml", "--output", "steps.state"],
    ));
    for n in ["1", "5", "6"] {
        stdout_ok(&run_in(d, &["tick", n, "--state", "steps.state"]));
    }

    let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
    let by_run = read("run-s.yaml.state");
    assert!(
        by_run.contains(&format!("\"rate_per_tick\":{RATE}")),
        "{by_run}"
    );
    same(
        &by_run,
        &read("run-s.json.state"),
        "scenario YAML vs machine JSON",
    );
    same(
        &by_run,
        &read("steps.state"),
        "run --save-state vs create + tick",
    );

    // The core's API, as the C ABI and Python drive it.
    let (config, _) = parse_document(&yaml).unwrap();
    let mut sim = Simulation::new(config).unwrap();
    for _ in 0..ticks {
        sim.tick().unwrap();
    }
    same(&by_run, &sim.snapshot_json(), "the core's snapshot");

    // Restoring and saving again changes no byte, and the restored simulation continues
    // exactly as the original.
    let restored = Simulation::restore_json(&by_run).unwrap();
    same(
        &restored.snapshot_json(),
        &by_run,
        "restored and saved again",
    );
    let mut restored = restored;
    sim.tick().unwrap();
    restored.tick().unwrap();
    same(
        &restored.snapshot_json(),
        &sim.snapshot_json(),
        "restored, continued",
    );
    stdout_ok(&run_in(d, &["tick", "1", "--state", "steps.state"]));
    same(
        &read("steps.state"),
        &sim.snapshot_json(),
        "state file, continued",
    );
}
