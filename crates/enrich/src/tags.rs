//! Hashtag normalisation: one subject is one tag whatever its case, plural or diacritics, and
//! the articles of one story use the same tags.

use tidings_core::{KeyTerm, Tag};

use crate::terms::{MAX_TAGS, NAME_TERM_PREFIX, fold_plural};

/// The key two tags are compared by: the slug (case and diacritics folded) with a plural
/// ending folded, so `#Earthquakes` and `#earthquake` are one subject.
pub fn tag_key(slug: &str) -> String {
    fold_plural(slug)
}

/// A tag from a feed category, written as the feed writes it ("Politics" stays "Politics":
/// making a label singular breaks words that only look plural); [`tag_key`] still folds
/// "Earthquakes" and "Earthquake" into one subject.
pub fn category_tag(label: &str) -> Option<Tag> {
    let label = label.trim().trim_start_matches('#').trim();
    Tag::from_label(&label.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The tags an article shows once it joins a story: its own tags written as the story already
/// writes them, the story's tags the article also names first, at most [`MAX_TAGS`].
/// `story_tags` are the story's tags, most used first.
pub fn harmonise_tags(own: &[Tag], terms: &[KeyTerm], story_tags: &[Tag]) -> Vec<Tag> {
    let mut out: Vec<Tag> = Vec::new();
    let push = |tag: &Tag, out: &mut Vec<Tag>| {
        if out.len() < MAX_TAGS && !out.iter().any(|t| tag_key(&t.slug) == tag_key(&tag.slug)) {
            out.push(tag.clone());
        }
    };
    for story_tag in story_tags {
        let key = tag_key(&story_tag.slug);
        let named = own.iter().any(|t| tag_key(&t.slug) == key)
            || terms
                .iter()
                .any(|t| tag_key(t.term.trim_start_matches(NAME_TERM_PREFIX)) == key);
        if named {
            push(story_tag, &mut out);
        }
    }
    for tag in own {
        push(tag, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(label: &str) -> Tag {
        Tag::from_label(label).expect("tag")
    }

    #[test]
    fn category_labels_stay_as_written_and_plurals_fold_in_the_key() {
        assert_eq!(category_tag("Politics").expect("tag").label, "Politics");
        assert_eq!(
            category_tag("  Nuclear   Talks ").expect("tag").label,
            "Nuclear Talks"
        );
        assert_eq!(
            tag_key(&category_tag("Earthquakes").expect("tag").slug),
            tag_key(&category_tag("earthquake").expect("tag").slug)
        );
        assert_eq!(category_tag("Zürich").expect("tag").slug, "zurich");
        assert!(category_tag("  ").is_none());
    }

    #[test]
    fn keys_ignore_case_plural_and_diacritics() {
        assert_eq!(
            tag_key(&tag("Earthquakes").slug),
            tag_key(&tag("earthquake").slug)
        );
        assert_eq!(tag_key(&tag("Zürich").slug), tag_key(&tag("ZURICH").slug));
    }

    #[test]
    fn story_tags_win_and_come_first() {
        let own = vec![tag("Tehran"), tag("nuclear talk")];
        let terms = vec![KeyTerm {
            term: "iran".into(),
            weight: 0.5,
        }];
        let story = vec![tag("Iran"), tag("Nuclear Talks"), tag("Khamenei")];
        let out = harmonise_tags(&own, &terms, &story);
        let labels: Vec<&str> = out.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Iran", "Nuclear Talks", "Tehran"]);
    }
}
