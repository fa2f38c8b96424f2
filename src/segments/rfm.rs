//! RFM scores and the named segments: the precedence table over the 125 score codes.
//!
//! **Scoring rule** (issue 5: "each scored 1–5 by quintile of rank, recency reversed; equal
//! values get the same score"). Among the n clients with at least one order in the period,
//! for each dimension:
//!
//! - rank(c) = the number of clients whose value is strictly *worse* than c's (so equal values
//!   share a rank, the lowest of their group);
//! - PERCENT_RANK(c) = rank(c) ÷ (n − 1), and 0 when n = 1 (SQL's `PERCENT_RANK`);
//! - score(c) = 1 + ⌊5 × PERCENT_RANK(c)⌋, capped at 5.
//!
//! Better means more orders (F), more revenue (M), and fewer whole days since the last order
//! (R — recency reversed; whole days, so two orders on the same day tie). With n distinct
//! values this is exactly quintiles (n = 10: two clients per score); ties pull a group down to
//! the score of its lowest member, so a base of mostly one-order clients gives them all F = 1.

use serde::Serialize;

/// The named segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Recent, frequent, big spenders.
    Champions,
    /// Buy often and well, not quite the most recent.
    Loyal,
    /// Recent buyers who may become regulars.
    Potential,
    /// First order recently.
    New,
    /// Used to buy often and well, not lately.
    AtRisk,
    /// Were among the best, long silent: call them.
    CantLose,
    /// Low recency, little history.
    Hibernating,
    /// Least recent and least valuable.
    Lost,
}

impl Segment {
    /// Every segment, in the order pages list them.
    pub const ALL: [Segment; 8] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::Potential,
        Segment::New,
        Segment::AtRisk,
        Segment::CantLose,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The stored and JSON code.
    pub fn code(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::Potential => "potential",
            Segment::New => "new",
            Segment::AtRisk => "at_risk",
            Segment::CantLose => "cant_lose",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Segment> {
        Segment::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// One row of the precedence table: inclusive score ranges for R, F and M.
struct Rule {
    segment: Segment,
    r: (u8, u8),
    f: (u8, u8),
    m: (u8, u8),
}

/// The precedence table: the first rule that matches a code decides. The last rules are
/// catch-alls by R, so every one of the 125 codes has exactly one segment (a test checks it).
/// Codes per segment: champions 8, can't lose 8, at risk 24, loyal 19, new 10, potential 38,
/// hibernating 9, lost 9.
const RULES: [Rule; 8] = [
    rule(Segment::Champions, (4, 5), (4, 5), (4, 5)),
    rule(Segment::CantLose, (1, 2), (4, 5), (4, 5)),
    rule(Segment::AtRisk, (1, 2), (2, 5), (2, 5)),
    rule(Segment::Loyal, (3, 5), (3, 5), (3, 5)),
    rule(Segment::New, (4, 5), (1, 1), (1, 5)),
    rule(Segment::Potential, (3, 5), (1, 5), (1, 5)),
    rule(Segment::Hibernating, (2, 2), (1, 5), (1, 5)),
    rule(Segment::Lost, (1, 1), (1, 5), (1, 5)),
];

const fn rule(segment: Segment, r: (u8, u8), f: (u8, u8), m: (u8, u8)) -> Rule {
    Rule { segment, r, f, m }
}

fn within(v: u8, (lo, hi): (u8, u8)) -> bool {
    lo <= v && v <= hi
}

/// The segment of an RFM code (scores 1–5; anything else is clamped).
pub fn segment_of(r: u8, f: u8, m: u8) -> Segment {
    let (r, f, m) = (r.clamp(1, 5), f.clamp(1, 5), m.clamp(1, 5));
    RULES
        .iter()
        .find(|x| within(r, x.r) && within(f, x.f) && within(m, x.m))
        .map_or(Segment::Lost, |x| x.segment)
}

/// Scores 1–5 for `values` where a higher value is better (pass negated days for recency).
pub fn scores(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    values
        .iter()
        .map(|v| {
            if n < 2 {
                return 1;
            }
            // The number of values strictly below v = the first position of v in sorted order.
            let rank = sorted.partition_point(|x| x < v);
            let step = (5 * rank) / (n - 1);
            1 + step.min(4) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_code_has_one_segment_with_the_documented_counts() {
        let mut counts: HashMap<Segment, usize> = HashMap::new();
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    *counts.entry(segment_of(r, f, m)).or_default() += 1;
                }
            }
        }
        let expect = [
            (Segment::Champions, 8),
            (Segment::CantLose, 8),
            (Segment::AtRisk, 24),
            (Segment::Loyal, 19),
            (Segment::New, 10),
            (Segment::Potential, 38),
            (Segment::Hibernating, 9),
            (Segment::Lost, 9),
        ];
        for (s, n) in expect {
            assert_eq!(counts.get(&s), Some(&n), "{s:?}");
        }
    }

    #[test]
    fn sample_codes() {
        assert_eq!(segment_of(5, 5, 5), Segment::Champions);
        assert_eq!(segment_of(1, 5, 5), Segment::CantLose);
        assert_eq!(segment_of(2, 3, 2), Segment::AtRisk);
        assert_eq!(segment_of(3, 4, 4), Segment::Loyal);
        assert_eq!(segment_of(5, 1, 5), Segment::New);
        assert_eq!(segment_of(5, 2, 1), Segment::Potential);
        assert_eq!(segment_of(2, 1, 3), Segment::Hibernating);
        assert_eq!(segment_of(1, 1, 1), Segment::Lost);
    }

    #[test]
    fn ten_distinct_values_make_exact_quintiles() {
        let v: Vec<i64> = (0..10).rev().collect();
        assert_eq!(scores(&v), vec![5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    }

    #[test]
    fn equal_values_share_the_score_of_their_lowest_rank() {
        assert_eq!(scores(&[1, 1, 1, 1, 2, 3]), vec![1, 1, 1, 1, 5, 5]);
        assert_eq!(scores(&[7, 7]), vec![1, 1]);
        assert_eq!(scores(&[7]), vec![1]);
        assert_eq!(scores(&[1, 2]), vec![1, 5]);
        assert!(scores(&[]).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for s in Segment::ALL {
            assert_eq!(Segment::parse(s.code()), Some(s));
        }
    }
}
