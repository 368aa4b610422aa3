//! zoufang (走访): offline household visit checklists for village assistance work.
//!
//! Layers, each using only those before it: [`model`] (pure rules) → [`store`] (SQLite) →
//! [`checklist`] → [`demo`], [`exchange`] (spreadsheets) → [`ui`] / [`cli`].
//!
//! Outside tests nothing may `unwrap` or `expect`: a hostile file or a full disk must become a
//! sentence, never a panic. The few places where a failure is impossible say why in an `allow`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

#[macro_use]
pub mod out;
#[allow(clippy::expect_used, reason = "a measuring command over data it generates itself")]
pub mod bench;
pub mod checklist;
pub mod cli;
#[allow(clippy::expect_used, reason = "synthetic data from fixed calendar arithmetic")]
pub mod demo;
pub mod exchange;
pub mod i18n;
pub mod model;
pub mod photo;
pub mod progress;
pub mod store;
pub mod ui;
