//! How timestamps reach PostgreSQL: `TIMESTAMPTZ`, which keeps microseconds. Times are checked
//! against the same calendar range the SQLite backend accepts (years 0000-9999), and the
//! storage's own clock readings are rounded *up* to the microsecond, so a time stored "now" is
//! never earlier than a reading the caller took just before.

use chrono::{DateTime, Datelike, Duration, DurationRound, Utc};
use tidings_core::{StorageError, StorageResult};

/// `at` unchanged; `Invalid` naming `field` when its year has not four digits.
pub(crate) fn checked(field: &str, at: DateTime<Utc>) -> StorageResult<DateTime<Utc>> {
    let year = at.year();
    if !(0..=9999).contains(&year) {
        return Err(StorageError::Invalid(format!(
            "{field}: year {year} is outside 0000-9999"
        )));
    }
    Ok(at)
}

pub(crate) fn checked_opt(
    field: &str,
    at: Option<DateTime<Utc>>,
) -> StorageResult<Option<DateTime<Utc>>> {
    at.map(|at| checked(field, at)).transpose()
}

/// The current time as PostgreSQL will store it: rounded up to the next whole microsecond.
pub(crate) fn now() -> DateTime<Utc> {
    round_up_to_micros(Utc::now())
}

fn round_up_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let micro = Duration::microseconds(1);
    match at.duration_trunc(micro) {
        Ok(down) if down == at => at,
        Ok(down) => down + micro,
        Err(_) => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn readings_round_up_to_the_microsecond() {
        let at = Utc.timestamp_nanos(1_700_000_000_123_456_001);
        assert_eq!(
            round_up_to_micros(at),
            Utc.timestamp_nanos(1_700_000_000_123_457_000)
        );
        let whole = Utc.timestamp_nanos(1_700_000_000_123_456_000);
        assert_eq!(round_up_to_micros(whole), whole);
    }

    #[test]
    fn out_of_range_years_are_refused_by_name() {
        let far = Utc
            .with_ymd_and_hms(10_000, 1, 1, 0, 0, 0)
            .single()
            .expect("valid date");
        let err = checked("published_at", far).expect_err("year 10000 refused");
        assert!(err.to_string().contains("published_at"), "{err}");
    }
}
