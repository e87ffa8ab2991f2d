//! The site's template engine runs over every markdown body before markdown
//! does (Eleventy renders `.md` files with Liquid first), so `{{ … }}` and
//! `{% … %}` in a post are code, not text. This phase reports them.

use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// At most this many template diagnostics per post; one more line says how
/// many were left out.
pub const MAX_REPORTED: usize = 20;

/// Reports every `{{` and `{%` in `body` (which starts at byte `body_start`
/// of the file) outside `{% raw %}…{% endraw %}`, as errors: the published
/// page would differ from the preview.
pub fn check(body: &str, body_start: usize, index: &LineIndex, diagnostics: &mut Vec<Diagnostic>) {
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
        check(src, 0, &index, &mut diagnostics);
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
        check(&many, 0, &index, &mut diagnostics);
        assert_eq!(diagnostics.len(), MAX_REPORTED + 1);
        assert!(diagnostics.last().unwrap().message.starts_with("10 more"));
    }
}
