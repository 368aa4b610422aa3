//! Files in and out: the roster import (library, CLI and screen), packages, merging and the
//! Excel ledgers, each on files made here.

mod copies;
mod deletion;
mod figures;
mod hostile_packages;
mod hostile_photos;
mod packages;
mod photos;
mod roster;
#[path = "../support/mod.rs"]
mod support;
