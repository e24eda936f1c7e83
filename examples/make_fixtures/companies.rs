//! The grantees of the export fixture. Fictional companies at real Ayase place names;
//! 法人番号 are made up, with check digits computed by [`crate::cells::check_digit`].

/// How a company's 法人番号 is written in the export.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Corp {
    /// Sole proprietors and groups have none.
    None,
    /// A 12-digit base: the check digit is computed and prepended.
    Base(&'static str),
    /// A 12-digit base written with a check digit that does not match (deliberate error).
    WrongCheck(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Company {
    pub name: &'static str,
    pub corp: Corp,
    pub address: &'static str,
    pub contact: &'static str,
    pub email: &'static str,
}

const fn c(
    name: &'static str,
    corp: Corp,
    address: &'static str,
    contact: &'static str,
    email: &'static str,
) -> Company {
    Company {
        name,
        corp,
        address,
        contact,
        email,
    }
}

use Corp::{Base as B, None as N, WrongCheck as W};

/// Indexed by the `company` field of [`crate::data::App`].
#[rustfmt::skip]
pub(crate) const COMPANIES: [Company; 46] = [
    c("株式会社綾瀬精密工業", B("021001034511"), "綾瀬市吉岡東3-4-12", "佐藤 健一", "k.sato@ayase-seimitsu.example.jp"), // 0
    c("有限会社早川製作所", B("021002011872"), "綾瀬市早川2647-5", "鈴木 一郎", "suzuki@hayakawa-ss.example.jp"), // 1
    c("株式会社小園電子", B("021001056230"), "綾瀬市小園1120", "高橋 美咲", "info@kozono-denshi.example.jp"), // 2
    c("株式会社寺尾化成", B("021001078913"), "綾瀬市寺尾中2-8-1", "田中 由紀", "tanaka@terao-kasei.example.jp"), // 3
    c("綾瀬塗装工業所", N, "綾瀬市深谷中4-15-7", "伊藤 誠", "ito@ayase-tosou.example.jp"), // 4
    c("蓼川鈑金", N, "綾瀬市蓼川1-3-9", "渡辺 勝", ""), // 5
    c("株式会社落合工機", B("021001090154"), "綾瀬市落合北5-2-20", "山本 真一", "yamamoto@ochiai-koki.example.jp"), // 6
    c("株式会社ケーエスロジテック", B("010401123456"), "綾瀬市大上9-1-1", "中村 浩", "nakamura@ks-logitech.example.jp"), // 7
    c("株式会社上土棚製作所", B("021001101928"), "綾瀬市上土棚中2-11-3", "小林 修", "kobayashi@kamitsuchidana.example.jp"), // 8
    c("株式会社あやせデザイン工房", B("021001112347"), "綾瀬市綾西1-6-2", "加藤 彩", "kato@ayase-design.example.jp"), // 9
    c("有限会社大上技研", B("021002023465"), "綾瀬市大上4-20-6", "吉田 剛", "yoshida@kamiooka-giken.example.jp"), // 10
    c("株式会社綾瀬メタルワークス", B("021001125578"), "綾瀬市早川城山3-2-8", "山田 花子", "h.yamada@ayase-metal.example.jp"), // 11
    c("株式会社深谷テクノ", B("021001136690"), "綾瀬市深谷上6-1-15", "佐々木 大輔", "sasaki@fukaya-techno.example.jp"), // 12
    c("株式会社吉岡マテリアル", B("021001147712"), "綾瀬市吉岡1700", "山口 恵", "yamaguchi@yoshioka-mat.example.jp"), // 13
    c("株式会社光綾工業", B("021001158834"), "綾瀬市小園南2-4-5", "松本 拓也", "matsumoto@koryo-kogyo.example.jp"), // 14
    c("株式会社綾瀬ダイカスト", B("021001169956"), "綾瀬市吉岡東1-9-3", "井上 直樹", "inoue@ayase-diecast.example.jp"), // 15
    c("株式会社綾瀬フーズ", B("021001170021"), "綾瀬市深谷中1-5-5", "木村 里美", "kimura@ayase-foods.example.jp"), // 16
    c("株式会社早川精機", B("021001181143"), "綾瀬市早川1480-2", "林 健太", "hayashi@hayakawa-seiki.example.jp"), // 17
    c("株式会社蓼川工業", B("021001192265"), "綾瀬市蓼川3-7-11", "清水 徹", "shimizu@tadegawa-kogyo.example.jp"), // 18
    c("株式会社綾南プラスチック", B("021001203387"), "綾瀬市寺尾南3-12-4", "山崎 亮", ""), // 19
    c("株式会社東綾製作所", N, "綾瀬市寺尾北1-2-18", "森 和也", "mori@toryo.example.jp"), // 20
    c("株式会社タカラ精工", B("021001214409"), "綾瀬市大上2-3-30", "池田 修平", "ikeda@takara-seiko.example.jp"), // 21
    c("株式会社リーフ印刷", N, "綾瀬市寺尾釜田2-2-1", "橋本 由美", "hashimoto@leaf-print.example.jp"), // 22
    c("株式会社綾北工業", B("021001225521"), "綾瀬市吉岡東4-1-7", "石川 聡", "ishikawa@ryohoku.example.jp"), // 23
    c("株式会社綾瀬ロジスティクス", B("021001236643"), "綾瀬市小園1305", "前田 浩二", "maeda@ayase-logi.example.jp"), // 24
    c("株式会社城山建材", B("021001247765"), "綾瀬市早川城山1-10-3", "藤田 誠", "fujita@shiroyama-kenzai.example.jp"), // 25
    c("有限会社寺尾機械", N, "綾瀬市寺尾西2-6-14", "後藤 勇", "goto@terao-kikai.example.jp"), // 26
    c("株式会社深谷ファインテック", B("021001258887"), "綾瀬市深谷南1-1-8", "岡田 純", "okada@fukaya-fine.example.jp"), // 27
    c("株式会社綾瀬ウェブ企画", N, "綾瀬市大上7-4-11", "長谷川 舞", "hasegawa@ayase-web.example.jp"), // 28
    c("株式会社綾瀬オートパーツ", B("021001269909"), "綾瀬市上土棚北3-5-9", "村上 翔", "murakami@ayase-autoparts.example.jp"), // 29
    c("株式会社早川ケミカル", B("021001271132"), "綾瀬市早川2-5-10", "近藤 友美", "kondo@hayakawa-chem.example.jp"), // 30
    c("株式会社小園精機", B("021001282254"), "綾瀬市小園南1-8-8", "坂本 香織", "sakamoto@kozono-seiki.example.jp"), // 31
    c("株式会社蓼川エンジニアリング", B("021001293376"), "綾瀬市蓼川2-14-6", "遠藤 隆", "endo@tadegawa-eng.example.jp"), // 32
    c("株式会社上土棚テキスタイル", N, "綾瀬市上土棚南4-3-2", "青木 久美子", ""), // 33
    c("株式会社吉岡フードサービス", B("021001304498"), "綾瀬市吉岡東2-7-19", "藤井 美穂", "fujii@yoshioka-food.example.jp"), // 34
    c("株式会社落合電機", B("021001315510"), "綾瀬市落合南3-9-1", "西村 剛", "nishimura@ochiai-denki.example.jp"), // 35
    c("株式会社深谷ケアサービス", N, "綾瀬市深谷上2-2-2", "福田 陽子", "fukuda@fukaya-care.example.jp"), // 36
    c("株式会社綾瀬パッケージ", B("021001326632"), "綾瀬市大上5-8-3", "太田 優", "ota@ayase-package.example.jp"), // 37
    c("株式会社綾瀬化工", B("021001337754"), "綾瀬市吉岡1520", "三浦 康弘", "miura@ayase-kako.example.jp"), // 38
    c("株式会社寺尾システム", B("021001348876"), "綾瀬市寺尾本町1-3-5", "藤原 健", "fujiwara@terao-sys.example.jp"), // 39
    c("株式会社綾瀬ヒューマンテック", N, "綾瀬市綾西4-2-10", "岡本 彩香", "okamoto@ayase-ht.example.jp"), // 40
    c("有限会社深谷電装", N, "綾瀬市深谷中7-1-4", "松田 進", "matsuda@fukaya-denso.example.jp"), // 41
    c("株式会社大上ネット", N, "綾瀬市大上1-15-2", "中島 恵美", "nakajima@kamioka-net.example.jp"), // 42
    c("株式会社綾瀬トランスポート", W("021001359998"), "綾瀬市小園1500", "中野 大樹", "nakano@ayase-trans.example.jp"), // 43
    c("株式会社吉岡デジタル", B("021001361114"), "綾瀬市吉岡東5-3-3", "原田 智子", "harada@yoshioka-digital.example.jp"), // 44
    c("株式会社早川プレス", B("021001372236"), "綾瀬市早川3010-1", "小野 浩一", "ono@hayakawa-press.example.jp"), // 45
];
