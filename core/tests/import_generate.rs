//! The synthetic payments generator: deterministic, heavy-tailed sizes and activity, an
//! intraday pattern, and a file plus scenario that the importer replays without a problem.

use payment_sim_core::import::{FeedSpec, ImportOptions, Importer, PaymentFeed, Synthetic};
use payment_sim_core::{parse_document, Simulation};

fn generate(s: &Synthetic) -> (String, String) {
    let mut out = Vec::new();
    let g = s.write_payments(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let yaml = s.scenario_yaml(&g, "p.csv");
    (text, yaml)
}

#[test]
fn the_same_seed_writes_the_same_file_and_another_seed_another() {
    let s = Synthetic {
        per_day: 2_000,
        days: 2,
        ..Synthetic::default()
    };
    let (a, ya) = generate(&s);
    let (b, yb) = generate(&s);
    assert_eq!((a.as_str(), ya.as_str()), (b.as_str(), yb.as_str()));
    let (c, _) = generate(&Synthetic { seed: 2, ..s });
    assert_ne!(a, c);
    assert!(a.starts_with("id,time,sender,receiver,amount\nD1-000001,2026-03-02 07:"));
    assert_eq!(a.lines().count(), 4_001);
}

#[test]
fn sizes_and_activity_are_heavy_tailed_with_an_intraday_pattern() {
    let s = Synthetic {
        per_day: 20_000,
        ..Synthetic::default()
    };
    let (text, _) = generate(&s);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let mut amounts: Vec<i64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    amounts.sort_unstable();
    let median = amounts[amounts.len() / 2];
    let p999 = amounts[amounts.len() * 999 / 1000];
    assert!(p999 > 100 * median, "median {median}, 99.9th {p999}");
    let top = rows.iter().filter(|r| r[2] == "P001").count();
    let tenth = rows.iter().filter(|r| r[2] == "P010").count();
    assert!(top > 5 * tenth, "P001 sends {top}, P010 {tenth}");
    // Hours 07–18: the first and the last hour are busier than a midday hour.
    let hour = |h: &str| rows.iter().filter(|r| &r[1][11..13] == h).count();
    let (first, noon, last) = (hour("07"), hour("12"), hour("17"));
    assert!(
        first > 2 * noon && last > noon,
        "07h {first}, 12h {noon}, 17h {last}"
    );
    // Sorted by time within the day, no self-payment.
    assert!(rows.windows(2).all(|w| w[0][1] <= w[1][1]));
    assert!(rows.iter().all(|r| r[2] != r[3]));
}

#[test]
fn the_generated_scenario_replays_the_file_without_a_problem() {
    let s = Synthetic {
        per_day: 3_000,
        days: 2,
        opening: 22 * 3600, // across midnight
        closing: 6 * 3600,
        ticks_per_day: 48,
        ..Synthetic::default()
    };
    let (text, yaml) = generate(&s);
    let (config, _) = parse_document(&yaml).unwrap();
    assert_eq!(config.agent_configs.len(), 50);
    let mut sim = Simulation::new(config).unwrap();
    let spec = FeedSpec {
        business_day: Some("22:00-06:00".into()),
        ..FeedSpec::default()
    };
    let opts: ImportOptions = spec.options("p.csv").unwrap();
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", opts).unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut sim, feed, None).unwrap();
    imp.run(&mut sim, u64::MAX).unwrap();
    let done = imp.finish(&mut sim).unwrap();
    assert_eq!((done.stats.payments, done.stats.chunks), (6_000, 2));
    let settled = sim.statistics().settlements;
    assert!(settled > 5_000, "{settled} settled of 6,000");
}

#[test]
fn bad_parameters_are_named() {
    let s = Synthetic {
        participants: 1,
        per_day: 0,
        liquidity: f64::NAN,
        ..Synthetic::default()
    };
    let paths: Vec<String> = s
        .check()
        .unwrap_err()
        .problems()
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(paths, ["participants", "per_day", "liquidity"]);
}
