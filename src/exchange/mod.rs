//! Files that carry the work between laptops and from spreadsheets: the roster import, the
//! village package and merging it.

mod digest;
pub mod error;
pub mod merge;
pub mod package;
pub mod roster;
mod tables;
