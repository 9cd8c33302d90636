//! Owns reading the dates feeds carry: RFC 822/2822 (with the usual
//! variations: missing weekday or seconds, two-digit years, named or
//! missing zones) and W3CDTF/ISO 8601 (reduced precision, missing zone,
//! compact forms). A date without a zone is read as UTC.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use regex::Regex;

/// Parses a feed date; `None` when it is not a date we recognise.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.with_timezone(&Utc));
    }
    parse_w3cdtf(text)
        .or_else(|| parse_rfc822(text))
        .or_else(|| parse_asctime(text))
}

static W3CDTF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?
        (?:[Tt\s]+(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?(?:[.,]\d+)?
        \s*(Z|z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?)?$",
    )
    .ok()
});

fn parse_w3cdtf(text: &str) -> Option<DateTime<Utc>> {
    let caps = W3CDTF.as_ref()?.captures(text)?;
    let num = |i: usize, default: u32| {
        caps.get(i)
            .map_or(Some(default), |m| m.as_str().parse::<u32>().ok())
    };
    let year = caps[1].parse::<i32>().ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(2, 1)?, num(3, 1)?)?;
    let time = date.and_hms_opt(num(4, 0)?, num(5, 0)?, num(6, 0)?)?;
    let offset = caps.get(7).map_or(Some(0), |z| zone_offset(z.as_str()))?;
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&time)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

static RFC822: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(?:[A-Za-z]{2,9}\.?,?\s*)?
        (\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{2,4}),?
        (?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?
        \s*(?:(?:GMT|UTC|UT)?\s*([+-]\d{1,2}(?::?\d{2})?)|\(?([A-Za-z]{1,5})\)?)?\s*$",
    )
    .ok()
});

fn parse_rfc822(text: &str) -> Option<DateTime<Utc>> {
    let caps = RFC822.as_ref()?.captures(text)?;
    let day = caps[1].parse::<u32>().ok()?;
    let month = month_number(&caps[2])?;
    let year = full_year(&caps[3])?;
    let num = |i: usize| {
        caps.get(i)
            .map_or(Some(0), |m| m.as_str().parse::<u32>().ok())
    };
    let time = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(num(4)?, num(5)?, num(6)?)?;
    let offset = match (caps.get(7), caps.get(8)) {
        (Some(numeric), _) => zone_offset(numeric.as_str())?,
        (None, Some(named)) => zone_offset(named.as_str()).unwrap_or(0),
        (None, None) => 0,
    };
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&time)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

static ASCTIME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3,9})\s+(\d{1,2}),?\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{4})?(?:\s+(\d{4}))?$",
    )
    .ok()
});

/// `Sun Jan  4 16:29:06 PST 2004` and `January 4, 2004 16:29` styles.
fn parse_asctime(text: &str) -> Option<DateTime<Utc>> {
    let caps = ASCTIME.as_ref()?.captures(text)?;
    let month = month_number(&caps[1])?;
    let day = caps[2].parse::<u32>().ok()?;
    let year = caps
        .get(3)
        .or_else(|| caps.get(8))?
        .as_str()
        .parse::<i32>()
        .ok()?;
    let seconds = caps.get(6).map_or(Some(0), |m| m.as_str().parse().ok())?;
    let time = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(
        caps[4].parse().ok()?,
        caps[5].parse().ok()?,
        seconds,
    )?;
    let offset = caps
        .get(7)
        .map_or(Some(0), |z| Some(zone_offset(z.as_str()).unwrap_or(0)))?;
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&time)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

fn full_year(text: &str) -> Option<i32> {
    let year = text.parse::<i32>().ok()?;
    Some(match text.len() {
        2 if year < 50 => 2000 + year,
        2 => 1900 + year,
        3 => 1900 + year,
        _ => year,
    })
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Seconds east of UTC for `Z`, `+hh:mm`, `+hhmm`, `+hh` or a zone name.
fn zone_offset(zone: &str) -> Option<i32> {
    let zone = zone.trim();
    if let Some(sign) = zone.chars().next().filter(|c| matches!(c, '+' | '-')) {
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 | 4 => {
                let split = digits.len() - 2;
                (
                    digits[..split].parse::<i32>().ok()?,
                    digits[split..].parse::<i32>().ok()?,
                )
            }
            _ => return None,
        };
        let seconds = hours * 3600 + minutes * 60;
        return Some(if sign == '-' { -seconds } else { seconds });
    }
    let hours = match zone.to_ascii_uppercase().as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "BST" | "CET" | "WEST" | "MET" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "ADT" => -3,
        "AST" | "EDT" => -4,
        "EST" | "ET" | "CDT" => -5,
        "CST" | "CT" | "MDT" => -6,
        "MST" | "MT" | "PDT" => -7,
        "PST" | "PT" => -8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        _ => return None,
    };
    Some(hours * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(raw: &str) -> Option<String> {
        parse_date(raw).map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string())
    }

    #[test]
    fn reads_rfc822_variants() {
        let want = Some("2003-12-31T10:14:55".to_owned());
        for raw in [
            "Wed, 31 Dec 2003 10:14:55 GMT",
            "Wed, 31 Dec 2003 10:14:55 +0000",
            "31 Dec 2003 10:14:55 Z",
            "Wed, 31 Dec 03 10:14:55 GMT",
            "Wed, 31 December 2003 05:14:55 EST",
            "Wed, 31-Dec-2003 11:14:55 +01:00",
            "Wed,31 Dec 2003 10:14:55",
            "Wed, 31 Dec 2003 10:14:55 (UTC)",
            "Wed, 31 Dec 2003 02:14:55 PST",
        ] {
            assert_eq!(iso(raw), want, "{raw}");
        }
        assert_eq!(
            iso("Thu, 01 Jan 04 19:48"),
            Some("2004-01-01T19:48:00".into())
        );
        assert_eq!(
            iso("Thu, 01 Jan 99 19:48:21 GMT"),
            Some("1999-01-01T19:48:21".into())
        );
    }

    #[test]
    fn reads_w3cdtf_variants() {
        assert_eq!(
            iso("2003-12-31T10:14:55Z"),
            Some("2003-12-31T10:14:55".into())
        );
        assert_eq!(
            iso("2003-12-31T10:14:55.123-08:00"),
            Some("2003-12-31T18:14:55".into())
        );
        assert_eq!(
            iso("2003-12-31T10:14:55"),
            Some("2003-12-31T10:14:55".into())
        );
        assert_eq!(
            iso("2003-12-31T10:14+01:00"),
            Some("2003-12-31T09:14:00".into())
        );
        assert_eq!(iso("2003-12-31"), Some("2003-12-31T00:00:00".into()));
        assert_eq!(iso("2003-12"), Some("2003-12-01T00:00:00".into()));
        assert_eq!(iso("20031231T101455Z"), Some("2003-12-31T10:14:55".into()));
        assert_eq!(
            iso("2003-12-31 10:14:55 -0500"),
            Some("2003-12-31T15:14:55".into())
        );
    }

    #[test]
    fn reads_asctime_and_rejects_junk() {
        assert_eq!(
            iso("Sun Jan  4 16:29:06 PST 2004"),
            Some("2004-01-05T00:29:06".into())
        );
        assert_eq!(iso("not a date"), None);
        assert_eq!(iso("2003-13-45T10:14:55Z"), None);
        assert_eq!(iso(""), None);
    }
}
