//! Cache hints: start fetching the data the next event will read while the
//! current one is handled. At province scale (tens of thousands of services and
//! stations, hundreds of thousands of cases in progress) most of what an event
//! reads first is not in the cache; fetched one event ahead, it mostly is.
//!
//! A hint changes no result: it reads nothing into the program and never
//! faults, whatever the address.

/// Bytes per cache line on the processors this is tuned for.
const LINE: usize = 64;

/// Starts fetching every cache line of `value`, without waiting for it.
#[inline]
pub(crate) fn value<T>(value: &T) {
    bytes((value as *const T).cast::<u8>(), size_of::<T>());
}

/// Starts fetching the first `lines` cache lines of `value` (or all of it if it is smaller).
#[inline]
pub(crate) fn head<T>(value: &T, lines: usize) {
    bytes((value as *const T).cast::<u8>(), size_of::<T>().min(lines * LINE));
}

/// Starts fetching element `index` of `slice`, if there is one.
#[inline]
pub(crate) fn at<T>(slice: &[T], index: usize) {
    if let Some(v) = slice.get(index) {
        value(v);
    }
}

#[inline]
fn bytes(first: *const u8, len: usize) {
    #[cfg(target_arch = "x86_64")]
    for offset in (0..len).step_by(LINE) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86-64 processor, and a prefetch only hints
        // the cache: it reads nothing into the program and never faults, whatever
        // the address (here always inside the value).
        unsafe { _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(offset).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (first, len);
}
