//! Participants from the data: a participants file, the payments' senders and receivers, a
//! default balance or a rule on the liquidity bounds of a first pass over the file.

use payment_sim_core::config::PolicyConfig;
use payment_sim_core::import::{
    add_participants, read_participants, Added, FedError, ImportOptions, Importer, Listed,
    NewBalance, NewParticipants, PaymentFeed,
};
use payment_sim_core::indicators::bounds::BalanceRule;
use payment_sim_core::{Simulation, SimulationConfig};

fn config(tpd: u64, days: u64) -> SimulationConfig {
    serde_json::from_str(&format!(
        r#"{{"ticks_per_day": {tpd}, "num_days": {days}, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [
          {{"id": "A", "opening_balance": 1000000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}}]}}"#
    ))
    .unwrap()
}

fn add(
    cfg: &mut SimulationConfig,
    listed: &[Listed],
    new: &NewParticipants,
    payments: &str,
) -> Result<Added, FedError> {
    let mut open = || Ok(payments.as_bytes());
    add_participants(
        cfg,
        listed,
        "parts.csv",
        new,
        &mut open,
        "p.csv",
        &ImportOptions::default(),
    )
}

fn ids(cfg: &SimulationConfig) -> Vec<(&str, i64, i64)> {
    cfg.agent_configs
        .iter()
        .map(|a| (a.id.as_str(), a.opening_balance, a.credit_limit))
        .collect()
}

/// Run `cfg` on `payments`; every payment's (status, mechanism, delay) from the results.
fn run(cfg: SimulationConfig, payments: &str) -> Vec<String> {
    let mut sim = Simulation::new(cfg).unwrap();
    let feed = PaymentFeed::open(payments.as_bytes(), "p.csv", ImportOptions::default()).unwrap();
    let writer = payment_sim_core::import::ResultsWriter::new(
        Vec::new(),
        payment_sim_core::import::ResultsFormat::Csv,
    );
    let mut imp = Importer::start(&mut sim, feed, Some(writer)).unwrap();
    imp.run(&mut sim, u64::MAX).unwrap();
    let out = String::from_utf8(imp.finish(&mut sim).unwrap().writer.unwrap()).unwrap();
    out.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{} {} {} {}", f[0], f[8], f[10], f[11])
        })
        .collect()
}

const PAYMENTS: &str = "id,tick,sender,receiver,amount\n\
    p1,0,X,Y,100\n\
    p2,1,Y,X,30\n\
    p3,2,X,Y,50\n\
    p4,3,Z,A,10\n\
    p5,3,A,Y,5\n";

#[test]
fn listed_participants_then_the_payments_names_in_order_of_first_appearance() {
    let listed = read_participants(
        "id,balance,credit\nY,500,20\nW,,\n".as_bytes(),
        "parts.csv",
        b',',
    )
    .unwrap();
    let mut cfg = config(10, 1);
    let new = NewParticipants {
        from_payments: true,
        balance: NewBalance::Cents(7),
        credit: 3,
    };
    let added = add(&mut cfg, &listed, &new, PAYMENTS).unwrap();
    assert_eq!(
        added,
        Added {
            listed: 2,
            found: 2,
            from_bounds: 0
        }
    );
    assert_eq!(
        ids(&cfg),
        [
            ("A", 1_000_000, 0),
            ("Y", 500, 20),
            ("W", 7, 3),
            ("X", 7, 3),
            ("Z", 7, 3)
        ]
    );
    assert!(cfg.agent_configs[1..]
        .iter()
        .all(|a| a.policy == PolicyConfig::Fifo { split: None } && a.arrival_config.is_none()));
    // The payments now name known agents: the run goes.
    assert_eq!(run(cfg, PAYMENTS).len(), 5);
}

#[test]
fn without_creating_only_the_listed_join_and_unknown_names_stay_errors() {
    let listed = read_participants("id\nX\nY\n".as_bytes(), "parts.csv", b',').unwrap();
    let mut cfg = config(10, 1);
    add(&mut cfg, &listed, &NewParticipants::default(), PAYMENTS).unwrap();
    assert_eq!(ids(&cfg), [("A", 1_000_000, 0), ("X", 0, 0), ("Y", 0, 0)]);
    let mut sim = Simulation::new(cfg).unwrap();
    let feed = PaymentFeed::open(PAYMENTS.as_bytes(), "p.csv", ImportOptions::default()).unwrap();
    let e = Importer::<_, Vec<u8>>::start(&mut sim, feed, None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "p.csv line 5, column \"sender\": unknown participant \"Z\""
    );
}

/// The hand-computed bounds of the file: X releases 100, receives 30, releases 50, so
/// N_X = 100, 70, 120: UB(X) = LB(X) = 120; Y only gains: 0; Z pays 10: 10.
#[test]
fn balances_from_the_bounds_of_a_first_pass() {
    let cases = [
        (BalanceRule::TimesUpperBound(1.0), [120, 0, 10]),
        (BalanceRule::TimesUpperBound(1.5), [180, 0, 15]),
        (BalanceRule::TimesLowerBound(2.0), [240, 0, 20]),
        (BalanceRule::BetweenBounds(0.5), [120, 0, 10]),
    ];
    for (rule, want) in cases {
        let mut cfg = config(10, 1);
        let new = NewParticipants {
            from_payments: true,
            balance: NewBalance::Rule(rule),
            credit: 0,
        };
        let added = add(&mut cfg, &[], &new, PAYMENTS).unwrap();
        assert_eq!(added.from_bounds, 3);
        let got: Vec<i64> = cfg.agent_configs[1..]
            .iter()
            .map(|a| a.opening_balance)
            .collect();
        assert_eq!(got, want, "{rule:?}");
    }
    // With UB every payment settles at RTGS entry with no delay; one cent less for X and p3
    // waits.
    let mut cfg = config(10, 1);
    let new = NewParticipants {
        from_payments: true,
        balance: NewBalance::Rule(BalanceRule::TimesUpperBound(1.0)),
        credit: 0,
    };
    add(&mut cfg, &[], &new, PAYMENTS).unwrap();
    let results = run(cfg.clone(), PAYMENTS);
    assert!(
        results.iter().all(|r| r.ends_with("settled rtgs 0")),
        "{results:?}"
    );
    cfg.agent_configs[1].opening_balance -= 1;
    let results = run(cfg, PAYMENTS);
    // (Results come as payments end: p3, unsettled, last.)
    assert_eq!(results.len(), 5);
    assert_eq!(results[4], "p3 unsettled  ", "{results:?}");
}

#[test]
fn a_rejected_file_or_listing_leaves_the_configuration_unchanged() {
    let before = config(10, 1);
    let new = NewParticipants {
        from_payments: true,
        balance: NewBalance::Rule(BalanceRule::TimesUpperBound(1.0)),
        credit: 0,
    };
    // A bad row: found by the first pass, the configuration unchanged.
    let mut cfg = before.clone();
    let bad = "id,tick,sender,receiver,amount\np1,0,X,Y,100\np2,1,Y,X,zero\n";
    let e = add(&mut cfg, &[], &new, bad).unwrap_err().to_string();
    assert_eq!(
        e,
        "p.csv line 3, column \"amount\": \"zero\" is not a whole number of cents"
    );
    assert_eq!(cfg, before);
    // A listed participant the scenario has already.
    let listed = read_participants("id,balance\nA,5\n".as_bytes(), "parts.csv", b',').unwrap();
    let e = add(&mut cfg, &listed, &new, PAYMENTS)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "parts.csv line 2, column \"id\": \"A\" is an agent of the scenario already"
    );
    assert_eq!(cfg, before);
    // A negative default credit line.
    let neg = NewParticipants {
        credit: -1,
        ..NewParticipants::default()
    };
    let e = add(&mut cfg, &[], &neg, PAYMENTS).unwrap_err().to_string();
    assert!(e.contains("credit line must be ≥ 0 (got -1)"), "{e}");
    // An opening balance below −credit is the configuration's rule, named by agent.
    let listed = read_participants("id,balance\nX,-5\n".as_bytes(), "parts.csv", b',').unwrap();
    let e = add(&mut cfg, &listed, &NewParticipants::default(), PAYMENTS).unwrap_err();
    assert!(e.to_string().contains("\"X\""), "{e}");
    assert_eq!(cfg, before);
}

#[test]
fn participants_file_problems_name_line_and_column() {
    let e = |text: &str| {
        read_participants(text.as_bytes(), "parts.csv", b',')
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        e("name,balance\nX,1\n"),
        "parts.csv line 1, column \"name\": unknown column \"name\" (a participants file has id, balance, credit)\n\
         parts.csv line 1, column \"id\": the header has no \"id\" column"
    );
    assert_eq!(
        e("id,balance,credit\nX,1.5,-2\n,1,\nX,,\nY,2\n"),
        "parts.csv line 2, column \"balance\": \"1.5\" is not a whole number of cents\n\
         parts.csv line 2, column \"credit\": the credit line must be ≥ 0 (got -2)\n\
         parts.csv line 3, column \"id\": is empty (a value is required)\n\
         parts.csv line 4, column \"id\": participant \"X\" is listed twice\n\
         parts.csv line 5: the row has 2 fields, the header 3 (a truncated file or a wrong delimiter?)"
    );
    let not_utf8 = read_participants(&b"id\nX\xff\n"[..], "parts.csv", b',')
        .unwrap_err()
        .to_string();
    assert_eq!(not_utf8, "parts.csv line 2: field 1 is not valid UTF-8");
}

#[test]
fn balance_values_parse_in_the_core() {
    assert_eq!(NewBalance::parse("250").unwrap(), NewBalance::Cents(250));
    assert_eq!(
        NewBalance::parse("times_upper_bound:1.5").unwrap(),
        NewBalance::Rule(BalanceRule::TimesUpperBound(1.5))
    );
    assert_eq!(
        NewBalance::parse("between_bounds:0.25").unwrap(),
        NewBalance::Rule(BalanceRule::BetweenBounds(0.25))
    );
    assert_eq!(
        NewBalance::parse("between_bounds:2").unwrap_err().message,
        "participant_balance.between_bounds must be between 0 and 1 (got 2)"
    );
    assert!(NewBalance::parse("upper*2")
        .unwrap_err()
        .message
        .contains("cents or one of times_upper_bound:X"));
}
