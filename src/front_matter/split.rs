//! Finding the front matter block at the top of a post.
//!
//! A YAML block opens with a `---` line and closes with a `---` or `...`
//! line; a TOML block opens and closes with `+++` lines. Delimiter lines may
//! end in spaces or tabs, and any line may end in `\r\n`. A leading byte
//! order mark is skipped.

use super::Format;

/// The largest front matter block, in bytes, that is parsed. Larger blocks
/// are reported and skipped (the body still renders), which bounds the work
/// the YAML and TOML parsers can be made to do.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// A closed front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    /// YAML or TOML, from the delimiter.
    pub format: Format,
    /// Byte offset of the opening delimiter line.
    pub open: usize,
    /// Byte offset of the first line after the opening delimiter.
    pub content_start: usize,
    /// The text between the delimiter lines (line endings included).
    pub content: &'a str,
    /// Byte offset just after the closing delimiter line and its line ending.
    pub body_start: usize,
}

/// What [`split`] found at the top of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split<'a> {
    /// No front matter: the body starts at `body_start` (after any BOM).
    None {
        /// Byte offset of the body (0, or 3 after a BOM).
        body_start: usize,
    },
    /// An opening delimiter without a closing one.
    Unclosed {
        /// The format the opener announced.
        format: Format,
        /// Byte offset of the opening line, which is also where the body starts.
        open: usize,
    },
    /// A complete block.
    Block(Block<'a>),
}

/// The lines of `text` from byte `from`: `(start, content without line ending, end
/// after line ending)`.
fn lines(text: &str, from: usize) -> impl Iterator<Item = (usize, &str, usize)> {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        pos = end;
        let line = &text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        Some((start, line, end))
    })
}

/// Whether `line` (without its line ending) is the delimiter `delim`,
/// allowing trailing spaces and tabs.
fn is_delimiter(line: &str, delim: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == delim
}

/// Finds the front matter block at the top of `source`.
pub fn split(source: &str) -> Split<'_> {
    let start = if source.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut it = lines(source, start);
    let Some((open, first, content_start)) = it.next() else {
        return Split::None { body_start: start };
    };
    let (format, closers): (Format, &[&str]) = if is_delimiter(first, "---") {
        (Format::Yaml, &["---", "..."])
    } else if is_delimiter(first, "+++") {
        (Format::Toml, &["+++"])
    } else {
        return Split::None { body_start: start };
    };
    for (line_start, line, line_end) in it {
        if closers.iter().any(|c| is_delimiter(line, c)) {
            return Split::Block(Block {
                format,
                open,
                content_start,
                content: &source[content_start..line_start],
                body_start: line_end,
            });
        }
    }
    Split::Unclosed { format, open }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(split(""), Split::None { body_start: 0 });
        assert_eq!(split("\u{feff}"), Split::None { body_start: 3 });
        assert_eq!(split("--- x\n---\n"), Split::None { body_start: 0 });
        assert_eq!(
            split("---\n"),
            Split::Unclosed {
                format: Format::Yaml,
                open: 0
            }
        );
        let Split::Block(b) = split("--- \t\r\na: 1\r\n... \r\nbody") else {
            panic!()
        };
        assert_eq!((b.content, b.body_start), ("a: 1\r\n", 19));
        let Split::Block(b) = split("+++\n+++") else {
            panic!()
        };
        assert_eq!((b.format, b.content, b.body_start), (Format::Toml, "", 7));
        // `...` does not close TOML.
        assert!(matches!(split("+++\n...\n"), Split::Unclosed { .. }));
    }
}
