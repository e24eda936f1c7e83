use super::*;
use crate::clock::stamp;

fn now() -> Stamp {
    stamp("2024-04-23T02:30:00+09:00")
}

fn key(app: &str, stage: &str) -> OutboxKey {
    OutboxKey {
        application_id: app.into(),
        report_fy: 2024,
        stage: Stage::from_code(stage).expect("a stage code"),
    }
}

fn claim<'a>(message_id: &'a str) -> Claim<'a> {
    Claim {
        job: "nightly",
        recipient: "a@example.jp",
        subject: "件名",
        message_id,
        now: now(),
    }
}

fn status(s: &State, k: &OutboxKey) -> OutboxStatus {
    s.outbox_entry(k).unwrap().unwrap().status
}

#[test]
fn only_one_of_two_connections_wins_a_claim() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (a, b) = (State::open(&db).unwrap(), State::open(&db).unwrap());
    let (sa, sb) = (a.outbox_sender().unwrap(), b.outbox_sender().unwrap());
    let k = key("A-1", "saisoku");
    assert!(a.outbox_claim(&sa, &k, claim("<1@x>")).unwrap());
    assert!(!b.outbox_claim(&sb, &k, claim("<2@x>")).unwrap());
    let e = b.outbox_entry(&k).unwrap().unwrap();
    assert_eq!(e.status, OutboxStatus::Sending);
    assert_eq!(e.message_id.as_deref(), Some("<1@x>"));
    assert_eq!(e.attempts, 1);
}

#[test]
fn failed_rows_are_claimed_again_and_sent_rows_never() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let sender = s.outbox_sender().unwrap();
    let k = key("A-1", "annai");
    assert!(s.outbox_claim(&sender, &k, claim("<1@x>")).unwrap());
    s.outbox_finish(
        &k,
        "<1@x>",
        OutboxStatus::Failed,
        Some("接続できません"),
        now(),
    )
    .unwrap();
    assert!(s.outbox_claim(&sender, &k, claim("<2@x>")).unwrap());
    // A late answer for the first attempt must not touch the second claim.
    s.outbox_finish(&k, "<1@x>", OutboxStatus::Sent, None, now())
        .unwrap();
    assert_eq!(status(&s, &k), OutboxStatus::Sending);
    s.outbox_finish(&k, "<2@x>", OutboxStatus::Sent, None, now())
        .unwrap();
    let e = s.outbox_entry(&k).unwrap().unwrap();
    assert_eq!((e.status, e.attempts), (OutboxStatus::Sent, 2));
    assert_eq!(e.sent_at, Some(now().to_string()));
    assert!(!s.outbox_claim(&sender, &k, claim("<3@x>")).unwrap());
}

#[test]
fn a_claim_of_a_live_sender_survives_recovery_and_a_dead_one_becomes_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (a, b) = (State::open(&db).unwrap(), State::open(&db).unwrap());
    let sa = a.outbox_sender().unwrap();
    let k = key("A-1", "tokusoku");
    assert!(a.outbox_claim(&sa, &k, claim("<1@x>")).unwrap());
    a.outbox_mark_data(&k, "<1@x>").unwrap();
    assert!(b.outbox_recover(now()).unwrap().is_empty());
    assert_eq!(status(&b, &k), OutboxStatus::Sending);
    drop(sa); // the sender is gone without recording the outcome
    let recovered = b.outbox_recover(now()).unwrap();
    assert_eq!(recovered.len(), 1);
    assert_eq!(recovered[0].message_id.as_deref(), Some("<1@x>"));
    assert_eq!(recovered[0].status, OutboxStatus::Uncertain);
    assert_eq!(status(&b, &k), OutboxStatus::Uncertain);
    let sb = b.outbox_sender().unwrap();
    assert!(!b.outbox_claim(&sb, &k, claim("<2@x>")).unwrap());
    assert!(b.outbox_recover(now()).unwrap().is_empty());
}

#[test]
fn a_sender_killed_before_the_message_went_out_leaves_its_mail_queued() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (a, b) = (State::open(&db).unwrap(), State::open(&db).unwrap());
    let (connecting, sent) = (key("A-1", "annai"), key("A-2", "annai"));
    {
        let sa = a.outbox_sender().unwrap();
        assert!(a.outbox_claim(&sa, &connecting, claim("<1@x>")).unwrap());
        assert!(a.outbox_claim(&sa, &sent, claim("<2@x>")).unwrap());
        a.outbox_mark_data(&sent, "<2@x>").unwrap();
    } // killed: one still connecting, one after its message went out
    let mut recovered: Vec<(String, OutboxStatus)> = b
        .outbox_recover(now())
        .unwrap()
        .into_iter()
        .map(|e| (e.key.application_id, e.status))
        .collect();
    recovered.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        recovered,
        vec![
            ("A-1".to_string(), OutboxStatus::Queued),
            ("A-2".to_string(), OutboxStatus::Uncertain)
        ]
    );
    let e = b.outbox_entry(&connecting).unwrap().unwrap();
    assert_eq!(e.status, OutboxStatus::Queued);
    assert!(e.last_error.unwrap().contains("本文を送る前"));
    // Claimed again by the next run, exactly once.
    let sb = b.outbox_sender().unwrap();
    assert!(b.outbox_claim(&sb, &connecting, claim("<3@x>")).unwrap());
    assert!(!b.outbox_claim(&sb, &sent, claim("<4@x>")).unwrap());
    assert_eq!(b.outbox_entry(&connecting).unwrap().unwrap().attempts, 2);
}

#[test]
fn the_data_mark_needs_the_claim_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let sender = s.outbox_sender().unwrap();
    let k = key("A-1", "annai");
    assert!(s.outbox_mark_data(&k, "<1@x>").is_err(), "no claim at all");
    assert!(s.outbox_claim(&sender, &k, claim("<1@x>")).unwrap());
    assert!(
        s.outbox_mark_data(&k, "<0@x>").is_err(),
        "another attempt's id"
    );
    s.outbox_mark_data(&k, "<1@x>").unwrap();
}

#[test]
fn a_held_mail_is_queued_once_and_claimed_later() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let k = key("A-1", "annai");
    s.outbox_queue(&k, claim("")).unwrap();
    s.outbox_queue(&k, claim("")).unwrap();
    let e = s.outbox_entry(&k).unwrap().unwrap();
    assert_eq!((e.status, e.attempts), (OutboxStatus::Queued, 0));
    let sender = s.outbox_sender().unwrap();
    assert!(s.outbox_claim(&sender, &k, claim("<1@x>")).unwrap());
    s.outbox_finish(&k, "<1@x>", OutboxStatus::Sent, None, now())
        .unwrap();
    s.outbox_queue(&k, claim("")).unwrap();
    assert_eq!(status(&s, &k), OutboxStatus::Sent, "never re-queued");
}

#[test]
fn staff_resolve_uncertain_rows() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let k = key("A-1", "tokusoku");
    {
        let sender = s.outbox_sender().unwrap();
        assert!(s.outbox_claim(&sender, &k, claim("<1@x>")).unwrap());
        s.outbox_mark_data(&k, "<1@x>").unwrap();
    }
    assert_eq!(s.outbox_recover(now()).unwrap().len(), 1);
    assert!(s.outbox_resolve(&k, false, now()).unwrap());
    assert_eq!(status(&s, &k), OutboxStatus::Queued);
    assert!(!s.outbox_resolve(&k, true, now()).unwrap());
}

#[test]
fn waiting_rows_of_another_stage_expire() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let sender = s.outbox_sender().unwrap();
    let (annai, saisoku) = (key("A-1", "annai"), key("A-1", "saisoku"));
    let done = key("A-2", "annai");
    for (k, id, outcome) in [
        (&annai, "<1@x>", OutboxStatus::Failed),
        (&saisoku, "<2@x>", OutboxStatus::Failed),
        (&done, "<3@x>", OutboxStatus::Sent),
    ] {
        assert!(s.outbox_claim(&sender, k, claim(id)).unwrap());
        s.outbox_finish(k, id, outcome, None, now()).unwrap();
    }
    assert_eq!(
        s.outbox_expire("A-1", 2024, Some("saisoku"), now())
            .unwrap(),
        1
    );
    assert_eq!(status(&s, &annai), OutboxStatus::Expired);
    assert_eq!(status(&s, &saisoku), OutboxStatus::Failed);
    assert_eq!(s.outbox_expire("A-2", 2024, None, now()).unwrap(), 0);
    assert_eq!(status(&s, &done), OutboxStatus::Sent);
    assert_eq!(s.outbox_expire("A-1", 2024, None, now()).unwrap(), 1);
    assert_eq!(status(&s, &saisoku), OutboxStatus::Expired);
}

#[test]
fn digest_flags_are_remembered_per_job() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    assert!(
        !s.digest_flag_seen("nightly", "overdue", "A-1/2024")
            .unwrap()
    );
    s.digest_flags_record(
        "nightly",
        &[("overdue", "A-1/2024", "A-1 旧")],
        "2024-05-01",
    )
    .unwrap();
    s.digest_flags_record(
        "nightly",
        &[("overdue", "A-1/2024", "A-1 新")],
        "2024-05-02",
    )
    .unwrap();
    assert!(
        s.digest_flag_seen("nightly", "overdue", "A-1/2024")
            .unwrap()
    );
    assert!(!s.digest_flag_seen("weekly", "overdue", "A-1/2024").unwrap());
    // The latest line is what a 解消 section shows; forgetting makes it new again.
    assert_eq!(
        s.digest_flags_open("nightly").unwrap(),
        vec![("overdue".into(), "A-1/2024".into(), "A-1 新".into())]
    );
    s.digest_flags_forget("nightly", &[("overdue", "A-1/2024")])
        .unwrap();
    assert!(s.digest_flags_open("nightly").unwrap().is_empty());
    assert!(
        !s.digest_flag_seen("nightly", "overdue", "A-1/2024")
            .unwrap()
    );
}

#[test]
fn one_message_marks_all_its_keys_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let s = State::open(&dir.path().join("h.db")).unwrap();
    let sender = s.outbox_sender().unwrap();
    let key = |fy| OutboxKey {
        application_id: "A-1".into(),
        report_fy: fy,
        stage: Stage::Tokusoku,
    };
    let claim = |id| Claim {
        job: "nightly",
        recipient: "a@example.jp",
        subject: "s",
        message_id: id,
        now: stamp("2024-05-10T02:30:00+09:00"),
    };
    assert!(s.outbox_claim(&sender, &key(2023), claim("<m1>")).unwrap());
    assert!(s.outbox_claim(&sender, &key(2024), claim("<m2>")).unwrap());
    // One key was claimed under another message: nothing is marked.
    assert!(
        s.outbox_mark_data_all(&[key(2023), key(2024)], "<m1>")
            .is_err()
    );
    drop(sender);
    let back = s
        .outbox_recover(stamp("2024-05-10T02:31:00+09:00"))
        .unwrap();
    assert!(
        back.iter().all(|e| e.status == OutboxStatus::Queued),
        "{back:?}"
    );

    let sender = s.outbox_sender().unwrap();
    assert!(s.outbox_claim(&sender, &key(2023), claim("<m3>")).unwrap());
    assert!(s.outbox_claim(&sender, &key(2024), claim("<m3>")).unwrap());
    s.outbox_mark_data_all(&[key(2023), key(2024)], "<m3>")
        .unwrap();
    drop(sender);
    // Killed after the message went out: both keys are in doubt, neither resent.
    let back = s
        .outbox_recover(stamp("2024-05-10T02:32:00+09:00"))
        .unwrap();
    assert_eq!(back.len(), 2);
    assert!(
        back.iter().all(|e| e.status == OutboxStatus::Uncertain),
        "{back:?}"
    );
}

#[test]
fn tokens_name_sender_files_and_nothing_else_does() {
    let a = random_token();
    assert!(is_token(&a));
    assert!(!is_token("../x") && !is_token(""));
}

#[test]
fn stages_are_stored_as_their_codes_and_an_unknown_code_is_an_error() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for stage in Stage::ALL {
        let back: Stage = conn.query_row("SELECT ?1", [stage], |r| r.get(0)).unwrap();
        assert_eq!(back, stage);
        let stored: String = conn.query_row("SELECT ?1", [stage], |r| r.get(0)).unwrap();
        assert_eq!(stored, stage.code());
    }
    let err = conn
        .query_row("SELECT 'yokoku'", [], |r| r.get::<_, Stage>(0))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("未知の督促段階「yokoku」が状態ファイルにあります"),
        "{err}"
    );
}
