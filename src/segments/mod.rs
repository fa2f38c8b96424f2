//! What kind of client this is: the badge on the operator's pop and client card.
//!
//! This is the ONE place that decides a client's badge. Until the manager workspace computes
//! RFM scores and ABC classes over the whole base, the badge comes from a simple rule over the
//! client's own order history (see [`rule`]); the reports replace the rule's inputs, not its
//! callers.

pub mod rule;

use serde::Serialize;

use crate::{
    db::{self, Db, DbResult},
    domain::time::Millis,
};

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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    /// Orders in the scoring period.
    pub orders: i64,
    /// Revenue in the scoring period, minor units.
    pub revenue_minor: i64,
    /// Days since the last order (None: never ordered).
    pub days_since_last: Option<i64>,
    /// The client's usual gap between orders, in days (None: too few orders to say).
    pub usual_gap_days: Option<i64>,
}

/// The badge of one client now (None: no orders, nothing to say).
pub async fn badge_of(db: &Db, client_id: i64, now: Millis) -> DbResult<Option<Badge>> {
    let orders = db::orders::order_points(db, client_id).await?;
    Ok(rule::badge(&orders, now))
}
