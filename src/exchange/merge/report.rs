//! What a merge does (or would do): counts per table, conflicts, and how conflicts are settled.

use crate::exchange::package::Manifest;
use std::collections::HashMap;
use std::path::PathBuf;

/// One side of a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// This database's version (保留本机).
    Mine,
    /// The package's version (采用对方).
    Theirs,
}

/// A row in conflict: its table and its id in this database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConflictKey {
    /// Table name.
    pub table: String,
    /// The row's local id.
    pub id: String,
}

/// How conflicts are settled.
#[derive(Debug, Clone, Default)]
pub struct Settlement {
    /// Conflicts settled one by one.
    pub choices: HashMap<ConflictKey, Side>,
    /// The side for every other conflict; `None` keeps the newer version (newest wins).
    pub rest: Option<Side>,
}

impl Settlement {
    /// Newest wins for every conflict.
    pub fn newest() -> Self {
        Settlement::default()
    }

    /// The same side for every conflict.
    pub fn all(side: Side) -> Self {
        Settlement { choices: HashMap::new(), rest: Some(side) }
    }
}

/// What a merge does to one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows this database did not have.
    pub added: usize,
    /// Rows replaced by the package's newer version.
    pub updated: usize,
    /// Rows the same on both sides.
    pub unchanged: usize,
    /// Rows where this database's version is newer and stays.
    pub kept: usize,
    /// Rows changed on both sides since they last met.
    pub conflicts: usize,
}

impl Counts {
    /// Rows looked at.
    pub fn total(&self) -> usize {
        self.added + self.updated + self.unchanged + self.kept + self.conflicts
    }

    pub(super) fn add(&mut self, o: &Counts) {
        self.added += o.added;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.kept += o.kept;
        self.conflicts += o.conflicts;
    }
}

/// One column that differs in a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// Column name.
    pub column: String,
    /// This database's value, as text.
    pub mine: String,
    /// The package's value, as text.
    pub theirs: String,
}

/// A row changed on both sides since they last met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Which row.
    pub key: ConflictKey,
    /// The row as people call it (e.g. the head's name and 户编号).
    pub label: String,
    /// The columns that differ.
    pub fields: Vec<FieldDiff>,
    /// When this database's version was written.
    pub mine_at: String,
    /// When the package's version was written.
    pub theirs_at: String,
    /// The newer side (the default).
    pub newer: Side,
    /// The side the merge keeps.
    pub chosen: Side,
}

/// What merging one package does.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The package file.
    pub path: PathBuf,
    /// What it says about itself.
    pub manifest: Manifest,
    /// Per travelling table, in order.
    pub tables: Vec<(&'static str, Counts)>,
    /// Its conflicts.
    pub conflicts: Vec<Conflict>,
}

impl FileReport {
    /// The sum over tables.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for (_, t) in &self.tables {
            c.add(t);
        }
        c
    }
}

/// What a merge (or its preview) does.
#[derive(Debug, Clone)]
pub struct MergeReport {
    /// One report per package, in the order merged.
    pub files: Vec<FileReport>,
    /// Whether it was written (false for a preview).
    pub written: bool,
}

impl MergeReport {
    /// Every conflict of every package.
    pub fn conflicts(&self) -> impl Iterator<Item = &Conflict> {
        self.files.iter().flat_map(|f| &f.conflicts)
    }

    /// Whether the merge adds, replaces or settles any row (a settled conflict may restamp the
    /// row it keeps); false when every row was unchanged or newer here.
    pub fn changes_rows(&self) -> bool {
        let t = self.totals();
        t.added + t.updated + t.conflicts > 0
    }

    /// The sum over packages and tables.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.files {
            c.add(&f.totals());
        }
        c
    }
}
