//! The sanitizer policy (ammonia), configured here and nowhere else.
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::options::Options;

/// The sanitizer.
pub struct Policy {
    builder: ammonia::Builder<'static>,
}

impl Policy {
    /// Builds the policy for `options`.
    pub fn new(options: &Options, index: &LineIndex, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let _ = (options, index, diagnostics);
        Policy {
            builder: ammonia::Builder::default(),
        }
    }

    /// Sanitizes an HTML fragment.
    pub fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}
