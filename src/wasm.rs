//! The wasm-bindgen binding: converts between JS values and the core, nothing more.
