//! The `zoufang` binary: with no subcommand it opens the window; subcommands run headless.

fn main() -> std::process::ExitCode {
    zoufang::cli::main()
}
