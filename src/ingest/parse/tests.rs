use super::*;

#[test]
fn normalize_folds_width_and_trims() {
    let cases: &[(&str, &str)] = &[
        ("　申請番号 ", "申請番号"),
        ("ＡＢＣ１２３", "ABC123"),
        ("\u{feff}申請番号", "申請番号"),
        ("補助対象経費（円）", "補助対象経費(円)"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"),
        ("㈱綾瀬", "(株)綾瀬"),
        ("㋿", "令和"),
        ("\t\r\n", ""),
        ("事業者 名", "事業者 名"),
    ];
    for (input, want) in cases {
        assert_eq!(normalize(input), *want, "{input:?}");
    }
}

#[test]
fn text_trims_and_renders_numbers() {
    let cases: &[(Raw, Option<&str>)] = &[
        (Raw::Text("　株式会社綾瀬 ".into()), Some("株式会社綾瀬")),
        // Not NFKC: names keep what staff typed.
        (Raw::Text("ＡＢＣ商事".into()), Some("ＡＢＣ商事")),
        (Raw::Text(" 　 ".into()), None),
        (Raw::Empty, None),
        (Raw::Number(1001.0), Some("1001")),
        (Raw::Number(1.5), Some("1.5")),
        (Raw::Number(1e15), Some("1000000000000000")),
        (Raw::DateTime(44701.0), Some("2022-05-20")),
        (Raw::DateTime(60.0), Some("60")),
        (Raw::DateIso(" 2022-05-20 ".into()), Some("2022-05-20")),
        (Raw::Bool(true), Some("TRUE")),
        (Raw::Error("N/A".into()), None),
    ];
    for (input, want) in cases {
        assert_eq!(text(input).as_deref(), *want, "{input:?}");
    }
}

#[test]
fn counts() {
    let cases: &[(Raw, Result<u32, &str>)] = &[
        (Raw::Number(3.0), Ok(3)),
        (Raw::Number(0.0), Ok(0)),
        (Raw::Text("3".into()), Ok(3)),
        (Raw::Text("３".into()), Ok(3)),
        (Raw::Text("3人".into()), Ok(3)),
        (Raw::Text("３名".into()), Ok(3)),
        (Raw::Text("3社".into()), Ok(3)),
        (Raw::Text("15年".into()), Ok(15)),
        (Raw::Text(" 1,200 人".into()), Ok(1200)),
        (Raw::Text("4294967295".into()), Ok(u32::MAX)),
        (Raw::Number(3.5), Err("整数ではありません")),
        (Raw::Text("2.5人".into()), Err("整数ではありません")),
        (Raw::Number(-1.0), Err("負の数です")),
        (Raw::Text("△1".into()), Err("負の数です")),
        (Raw::Text("4294967296".into()), Err("数が大きすぎます")),
        (Raw::Number(1e30), Err("数が大きすぎます")),
        (Raw::Text("三人".into()), Err(COUNT_UNREADABLE)),
        (Raw::Text("人".into()), Err(COUNT_UNREADABLE)),
        (Raw::Text("3人3社".into()), Err(COUNT_UNREADABLE)),
        (Raw::Number(f64::INFINITY), Err(COUNT_UNREADABLE)),
        (Raw::Bool(true), Err(COUNT_UNREADABLE)),
        (Raw::Text("".into()), Err(COUNT_BLANK)),
        (
            Raw::Error("REF!".into()),
            Err("セルがエラー値（#REF!）です"),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(count(input), want.map_err(str::to_string), "{input:?}");
    }
}

/// Odd input gives an answer or a reason, never a panic.
#[test]
fn no_parser_panics() {
    let long = "9".repeat(100_000);
    let texts = [
        long.as_str(),
        &"年".repeat(10_000),
        &"令和".repeat(10_000),
        "年月日",
        "R",
        "r",
        "令和",
        "令和元",
        "元年",
        "9999999999999999999999円",
        "¥",
        "\\",
        "(",
        ")",
        "()",
        "△",
        "-",
        ".",
        ",",
        "1,",
        ",1",
        "1..2",
        "@",
        "@@",
        "a@",
        "@.",
        "a@.",
        "T",
        "T:",
        " T12:00",
        "2022/5/20 ",
        "(金)",
        "2022年5月20日(",
        "R99.99.99",
        "H99.1.1",
        "99999999",
        "00000000",
        "0000/00/00",
        "2022年00月00日",
        "\u{0}",
        "\u{feff}",
        "𠮷野家",
        "🙂",
        "ｰ",
        "㍻元年",
    ];
    let numbers = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        -0.0,
        1e300,
        -1e300,
        9.223_372_036_854_776e18,
        1.844_674_407_370_955_2e19,
        4_294_967_296.0,
        2_958_465.999,
        2_958_466.0,
        0.999,
    ];
    let mut cells: Vec<Raw> = texts.iter().map(|s| Raw::Text((*s).to_string())).collect();
    cells.extend(texts.iter().map(|s| Raw::DateIso((*s).to_string())));
    cells.extend(texts.iter().map(|s| Raw::Error((*s).to_string())));
    cells.extend(
        numbers
            .iter()
            .flat_map(|n| [Raw::Number(*n), Raw::DateTime(*n)]),
    );
    cells.extend([Raw::Empty, Raw::Bool(false)]);
    for cell in &cells {
        let _ = text(cell);
        let _ = date(cell);
        let _ = yen(cell);
        let _ = fiscal_year(cell);
        let _ = count(cell);
        let _ = corporate_number(cell);
        let _ = email(cell);
    }
    for n in numbers {
        let _ = excel_serial(n);
    }
    // The huge yen text is a reason, not a wrapped-around number.
    assert_eq!(
        yen(&Raw::Text("9999999999999999999999円".into())),
        Err("金額が大きすぎます".into())
    );
    assert_eq!(
        date(&Raw::Text("年月日".into())),
        Err("日付として読めません".into())
    );
}

/// The borrowing fast path gives what NFKC of the whole text, then trimming, gives:
/// texts already normalised (ASCII, kanji, kana) and texts that are not (spaces
/// of other widths at the ends, half-width kana, a combining mark after a space).
#[test]
fn normalized_borrows_only_what_is_already_normal() {
    let slow = |s: &str| -> String {
        let n: String = s.nfkc().collect();
        n.trim_matches(is_trimmable).to_string()
    };
    let cases = [
        "R5-0001",
        "  R5-0001\t",
        "綾瀬精工株式会社",
        "\u{3000}綾瀬精工\u{3000}",
        "\u{a0}1,234円\u{2003}",
        "\u{feff}\u{200b}申請番号",
        "ｶﾌﾞｼｷｶﾞｲｼｬ",
        " \u{3099}か",
        "\u{3000}\u{309b}",
        "か\u{3099}",
        "令和４年５月２０日",
        "㋿4年",
        "",
        "\u{3000}",
    ];
    for s in cases {
        let got = normalized(s);
        assert_eq!(got, slow(s), "{s:?}");
        let borrowed = matches!(got, Cow::Borrowed(_));
        let quick = is_nfkc_quick(s.trim_matches(is_trimmable).chars()) == IsNormalized::Yes;
        assert_eq!(borrowed, quick, "{s:?}");
    }
    assert!(matches!(normalized("  R5-0001 "), Cow::Borrowed("R5-0001")));
}
