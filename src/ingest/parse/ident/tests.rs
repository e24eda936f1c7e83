use super::*;

fn t(s: &str) -> Raw {
    Raw::Text(s.to_string())
}

/// Check digits worked out by hand (Pᵢ from the right of the 12-digit base,
/// odd i weight 1, even i weight 2):
/// - 8000012010038 (法人番号公表サイトの例): base 000012010038, odd 8+0+1+2+0+0 = 11,
///   even 3+0+0+1+0+0 = 4 → 8, total 19, 19 mod 9 = 1, 9 − 1 = 8.
/// - 7000012050002 (国税庁): odd 2+0+5+2+0+0 = 9, even 0+0+0+1+0+0 = 1 → 2,
///   total 11, 11 mod 9 = 2, check 7.
/// - 1180301018771: base 180301018771, odd 1+7+1+1+3+8 = 21, even 7+8+0+0+0+1 = 16
///   → 32, total 53, 53 mod 9 = 8, check 1.
/// - 7123456789012: base 123456789012, odd 2+0+8+6+4+2 = 22, even 1+9+7+5+3+1 = 26
///   → 52, total 74, 74 mod 9 = 2, check 7.
/// - 9000000000000: total 0 → 9 − 0 = 9 (the check digit is never 0).
/// - 9999999999999: odd 6×9 = 54, even 2×6×9 = 108, total 162, mod 9 = 0 → 9.
/// - 7000000000010: only P₂ = 1, weight 2 → 2, check 7.
#[test]
fn valid_corporate_numbers() {
    let cases: &[(Raw, &str)] = &[
        (t("8000012010038"), "8000012010038"),
        (t("7000012050002"), "7000012050002"),
        (t("1180301018771"), "1180301018771"),
        (t("7123456789012"), "7123456789012"),
        (t("9000000000000"), "9000000000000"),
        (t("9999999999999"), "9999999999999"),
        (t("7000000000010"), "7000000000010"),
        (t("８０００－０１２０－１００３８"), "8000012010038"),
        (t(" 8-0000-1201-0038 "), "8000012010038"),
        (t("8 0000 1201 0038"), "8000012010038"),
        (t("8000012010038　"), "8000012010038"),
        (Raw::Number(8_000_012_010_038.0), "8000012010038"),
        (Raw::Number(1_180_301_018_771.0), "1180301018771"),
    ];
    for (input, want) in cases {
        assert_eq!(corporate_number(input), Ok(want.to_string()), "{input:?}");
    }
}

#[test]
fn rejected_corporate_numbers() {
    let wrong = "法人番号のチェックデジットが一致しません";
    let cases: &[(Raw, &str)] = &[
        // Each differs from a valid number above in one place.
        (t("1000012010038"), wrong),
        (t("8000012010039"), wrong),
        (t("7123456789021"), wrong),
        (Raw::Number(8_000_012_010_037.0), wrong),
        (t("800001201003"), "法人番号は13桁の数字です（12桁）"),
        (t("80000120100380"), "法人番号は13桁の数字です（14桁）"),
        (Raw::Number(123.0), "法人番号は13桁の数字です（3桁）"),
        (Raw::Number(1e25), "法人番号は13桁の数字です（26桁）"),
        (t("800001201003X"), CORP_UNREADABLE),
        (t("8000/012/010038"), CORP_UNREADABLE),
        (t("法人番号なし"), CORP_UNREADABLE),
        (Raw::Number(8_000_012_010_038.5), CORP_UNREADABLE),
        (Raw::Number(-8_000_012_010_038.0), CORP_UNREADABLE),
        (Raw::Number(f64::NAN), CORP_UNREADABLE),
        (Raw::Bool(false), CORP_UNREADABLE),
        (t("---"), "法人番号は13桁の数字です（0桁）"),
        (Raw::Empty, "法人番号が入力されていません"),
    ];
    for (input, want) in cases {
        assert_eq!(corporate_number(input), Err(want.to_string()), "{input:?}");
    }
}

#[test]
fn valid_emails() {
    let cases: &[(&str, &str)] = &[
        ("taro@example.jp", "taro@example.jp"),
        (
            "  taro.yamada@city.ayase.kanagawa.jp　",
            "taro.yamada@city.ayase.kanagawa.jp",
        ),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("Taro+grant@Example.CO.JP", "Taro+grant@Example.CO.JP"),
        (
            "a_b-c@sub-domain.example.com",
            "a_b-c@sub-domain.example.com",
        ),
        ("1@2.jp", "1@2.jp"),
    ];
    for (input, want) in cases {
        assert_eq!(email(&t(input)), Ok(want.to_string()), "{input}");
    }
}

#[test]
fn rejected_emails() {
    let long_local = format!("{}@example.jp", "a".repeat(65));
    let long_total = format!("a@{}.jp", vec!["b".repeat(60); 5].join("."));
    let cases: &[(&str, &str)] = &[
        ("taro@example.jp\nhanako@example.jp", "改行や制御文字"),
        ("taro@example.jp\r\nBcc:x@example.jp", "改行や制御文字"),
        ("taro @example.jp", "空白"),
        ("山田 <taro@example.jp>", "空白"),
        ("taro@example.jp,hanako@example.jp", "1件だけ"),
        ("taro@example.jp;hanako@example.jp", "1件だけ"),
        (&long_total, "長すぎます"),
        ("taro.example.jp", "@が1つだけ"),
        ("taro@@example.jp", "@が1つだけ"),
        ("a@b@example.jp", "@が1つだけ"),
        ("@example.jp", "@の前が空です"),
        (&long_local, "@の前に使えない文字"),
        (".taro@example.jp", "@の前に使えない文字"),
        ("taro.@example.jp", "@の前に使えない文字"),
        ("ta..ro@example.jp", "@の前に使えない文字"),
        ("\"taro\"@example.jp", "@の前に使えない文字"),
        ("山田@example.jp", "@の前に使えない文字"),
        ("taro@", "ドメイン"),
        ("taro@localhost", "ドメイン"),
        ("taro@example..jp", "ドメイン"),
        ("taro@.example.jp", "ドメイン"),
        ("taro@example.jp.", "ドメイン"),
        ("taro@-example.jp", "ドメイン"),
        ("taro@example-.jp", "ドメイン"),
        ("taro@exa_mple.jp", "ドメイン"),
        ("taro@例え.jp", "ドメイン"),
        ("taro@192.168.0.1", "ドメイン"),
        ("", "入力されていません"),
    ];
    for (input, want) in cases {
        let got = email(&t(input));
        assert!(
            matches!(&got, Err(e) if e.contains(want)),
            "{input}: {got:?}, wanted {want}"
        );
    }
    assert_eq!(
        email(&Raw::Number(1.0)),
        Err("メールアドレスとして読めません".to_string())
    );
}
