//! 月額掛金内訳: each worker's monthly premium in one cell (中小企業退職金共済制度奨励補助金).

use super::{Raw, yen};
use crate::model::Yen;

/// A list of monthly premiums, one per worker: `10000,1000`, `10,000、1,000`,
/// `10000 1000`, `１０，０００円／１，０００円`, or one number for one worker. When the cell
/// holds 、 ／ / ; or spaces, those separate the workers and a comma is a thousands
/// separator; otherwise each comma separates two workers.
pub fn premiums(v: &Raw) -> Result<Box<[Yen]>, String> {
    let text = match v {
        Raw::Number(_) => return Ok(Box::new([yen(v)?])),
        Raw::Text(s) => super::normalize(s),
        _ => return Err("月額掛金内訳として読めません（例: 10000,1000）".to_string()),
    };
    let separators = ['、', '/', ';', ' ', '\u{3000}'];
    let parts: Vec<&str> = if text.contains(separators) {
        text.split(separators).collect()
    } else {
        text.split(',').collect()
    };
    let parts: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err("月額掛金内訳に金額がありません（例: 10000,1000）".to_string());
    }
    parts
        .into_iter()
        .map(|p| {
            yen(&Raw::Text(p.to_string()))
                .map_err(|e| format!("月額掛金内訳の「{p}」: {e}（例: 10000,1000）"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Raw {
        Raw::Text(s.to_string())
    }

    #[test]
    fn each_worker_is_read() {
        assert_eq!(
            premiums(&text("10000,1000")).unwrap().as_ref(),
            [10_000, 1_000]
        );
        assert_eq!(
            premiums(&text("10,000、1,000")).unwrap().as_ref(),
            [10_000, 1_000]
        );
        assert_eq!(
            premiums(&text("１０，０００円／１，０００円"))
                .unwrap()
                .as_ref(),
            [10_000, 1_000]
        );
        assert_eq!(
            premiums(&text("5000 5000 3000")).unwrap().as_ref(),
            [5_000, 5_000, 3_000]
        );
        assert_eq!(premiums(&Raw::Number(8000.0)).unwrap().as_ref(), [8_000]);
        assert!(
            premiums(&text("10000,abc"))
                .unwrap_err()
                .contains("「abc」")
        );
        assert!(premiums(&text("-5000")).is_err());
    }
}
