//! The command line: raw clap flags resolved once into options, and each
//! command's result mapped to an exit code (0 ok, 1 site errors, 2
//! environment errors).

use std::process::ExitCode;
use std::time::Instant;

use camino::{Utf8Path, Utf8PathBuf};
use clap::{Args, Parser, Subcommand};
use queries::BuildOptions;

use crate::output::write_site;
use crate::report::{print_diagnostics, render_report};
use crate::site_folder::EnvironmentError;
use crate::workspace::Workspace;

/// qsite: a static site generator whose whole build is a query database.
#[derive(Parser)]
#[command(name = "qsite", version, about)]
struct Cli {
    /// The site folder.
    #[arg(short, long, global = true, default_value = ".")]
    root: Utf8PathBuf,
    /// The configuration file, relative to the root.
    #[arg(short, long, global = true, default_value = "qsite.toml")]
    config: Utf8PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a small starter site into DIR (default: the current folder).
    Init {
        /// Where to write it.
        dir: Option<Utf8PathBuf>,
        /// Write even if DIR is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Build the site into the output directory.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(short, long, default_value = "public")]
        output_dir: Utf8PathBuf,
    },
    /// Check the site for errors without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
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
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{}", render_report(&miette::Report::new_boxed(Box::new(EnvironmentDiagnostic(error)))));
            ExitCode::from(2)
        }
    }
}

/// An environment error shown through miette, like every other message.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error(transparent)]
#[diagnostic(code(qsite::environment))]
struct EnvironmentDiagnostic(Box<dyn std::error::Error + Send + Sync>);

fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    match cli.command {
        Command::Init { dir, force } => {
            let dir = dir.unwrap_or(cli.root);
            crate::init::init(&dir, force)?;
            println!("Wrote a starter site to `{dir}`. Build it with: qsite --root {dir} build");
            Ok(ExitCode::SUCCESS)
        }
        Command::Build { site, output_dir } => Ok(build(&cli.root, &cli.config, site.options(), Some(&output_dir))?),
        Command::Check { site } => Ok(build(&cli.root, &cli.config, site.options(), None)?),
    }
}

/// Builds the site, printing diagnostics and one summary line; writes the
/// output only when there are no errors, so a broken edit never replaces a
/// good `public/` with a half-built one.
fn build(
    root: &Utf8Path,
    config: &Utf8Path,
    options: BuildOptions,
    output_dir: Option<&Utf8Path>,
) -> Result<ExitCode, EnvironmentError> {
    let started = Instant::now();
    let workspace = Workspace::load(root, config, options)?;
    let site = workspace.render();
    print_diagnostics(&workspace, &site.diagnostics);
    let errors = site.diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).count();
    let stats = site.stats;
    let what = format!(
        "{} pages, {} sections, {} terms ({} drafts skipped)",
        stats.pages, stats.sections, stats.terms, stats.drafts_skipped
    );
    if errors > 0 {
        eprintln!("error: {errors} error(s) in the site; nothing was written ({what})");
        return Ok(ExitCode::from(1));
    }
    let Some(output_dir) = output_dir else {
        println!("Checked {what}: no errors, in {} ms", started.elapsed().as_millis());
        return Ok(ExitCode::SUCCESS);
    };
    let output_dir = if output_dir.is_absolute() { output_dir.to_owned() } else { root.join(output_dir) };
    let written = write_site(root, &output_dir, &site)?;
    println!(
        "Built {what}: rendered {}, reused {}, {} files written, {} unchanged, {} deleted, in {} ms",
        site.rendered,
        site.reused,
        written.written,
        written.unchanged,
        written.deleted,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
