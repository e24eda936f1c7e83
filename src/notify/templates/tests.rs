use std::path::PathBuf;

use super::*;
use crate::compliance::reports::ReportDue;

fn shipped() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// A copy of the shipped templates with `name` replaced by `text`.
fn with(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shipped()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

fn row() -> ReportDue {
    ReportDue {
        application_id: "R5-017".into(),
        company: "株式会社綾瀬精工".into(),
        email: Some("soumu@ayase-seiko.example.jp".into()),
        program: "女性・障がい者雇用環境整備補助金".into(),
        report_name: "採用状況報告".into(),
        forms: vec!["第10号様式".into(), "第11号様式".into()].into(),
        attachments: vec![].into(),
        contact_name: None,
        decision_fy: 2023,
        decided_on: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap_or_default(),
        round: 1,
        rounds: 2,
        grace_open_days: 3,
        report_fy: 2024,
        due: NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
        nominal_due: NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
        due_shift: crate::model::DueShift::NextOpenDay,
        due_basis: None,
        received_on: None,
        received_later: None,
        state: ReportState::NotYetDue,
        remarks: Default::default(),
    }
}

const CONTACT: &str = "綾瀬市 産業振興部 工業振興企業誘致課\n電話 0467-70-5617";

/// One report, no earlier mail, replies not read: the plainest letter.
fn ctx(row: &ReportDue, stage: Stage, as_of: NaiveDate, contact: &str) -> Value {
    let reports = [DueReport {
        row,
        stage,
        sent_before: Vec::new(),
    }];
    reminder_context(
        &Letter {
            reports: &reports,
            contact,
            submission: None,
            submit_to: None,
            forms_url: None,
            reply_by: as_of,
            replies_reach_staff: false,
        },
        as_of,
    )
}

#[test]
fn the_shipped_templates_load_and_name_what_the_contract_asks() {
    let t = Templates::load(&shipped()).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap();
    // Issue 23.13: the program and the deadline with its weekday.
    let subjects = [
        (
            Stage::Annai,
            "【綾瀬市】女性・障がい者雇用環境整備補助金 令和6年度採用状況報告のご提出について（ご案内・期限 令和6年4月30日（火））",
        ),
        (
            Stage::Saisoku,
            "【綾瀬市】女性・障がい者雇用環境整備補助金 令和6年度採用状況報告の提出期限は令和6年4月30日（火）です",
        ),
        (
            Stage::Tokusoku,
            "【綾瀬市】女性・障がい者雇用環境整備補助金 令和6年度採用状況報告が未提出です（督促・期限 令和6年4月30日（火））",
        ),
        (
            Stage::Saitokusoku,
            "【綾瀬市】女性・障がい者雇用環境整備補助金 令和6年度採用状況報告を至急ご提出ください（再督促・期限 令和6年4月30日（火））",
        ),
    ];
    for (stage, subject) in subjects {
        let r = t
            .render(stage.template(), ctx(&row(), stage, as_of, CONTACT))
            .unwrap();
        assert_eq!(r.subject, subject);
        for needle in [
            "株式会社綾瀬精工\nご担当者様\n\n平素より綾瀬市の産業振興にご理解とご協力を賜り",
            // Issue 23.10: which grant and which of its two reports.
            "　補助金　：女性・障がい者雇用環境整備補助金\n",
            "　交付決定：令和5年度（令和5年6月1日（木））\n",
            "　申請番号：R5-017\n",
            "　報告　　：令和6年度採用状況報告\n　　　　　　（2回のうち1回目）\n",
            "　提出期限：令和6年4月30日（火）",
            "　提出書類：第10号様式\n　　　　　　第11号様式\n",
            "■ 様式の入手先\n様式は市のホームページから入手できます。\n",
            "本メールと行き違いでご提出いただいた場合は、ご容赦ください。",
            "電話 0467-70-5617",
            "送信専用",
        ] {
            assert!(
                r.body.contains(needle),
                "{stage:?} lacks {needle}:\n{}",
                r.body
            );
        }
        assert!(!r.body.contains("{{"), "{}", r.body);
        assert!(!r.body.contains("行き違いですので"), "{}", r.body);
        // 督促 and 再督促 give a date to reply by (here the sample's day).
        let asks_by = r.body.contains("令和6年5月10日（金）までに");
        assert_eq!(
            asks_by,
            matches!(stage, Stage::Tokusoku | Stage::Saitokusoku),
            "{stage:?}:\n{}",
            r.body
        );
    }
    let r = t
        .render("tokusoku.txt", ctx(&row(), Stage::Tokusoku, as_of, CONTACT))
        .unwrap();
    assert!(
        r.body
            .contains("　提出期限：令和6年4月30日（火）（10日経過）\n"),
        "{}",
        r.body
    );
    assert!(r.body.contains("令和6年5月10日（金）現在"), "{}", r.body);
}

/// Issue 23.9: the forms page and the attachments of 第10号様式 項4 in
/// every stage.
#[test]
fn every_stage_says_where_the_forms_are_and_what_to_attach() {
    let t = Templates::load(&shipped()).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap();
    let mut r = row();
    r.attachments = vec![
        "雇用保険被保険者証の写し".to_string(),
        "身体障害者手帳又は療育手帳等の写し".to_string(),
    ]
    .into();
    for stage in Stage::ALL {
        let reports = [DueReport {
            row: &r,
            stage,
            sent_before: Vec::new(),
        }];
        let letter = Letter {
            reports: &reports,
            contact: CONTACT,
            submission: None,
            submit_to: None,
            forms_url: Some("https://www.example.jp/yoshiki/"),
            reply_by: as_of,
            replies_reach_staff: true,
        };
        let body = t
            .render(stage.template(), reminder_context(&letter, as_of))
            .unwrap()
            .body;
        for needle in [
            "■ 様式の入手先\n様式は次のページからダウンロードできます。\nhttps://www.example.jp/yoshiki/\n",
            "　添付書類：雇用保険被保険者証の写し\n　　　　　　身体障害者手帳又は療育手帳等の写し\n",
        ] {
            assert!(body.contains(needle), "{stage:?} lacks {needle}:\n{body}");
        }
        assert!(!body.contains("市のホームページから入手"), "{body}");
    }
}

#[test]
fn an_unknown_variable_fails_at_load_even_in_a_branch_not_taken() {
    let dir = with(
        "saisoku.txt",
        "件名: 催促\n{% if false %}{{ compnay }}{% endif %}{{ company }}\n",
    );
    let err = Templates::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("saisoku.txt"), "{err}");
    assert!(err.contains("compnay"), "{err}");
    assert!(err.contains("company"), "the allowed list is shown: {err}");
}

#[test]
fn a_strict_render_catches_what_names_alone_do_not() {
    // `company.name` is a known variable, but a string has no attribute.
    let dir = with("annai.txt", "件名: 案内\n{{ company.name }}\n");
    let err = Templates::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("annai.txt"), "{err}");
}

#[test]
fn broken_templates_are_named() {
    let cases = [
        ("annai.txt", "{{ company }} 様\n本文\n", "件名"),
        ("annai.txt", "件名: \n本文\n", "件名が空"),
        (
            "digest.txt",
            "件名: x\n{% for x in overdue_new %}\n",
            "digest.txt",
        ),
        ("tokusoku.txt", "件名: x\n{{ sender }}\n", "sender"),
    ];
    for (name, text, needle) in cases {
        let dir = with(name, text);
        let err = Templates::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(name) && err.contains(needle),
            "{text:?}: {err}"
        );
    }
    let dir = with("notes.txt", "");
    std::fs::remove_file(dir.path().join("saitokusoku.txt")).unwrap();
    let err = Templates::load(dir.path()).unwrap_err();
    assert!(matches!(err, MailError::TemplateRead { .. }), "{err}");
    assert!(err.to_string().contains("saitokusoku.txt"), "{err}");
}

#[test]
fn the_subject_line_convention() {
    let cases = [
        ("件名: 件 名\n\n\n本文\n", " 件 名", "\n\n本文\n"),
        ("件名：全角コロン\r\n本文", "全角コロン", "本文"),
        ("\u{feff}件名: BOM\n本文", " BOM", "本文"),
    ];
    for (text, subject, body) in cases {
        assert_eq!(split_source(text).unwrap(), (subject, body), "{text:?}");
    }
    let mut env = Environment::new();
    env.add_template("x#subject", "　{{ s }} ").unwrap();
    env.add_template("x#body", "\n\n本文\r\n二行目").unwrap();
    let r = render_parts(&env, "x", context! { s => "件名" }).unwrap();
    assert_eq!(
        (r.subject.as_str(), r.body.as_str()),
        ("件名", "本文\n二行目\n")
    );
    let r = render_parts(&env, "x", context! { s => "件名\r\nBcc: x@example.com" }).unwrap();
    assert_eq!(
        r.subject, "件名\r\nBcc: x@example.com",
        "kept for the header check"
    );
}

#[test]
fn the_digest_lists_new_lines_and_counts_the_rest() {
    let t = Templates::load(&shipped()).unwrap();
    let ctx = context! {
        job => "nightly",
        as_of => "令和6年5月10日",
        as_of_iso => "2024-05-10",
        workbook => "summary-2024-05-10.xlsx",
        rejected_rows => 2,
        input_errors => 3,
        mails_sent => 4,
        mails_queued => 1,
        mails_failed => 1,
        mails_uncertain => 0,
        overdue_new => vec!["R5-017 株式会社綾瀬精工".to_string()],
        overdue_continuing => vec!["a".to_string(), "b".to_string()],
        disposals_new => Vec::<String>::new(),
        disposals_continuing => Vec::<String>::new(),
        findings_new => Vec::<String>::new(),
        findings_continuing => vec!["c".to_string()],
        contact => CONTACT,
        dry_run => false,
        new_total => 1,
        mails => vec!["R5-017 株式会社綾瀬精工 令和6年度採用状況報告 督促：送信済".to_string()],
        resolved => vec!["［要確認］R4-001 算定額超過".to_string()],
        description => "毎晩の集計・督促",
        notices => Vec::<String>::new(),
        folded => 0,
    };
    let r = t.render(DIGEST_TEMPLATE, ctx).unwrap();
    assert_eq!(
        r.subject, "【補助金夜間処理】令和6年5月10日 新たな要対応 1件（毎晩の集計・督促）",
        "the job as staff know it, by its description"
    );
    for needle in [
        "■ 未提出の雇用状況報告：新規 1件（継続 2件）\n・R5-017 株式会社綾瀬精工\n\n",
        "■ 制限期間内の財産処分：新規 0件（継続 0件）\n・新規はありません\n",
        "■ 要確認：新規 0件（継続 1件）\n",
        "■ 入力エラー：除外した行 2行（3件）\n・集計ブックの「入力エラー」シート",
        "送信 4件、再送待ち 1件（うち今回の送信失敗 1件）、送信不明 0件\n・R5-017 株式会社綾瀬精工 令和6年度採用状況報告 督促：送信済\n\n継続分",
        "■ 解消：前回までのまとめに載せ、今回は該当しなくなったもの 1件\n・［要確認］R4-001 算定額超過\n",
        "summary-2024-05-10.xlsx",
    ] {
        assert!(r.body.contains(needle), "lacks {needle:?}:\n{}", r.body);
    }
}

#[test]
fn a_first_mail_at_a_late_stage_claims_no_earlier_request() {
    let t = Templates::load(&shipped()).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 10).unwrap();
    let r = row();
    let render = |sent_before: Vec<(Stage, Option<NaiveDate>)>, stage: Stage| {
        let reports = [DueReport {
            row: &r,
            stage,
            sent_before,
        }];
        let letter = Letter {
            reports: &reports,
            contact: CONTACT,
            submission: None,
            submit_to: None,
            forms_url: None,
            reply_by: as_of,
            replies_reach_staff: false,
        };
        t.render(stage.template(), reminder_context(&letter, as_of))
            .unwrap()
            .body
    };
    for stage in [Stage::Tokusoku, Stage::Saitokusoku] {
        let first = render(Vec::new(), stage);
        assert!(!first.contains("先にご提出をお願い"), "{first}");
        assert!(!first.contains("重ねて"), "{first}");
        assert!(!first.contains("これまでのご連絡"), "{first}");
        let sent = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let later = render(vec![(Stage::Tokusoku, Some(sent))], stage);
        assert!(
            later.contains("先にご提出をお願いいたしましたが"),
            "{later}"
        );
        assert!(
            later.contains("これまでのご連絡：\n　　　　　　督促（令和6年5月1日（水））\n"),
            "{later}"
        );
    }
}

#[test]
fn one_mail_names_every_report_its_contact_and_how_to_submit() {
    let t = Templates::load(&shipped()).unwrap();
    // FY2023's report is a month overdue (再督促), FY2024's due in five days
    // (催促): one mail, and its subject calls only the first one overdue.
    let as_of = NaiveDate::from_ymd_opt(2024, 4, 25).unwrap();
    let mut older = row();
    older.report_fy = 2023;
    older.decision_fy = 2022;
    older.decided_on = NaiveDate::from_ymd_opt(2022, 6, 10).unwrap();
    older.due = NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
    older.nominal_due = NaiveDate::from_ymd_opt(2023, 4, 30).unwrap();
    older.contact_name = Some("遠藤 隆".into());
    older.forms = vec![
        crate::model::Form {
            name: "第10号様式".into(),
            title: Some("採用状況報告書".into()),
            attached_to: None,
        },
        crate::model::Form {
            name: "第11号様式".into(),
            title: Some("採用者リスト".into()),
            attached_to: Some("第10号様式".into()),
        },
    ]
    .into();
    let newer = ReportDue {
        report_fy: 2024,
        round: 2,
        due: NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
        nominal_due: NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
        ..older.clone()
    };
    let reports = [
        DueReport {
            row: &older,
            stage: Stage::Saitokusoku,
            sent_before: Vec::new(),
        },
        DueReport {
            row: &newer,
            stage: Stage::Saisoku,
            sent_before: Vec::new(),
        },
    ];
    let letter = Letter {
        reports: &reports,
        contact: CONTACT,
        submission: Some("持参または郵送でご提出ください。"),
        submit_to: Some("綾瀬市役所 工業振興企業誘致課"),
        forms_url: None,
        reply_by: NaiveDate::from_ymd_opt(2024, 5, 9).unwrap(),
        replies_reach_staff: true,
    };
    let r = t
        .render("saitokusoku.txt", reminder_context(&letter, as_of))
        .unwrap();
    assert_eq!(
        r.subject,
        "【綾瀬市】女性・障がい者雇用環境整備補助金 令和5年度採用状況報告を至急ご提出ください（再督促・期限 令和5年5月1日（月））／ほか1件の報告"
    );
    for needle in [
        "株式会社綾瀬精工\n遠藤 隆様\n\n平素より",
        "【1件目】\n　補助金　：女性・障がい者雇用環境整備補助金\n　交付決定：令和4年度（令和4年6月10日（金））\n",
        "　報告　　：令和5年度採用状況報告\n　　　　　　（2回のうち1回目）\n",
        "　提出期限：令和5年5月1日（月）（360日経過）\n　　　　　　（4月30日が閉庁日のため、翌開庁日）\n",
        "【2件目】（催促）\n",
        "　報告　　：令和6年度採用状況報告\n　　　　　　（2回のうち2回目）\n　提出期限：令和6年4月30日（火）\n",
        "第10号様式 採用状況報告書\n　　　　　　第11号様式 採用者リスト（第10号様式に添付）",
        "提出期限を過ぎた報告は、令和6年5月9日（木）までに必ずご提出",
        "■ 提出方法\n持参または郵送でご提出ください。\n提出先：\n綾瀬市役所 工業振興企業誘致課",
        "このメールにご返信いただくか",
    ] {
        assert!(r.body.contains(needle), "lacks {needle:?}:\n{}", r.body);
    }
    assert!(!r.body.contains("送信専用"), "{}", r.body);
    assert!(!r.body.contains("ご担当者様"), "{}", r.body);
}

/// Issue 12: the mail says why the deadline is not April 30, from the
/// duty's shift setting, and says nothing when it is.
#[test]
fn a_moved_deadline_says_why_from_the_shift_setting() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let mut r = row();
    r.nominal_due = d(2023, 4, 30);
    r.due = d(2023, 5, 1);
    r.due_shift = crate::model::DueShift::NextOpenDay;
    assert_eq!(deadline_note(&r), "（4月30日が閉庁日のため、翌開庁日）");
    r.due = d(2023, 4, 28);
    r.due_shift = crate::model::DueShift::PreviousOpenDay;
    assert_eq!(deadline_note(&r), "（4月30日が閉庁日のため、前の開庁日）");
    r.due = r.nominal_due;
    assert_eq!(deadline_note(&r), "");
}

/// Nested `range()` loops of 10^10 steps used to hang the load for ever
/// with the job lock held: the fuel stops them, and the file is named.
#[test]
fn a_looping_template_fails_at_load_with_its_name() {
    let dir = with(
        "tokusoku.txt",
        "件名: 督促\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ company }}\n",
    );
    let started = std::time::Instant::now();
    let err = Templates::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("tokusoku.txt"), "{err}");
    assert!(err.contains("上限を超えました"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
