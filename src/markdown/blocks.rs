//! Cuts the body's event stream into top-level blocks.

use std::ops::Range;

use pulldown_cmark::Event;

/// One top-level block: a paragraph, heading, list, HTML block, rule, ….
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Indices into the event list.
    pub events: Range<usize>,
    /// Byte range in the body.
    pub source: Range<usize>,
}

/// Splits `events` (with body byte ranges) into top-level blocks, in order.
/// Every event belongs to exactly one block.
pub fn split(events: &[(Event<'_>, Range<usize>)]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    blocks.push(Block {
                        events: start..i + 1,
                        source: events[start].1.start..range.end,
                    });
                }
            }
            _ if depth == 0 => blocks.push(Block {
                events: i..i + 1,
                source: range.clone(),
            }),
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use pulldown_cmark::Parser;

    use super::*;

    #[test]
    fn top_level_blocks_with_ranges() {
        let src = "# T\n\npara\nline\n\n---\n\n> q\n> r\n\n<div>\nx\n</div>\n";
        let events: Vec<_> = Parser::new(src).into_offset_iter().collect();
        let got: Vec<_> = split(&events)
            .iter()
            .map(|b| &src[b.source.clone()])
            .collect();
        expect![[r##"
            [
                "# T\n",
                "para\nline\n",
                "---\n",
                "> q\n> r\n",
                "<div>\nx\n</div>\n",
            ]
        "##]]
        .assert_debug_eq(&got);
    }
}
