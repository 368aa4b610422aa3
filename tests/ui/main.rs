//! The real screens driven headlessly by their labels, on real databases: the register, the
//! visit form and the ledger.

mod audit;
mod evidence;
mod exchange;
mod fresh;
mod jobs;
mod ledger;
mod pins;
mod register;
mod restore;
mod small_screen;
#[path = "../support/mod.rs"]
mod support;
mod unlock;
mod visit;
