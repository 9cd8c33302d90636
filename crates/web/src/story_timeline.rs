//! The story page's timeline: every report of the story oldest first, the first marked as
//! such, each later one with how long after the first it came, and republished copies named
//! as copies of their original; plus the story's counted words ("1 outlet", "8 outlets").

use chrono::{DateTime, Utc};
use tidings_core::Story;

use crate::views::CardView;

/// One report on the timeline.
pub struct TimelineEntryView {
    pub card: CardView,
    /// "First report", "Update" or "Republished".
    pub kind: &'static str,
    /// The kind as a class name: "first", "update" or "copy".
    pub kind_class: &'static str,
    /// How long after the first report ("3 hours later"); `None` for the first.
    pub after_first: Option<String>,
    /// For a copy: the outlet whose article it republishes.
    pub copy_of: Option<String>,
}

/// The story's reports, oldest first.
pub fn timeline(story: &Story, now: DateTime<Utc>) -> Vec<TimelineEntryView> {
    let mut articles: Vec<_> = story.articles.iter().collect();
    articles.sort_by_key(|a| (a.card.shown_at, a.card.id));
    let first_at = articles.first().map(|a| a.card.shown_at);
    let first_original = articles
        .iter()
        .find(|a| a.copy_of.is_none())
        .map(|a| a.card.id);
    articles
        .iter()
        .map(|a| {
            let copy_of = a.copy_of.and_then(|original| {
                story
                    .articles
                    .iter()
                    .find(|o| o.card.id == original)
                    .map(|o| o.card.publisher.clone())
            });
            let (kind, kind_class) = if a.copy_of.is_some() {
                ("Republished", "copy")
            } else if Some(a.card.id) == first_original {
                ("First report", "first")
            } else {
                ("Update", "update")
            };
            let after_first = first_at
                .filter(|_| kind != "First report")
                .map(|first| later_words(first, a.card.shown_at));
            TimelineEntryView {
                card: CardView::new(a.card.clone(), now),
                kind,
                kind_class,
                after_first,
                copy_of,
            }
        })
        .collect()
}

/// How long after `first` the moment `then` came: "at the same time", "25 minutes later",
/// "1 hour later", "3 days later".
pub fn later_words(first: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let minutes = then.signed_duration_since(first).num_minutes().max(0);
    let (count, unit) = if minutes < 1 {
        return "at the same time".to_owned();
    } else if minutes < 60 {
        (minutes, "minute")
    } else if minutes < 48 * 60 {
        (minutes / 60, "hour")
    } else {
        (minutes / (24 * 60), "day")
    };
    format!("{} later", counted(count, unit, &format!("{unit}s")))
}

/// "1 outlet", "8 outlets".
pub fn outlet_count(count: i64) -> String {
    counted(count, "outlet", "outlets")
}

/// A count with its noun in the right number.
pub fn counted(count: i64, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("1 {singular}")
    } else {
        format!("{count} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn later_words_count_in_the_right_number() {
        let first = Utc
            .with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
            .single()
            .expect("a valid date");
        assert_eq!(later_words(first, first), "at the same time");
        assert_eq!(
            later_words(first, first + Duration::minutes(1)),
            "1 minute later"
        );
        assert_eq!(
            later_words(first, first + Duration::minutes(59)),
            "59 minutes later"
        );
        assert_eq!(
            later_words(first, first + Duration::minutes(61)),
            "1 hour later"
        );
        assert_eq!(
            later_words(first, first + Duration::hours(30)),
            "30 hours later"
        );
        assert_eq!(
            later_words(first, first + Duration::days(3)),
            "3 days later"
        );
        assert_eq!(outlet_count(1), "1 outlet");
        assert_eq!(outlet_count(8), "8 outlets");
        assert_eq!(outlet_count(0), "0 outlets");
    }
}
