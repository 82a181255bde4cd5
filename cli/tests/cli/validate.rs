//! `validate`: ok lines on stdout, every problem with its path on stderr, exit 2; with
//! `--format json`, every problem as `{path, message, value}`.

use insta::assert_snapshot;

use crate::support::{fixture, session};

#[test]
fn shipped_scenarios_are_valid() {
    let mut args = vec!["validate".to_string()];
    let mut files: Vec<String> =
        std::fs::read_dir(crate::support::root().join("examples/scenarios"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .map(|n| format!("examples/scenarios/{n}"))
            .collect();
    files.sort();
    args.extend(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_snapshot!("validate_examples", session(&args));
}

#[test]
fn every_problem_is_listed_with_its_path() {
    assert_snapshot!(
        "validate_invalid",
        session(&["validate", &fixture("invalid.yaml")])
    );
}

#[test]
fn json_lists_every_problem_with_its_path_and_value() {
    assert_snapshot!(
        "validate_invalid_json",
        session(&["validate", "--format", "json", &fixture("invalid.yaml")])
    );
}

#[test]
fn json_lists_each_file() {
    assert_snapshot!(
        "validate_json",
        session(&[
            "validate",
            "--format",
            "json",
            &fixture("machine.json"),
            &fixture("scenario.json"),
            &fixture("unknown_field.yaml"),
            &fixture("bad_syntax.yaml"),
            "missing.yaml",
        ])
    );
}

#[test]
fn validate_needs_a_file() {
    assert_snapshot!("validate_no_file", session(&["validate"]));
}
