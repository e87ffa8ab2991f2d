//! The `post-preview` command line, over the same core as the browser.
//!
//! - `post-preview render [FILE|-] [--json] [--base-url URL] [--profile NAME|FILE]`
//!   prints a standalone HTML page, or with `--json` the Preview as JSON.
//! - `post-preview check FILE... [--profile NAME|FILE]` prints
//!   `FILE:LINE:COL: SEVERITY: MESSAGE` per diagnostic (a problem in the
//!   profile is printed with the profile's file name); exits 1 if any is an
//!   error.
//!
//! Exit status 2 means a usage or I/O error (a missing file, a file that is
//! not UTF-8), always with a message, never a panic.

// The CLI is native only; on wasm32 (where `cargo test --target wasm32`
// still builds every binary) it is an empty program.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{Read, Write};
    use std::process::ExitCode;

    use clap::{Args, Parser, Subcommand};
    use post_preview::{profile, render, standalone_page, Diagnostic, Options, Severity};

    #[derive(Parser)]
    #[command(
        name = "post-preview",
        version,
        about = "Render and check blog posts (front matter + markdown) exactly as the site publishes them."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Print a post as a standalone HTML page (or, with --json, its preview data).
        Render {
            /// The post; `-` or nothing reads standard input.
            file: Option<String>,
            /// Print the preview as JSON: front_matter, header_html, html, diagnostics, outline, stats.
            #[arg(long)]
            json: bool,
            /// For tests (hidden): the input is a JSON array of post sources,
            /// and the output a JSON array of their previews (implies --json).
            /// One process for the conformance test's thousands of inputs.
            #[arg(long, hide = true)]
            batch: bool,
            #[command(flatten)]
            render: RenderArgs,
        },
        /// Print every diagnostic of each post as FILE:LINE:COL: SEVERITY: MESSAGE.
        /// Exits 1 if any diagnostic is an error.
        Check {
            /// The posts to check.
            #[arg(required = true)]
            files: Vec<String>,
            #[command(flatten)]
            render: RenderArgs,
        },
    }

    #[derive(Args)]
    struct RenderArgs {
        /// Resolve site-root and relative link and image URLs against this URL,
        /// e.g. https://foundation.rust-lang.org
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The site profile: a built-in name (rust-foundation, the default;
        /// rust-blog; commonmark) or a profile file (TOML).
        #[arg(long, value_name = "NAME|FILE", conflicts_with = "preset")]
        profile: Option<String>,
        /// The earlier name of --profile, for built-in names (eleventy is rust-foundation).
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
    }

    impl RenderArgs {
        /// The options, and the name to print for a problem in the profile.
        fn options(self) -> Result<(Options, String), Failure> {
            let choice = self.profile.or(self.preset);
            let (profile, shown) = match choice {
                None => (None, "profile".to_owned()),
                Some(name) if profile::builtin_text(&name).is_some() => {
                    let shown = format!("profile {name}");
                    (Some(name), shown)
                }
                Some(file) => {
                    let text = std::fs::read_to_string(&file).map_err(|e| {
                        let names: Vec<&str> = profile::BUILTIN.iter().map(|(n, _)| *n).collect();
                        Failure(format!(
                            "`{file}` is neither a built-in profile ({}) nor a readable profile file: {e}",
                            names.join(", ")
                        ))
                    })?;
                    (Some(text), file)
                }
            };
            let options = Options {
                base_url: self.base_url,
                profile,
                ..Options::default()
            };
            Ok((options, shown))
        }
    }

    /// `FILE:LINE:COL: SEVERITY: MESSAGE`, with the profile's name for a
    /// problem in the profile.
    fn located(post: &str, profile: &str, d: &Diagnostic) -> String {
        let file = if d.origin.is_some() { profile } else { post };
        format!(
            "{file}:{}:{}: {}: {}",
            d.line, d.column, d.severity, d.message
        )
    }

    /// A usage or I/O error: the message, and exit status 2.
    struct Failure(String);

    pub fn main() -> ExitCode {
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) => {
                let _ = e.print();
                return if e.use_stderr() {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
        };
        match run(cli) {
            Ok(code) => code,
            Err(Failure(message)) => {
                eprintln!("post-preview: {message}");
                ExitCode::from(2)
            }
        }
    }

    fn run(cli: Cli) -> Result<ExitCode, Failure> {
        let mut stdout = std::io::stdout().lock();
        let write_failed =
            |e: std::io::Error| Failure(format!("cannot write to standard output: {e}"));
        match cli.command {
            Command::Render {
                file,
                json,
                batch,
                render: args,
            } => {
                let name = file.unwrap_or_else(|| "-".to_owned());
                let source = read_source(&name)?;
                let (options, _) = args.options()?;
                let serialize_failed =
                    |e: serde_json::Error| Failure(format!("cannot serialize the preview: {e}"));
                let out = if batch {
                    let sources: Vec<String> = serde_json::from_str(&source).map_err(|e| {
                        Failure(format!("--batch reads a JSON array of strings: {e}"))
                    })?;
                    let previews: Vec<_> = sources.iter().map(|s| render(s, &options)).collect();
                    serde_json::to_string(&previews).map_err(serialize_failed)? + "\n"
                } else if json {
                    let preview = render(&source, &options);
                    serde_json::to_string_pretty(&preview).map_err(serialize_failed)? + "\n"
                } else {
                    standalone_page(&render(&source, &options))
                };
                stdout.write_all(out.as_bytes()).map_err(write_failed)?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Check {
                files,
                render: args,
            } => {
                let (options, profile_name) = args.options()?;
                let mut any_error = false;
                let mut said_profile: Vec<Diagnostic> = Vec::new();
                for name in &files {
                    let source = read_source(name)?;
                    for d in render(&source, &options).diagnostics {
                        // The profile's problems are the same for every post: once.
                        if d.origin.is_some() {
                            if said_profile.contains(&d) {
                                continue;
                            }
                            said_profile.push(d.clone());
                        }
                        any_error |= d.severity == Severity::Error;
                        writeln!(stdout, "{}", located(name, &profile_name, &d))
                            .map_err(write_failed)?;
                    }
                }
                Ok(if any_error {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                })
            }
        }
    }

    /// Reads a post from a file, or standard input for `-`, as UTF-8.
    fn read_source(name: &str) -> Result<String, Failure> {
        let mut bytes = Vec::new();
        let read = if name == "-" {
            std::io::stdin().lock().read_to_end(&mut bytes).map(drop)
        } else {
            std::fs::File::open(name)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map(drop)
        };
        let shown = if name == "-" { "standard input" } else { name };
        read.map_err(|e| Failure(format!("cannot read {shown}: {e}")))?;
        String::from_utf8(bytes).map_err(|e| {
            Failure(format!(
                "{shown} is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })
    }
}
