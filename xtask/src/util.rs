//! Errors, the project's paths, and running commands visibly.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A user-facing error: printed as `xtask: error: ...`, never a panic.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        Error(error.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Adds what was being done to an I/O error.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what())))
    }
}

/// Where things are.
pub struct Project {
    /// The workspace root (the `post-preview` crate).
    pub root: PathBuf,
    /// Cargo's target directory, as `cargo metadata` reports it.
    pub target_dir: PathBuf,
}

impl Project {
    pub fn locate() -> Result<Project> {
        // xtask/ is a direct child of the workspace root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| Error::new("xtask has no parent directory"))?
            .to_path_buf();
        std::env::set_current_dir(&root).context(|| format!("cd {}", root.display()))?;
        let metadata = output(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))?;
        let target_dir = json_string_field(&metadata, "target_directory")
            .ok_or_else(|| Error::new("`cargo metadata` printed no `target_directory`"))?;
        Ok(Project {
            root,
            target_dir: PathBuf::from(target_dir),
        })
    }

    pub fn www(&self) -> PathBuf {
        self.root.join("www")
    }

    pub fn pkg(&self) -> PathBuf {
        self.root.join("www").join("pkg")
    }
}

/// `cargo`, the one running this xtask.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Prints `$ [ENV=value ...] program args [(in dir)]`.
pub fn echo(command: &Command) {
    let mut line = String::from("$");
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            line.push_str(&format!(" {}={}", key.to_string_lossy(), quote(value)));
        }
    }
    line.push(' ');
    line.push_str(&quote(program_name(command)));
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    if let Some(dir) = command.get_current_dir() {
        line.push_str(&format!("   (in {})", dir.display()));
    }
    eprintln!("{line}");
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The program, with the `cargo` running the xtask shown as just `cargo`.
fn program_name(command: &Command) -> &OsStr {
    let program = command.get_program();
    if std::env::var_os("CARGO").as_deref() == Some(program) {
        OsStr::new("cargo")
    } else {
        program
    }
}

fn describe(command: &Command) -> String {
    let mut s = program_name(command).to_string_lossy().into_owned();
    for arg in command.get_args().take(3) {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

fn spawn_error(command: &Command, error: std::io::Error) -> Error {
    let program = program_name(command).to_string_lossy();
    if error.kind() == std::io::ErrorKind::NotFound {
        Error(format!("could not run `{program}`: not found on PATH"))
    } else {
        Error(format!("could not run `{program}`: {error}"))
    }
}

/// Runs a command, printed first, with inherited stdio; fails unless it succeeds.
pub fn run(command: &mut Command) -> Result<()> {
    echo(command);
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|e| spawn_error(command, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error(format!("`{}` failed ({status})", describe(command))))
    }
}

/// Like [`run`], but with the terminal's stdin (for `sudo` password prompts).
pub fn run_interactive(command: &mut Command) -> Result<()> {
    echo(command);
    let status = command.status().map_err(|e| spawn_error(command, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error(format!("`{}` failed ({status})", describe(command))))
    }
}

/// Runs a command (printed first) and returns its stdout; stderr passes through.
pub fn output(command: &mut Command) -> Result<String> {
    echo(command);
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| spawn_error(command, e))?;
    if !out.status.success() {
        return Err(Error(format!(
            "`{}` failed ({})",
            describe(command),
            out.status
        )));
    }
    String::from_utf8(out.stdout).context(|| format!("output of `{}`", describe(command)))
}

/// Runs a probe quietly: its stdout if it ran and succeeded, else `None`.
pub fn probe(command: &mut Command) -> Option<String> {
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first `"key":"value"` string field in a JSON text (enough for
/// `cargo metadata`'s top-level `target_directory`).
pub fn json_string_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = json[start..].chars();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prints a step heading.
pub fn section(title: &str) {
    eprintln!("\n==> {title}");
}

/// Is `program` on PATH (or an existing path)?
pub fn on_path(program: &str) -> Option<PathBuf> {
    let candidate = Path::new(program);
    if candidate.components().count() > 1 {
        return candidate.is_file().then(|| candidate.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields() {
        let json = r#"{"packages":[],"target_directory":"/a \"b\"\\c\u00e9","version":1}"#;
        assert_eq!(
            json_string_field(json, "target_directory").as_deref(),
            Some("/a \"b\"\\cé")
        );
        assert_eq!(json_string_field(json, "nope"), None);
        assert_eq!(json_string("a\"\\\n"), r#""a\"\\\u000a""#);
    }
}
