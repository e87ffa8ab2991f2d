//! The engine against minijinja: every template here, and thousands of
//! generated ones, must give minijinja's output (or fail where minijinja
//! fails); then the errors and bounds that are the engine's own.

use expect_test::{expect, Expect};
use minijinja::value::Kwargs;
use serde_json::json;

use super::*;

/// minijinja configured as the header used it: HTML autoescape, chainable
/// undefined, and the site's `date` filter and the old `join`.
fn reference() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|name| {
        if name == "url" {
            minijinja::AutoEscape::None
        } else {
            minijinja::AutoEscape::Html
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.add_filter("date", reference_date);
    env.add_filter("join", reference_join);
    env
}

fn reference_join(
    value: minijinja::Value,
    separator: Option<String>,
) -> Result<String, minijinja::Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    if let Some(text) = value.as_str() {
        return Ok(text.to_owned());
    }
    let items = value.try_iter()?;
    Ok(items
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(&separator.unwrap_or_default()))
}

fn reference_date(
    value: String,
    format: String,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let months: Option<Vec<String>> = kwargs.get("months")?;
    kwargs.assert_all_used()?;
    let Ok(ts) = value.parse::<jiff::Timestamp>() else {
        return Ok(String::new());
    };
    let utc = jiff::tz::Offset::UTC.to_datetime(ts);
    let mut format = format;
    if let Some(months) = months {
        let name = months.get(utc.month() as usize - 1).ok_or_else(|| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "twelve names")
        })?;
        format = format.replace("%B", &name.replace('%', "%%"));
    }
    jiff::fmt::strtime::format(format.as_bytes(), utc)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

/// A JSON value as a minijinja value (tables in their order: minijinja's
/// `preserve_order`, as serde_json's here).
fn to_minijinja(value: &serde_json::Value) -> minijinja::Value {
    use serde_json::Value as J;
    match value {
        J::Null => minijinja::Value::from(()),
        J::Bool(b) => minijinja::Value::from(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => minijinja::Value::from(i),
            None => minijinja::Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => minijinja::Value::from(s.as_str()),
        J::Array(items) => {
            minijinja::Value::from(items.iter().map(to_minijinja).collect::<Vec<_>>())
        }
        J::Object(map) => minijinja::Value::from_object(Ordered(
            map.iter()
                .map(|(k, v)| (k.clone(), to_minijinja(v)))
                .collect(),
        )),
    }
}

/// A table for minijinja that keeps its keys' order.
#[derive(Debug)]
struct Ordered(Vec<(String, minijinja::Value)>);

impl minijinja::value::Object for Ordered {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Map
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let key = key.as_str()?;
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(
            self.0
                .iter()
                .map(|(k, _)| minijinja::Value::from(k.as_str()))
                .collect(),
        )
    }
}

fn context() -> serde_json::Value {
    json!({
        "title": "A <b>bold</b> & \"quoted\" 'title' / done",
        "description": "",
        "date": "2022-09-05T00:00:00Z",
        "authors": ["Ana", "Bo <b>", "Cy"],
        "tags": [],
        "count": 3,
        "ratio": 2.5,
        "whole": 2.0,
        "zero": 0,
        "yes": true,
        "no": false,
        "nothing": null,
        "extra": {"team": "Compiler & Co", "team_url": "https://x.org/a?b=1&c=2", "n": [1, 2, {"k": "v"}]},
        "page": {"path": "2022/09/05/x", "title": "T"},
        "site": {"base_url": "https://blog.example.org"},
    })
}

/// What minijinja renders, or `None` when it fails.
fn minijinja_render(template: &str, ctx: &serde_json::Value, escape: Escape) -> Option<String> {
    let mut env = reference();
    let name = if escape == Escape::Html {
        "t.html"
    } else {
        "url"
    };
    env.add_template_owned(name, template.to_owned()).ok()?;
    let out = env.get_template(name).ok()?.render(to_minijinja(ctx)).ok();
    out
}

fn ours(template: &str, ctx: &serde_json::Value, escape: Escape) -> Option<String> {
    Template::parse(template)
        .ok()?
        .render(ctx, escape, 1_000_000)
        .ok()
}

/// Asserts that `template` renders as minijinja renders it (both fail, or
/// both give the same text), in both escape modes.
#[track_caller]
fn same(template: &str) {
    let ctx = context();
    for escape in [Escape::Html, Escape::None] {
        let want = minijinja_render(template, &ctx, escape);
        let got = ours(template, &ctx, escape);
        assert_eq!(
            got,
            want,
            "template {template:?} ({escape:?}); our error: {:?}",
            Template::parse(template)
                .and_then(|t| t.render(&ctx, escape, 1_000_000))
                .err()
        );
    }
}

#[test]
fn the_built_in_profiles_templates_render_as_minijinja_does() {
    // post-preview's built-in profiles (`src/profile/*.toml`).
    let profiles = [
        include_str!("../../../src/profile/rust-foundation.toml"),
        include_str!("../../../src/profile/rust-blog.toml"),
        include_str!("../../../src/profile/commonmark.toml"),
    ];
    for text in profiles {
        let profile: toml::Table = toml::from_str(text).expect("a built-in profile is TOML");
        let mut templates = 0;
        for (table, key) in [("header", "template"), ("links", "permalink")] {
            if let Some(template) = profile
                .get(table)
                .and_then(|t| t.get(key))
                .and_then(|t| t.as_str())
            {
                same(template);
                templates += 1;
            }
        }
        assert!(
            templates > 0,
            "a built-in profile without a header template"
        );
    }
}

#[test]
fn values_and_escaping() {
    for t in [
        "{{ title }}",
        "{{ description }}|{{ missing }}|{{ nothing }}|{{ yes }}|{{ no }}|{{ count }}|{{ zero }}",
        "{{ ratio }} {{ whole }} {{ 1.5 }} {{ 10 }} {{ 1_000 }}",
        "{{ authors }}",
        "{{ extra }}",
        "{{ extra.n }}",
        "{{ [1, 'a', none, true, [2]] }}",
        "{{ tags }}",
        "{{ 'it''s' }} {{ \"a\\nb\\t\\\"c\\\"\" }} {{ 'x' 'y' }}",
        "{{ title|safe }}|{{ title|e }}|{{ title|escape|escape }}|{{ title|safe|e }}",
        "<a href=\"{{ extra.team_url }}\">{{ extra.team }}</a>",
        "{{ site.base_url }}/{{ page.path }}/",
    ] {
        same(t);
    }
}

#[test]
fn lookups() {
    for t in [
        "{{ extra.team }}|{{ extra['team'] }}|{{ extra.missing }}|{{ missing.a.b.c }}|{{ nothing.a }}",
        "{{ authors[0] }}|{{ authors[-1] }}|{{ authors[7] }}|{{ authors.1 }}|{{ extra.n[2].k }}|{{ title.x }}",
        "{{ count.x }}|{{ authors['x'] }}|{{ extra[0] }}",
        "{% if extra.team %}team{% endif %}{% if missing.a %}no{% endif %}",
    ] {
        same(t);
    }
}

#[test]
fn control_flow() {
    for t in [
        "{% if title %}a{% elif count %}b{% else %}c{% endif %}",
        "{% if description %}a{% elif zero %}b{% else %}c{% endif %}",
        "{% if description %}a{% elif count %}b{% endif %}",
        "{% for a in authors %}{{ loop.index }}/{{ loop.length }}:{{ a }}{% if not loop.last %}, {% endif %}{% endfor %}",
        "{% for a in authors %}{{ loop.index0 }}{{ loop.first }}{{ loop.revindex }}{{ loop.revindex0 }}{% endfor %}",
        "{% for t in tags %}{{ t }}{% else %}no tags{% endfor %}",
        "{% for t in missing %}{{ t }}{% else %}none{% endfor %}",
        "{% for k in extra %}{{ k }};{% endfor %}",
        "{% for c in 'abc' %}{{ c }}-{% endfor %}",
        "{% for a in authors %}{% for b in authors %}{{ a }}{{ b }} {% endfor %}{% endfor %}",
        "{% set x = title %}{{ x }}{% set x = 'y' %}{{ x }}",
        "{% for a in authors %}{% set y = a %}{{ y }}{% endfor %}[{{ y }}]",
        "{% set title = 'shadow' %}{{ title }}",
        "{% for a in [1, 2] %}{{ loop.index }}{% for b in [3] %}{{ loop.index }}{% endfor %}{% endfor %}",
        "{% raw %}{{ not a tag }}{% endraw %}",
        "a {#- comment -#} b {# another #} c",
        "  {%- if yes -%}  x  {%- endif -%}  ",
        "<p>\n  {{- title -}}\n</p>",
        "{%+ if yes +%} x {%+ endif +%}",
        "line\n",
        "line\n\n",
        "line\r\n",
        "{% if yes %}\n  a\n{% endif %}\n",
        "{{ count }}}}",
    ] {
        same(t);
    }
}

#[test]
fn operators() {
    for t in [
        "{{ not yes }} {{ not missing }} {{ yes and count }} {{ no or 'x' }} {{ missing or nothing }}",
        "{{ count == 3 }} {{ count != 3 }} {{ count == 3.0 }} {{ ratio > 2 }} {{ ratio <= 2.5 }} {{ 'a' < 'b' }}",
        "{{ 'Ana' in authors }} {{ 'Zed' not in authors }} {{ 'team' in extra }} {{ 'ol' in title }} {{ 'x' in missing }}",
        "{{ title ~ '!' }} {{ count ~ missing ~ nothing }}",
        "{{ 'a' if yes else 'b' }} {{ 'a' if no else 'b' }} [{{ 'a' if no }}]",
        "{{ (yes or no) and not (count == 4) }}",
        "{{ missing == missing }} {{ nothing == none }} {{ authors == authors }} {{ [1, 2] == [1, 2.0] }} {{ yes == 1 }}",
        "{{ missing is defined }} {{ title is defined }} {{ nothing is none }} {{ title is string }} {{ count is number }}",
        "{{ authors is sequence }} {{ extra is mapping }} {{ title is not string }} {{ missing is undefined }}",
        "{{ not count == 3 }} {{ not title|length }}",
        "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1 != 2 }} {{ 'a' in 'abc' in 'xabcx' }}",
    ] {
        same(t);
    }
}

#[test]
fn filters() {
    for t in [
        "{{ authors|join(', ') }}|{{ authors|join }}|{{ title|join('-') }}|{{ missing|join(',') }}",
        "{{ date|date('%Y-%m-%d') }}|{{ date|date('%B %-d, %Y') }}|{{ date|date('%d %b %Y') }}|{{ title|date('%Y') }}",
        "{{ date|date('%B', months=['a','b','c','d','e','f','g','h','Sept. %','j','k','l']) }}",
        "{{ missing|default('x') }}|{{ description|default('x') }}|{{ description|default('x', true) }}|{{ missing|d }}",
        "{{ title|length }}|{{ authors|length }}|{{ extra|count }}|{{ 'é'|length }}",
        "{{ title|lower }}|{{ '  a b  '|trim }}|{{ 'xxaxx'|trim('x') }}",
        "{{ authors|first }}|{{ authors|last }}|{{ tags|first }}|{{ title|first }}|{{ 'ab'|last }}",
        "{{ title|replace('<', '[') }}|{{ title|safe|replace('b', 'i') }}",
        "{{ title|lower|replace('a', 'A')|lower }}",
    ] {
        same(t);
    }
}

/// Templates built from the grammar this engine supports, over the test
/// context: minijinja and this engine agree on each, output or failure.
mod generated {
    use proptest::prelude::*;

    use super::same;

    fn leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("title".to_owned()),
            Just("missing".to_owned()),
            Just("nothing".to_owned()),
            Just("count".to_owned()),
            Just("zero".to_owned()),
            Just("ratio".to_owned()),
            Just("yes".to_owned()),
            Just("authors".to_owned()),
            Just("tags".to_owned()),
            Just("extra".to_owned()),
            Just("extra.team".to_owned()),
            Just("extra.n[1]".to_owned()),
            Just("authors[-1]".to_owned()),
            Just("'a<b'".to_owned()),
            Just("''".to_owned()),
            Just("3".to_owned()),
            Just("none".to_owned()),
            Just("[1, 'x']".to_owned()),
        ]
    }

    fn expr() -> impl Strategy<Value = String> {
        leaf().prop_recursive(3, 12, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| format!("not {e}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
                // Operands in parentheses: `x == not y` is an error in Jinja,
                // and a call of a variable named `not` in minijinja.
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(({a}) == ({b}))")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(({a}) ~ ({b}))")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(({a}) in ({b}))")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("(({a}) != ({b}) == ({c}))")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("({a} if {b} else {c})")),
                inner.clone().prop_map(|e| format!("{e}|length")),
                inner.clone().prop_map(|e| format!("{e}|lower")),
                inner.clone().prop_map(|e| format!("{e}|first")),
                inner.clone().prop_map(|e| format!("{e}|safe")),
                inner.clone().prop_map(|e| format!("{e}|default('d')")),
                inner.clone().prop_map(|e| format!("{e}|join('/')")),
                inner.clone().prop_map(|e| format!("{e}|lower|last")),
                inner.clone().prop_map(|e| format!("{e}|trim('x')")),
                inner.clone().prop_map(|e| format!("{e}|e")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}|replace('a', {b})")),
                inner.clone().prop_map(|e| format!("({e} is defined)")),
                inner.clone().prop_map(|e| format!("({e} is none)")),
            ]
        })
    }

    fn template() -> impl Strategy<Value = String> {
        let text = prop_oneof![
            Just("x".to_owned()),
            Just(" <i> ".to_owned()),
            Just("\n".to_owned())
        ];
        let leaf = prop_oneof![text, expr().prop_map(|e| format!("{{{{ {e} }}}}"))];
        leaf.prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}{b}")),
                (expr(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| format!("{{% if {c} %}}{a}{{% else %}}{b}{{% endif %}}")),
                (expr(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| format!("{{% for v in {c} %}}{{{{ v }}}}{a}{{{{ loop.index }}}}{{% else %}}{b}{{% endfor %}}")),
                (expr(), inner.clone()).prop_map(|(e, a)| format!("{{% set s = {e} %}}{a}{{{{ s }}}}")),
                inner.clone().prop_map(|a| format!(" {{%- if yes -%}} {a} {{%- endif %}} ")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn agree_with_minijinja(t in template()) {
            same(&t);
        }

        /// Any text at all parses or fails with an error, and renders or
        /// fails with an error: never a panic.
        #[test]
        fn never_panics(t in proptest::collection::vec(prop_oneof![
            Just("{{"), Just("}}"), Just("{%"), Just("%}"), Just("{#"), Just("#}"), Just("-"), Just("+"),
            Just("'"), Just("\""), Just("\\"), Just("é"), Just("€"), Just("\u{1F600}"), Just(" "), Just("\n"),
            Just("if"), Just("for"), Just("in"), Just("endif"), Just("endfor"), Just("else"), Just("elif"),
            Just("set"), Just("raw"), Just("endraw"), Just("title"), Just("authors"), Just("|"), Just("("),
            Just(")"), Just("["), Just("]"), Just("."), Just(","), Just("="), Just("1"), Just("-1"), Just("1.5"),
            Just("not"), Just("and"), Just("is"), Just("date"), Just("join"), Just("x"),
        ], 0..40)) {
            let source: String = t.concat();
            if let Ok(template) = super::Template::parse(&source) {
                let _ = template.render(&super::context(), super::Escape::Html, 10_000);
            }
        }
    }
}

fn check_error(template: &str, expect: Expect) {
    let e = Template::parse(template)
        .and_then(|t| t.render(&context(), Escape::Html, 1_000))
        .unwrap_err();
    expect.assert_eq(&format!("{}:{}: {}", e.line, e.column, e.message));
}

#[test]
fn errors_say_what_and_where() {
    check_error(
        "<h1>\n  {{ title }\n",
        expect!["2:3: `{{` is never closed by `}}`"],
    );
    check_error(
        "{% if yes %}x",
        expect!["1:4: this block is never closed by `{% endif %}`"],
    );
    check_error(
        "{% for a in authors %}\n{% endif %}",
        expect!["2:4: unexpected `{% endif %}`"],
    );
    check_error("x\n{% endif %}", expect!["2:4: unexpected `{% endif %}`"]);
    check_error("{% macro m() %}{% endmacro %}", expect!["1:4: `{% macro %}` is not supported: the header and permalink templates have `if`/`elif`/`else`/`endif`, `for`/`else`/`endfor`, `set` and `raw`"]);
    check_error("{{ title|slugify }}", expect!["1:10: unknown filter `slugify` (the filters are date, join, default, d, escape, e, safe, length, count, lower, trim, first, last, replace)"]);
    check_error("{{ title is odd }}", expect!["1:13: unknown test `odd` (the tests are defined, undefined, none, string, number, sequence, mapping)"]);
    check_error("{{ count + 1 }}", expect!["1:10: arithmetic is not supported in the header and permalink templates (`~` joins strings)"]);
    check_error(
        "{{ range(3) }}",
        expect!["1:9: calling functions is not supported in the header and permalink templates"],
    );
    check_error("{{ 'abc }}", expect!["1:1: `{{` is never closed by `}}`"]);
    check_error(
        "{{ title title }}",
        expect!["1:10: unexpected text at the end of this tag"],
    );
    check_error(
        "{{ date|date }}",
        expect!["1:9: `date` takes `date(\"%Y-%m-%d\")`, with `months=[…]` optional"],
    );
    check_error(
        "{{ date|date('%B', months=['a']) }}",
        expect!["1:9: `months` must list twelve names, January first"],
    );
    check_error(
        "{{ date|join(sep=',') }}",
        expect!["1:9: `join` has no argument `sep`"],
    );
    check_error(
        "{% for x in count %}{% endfor %}",
        expect!["1:4: a `for` cannot walk a number"],
    );
    check_error(
        "{{ count < 'a' }}",
        expect!["1:10: cannot compare a number with a string"],
    );
    check_error(
        "{{ 'é\\q' }}",
        expect!["1:6: `\\q` is not an escape this engine knows (\\n, \\t, \\r, \\\\, \\\", \\')"],
    );
}

#[test]
fn bounds_stop_a_render_never_freeze_it() {
    let ctx = json!({"xs": (0..100).collect::<Vec<_>>(), "long": "x".repeat(100_000)});
    let loops = Template::parse(
        "{% for a in xs %}{% for b in xs %}{% for c in xs %}x{% endfor %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let e = loops.render(&ctx, Escape::Html, 100_000).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::OutOfFuel, "ran more than 100000 steps")
    );
    let chars = Template::parse("{% for c in long %}{% endfor %}").unwrap();
    let e = chars.render(&ctx, Escape::Html, 50_000).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::OutOfFuel,
        "a walk longer than the fuel is stopped"
    );
    let wide = Template::parse("{% for a in xs %}{{ long }}{% endfor %}").unwrap();
    let e = wide.render(&ctx, Escape::Html, 1_000_000).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLong);
    let nested = format!(
        "{}x{}",
        "{% if yes %}".repeat(100),
        "{% endif %}".repeat(100)
    );
    let e = Template::parse(&nested).unwrap_err();
    assert_eq!(e.message, "blocks nest more than 64 deep");
    for deep in [
        format!("{{{{ {}1{} }}}}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{{{{ {}1 }}}}", "not ".repeat(10_000)),
        format!("{{{{ {}1{} }}}}", "[".repeat(10_000), "]".repeat(10_000)),
    ] {
        let e = Template::parse(&deep).unwrap_err();
        assert_eq!(e.message, "an expression nests more than 64 deep");
    }
}
