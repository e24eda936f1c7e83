#![allow(clippy::unwrap_used)] // a test that unwraps None has found its failure

use super::{
    Resolution, TABLE, TABLE_CSV, UsefulLifeRow, decide, most_specific_partial, normalize, parse,
    resolve, resolve_in, table, unresolved_reason,
};

#[test]
fn every_row_of_the_compiled_in_table_parses() {
    let rows = parse(TABLE_CSV).unwrap();
    // 218 data rows under the header (wc -l gives 219 lines).
    assert_eq!(rows.len(), 218);
    assert_eq!(table().len(), 218);
    assert!(rows.iter().all(|r| r.years > 0 && !r.source.is_empty()));
}

#[test]
fn a_broken_row_is_reported_with_its_line() {
    let text = "table,category,structure_or_use,detail,years,source,note\n\
                別表第一,建物附属設備,昇降機設備,エレベーター,17,省令,\n\
                別表第一,建物附属設備,昇降機設備,エスカレーター,十五,省令,\n";
    let err = parse(text).unwrap_err();
    assert_eq!(err.line, 3);
    let zero = "table,category,structure_or_use,detail,years,source,note\n\
                別表第一,建物附属設備,昇降機設備,エレベーター,0,省令,\n";
    assert_eq!(parse(zero).unwrap_err().line, 2);
    let header = "table,category,detail,years,source,note\n";
    assert_eq!(parse(header).unwrap_err().line, 1);
}

/// Texts that must resolve to exactly one number of years, with the row's 細目 or 構造又は用途.
#[test]
fn resolves_to_one_row() {
    let cases: &[(&str, u32, &str)] = &[
        // exact: 構造又は用途 of a row without 細目
        (
            "給排水又は衛生設備及びガス設備",
            15,
            "給排水又は衛生設備及びガス設備",
        ),
        // exact after NFKC and spaces: half-width kana and a full-width space
        ("ｴﾚﾍﾞｰﾀｰ", 17, "昇降機設備"),
        ("  エレベーター　", 17, "昇降機設備"),
        // exact: whole paths as accessibility_mapping.csv writes them
        (
            "別表第一 建物附属設備 / 給排水又は衛生設備及びガス設備",
            15,
            "給排水又は衛生設備及びガス設備",
        ),
        (
            "別表第一 建物附属設備 / 昇降機設備 / エレベーター",
            17,
            "昇降機設備",
        ),
        (
            "建物附属設備 消火、排煙又は災害報知設備及び格納式避難設備",
            8,
            "消火、排煙又は災害報知設備及び格納式避難設備",
        ),
        // exact: small kana folded (省令: ソフトウエア／その他のもの)
        ("ソフトウェア／その他のもの", 5, ""),
        // exact: one 細目 level
        (
            "パーソナルコンピュータ（サーバー用のものを除く。）",
            4,
            "２　事務機器及び通信機器",
        ),
        // rows that all carry 17 years count as one (the first: 電気業用設備)
        ("その他の設備／主として金属製のもの", 17, "電気業用設備"),
        // partial: text inside one row's path
        ("パーソナルコンピュータ", 4, "２　事務機器及び通信機器"),
        ("ドアー自動開閉", 12, "エヤーカーテン又はドアー自動開閉設備"),
        // partial: a row's component inside the text
        ("エレベーター設備一式", 17, "昇降機設備"),
        (
            "器具及び備品 2 インターホーン及び放送用設備",
            6,
            "２　事務機器及び通信機器",
        ),
        // the more specific row wins over rows covering part of what it covers
        (
            "別表第一 器具及び備品 / 1 家具… / その他の家具 / その他のもの / 主として金属製のもの",
            15,
            "１　家具、電気機器、ガス機器及び家庭用品（他の項に掲げるものを除く。）",
        ),
    ];
    for (text, years, structure) in cases {
        match resolve(text) {
            Resolution::One(row) => {
                assert_eq!(row.years, *years, "{text}");
                assert_eq!(row.structure_or_use, *structure, "{text}");
                assert_eq!(unresolved_reason(&resolve(text), text), None);
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn different_years_are_ambiguous() {
    let cases: &[(&str, &[u32])] = &[
        // a group whose rows differ: 金属被覆… 6, その他の設備 10
        ("金属製品製造業用設備", &[6, 10]),
        ("昇降機設備", &[17, 15]),
        ("電子計算機", &[4, 5]),
        ("ソフトウエア", &[3, 5]),
        // partial: both 金属製品 rows contain the group name
        ("金属製品製造業用設備一式", &[6, 10]),
        // partial: text inside several paths
        ("舗装路面", &[15, 10, 3]),
    ];
    for (text, years) in cases {
        match resolve(text) {
            Resolution::Ambiguous(rows) => {
                let got: Vec<u32> = rows.iter().map(|r| r.years).collect();
                assert_eq!(got, *years, "{text}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn unknown_texts() {
    for text in ["手すり", "", "   ", "自動ドア", "多目的トイレ"] {
        assert_eq!(resolve(text), Resolution::Unknown, "{text:?}");
    }
}

#[test]
fn reasons_name_the_text_and_the_candidates() {
    let text = "金属製品製造業用設備";
    let reason = unresolved_reason(&resolve(text), text).unwrap();
    assert_eq!(
        reason,
        "耐用年数区分「金属製品製造業用設備」は耐用年数表の2行に当てはまり、耐用年数が一つに決まりません\
         （候補: 機械及び装置（16）／金属製品製造業用設備／金属被覆及び彫刻業又は打はく及び金属製ネームプレート製造業用設備（6年）、\
         機械及び装置（16）／金属製品製造業用設備／その他の設備（10年））。より詳しい区分を書くか、法定耐用年数を入力してください。"
    );

    let text = "建物";
    let reason = unresolved_reason(&resolve(text), text).unwrap();
    // 建物 has 25 rows: three are named, the rest counted.
    assert!(reason.contains("25行に当てはまり"), "{reason}");
    assert!(reason.contains("（50年）、"), "{reason}");
    assert!(reason.contains(" ほか22行）"), "{reason}");

    let reason = unresolved_reason(&Resolution::Unknown, "手すり").unwrap();
    assert!(reason.starts_with("耐用年数区分「手すり」は耐用年数表のどの行にも当てはまりません。"));
    let reason = unresolved_reason(&Resolution::Unknown, "").unwrap();
    assert!(reason.starts_with("耐用年数区分が空欄のため"));
}

/// The resolver as it was before the index: every row scanned, every run joined anew.
/// Kept here as the reference the indexed one must agree with.
fn resolve_by_scan(rows: &'static [UsefulLifeRow], text: &str) -> Resolution {
    fn has_run(parts: &[String], key: &str) -> bool {
        (0..parts.len()).any(|start| {
            let mut joined = String::new();
            parts[start..].iter().any(|p| {
                joined.push_str(p);
                joined == key
            })
        })
    }
    let key = normalize(text);
    if key.is_empty() {
        return Resolution::Unknown;
    }
    let exact: Vec<_> = rows.iter().filter(|r| has_run(&r.parts, &key)).collect();
    if !exact.is_empty() {
        return decide(exact);
    }
    decide(most_specific_partial(rows, &key))
}

/// Every text the table itself holds (fields, 細目 levels, labels, each contiguous run
/// of a row's fields written with and without separators, and the first half of each
/// field, which only a partial match can find), the fixtures' and the benchmark's
/// 耐用年数区分 texts, and the cases above.
fn texts_to_compare() -> Vec<String> {
    let mut texts: Vec<String> = [
        // examples/make_fixtures/ledger.rs
        "その他の家具／その他のもの／主として金属製のもの",
        "給排水又は衛生設備及びガス設備",
        "金属製品製造業用設備／その他の設備",
        "蓄電池電源設備",
        "エレベーター",
        "ドアー自動開閉",
        "手すり（階段・廊下）",
        "エヤーカーテン又はドアー自動開閉設備",
        "器具",
        // examples/bench_make_large/assets.rs
        "多目的トイレ給排水設備",
        "車いす用エレベーター",
        "手すり・スロープ",
        // the cases of this module's tests
        "ｴﾚﾍﾞｰﾀｰ",
        "  エレベーター　",
        "別表第一 建物附属設備 / 給排水又は衛生設備及びガス設備",
        "別表第一 建物附属設備 / 昇降機設備 / エレベーター",
        "建物附属設備 消火、排煙又は災害報知設備及び格納式避難設備",
        "ソフトウェア／その他のもの",
        "パーソナルコンピュータ（サーバー用のものを除く。）",
        "その他の設備／主として金属製のもの",
        "パーソナルコンピュータ",
        "エレベーター設備一式",
        "器具及び備品 2 インターホーン及び放送用設備",
        "別表第一 器具及び備品 / 1 家具… / その他の家具 / その他のもの / 主として金属製のもの",
        "金属製品製造業用設備",
        "昇降機設備",
        "電子計算機",
        "ソフトウエア",
        "金属製品製造業用設備一式",
        "舗装路面",
        "手すり",
        "",
        "   ",
        "自動ドア",
        "多目的トイレ",
        "建物",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for row in table() {
        let fields: Vec<&str> = [&row.table, &row.category, &row.structure_or_use]
            .into_iter()
            .map(String::as_str)
            .chain(row.detail.split('／'))
            .filter(|f| !f.is_empty())
            .collect();
        texts.extend(
            [&row.category, &row.structure_or_use, &row.detail, &row.note]
                .into_iter()
                .cloned(),
        );
        texts.push(row.label());
        for start in 0..fields.len() {
            for end in start + 1..=fields.len() {
                texts.push(fields[start..end].concat());
                texts.push(fields[start..end].join(" / "));
            }
        }
        for f in &fields {
            let half = f.chars().count() / 2;
            texts.push(f.chars().take(half.max(1)).collect());
            texts.push(f.chars().skip(half).collect());
            texts.push(format!("{f}一式"));
        }
    }
    texts.sort();
    texts.dedup();
    texts
}

#[test]
fn the_indexed_resolver_agrees_with_the_scan_over_every_known_text() {
    let texts = texts_to_compare();
    assert!(texts.len() > 2_000, "{}", texts.len());
    let (mut one, mut ambiguous, mut unknown) = (0, 0, 0);
    for text in &texts {
        let want = resolve_by_scan(table(), text);
        assert_eq!(resolve_in(&TABLE, text), want, "{text:?}");
        // Twice: the second answer comes from the per-thread cache.
        assert_eq!(resolve(text), want, "{text:?}");
        assert_eq!(resolve(text), want, "{text:?} (cached)");
        match want {
            Resolution::One(_) => one += 1,
            Resolution::Ambiguous(_) => ambiguous += 1,
            Resolution::Unknown => unknown += 1,
        }
    }
    // The comparison covers every kind of answer, not only exact hits.
    assert!(
        one > 500 && ambiguous > 100 && unknown > 0,
        "{one} {ambiguous} {unknown}"
    );
}
