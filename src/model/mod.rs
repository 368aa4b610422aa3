//! Pure domain types and rules: no I/O, no SQL, no UI.

#[macro_use]
pub mod coded;
pub mod attachment;
pub mod digest;
pub mod id_number;
pub mod ids;
pub mod ledger;
pub mod month;
pub mod register;
pub mod search;
pub mod text;
pub mod visit;
