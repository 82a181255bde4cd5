//! Balances from the liquidity bounds with the rules on (`docs/model.md` § The release order,
//! and the liquidity bounds, "The rules in the first pass"): the first pass runs without the
//! rules' holds (reservations, limits, the actions that change them, the settlement
//! switches), keeps collateral and classes, and keeps from-times — so a scenario with limits
//! loads, with the balances of the same scenario without them.

use payment_sim_core::parse_document;

/// A, B, C over a 10-tick day, every payment scheduled:
///
/// | tick | payment | released |
/// |------|---------|----------|
/// | 0 | B→A 60, from-time 2 | tick 2 |
/// | 1 | A→B 100 | tick 1 |
/// | 3 | A→C 50 | tick 3 |
/// | 4 | C→B 80 | tick 4 |
/// | 8 | B→C 500, from-time 13 | never (after the horizon) |
///
/// In release order `N_A` = 100, 40, 90 (UB 100, LB 90); `N_B` = −100, −40, −40, −120 (UB 0,
/// LB 0: the unreleased 500 does not count); `N_C` = 0, 0, −50, 30 (UB 30, LB 30). So A
/// (`between_bounds: 0.5`) opens with 90 + ⌈0.5 · 10⌉ = 95, B (`times_upper_bound: 1`) with
/// 0, C (`times_lower_bound: 1`) with 30.
fn scenario(rules: &str, extra_events: &str) -> String {
    format!(
        r#"
simulation: {{ticks_per_day: 10, num_days: 1, seed: 1}}
agents:
  - {{id: A, balance: {{between_bounds: 0.5}}, policy: {{type: Fifo}}}}
  - {{id: B, balance: {{times_upper_bound: 1}}, policy: {{type: Fifo}}}}
  - {{id: C, balance: {{times_lower_bound: 1}}, policy: {{type: Fifo}}}}
scenario_events:
  - {{type: payment, sender: B, receiver: A, amount: 60, tick: 0, from_offset: 2, deadline_offset: 9}}
  - {{type: payment, sender: A, receiver: B, amount: 100, tick: 1, deadline_offset: 8}}
  - {{type: payment, sender: A, receiver: C, amount: 50, tick: 3, deadline_offset: 6}}
  - {{type: payment, sender: C, receiver: B, amount: 80, tick: 4, deadline_offset: 5}}
  - {{type: payment, sender: B, receiver: C, amount: 500, tick: 8, from_offset: 5, deadline_offset: 9}}
{extra_events}{rules}"#
    )
}

fn balances(text: &str) -> Vec<i64> {
    let (config, _) = parse_document(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (config.agent_configs.iter())
        .map(|a| a.opening_balance)
        .collect()
}

/// Every rule at once: limits (bilateral and multilateral), a reservation, collateral, both
/// settlement switches, classes; and scheduled a limit change and a reservation far beyond
/// any balance (which would hold A's normal payments even in a pass with balances near
/// 2^63 / 3).
const EVERY_RULE: &str = r#"rules:
  classes: {urgent_from: 6, not_offset: [urgent]}
  entry_offsetting: true
  deferred_crediting: true
  participants:
    A: {bilateral_limits: {B: 0}, reservations: {urgent: 40}}
    B: {collateral: {posted: 1000, haircut: 0.5}}
    C: {multilateral_limit: 0}
"#;
const EVERY_ACTION: &str = r#"  - {type: reservation, agent: A, class: urgent, amount: 9000000000000000000, tick: 0}
  - {type: limit, agent: A, counterparty: B, amount: 0, tick: 1}
  - {type: collateral, agent: B, amount: -200, tick: 2}
"#;

#[test]
fn without_rules_the_balances_are_the_hand_computed_ones() {
    assert_eq!(balances(&scenario("", "")), [95, 0, 30]);
}

#[test]
fn a_from_time_counts_the_payment_when_it_is_released() {
    // Without B→A's from-time it is released at tick 0, before A→B 100: N_A = −60, 40, 90, so
    // UB(A) = 90 and A opens with 90 + ⌈0.5 · 0⌉ = 90; N_B = 60, −40, −40, −120, so B (UB)
    // opens with 60. With it (above) UB(A) is 100 and UB(B) 0: the pass keeps from-times.
    let text = scenario("", "").replacen(", from_offset: 2", "", 1);
    assert_eq!(balances(&text), [90, 60, 30]);
}

#[test]
fn limits_do_not_change_the_balances_from_the_bounds() {
    // A's bilateral limit 0 toward B holds A→B 100 (position −100) and C's multilateral limit
    // 0 holds C→B 80 (position 50 − 80): the first pass used to fail ("could not settle every
    // payment at entry").
    let limits = "rules:\n  participants:\n    A: {bilateral_limits: {B: 0}}\n    C: {multilateral_limit: 0}\n";
    assert_eq!(balances(&scenario(limits, "")), [95, 0, 30]);
}

#[test]
fn a_scheduled_reservation_beyond_any_balance_does_not_change_them() {
    let rules = "rules:\n  classes: {}\n";
    let reserve =
        "  - {type: reservation, agent: A, class: urgent, amount: 9000000000000000000, tick: 0}\n";
    assert_eq!(balances(&scenario(rules, reserve)), [95, 0, 30]);
}

#[test]
fn every_rule_and_action_together_leave_the_balances_as_without_rules() {
    let with = scenario(EVERY_RULE, EVERY_ACTION);
    assert_eq!(balances(&with), balances(&scenario("", "")));
    // The rules themselves are kept in the resolved configuration (only the pass drops them).
    let (config, _) = parse_document(&with).unwrap();
    assert!(config.rules.participants["A"].has_limits());
    assert_eq!(config.rules.participants["A"].reservations.urgent, 40);
    assert!(config.rules.entry_offsetting && config.rules.deferred_crediting);
    assert_eq!(config.scenario_events.len(), 8);
}

#[test]
fn the_resolved_scenario_with_limits_runs_and_its_limits_hold() {
    // Whatever A and B settle between them (A→B 100 waits for liquidity: A holds 95), A→C 50
    // settles gross at tick 3 (A holds at least 55 then), so C holds 30 + 50 = 80 at tick 4
    // when C→B 80 enters: the liquidity is there, but C's multilateral limit holds it (its
    // position toward A and B would be 50 − 80 = −30 < 0), and nothing C receives later
    // lifts it. Held by a limit, counted once, at entry.
    let limits = "rules:\n  participants:\n    C: {multilateral_limit: 0}\n";
    let (config, _) = parse_document(&scenario(limits, "")).unwrap();
    let mut sim = payment_sim_core::Simulation::new(config).unwrap();
    sim.run_to_end().unwrap();
    let rules = sim.statistics().rules.unwrap();
    assert_eq!(rules.held_by_limit, 1, "{rules:?}");
}
