//! Provenance through snapshots: a document is continued under the semantics it was written
//! under, an unknown semantics version is refused before anything is built, and the
//! statistics carry the same provenance as the snapshot.

use payment_sim_core::provenance::{scenario_hash, Semantics};
use payment_sim_core::snapshot::{Versioned, SNAPSHOT_SCHEMA_VERSION};
use payment_sim_core::Simulation;
use serde_json::Value;

fn golden(version: u32, name: &str) -> String {
    let path = format!(
        "{}/tests/golden/v{version}/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_version_1_document_is_read_as_semantics_1() {
    let text = golden(1, "scarce_t37");
    let Versioned::V1(v1) = Versioned::parse(&text).unwrap() else {
        panic!("not read as version 1");
    };
    let migrated = Versioned::V1(v1.clone()).upgrade();
    assert_eq!(migrated.provenance.semantics, Semantics::ORIGINAL);
    assert_eq!(migrated.provenance.engine_version, "unrecorded");
    assert_eq!(migrated.provenance.seed, 777);
    assert_eq!(migrated.provenance.scenario_hash, scenario_hash(&v1.config));
    let sim = Simulation::restore_json(&text).unwrap();
    assert_eq!(sim.semantics(), Semantics::ORIGINAL);
    // Whoever writes next signs: this engine, under the semantics the run was started with.
    let p = sim.provenance();
    assert_eq!(p.engine_version, payment_sim_core::VERSION);
    assert_eq!(p.semantics, Semantics::ORIGINAL);
    assert_eq!(sim.statistics().provenance, p);
    let written: Value = serde_json::from_str(&sim.snapshot_json()).unwrap();
    assert_eq!(written["schema_version"], SNAPSHOT_SCHEMA_VERSION);
    assert_eq!(written["provenance"], serde_json::to_value(&p).unwrap());
}

#[test]
fn unknown_semantics_versions_are_refused_with_both_versions_named() {
    let text = golden(SNAPSHOT_SCHEMA_VERSION, "split_t150");
    let cases = [
        (
            r#""offsetting":1"#,
            r#""offsetting":3"#,
            "invalid configuration: snapshot: provenance.semantics.offsetting version 3 is not supported (written by a newer engine): payment-sim-core",
            "implements versions 1 to 2",
        ),
        (
            r#""random_streams":1"#,
            r#""random_streams":0"#,
            "invalid configuration: snapshot: provenance.semantics.random_streams version 0 is not supported: payment-sim-core",
            "implements versions 1 to 1",
        ),
    ];
    for (from, to, expected, supported) in cases {
        assert!(text.contains(from));
        let err = Simulation::restore_json(&text.replacen(from, to, 1))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(expected) && err.ends_with(supported),
            "{err}"
        );
    }
}

#[test]
fn the_provenance_of_a_fresh_simulation_is_current() {
    let config = Versioned::parse(&golden(1, "ring_run_t60"))
        .unwrap()
        .upgrade()
        .config;
    let mut sim = Simulation::new(config.clone()).unwrap();
    sim.run(3).unwrap();
    let p = sim.provenance();
    assert_eq!(p.semantics, Semantics::CURRENT);
    assert_eq!(p.seed, config.rng_seed);
    assert_eq!(p.scenario_hash, scenario_hash(&config));
    assert!(p.scenario_hash.starts_with("sha256:") && p.scenario_hash.len() == 7 + 64);
    let restored = Simulation::restore_json(&sim.snapshot_json()).unwrap();
    assert_eq!(restored.provenance(), p);
    assert_eq!(restored.statistics(), sim.statistics());
}
