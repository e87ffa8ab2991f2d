//! Parsing a YAML front matter block into a [`serde_json`] object.
//!
//! The document is deserialized straight into [`serde_json::Value`] by a
//! seed that bounds nesting depth ([`MAX_NESTING`]) and the number of nodes
//! after alias expansion ([`MAX_NODES`]), so hostile input ("billion laughs"
//! alias bombs, 10,000 nested lists) fails fast with a diagnostic instead of
//! exhausting the stack or memory. libyaml's parser itself is not recursive.
//!
//! Conversion rules: non-string keys become their YAML/JSON text, tags are
//! dropped (the tagged value is kept), non-finite floats become strings
//! (`.inf`, `-.inf`, `.nan`), and duplicate keys are an error.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{MAX_NESTING, MAX_NODES};
use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// Limits and findings shared by the seeds of one parse.
#[derive(Default)]
struct State {
    /// Collections currently open.
    depth: usize,
    /// Nodes produced so far, aliases expanded.
    nodes: usize,
    /// Set when the error is a duplicate key, to point at the key.
    duplicate: Option<String>,
    /// Our own error message, reported without serde_yaml's path prefix.
    message: Option<String>,
}

/// Deserializes any YAML node into a JSON value.
#[derive(Clone, Copy)]
struct ValueSeed<'s> {
    state: &'s RefCell<State>,
}

impl ValueSeed<'_> {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let mut state = self.state.borrow_mut();
        state.nodes += 1;
        if state.nodes > MAX_NODES {
            let message = format!(
                "the YAML expands to more than {MAX_NODES} values \
                 (aliases such as `*name` repeat data): this looks like an alias bomb"
            );
            state.message = Some(message.clone());
            return Err(E::custom(message));
        }
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        self.count()?;
        let mut state = self.state.borrow_mut();
        state.depth += 1;
        if state.depth > MAX_NESTING {
            let message =
                format!("lists and mappings are nested more than {MAX_NESTING} levels deep");
            state.message = Some(message.clone());
            return Err(E::custom(message));
        }
        Ok(())
    }

    fn leave(&self) {
        self.state.borrow_mut().depth -= 1;
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// YAML text for a float, as serde_yaml writes it.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        f.to_string()
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.count()?;
        Ok(serde_json::Number::from_f64(v)
            .map_or_else(|| Value::String(float_text(v)), Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        self.leave();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed(self))? {
            if object.contains_key(&key) {
                let message = format!("duplicate key `{key}`: each key may appear only once");
                let mut state = self.state.borrow_mut();
                state.message = Some(message.clone());
                state.duplicate = Some(key);
                drop(state);
                // Failing inside the value's deserialization makes serde_yaml
                // attach the duplicate's position rather than the mapping's.
                return map.next_value_seed(Fail(message));
            }
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        self.leave();
        Ok(Value::Object(object))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A custom tag (`!foo value`): keep the value, drop the tag.
        // A tag costs serde_yaml about as much stack as a collection, so it
        // counts as a nesting level.
        self.enter()?;
        let (_tag, variant) = data.variant::<String>()?;
        let value = de::VariantAccess::newtype_variant_seed(variant, self)?;
        self.leave();
        Ok(value)
    }
}

/// Deserializes a mapping key into its text.
struct KeySeed<'s>(ValueSeed<'s>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        Ok(match self.0.deserialize(deserializer)? {
            Value::String(s) => s,
            Value::Null => "null".to_owned(),
            other => other.to_string(),
        })
    }
}

/// Fails with a message, at the position of the node it is asked to read.
struct Fail(String);

impl<'de> DeserializeSeed<'de> for Fail {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fail {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nothing")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Err(E::custom(self.0))
    }
    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<Value, D::Error> {
        Err(de::Error::custom(self.0))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom(self.0))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom(self.0))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom(self.0))
    }
}

/// Brackets (`[`, `{`) left open anywhere in the text, strings included,
/// beyond which [`flow_too_deep`] does not trust its own reading of quotes.
const NAIVE_BRACKET_LIMIT: usize = 8 * MAX_NESTING;

/// Finds where flow collections (`[`, `{`) in `text` nest more than
/// [`MAX_NESTING`] deep. libyaml's scanner does work proportional to the
/// flow depth for every token, so 10,000 nested `[` take seconds: they are
/// refused before parsing. Quoted strings (starting where a YAML node can
/// start) and comments are skipped; brackets in plain text are counted, which
/// can only over-estimate. As a backstop against quotes read differently
/// from libyaml, more than [`NAIVE_BRACKET_LIMIT`] open brackets counted
/// anywhere are refused too.
fn flow_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // The previous non-blank byte on this line, `None` at a line's start.
    let mut prev_sig: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let after_blank = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r');
        match b {
            b'\n' => prev_sig = None,
            b' ' | b'\t' | b'\r' => {}
            b'#' if after_blank => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\''
                if match prev_sig {
                    None | Some(b'[' | b'{' | b',') => true,
                    Some(b'-' | b'?') => after_blank,
                    Some(b':') => after_blank || depth > 0,
                    Some(_) => false,
                } =>
            {
                i += 1;
                while i < bytes.len() {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == b {
                        if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                prev_sig = Some(b);
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
                prev_sig = Some(b);
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                prev_sig = Some(b);
            }
            _ => prev_sig = Some(b),
        }
        i += 1;
    }
    let mut naive = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' | b'{' => {
                naive += 1;
                if naive > NAIVE_BRACKET_LIMIT {
                    return Some(i);
                }
            }
            b']' | b'}' => naive = naive.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Removes serde_yaml's block-relative " at line L column C" / " at position
/// P" from `message`: the first one (the diagnostic's own position) is
/// dropped, later ones (a context's position) are made file-absolute by
/// adding `line_offset`.
fn relocate_message(message: &str, line_offset: usize) -> String {
    let mut out = String::new();
    let mut rest = message;
    let mut first = true;
    loop {
        let candidates = [rest.find(" at line "), rest.find(" at position ")];
        let Some(at) = candidates.into_iter().flatten().min() else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(tail) = after.strip_prefix(" at position ") {
            let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                out.push_str(" at position ");
            }
            rest = &tail[digits..];
            first = false;
            continue;
        }
        let tail = &after[" at line ".len()..];
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line: Option<usize> = tail[..digits].parse().ok();
        let tail2 = &tail[digits..];
        let Some(col_tail) = tail2.strip_prefix(" column ") else {
            out.push_str(" at line ");
            rest = tail;
            continue;
        };
        let col_digits = col_tail.len()
            - col_tail
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        match (line, col_digits) {
            (Some(line), 1..) => {
                if !first {
                    out.push_str(&format!(
                        " at line {} column {}",
                        line + line_offset,
                        &col_tail[..col_digits]
                    ));
                }
                first = false;
                rest = &col_tail[col_digits..];
            }
            _ => {
                out.push_str(" at line ");
                rest = tail;
            }
        }
    }
}

/// Parses the YAML `text`, which starts at byte `base` of the source.
/// Returns the top-level mapping, or `None` after pushing an error.
pub(crate) fn parse(
    text: &str,
    base: usize,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Map<String, Value>> {
    if let Some(at) = flow_too_deep(text) {
        diagnostics.push(index.diagnostic(
            base + at,
            Severity::Error,
            format!(
                "invalid YAML: lists and mappings are nested more than {MAX_NESTING} levels deep"
            ),
        ));
        return None;
    }
    let state = RefCell::new(State::default());
    let seed = ValueSeed { state: &state };
    let result = seed.deserialize(serde_yaml::Deserializer::from_str(text));
    match result {
        Ok(Value::Object(map)) => Some(map),
        Ok(Value::Null) => Some(Map::new()),
        Ok(other) => {
            diagnostics.push(index.diagnostic(
                base,
                Severity::Error,
                format!(
                    "front matter must be a mapping of `key: value` lines, found {}",
                    super::fields::type_name(&other)
                ),
            ));
            None
        }
        Err(err) => {
            let message = err.to_string();
            // A document with only comments or blank lines has no node at all.
            if message.starts_with("EOF while parsing a value") {
                return Some(Map::new());
            }
            let mut offset = err
                .location()
                .map_or(base, |l| base + l.index().min(text.len()));
            if let Some(key) = state.borrow().duplicate.as_deref() {
                // Point at the duplicate key itself, not its value.
                let rel = offset - base;
                if let Some(i) = text.get(..rel).and_then(|t| t.rfind(key)) {
                    offset = base + i;
                }
            }
            let line_offset = index.line(base) as usize - 1;
            let message = match state.borrow_mut().message.take() {
                Some(ours) => ours,
                None if message.contains("repetition limit exceeded") => {
                    "the YAML aliases (`*name`) repeat too much data: this looks like an alias bomb"
                        .to_owned()
                }
                None if message.contains("recursion limit exceeded") => {
                    format!("lists and mappings are nested more than {MAX_NESTING} levels deep")
                }
                None if text
                    .get(offset - base..)
                    .is_some_and(|t| t.starts_with('\t')) =>
                {
                    format!(
                        "{}: tabs cannot indent YAML, use spaces",
                        relocate_message(&message, line_offset)
                    )
                }
                None => relocate_message(&message, line_offset),
            };
            diagnostics.push(index.diagnostic(
                offset,
                Severity::Error,
                format!("invalid YAML: {message}"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{flow_too_deep, relocate_message, MAX_NESTING};

    #[test]
    fn flow_depth() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(flow_too_deep(&format!("x: {}", deep(MAX_NESTING))), None);
        assert_eq!(
            flow_too_deep(&format!("x: {}", deep(MAX_NESTING + 1))),
            Some(3 + MAX_NESTING)
        );
        // Brackets in strings and comments do not count; apostrophes in
        // plain text do not start strings.
        let hidden = "[".repeat(MAX_NESTING + 1);
        for text in [
            format!("a: \"{hidden}\"\nb: [\"{hidden}\", '{hidden}']"),
            format!("a: 'it''s {hidden}'\n# {hidden}\nb: c # {hidden}"),
            format!("- \"a\\\"{hidden}\"\n- {{\"k\":\"{hidden}\"}}"),
        ] {
            assert_eq!(flow_too_deep(&text), None, "{text}");
        }
        for text in [
            format!("a: it's\nb: {}", deep(MAX_NESTING + 1)),
            format!("a: b'\nc: {}\nd: '", deep(MAX_NESTING + 1)),
        ] {
            assert!(flow_too_deep(&text).is_some(), "{text}");
        }
        // The backstop counts brackets even in strings.
        let many = format!("a: \"{}\"", "[".repeat(super::NAIVE_BRACKET_LIMIT + 1));
        assert!(flow_too_deep(&many).is_some());
    }

    #[test]
    fn relocate() {
        assert_eq!(
            relocate_message(
                "did not find expected key at line 3 column 1, while parsing a block mapping at line 1 column 1",
                4
            ),
            "did not find expected key, while parsing a block mapping at line 5 column 1"
        );
        assert_eq!(relocate_message("x at position 7", 2), "x");
        assert_eq!(relocate_message("at line x", 2), "at line x");
    }
}
