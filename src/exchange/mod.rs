//! Moving data between zoufang and the spreadsheets villages already keep.

pub mod roster;
