//! How timestamps are stored: RFC 3339 UTC text with exactly nine fractional digits, so that
//! comparing the text compares the times and nothing is lost on the way back.

use chrono::{DateTime, Datelike, Utc};
use tidings_core::{StorageError, StorageResult};

/// The stored form of `at`; `Invalid` naming `field` when its year has not four digits.
pub(crate) fn encode(field: &str, at: DateTime<Utc>) -> StorageResult<String> {
    let year = at.year();
    if !(0..=9999).contains(&year) {
        return Err(StorageError::Invalid(format!(
            "{field}: year {year} is outside 0000-9999"
        )));
    }
    Ok(at.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
}

pub(crate) fn encode_opt(field: &str, at: Option<DateTime<Utc>>) -> StorageResult<Option<String>> {
    at.map(|at| encode(field, at)).transpose()
}

/// Reads a stored timestamp back; a malformed one is a `Backend` error naming `field`.
pub(crate) fn decode(field: &str, text: &str) -> StorageResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| StorageError::Backend(format!("stored {field} {text:?} is unreadable: {e}")))
}

pub(crate) fn decode_opt(field: &str, text: Option<&str>) -> StorageResult<Option<DateTime<Utc>>> {
    text.map(|text| decode(field, text)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_order_is_time_order_and_round_trips() {
        let early = Utc
            .with_ymd_and_hms(999, 1, 1, 0, 0, 0)
            .single()
            .expect("valid date");
        let late = Utc.timestamp_nanos(1_700_000_000_123_456_789);
        let later = late + chrono::Duration::nanoseconds(1);
        let encoded: Vec<String> = [early, late, later]
            .iter()
            .map(|t| encode("t", *t).expect("encodable"))
            .collect();
        assert!(encoded[0] < encoded[1] && encoded[1] < encoded[2]);
        assert_eq!(decode("t", &encoded[1]).expect("decodable"), late);
        assert_eq!(decode("t", &encoded[0]).expect("decodable"), early);
    }

    #[test]
    fn out_of_range_years_are_refused_by_name() {
        let far = Utc
            .with_ymd_and_hms(10_000, 1, 1, 0, 0, 0)
            .single()
            .expect("valid date");
        let err = encode("published_at", far).expect_err("year 10000 refused");
        assert!(err.to_string().contains("published_at"), "{err}");
    }

    #[test]
    fn garbage_is_a_backend_error() {
        assert!(matches!(
            decode("t", "yesterday"),
            Err(StorageError::Backend(_))
        ));
    }
}
