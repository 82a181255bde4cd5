//! Host policies in the core: the view, the checks of decisions, the rollback of a failed tick.

use super::*;
use crate::config::SimulationConfig;

#[test]
fn every_feature_has_one_place_in_the_view() {
    for f in Feature::ALL {
        let places = feature_lists().iter().filter(|l| l.contains(f)).count();
        assert_eq!(places, 1, "feature {} is in {places} lists", f.name());
    }
}

#[test]
fn decisions_are_read_and_checked_with_paths() {
    let ids: Vec<String> = ["1", "2", "3"].map(String::from).to_vec();
    let d = HostDecision::list_from_json(
        r#"[{"id": "3", "action": "split", "parts": 2}, {"id": "1", "action": "release"},
            {"id": "2", "action": "hold"}]"#,
    )
    .unwrap();
    let r = releases(&d, &ids).unwrap();
    assert_eq!(
        r,
        vec![
            Release { index: 2, parts: 2 },
            Release { index: 0, parts: 0 }
        ]
    );
    let bad = |text: &str| {
        let d = HostDecision::list_from_json(text)?;
        releases(&d, &ids).map(|_| ())
    };
    let p = bad(r#"[{"id": "9", "action": "release"}]"#).unwrap_err();
    assert_eq!(p.path, "[0].id");
    assert!(
        p.message.contains("not in the agent's Queue 1"),
        "{}",
        p.message
    );
    let p =
        bad(r#"[{"id": "1", "action": "release"}, {"id": "1", "action": "hold"}]"#).unwrap_err();
    assert_eq!(p.path, "[1].id");
    assert!(
        p.message.contains("decided twice (first at [0])"),
        "{}",
        p.message
    );
    for (text, path) in [
        (
            r#"[{"id": "1", "action": "split", "parts": 1}]"#,
            "[0].parts",
        ),
        (
            r#"[{"id": "1", "action": "split", "parts": 1001}]"#,
            "[0].parts",
        ),
        (r#"[{"id": "1", "action": "split"}]"#, "[0].parts"),
        (
            r#"[{"id": "1", "action": "release", "parts": 2}]"#,
            "[0].parts",
        ),
        (r#"[{"id": "1", "action": "relase"}]"#, "[0].action"),
        (r#"[{"id": 1, "action": "release"}]"#, "[0].id"),
        (r#"[{"id": "1", "action": "release", "x": 1}]"#, "[0].x"),
        (r#"{"id": "1"}"#, ""),
    ] {
        assert_eq!(bad(text).unwrap_err().path, path, "{text}");
    }
    assert!(bad("not json")
        .unwrap_err()
        .message
        .contains("malformed JSON"));
}

/// A host that releases everything in queue order (what `Fifo` does), counting its calls.
struct ReleaseAll {
    calls: std::sync::Arc<std::sync::atomic::AtomicU64>,
    fail_at: Option<u64>,
}

impl HostPolicy for ReleaseAll {
    fn decide(&mut self, view: &HostView) -> Result<Vec<HostDecision>, Problem> {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(FeatureValue::Number(tick)) = view.features.get("tick") else {
            panic!("no tick in the view");
        };
        if self.fail_at == Some(*tick as u64) {
            return Err(Problem::whole("no decision today"));
        }
        Ok(view
            .queue1
            .iter()
            .map(|o| HostDecision {
                id: o.id.clone(),
                action: HostAction::Release,
            })
            .collect())
    }
}

fn config(policy: &str) -> SimulationConfig {
    let agent = |id: &str, to: &str| {
        format!(
            r#"{{"id": "{id}", "opening_balance": 500, "credit_limit": 100, "policy": {policy},
              "arrival_config": {{"rate_per_tick": 2, "distribution": {{"type": "Uniform", "min": 50, "max": 400}},
                                 "counterparty_weights": {{"{to}": 1}}, "deadline_offset": 8}}}}"#
        )
    };
    SimulationConfig::from_json(&format!(
        r#"{{"ticks_per_day": 20, "num_days": 2, "rng_seed": 11, "event_recording": "full",
            "agent_configs": [{}, {}]}}"#,
        agent("A", "B"),
        agent("B", "A")
    ))
    .unwrap()
}

fn host(fail_at: Option<u64>) -> Box<dyn HostPolicy> {
    Box::new(ReleaseAll {
        calls: Default::default(),
        fail_at,
    })
}

#[test]
fn a_host_releasing_everything_is_fifo_and_a_failed_tick_changes_nothing() {
    let mut fifo = Simulation::new(config(r#"{"type": "Fifo"}"#)).unwrap();
    let mut hosted = Simulation::new(config(r#"{"type": "Host", "name": "all"}"#)).unwrap();
    // Without a host the tick is refused before anything runs.
    let e = hosted.tick().unwrap_err();
    assert!(
        matches!(&e, SimError::InvalidConfig(p) if p.len() == 2),
        "{e}"
    );
    assert_eq!(hosted.current_tick(), 0);
    assert_eq!(hosted.host_policy_agents(), ["A", "B"]);

    hosted.set_host_policy(Some(host(Some(25))));
    for _ in 0..25 {
        assert_eq!(fifo.tick().unwrap(), hosted.tick().unwrap());
    }
    let before = hosted.snapshot_json();
    let events = hosted.last_event_seq();
    let e = hosted.tick().unwrap_err();
    assert!(
        matches!(&e, SimError::HostPolicy(p) if p.message == "host policy of agent \"A\" (\"all\") at tick 25: no decision today"),
        "{e}"
    );
    assert_eq!(hosted.snapshot_json(), before);
    assert_eq!(hosted.last_event_seq(), events);
    // A working host again: the run goes on as Fifo's.
    hosted.set_host_policy(Some(host(None)));
    for _ in 25..40 {
        assert_eq!(fifo.tick().unwrap(), hosted.tick().unwrap());
    }
    assert_eq!(fifo.events_since(0), hosted.events_since(0));
    assert_eq!(
        serde_json::to_string(&fifo.statistics().agents).unwrap(),
        serde_json::to_string(&hosted.statistics().agents).unwrap()
    );
}

#[test]
fn a_restored_host_simulation_needs_its_host_again() {
    let mut sim = Simulation::new(config(r#"{"type": "Host"}"#)).unwrap();
    sim.set_host_policy(Some(host(None)));
    sim.run(10).unwrap();
    let snapshot = sim.snapshot_json();
    assert!(snapshot.contains(r#""policy":{"type":"Host"}"#));
    let mut restored = Simulation::restore_json(&snapshot).unwrap();
    let e = restored.tick().unwrap_err();
    assert!(e.to_string().contains("has a Host policy"), "{e}");
    restored.set_host_policy(Some(host(None)));
    let (a, b) = (sim.run(30).unwrap(), restored.run(30).unwrap());
    assert_eq!(a, b);
    assert_eq!(sim.snapshot_json(), restored.snapshot_json());
}
