//! Write the seed corpora of the fuzz targets into `corpus/<target>/` (libFuzzer then grows
//! them there; `make fuzz-seeds` runs this, `make fuzz` does it first when a corpus is
//! missing):
//!
//! - `config_yaml`: every shipped scenario (examples/scenarios/*.yaml) as written, and as
//!   machine-format YAML;
//! - `config_json`: the same scenarios as scenario-shape JSON and as machine JSON
//!   (`normalize_document`), and the configuration inside every golden snapshot;
//! - `snapshot_restore`: every golden snapshot (core/tests/golden/v*/, both versions), and
//!   snapshots of the shipped scenarios after a few ticks (small, so mutations are fast);
//! - `snapshot_mutate`, `submission`: structured inputs, no seeds (libFuzzer starts empty).
//!
//! Documents larger than 32 KiB are left out of the configuration corpora (seed_benchmark_100
//! is 150 KB): libFuzzer's input length follows the largest seed, and short inputs mutate
//! faster. Usage: `seed_corpora [REPO_ROOT] [OUT_DIR]` (default `..` and `corpus`).

use std::fs;
use std::path::{Path, PathBuf};

use payment_sim_core::snapshot::Versioned;
use payment_sim_core::{normalize_document, parse_document, Simulation};

const MAX_CONFIG_SEED: usize = 32 * 1024;

fn write(dir: &Path, name: &str, text: &str) {
    fs::create_dir_all(dir).expect("create the corpus folder");
    fs::write(dir.join(name), text).expect("write a seed");
}

fn sorted(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "..".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let (yaml_dir, json_dir, snap_dir) = (
        out.join("config_yaml"),
        out.join("config_json"),
        out.join("snapshot_restore"),
    );
    let mut counts = [0usize; 3];

    for path in sorted(&root.join("examples/scenarios"), "yaml") {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).expect("read a scenario");
        let (config, _) = parse_document(&text)
            .unwrap_or_else(|e| panic!("{}: a shipped scenario is refused: {e}", path.display()));
        if text.len() <= MAX_CONFIG_SEED {
            write(&yaml_dir, &format!("scenario_{stem}.yaml"), &text);
            let machine_yaml = serde_norway::to_string(&config).expect("machine YAML");
            write(&yaml_dir, &format!("machine_{stem}.yaml"), &machine_yaml);
            let value: serde_json::Value = serde_norway::from_str(&text).expect("YAML value");
            write(
                &json_dir,
                &format!("scenario_{stem}.json"),
                &serde_json::to_string_pretty(&value).expect("scenario JSON"),
            );
            write(
                &json_dir,
                &format!("machine_{stem}.json"),
                &normalize_document(&text).expect("machine JSON"),
            );
            counts[0] += 2;
            counts[1] += 2;
        }
        // A few ticks in, with whatever Queue 1 / Queue 2 / pending contents that gives.
        let mut sim = Simulation::new(config).expect("a shipped scenario builds");
        if sim.config().agent_configs.len() <= 10 {
            for ticks in [3u64, 12] {
                while sim.current_tick() < ticks.min(sim.horizon()) {
                    sim.tick().expect("a tick");
                }
                write(
                    &snap_dir,
                    &format!("small_{stem}_t{ticks}.json"),
                    &sim.snapshot_json(),
                );
                counts[2] += 1;
            }
        }
    }

    for version in ["v1", "v2"] {
        for path in sorted(&root.join("core/tests/golden").join(version), "json") {
            let text = fs::read_to_string(&path).expect("read a golden file");
            // Statistics and state files sit beside the snapshots: only snapshots are seeds.
            let Ok(doc) = Versioned::parse(&text) else {
                continue;
            };
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            write(&snap_dir, &format!("golden_{version}_{stem}.json"), &text);
            let config = doc.upgrade().config;
            write(
                &json_dir,
                &format!("golden_{version}_{stem}_config.json"),
                &serde_json::to_string_pretty(&config).expect("config JSON"),
            );
            counts[1] += 1;
            counts[2] += 1;
        }
    }
    println!(
        "seed corpora in {}: config_yaml {}, config_json {}, snapshot_restore {} (snapshot_mutate and submission are structured: no seeds)",
        out.display(),
        counts[0],
        counts[1],
        counts[2]
    );
}
