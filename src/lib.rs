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

pub mod build;
pub mod cache;
pub mod callouts;
pub mod cards;
pub mod changes;
pub mod claims;
pub mod diagnostics;
pub mod experiments;
pub mod links;
pub mod lints;
pub mod markdown;
pub mod notes;
pub mod outputs;
mod resolve;
pub mod settings;
pub mod templates;
pub mod vault;
