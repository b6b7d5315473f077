//! Bit sets of small indices in a `u64`: the steps of a service, the document
//! checks of a case.

/// The indices of the set bits of `mask`, lowest first.
pub fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let i = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(i)
    })
}

/// The set of the indices in `range` (which must lie within 0..64).
#[inline]
pub fn range(range: std::ops::Range<usize>) -> u64 {
    if range.is_empty() { 0 } else { (u64::MAX >> (64 - range.len())) << range.start }
}

/// The set of the first `n` indices, `0..n` (`n` from 1 to 64).
#[inline]
pub fn first(n: usize) -> u64 {
    u64::MAX >> (64 - n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_their_indices() {
        assert_eq!(bits(0b1010_0001).collect::<Vec<_>>(), vec![0, 5, 7]);
        assert_eq!(bits(0).count(), 0);
        assert_eq!(range(2..5), 0b1_1100);
        assert_eq!(range(3..3), 0);
        assert_eq!(range(0..64), u64::MAX);
        assert_eq!(first(3), 0b111);
        assert_eq!(first(64), u64::MAX);
    }
}
