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

#[cfg(test)]
impl Store {
    /// Runs `f` on the connection in one transaction whose answers are logged before it commits,
    /// as [`Store::write`] does (tests writing rows as the schema defines them).
    pub(crate) fn logged<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> super::Result<T> {
        self.conn.execute_batch("BEGIN")?;
        let out = f(&self.conn).map_err(super::StoreError::from);
        let out = out.and_then(|v| Ok(super::audit_answers::log(&self.conn, &self.audit).map(|_| v)?));
        match out {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                self.conn.execute_batch("ROLLBACK")?;
                Err(e)
            }
        }
    }
}
