//! The memory allocator of the `reformsim` program and of its engine benchmark:
//! mimalloc (Leijen, Zorn and de Moura, "Mimalloc: free list sharding in
//! action", 2019) in place of the system's.
//!
//! A province's run keeps tens of thousands of small blocks alive for the whole
//! run (each station's queue, each hour's pending events) and reads them in no
//! order a cache can follow. mimalloc keeps blocks of one size together in
//! pages of their own, so those reads touch fewer cache lines and fewer pages.
//! Measured on this project's machine (one replication of the province's first
//! quarter, whole process, four interleaved rounds): 0.84 of glibc's time; the
//! county and the queueing cases, which allocate little while they run, are
//! unchanged (see the README's speed section). Where memory lies changes no
//! result: outputs are byte-identical with either allocator.

/// The allocator to declare with `#[global_allocator]`.
pub type Allocator = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, version 3 as
/// vendored by `libmimalloc-sys` 0.1.49, the version `Cargo.lock` pins).
const PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    /// mimalloc's setter of its options (`mimalloc.h`).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Sets the allocator's options; call it first thing in `main`.
///
/// Memory freed is given back to the system at once (purge delay 0) rather than
/// after mimalloc's default 10 ms (100 ms for its arenas): with the default, a
/// province's peak resident memory grew from 190 MB to 290 MB, past the 256 MB
/// the project allows it, for no measurable gain in speed.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores an option's value; any value of the
    // purge delay is valid (`mimalloc.h`), and options may be set at any time.
    unsafe { mi_option_set(PURGE_DELAY, 0) };
}
