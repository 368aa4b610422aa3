//! Files that carry the work between laptops: the village package and merging it.

mod digest;
pub mod error;
pub mod merge;
pub mod package;
mod tables;
