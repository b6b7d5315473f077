//! The memory allocator of the `reformsim` program and its benchmarks: the
//! system's, asking the kernel to back large blocks with huge pages.
//!
//! A province's run reads records spread over a few hundred megabytes (cases in
//! progress, stations, each of 20,000 services' streams and tallies) in no
//! order a cache can follow: with 4 KB pages nearly every such read also misses
//! the address-translation cache, and a prefetch that misses it waits for the
//! page walk. With 2 MB pages one translation covers 512 times as much. Linux
//! gives a process huge pages only where it asks for them (`madvise`, the
//! default setting of transparent huge pages); this asks for every block of at
//! least [`LARGE`] bytes (the kernel backs its 2 MB-aligned parts). A hint
//! only: where the kernel has no huge pages, or on another system, nothing
//! changes, and no result depends on where memory lies.
//!
//! Smaller blocks stay on 4 KB pages. On the province's first quarter (four
//! interleaved rounds, against the build of the session start): glibc's own
//! switch for every block (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, which a
//! program cannot set for itself) on that build took 0.84 of its time; a build
//! with this advice (then over the 2 MB-aligned part of a block only) and the
//! smaller case record, 0.91. mimalloc, tried as the
//! allocator instead, was faster still on the province but reserves address
//! space a gigabyte at a time, before `main` can say otherwise: a run that
//! fills the backlog limit then aborted under `scripts/robustness/ulimit.sh`'s
//! 3 GB ceiling instead of stopping with the backlog error.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size on are backed by huge pages where the kernel can.
pub const LARGE: usize = 4 << 20;

/// The size of a page on x86-64 Linux: `madvise` takes whole pages (on a
/// system with larger pages an unaligned range is refused, and nothing changes).
#[cfg(target_os = "linux")]
const PAGE: usize = 4096;

/// The system allocator, with large blocks advised to use huge pages.
pub struct HugePages;

// SAFETY: every call is passed on to `System` unchanged; the advice only
// changes how the kernel backs memory the block already owns.
unsafe impl GlobalAlloc for HugePages {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `GlobalAlloc::alloc`, passed on.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    #[inline]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `GlobalAlloc::dealloc`, passed on.
        unsafe { System.dealloc(block, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `GlobalAlloc::realloc`, passed on.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        advise(moved, new_size);
        moved
    }
}

/// Asks for huge pages under a block of `len` bytes at `block`, if it is
/// [`LARGE`]: over every page the block touches, so that a block the system's
/// allocator mapped on its own stays one mapping (advice over part of it would
/// split it in two, and a split mapping can no longer grow in place: glibc's
/// `realloc` would copy it instead, briefly holding both copies, which aborted
/// runs near the backlog limit under `scripts/robustness/ulimit.sh`'s ceiling).
/// The kernel uses huge pages for the 2 MB-aligned parts.
#[inline]
fn advise(block: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    if len >= LARGE && !block.is_null() {
        let start = block as usize / PAGE * PAGE;
        let end = (block as usize + len).next_multiple_of(PAGE);
        // SAFETY: the pages hold the block just allocated (and, at its ends,
        // the allocator's own bookkeeping, or a neighbour's bytes if the block
        // is not mapped on its own); MADV_HUGEPAGE changes how pages are backed,
        // never their contents. A failure (no huge pages configured) leaves the
        // memory as it was, so it is ignored.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (block, len);
}

/// Folds the process's heap into huge pages where the kernel can (Linux 6.1 and
/// later, `MADV_COLLAPSE`), whatever the transparent-huge-page setting short of
/// `never`: the many small blocks of a large model (event buckets, queues,
/// records) lie in the allocator's heaps, which [`HugePages`] cannot advise block
/// by block. Every anonymous writable mapping of at least [`LARGE`] bytes (the
/// main heap and the threads' arenas) is collapsed over its 2 MB-aligned part;
/// parts already on huge pages are passed over by the kernel. A hint, like the
/// advice: where it fails nothing changes, and no result depends on it. It
/// reads `/proc/self/maps`, so callers call it rarely (the engine, on days 1,
/// 2, 4, … of a run, as its memory grows).
pub fn collapse_heaps() {
    #[cfg(target_os = "linux")]
    {
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
        for (start, end) in maps.lines().filter_map(anonymous_writable) {
            let (start, end) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
            if end > start && end - start >= LARGE / 2 {
                // SAFETY: the range lies inside a mapping of this process;
                // MADV_COLLAPSE copies pages into huge ones under the kernel's
                // locks, never changing their contents; a failure (no huge page
                // free, an older kernel) leaves them as they were, so it is ignored.
                unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_COLLAPSE) };
            }
        }
    }
}

/// The size of a huge page on x86-64 Linux.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// The range of a `/proc/self/maps` line if it is an anonymous, private,
/// writable mapping (the heap or an unnamed one) of at least [`LARGE`] bytes.
#[cfg(target_os = "linux")]
fn anonymous_writable(line: &str) -> Option<(usize, usize)> {
    let mut fields = line.split_ascii_whitespace();
    let (range, perms) = (fields.next()?, fields.next()?);
    let name = fields.nth(3).unwrap_or("");
    if perms != "rw-p" || !(name.is_empty() || name == "[heap]") {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    let (start, end) = (usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?);
    (end.checked_sub(start)? >= LARGE).then_some((start, end))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_large_anonymous_writable_mappings_are_collapsed() {
        let heap = "55d0c0000000-55d0c1000000 rw-p 00000000 00:00 0                          [heap]";
        assert_eq!(anonymous_writable(heap), Some((0x55d0_c000_0000, 0x55d0_c100_0000)));
        let arena = "7f0000000000-7f0004000000 rw-p 00000000 00:00 0 ";
        assert_eq!(anonymous_writable(arena), Some((0x7f00_0000_0000, 0x7f00_0400_0000)));
        // Too small, read-only, shared, a file, the stack.
        for line in [
            "7f0000000000-7f0000100000 rw-p 00000000 00:00 0",
            "7f0000000000-7f0004000000 r--p 00000000 00:00 0",
            "7f0000000000-7f0004000000 rw-s 00000000 00:00 0",
            "7f0000000000-7f0004000000 rw-p 00000000 08:01 1234 /usr/lib/libc.so.6",
            "7ffc00000000-7ffc04000000 rw-p 00000000 00:00 0                          [stack]",
            "garbage",
        ] {
            assert_eq!(anonymous_writable(line), None, "{line}");
        }
        // Collapsing this process's heaps changes nothing it can see.
        let before: Vec<u64> = (0..1 << 20).collect();
        collapse_heaps();
        assert!(before.iter().enumerate().all(|(i, &v)| v == i as u64));
    }
}
