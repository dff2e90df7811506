//! The portal's calendar: the date of an instant, and days later, in Zurich.
//!
//! A Swiss portal ends an access "until 31.12." at midnight in Zurich, not at midnight UTC
//! (01:00 or 02:00 in Zurich). So every date rule (end dates, the last-administrator rule,
//! reminders "30/7/1 days before", the invitation lifetime, "today" in the pages) reads the
//! date of an instant in [`TIME_ZONE`], here and nowhere else.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The portal's time zone: its companies are Swiss.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Zurich;

/// The date `at` falls on in [`TIME_ZONE`].
pub fn calendar_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&TIME_ZONE).date_naive()
}

/// `days` calendar days after `from`, at the same time of day in [`TIME_ZONE`]: an
/// invitation sent at 14:00 the day before the clocks change lapses at 14:00, not at 13:00
/// or 15:00. A time of day the change repeats is its first occurrence; one it skips is
/// `days` times 24 hours after `from`.
pub fn days_later(from: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    let days = days.max(0);
    from.with_timezone(&TIME_ZONE)
        .naive_local()
        .checked_add_days(Days::new(days.unsigned_abs()))
        .and_then(|local| TIME_ZONE.from_local_datetime(&local).earliest())
        .map_or_else(|| from + chrono::Duration::days(days), |at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_ends_at_midnight_in_zurich_not_at_midnight_utc() {
        // Winter: Zurich is UTC+1.
        assert_eq!(calendar_date(at("2026-12-31T22:59:59Z")), date("2026-12-31"));
        assert_eq!(calendar_date(at("2026-12-31T23:00:00Z")), date("2027-01-01"));
        // Summer: Zurich is UTC+2.
        assert_eq!(calendar_date(at("2027-07-31T21:59:59Z")), date("2027-07-31"));
        assert_eq!(calendar_date(at("2027-07-31T22:00:00Z")), date("2027-08-01"));
    }

    #[test]
    fn the_date_is_right_on_both_days_the_clocks_change() {
        // 28.3.2027: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        assert_eq!(calendar_date(at("2027-03-27T22:59:59Z")), date("2027-03-27"));
        assert_eq!(calendar_date(at("2027-03-27T23:00:00Z")), date("2027-03-28"));
        assert_eq!(calendar_date(at("2027-03-28T21:59:59Z")), date("2027-03-28"), "23:59:59 CEST");
        assert_eq!(calendar_date(at("2027-03-28T22:00:00Z")), date("2027-03-29"));
        // 31.10.2027: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
        assert_eq!(calendar_date(at("2027-10-30T21:59:59Z")), date("2027-10-30"));
        assert_eq!(calendar_date(at("2027-10-30T22:00:00Z")), date("2027-10-31"));
        assert_eq!(calendar_date(at("2027-10-31T22:59:59Z")), date("2027-10-31"), "23:59:59 CET");
        assert_eq!(calendar_date(at("2027-10-31T23:00:00Z")), date("2027-11-01"));
    }

    #[test]
    fn days_later_keeps_the_time_of_day_in_zurich_across_a_change_of_the_clocks() {
        // 14:00 CET on 25.3. → 14:00 CEST on 1.4.: 7 days less one hour.
        assert_eq!(days_later(at("2027-03-25T13:00:00Z"), 7), at("2027-04-01T12:00:00Z"));
        // 14:00 CEST on 28.10. → 14:00 CET on 4.11.: 7 days and one hour.
        assert_eq!(days_later(at("2027-10-28T12:00:00Z"), 7), at("2027-11-04T13:00:00Z"));
        // No change in between: exactly 7 × 24 hours.
        assert_eq!(days_later(at("2026-12-01T09:30:00Z"), 7), at("2026-12-08T09:30:00Z"));
    }

    #[test]
    fn days_later_lands_on_a_time_the_clocks_skip_or_repeat_without_failing() {
        // 02:30 on 28.3.2027 does not exist in Zurich: 24 hours later instead.
        assert_eq!(days_later(at("2027-03-27T01:30:00Z"), 1), at("2027-03-28T01:30:00Z"));
        // 02:30 on 31.10.2027 happens twice: the first one (CEST).
        assert_eq!(days_later(at("2027-10-30T00:30:00Z"), 1), at("2027-10-31T00:30:00Z"));
    }
}
