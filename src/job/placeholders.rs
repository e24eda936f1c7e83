//! Addresses copied from the examples (`example.jp`, `example.com`, …) left
//! in a job file: mail to them never reaches anyone, so `jobs` and `doctor`
//! warn before the first real night.

use super::Job;

/// Domains reserved for examples (RFC 2606 and the `.jp` one the city's
/// samples use).
const PLACEHOLDER_DOMAINS: [&str; 5] = [
    "example.jp",
    "example.com",
    "example.org",
    "example.net",
    ".example",
];

/// True when `address` (or `名前 <address>`) is at a placeholder domain.
fn is_placeholder(address: &str) -> bool {
    let addr = address
        .rsplit_once('<')
        .map_or(address, |(_, a)| a.trim_end_matches('>'))
        .trim()
        .to_ascii_lowercase();
    let Some((_, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    PLACEHOLDER_DOMAINS.iter().any(|p| {
        if let Some(tld) = p.strip_prefix('.') {
            domain == tld || domain.ends_with(p)
        } else {
            domain == *p || domain.ends_with(&format!(".{p}"))
        }
    })
}

/// One Japanese sentence per `[email]` setting holding a placeholder address.
pub(crate) fn placeholder_warnings(job: &Job) -> Vec<String> {
    let Some(email) = &job.email else {
        return Vec::new();
    };
    let mut settings: Vec<(&str, &str)> = vec![("email.from", email.from.as_str())];
    settings.extend(email.staff.iter().map(|s| ("email.staff", s.as_str())));
    settings.extend(email.reply_to.as_deref().map(|r| ("email.reply_to", r)));
    settings
        .into_iter()
        .filter(|(_, v)| is_placeholder(v))
        .map(|(key, v)| {
            format!(
                "ジョブ {}（{}）の {key} が例示用のアドレス「{v}」のままです。このアドレスにはメールが届きません。市の実際のアドレスに書き換えてください。",
                job.name,
                job.path.display()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn example_domains_are_placeholders_and_real_ones_are_not() {
        assert!(is_placeholder("綾瀬市 <kogyo@example.jp>"));
        assert!(is_placeholder("a@mail.example.com"));
        assert!(is_placeholder("a@relay.example"));
        assert!(!is_placeholder("kogyo@city.ayase.kanagawa.jp"));
        assert!(!is_placeholder("a@notexample.com"));
    }
}
