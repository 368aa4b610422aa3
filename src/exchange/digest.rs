//! The checksum of a package: SHA-256 over its content in a canonical order, so the same rows give
//! the same checksum however SQLite laid out the pages.

use super::tables::{TABLES, key_list};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

/// The manifest table of a package.
pub(super) const MANIFEST: &str = "package_manifest";
/// The knowledge table of a package (which laptops' rows its maker had seen, up to when).
pub(super) const KNOWLEDGE: &str = "package_knowledge";
/// The manifest key holding the checksum (left out of the checksum itself).
pub(super) const CHECKSUM_KEY: &str = "checksum";

/// Hex SHA-256 of the package tables in `schema` (`main` for an opened package, the attached name
/// while one is being made): every travelling table's columns and rows by key, the knowledge rows
/// by device, the audit log's entries by hash (when the package has one: earlier builds wrote
/// none), and the manifest entries by key except the checksum.
pub(super) fn content_digest(conn: &Connection, schema: &str) -> rusqlite::Result<String> {
    let mut hash = Sha256::new();
    let audit = super::audit::present(conn, schema)?.then(|| (super::audit::AUDIT, "hash".to_string()));
    // Pictures are in the checksum when the package has them (packages of earlier builds do not).
    let pictures: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?1"),
        [super::package::PHOTO_BLOBS],
        |r| r.get(0),
    )?;
    let tables = TABLES
        .iter()
        .map(|t| (t.name, key_list(t)))
        .chain([(KNOWLEDGE, "device_id".to_string())])
        .chain(audit)
        .chain([(MANIFEST, "key".to_string())])
        .chain((pictures > 0).then(|| (super::package::PHOTO_BLOBS, "sha256".to_string())));
    for (name, order) in tables {
        put_bytes(&mut hash, b'#', name.as_bytes());
        let filter = if name == MANIFEST { format!(" WHERE key <> '{CHECKSUM_KEY}'") } else { String::new() };
        let mut st = conn.prepare(&format!("SELECT * FROM {schema}.{name}{filter} ORDER BY {order}"))?;
        for column in st.column_names() {
            put_bytes(&mut hash, b'C', column.as_bytes());
        }
        let width = st.column_count();
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            hash.update(b"\n");
            for i in 0..width {
                match row.get_ref(i)? {
                    ValueRef::Null => hash.update(b"N"),
                    ValueRef::Integer(n) => {
                        hash.update(b"I");
                        hash.update(n.to_be_bytes());
                    }
                    ValueRef::Real(x) => {
                        hash.update(b"R");
                        hash.update(x.to_bits().to_be_bytes());
                    }
                    ValueRef::Text(s) => put_bytes(&mut hash, b'T', s),
                    ValueRef::Blob(b) => put_bytes(&mut hash, b'B', b),
                }
            }
        }
    }
    Ok(crate::model::digest::hex(&hash.finalize()))
}

fn put_bytes(hash: &mut Sha256, tag: u8, bytes: &[u8]) {
    hash.update([tag]);
    hash.update((bytes.len() as u64).to_be_bytes());
    hash.update(bytes);
}
