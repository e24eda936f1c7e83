use super::*;
use crate::clock::stamp;
use crate::state::outbox::Claim;

fn key(app: &str) -> OutboxKey {
    OutboxKey {
        application_id: app.into(),
        report_fy: 2024,
        stage: Stage::Tokusoku,
    }
}

/// Sends `app`'s reminder as a night does: log `data`, mark, log `sent`, finish.
fn send(state: &State, app: &str) {
    let sender = state.outbox_sender().unwrap();
    let k = key(app);
    let mid = format!("<{app}@example.jp>");
    let claim = Claim {
        job: "nightly",
        recipient: "a@example.jp",
        subject: "督促",
        message_id: &mid,
        now: stamp("2024-05-08T02:30:00+09:00"),
    };
    assert!(state.outbox_claim(&sender, &k, claim).unwrap());
    let fields = claim;
    let mut log = SentLog::open(&state.path).unwrap();
    log.append(&[Record::new(Event::Data, &k, fields)]).unwrap();
    state.outbox_mark_data(&k, &mid).unwrap();
    log.append(&[Record::new(Event::Sent, &k, fields)]).unwrap();
    state
        .outbox_finish(
            &k,
            &mid,
            OutboxStatus::Sent,
            None,
            stamp("2024-05-08T02:30:01+09:00"),
        )
        .unwrap();
}

fn now() -> Stamp {
    stamp("2024-05-09T02:30:00+09:00")
}

#[test]
fn a_deleted_state_file_disagrees_until_reconciled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hojokin.db");
    let state = State::open(&db).unwrap();
    assert_eq!(state.sent_log_agreement(now()).unwrap(), Agreement::Agrees);
    send(&state, "R5-001");
    send(&state, "R5-002");
    assert_eq!(state.sent_log_agreement(now()).unwrap(), Agreement::Agrees);
    drop(state);
    for f in ["hojokin.db", "hojokin.db-wal", "hojokin.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let state = State::open(&db).unwrap();
    let Agreement::Disagrees(d) = state.sent_log_agreement(now()).unwrap() else {
        panic!("a new state file beside a log must disagree");
    };
    assert_eq!(
        (d.unknown_to_state, d.unknown_to_log, d.log_missing),
        (2, 0, false)
    );
    assert!(
        d.sentence().contains("hojokin state reconcile"),
        "{}",
        d.sentence()
    );
    let done = state.sent_log_reconcile(now()).unwrap();
    assert_eq!(
        done,
        Reconciled {
            marked_sent: 2,
            marked_uncertain: 0,
            added_to_log: 0
        }
    );
    assert_eq!(
        state.outbox_entry(&key("R5-001")).unwrap().unwrap().status,
        OutboxStatus::Sent
    );
    assert_eq!(state.sent_log_agreement(now()).unwrap(), Agreement::Agrees);
}

#[test]
fn a_lost_log_and_a_handed_over_mail_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hojokin.db");
    let state = State::open(&db).unwrap();
    state.sent_log_agreement(now()).unwrap();
    send(&state, "R5-001");
    std::fs::remove_file(path_for(&db)).unwrap();
    let Agreement::Disagrees(d) = state.sent_log_agreement(now()).unwrap() else {
        panic!("a missing log must disagree");
    };
    assert!(d.log_missing && d.unknown_to_log == 1, "{d:?}");
    let done = state.sent_log_reconcile(now()).unwrap();
    assert_eq!(done.added_to_log, 1);
    assert_eq!(state.sent_log_agreement(now()).unwrap(), Agreement::Agrees);

    // A `data` record the state file does not know becomes uncertain, never queued.
    let k = key("R5-009");
    let mut log = SentLog::open(&db).unwrap();
    let fields = Claim {
        message_id: "<x@example.jp>",
        job: "nightly",
        recipient: "b@example.jp",
        subject: "督促",
        now: now(),
    };
    log.append(&[Record::new(Event::Data, &k, fields)]).unwrap();
    assert!(matches!(
        state.sent_log_agreement(now()).unwrap(),
        Agreement::Disagrees(_)
    ));
    let done = state.sent_log_reconcile(now()).unwrap();
    assert_eq!(done.marked_uncertain, 1);
    assert_eq!(
        state.outbox_entry(&k).unwrap().unwrap().status,
        OutboxStatus::Uncertain
    );
}

#[test]
fn an_old_state_file_without_a_log_is_adopted_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hojokin.db");
    let state = State::open(&db).unwrap();
    send(&state, "R5-001");
    std::fs::remove_file(path_for(&db)).unwrap();
    state.conn.execute("DELETE FROM sent_log_meta", []).unwrap();
    // The upgrade: no marker, no log: the outbox becomes the log.
    assert_eq!(state.sent_log_agreement(now()).unwrap(), Agreement::Agrees);
    let records = read(&path_for(&db)).unwrap().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event, Event::Sent);
}

#[test]
fn a_torn_last_line_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sent-log");
    std::fs::write(&path, "{\"event\":\"sent\",\"applic").unwrap();
    assert_eq!(read(&path).unwrap(), Some(vec![]));
    std::fs::write(&path, "garbage\n").unwrap();
    assert!(read(&path).is_err());
}

#[test]
fn a_backup_equals_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hojokin.db");
    let state = State::open(&db).unwrap();
    send(&state, "R5-001");
    let copy = dir.path().join("copy.db");
    state.backup_to(&copy).unwrap();
    let copied = State::open(&copy).unwrap();
    assert_eq!(
        copied.outbox_entries().unwrap(),
        state.outbox_entries().unwrap()
    );
    let rotated = dir.path().join("backups");
    for stamp in ["20240501-023000", "20240502-023000", "20240503-023000"] {
        state.backup_rotated(&rotated, stamp, 2).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(&rotated)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["hojokin-20240502-023000.db", "hojokin-20240503-023000.db"]
    );
}
