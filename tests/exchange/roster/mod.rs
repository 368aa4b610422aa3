//! The household roster import, end to end: fixture files made here, read, previewed and
//! imported into real databases, through the library, the CLI and the import screen.

mod cli;
mod fixtures;
mod hostile;
mod import;
mod screen;
