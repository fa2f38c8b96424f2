//! Choosing whom to call from the segmentation: the manager's criteria (segments, "overdue",
//! ABC classes, "not talked to in the last N days"), never a client flagged do-not-call, most
//! revenue first — and, for each client, why they are on the list, in words.

use serde::{Deserialize, Serialize};

use crate::{
    app::AppState,
    config::Language,
    db::{
        self,
        client_base::{BaseClient, BaseFilter},
    },
    domain::{text::fill, time::Millis},
    error::{AppError, AppResult},
    segments::{abc::Abc, rfm::Segment, rhythm::DAY},
    web::{
        format::money,
        i18n::base::{self, Base},
    },
};

/// Most clients a selection returns by default.
pub const DEFAULT_LIMIT: i64 = 200;

/// The manager's criteria. Segments and `overdue` are alternatives (a client in any of the
/// segments, or overdue); ABC classes and the quiet period narrow that down. Nothing chosen
/// means the whole scored base.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    /// Segment codes (`at_risk`, `cant_lose`, …).
    #[serde(default)]
    pub segments: Vec<String>,
    /// Also every overdue client (late against their own rhythm).
    #[serde(default)]
    pub overdue: bool,
    /// ABC classes (`A`, `B`, `C`).
    #[serde(default)]
    pub abc: Vec<String>,
    /// Leave out clients we talked to (an answered call) in the last N days.
    #[serde(default)]
    pub quiet_days: Option<i64>,
    /// At most this many clients (1–2000, default 200).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A client the criteria picked, with the reason in words.
#[derive(Clone, Debug, Serialize)]
pub struct Selected {
    /// The client and their segmentation.
    #[serde(flatten)]
    pub client: BaseClient,
    /// Why they are on the list.
    pub reason: String,
}

impl Criteria {
    /// Checks the criteria and turns them into a filter (callable clients only).
    pub fn filter(&self, now: Millis) -> AppResult<BaseFilter> {
        let mut segments = Vec::new();
        for s in &self.segments {
            let seg = Segment::parse(s)
                .ok_or_else(|| AppError::invalid("segments", format!("unknown segment {s:?}")))?;
            segments.push(seg.code().to_owned());
        }
        let mut abc = Vec::new();
        for a in &self.abc {
            let class =
                Abc::parse(a).ok_or_else(|| AppError::invalid("abc", "expected A, B or C"))?;
            abc.push(class.code().to_owned());
        }
        let quiet_since = match self.quiet_days {
            None | Some(0) => None,
            Some(d @ 1..=3650) => Some(now - d * DAY),
            Some(_) => return Err(AppError::invalid("quiet_days", "0 to 3650 days")),
        };
        Ok(BaseFilter {
            segments,
            or_overdue: self.overdue,
            abc,
            overdue: None,
            quiet_since,
            callable_only: true,
        })
    }

    /// The limit, checked.
    pub fn limit(&self) -> AppResult<i64> {
        match self.limit.unwrap_or(DEFAULT_LIMIT) {
            n @ 1..=2000 => Ok(n),
            _ => Err(AppError::invalid("limit", "1 to 2000 clients")),
        }
    }
}

/// The clients the criteria pick, most revenue first, each with the reason.
pub async fn select(
    state: &AppState,
    c: &Criteria,
    now: Millis,
    lang: Language,
) -> AppResult<Vec<Selected>> {
    let filter = c.filter(now)?;
    let t = base::texts(lang);
    let rows = db::client_base::list(&state.db, &filter, 0, c.limit()?).await?;
    let currency = state.config.currency.as_str();
    Ok(rows
        .into_iter()
        .map(|client| Selected {
            reason: reason(&client, now, currency, t),
            client,
        })
        .collect())
}

/// "usually orders every 7 days; last order 186 days ago" for an overdue client, in the
/// language of `t` (the client-base page, the outbound preview and the tasks' reasons).
pub fn overdue_reason(c: &BaseClient, now: Millis, t: &Base) -> Option<String> {
    let r = &c.row;
    let gap = r.median_gap_days.filter(|_| r.overdue)?;
    let days = (now - r.last_order_at).max(0) / DAY;
    Some(fill(t.overdue_reason, &[&gap, &days]))
}

/// Why a client is worth a call, from their segmentation and last conversation, in the
/// language of `t`: the manager's who builds the list (the tasks keep it as written).
pub fn reason(c: &BaseClient, now: Millis, currency: &str, t: &Base) -> String {
    let r = &c.row;
    let rfm = format!("{}{}{}", r.r_score, r.f_score, r.m_score);
    let mut parts = vec![fill(
        t.reason_head,
        &[
            &t.segment(&r.segment),
            &rfm,
            &r.abc,
            &r.orders,
            &money(r.revenue_minor, currency),
        ],
    )];
    parts.push(match overdue_reason(c, now, t) {
        Some(o) => fill(t.reason_overdue, &[&o]),
        None => fill(
            t.reason_last_order,
            &[&((now - r.last_order_at).max(0) / DAY)],
        ),
    });
    parts.push(match c.last_call_at {
        Some(at) => fill(t.reason_last_talked, &[&((now - at).max(0) / DAY)]),
        None => t.reason_never_talked.to_owned(),
    });
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::segments::SegmentRow;

    fn client(overdue: bool, last_call: Option<Millis>) -> BaseClient {
        BaseClient {
            name: "Drifting".into(),
            do_not_call: false,
            personal_manager_id: None,
            manager_name: None,
            last_call_at: last_call,
            row: SegmentRow {
                client_id: 2,
                computed_at: 0,
                orders: 3,
                revenue_minor: 30_000,
                first_order_at: 0,
                last_order_at: 10 * DAY,
                recency_days: 186,
                r_score: 2,
                f_score: 4,
                m_score: 4,
                segment: "cant_lose".into(),
                abc: "A".into(),
                revenue_rank: 1,
                median_gap_days: Some(7),
                overdue,
            },
        }
    }

    #[test]
    fn the_reason_names_segment_class_rhythm_and_last_call() {
        let now = 196 * DAY;
        let en = base::texts(Language::En);
        let text = reason(&client(true, Some(156 * DAY)), now, "RUB", en);
        assert!(
            text.starts_with("Can't lose them (RFM 244), class A: 3 orders, "),
            "{text}"
        );
        assert!(
            text.contains("overdue: usually orders every 7 days; last order 186 days ago"),
            "{text}"
        );
        assert!(text.ends_with("last talked 40 days ago"), "{text}");
        let text = reason(&client(false, None), now, "RUB", en);
        assert!(
            text.contains("; last order 186 days ago; never talked to on the phone"),
            "{text}"
        );
        // The same facts in the manager's language.
        let ru = base::texts(Language::Ru);
        let text = reason(&client(true, Some(156 * DAY)), now, "RUB", ru);
        assert!(
            text.starts_with("Нельзя потерять (RFM 244), класс A: заказов — 3, "),
            "{text}"
        );
        assert!(
            text.contains("пропал: обычно заказывает раз в 7 дн.; последний заказ — 186 дн. назад"),
            "{text}"
        );
        assert!(
            text.ends_with("последний разговор — 40 дн. назад"),
            "{text}"
        );
    }

    #[test]
    fn criteria_are_checked() {
        let bad = Criteria {
            segments: vec!["vip".into()],
            ..Criteria::default()
        };
        assert!(bad.filter(0).is_err());
        let bad = Criteria {
            abc: vec!["D".into()],
            ..Criteria::default()
        };
        assert!(bad.filter(0).is_err());
        let bad = Criteria {
            quiet_days: Some(-1),
            ..Criteria::default()
        };
        assert!(bad.filter(0).is_err());
        let ok = Criteria {
            segments: vec!["at_risk".into()],
            overdue: true,
            abc: vec!["a".into()],
            quiet_days: Some(30),
            limit: None,
        };
        let f = ok.filter(100 * DAY).unwrap();
        assert_eq!(
            (f.abc, f.or_overdue, f.quiet_since),
            (vec!["A".to_owned()], true, Some(70 * DAY))
        );
        assert!(f.callable_only);
    }
}
