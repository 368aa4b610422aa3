//! Files that carry the work between laptops and from spreadsheets: the roster import, the
//! village package and merging it, and the ledgers as spreadsheets for the township.

mod digest;
pub mod error;
pub mod ledger;
pub mod merge;
pub mod package;
pub mod roster;
mod tables;
