//! The log's levels, numbering and discarding.

use super::*;
use crate::config::EventRecording;
use crate::transaction::TxId;

#[test]
fn levels_filter_and_numbering_stays_contiguous() {
    let tx = TxId { seq: 1, part: 0 };
    let mut log = EventLog::new(EventRecording::Settlements);
    log.record(0, EventKind::Queued { tx, sender: 0 });
    log.record(
        0,
        EventKind::Dropped {
            tx,
            sender: 0,
            amount: 3,
        },
    );
    log.record(1, EventKind::Released { tx, sender: 0 });
    log.record(
        1,
        EventKind::Overdue {
            tx,
            sender: 0,
            amount: 3,
        },
    );
    assert_eq!(
        log.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(log.since(1).len(), 1);
    assert_eq!(log.since(99).len(), 0);
    let mut off = EventLog::new(EventRecording::Off);
    off.record(
        0,
        EventKind::Dropped {
            tx,
            sender: 0,
            amount: 3,
        },
    );
    assert_eq!(off.last_seq(), 0);
}

#[test]
fn discarded_events_keep_the_numbering() {
    let tx = TxId { seq: 1, part: 0 };
    let mut log = EventLog::new(EventRecording::Full);
    for t in 0..5 {
        log.record(t, EventKind::Queued { tx, sender: 0 });
    }
    assert_eq!(log.discard_through(2), 2);
    assert_eq!(log.discard_through(1), 0);
    assert_eq!((log.discarded, log.events.len(), log.last_seq()), (2, 3, 5));
    assert_eq!(log.since(0)[0].seq, 3);
    assert_eq!(log.since(3)[0].seq, 4);
    assert!(log.since(5).is_empty());
    log.record(5, EventKind::Queued { tx, sender: 0 });
    assert_eq!(log.since(0).last().map(|e| e.seq), Some(6));
    assert_eq!(log.discard_through(u64::MAX), 4);
    assert_eq!((log.discarded, log.events.len(), log.last_seq()), (6, 0, 6));
    log.record(6, EventKind::Queued { tx, sender: 0 });
    assert_eq!(log.since(0)[0].seq, 7);
}

#[test]
fn records_render_names_and_ids() {
    let e = Event {
        seq: 4,
        tick: 2,
        kind: EventKind::Settled {
            tx: TxId { seq: 3, part: 1 },
            sender: 1,
            receiver: 0,
            amount: 10,
            mechanism: Mechanism::Bilateral,
        },
    };
    let json = serde_json::to_string(&e.record(&["A".into(), "B".into()])).unwrap();
    assert_eq!(
        json,
        r#"{"seq":4,"tick":2,"type":"settled","tx":"T3.1","sender":"B","receiver":"A","amount":10,"mechanism":"bilateral"}"#
    );
}
