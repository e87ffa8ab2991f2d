//! The template engine of a profile's header and permalink: the part of
//! Jinja such templates need, interpreted over the front matter (JSON).
//!
//! Jinja, not a look-alike: every template this engine renders gives what
//! minijinja (the Rust Jinja engine) gives for it, which the tests check on
//! every template they hold and on thousands of generated ones. minijinja
//! itself is not linked in: it would add 146 KiB gzipped to the wasm module
//! (93 KiB for the engine, 53 KiB of the standard library it instantiates),
//! and a header needs a tenth of it.
//!
//! # Syntax
//!
//! - `{{ expr }}` writes a value; `{# … #}` is a comment; `{% raw %}…{% endraw %}`
//!   is text as written.
//! - `{% if %}`, `{% elif %}`, `{% else %}`, `{% endif %}`.
//! - `{% for x in expr %}…{% else %}…{% endfor %}`, with `loop.index`,
//!   `loop.index0`, `loop.revindex`, `loop.revindex0`, `loop.first`,
//!   `loop.last`, `loop.length`.
//! - `{% set name = expr %}` (inside a `for`, for that iteration).
//! - `-` at a tag's edge (`{%-`, `-}}`) removes the white space on that side.
//! - Expressions: strings (`"…"`, `'…'`), integers, floats, `true`, `false`,
//!   `none`, lists `[a, b]`; variables; `a.b`, `a["b"]`, `a[0]`, `a[-1]`;
//!   `not`, `and`, `or`; `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`;
//!   `~` (joins as text); `x if cond else y`; `|filter(args)`;
//!   `is [not] defined|undefined|none|string|number|sequence|mapping`.
//! - Filters: `date(format, months=[…])` (the site's own: a front matter date
//!   in UTC, strftime, `months` the twelve names `%B` writes), and Jinja's
//!   `join(sep)`, `default(value, lax)`/`d`, `escape`/`e`, `safe`,
//!   `length`/`count`, `lower`, `trim(chars)`, `first`, `last`,
//!   `replace(from, to)`.
//!
//! Anything else (macros, inheritance, includes, arithmetic, calls) is an
//! error at the line and column where it is written, when the template is
//! parsed, never a wrong output.
//!
//! # Defaults
//!
//! - **Escaping** ([`Escape::Html`]): every value written is HTML-escaped
//!   (`& < > " '` and `/`) unless it is marked safe (`|safe`, `|escape`).
//! - **Tables** keep the order of the front matter (`{% for key in extra %}`
//!   walks the keys as the author wrote them, as Jinja's dicts do).
//! - **Undefined** values (a key the front matter leaves out) write nothing,
//!   are false, and are chainable: `extra.team` without `extra` is
//!   undefined, not an error; a `for` over one walks nothing.
//! - **White space**: as written; one newline at the very end of the
//!   template is dropped (Jinja's `keep_trailing_newline = false`).
//! - **Bounds**: a render runs at most the fuel it is given (one unit per
//!   node, expression and iteration), writes at most [`MAX_OUTPUT`] bytes,
//!   and a template nests at most 64 blocks or expressions deep; past any
//!   of these the render stops with an error.

mod eval;
mod filters;
mod parse;

#[cfg(test)]
mod tests;

/// The most bytes one render may write.
pub const MAX_OUTPUT: usize = 1 << 20;

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    source: String,
    nodes: Vec<parse::Node>,
}

/// How a render escapes the values it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// HTML: `& < > " '` and `/`.
    Html,
    /// Written as they are (a permalink is a URL, not HTML).
    None,
}

/// What went wrong, and where in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What stopped the template.
    pub kind: ErrorKind,
    /// 1-based line in the template.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// The kinds of [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template is not valid, or failed on these values.
    Invalid,
    /// The render ran out of fuel.
    OutOfFuel,
    /// The render wrote more than [`MAX_OUTPUT`] bytes.
    TooLong,
}

impl Error {
    fn at(source: &str, offset: usize, message: String) -> Error {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let line = count(before.matches('\n').count() + 1);
        let column = count(before[line_start..].chars().count() + 1);
        Error {
            kind: ErrorKind::Invalid,
            line,
            column,
            message,
        }
    }
}

impl Template {
    /// Parses `source`, or says what is wrong at which line and column.
    pub fn parse(source: &str) -> Result<Template, Error> {
        Ok(Template {
            source: source.to_owned(),
            nodes: parse::parse(source)?,
        })
    }

    /// Renders the template over `context` (a JSON object: its keys are
    /// the template's variables), running at most `fuel` steps.
    pub fn render(
        &self,
        context: &serde_json::Value,
        escape: Escape,
        fuel: u64,
    ) -> Result<String, Error> {
        let mut state = eval::State::new(&self.source, context, escape, fuel);
        match state.nodes(&self.nodes) {
            Ok(()) => Ok(state.out),
            Err(eval::Stop::Error(e)) => Err(e),
            Err(stop) => {
                let (kind, message) = match stop {
                    eval::Stop::OutOfFuel => {
                        (ErrorKind::OutOfFuel, format!("ran more than {fuel} steps"))
                    }
                    _ => (
                        ErrorKind::TooLong,
                        format!("wrote more than {MAX_OUTPUT} bytes"),
                    ),
                };
                Err(Error {
                    kind,
                    line: 1,
                    column: 1,
                    message,
                })
            }
        }
    }
}
