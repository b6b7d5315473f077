//! What Ctrl-C says during a long command: one line on standard error saying
//! what became of the results and how to go on (`sweep`: the same command
//! resumes; `run`: its folder is as it was), then the command ends as the
//! signal ends it by default (the sweep's journal is built to be cut at any
//! moment, and a run's results replace their folder only when it ends).

use std::sync::OnceLock;

/// The text written on an interrupt, set once, before the handler is installed.
static MESSAGE: OnceLock<Vec<u8>> = OnceLock::new();

/// From now on, Ctrl-C (SIGINT) first writes `message` on standard error (on a
/// line of its own, after a progress bar's), then ends the process as by default.
pub(crate) fn say_on_interrupt(message: &str) {
    if MESSAGE.set(format!("\n{message}\n").into_bytes()).is_err() {
        return;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: the handler calls only async-signal-safe functions (write, signal,
    // raise) and reads MESSAGE, which was set above and never changes.
    unsafe {
        libc::signal(libc::SIGINT, on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t);
    }
}

/// Writes the message, then raises the signal again with its default action.
#[cfg(target_os = "linux")]
extern "C" fn on_interrupt(signal: libc::c_int) {
    // SAFETY: write(2), signal(2) and raise(3) are async-signal-safe; the buffer lives forever.
    unsafe {
        if let Some(m) = MESSAGE.get() {
            libc::write(libc::STDERR_FILENO, m.as_ptr().cast(), m.len());
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}
