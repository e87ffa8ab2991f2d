//! Diagnostics: what went wrong, how badly, and where in the file.
//!
//! Every phase reports problems as [`Diagnostic`] values instead of failing.
//! Positions are always file-absolute, 1-based lines and columns, computed
//! from byte offsets by a [`LineIndex`] over the whole source text.

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The post will not publish as the author intends (for example a YAML syntax error).
    Error,
    /// Probably a mistake, but the post still renders (for example an over-long description).
    Warning,
    /// Information, for example that the sanitizer removed something.
    Info,
}

impl Severity {
    /// The lowercase name used in JSON and in `check` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, at a 1-based, file-absolute line and column.
///
/// Columns count Unicode scalar values from the start of the line; a leading
/// byte order mark is not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious the problem is.
    pub severity: Severity,
    /// 1-based line in the whole file (front matter included).
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    pub column: u32,
    /// What went wrong, in words an author understands.
    pub message: String,
    /// Which text `line` and `column` are in: `None` for the post itself,
    /// `Some("profile")` for the site profile the post was rendered with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<&'static str>,
}

/// Puts diagnostics in the order they are shown: a site profile's problems
/// (positions in the profile) first, then the post's, each by line and
/// column. The one sort of diagnostics, so that the module has one copy
/// of its code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.origin.is_none(), d.line, d.column));
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(origin) = self.origin {
            write!(f, "{origin}:")?;
        }
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.severity, self.message
        )
    }
}

/// Maps byte offsets in the source text to 1-based lines and columns.
///
/// Lines end at `\n`; a `\r` before it belongs to the line ending. A byte
/// order mark at offset 0 is not counted as a column.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`, which must be the whole source file.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The 1-based line and column of byte `offset`. Offsets past the end
    /// map to the end; offsets inside a UTF-8 sequence map to its character.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let mut start = self.starts[line];
        if start == 0 && self.text.starts_with('\u{feff}') {
            start = offset.min('\u{feff}'.len_utf8());
        }
        let column = self.text[start..]
            .char_indices()
            .take_while(|&(i, _)| start + i < offset)
            .count();
        (line as u32 + 1, column as u32 + 1)
    }

    /// [`LineIndex::line_col`] of `offset`, counted on from `from`, an
    /// earlier offset with its line and column: for many positions in
    /// increasing order on one long line this is linear, where
    /// `line_col` walks the line from its start each time. An `offset`
    /// before `from` is looked up from scratch.
    pub fn line_col_after(&self, from: (usize, (u32, u32)), offset: usize) -> (u32, u32) {
        let (start, (mut line, mut column)) = from;
        let offset = offset.min(self.text.len());
        if offset < start || !self.text.is_char_boundary(start) {
            return self.line_col(offset);
        }
        for (i, c) in self.text[start..].char_indices() {
            if start + i >= offset {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else if !(start + i == 0 && c == '\u{feff}') {
                // (a BOM is not a column)
                column += 1;
            }
        }
        (line, column)
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|&s| s <= offset) as u32
    }

    /// The byte offset where 1-based `line` starts, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    /// A diagnostic at byte `offset`.
    pub fn diagnostic(
        &self,
        offset: usize,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        Diagnostic {
            severity,
            line,
            column,
            message: message.into(),
            origin: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_on_agrees_with_looking_up() {
        let text = "\u{feff}ab\r\ncé <x>\n\n😀 y z";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &from in &offsets {
            for &to in &offsets {
                assert_eq!(
                    idx.line_col_after((from, idx.line_col(from)), to),
                    idx.line_col(to),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\r\ncé\nx");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(1), (1, 2));
        assert_eq!(idx.line_col(4), (2, 1));
        // 'é' is two bytes: the offset after it is column 3.
        assert_eq!(idx.line_col(7), (2, 3));
        assert_eq!(idx.line_col(8), (3, 1));
        assert_eq!(idx.line_col(100), (3, 2));
        assert_eq!(idx.line(5), 2);
        assert_eq!(idx.line_start(3), Some(8));
        assert_eq!(idx.line_start(4), None);
    }

    #[test]
    fn bom_is_not_a_column() {
        let idx = LineIndex::new("\u{feff}---\n");
        assert_eq!(idx.line_col(3), (1, 1));
        assert_eq!(idx.line_col(4), (1, 2));
    }
}
