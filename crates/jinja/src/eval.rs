//! Rendering a parsed template over a JSON context: values, truth, output
//! and escaping, attribute lookup, loops and scopes, all bounded by fuel and
//! by the size of the output.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::Value as Json;

use super::parse::{Cmp, Expr, Node, Test};
use super::{filters, Error, Escape, MAX_OUTPUT};

/// A value while a template renders: borrowed from the context where it can
/// be.
#[derive(Debug, Clone)]
pub(super) enum Value<'a> {
    /// What a missing key, attribute or item gives: empty, false, and
    /// chainable (`extra.team` without `extra` is undefined too).
    Undefined,
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// Markup that is written without escaping (`|safe`, `|escape`).
    Safe(Cow<'a, str>),
    List(Rc<Vec<Value<'a>>>),
    /// A list or a table of the context.
    Json(&'a Json),
    /// The `loop` of a `for`: the current index (from 0) and the length.
    Loop(usize, usize),
}

impl<'a> Value<'a> {
    pub(super) fn from_json(json: &'a Json) -> Value<'a> {
        match json {
            Json::Null => Value::None,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(f)) => Value::Float(f),
                (None, None) => Value::Str(Cow::Owned(n.to_string())),
            },
            Json::String(s) => Value::Str(Cow::Borrowed(s)),
            Json::Array(_) | Json::Object(_) => Value::Json(json),
        }
    }

    /// Jinja's truth: undefined, none, false, zero and empty are false.
    pub(super) fn is_true(&self) -> bool {
        match self {
            Value::Undefined | Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Safe(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Json(Json::Array(items)) => !items.is_empty(),
            Value::Json(Json::Object(map)) => !map.is_empty(),
            Value::Json(_) | Value::Loop(..) => true,
        }
    }

    /// The value as text, as `{{ value }}` writes it before escaping.
    pub(super) fn text(&self) -> Cow<'a, str> {
        match self {
            Value::Undefined => Cow::Borrowed(""),
            Value::Str(s) | Value::Safe(s) => s.clone(),
            _ => {
                let mut out = String::new();
                self.write_repr(&mut out, false);
                Cow::Owned(out)
            }
        }
    }

    /// The value as markup: its text, HTML-escaped unless it is safe.
    pub(super) fn markup(&self) -> Cow<'a, str> {
        match self {
            Value::Safe(s) => s.clone(),
            _ => {
                let mut out = String::new();
                escape_html(&mut out, &self.text());
                Cow::Owned(out)
            }
        }
    }

    /// Writes the value as minijinja displays it: strings as themselves at
    /// the top, quoted inside lists and tables.
    fn write_repr(&self, out: &mut String, nested: bool) {
        match self {
            Value::Undefined => {
                if nested {
                    out.push_str("undefined");
                }
            }
            Value::None => out.push_str("None"),
            Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) if nested => {
                let _ = write!(out, "{f:?}");
            }
            Value::Float(f) => {
                let start = out.len();
                let _ = write!(out, "{f}");
                if f.is_finite() && !out[start..].contains('.') {
                    out.push_str(".0");
                }
            }
            Value::Str(s) | Value::Safe(s) => {
                if nested {
                    write_quoted(out, s);
                } else {
                    out.push_str(s);
                }
            }
            Value::List(items) => write_seq(out, items.iter().cloned()),
            Value::Json(Json::Array(items)) => write_seq(out, items.iter().map(Value::from_json)),
            Value::Json(Json::Object(map)) => {
                out.push('{');
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_quoted(out, key);
                    out.push_str(": ");
                    Value::from_json(value).write_repr(out, true);
                }
                out.push('}');
            }
            Value::Json(other) => Value::from_json(other).write_repr(out, nested),
            Value::Loop(..) => out.push_str("<loop>"),
        }
    }

    /// `value.name`.
    pub(super) fn attr(&self, name: &str) -> Value<'a> {
        match (self, name) {
            (Value::Json(Json::Object(map)), _) => {
                map.get(name).map_or(Value::Undefined, Value::from_json)
            }
            (&Value::Loop(index, length), _) => {
                let int = |i: usize| Value::Int(i64::try_from(i).unwrap_or(i64::MAX));
                match name {
                    "index" => int(index + 1),
                    "index0" => int(index),
                    "revindex" => int(length - index),
                    "revindex0" => int(length - index - 1),
                    "first" => Value::Bool(index == 0),
                    "last" => Value::Bool(index + 1 == length),
                    "length" => int(length),
                    _ => Value::Undefined,
                }
            }
            _ => Value::Undefined,
        }
    }

    /// `value[key]`: a list's item (negative from the end), a table's key.
    pub(super) fn item(&self, key: &Value) -> Value<'a> {
        let index = |len: usize| match *key {
            Value::Int(i) if i < 0 => usize::try_from(i.unsigned_abs())
                .ok()
                .and_then(|back| len.checked_sub(back)),
            Value::Int(i) => usize::try_from(i).ok(),
            _ => None,
        };
        match self {
            Value::List(items) => index(items.len())
                .and_then(|i| items.get(i))
                .cloned()
                .unwrap_or(Value::Undefined),
            Value::Json(Json::Array(items)) => index(items.len())
                .and_then(|i| items.get(i))
                .map_or(Value::Undefined, Value::from_json),
            Value::Json(Json::Object(_)) | Value::Loop(..) => match key {
                Value::Str(name) | Value::Safe(name) => self.attr(name),
                _ => Value::Undefined,
            },
            _ => Value::Undefined,
        }
    }

    /// The items a `for` walks: a list's items, a table's keys, a string's
    /// characters; nothing for undefined.
    pub(super) fn items(&self) -> Option<Vec<Value<'a>>> {
        Some(match self {
            Value::Undefined | Value::None => vec![],
            Value::List(items) => items.as_ref().clone(),
            Value::Json(Json::Array(items)) => items.iter().map(Value::from_json).collect(),
            Value::Json(Json::Object(map)) => map
                .keys()
                .map(|k| Value::Str(Cow::Borrowed(k.as_str())))
                .collect(),
            Value::Str(s) | Value::Safe(s) => s
                .chars()
                .map(|c| Value::Str(Cow::Owned(c.to_string())))
                .collect(),
            _ => return None,
        })
    }

    /// The number of items, for `length`.
    pub(super) fn len(&self) -> Option<usize> {
        match self {
            Value::Undefined => Some(0),
            Value::Str(s) | Value::Safe(s) => Some(s.chars().count()),
            Value::List(items) => Some(items.len()),
            Value::Json(Json::Array(items)) => Some(items.len()),
            Value::Json(Json::Object(map)) => Some(map.len()),
            _ => None,
        }
    }

    /// What the value is, for errors.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::None => "none",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) | Value::Safe(_) => "a string",
            Value::List(_) | Value::Json(Json::Array(_)) => "a list",
            Value::Json(Json::Object(_)) => "a table",
            Value::Json(_) => "a value",
            Value::Loop(..) => "a loop",
        }
    }

    fn number(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            Value::Bool(b) => Some(f64::from(u8::from(b))),
            _ => None,
        }
    }

    fn string(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Safe(s) => Some(s),
            _ => None,
        }
    }

    fn seq(&self) -> Option<Vec<Value<'a>>> {
        match self {
            Value::List(_) | Value::Json(Json::Array(_)) => self.items(),
            _ => None,
        }
    }

    /// Jinja's `==`.
    fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            _ => {
                if let (Some(a), Some(b)) = (self.string(), other.string()) {
                    a == b
                } else if let (Some(a), Some(b)) = (self.number(), other.number()) {
                    a == b
                } else if let (Some(a), Some(b)) = (self.seq(), other.seq()) {
                    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.equals(y))
                } else if let (Value::Json(a @ Json::Object(_)), Value::Json(b @ Json::Object(_))) =
                    (self, other)
                {
                    a == b
                } else {
                    false
                }
            }
        }
    }
}

/// A string inside a list or a table, quoted as minijinja (and Python) do.
fn write_quoted(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if c.is_control() => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            _ => out.push(c),
        }
    }
    out.push(quote);
}

fn write_seq<'a>(out: &mut String, items: impl Iterator<Item = Value<'a>>) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.write_repr(out, true);
    }
    out.push(']');
}

/// Writes `text` escaped for HTML as minijinja does: `& < > " '` and `/`.
fn escape_html(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            b'/' => "&#x2f;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// One render: the context, the variables a template set, what is left of
/// the fuel, and the output.
pub(super) struct State<'a> {
    pub source: &'a str,
    pub context: &'a Json,
    pub escape: Escape,
    pub fuel: u64,
    pub out: String,
    scopes: Vec<Vec<(&'a str, Value<'a>)>>,
}

/// Why a render stopped.
pub(super) enum Stop {
    Error(Error),
    OutOfFuel,
    TooLong,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Error(e)
    }
}

impl<'a> State<'a> {
    pub(super) fn new(source: &'a str, context: &'a Json, escape: Escape, fuel: u64) -> Self {
        State {
            source,
            context,
            escape,
            fuel,
            out: String::new(),
            scopes: vec![vec![]],
        }
    }

    fn burn(&mut self) -> Result<(), Stop> {
        if self.fuel == 0 {
            return Err(Stop::OutOfFuel);
        }
        self.fuel -= 1;
        Ok(())
    }

    pub(super) fn nodes(&mut self, nodes: &'a [Node]) -> Result<(), Stop> {
        for node in nodes {
            self.burn()?;
            match node {
                Node::Text(text) => self.write(text, false)?,
                Node::Emit(expr) => {
                    let value = self.eval(expr)?;
                    let safe = matches!(value, Value::Safe(_)) || self.escape == Escape::None;
                    self.write(&value.text(), !safe)?;
                }
                Node::If(branches, otherwise) => {
                    let mut taken = None;
                    for (cond, body) in branches {
                        if self.eval(cond)?.is_true() {
                            taken = Some(body);
                            break;
                        }
                    }
                    self.nodes(taken.unwrap_or(otherwise))?;
                }
                Node::For {
                    name,
                    iter,
                    body,
                    empty,
                    at,
                } => {
                    let value = self.eval(iter)?;
                    // Each iteration costs fuel: a walk longer than what is
                    // left stops here, before its items are gathered.
                    if value.len().is_some_and(|n| n as u64 > self.fuel) {
                        return Err(Stop::OutOfFuel);
                    }
                    let Some(items) = value.items() else {
                        return Err(
                            self.error(Some(*at), format!("a `for` cannot walk {}", value.kind()))
                        );
                    };
                    if items.is_empty() {
                        self.nodes(empty)?;
                    }
                    let length = items.len();
                    for (index, item) in items.into_iter().enumerate() {
                        self.burn()?;
                        self.scopes.push(vec![
                            (name.as_str(), item),
                            ("loop", Value::Loop(index, length)),
                        ]);
                        let done = self.nodes(body);
                        self.scopes.pop();
                        done?;
                    }
                }
                Node::Set(name, expr) => {
                    let value = self.eval(expr)?;
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.retain(|(n, _)| *n != name.as_str());
                        scope.push((name, value));
                    }
                }
            }
        }
        Ok(())
    }

    fn write(&mut self, text: &str, escape: bool) -> Result<(), Stop> {
        if escape {
            escape_html(&mut self.out, text);
        } else {
            self.out.push_str(text);
        }
        if self.out.len() > MAX_OUTPUT {
            return Err(Stop::TooLong);
        }
        Ok(())
    }

    fn error(&self, at: Option<usize>, message: String) -> Stop {
        Stop::Error(Error::at(self.source, at.unwrap_or(0), message))
    }

    fn lookup(&self, name: &str) -> Value<'a> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, value)) = scope.iter().rev().find(|(n, _)| *n == name) {
                return value.clone();
            }
        }
        match self.context {
            Json::Object(map) => map.get(name).map_or(Value::Undefined, Value::from_json),
            _ => Value::Undefined,
        }
    }

    pub(super) fn eval(&mut self, expr: &'a Expr) -> Result<Value<'a>, Stop> {
        self.burn()?;
        Ok(match expr {
            Expr::Str(s) => Value::Str(Cow::Borrowed(s)),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::None => Value::None,
            Expr::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item)?);
                }
                Value::List(Rc::new(values))
            }
            Expr::Var(name) => self.lookup(name),
            Expr::Attr(value, name) => self.eval(value)?.attr(name),
            Expr::Item(value, key) => {
                let value = self.eval(value)?;
                let key = self.eval(key)?;
                value.item(&key)
            }
            Expr::Not(inner) => Value::Bool(!self.eval(inner)?.is_true()),
            Expr::And(a, b) => {
                let a = self.eval(a)?;
                if a.is_true() {
                    self.eval(b)?
                } else {
                    a
                }
            }
            Expr::Or(a, b) => {
                let a = self.eval(a)?;
                if a.is_true() {
                    a
                } else {
                    self.eval(b)?
                }
            }
            Expr::Concat(a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                // As Jinja's `markup_join`: when one side is safe markup and
                // the other is not, the other is escaped and the result is
                // markup.
                let safe = |v: &Value| matches!(v, Value::Safe(_));
                let markup = safe(&a) != safe(&b) && self.escape == Escape::Html;
                let mut s = String::new();
                for v in [&a, &b] {
                    s.push_str(&if markup { v.markup() } else { v.text() });
                }
                if s.len() > MAX_OUTPUT {
                    return Err(Stop::TooLong);
                }
                if markup || (safe(&a) && safe(&b)) {
                    Value::Safe(Cow::Owned(s))
                } else {
                    Value::Str(Cow::Owned(s))
                }
            }
            Expr::Cond(then, cond, otherwise) => {
                if self.eval(cond)?.is_true() {
                    self.eval(then)?
                } else if let Some(otherwise) = otherwise {
                    self.eval(otherwise)?
                } else {
                    Value::Undefined
                }
            }
            Expr::Compare(first, ops) => {
                let mut left = self.eval(first)?;
                let mut all = true;
                for (op, right, at) in ops {
                    let right = self.eval(right)?;
                    if !self.compare(&left, *op, &right, *at)? {
                        all = false;
                        break;
                    }
                    left = right;
                }
                Value::Bool(all)
            }
            Expr::Test(value, test, negated) => {
                let v = self.eval(value)?;
                let result = match test {
                    Test::Defined => !matches!(v, Value::Undefined),
                    Test::Undefined => matches!(v, Value::Undefined),
                    Test::None => matches!(v, Value::None),
                    Test::String => matches!(v, Value::Str(_) | Value::Safe(_)),
                    Test::Number => matches!(v, Value::Int(_) | Value::Float(_)),
                    Test::Sequence => matches!(v, Value::List(_) | Value::Json(Json::Array(_))),
                    Test::Mapping => matches!(v, Value::Json(Json::Object(_))),
                };
                Value::Bool(result != *negated)
            }
            Expr::Filter(call) => {
                let value = self.eval(&call.value)?;
                let mut args = Vec::with_capacity(call.args.len());
                for arg in &call.args {
                    args.push(self.eval(arg)?);
                }
                let mut kwargs = Vec::with_capacity(call.kwargs.len());
                for (name, arg) in &call.kwargs {
                    kwargs.push((name.as_str(), self.eval(arg)?));
                }
                filters::apply(call.filter, value, &args, &kwargs, self.escape)
                    .map_err(|message| self.error(Some(call.at), message))?
            }
        })
    }

    fn compare(&self, a: &Value, op: Cmp, b: &Value, at: usize) -> Result<bool, Stop> {
        let order = || -> Result<Ordering, Stop> {
            let ordering = if let (Some(x), Some(y)) = (a.string(), b.string()) {
                Some(x.cmp(y))
            } else if let (Some(x), Some(y)) = (a.number(), b.number()) {
                x.partial_cmp(&y)
            } else {
                None
            };
            ordering.ok_or_else(|| {
                self.error(
                    Some(at),
                    format!("cannot compare {} with {}", a.kind(), b.kind()),
                )
            })
        };
        Ok(match op {
            Cmp::Eq => a.equals(b),
            Cmp::Ne => !a.equals(b),
            Cmp::Lt => order()? == Ordering::Less,
            Cmp::Le => order()? != Ordering::Greater,
            Cmp::Gt => order()? == Ordering::Greater,
            Cmp::Ge => order()? != Ordering::Less,
            Cmp::In | Cmp::NotIn => {
                let found = match b {
                    Value::Str(hay) | Value::Safe(hay) => hay.contains(a.text().as_ref()),
                    Value::Json(Json::Object(map)) => {
                        a.string().is_some_and(|k| map.contains_key(k))
                    }
                    Value::Undefined => false,
                    _ => match b.seq() {
                        Some(items) => items.iter().any(|item| item.equals(a)),
                        None => {
                            return Err(self.error(
                                Some(at),
                                format!("`in` needs a string, a list or a table, not {}", b.kind()),
                            ))
                        }
                    },
                };
                found == (op == Cmp::In)
            }
        })
    }
}
