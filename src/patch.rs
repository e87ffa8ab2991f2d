//! What a live preview must change to show a new render, given the units it
//! shows: pure, so the DOM patchers (the wasm `LiveBinding`, and the page's
//! worker binding) share one definition of "changed" and it is tested here.

use std::ops::Range;

use crate::markdown::Unit;

/// The difference between the units shown and the units of a new render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPatch {
    /// Units kept at the start (the same HTML in the same order).
    pub prefix: usize,
    /// Shown units to remove, starting at index `prefix`.
    pub removed: usize,
    /// The new units to insert in their place (indices into the new units).
    pub inserted: Range<usize>,
    /// Kept units (indices into the new units) whose lines changed: only
    /// their line attributes need updating.
    pub moved: Vec<usize>,
}

/// Compares by HTML only: a unit whose HTML is unchanged keeps its nodes
/// (images are not reloaded, `<details>` stay open), even when it moved.
/// The kept units are the longest common prefix and, after it, the longest
/// common suffix.
pub fn diff(shown: &[Unit], units: &[Unit]) -> UnitPatch {
    let prefix = shown
        .iter()
        .zip(units)
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let suffix = shown[prefix..]
        .iter()
        .rev()
        .zip(units[prefix..].iter().rev())
        .take_while(|(a, b)| a.html == b.html)
        .count();
    let removed = shown.len() - prefix - suffix;
    let inserted = prefix..units.len() - suffix;
    let kept = (0..prefix)
        .map(|i| (i, i))
        .chain((units.len() - suffix..units.len()).map(|i| (i + shown.len() - units.len(), i)));
    let moved = kept
        .filter(|&(old, new)| shown[old].lines != units[new].lines)
        .map(|(_, new)| new)
        .collect();
    UnitPatch {
        prefix,
        removed,
        inserted,
        moved,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn units(spec: &[(&str, u32)]) -> Vec<Unit> {
        spec.iter()
            .map(|&(html, line)| Unit {
                html: Arc::from(html),
                lines: Some((line, line)),
            })
            .collect()
    }

    #[test]
    fn replaces_only_the_changed_middle() {
        let shown = units(&[("a", 1), ("b", 3), ("c", 5)]);
        let new = units(&[("a", 1), ("B", 3), ("c", 5)]);
        assert_eq!(
            diff(&shown, &new),
            UnitPatch {
                prefix: 1,
                removed: 1,
                inserted: 1..2,
                moved: vec![]
            }
        );
    }

    #[test]
    fn units_below_an_insertion_move() {
        let shown = units(&[("a", 1), ("c", 3)]);
        let new = units(&[("a", 1), ("b", 3), ("c", 5)]);
        assert_eq!(
            diff(&shown, &new),
            UnitPatch {
                prefix: 1,
                removed: 0,
                inserted: 1..2,
                moved: vec![2]
            }
        );
    }

    #[test]
    fn repeated_units_are_not_kept_twice() {
        let shown = units(&[("x", 1), ("x", 3)]);
        let new = units(&[("x", 1)]);
        let patch = diff(&shown, &new);
        assert_eq!((patch.prefix, patch.removed, patch.inserted), (1, 1, 1..1));
        assert_eq!(diff(&[], &new).inserted, 0..1);
        assert_eq!(diff(&shown, &[]).removed, 2);
    }
}
