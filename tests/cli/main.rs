//! The headless twin as a script runs it: the real binary on real databases.

mod audit;
mod crash;
mod password;
mod pipes;
mod status;
#[path = "../support/mod.rs"]
mod support;
mod way_back;
