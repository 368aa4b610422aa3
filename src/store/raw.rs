//! Whole-table access for the exchange layer (packages and merging), which copies and compares
//! rows of every travelling table generically rather than through one method per table.

use super::Store;
use rusqlite::Connection;

impl Store {
    /// The open connection, for reading whole tables.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The open connection, for a transaction the caller commits or rolls back itself (the data
    /// revision moves: whatever was cached is read again).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        self.writes += 1;
        &mut self.conn
    }
}
