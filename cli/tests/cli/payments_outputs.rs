//! `run --payments`: a refused payments file, or an output refused after it, loses nothing —
//! every output file is as it was before the run.

use crate::support::{code, root, run_in};

const SCENARIO: &str = "examples/payments/scenario.yaml";
const PAYMENTS: &str = "examples/payments/payments.csv";

/// Outputs are opened after the payments file's first day is accepted, and a results file is
/// emptied only when the run writes to it: a refused payments file leaves an events file as it
/// was, and an events path refused after the payments leaves the results as they were.
#[test]
fn a_refused_run_leaves_every_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root().join(SCENARIO), d.join("scenario.yaml")).unwrap();
    std::fs::copy(root().join(PAYMENTS), d.join("good.csv")).unwrap();
    std::fs::write(
        d.join("bad.csv"),
        "id,tick,sender,receiver,amount\na,0,BANK_A,BANK_Z,3\n",
    )
    .unwrap();
    std::fs::write(d.join("e.jsonl"), "an earlier run's events\n").unwrap();
    std::fs::write(d.join("r.csv"), "an earlier run's results\n").unwrap();
    let out = run_in(
        d,
        &[
            "run",
            "scenario.yaml",
            "--payments",
            "bad.csv",
            "--events",
            "e.jsonl",
        ],
    );
    assert_eq!(code(&out), 2);
    let events = std::fs::read_to_string(d.join("e.jsonl")).unwrap();
    assert_eq!(events, "an earlier run's events\n");

    let out = run_in(
        d,
        &[
            "run",
            "scenario.yaml",
            "--payments",
            "good.csv",
            "--business-day",
            "07:00-18:00",
            "--results",
            "r.csv",
            "--events",
            "good.csv/e.jsonl",
        ],
    );
    assert_ne!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let results = std::fs::read_to_string(d.join("r.csv")).unwrap();
    assert_eq!(results, "an earlier run's results\n");
}
