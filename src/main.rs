//! The `qsite` binary: parses the command line and maps the result to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    qsite::cli::main()
}
