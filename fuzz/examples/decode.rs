//! Turn a fuzz input (a crash artifact or a corpus file) into what a regression test in the
//! core replays without this crate: `decode TARGET FILE`.
//!
//! - `snapshot_mutate`: the mutated snapshot JSON on stdout (what `Simulation::restore_json`
//!   is given); the case (configuration, steps, mutations) on stderr;
//! - `submission`: the script of `SubmissionCase::script` (configuration JSON, then
//!   `submit <json string>` / `tick <n>` lines);
//! - the byte-level targets: the input itself, as text.

use arbitrary::{Arbitrary, Unstructured};
use payment_sim_fuzz::{SnapshotCase, SubmissionCase};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, file] = args.as_slice() else {
        eprintln!("usage: decode TARGET FILE");
        std::process::exit(2);
    };
    let data = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    // libfuzzer-sys builds a structured input with `arbitrary_take_rest`.
    let mut u = Unstructured::new(&data);
    match target.as_str() {
        "snapshot_mutate" => {
            let case = SnapshotCase::arbitrary_take_rest(u).expect("not a snapshot_mutate input");
            eprintln!("{case:#?}");
            let (_, mutated) = case.snapshots();
            println!("{}", serde_json::to_string(&mutated).expect("JSON"));
        }
        "submission" => {
            let case = SubmissionCase::arbitrary_take_rest(u).expect("not a submission input");
            eprintln!("{case:#?}");
            print!("{}", case.script());
        }
        "config_json" | "config_yaml" | "snapshot_restore" => {
            let _ = &mut u;
            print!("{}", String::from_utf8_lossy(&data));
        }
        other => {
            eprintln!("unknown target {other}");
            std::process::exit(2);
        }
    }
}
