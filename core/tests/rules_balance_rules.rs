//! Reservations of participants whose balance is a rule (`balance: {times_daily_outflow: x}`,
//! or a rule on the liquidity bounds): they are judged against the balance the rule gives,
//! not against the 0 a rule's balance holds before it is worked out (`docs/model.md` § The
//! rules of real RTGS systems, Validation).

use payment_sim_core::{parse_document, SimError, Simulation};

/// A and B each send 1 payment a tick of 100–300 (mean 200) over a 10-tick day: an expected
/// daily outflow of 2,000, so `times_daily_outflow: 0.5` gives each an opening balance of 1,000.
fn scenario(reservations: &str) -> String {
    format!(
        r#"
simulation: {{ticks_per_day: 10, num_days: 1, seed: 7}}
agents:
  - id: A
    balance: {{times_daily_outflow: 0.5}}
    policy: {{type: Fifo}}
    arrival_config:
      rate_per_tick: 1.0
      distribution: {{type: Uniform, min: 100, max: 300}}
      counterparty_weights: {{B: 1.0}}
      deadline_offset: 5
  - id: B
    balance: {{times_daily_outflow: 0.5}}
    policy: {{type: Fifo}}
    arrival_config:
      rate_per_tick: 1.0
      distribution: {{type: Uniform, min: 100, max: 300}}
      counterparty_weights: {{A: 1.0}}
      deadline_offset: 5
rules:
  participants:
    A: {{reservations: {reservations}}}
"#
    )
}

#[test]
fn a_reservation_within_a_balance_worked_out_from_the_daily_outflow_is_accepted() {
    // 800 reserved out of the 1,000 the rule gives A: accepted (it used to be refused against
    // an opening balance of 0).
    let (config, _) = parse_document(&scenario("{urgent: 800}")).unwrap();
    assert_eq!(config.agent_configs[0].opening_balance, 1_000);
    assert_eq!(config.agent_configs[1].opening_balance, 1_000);
    let mut sim = Simulation::new(config).unwrap();
    sim.run_to_end().unwrap();
    // The reservation binds: A's normal payments may use only 1,000 − 800 = 200 of its
    // opening balance, so some of them are held by it.
    let rules = sim.statistics().rules.unwrap();
    assert!(rules.held_by_reservation > 0, "{rules:?}");
}

#[test]
fn a_reservation_above_the_worked_out_balance_is_refused_with_its_path() {
    // 1,200 in all (700 + 500) out of 1,000: refused once the balance is known, at its path.
    let e = parse_document(&scenario("{highly_urgent: 700, urgent: 500}")).unwrap_err();
    let SimError::InvalidConfig(problems) = e else {
        panic!("expected a configuration error, got {e:?}")
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "rules.participants.A.reservations");
    assert!(
        problems[0].message.contains("1200 in all") && problems[0].message.contains("= 1000"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_reservation_on_a_t2_day_participant_is_accepted() {
    // The shipped T2-like day sets every balance to 5% of the daily outflow.
    let text = include_str!("../../examples/scenarios/t2_day.yaml");
    let (plain, _) = parse_document(text).unwrap();
    let opening = plain.agent_configs[0].opening_balance;
    assert!(opening > 2);
    let with_rules = format!(
        "{text}\nrules:\n  participants:\n    T2_000: {{reservations: {{urgent: {}}}}}\n",
        opening / 2
    );
    let (config, _) = parse_document(&with_rules).unwrap();
    assert_eq!(config.agent_configs[0].opening_balance, opening);
    let too_much = format!(
        "{text}\nrules:\n  participants:\n    T2_000: {{reservations: {{urgent: {}}}}}\n",
        opening + 1
    );
    let e = parse_document(&too_much).unwrap_err();
    assert_eq!(
        e.problems()[0].path,
        "rules.participants.T2_000.reservations"
    );
}

#[test]
fn balances_from_the_bounds_work_with_collateral() {
    // The bounds' first pass raises every opening balance as high as the bound on money
    // allows; the credit line A's collateral gives (⌊1,000 × 0.5⌋ = 500) counts in that bound.
    let text = scenario("{urgent: 100}")
        .replace("{times_daily_outflow: 0.5}", "{times_upper_bound: 1.0}")
        .replace(
            "A: {reservations: {urgent: 100}}",
            "A: {reservations: {urgent: 100}, collateral: {posted: 1000, haircut: 0.5}}",
        );
    let (config, _) = parse_document(&text).unwrap();
    assert!(config.agent_configs[0].opening_balance > 0);
}
