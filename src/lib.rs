//! studygen turns an Obsidian vault into an Anki deck and checks what the notes claim.
//!
//! The pipeline is visible in the module tree:
//!
//! ```text
//! vault ──load──► notes ──parse──► cards ──render──► outputs (.apkg, cards.txt)
//! ```
//!
//! Each stage is a plain function from data to data. [`diagnostics`] flow alongside every stage and
//! are collected, never panicked. [`build::run`] strings the stages together.

/// This studygen: its version and a hash of its sources (see `build.rs`). The build cache and the
/// build record name it, and are trusted only by the same studygen: one whose code changed (a new
/// release, or a build between releases) builds every note again rather than reuse what another
/// made.
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("STUDYGEN_SOURCE_HASH"));

pub mod build;
pub mod cache;
pub mod callouts;
pub mod cards;
pub mod changes;
pub mod claims;
pub mod diagnostics;
pub mod experiments;
pub mod lines;
pub mod links;
pub mod lints;
pub mod markdown;
pub mod notes;
pub mod outputs;
mod resolve;
pub mod settings;
pub mod templates;
pub mod vault;
