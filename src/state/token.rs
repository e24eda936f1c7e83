//! The one generator of unique tokens: the outbox's sender files, the job
//! lock's holder ids and the Message-IDs all name themselves with it.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// 32 hex digits, unique per call: the OS-seeded hasher keys of std, the
/// process id, the wall clock and a counter. Identity, not secrecy.
pub(crate) fn random_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = RandomState::new().hash_one((std::process::id(), nanos, n));
    let digest = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(nanos.to_le_bytes())
        .chain_update(n.to_le_bytes())
        .chain_update(std::process::id().to_le_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }
}
