//! The command line: raw clap flags resolved once into options, and each
//! command's result mapped to an exit code (0 ok, 1 site errors, 2
//! environment errors).

use std::net::IpAddr;
use std::process::ExitCode;

use camino::Utf8PathBuf;
use clap::{Args, Parser, Subcommand};
use queries::BuildOptions;

use crate::build::{BuildOutcome, BuildRequest, build};
use crate::clean::clean;
use crate::explain::explain;
use crate::new_content::{NewKind, new_content};
use crate::report::{render_report, stderr_is_colored};
use crate::serve::{ServeOptions, serve};
use crate::site_folder::config_file;
use crate::summary::Verbosity;

/// qsite: a static site generator whose whole build is a query database.
#[derive(Parser)]
#[command(name = "qsite", version, about)]
struct Cli {
    /// The site folder.
    #[arg(short, long, global = true, default_value = ".")]
    root: Utf8PathBuf,
    /// The configuration file, relative to the root [default: qsite.toml, or
    /// a Zola site's zola.toml or config.toml].
    #[arg(short, long, global = true)]
    config: Option<Utf8PathBuf>,
    /// Also list what was rendered, and why.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    verbose: bool,
    /// Print errors only.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a starter site into DIR (default: the current folder): `qsite init my-site`.
    Init {
        /// Where to write it.
        dir: Option<Utf8PathBuf>,
        /// Write even if DIR is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Write a new page, a draft dated today: `qsite new blog/my-post.md`;
    /// or a section: `qsite new section notes`.
    New {
        /// The page's path under `content/`, or `section`.
        #[arg(value_name = "PATH|section")]
        path: String,
        /// After `section`: the section's folder under `content/`.
        name: Option<String>,
    },
    /// Serve the site from memory and live-reload the browser on every edit: `qsite serve --open`.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The address to listen on.
        #[arg(short, long, default_value = "127.0.0.1")]
        interface: IpAddr,
        /// The port; when it is taken, the next free one. 0 lets the system choose.
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(short = 'O', long)]
        open: bool,
    },
    /// Build the site into `public/`, redoing only what changed: `qsite build`.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(short, long, default_value = "public")]
        output_dir: Utf8PathBuf,
        /// Ignore the cache: render and compare every output.
        #[arg(long)]
        clean: bool,
        /// Afterwards, build the site from scratch in memory and compare;
        /// exit 3 if the output differs.
        #[arg(long)]
        verify: bool,
        /// Build into an output folder that holds files qsite did not
        /// write, replacing those of the same names.
        #[arg(short, long)]
        force: bool,
    },
    /// Report every error in the site, writing nothing: `qsite check`.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Remove `.qsite/` and every file qsite wrote into the output folder: `qsite clean`.
    Clean {
        /// The output directory to clean.
        #[arg(short, long, default_value = "public")]
        output_dir: Utf8PathBuf,
    },
    /// Say why the last build rendered an output, or reused it: `qsite explain /blog/`.
    Explain {
        /// The output file: `public/blog/a/index.html`, `blog/a/index.html` or `/blog/a/`.
        output: String,
        /// The output directory the build wrote.
        #[arg(short, long, default_value = "public")]
        output_dir: Utf8PathBuf,
    },
    /// Print shell completions: `qsite completions bash > ~/.local/share/bash-completion/completions/qsite`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Flags that change what the site renders.
#[derive(Args)]
struct SiteArgs {
    /// Replace `base_url` from the configuration.
    #[arg(short = 'u', long)]
    base_url: Option<String>,
    /// Render pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions { drafts: self.drafts, base_url: self.base_url.clone() }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        end_quietly_when_the_reader_goes();
    }
    report_files_too_large_as_errors();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!(
                "{}",
                render_report(&miette::Report::new_boxed(Box::new(EnvironmentDiagnostic(error))), stderr_is_colored())
            );
            ExitCode::from(2)
        }
    }
}

/// Lets a reader that stops early (`qsite build -v | head`) end the process
/// as it does for other command-line tools, instead of a panic in the next
/// `println!`. Not for `serve`, whose sockets rely on the signal being
/// ignored. Restoring a signal's default disposition is sound at any time.
fn end_quietly_when_the_reader_goes() {
    // SAFETY: `signal` with `SIG_DFL` only resets the disposition of SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Makes a write past the process's file size limit (`ulimit -f`) an error
/// qsite reports, naming the file, like a full disk, instead of a signal
/// that ends the process without a word. Ignoring a signal is sound at any
/// time.
fn report_files_too_large_as_errors() {
    #[cfg(unix)]
    // SAFETY: `signal` with `SIG_IGN` only sets the disposition of SIGXFSZ.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// An environment error shown through miette, like every other message.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error(transparent)]
#[diagnostic(code(qsite::environment))]
struct EnvironmentDiagnostic(Box<dyn std::error::Error + Send + Sync>);

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let config = cli.config.clone().unwrap_or_else(|| config_file(&cli.root));
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    };
    match cli.command {
        Command::Init { dir, force } => {
            let dir = dir.unwrap_or(cli.root);
            crate::init::init(&dir, force)?;
            let next = if dir == "." { "qsite serve".to_owned() } else { format!("cd {dir} && qsite serve") };
            println!("Wrote a starter site to `{dir}`. See it with: {next}");
            Ok(ExitCode::SUCCESS)
        }
        Command::New { path, name } => {
            let (kind, name) = match (path.as_str(), name) {
                ("section", Some(name)) => (NewKind::Section, name),
                (_, Some(extra)) => {
                    return Err(format!("unexpected `{extra}`: `qsite new PATH` or `qsite new section NAME`").into());
                }
                (_, None) => (NewKind::Page, path),
            };
            let written = new_content(&cli.root, kind, &name)?;
            if written.file_name() == Some("_index.md") {
                println!("Wrote {written}; pages go beside it in {}", written.parent().unwrap_or(&written));
            } else {
                println!(
                    "Wrote {written}, a draft: `qsite serve --drafts` shows it, and removing `draft = true` publishes it"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Build { site, output_dir, clean, verify, force } => {
            let request = BuildRequest {
                root: cli.root,
                config: config.clone(),
                options: site.options(),
                output_dir: Some(output_dir),
                clean,
                verify,
                force,
                verbosity,
            };
            Ok(exit_code(build(&request)?))
        }
        Command::Check { site } => {
            let request = BuildRequest {
                root: cli.root,
                config: config.clone(),
                options: site.options(),
                output_dir: None,
                clean: false,
                verify: false,
                force: false,
                verbosity,
            };
            Ok(exit_code(build(&request)?))
        }
        Command::Serve { site, interface, port, open } => {
            let options = ServeOptions {
                root: cli.root,
                config: config.clone(),
                interface,
                port,
                open,
                drafts: site.drafts,
                base_url: site.base_url,
            };
            serve(&options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "qsite",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { output, output_dir } => {
            println!("{}", explain(&cli.root, output_dir.as_str(), &output)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean { output_dir } => {
            let cleaned = clean(&cli.root, &config, &output_dir)?;
            if cleaned.had_manifest {
                println!("Removed {} output files and the cache", cleaned.outputs);
                if cleaned.left > 0 {
                    eprintln!(
                        "warning: left {} files that the output folder's manifest lists but the cache has no matching \
                         record of (written by another build, or edited since); remove them by hand if they are not yours",
                        cleaned.left
                    );
                }
            } else {
                println!(
                    "Removed the cache; the output folder has no manifest of files qsite wrote, so nothing else was removed"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn exit_code(outcome: BuildOutcome) -> ExitCode {
    match outcome {
        BuildOutcome::Success => ExitCode::SUCCESS,
        BuildOutcome::SiteErrors => ExitCode::from(1),
        BuildOutcome::Stale => ExitCode::from(3),
    }
}
