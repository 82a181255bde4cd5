//! A Host policy (decided by a host program) in a scenario file: `validate` accepts it, `run`
//! explains that it needs a host and exits 2 without running or writing anything.

use crate::support::{code, fixture, run, workdir};

#[test]
fn validate_accepts_a_host_policy() {
    let out = run(&["validate", &fixture("host_policy.yaml")]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn run_explains_that_a_host_policy_needs_a_host() {
    let dir = workdir(&[]);
    let events = dir.path().join("events.jsonl");
    let out = run(&[
        "run",
        &fixture("host_policy.yaml"),
        "--events",
        events.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 2, "{stderr}");
    assert!(stderr.contains("cannot run"), "{stderr}");
    assert!(
        stderr.contains("agent_configs[0].policy: agent \"BANK_A\" has a Host policy"),
        "{stderr}"
    );
    assert!(stderr.contains("CLI run"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!events.exists(), "nothing is written");
}
