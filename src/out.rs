//! Printing for the command line that never panics: `println!` panics when stdout is a pipe
//! whose reader has gone (`zoufang status | head -1`). [`say!`] ends the program quietly
//! instead, as command-line tools do; [`say_err!`] drops what stderr cannot take.

use std::io::Write;

/// Writes one line to stdout; a closed pipe ends the program quietly (exit 0), any other
/// failure to write ends it with a failure code.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        let code = if e.kind() == std::io::ErrorKind::BrokenPipe { 0 } else { 1 };
        std::process::exit(code);
    }
}

/// Writes one line to stderr; what cannot be written is dropped.
pub fn err_line(args: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! say {
    ($($t:tt)*) => { $crate::out::line(format_args!($($t)*)) };
}

/// `eprintln!` that never panics.
macro_rules! say_err {
    ($($t:tt)*) => { $crate::out::err_line(format_args!($($t)*)) };
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Replaces the panic message with one sentence naming only the place in the code: a panic's
/// text may hold what was being read (an ID number, a name), which must never reach a terminal
/// or a log. Panics inside [`quietly`] print nothing (the caller reports them).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if QUIET.with(std::cell::Cell::get) {
            return;
        }
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        err_line(format_args!("{}", crate::i18n::tf("cli.err.internal", &[("place", &place)])));
    }));
}

/// Runs `f`, catching a panic (of a library reading a hostile file) without printing it.
pub fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result
}
