//! The tables that travel between laptops in a village package: which rows of a village each
//! holds, which columns point at other rows, and how a row arriving under another id is still
//! recognised as the same thing.

/// A column holding the id of a row of another table.
pub(super) struct Ref {
    /// The column.
    pub column: &'static str,
    /// The tables the id may point into (attachments belong to a visit or a problem).
    pub targets: &'static [&'static str],
    /// Whether the column may be NULL.
    pub nullable: bool,
}

/// A way to find the local row that is the same as an incoming row with an unknown id.
pub(super) struct Matcher {
    /// SQL giving the local row's id; `?1`, `?2`… are the incoming row's `columns`.
    pub sql: &'static str,
    /// The incoming row's columns (after its references are mapped to local ids); the matcher is
    /// tried only when none of them is NULL or empty. [`HEAD_ID`] stands for the ID number of the
    /// incoming household's head.
    pub columns: &'static [&'static str],
}

/// A pseudo-column of households: the ID number of the head (户主) among the package's members.
pub(super) const HEAD_ID: &str = "head_id_number";

/// One travelling table.
pub(super) struct Table {
    /// Table name (the same in the database and the package).
    pub name: &'static str,
    /// Primary-key columns.
    pub key: &'static [&'static str],
    /// Which rows belong to the village `?1`, as a condition on this table's columns.
    pub of_village: &'static str,
    /// References to other travelling tables.
    pub refs: &'static [Ref],
    /// Ways to recognise the same row under another id, tried in order.
    pub matchers: &'static [Matcher],
    /// Rows never change once written (templates: identity is the content hash).
    pub immutable: bool,
    /// Columns that name a row for people (in conflicts and errors).
    pub label: &'static [&'static str],
}

const fn r(column: &'static str, target: &'static [&'static str], nullable: bool) -> Ref {
    Ref { column, targets: target, nullable }
}

const VILLAGES: &[&str] = &["villages"];
const GROUPS: &[&str] = &["village_groups"];
const HOUSEHOLDS: &[&str] = &["households"];
const CADRES: &[&str] = &["cadres"];
const VISITS: &[&str] = &["visits"];
const PROBLEMS: &[&str] = &["problems"];

/// The visits of the village `?1` (a sub-select used by several tables).
macro_rules! village_visits {
    () => {
        "SELECT v.id FROM visits v JOIN households h ON h.id = v.household_id WHERE h.village_id = ?1"
    };
}

/// The name of the table of visit answers: they carry no stamps and travel with their visit.
pub(super) const ANSWERS: &str = "visit_answers";

/// The travelling tables, each after the tables its rows point at.
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "villages",
        key: &["id"],
        of_village: "id = ?1",
        refs: &[],
        matchers: &[Matcher {
            sql: "SELECT id FROM villages WHERE name = ?1 AND township = ?2 AND county = ?3 AND deleted_at IS NULL",
            columns: &["name", "township", "county"],
        }],
        immutable: false,
        label: &["name"],
    },
    Table {
        name: "village_groups",
        key: &["id"],
        of_village: "village_id = ?1",
        refs: &[r("village_id", VILLAGES, false)],
        matchers: &[Matcher {
            sql: "SELECT id FROM village_groups WHERE village_id = ?1 AND name = ?2 AND deleted_at IS NULL",
            columns: &["village_id", "name"],
        }],
        immutable: false,
        label: &["name"],
    },
    Table {
        name: "cadres",
        key: &["id"],
        of_village: concat!(
            "village_id = ?1",
            " OR id IN (SELECT a.cadre_id FROM assignments a JOIN households h ON h.id = a.household_id WHERE h.village_id = ?1)",
            " OR id IN (SELECT v.cadre_id FROM visits v JOIN households h ON h.id = v.household_id WHERE h.village_id = ?1)",
            " OR id IN (SELECT v.reviewed_by FROM visits v JOIN households h ON h.id = v.household_id WHERE h.village_id = ?1)",
            " OR id IN (SELECT v.recorded_by FROM visits v JOIN households h ON h.id = v.household_id WHERE h.village_id = ?1)",
            " OR id IN (SELECT closed_by FROM problems WHERE village_id = ?1)",
            " OR id IN (SELECT e.actor_id FROM problem_events e JOIN problems p ON p.id = e.problem_id WHERE p.village_id = ?1)"
        ),
        refs: &[r("village_id", VILLAGES, true)],
        matchers: &[Matcher {
            sql: "SELECT id FROM cadres WHERE name = ?1 AND phone = ?2 AND deleted_at IS NULL",
            columns: &["name", "phone"],
        }],
        immutable: false,
        label: &["name", "phone"],
    },
    Table {
        name: "checklist_templates",
        key: &["id"],
        of_village: "id IN (SELECT v.template_id FROM visits v JOIN households h ON h.id = v.household_id WHERE h.village_id = ?1)",
        refs: &[],
        matchers: &[Matcher {
            sql: "SELECT id FROM checklist_templates WHERE content_hash = ?1",
            columns: &["content_hash"],
        }],
        immutable: true,
        label: &["name", "version"],
    },
    Table {
        name: "households",
        key: &["id"],
        of_village: "village_id = ?1",
        refs: &[r("village_id", VILLAGES, false), r("group_id", GROUPS, true)],
        matchers: &[
            Matcher { sql: "SELECT id FROM households WHERE code = ?1 AND code <> '' AND deleted_at IS NULL", columns: &["code"] },
            Matcher {
                sql:
                    "SELECT m.household_id FROM members m JOIN households h ON h.id = m.household_id
                       WHERE m.id_number = ?1 AND m.id_number <> '' AND m.relation = '户主' AND m.deleted_at IS NULL AND h.deleted_at IS NULL",
                columns: &[HEAD_ID],
            },
        ],
        immutable: false,
        label: &["head_name", "code"],
    },
    Table {
        name: "members",
        key: &["id"],
        of_village: "household_id IN (SELECT id FROM households WHERE village_id = ?1)",
        refs: &[r("household_id", HOUSEHOLDS, false)],
        matchers: &[
            Matcher {
                sql: "SELECT id FROM members WHERE id_number = ?1 AND id_number <> '' AND deleted_at IS NULL",
                columns: &["id_number"],
            },
            Matcher {
                sql: "SELECT id FROM members WHERE household_id = ?1 AND name = ?2 AND deleted_at IS NULL",
                columns: &["household_id", "name"],
            },
        ],
        immutable: false,
        label: &["name"],
    },
    Table {
        name: "assignments",
        key: &["id"],
        of_village: "household_id IN (SELECT id FROM households WHERE village_id = ?1)",
        refs: &[r("household_id", HOUSEHOLDS, false), r("cadre_id", CADRES, false)],
        matchers: &[Matcher {
            sql: "SELECT id FROM assignments
                   WHERE household_id = ?1 AND cadre_id = ?2 AND start_date = ?3 AND deleted_at IS NULL",
            columns: &["household_id", "cadre_id", "start_date"],
        }],
        immutable: false,
        label: &["start_date", "end_date"],
    },
    Table {
        name: "visits",
        key: &["id"],
        of_village: "household_id IN (SELECT id FROM households WHERE village_id = ?1)",
        refs: &[
            r("household_id", HOUSEHOLDS, false),
            r("cadre_id", CADRES, false),
            r("template_id", &["checklist_templates"], false),
            r("reviewed_by", CADRES, true),
            r("recorded_by", CADRES, true),
        ],
        matchers: &[],
        immutable: false,
        label: &["visit_date", "kind"],
    },
    Table {
        name: ANSWERS,
        key: &["visit_id", "item_code"],
        of_village: concat!("visit_id IN (", village_visits!(), ")"),
        refs: &[r("visit_id", VISITS, false)],
        matchers: &[],
        immutable: false,
        label: &["item_code"],
    },
    Table {
        name: "problems",
        key: &["id"],
        of_village: "village_id = ?1",
        refs: &[
            r("village_id", VILLAGES, false),
            r("household_id", HOUSEHOLDS, true),
            r("visit_id", VISITS, true),
            r("closed_by", CADRES, true),
        ],
        matchers: &[],
        immutable: false,
        label: &["description"],
    },
    Table {
        name: "problem_events",
        key: &["id"],
        of_village: "problem_id IN (SELECT id FROM problems WHERE village_id = ?1)",
        refs: &[r("problem_id", PROBLEMS, false), r("actor_id", CADRES, true)],
        matchers: &[],
        immutable: false,
        label: &["kind", "at"],
    },
    Table {
        name: "attachments",
        key: &["id"],
        of_village: concat!(
            "owner_id IN (",
            village_visits!(),
            ") OR owner_id IN (SELECT id FROM problems WHERE village_id = ?1)"
        ),
        refs: &[r("owner_id", &["visits", "problems"], false)],
        matchers: &[],
        immutable: false,
        label: &["kind", "mime"],
    },
];

/// The travelling table called `name`.
pub(super) fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// `a, b, c` of the key columns, for ORDER BY.
pub(super) fn key_list(t: &Table) -> String {
    t.key.join(", ")
}

/// The columns of `table` as `conn` has them, in order.
pub(super) fn column_names(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?.query_map([], |r| r.get(0))?.collect()
}

/// A table as people call it.
pub fn table_label(table: &str) -> String {
    crate::i18n::t(&format!("exchange.table.{table}")).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn every_travelling_table_exists_and_its_columns_are_real() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        for t in TABLES {
            let cols = column_names(conn, t.name).unwrap();
            assert!(!cols.is_empty(), "table {} is missing", t.name);
            let named = t.key.iter().chain(t.label).copied().chain(t.refs.iter().map(|r| r.column));
            let matched = t.matchers.iter().flat_map(|m| m.columns.iter().copied()).filter(|c| *c != HEAD_ID);
            for c in named.chain(matched) {
                assert!(cols.iter().any(|x| x == c), "{}.{c} does not exist", t.name);
            }
            for target in t.refs.iter().flat_map(|r| r.targets) {
                let at = TABLES.iter().position(|x| x.name == *target).unwrap();
                assert!(at < TABLES.iter().position(|x| x.name == t.name).unwrap(), "{} before {target}", t.name);
            }
            conn.prepare(&format!("SELECT count(*) FROM {} WHERE {}", t.name, t.of_village)).unwrap();
            for m in t.matchers {
                conn.prepare(m.sql).unwrap();
            }
        }
    }
}
