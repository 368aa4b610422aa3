//! The first secretary's review of visits: the backlog, 已审核 with a comment, or 已退回 to the
//! cadre with a reason. Reviewed visits are read-only.

use super::{Result, Store, StoreError};
use crate::i18n::t;
use crate::model::attachment::Signatures;
use crate::model::ledger::Actor;
use crate::model::visit::ReviewStatus;
use chrono::NaiveDate;
use rusqlite::params;

/// One visit in the review list.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    /// Visit id.
    pub visit_id: String,
    /// The household.
    pub household_id: String,
    /// 户主.
    pub head_name: String,
    /// The cadre who visited.
    pub cadre_id: String,
    /// Their name.
    pub cadre_name: String,
    /// 走访日期.
    pub date: NaiveDate,
    /// Visit kind.
    pub kind: String,
    /// Answers flagged as problems.
    pub problems: i64,
    /// 待审核 / 已审核 / 已退回.
    pub status: ReviewStatus,
    /// The reviewer's comment or the reason for returning.
    pub comment: String,
    /// Applicable items left unanswered when it was saved (0: complete).
    pub unanswered: u32,
    /// Who typed it in, when not the cadre who visited (empty otherwise).
    pub recorder_name: String,
    /// The visit (or one of its answers) was changed after it was reviewed (the audit log says).
    pub changed_after_review: bool,
    /// Photos on the visit.
    pub photos: i64,
    /// Which signatures it has.
    pub signatures: Signatures,
}

impl Store {
    /// Visits of the village (or all) in a review state, newest first; `status` `None` = any.
    pub fn visits_for_review(&self, village_id: Option<&str>, status: Option<ReviewStatus>) -> Result<Vec<ReviewRow>> {
        let mut st = self.db().prepare_cached(&format!(
            "SELECT v.id, v.household_id, h.head_name, v.cadre_id, c.name, v.visit_date, v.kind,
                    (SELECT count(*) FROM visit_answers a WHERE a.visit_id = v.id AND a.is_problem = 1),
                    v.review_status, v.review_comment, v.unanswered, coalesce(rc.name, ''), {changed},
                    (SELECT count(*) FROM attachments x WHERE x.owner_id = v.id AND x.kind = '照片' AND x.deleted_at IS NULL),
                    EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '户签名' AND x.deleted_at IS NULL),
                    EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '干部签名' AND x.deleted_at IS NULL)
               FROM visits v JOIN households h ON h.id = v.household_id JOIN cadres c ON c.id = v.cadre_id
               LEFT JOIN cadres rc ON rc.id = v.recorded_by
              WHERE v.deleted_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1) AND (?2 IS NULL OR v.review_status = ?2)
              ORDER BY v.visit_date DESC, v.created_at DESC",
            changed = super::audit::CHANGED_AFTER_REVIEW
        ))?;
        let rows = st.query_map(params![village_id, status.map(ReviewStatus::code)], |r| {
            Ok(ReviewRow {
                visit_id: r.get(0)?,
                household_id: r.get(1)?,
                head_name: r.get(2)?,
                cadre_id: r.get(3)?,
                cadre_name: r.get(4)?,
                date: r.get(5)?,
                kind: r.get(6)?,
                problems: r.get(7)?,
                status: ReviewStatus::from_code(&r.get::<_, String>(8)?).unwrap_or(ReviewStatus::Pending),
                comment: r.get(9)?,
                unanswered: r.get(10)?,
                recorder_name: r.get(11)?,
                changed_after_review: r.get(12)?,
                photos: r.get(13)?,
                signatures: Signatures::of(r.get(14)?, r.get(15)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a visit 已审核 (with an optional comment) or returns it (`returned`, with a reason).
    /// Only the approver signed in with their PIN reviews ([`Store::sign_in`]), and the review is
    /// recorded under them; a reviewed visit stays reviewed.
    pub fn review_visit(&mut self, visit_id: &str, returned: bool, comment: &str) -> Result<()> {
        if returned && comment.trim().is_empty() {
            return Err(StoreError::NotAllowed(t("review.err.reason_required").to_string()));
        }
        let actor = self.require_signed()?;
        let signer = actor.cadre_id.clone().map(|id| (id, actor.name.clone()));
        self.acting_as(signer.as_ref().map(|(i, n)| (i.as_str(), n.as_str())), |store| {
            store.record_review(visit_id, &actor, returned, comment)
        })
    }

    fn record_review(&mut self, visit_id: &str, actor: &Actor, returned: bool, comment: &str) -> Result<()> {
        self.write(|w| {
            let n = w.exec(
                "UPDATE visits SET review_status = ?2, reviewed_by = ?3, reviewed_at = ?4, review_comment = ?5,
                        updated_at = ?4, origin = ?6
                  WHERE id = ?1 AND deleted_at IS NULL AND review_status <> '已审核'",
                params![
                    visit_id,
                    if returned { ReviewStatus::Returned } else { ReviewStatus::Reviewed }.code(),
                    actor.cadre_id,
                    w.stamp,
                    comment.trim(),
                    w.origin
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotAllowed(t("review.err.already").to_string()));
            }
            Ok(())
        })
    }
}
