//! zoufang (走访): offline household visit checklists for village assistance work.
//!
//! Layers, each using only those before it: [`model`] (pure rules) → [`store`] (SQLite) →
//! [`checklist`] → [`demo`], [`exchange`] (spreadsheets) → [`ui`] / [`cli`].

#![warn(missing_docs)]

pub mod bench;
pub mod checklist;
pub mod cli;
pub mod demo;
pub mod exchange;
pub mod i18n;
pub mod model;
pub mod progress;
pub mod store;
pub mod ui;
