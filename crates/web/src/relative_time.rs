//! Human wording for how long ago something happened ("19 minutes ago", "yesterday").
//!
//! "Yesterday" means 24 to 48 hours ago (elapsed time, not the calendar day), so the
//! wording never depends on the reader's time zone, which the server does not know.

use chrono::{DateTime, Datelike, Utc};

/// How much clock skew still reads as "just now" when `then` is slightly in the future.
const FUTURE_TOLERANCE_SECS: i64 = 5 * 60;

/// How long before `now` the moment `then` was, in words.
///
/// Under a minute (or up to five minutes in the future, for clock skew) is "just now"; then
/// minutes, hours, "yesterday", days, weeks up to 30 days; older moments (and moments
/// further in the future) show their date instead, like "4 Mar" or "4 Mar 2025" when the
/// year differs from `now`'s.
pub fn relative_time(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = now.signed_duration_since(then).num_seconds();
    if elapsed < -FUTURE_TOLERANCE_SECS {
        return calendar_date(then, now);
    }
    let minutes = elapsed / 60;
    let hours = minutes / 60;
    let days = hours / 24;
    if minutes < 1 {
        "just now".to_owned()
    } else if hours < 1 {
        count_ago(minutes, "minute")
    } else if days < 1 {
        count_ago(hours, "hour")
    } else if days < 2 {
        "yesterday".to_owned()
    } else if days < 7 {
        count_ago(days, "day")
    } else if days < 30 {
        count_ago(days / 7, "week")
    } else {
        calendar_date(then, now)
    }
}

/// "1 minute ago", "5 minutes ago".
fn count_ago(count: i64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{count} {unit}s ago")
    }
}

/// "4 Mar" in `now`'s year, else "4 Mar 2025".
fn calendar_date(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if then.year() == now.year() {
        then.format("%-d %b").to_string()
    } else {
        then.format("%-d %b %Y").to_string()
    }
}

/// The full date and time for a tooltip, e.g. "27 Nov 2026, 03:28 UTC".
pub fn full_timestamp(then: DateTime<Utc>) -> String {
    then.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The machine-readable form for `<time datetime>` and Open Graph, e.g. "2026-11-27T03:28:37Z".
pub fn iso_timestamp(then: DateTime<Utc>) -> String {
    then.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
            .single()
            .expect("valid date")
    }

    fn ago(duration: Duration) -> String {
        relative_time(now() - duration, now())
    }

    #[test]
    fn under_a_minute_is_just_now() {
        assert_eq!(ago(Duration::zero()), "just now");
        assert_eq!(ago(Duration::seconds(59)), "just now");
    }

    #[test]
    fn minutes_are_counted_and_pluralised() {
        assert_eq!(ago(Duration::seconds(60)), "1 minute ago");
        assert_eq!(ago(Duration::seconds(119)), "1 minute ago");
        assert_eq!(ago(Duration::minutes(2)), "2 minutes ago");
        assert_eq!(
            ago(Duration::minutes(19) + Duration::seconds(40)),
            "19 minutes ago"
        );
        assert_eq!(
            ago(Duration::minutes(59) + Duration::seconds(59)),
            "59 minutes ago"
        );
    }

    #[test]
    fn hours_are_counted_and_pluralised() {
        assert_eq!(ago(Duration::minutes(60)), "1 hour ago");
        assert_eq!(ago(Duration::minutes(119)), "1 hour ago");
        assert_eq!(ago(Duration::hours(2)), "2 hours ago");
        assert_eq!(
            ago(Duration::hours(23) + Duration::minutes(59)),
            "23 hours ago"
        );
    }

    #[test]
    fn between_one_and_two_days_is_yesterday() {
        assert_eq!(ago(Duration::hours(24)), "yesterday");
        assert_eq!(
            ago(Duration::hours(47) + Duration::minutes(59)),
            "yesterday"
        );
    }

    #[test]
    fn days_then_weeks() {
        assert_eq!(ago(Duration::hours(48)), "2 days ago");
        assert_eq!(ago(Duration::days(3)), "3 days ago");
        assert_eq!(ago(Duration::days(6) + Duration::hours(23)), "6 days ago");
        assert_eq!(ago(Duration::days(7)), "1 week ago");
        assert_eq!(ago(Duration::days(13)), "1 week ago");
        assert_eq!(ago(Duration::days(14)), "2 weeks ago");
        assert_eq!(ago(Duration::days(29)), "4 weeks ago");
    }

    #[test]
    fn a_month_or_more_shows_the_date() {
        assert_eq!(ago(Duration::days(30)), "28 Oct");
        let last_year = Utc
            .with_ymd_and_hms(2025, 3, 4, 8, 0, 0)
            .single()
            .expect("valid date");
        assert_eq!(relative_time(last_year, now()), "4 Mar 2025");
    }

    #[test]
    fn small_future_skew_is_just_now_but_far_future_shows_the_date() {
        assert_eq!(
            relative_time(now() + Duration::minutes(4), now()),
            "just now"
        );
        assert_eq!(relative_time(now() + Duration::days(3), now()), "30 Nov");
        let next_year = now() + Duration::days(60);
        assert_eq!(relative_time(next_year, now()), "26 Jan 2027");
    }

    #[test]
    fn timestamps_for_machines_and_tooltips() {
        let then = Utc
            .with_ymd_and_hms(2026, 1, 5, 7, 8, 9)
            .single()
            .expect("valid date");
        assert_eq!(iso_timestamp(then), "2026-01-05T07:08:09Z");
        assert_eq!(full_timestamp(then), "5 Jan 2026, 07:08 UTC");
    }
}
