//! How a merge's report reads: tables, fields, sides and packages as people call them.

use super::report::{FieldDiff, FileReport, Side};
use crate::i18n::t;
use crate::model::ids::local_time;

/// The prefix of a conflict field that is a visit's answer to a checklist item.
pub(super) const ANSWER_PREFIX: &str = "answer:";

/// A column (or a visit's answer to an item) as people call it.
pub fn field_label(column: &str) -> String {
    match column.strip_prefix(ANSWER_PREFIX) {
        Some(item) => crate::i18n::tf("exchange.answer_field", &[("item", item)]),
        None => t(&format!("exchange.field.{column}")).to_string(),
    }
}

/// A package's line in a report: file, village, device and when it was made.
pub fn file_line(f: &FileReport) -> String {
    let m = &f.manifest;
    let id = m.device_id.get(..8).unwrap_or(&m.device_id);
    let device = if m.device_name.is_empty() { id.to_string() } else { format!("{} {id}", m.device_name) };
    let line = crate::i18n::tf(
        "exchange.file_line",
        &[
            ("path", &f.path.display().to_string()),
            ("village", &m.village_name),
            ("device", &device),
            ("created", &local_time(&m.created_at)),
        ],
    );
    if m.made_by.is_empty() {
        return line;
    }
    line + &crate::i18n::tf("exchange.file_made_by", &[("who", &m.made_by)])
}

/// One difference of a conflict: the column, mine and theirs.
pub fn field_diff(d: &FieldDiff) -> String {
    crate::i18n::tf(
        "exchange.field_diff",
        &[("column", &field_label(&d.column)), ("mine", &d.mine), ("theirs", &d.theirs)],
    )
}

/// A side of a conflict as people call it.
pub fn side_label(side: Side) -> &'static str {
    match side {
        Side::Mine => t("exchange.side.mine"),
        Side::Theirs => t("exchange.side.theirs"),
    }
}
