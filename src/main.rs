//! The `zoufang` binary: with no subcommand it opens the window; subcommands run headless.
//! Today's date is read here, once, and handed down.
#![deny(clippy::unwrap_used, clippy::expect_used)]

fn main() -> std::process::ExitCode {
    zoufang::cli::main(chrono::Local::now().date_naive())
}
