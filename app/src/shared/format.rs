//! Dates, amounts and a right's status as the Swiss portal writes them.

#[cfg(feature = "ssr")]
use chrono::{DateTime, Utc};
use portal_core::domain::RightStatus;

use crate::i18n::{td_string, Locale};
#[cfg(feature = "ssr")]
use portal_core::store::TIME_ZONE as Zurich;

/// A moment as the Swiss portal writes it, in Swiss time: `15.03.2016 15:11:51`.
#[cfg(feature = "ssr")]
pub fn swiss_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Zurich).format("%d.%m.%Y %H:%M:%S").to_string()
}

/// The day of a moment, in Swiss time: `15.03.2016`.
#[cfg(feature = "ssr")]
pub fn swiss_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Zurich).format("%d.%m.%Y").to_string()
}

/// A moment to the minute, in Swiss time: `15.03.2016 15:11`.
#[cfg(feature = "ssr")]
pub fn short_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Zurich).format("%d.%m.%Y %H:%M").to_string()
}

/// A moment stored as RFC 3339 text (a message's or an audit entry's value) written to the
/// minute in Swiss time; `None` for text that is no such moment.
#[cfg(feature = "ssr")]
pub fn short_date_time_of(stored: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(stored).ok().map(|at| short_date_time(at.to_utc()))
}

/// A stored moment (RFC 3339) to the minute, or a stored day (`yyyy-mm-dd`) as `dd.mm.yyyy`;
/// `None` for text that is neither.
#[cfg(feature = "ssr")]
pub fn moment_or_day_of(stored: &str) -> Option<String> {
    short_date_time_of(stored).or_else(|| chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d").ok().map(|day| day.format("%d.%m.%Y").to_string()))
}

/// A day as the form's date field writes it, `2027-03-31`, as the Swiss portal does,
/// `31.03.2027`; anything else as it is.
pub fn swiss_day(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// How many pages of `size` rows `total` rows fill; one page at least (an empty list).
pub fn page_count(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size).max(1)
}

/// Francs and centimes the Swiss way: `CHF 1'234.50`.
pub fn chf(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\'');
        }
        grouped.push(c);
    }
    format!("CHF {sign}{grouped}.{:02}", abs % 100)
}

/// The status word ("en suspens"…) of a right's status.
pub fn status_text(locale: Locale, status: RightStatus) -> String {
    match status {
        RightStatus::Pending => td_string!(locale, status.pending),
        RightStatus::Active => td_string!(locale, status.active),
        RightStatus::Suspended => td_string!(locale, status.suspended),
        RightStatus::Refused => td_string!(locale, status.refused),
        RightStatus::Revoked => td_string!(locale, status.revoked),
        RightStatus::Expired => td_string!(locale, status.expired),
        RightStatus::Resigned => td_string!(locale, status.resigned),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_in_swiss_francs_with_apostrophes() {
        assert_eq!(chf(0), "CHF 0.00");
        assert_eq!(chf(2_450), "CHF 24.50");
        assert_eq!(chf(123_450), "CHF 1'234.50");
        assert_eq!(chf(123_456_789), "CHF 1'234'567.89");
        assert_eq!(chf(-5), "CHF -0.05");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn dates_are_shown_in_swiss_time_winter_and_summer() {
        use chrono::TimeZone;
        let winter = Utc.with_ymd_and_hms(2016, 3, 15, 14, 11, 51).unwrap();
        assert_eq!(swiss_date_time(winter), "15.03.2016 15:11:51");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
        assert_eq!(swiss_date_time(summer), "02.07.2026 00:30:00");
        assert_eq!(swiss_date(summer), "02.07.2026");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_stored_moment_or_day_is_written_the_swiss_way() {
        assert_eq!(moment_or_day_of("2026-12-20T09:00:00+00:00").as_deref(), Some("20.12.2026 10:00"));
        assert_eq!(moment_or_day_of("2027-01-31").as_deref(), Some("31.01.2027"));
        assert_eq!(moment_or_day_of("soon"), None);
    }
}
