//! An allocator that asks Linux to back large allocations with transparent huge
//! pages (2 MiB instead of 4 KiB).
//!
//! A province holds hundreds of thousands of cases in progress and tables over
//! tens of thousands of services, read at random: with 4 KiB pages nearly every
//! such read also misses the processor's page-translation cache. Where the
//! system leaves huge pages to the program's choice
//! (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`, a common default),
//! this allocator makes that choice for every allocation of at least
//! [`LARGE`] bytes, through `madvise(MADV_HUGEPAGE)`. Small allocations, and
//! every other system, are left as the system allocator has them.
//!
//! Results do not depend on it: it changes where memory comes from, not what is
//! computed. The binary and the benchmarks install it
//! (`#[global_allocator] static ALLOC: HugePages = HugePages;`).

use std::alloc::{GlobalAlloc, Layout, System};

/// Allocations from this size up are advised to use huge pages.
pub const LARGE: usize = 4 << 20;

/// The system allocator, with large allocations advised onto huge pages.
pub struct HugePages;

// SAFETY: every call is forwarded to `System` with the caller's arguments; the
// advice only concerns memory the system allocator just returned, and whole huge
// pages inside it.
unsafe impl GlobalAlloc for HugePages {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (the caller upholds `alloc`'s contract).
        let p = unsafe { System.alloc(layout) };
        advise(p, layout.size());
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        advise(p, layout.size());
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (the caller upholds `dealloc`'s contract).
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged (the caller upholds `realloc`'s contract).
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        advise(p, new_size);
        p
    }
}

/// Advises the whole 2 MiB pages inside `len` bytes at `p` onto huge pages, if
/// the allocation is large.
#[inline]
fn advise(p: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    if len >= LARGE && !p.is_null() {
        const HUGE: usize = 2 << 20;
        let start = (p as usize).next_multiple_of(HUGE);
        let end = (p as usize + len) / HUGE * HUGE;
        if end > start {
            // SAFETY: the range lies inside the allocation just made; `madvise`
            // with MADV_HUGEPAGE changes only how it is backed, never its contents,
            // and its failure (a kernel without huge pages) is harmless.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (p, len);
}
