//! What kind of client this is: the badge on the operator's pop and client card, and the
//! segmentation of the whole base behind it (RFM, ABC, overdue).
//!
//! This is the ONE place that decides a client's badge ([`badge_of`], mapping in
//! [`badge_kind`]). It reads the stored segmentation (`client_segments`, written by
//! [`recompute`]); a client the table does not cover falls back to the simple rule of [`rule`].
//!
//! # Layout
//! - [`rfm`]: R/F/M scores and the segment precedence table over the 125 codes.
//! - [`abc`]: ABC classes by revenue share, the Pareto curve.
//! - [`rhythm`]: "overdue" from a client's own order rhythm.
//! - [`recompute`]: scores the whole base and stores it.
//! - [`rule`]: the fallback rule for clients not (yet) in the table.
//!
//! The rules in words, with examples, are in `docs/SEGMENTS.md`.

pub mod abc;
pub mod recompute;
pub mod rfm;
pub mod rhythm;
pub mod rule;

use serde::Serialize;

use crate::{
    db::{self, Db, DbResult, segments::SegmentRow},
    domain::time::Millis,
};
use abc::Abc;
use rfm::Segment;

/// The badge kinds, from the operator's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeKind {
    /// Brings a large share of the revenue: treat with care.
    Key,
    /// Orders regularly, on rhythm.
    Regular,
    /// First orders recently.
    New,
    /// Later than their own usual rhythm: ask why.
    Overdue,
    /// Has not ordered for a long time.
    Dormant,
}

impl BadgeKind {
    /// The stable code (CSS class, JSON).
    pub fn code(self) -> &'static str {
        match self {
            BadgeKind::Key => "key",
            BadgeKind::Regular => "regular",
            BadgeKind::New => "new",
            BadgeKind::Overdue => "overdue",
            BadgeKind::Dormant => "dormant",
        }
    }
}

/// A badge with the reason in numbers (the pages put it into words).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Badge {
    /// Which badge.
    pub kind: BadgeKind,
    /// Why, as facts the pages can phrase in the user's language.
    pub reason: Reason,
}

/// The facts behind a badge.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reason {
    /// Orders in the scoring period.
    pub orders: i64,
    /// Revenue in the scoring period, minor units.
    pub revenue_minor: i64,
    /// Days since the last order (None: never ordered).
    pub days_since_last: Option<i64>,
    /// The client's usual gap between orders, in days (None: too few orders to say).
    pub usual_gap_days: Option<i64>,
    /// The RFM segment (None: decided by the fallback rule).
    pub segment: Option<Segment>,
    /// The ABC class (None: decided by the fallback rule).
    pub abc: Option<Abc>,
    /// The RFM code, R then F then M, e.g. "545".
    pub rfm: Option<String>,
    /// Later than their own rhythm.
    pub overdue: bool,
}

/// The badge of one client now (None: nothing to say).
pub async fn badge_of(db: &Db, client_id: i64, now: Millis) -> DbResult<Option<Badge>> {
    if let Some(row) = db::segments::segment_of_client(db, client_id).await? {
        return Ok(badge_from_row(&row, now));
    }
    let orders = db::orders::order_points(db, client_id).await?;
    Ok(rule::badge(&orders, now))
}

/// The mapping from segment + ABC class (+ overdue) to a badge, first match wins:
///
/// | condition | badge |
/// |---|---|
/// | overdue (own rhythm) | overdue |
/// | lost, hibernating | dormant |
/// | at risk, can't lose them | overdue (late compared with the base) |
/// | class A | key |
/// | new | new |
/// | champions, loyal | regular |
/// | potential | none |
pub fn badge_kind(segment: Segment, class: Abc, overdue: bool) -> Option<BadgeKind> {
    use Segment::*;
    Some(match (segment, class) {
        _ if overdue => BadgeKind::Overdue,
        (Lost | Hibernating, _) => BadgeKind::Dormant,
        (AtRisk | CantLose, _) => BadgeKind::Overdue,
        (_, Abc::A) => BadgeKind::Key,
        (New, _) => BadgeKind::New,
        (Champions | Loyal, _) => BadgeKind::Regular,
        (Potential, _) => return None,
    })
}

/// The badge of a stored row, with its days counted to `now`.
fn badge_from_row(row: &SegmentRow, now: Millis) -> Option<Badge> {
    let segment = Segment::parse(&row.segment)?;
    let class = Abc::parse(&row.abc)?;
    let kind = badge_kind(segment, class, row.overdue)?;
    Some(Badge {
        kind,
        reason: Reason {
            orders: row.orders,
            revenue_minor: row.revenue_minor,
            days_since_last: Some((now - row.last_order_at).max(0) / rhythm::DAY),
            usual_gap_days: row.median_gap_days,
            segment: Some(segment),
            abc: Some(class),
            rfm: Some(format!("{}{}{}", row.r_score, row.f_score, row.m_score)),
            overdue: row.overdue,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_wins_then_dormant_then_risk_then_key() {
        use Segment::*;
        assert_eq!(
            badge_kind(Champions, Abc::A, true),
            Some(BadgeKind::Overdue)
        );
        assert_eq!(badge_kind(Lost, Abc::A, false), Some(BadgeKind::Dormant));
        assert_eq!(
            badge_kind(CantLose, Abc::A, false),
            Some(BadgeKind::Overdue)
        );
        assert_eq!(badge_kind(Potential, Abc::A, false), Some(BadgeKind::Key));
        assert_eq!(badge_kind(New, Abc::B, false), Some(BadgeKind::New));
        assert_eq!(badge_kind(Loyal, Abc::C, false), Some(BadgeKind::Regular));
        assert_eq!(badge_kind(Potential, Abc::C, false), None);
    }
}
