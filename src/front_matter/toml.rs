//! Parsing a TOML front matter block into a [`serde_json`] object.
//!
//! The block is parsed with [`toml::de::DeTable`], which keeps each key's
//! span: entries are put back in source order (the `toml` crate sorts keys
//! unless its `preserve_order` feature is on). The `toml` parser bounds
//! nesting itself (it reports "max recursion depth met"), so arrays nested
//! 10,000 deep fail fast. Datetimes become their TOML text
//! (`2023-09-18T03:00:00Z`), non-finite floats become strings (`inf`, `nan`).

use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// Finds where `text` nests arrays and inline tables more than
/// [`MAX_NESTING`](super::MAX_NESTING) deep, skipping strings, comments and
/// table headers. The `toml` parser recurses once per level before its own
/// limit applies, which overflows a small (wasm) stack on hostile input, so
/// this runs first.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' if line_start && depth == 0 => {
                // A table header: `[a.b]` or `[[a]]`; keys in it are not nesting.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > super::MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' | b'\'' => {
                let triple = bytes[i..].starts_with(if b == b'"' { b"\"\"\"" } else { b"'''" });
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == b {
                        if !triple {
                            break;
                        }
                        if bytes[i..].starts_with(&[b, b, b]) {
                            // Up to two more quotes may belong to the string.
                            while bytes.get(i + 3) == Some(&b) {
                                i += 1;
                            }
                            i += 2;
                            break;
                        }
                    }
                    if bytes[i] == b'\n' && !triple {
                        break;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        line_start = false;
        i += 1;
    }
    None
}

/// Converts one TOML value. Errors carry the byte offset (in the block) of
/// the key whose table nests too deep.
fn convert(value: &DeValue<'_>, depth: usize) -> Result<Value, Option<usize>> {
    Ok(match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(i.to_string()),
        },
        DeValue::Float(f) => {
            let text = f.as_str();
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::String(text.to_owned()), Value::Number)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => {
            if depth >= super::MAX_NESTING {
                return Err(None);
            }
            Value::Array(
                items
                    .iter()
                    .map(|item| convert(item.get_ref(), depth + 1))
                    .collect::<Result<_, _>>()?,
            )
        }
        DeValue::Table(table) => Value::Object(convert_table(table, depth + 1)?),
    })
}

/// Converts a table at nesting `depth`, in source order.
fn convert_table(table: &DeTable<'_>, depth: usize) -> Result<Map<String, Value>, Option<usize>> {
    let mut entries: Vec<(&Spanned<_>, &Spanned<DeValue<'_>>)> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    if depth > super::MAX_NESTING {
        return Err(entries.first().map(|(k, _)| k.span().start));
    }
    let mut map = Map::new();
    for (key, value) in entries {
        let value = convert(value.get_ref(), depth).map_err(|at| at.or(Some(key.span().start)))?;
        map.insert(key.get_ref().to_string(), value);
    }
    Ok(map)
}

/// Parses the TOML `text`, which starts at byte `base` of the source.
/// Returns the top-level table, or `None` after pushing an error.
pub(crate) fn parse(
    text: &str,
    base: usize,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Map<String, Value>> {
    if let Some(at) = too_deep(text) {
        diagnostics.push(index.diagnostic(
            base + at,
            Severity::Error,
            format!(
                "invalid TOML: arrays and inline tables are nested more than {} levels deep",
                super::MAX_NESTING
            ),
        ));
        return None;
    }
    match DeTable::parse(text) {
        Ok(table) => match convert_table(table.get_ref(), 0) {
            Ok(map) => Some(map),
            Err(at) => {
                diagnostics.push(index.diagnostic(
                    base + at.unwrap_or(0).min(text.len()),
                    Severity::Error,
                    format!(
                        "invalid TOML: tables and arrays are nested more than {} levels deep",
                        super::MAX_NESTING
                    ),
                ));
                None
            }
        },
        Err(err) => {
            let offset = err.span().map_or(base, |s| base + s.start.min(text.len()));
            let message = match err.message().trim_end() {
                "recursion limit" => "a key has too many dotted parts (recursion limit)",
                message => message,
            };
            diagnostics.push(index.diagnostic(
                offset,
                Severity::Error,
                format!("invalid TOML: {message}"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    #[test]
    fn nesting() {
        let deep = |n: usize| format!("a = {}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep(&deep(super::super::MAX_NESTING)), None);
        assert_eq!(
            too_deep(&deep(super::super::MAX_NESTING + 1)),
            Some(4 + super::super::MAX_NESTING)
        );
        let tricky = format!(
            "[[table]]\n[a.\"[[[\"]\ns = \"[[[\\\"[[[\"\nl = '[[['\nm = \"\"\"\n[[[\"\"\"\"\nn = \'\'\'[[[\'\'\'\n# [[[\n{}",
            deep(super::super::MAX_NESTING)
        );
        assert_eq!(too_deep(&tricky), None, "{tricky}");
    }
}
