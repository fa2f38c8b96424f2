//! Login rate limiting against password guessing: failed attempts are counted per client
//! address and per login name in one-minute windows, so that neither one address trying many
//! logins nor many addresses trying one login get far. Successful logins are not counted
//! (a shift of operators logging in from one office address must not lock itself out).

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use dashmap::DashMap;

const WINDOW: Duration = Duration::from_secs(60);

/// Failed-login counters.
#[derive(Clone)]
pub struct LoginLimiter {
    per_minute: u32,
    failures: Arc<DashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    /// Allows `per_minute` failed attempts per minute per address and per login.
    pub fn new(per_minute: u32) -> Self {
        LoginLimiter {
            per_minute: per_minute.max(1),
            failures: Arc::new(DashMap::new()),
        }
    }

    /// Whether another attempt for this address and login may be checked now.
    pub fn allowed(&self, ip: IpAddr, login: &str) -> bool {
        keys(ip, login)
            .iter()
            .all(|k| self.count(k) < self.per_minute)
    }

    /// Counts a failed attempt.
    pub fn record_failure(&self, ip: IpAddr, login: &str) {
        for k in keys(ip, login) {
            let mut e = self.failures.entry(k).or_insert((Instant::now(), 0));
            if e.0.elapsed() >= WINDOW {
                *e = (Instant::now(), 0);
            }
            e.1 += 1;
        }
    }

    fn count(&self, key: &str) -> u32 {
        self.failures
            .get(key)
            .filter(|e| e.0.elapsed() < WINDOW)
            .map_or(0, |e| e.1)
    }

    /// Drops expired windows (called periodically so the map stays small).
    pub fn retain_recent(&self) {
        self.failures.retain(|_, e| e.0.elapsed() < WINDOW);
    }
}

fn keys(ip: IpAddr, login: &str) -> [String; 2] {
    [
        format!("ip:{ip}"),
        format!("login:{}", login.trim().to_lowercase()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failed_attempt_within_a_minute_is_refused() {
        let l = LoginLimiter::new(5);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(l.allowed(ip, "admin"));
            l.record_failure(ip, "admin");
        }
        assert!(!l.allowed(ip, "admin"));
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(
            !l.allowed(other, "ADMIN"),
            "the login itself is limited, whatever the address"
        );
        assert!(l.allowed(other, "operator1"));
    }
}
