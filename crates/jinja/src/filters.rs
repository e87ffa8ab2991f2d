//! The filters a template may call, and what each does. Those that Jinja
//! has behave as Jinja's (minijinja's) do; `date` is the site's own.
//! Jinja's `upper` is left out: Unicode's upper-case table would weigh 6 KiB
//! gzipped in the wasm module, for what CSS's `text-transform` does.

use std::borrow::Cow;

use super::eval::Value;
use super::Escape;

/// A filter, by name (`e` and `d` are Jinja's short names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Name {
    Date,
    Join,
    Default,
    Escape,
    Safe,
    Length,
    Lower,
    Trim,
    First,
    Last,
    Replace,
}

const NAMES: &[(&str, Name)] = &[
    ("date", Name::Date),
    ("join", Name::Join),
    ("default", Name::Default),
    ("d", Name::Default),
    ("escape", Name::Escape),
    ("e", Name::Escape),
    ("safe", Name::Safe),
    ("length", Name::Length),
    ("count", Name::Length),
    ("lower", Name::Lower),
    ("trim", Name::Trim),
    ("first", Name::First),
    ("last", Name::Last),
    ("replace", Name::Replace),
];

impl Name {
    /// The filter called `name`.
    pub(super) fn find(name: &str) -> Option<Name> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    /// Every filter's name, for an error about an unknown one.
    pub(super) fn list() -> String {
        let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        names.join(", ")
    }

    fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

/// `value|filter(args, kwargs)`, or what is wrong with the call.
pub(super) fn apply<'a>(
    filter: Name,
    value: Value<'a>,
    args: &[Value<'a>],
    kwargs: &[(&str, Value<'a>)],
    escape: Escape,
) -> Result<Value<'a>, String> {
    let name = filter.name();
    let allowed: &[&str] = if filter == Name::Date {
        &["months"]
    } else {
        &[]
    };
    if let Some((key, _)) = kwargs.iter().find(|(k, _)| !allowed.contains(k)) {
        return Err(format!("`{name}` has no argument `{key}`"));
    }
    let (min, max) = match filter {
        Name::Date => (1, 1),
        Name::Join | Name::Trim => (0, 1),
        Name::Default => (0, 2),
        Name::Replace => (2, 2),
        _ => (0, 0),
    };
    if args.len() < min || args.len() > max {
        let usage = match filter {
            Name::Date => "`date(\"%Y-%m-%d\")`, with `months=[…]` optional",
            Name::Join => "`join` or `join(\", \")`",
            Name::Trim => "`trim` or `trim(\"chars\")`",
            Name::Default => "`default(\"text\")`",
            Name::Replace => "`replace(\"from\", \"to\")`",
            _ => "no arguments",
        };
        return Err(format!("`{name}` takes {usage}"));
    }
    let text = |v: &Value<'a>| v.text().into_owned();
    let string = |s: String| Value::Str(Cow::Owned(s));
    Ok(match filter {
        Name::Date => {
            let months = kwargs.first().map(|(_, m)| m);
            date(&value, &text(&args[0]), months)?
        }
        Name::Join => {
            let separator = args.first().map(text).unwrap_or_default();
            match value {
                Value::Undefined | Value::None => string(String::new()),
                Value::Str(_) | Value::Safe(_) => string(text(&value)),
                _ => match value.items() {
                    Some(items) => {
                        string(items.iter().map(text).collect::<Vec<_>>().join(&separator))
                    }
                    None => return Err(format!("`join` needs a list, not {}", value.kind())),
                },
            }
        }
        Name::Default => {
            let lax = args.get(1).is_some_and(Value::is_true);
            if matches!(value, Value::Undefined) || (lax && !value.is_true()) {
                args.first()
                    .cloned()
                    .unwrap_or(Value::Str(Cow::Borrowed("")))
            } else {
                value
            }
        }
        Name::Escape => Value::Safe(value.markup()),
        Name::Safe => Value::Safe(value.text()),
        Name::Length => match value.len() {
            Some(n) => Value::Int(i64::try_from(n).unwrap_or(i64::MAX)),
            None => {
                return Err(format!(
                    "`length` needs a string, a list or a table, not {}",
                    value.kind()
                ))
            }
        },
        // As minijinja, the string filters keep a safe string safe.
        Name::Lower => same_safety(&value, value.text().to_lowercase()),
        Name::Trim => {
            let s = value.text();
            let trimmed = match args.first() {
                Some(chars) => {
                    let chars: Vec<char> = text(chars).chars().collect();
                    s.trim_matches(chars.as_slice()).to_owned()
                }
                None => s.trim().to_owned(),
            };
            same_safety(&value, trimmed)
        }
        Name::First | Name::Last => {
            let first = filter == Name::First;
            match &value {
                Value::Undefined => Value::Undefined,
                Value::Str(s) | Value::Safe(s) => {
                    let c = if first {
                        s.chars().next()
                    } else {
                        s.chars().next_back()
                    };
                    // As minijinja: `last` keeps a safe string safe, `first` does not.
                    match c {
                        Some(c) if !first && matches!(value, Value::Safe(_)) => {
                            Value::Safe(Cow::Owned(c.to_string()))
                        }
                        Some(c) => string(c.to_string()),
                        None => Value::Undefined,
                    }
                }
                Value::None => {
                    return Err(format!(
                        "`{name}` needs a string, a list or a table, not none"
                    ))
                }
                _ => match value.items() {
                    Some(items) => {
                        let item = if first {
                            items.into_iter().next()
                        } else {
                            items.into_iter().next_back()
                        };
                        item.unwrap_or(Value::Undefined)
                    }
                    None => {
                        return Err(format!(
                            "`{name}` needs a string, a list or a table, not {}",
                            value.kind()
                        ))
                    }
                },
            }
        }
        Name::Replace => {
            let (from, to) = (&args[0], &args[1]);
            let safe = |v: &Value| matches!(v, Value::Safe(_));
            // As minijinja: with safe markup on any side, the others are
            // escaped first and the result is markup.
            let markup = escape == Escape::Html && (safe(&value) || safe(from) || safe(to));
            let format = |v: &Value<'a>| {
                if markup {
                    v.markup().into_owned()
                } else {
                    text(v)
                }
            };
            let (hay, from, to) = (format(&value), text(from), format(to));
            let count = if from.is_empty() {
                hay.chars().count() + 1
            } else {
                hay.matches(from.as_str()).count()
            };
            if hay.len().saturating_add(count.saturating_mul(to.len())) > super::MAX_OUTPUT {
                return Err(format!(
                    "`replace` would make a string longer than {} bytes",
                    super::MAX_OUTPUT
                ));
            }
            let replaced = hay.replace(from.as_str(), &to);
            if markup {
                Value::Safe(Cow::Owned(replaced))
            } else {
                string(replaced)
            }
        }
    })
}

/// `text` as a string that is safe when `like` is.
fn same_safety<'a>(like: &Value, text: String) -> Value<'a> {
    if matches!(like, Value::Safe(_)) {
        Value::Safe(Cow::Owned(text))
    } else {
        Value::Str(Cow::Owned(text))
    }
}

/// `value|date(format, months=[…])`: a front matter date (normalized RFC
/// 3339) in UTC, formatted with strftime; `months` gives the twelve names
/// `%B` writes. A value that is not a date gives nothing.
fn date<'a>(
    value: &Value<'a>,
    format: &str,
    months: Option<&Value<'a>>,
) -> Result<Value<'a>, String> {
    let Some(ts) = value.text().parse::<jiff::Timestamp>().ok() else {
        return Ok(Value::Str(Cow::Borrowed("")));
    };
    let utc = jiff::tz::Offset::UTC.to_datetime(ts);
    let mut format = format.to_owned();
    if let Some(months) = months {
        let names = match months.items() {
            Some(names)
                if names.len() == 12 && !matches!(months, Value::Str(_) | Value::Safe(_)) =>
            {
                names
            }
            _ => return Err("`months` must list twelve names, January first".to_owned()),
        };
        let name = names[usize::from(utc.month().unsigned_abs()) - 1].text();
        format = format.replace("%B", &name.replace('%', "%%"));
    }
    jiff::fmt::strtime::format(format.as_bytes(), utc)
        .map(|s| Value::Str(Cow::Owned(s)))
        .map_err(|e| format!("bad date format: {e}"))
}
