//! What the site's template engine does to a body before markdown sees it,
//! as the profile's `[template]` says:
//!
//! - `liquid` (Eleventy, Jekyll): Liquid runs over every markdown body first,
//!   so `{{ … }}` and `{% … %}` are code, not text. Each one is reported.
//! - `zola`: `{{ name(…) }}` and `{% name(…) %}…{% end %}` call shortcodes;
//!   Zola fails the build on a call of one the site does not define. Other
//!   `{{` text (`{{closure}}`, `${{ x }}`) is published as written.
//! - `none`: nothing is executed.

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::profile::{TemplateChecks, TemplateEngine};

/// At most this many template diagnostics per post; one more line says how
/// many were left out.
pub const MAX_REPORTED: usize = 20;

/// Reports what the profile's template engine would execute in `body`
/// (which starts at byte `body_start` of the file).
pub fn check(
    body: &str,
    body_start: usize,
    rules: &TemplateChecks,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match rules.engine {
        TemplateEngine::None => {}
        TemplateEngine::Liquid => check_liquid(body, body_start, index, diagnostics),
        TemplateEngine::Zola => {
            check_shortcodes(body, body_start, &rules.shortcodes, index, diagnostics)
        }
    }
}

/// A Zola shortcode call at the start of `text` (which starts with `{{` or
/// `{%`): its name and length, when `text` holds one. The grammar is Zola's:
/// the opener, optional white space, an identifier directly followed by `(`,
/// arguments up to the matching `)`, optional white space, the closer.
fn shortcode_call(text: &str) -> Option<(&str, usize)> {
    let closer = if text.starts_with("{{") { "}}" } else { "%}" };
    let after = text[2..].trim_start_matches(['-', ' ', '\t']);
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    let name = &after[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let args = after[name_len..].strip_prefix('(')?;
    // The arguments: quoted strings may hold parentheses.
    let mut depth = 1usize;
    let mut quote = None;
    let mut end = None;
    for (i, c) in args.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            (None, '\n') if depth > 8 => return None,
            _ => {}
        }
    }
    let rest = &args[end?..];
    let tail = rest.trim_start_matches(['-', ' ', '\t']);
    tail.starts_with(closer)
        .then(|| (name, text.len() - tail.len() + closer.len()))
}

/// Reports Zola shortcode calls: an unknown one is an error (the build
/// fails), a known one a note that the site renders it.
fn check_shortcodes(
    body: &str,
    body_start: usize,
    known: &[String],
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut found = 0usize;
    let mut pos = 0;
    while let Some(at) = body[pos..].find('{').map(|i| pos + i) {
        pos = at + 1;
        let rest = &body[at..];
        if !(rest.starts_with("{{") || rest.starts_with("{%")) {
            continue;
        }
        // A call spans a few lines at most: bound the scan.
        let window = &rest[..rest.len().min(4096)];
        let Some((name, len)) = shortcode_call(window) else {
            continue;
        };
        pos = at + len;
        found += 1;
        if found > MAX_REPORTED {
            continue;
        }
        let (severity, message) = if known.iter().any(|k| k == name) {
            (
                Severity::Info,
                format!("`{name}` is a shortcode: the site renders it when it builds, the preview shows the call"),
            )
        } else {
            (
                Severity::Error,
                format!(
                    "`{name}(…)` calls a shortcode the site does not define: the build fails; \
                     write `{{{{/*` and `*/}}}}` around it to show it as text"
                ),
            )
        };
        diagnostics.push(index.diagnostic(body_start + at, severity, message));
    }
}

/// Reports every `{{` and `{%` in `body` outside `{% raw %}…{% endraw %}`,
/// as errors: the published page would differ from the preview.
fn check_liquid(
    body: &str,
    body_start: usize,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut found = 0usize;
    let mut first_skipped = None;
    let mut pos = 0;
    while let Some(at) = body[pos..].find('{').map(|i| pos + i) {
        let rest = &body[at..];
        pos = at + 1;
        let message = if rest.starts_with("{{") {
            "`{{` starts a Liquid expression: the site executes it, so the published page will \
             not show this text; wrap it in {% raw %}…{% endraw %} to show it as written"
        } else if let Some(tag) = rest.strip_prefix("{%") {
            let tag = tag.trim_start_matches('-').trim_start();
            let opens_raw = tag
                .strip_prefix("raw")
                .is_some_and(|a| a.trim_start().trim_start_matches('-').starts_with("%}"));
            if opens_raw {
                // Skip to the end of the raw section: its content is text.
                match body[at..].find("endraw").and_then(|e| body[at + e..].find("%}").map(|c| at + e + c + 2)) {
                    Some(end) => {
                        pos = end;
                        continue;
                    }
                    None => "`{% raw %}` is never closed with `{% endraw %}`: the site will fail to build",
                }
            } else {
                "`{%` starts a Liquid tag: the site executes it, so the published page will differ \
                 from this preview (or fail to build); wrap it in {% raw %}…{% endraw %} to show it as written"
            }
        } else {
            continue;
        };
        found += 1;
        if found <= MAX_REPORTED {
            diagnostics.push(index.diagnostic(body_start + at, Severity::Error, message));
        } else if first_skipped.is_none() {
            first_skipped = Some(body_start + at);
        }
        pos = at + 2;
    }
    if let Some(at) = first_skipped {
        diagnostics.push(index.diagnostic(
            at,
            Severity::Error,
            format!(
                "{} more Liquid template markers from here on are not listed",
                found - MAX_REPORTED
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check_template(src: &str, expect: Expect) {
        let index = LineIndex::new(src);
        let mut diagnostics = vec![];
        check_liquid(src, 0, &index, &mut diagnostics);
        let got: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d.line,
                    d.column,
                    &d.message[..20.min(d.message.len())]
                )
            })
            .collect();
        expect.assert_debug_eq(&got);
    }

    #[test]
    fn finds_markers_outside_raw() {
        check_template(
            "a {{ x }} b\n{% if y %}\n{% raw %}{{ ok }}{% endraw %} {ok}\n{%- raw -%}{% x %}{%- endraw -%}",
            expect![[r#"
                [
                    "1:3 `{{` starts a Liquid",
                    "2:1 `{%` starts a Liquid",
                ]
            "#]],
        );
    }

    #[test]
    fn unclosed_raw_and_the_cap() {
        check_template(
            "{% raw %} x",
            expect![[r#"
                [
                    "1:1 `{% raw %}` is never",
                ]
            "#]],
        );
        let many = "{{".repeat(30);
        let index = LineIndex::new(&many);
        let mut diagnostics = vec![];
        check_liquid(&many, 0, &index, &mut diagnostics);
        assert_eq!(diagnostics.len(), MAX_REPORTED + 1);
        assert!(diagnostics.last().unwrap().message.starts_with("10 more"));
    }

    #[test]
    fn zola_shortcodes() {
        let rules = TemplateChecks {
            engine: TemplateEngine::Zola,
            shortcodes: vec!["youtube".into()],
        };
        let src = "a {{closure}} b ${{ steps.x }} {{ youtube(id=\"x(1)\") }}\n\
                   {% note(kind='a') %}x{% end %} {{ f(a) }\n{{-  gist(url=\"u\") -}}";
        let index = LineIndex::new(src);
        let mut diagnostics = vec![];
        check(src, 0, &rules, &index, &mut diagnostics);
        let got: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} {}",
                    d.line,
                    d.column,
                    d.severity,
                    &d.message[..12]
                )
            })
            .collect();
        expect_test::expect![[r#"
            [
                "1:32 info `youtube` is",
                "2:1 error `note(…)` ",
                "3:1 error `gist(…)` ",
            ]
        "#]]
        .assert_debug_eq(&got);
    }
}
