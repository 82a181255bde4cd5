//! Provenance: what produced a document, so that a figure can always be traced back to it.
//!
//! Every output that carries results — snapshots, the statistics document, the CLI's recordings
//! and event files — carries one [`Provenance`] block:
//!
//! ```json
//! {"engine_version":"0.1.0","semantics":{"offsetting":2,"random_streams":1},
//!  "scenario_hash":"sha256:9f86d0…","seed":42}
//! ```
//!
//! The engine version alone does not say whether two runs are comparable: most releases change
//! nothing that moves a result. The [`Semantics`] versions do. Each names one part of the model
//! whose change would make the same scenario and seed give other results; it is bumped exactly
//! when that part changes, and a document says which versions it was written under, so that it
//! is read (and continued) under those and never silently under newer ones.

use std::io;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::serde_helpers::mapping_only;
use crate::engine::Simulation;
use crate::SimulationConfig;

// Read from JSON objects only, never from lists (see `mapping_only!`).
mapping_only! {
    struct Semantics;
    struct Provenance;
}

/// Version of the offsetting rules (bilateral and multilateral: which payments are offset,
/// in which order, with which tie-breaks; `docs/model.md`). 1: `greedy_removal` where no
/// algorithm is chosen; 2: `greedy_exact` with the age-weighted search objective where none
/// is chosen (`offsetting::default_algorithm`, `offsetting::default_search_objective`).
pub const OFFSETTING_SEMANTICS: u32 = 2;

/// Version of the random-stream layout (how streams are derived from the seed and in which
/// order they are drawn; `core/src/rng.rs`, `core/src/arrivals.rs`).
pub const RANDOM_STREAMS_SEMANTICS: u32 = 1;

/// The versions of the semantics that can change results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Semantics {
    /// See [`OFFSETTING_SEMANTICS`].
    pub offsetting: u32,
    /// See [`RANDOM_STREAMS_SEMANTICS`].
    pub random_streams: u32,
}

impl Semantics {
    /// What this engine writes for a new simulation.
    pub const CURRENT: Semantics = Semantics {
        offsetting: OFFSETTING_SEMANTICS,
        random_streams: RANDOM_STREAMS_SEMANTICS,
    };

    /// What documents written before provenance existed (snapshot and recording version 1)
    /// were written under.
    pub const ORIGINAL: Semantics = Semantics {
        offsetting: 1,
        random_streams: 1,
    };

    /// Whether this engine can run under these versions. When a part changes, the engine keeps
    /// the old behaviour behind its old number and this check accepts both, so that older
    /// documents continue as they were written.
    pub fn check_supported(&self) -> Result<(), String> {
        let parts = [
            ("offsetting", self.offsetting, 1..=OFFSETTING_SEMANTICS),
            (
                "random_streams",
                self.random_streams,
                1..=RANDOM_STREAMS_SEMANTICS,
            ),
        ];
        for (name, version, supported) in parts {
            if !supported.contains(&version) {
                let newer = if version > *supported.end() {
                    " (written by a newer engine)"
                } else {
                    ""
                };
                return Err(format!(
                    "semantics.{name} version {version} is not supported{newer}: payment-sim-core {} implements versions {} to {}",
                    crate::VERSION,
                    supported.start(),
                    supported.end()
                ));
            }
        }
        Ok(())
    }
}

/// Where a result comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Provenance {
    /// The version of `payment-sim-core` that wrote the document.
    pub engine_version: String,
    /// The versions of the semantics the simulation ran under.
    pub semantics: Semantics,
    /// `sha256:<64 hex digits>` of the normalised configuration
    /// (`serde_json::to_string(&SimulationConfig)`, every default written out).
    pub scenario_hash: String,
    /// The master seed (`rng_seed`).
    pub seed: u64,
}

impl Provenance {
    /// The provenance of a run of `config` under `semantics` by this engine.
    pub fn new(config: &SimulationConfig, semantics: Semantics) -> Self {
        Provenance {
            engine_version: crate::VERSION.to_string(),
            semantics,
            scenario_hash: scenario_hash(config),
            seed: config.rng_seed,
        }
    }
}

/// `sha256:<hex>` of `serde_json::to_string(config)`, streamed into the hash (a 1,000-bank
/// configuration is tens of megabytes; no copy of its text is made).
pub fn scenario_hash(config: &SimulationConfig) -> String {
    struct HashWriter(Sha256);
    impl io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(Sha256::new());
    // Serialising a configuration cannot fail: every map key is a string.
    let _ = serde_json::to_writer(&mut writer, config);
    let digest = writer.0.finalize();
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in digest.iter() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// What a simulation knows of its own provenance: the semantics it runs under (set when it is
/// built or restored) and its scenario hash, computed on first use and kept (the configuration
/// never changes once the simulation exists).
#[derive(Debug, Default, Clone)]
pub(crate) struct Lineage {
    pub semantics: Semantics,
    scenario_hash: OnceLock<String>,
}

impl Default for Semantics {
    fn default() -> Self {
        Semantics::CURRENT
    }
}

impl Simulation {
    /// The provenance of this simulation's results: this engine, the semantics it runs under,
    /// its scenario hash and seed.
    pub fn provenance(&self) -> Provenance {
        let hash = self
            .lineage
            .scenario_hash
            .get_or_init(|| scenario_hash(&self.config));
        Provenance {
            engine_version: crate::VERSION.to_string(),
            semantics: self.lineage.semantics,
            scenario_hash: hash.clone(),
            seed: self.config.rng_seed,
        }
    }

    /// Validate `config` and build the simulation at tick 0, to run under `semantics` (those a
    /// recording was written under). An unknown semantics version is `InvalidArgument`.
    pub fn with_semantics(
        config: SimulationConfig,
        semantics: Semantics,
    ) -> Result<Self, crate::SimError> {
        semantics.check_supported().map_err(|message| {
            crate::SimError::InvalidArgument(crate::error::Problem::new("semantics", message))
        })?;
        let mut sim = Simulation::new(config)?;
        sim.lineage.semantics = semantics;
        Ok(sim)
    }

    /// The semantics this simulation runs under ([`Semantics::CURRENT`] unless it was restored
    /// from a document written under older ones).
    pub fn semantics(&self) -> Semantics {
        self.lineage.semantics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(seed: u64) -> SimulationConfig {
        SimulationConfig::from_json(&format!(
            r#"{{"ticks_per_day": 10, "num_days": 1, "rng_seed": {seed}, "agent_configs": [
              {{"id": "A", "opening_balance": 5, "policy": {{"type": "Fifo"}}}},
              {{"id": "B", "opening_balance": 0, "policy": {{"type": "Fifo"}}}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_hash_is_sha256_of_the_normalised_json() {
        let c = config(1);
        let text = serde_json::to_string(&c).unwrap();
        let expected: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(scenario_hash(&c), format!("sha256:{expected}"));
        assert_ne!(scenario_hash(&c), scenario_hash(&config(2)));
    }

    #[test]
    fn a_simulation_reports_its_provenance() {
        let sim = Simulation::new(config(7)).unwrap();
        let p = sim.provenance();
        assert_eq!(p, Provenance::new(&config(7), Semantics::CURRENT));
        assert_eq!(p.seed, 7);
        assert_eq!(p.engine_version, crate::VERSION);
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.starts_with(r#"{"engine_version":""#)
                && json.contains(
                    r#""semantics":{"offsetting":2,"random_streams":1},"scenario_hash":"sha256:"#
                ),
            "{json}"
        );
    }

    #[test]
    fn unknown_semantics_are_named_with_what_is_implemented() {
        assert!(Semantics::CURRENT.check_supported().is_ok());
        assert!(Semantics::ORIGINAL.check_supported().is_ok());
        let future = Semantics {
            offsetting: OFFSETTING_SEMANTICS + 1,
            ..Semantics::CURRENT
        };
        let err = future.check_supported().unwrap_err();
        assert!(
            err.contains(
                "semantics.offsetting version 3 is not supported (written by a newer engine)"
            ) && err.contains("implements versions 1 to 2"),
            "{err}"
        );
        let zero = Semantics {
            random_streams: 0,
            ..Semantics::CURRENT
        };
        assert!(zero
            .check_supported()
            .unwrap_err()
            .starts_with("semantics.random_streams version 0 is not supported:"));
    }
}
