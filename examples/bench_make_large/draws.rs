//! The deterministic draws every row is made from.
//!
//! A fixed-seed hash instead of a PRNG crate: row i depends only on i, so the files are the same
//! on every run and every sheet of a smaller file is a prefix of a larger one's.

/// splitmix64: a fixed, dependency-free hash so row i is the same in every file.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small stream of draws for one row.
pub(crate) struct Draws(pub u64);

impl Draws {
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 = mix(self.0);
        self.0 % n
    }
}
