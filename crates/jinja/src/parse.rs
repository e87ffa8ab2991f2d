//! From template text to a tree: the lexer (text, `{{ }}`, `{% %}`, `{# #}`,
//! whitespace control) and the parser (tags and expressions).
//!
//! Every node that can fail at render time keeps the byte offset it starts
//! at, so that an error names its line and column.

use super::{filters, Error};

/// How deep blocks and expressions may nest: deeper is an error, never a
/// stack overflow.
pub(super) const MAX_DEPTH: usize = 64;

/// A template node.
#[derive(Debug)]
pub(super) enum Node {
    /// Text written as is.
    Text(String),
    /// `{{ expr }}`.
    Emit(Expr),
    /// `{% if %}…{% elif %}…{% else %}…{% endif %}`: the branches, then the
    /// `else` body.
    If(Vec<(Expr, Vec<Node>)>, Vec<Node>),
    /// `{% for name in iter %}body{% else %}empty{% endfor %}`.
    For {
        name: String,
        iter: Expr,
        body: Vec<Node>,
        empty: Vec<Node>,
        /// Where the tag starts.
        at: usize,
    },
    /// `{% set name = expr %}`.
    Set(String, Expr),
}

/// An expression, with the offset it starts at where it can fail.
#[derive(Debug)]
pub(super) enum Expr {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    List(Vec<Expr>),
    Var(String),
    Attr(Box<Expr>, String),
    Item(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `a < b <= c`: each comparison with its right operand and offset,
    /// true when all are (Python's chained comparisons).
    Compare(Box<Expr>, Vec<(Cmp, Expr, usize)>),
    Concat(Box<Expr>, Box<Expr>),
    /// `then if cond else otherwise` (`otherwise` is undefined when absent).
    Cond(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    Filter(Box<Filter>),
    /// `value is [not] test`.
    Test(Box<Expr>, Test, bool),
}

/// A filter call: `value|name(args, key=value)`.
#[derive(Debug)]
pub(super) struct Filter {
    pub value: Expr,
    pub filter: filters::Name,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
    pub at: usize,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

/// A test after `is`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Test {
    Defined,
    Undefined,
    None,
    String,
    Number,
    Sequence,
    Mapping,
}

const TESTS: &[(&str, Test)] = &[
    ("defined", Test::Defined),
    ("undefined", Test::Undefined),
    ("none", Test::None),
    ("string", Test::String),
    ("number", Test::Number),
    ("sequence", Test::Sequence),
    ("mapping", Test::Mapping),
];

const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "//", "%", "**"];
const NO_ARITHMETIC: &str =
    "arithmetic is not supported in the header and permalink templates (`~` joins strings)";

/// The tags this engine has, for the error about one it has not.
const TAGS: &str = "`if`/`elif`/`else`/`endif`, `for`/`else`/`endfor`, `set` and `raw`";

/// Parses a template.
pub(super) fn parse(source: &str) -> Result<Vec<Node>, Error> {
    let pieces = lex(source)?;
    let mut parser = Parser {
        source,
        pieces,
        next: 0,
        depth: 0,
    };
    let (nodes, end) = parser.nodes(&[])?;
    if let Some((at, tag)) = end {
        return Err(Error::at(source, at, format!("unexpected `{{% {tag} %}}`")));
    }
    Ok(nodes)
}

/// A piece of the template: text, or a tag's inside with its offset.
#[derive(Debug)]
enum Piece {
    Text(String),
    Emit(usize, usize),
    Tag(usize, usize),
}

/// Splits `source` into text and tags, applying whitespace control (`{%-`,
/// `-%}` and the same for `{{ }}` and `{# #}`) and `{% raw %}`. Like
/// minijinja's defaults, one newline at the very end of the template is
/// dropped, and blocks keep the white space around them.
fn lex(source: &str) -> Result<Vec<Piece>, Error> {
    let body = source
        .strip_suffix("\r\n")
        .or_else(|| source.strip_suffix('\n'))
        .unwrap_or(source);
    let mut pieces = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    while pos < body.len() {
        let Some(open) = find_open(body, pos) else {
            push_text(&mut pieces, &body[pos..], trim_next, false);
            break;
        };
        let kind = body.as_bytes()[open + 1];
        let mut inner = open + 2;
        let trim_before = body[inner..].starts_with('-');
        if trim_before || body[inner..].starts_with('+') {
            inner += 1;
        }
        push_text(&mut pieces, &body[pos..open], trim_next, trim_before);
        let close = match kind {
            b'{' => "}}",
            b'%' => "%}",
            _ => "#}",
        };
        let Some(rel) = find_close(body, inner, close, kind == b'#') else {
            let what = match kind {
                b'{' => "`{{` is never closed by `}}`",
                b'%' => "`{%` is never closed by `%}`",
                _ => "`{#` is never closed by `#}`",
            };
            return Err(Error::at(source, open, what.to_owned()));
        };
        let mut end = rel;
        trim_next = end > inner && body.as_bytes()[end - 1] == b'-';
        if trim_next || (end > inner && body.as_bytes()[end - 1] == b'+') {
            end -= 1;
        }
        pos = rel + 2;
        match kind {
            b'{' => pieces.push(Piece::Emit(inner, end)),
            b'%' => {
                if body[inner..end].trim() == "raw" {
                    let Some((content_end, after, trim)) = raw_end(body, pos) else {
                        return Err(Error::at(
                            source,
                            open,
                            "`{% raw %}` is never closed by `{% endraw %}`".to_owned(),
                        ));
                    };
                    let mut text = &body[pos..content_end];
                    if trim_next {
                        text = text.trim_start();
                    }
                    if trim {
                        text = text.trim_end();
                    }
                    pieces.push(Piece::Text(text.to_owned()));
                    pos = after;
                    trim_next = body.as_bytes()[after - 3] == b'-';
                } else {
                    pieces.push(Piece::Tag(inner, end));
                }
            }
            _ => {}
        }
    }
    Ok(pieces)
}

fn push_text(pieces: &mut Vec<Piece>, text: &str, trim_start: bool, trim_end: bool) {
    let mut text = text;
    if trim_start {
        text = text.trim_start();
    }
    if trim_end {
        text = text.trim_end();
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text.to_owned()));
    }
}

/// The next `{{`, `{%` or `{#` at or after `from`.
fn find_open(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while let Some(rel) = s[i..].find('{') {
        let at = i + rel;
        if matches!(bytes.get(at + 1), Some(b'{' | b'%' | b'#')) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Where `close` ends the tag that starts its inside at `from`; quotes are
/// skipped inside `{{ }}` and `{% %}` (a `}}` in a string literal does not
/// close), never in a comment.
fn find_close(s: &str, from: usize, close: &str, comment: bool) -> Option<usize> {
    if comment {
        return s[from..].find(close).map(|r| from + r);
    }
    let bytes = s.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The end of a raw block's content, where its `{% endraw %}` tag ends, and
/// whether that tag trims the white space before it.
fn raw_end(s: &str, from: usize) -> Option<(usize, usize, bool)> {
    let mut i = from;
    while let Some(rel) = s[i..].find("{%") {
        let at = i + rel;
        let mut inner = at + 2;
        let trim = s[inner..].starts_with('-');
        if trim || s[inner..].starts_with('+') {
            inner += 1;
        }
        if let Some(close) = s[inner..].find("%}") {
            let word = s[inner..inner + close].trim_matches(|c: char| c == '-' || c == '+');
            if word.trim() == "endraw" {
                return Some((at, inner + close + 2, trim));
            }
        }
        i = at + 2;
    }
    None
}

/// A token of an expression or a tag.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "//", "**", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
    "~", "+", "-", "*", "/", "%", "=",
];

/// The tokens of `s[from..to]`, each with its offset in `s`.
fn tokens(s: &str, from: usize, to: usize) -> Result<Vec<(usize, Tok)>, Error> {
    let text = &s[..to];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < to && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push((start, Tok::Ident(text[start..i].to_owned())));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < to && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                i += 1;
            }
            let float = i + 1 < to && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit();
            if float {
                i += 1;
                while i < to && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let digits = text[start..i].replace('_', "");
            let tok = if float {
                digits.parse().map(Tok::Float).ok()
            } else {
                digits.parse().map(Tok::Int).ok()
            };
            let Some(tok) = tok else {
                return Err(Error::at(
                    s,
                    start,
                    format!("the number `{digits}` is too large"),
                ));
            };
            out.push((start, tok));
        } else if c == b'"' || c == b'\'' {
            let start = i;
            let mut value = String::new();
            i += 1;
            loop {
                let Some(ch) = text[i..].chars().next() else {
                    return Err(Error::at(s, start, "a string is never closed".to_owned()));
                };
                i += ch.len_utf8();
                match ch {
                    _ if ch as u32 == u32::from(c) => break,
                    '\\' => {
                        let Some(esc) = text[i..].chars().next() else {
                            return Err(Error::at(s, start, "a string is never closed".to_owned()));
                        };
                        i += esc.len_utf8();
                        value.push(match esc {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            '\\' | '"' | '\'' | '/' => esc,
                            _ => {
                                return Err(Error::at(
                                    s,
                                    i - esc.len_utf8() - 1,
                                    format!("`\\{esc}` is not an escape this engine knows (\\n, \\t, \\r, \\\\, \\\", \\')"),
                                ))
                            }
                        });
                    }
                    _ => value.push(ch),
                }
            }
            out.push((start, Tok::Str(value)));
        } else if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            out.push((i, Tok::Op(op)));
            i += op.len();
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(Error::at(s, i, format!("unexpected character `{ch}`")));
        }
    }
    Ok(out)
}

/// The tag a block's nodes stopped at: its offset and name.
type EndTag = (usize, String);

/// A filter's positional and keyword arguments.
type Args = (Vec<Expr>, Vec<(String, Expr)>);

struct Parser<'s> {
    source: &'s str,
    pieces: Vec<Piece>,
    next: usize,
    depth: usize,
}

/// The tokens of one tag or `{{ }}`, read front to back.
struct Tokens<'a> {
    source: &'a str,
    toks: Vec<(usize, Tok)>,
    next: usize,
    /// Where the tag ends (for "expected … at the end").
    end: usize,
    depth: usize,
}

impl<'s> Parser<'s> {
    /// Nodes up to one of the tags in `until` (returned with its offset and
    /// its tokens left in `self.pending`), or to the end.
    fn nodes(&mut self, until: &[&str]) -> Result<(Vec<Node>, Option<EndTag>), Error> {
        self.depth += 1;
        let mut nodes = Vec::new();
        while self.next < self.pieces.len() {
            let index = self.next;
            self.next += 1;
            match self.pieces[index] {
                Piece::Text(ref mut text) => nodes.push(Node::Text(std::mem::take(text))),
                Piece::Emit(from, to) => {
                    let mut toks = self.tokens(from, to)?;
                    let expr = toks.expr()?;
                    toks.finish()?;
                    nodes.push(Node::Emit(expr));
                }
                Piece::Tag(from, to) => {
                    let mut toks = self.tokens(from, to)?;
                    let Some((at, Tok::Ident(word))) = toks.peek().cloned() else {
                        return Err(Error::at(
                            self.source,
                            from,
                            "a tag needs a name, such as `if` or `for`".to_owned(),
                        ));
                    };
                    if until.contains(&word.as_str()) {
                        self.next = index;
                        self.depth -= 1;
                        return Ok((nodes, Some((at, word))));
                    }
                    toks.next += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(Error::at(
                            self.source,
                            at,
                            format!("blocks nest more than {MAX_DEPTH} deep"),
                        ));
                    }
                    nodes.push(match word.as_str() {
                        "if" => self.if_tag(toks)?,
                        "for" => self.for_tag(toks, at)?,
                        "set" => {
                            let name = toks.ident("a name after `set`")?;
                            toks.op("=")?;
                            let value = toks.expr()?;
                            toks.finish()?;
                            Node::Set(name, value)
                        }
                        "elif" | "else" | "endif" | "endfor" | "endraw" => {
                            return Err(Error::at(self.source, at, format!("unexpected `{{% {word} %}}`")))
                        }
                        other => {
                            return Err(Error::at(
                                self.source,
                                at,
                                format!("`{{% {other} %}}` is not supported: the header and permalink templates have {TAGS}"),
                            ))
                        }
                    });
                }
            }
        }
        self.depth -= 1;
        Ok((nodes, None))
    }

    fn tokens(&self, from: usize, to: usize) -> Result<Tokens<'s>, Error> {
        Ok(Tokens {
            source: self.source,
            toks: tokens(self.source, from, to)?,
            next: 0,
            end: to,
            depth: 0,
        })
    }

    /// The tag at `self.next` (a closing or middle tag `nodes` stopped at):
    /// its name's offset, its name, and its remaining tokens.
    fn take_tag(&mut self) -> Result<Tokens<'s>, Error> {
        let Piece::Tag(from, to) = self.pieces[self.next] else {
            unreachable!("nodes() stops at a tag")
        };
        self.next += 1;
        let mut toks = self.tokens(from, to)?;
        toks.next = 1;
        Ok(toks)
    }

    fn block_end(
        &mut self,
        opened: usize,
        until: &[&str],
        what: &str,
    ) -> Result<(Vec<Node>, String), Error> {
        let (body, end) = self.nodes(until)?;
        match end {
            Some((_, word)) => Ok((body, word)),
            None => Err(Error::at(
                self.source,
                opened,
                format!("this block is never closed by `{{% {what} %}}`"),
            )),
        }
    }

    fn if_tag(&mut self, mut toks: Tokens<'s>) -> Result<Node, Error> {
        let opened = toks.toks[0].0;
        let cond = toks.expr()?;
        toks.finish()?;
        let mut branches = vec![];
        let mut cond = Some(cond);
        loop {
            let (body, word) = self.block_end(opened, &["elif", "else", "endif"], "endif")?;
            let mut toks = self.take_tag()?;
            match (cond.take(), word.as_str()) {
                (Some(c), "elif") => {
                    branches.push((c, body));
                    cond = Some(toks.expr()?);
                    toks.finish()?;
                }
                (Some(c), "else") => {
                    toks.finish()?;
                    branches.push((c, body));
                    let (otherwise, _) = self.block_end(opened, &["endif"], "endif")?;
                    self.take_tag()?.finish()?;
                    return Ok(Node::If(branches, otherwise));
                }
                (Some(c), _) => {
                    toks.finish()?;
                    branches.push((c, body));
                    return Ok(Node::If(branches, vec![]));
                }
                (None, _) => unreachable!("every branch sets or returns"),
            }
        }
    }

    fn for_tag(&mut self, mut toks: Tokens<'s>, opened: usize) -> Result<Node, Error> {
        let name = toks.ident("a loop variable after `for`")?;
        if matches!(toks.peek(), Some((_, Tok::Op(",")))) {
            return Err(toks.error("unpacking (`for a, b in …`) is not supported"));
        }
        match toks.peek() {
            Some((_, Tok::Ident(w))) if w == "in" => toks.next += 1,
            _ => return Err(toks.error("expected `in`")),
        }
        let iter = toks.expr()?;
        toks.finish()?;
        let (body, word) = self.block_end(opened, &["else", "endfor"], "endfor")?;
        self.take_tag()?.finish()?;
        let empty = if word == "else" {
            let (empty, _) = self.block_end(opened, &["endfor"], "endfor")?;
            self.take_tag()?.finish()?;
            empty
        } else {
            vec![]
        };
        Ok(Node::For {
            name,
            iter,
            body,
            empty,
            at: opened,
        })
    }
}

impl Tokens<'_> {
    fn peek(&self) -> Option<&(usize, Tok)> {
        self.toks.get(self.next)
    }

    fn at(&self) -> usize {
        self.peek().map_or(self.end, |t| t.0)
    }

    fn error(&self, message: &str) -> Error {
        Error::at(self.source, self.at(), message.to_owned())
    }

    fn finish(&self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("unexpected text at the end of this tag")),
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some((_, Tok::Op(o))) if *o == op) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some((_, Tok::Ident(w))) if w == word) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn op(&mut self, op: &str) -> Result<(), Error> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{op}`")))
        }
    }

    fn ident(&mut self, what: &str) -> Result<String, Error> {
        match self.peek().cloned() {
            Some((_, Tok::Ident(name))) => {
                self.next += 1;
                Ok(name)
            }
            _ => Err(self.error(&format!("expected {what}"))),
        }
    }

    /// One level deeper into an expression, or the error past [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("an expression nests more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, Error> {
        self.deeper()?;
        let mut value = self.or()?;
        // `then if cond else otherwise`
        while self.eat_word("if") {
            let cond = self.or()?;
            let otherwise = if self.eat_word("else") {
                Some(Box::new(self.or()?))
            } else {
                None
            };
            value = Expr::Cond(Box::new(value), Box::new(cond), otherwise);
        }
        self.depth -= 1;
        Ok(value)
    }

    fn or(&mut self) -> Result<Expr, Error> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, Error> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, Error> {
        if self.eat_word("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, Error> {
        let left = self.concat()?;
        let mut ops = vec![];
        loop {
            let at = self.at();
            let op = match self.peek() {
                Some((_, Tok::Op("=="))) => Cmp::Eq,
                Some((_, Tok::Op("!="))) => Cmp::Ne,
                Some((_, Tok::Op("<"))) => Cmp::Lt,
                Some((_, Tok::Op("<="))) => Cmp::Le,
                Some((_, Tok::Op(">"))) => Cmp::Gt,
                Some((_, Tok::Op(">="))) => Cmp::Ge,
                Some((_, Tok::Ident(w))) if w == "in" => Cmp::In,
                Some((_, Tok::Ident(w)))
                    if w == "not"
                        && matches!(self.toks.get(self.next + 1), Some((_, Tok::Ident(i))) if i == "in") =>
                {
                    self.next += 1;
                    Cmp::NotIn
                }
                _ => break,
            };
            self.next += 1;
            ops.push((op, self.concat()?, at));
        }
        Ok(if ops.is_empty() {
            left
        } else {
            Expr::Compare(Box::new(left), ops)
        })
    }

    fn concat(&mut self) -> Result<Expr, Error> {
        let mut left = self.filtered()?;
        loop {
            if self.eat_op("~") {
                left = Expr::Concat(Box::new(left), Box::new(self.filtered()?));
            } else if matches!(self.peek(), Some((_, Tok::Op(op))) if ARITHMETIC.contains(op)) {
                return Err(self.error(NO_ARITHMETIC));
            } else {
                return Ok(left);
            }
        }
    }

    fn filtered(&mut self) -> Result<Expr, Error> {
        let mut value = self.postfix()?;
        loop {
            if self.eat_op("|") {
                let at = self.at();
                let name = self.ident("a filter name after `|`")?;
                let Some(filter) = filters::Name::find(&name) else {
                    return Err(Error::at(
                        self.source,
                        at,
                        format!(
                            "unknown filter `{name}` (the filters are {})",
                            filters::Name::list()
                        ),
                    ));
                };
                let (args, kwargs) = if self.eat_op("(") {
                    self.call_args()?
                } else {
                    (vec![], vec![])
                };
                value = Expr::Filter(Box::new(Filter {
                    value,
                    filter,
                    args,
                    kwargs,
                    at,
                }));
            } else if self.eat_word("is") {
                let negated = self.eat_word("not");
                let at = self.at();
                let name = self.ident("a test name after `is`")?;
                let Some(&(_, test)) = TESTS.iter().find(|(n, _)| *n == name) else {
                    let names: Vec<&str> = TESTS.iter().map(|(n, _)| *n).collect();
                    return Err(Error::at(
                        self.source,
                        at,
                        format!("unknown test `{name}` (the tests are {})", names.join(", ")),
                    ));
                };
                value = Expr::Test(Box::new(value), test, negated);
            } else {
                return Ok(value);
            }
        }
    }

    fn call_args(&mut self) -> Result<Args, Error> {
        let mut args = vec![];
        let mut kwargs = vec![];
        while !self.eat_op(")") {
            if !args.is_empty() || !kwargs.is_empty() {
                self.op(",")?;
                if self.eat_op(")") {
                    break;
                }
            }
            if let (Some((_, Tok::Ident(name))), Some((_, Tok::Op("=")))) = (
                self.toks.get(self.next).cloned(),
                self.toks.get(self.next + 1),
            ) {
                self.next += 2;
                kwargs.push((name, self.expr()?));
            } else if !kwargs.is_empty() {
                return Err(self.error("a positional argument after a keyword argument"));
            } else {
                args.push(self.expr()?);
            }
        }
        Ok((args, kwargs))
    }

    fn postfix(&mut self) -> Result<Expr, Error> {
        let mut value = self.primary()?;
        loop {
            if self.eat_op(".") {
                match self.peek().cloned() {
                    Some((_, Tok::Ident(name))) => {
                        self.next += 1;
                        value = Expr::Attr(Box::new(value), name);
                    }
                    Some((_, Tok::Int(i))) if i >= 0 => {
                        self.next += 1;
                        value = Expr::Item(Box::new(value), Box::new(Expr::Int(i)));
                    }
                    _ => return Err(self.error("expected an attribute name after `.`")),
                }
            } else if self.eat_op("[") {
                let index = self.expr()?;
                self.op("]")?;
                value = Expr::Item(Box::new(value), Box::new(index));
            } else if matches!(self.peek(), Some((_, Tok::Op("(")))) {
                return Err(self.error(
                    "calling functions is not supported in the header and permalink templates",
                ));
            } else {
                return Ok(value);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, Error> {
        let Some((at, tok)) = self.peek().cloned() else {
            return Err(self.error("expected an expression"));
        };
        self.next += 1;
        Ok(match tok {
            Tok::Str(s) => {
                // Adjacent string literals are one string, as in Jinja.
                let mut s = s;
                while let Some((_, Tok::Str(more))) = self.peek().cloned() {
                    self.next += 1;
                    s.push_str(&more);
                }
                Expr::Str(s)
            }
            Tok::Int(i) => Expr::Int(i),
            Tok::Float(f) => Expr::Float(f),
            Tok::Ident(word) => match word.as_str() {
                "true" | "True" => Expr::Bool(true),
                "false" | "False" => Expr::Bool(false),
                "none" | "None" => Expr::None,
                _ => Expr::Var(word),
            },
            Tok::Op("(") => {
                let inner = self.expr()?;
                self.op(")")?;
                inner
            }
            Tok::Op("[") => {
                let mut items = vec![];
                while !self.eat_op("]") {
                    if !items.is_empty() {
                        self.op(",")?;
                        if self.eat_op("]") {
                            break;
                        }
                    }
                    items.push(self.expr()?);
                }
                Expr::List(items)
            }
            Tok::Op("-") if matches!(self.peek(), Some((_, Tok::Int(_) | Tok::Float(_)))) => {
                // A negative number (`authors[-1]`).
                match self.peek().cloned() {
                    Some((_, Tok::Int(i))) => {
                        self.next += 1;
                        Expr::Int(-i)
                    }
                    Some((_, Tok::Float(f))) => {
                        self.next += 1;
                        Expr::Float(-f)
                    }
                    _ => unreachable!("matched above"),
                }
            }
            Tok::Op(op) if ARITHMETIC.contains(&op) => {
                return Err(Error::at(self.source, at, NO_ARITHMETIC.to_owned()))
            }
            Tok::Op(op) => return Err(Error::at(self.source, at, format!("unexpected `{op}`"))),
        })
    }
}
