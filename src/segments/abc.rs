//! ABC classes by revenue share, and the Pareto statement "N clients (P % of the base) bring
//! 80 % of revenue" with its curve.
//!
//! **Rule.** Clients are sorted by revenue, largest first (equal revenue: smaller client id
//! first, so the order is stable). A client's class depends on the cumulative share of the
//! clients *before* it: A while that share is under 80 %, B while under 95 %, C after. So the
//! client that crosses the 80 % line is still A, and the A clients together always bring at
//! least 80 % — which makes N, the Pareto number, exactly the count of A clients (the fewest
//! clients whose revenue reaches 80 %). With no revenue at all every client is C.

use serde::Serialize;

/// An ABC class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Abc {
    /// The clients that bring the first 80 % of revenue.
    A,
    /// The next 15 %.
    B,
    /// The rest.
    C,
}

impl Abc {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Abc::A => "A",
            Abc::B => "B",
            Abc::C => "C",
        }
    }

    /// Parses a stored code (case-insensitive, for query strings).
    pub fn parse(s: &str) -> Option<Abc> {
        match s {
            "A" | "a" => Some(Abc::A),
            "B" | "b" => Some(Abc::B),
            "C" | "c" => Some(Abc::C),
            _ => None,
        }
    }
}

/// The classes of revenues sorted largest first.
pub fn classify(sorted_desc: &[i64]) -> Vec<Abc> {
    let total: i128 = sorted_desc.iter().map(|&r| i128::from(r.max(0))).sum();
    let mut before: i128 = 0;
    sorted_desc
        .iter()
        .map(|&r| {
            let class = if total == 0 {
                Abc::C
            } else if before * 100 < 80 * total {
                Abc::A
            } else if before * 100 < 95 * total {
                Abc::B
            } else {
                Abc::C
            };
            before += i128::from(r.max(0));
            class
        })
        .collect()
}

/// Points of the Pareto curve: (share of clients, share of revenue), starting at (0, 0), one
/// point per whole percent of clients (fewer when there are fewer than 100 clients).
pub fn curve(sorted_desc: &[i64]) -> Vec<(f64, f64)> {
    let n = sorted_desc.len();
    let total: i128 = sorted_desc.iter().map(|&r| i128::from(r.max(0))).sum();
    if n == 0 || total == 0 {
        return Vec::new();
    }
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0_i128);
    for &r in sorted_desc {
        let last = prefix.last().copied().unwrap_or(0);
        prefix.push(last + i128::from(r.max(0)));
    }
    let mut points = vec![(0.0, 0.0)];
    let mut last_k = 0;
    for pct in 1..=100_usize {
        let k = (pct * n).div_ceil(100);
        if k == last_k {
            continue;
        }
        last_k = k;
        points.push((k as f64 / n as f64, prefix[k] as f64 / total as f64));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use Abc::*;

    #[test]
    fn the_client_crossing_80_percent_is_still_a() {
        // 100 in total: 50 | 25 (before 50 %) | 10 (before 75 %) | 10 (85 %) | 5 (95 %).
        assert_eq!(classify(&[50, 25, 10, 10, 5]), vec![A, A, A, B, C]);
    }

    #[test]
    fn one_dominant_client_is_a_and_no_revenue_is_all_c() {
        assert_eq!(classify(&[90, 5, 5]), vec![A, B, C]);
        assert_eq!(classify(&[0, 0]), vec![C, C]);
        assert!(classify(&[]).is_empty());
    }

    #[test]
    fn the_curve_runs_from_zero_to_one() {
        let c = curve(&[50, 25, 10, 10, 5]);
        assert_eq!(c.len(), 6);
        assert_eq!(c[0], (0.0, 0.0));
        assert_eq!(c[1], (0.2, 0.5));
        assert_eq!(c[3], (0.6, 0.85));
        assert_eq!(c[5], (1.0, 1.0));
        assert_eq!(curve(&[0]), vec![]);
    }
}
