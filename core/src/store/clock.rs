//! The one clock of the portal's rules: "now", and "today" on the portal's calendar
//! ([`crate::domain::calendar`]).

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

pub use crate::domain::calendar::{calendar_date, days_later, TIME_ZONE};

/// The real time, to the microsecond (what both databases keep): the one reading of the
/// system clock. What decides a right's time (end dates, invitation lifetimes, lapses,
/// reminders, and the transitions they date) reads [`Clock::now`] instead, which the
/// end-to-end tests may move ahead. The rest follows the real time: sessions, two-step codes
/// and pending sign-ins (a browser's cookie and an authenticator app know no other time),
/// the throttles' windows, e-mail links, and the dates the store writes outside a right's
/// transitions.
pub fn real_time() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The time by which pending rights lapse and rights reach their end date: the real time,
/// unless the tests moved this store's clock ahead (a server built for its end-to-end tests
/// lets them do so, so that nobody waits days for an invitation to lapse). Shared by the
/// clones of one store, never by two stores.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    ahead_seconds: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        real_time() + chrono::Duration::seconds(self.ahead_seconds.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Today on the portal's calendar ([`calendar_date`] of [`Clock::now`]).
    pub fn today(&self) -> NaiveDate {
        calendar_date(self.now())
    }

    pub(crate) fn advance(&self, by: chrono::Duration) {
        self.ahead_seconds.fetch_add(by.num_seconds().max(0), std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_is_read_here_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let files: Vec<_> = ["core/src", "core/tests", "app/src", "server/src", "server/tests"]
            .iter()
            .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)))
            .map(|entry| entry.unwrap().into_path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .collect();
        assert!(files.len() > 50, "the sources were found: {}", files.len());
        let elsewhere: Vec<_> = files
            .iter()
            .filter(|f| !f.ends_with("core/src/store/clock.rs"))
            .filter(|f| std::fs::read_to_string(f).unwrap().contains("Utc::now"))
            .map(|f| f.display().to_string())
            .collect();
        assert!(elsewhere.is_empty(), "\"now\" is the clock's (Store::now, or real_time for sessions and codes): {elsewhere:#?}");
    }

    #[test]
    fn a_clock_moves_ahead_and_never_back() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(chrono::Duration::days(3));
        let moved = clock.now() - before;
        assert!(moved >= chrono::Duration::days(3) && moved < chrono::Duration::days(3) + chrono::Duration::minutes(1), "{moved}");
        clock.advance(chrono::Duration::days(-5));
        assert!(clock.now() - before >= chrono::Duration::days(3), "never back");
    }
}
