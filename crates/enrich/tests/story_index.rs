//! Story assignment and related articles over the public API of the story index.

use tidings_enrich::{IndexedArticle, StoryIndex, StoryIndexConfig, enrich};

const QUAKE_A: &[&str] = &[
    "A magnitude 6.1 earthquake struck Northfield on Monday, toppling the Northfield cathedral spire and killing 12 people, the Coastal Authority said.",
    "Rescuers in Northfield searched rubble after the 6.1 earthquake; the Coastal Authority put the toll at 12 dead and the cathedral spire lay in the square.",
    "Northfield mourns 12 killed in the 6.1 earthquake. The Coastal Authority said the cathedral spire collapsed during Monday's quake.",
];
const BUDGET: &[&str] = &[
    "The Port Alder council passed its 2027 budget on Friday after Mayor Lucia Ferreira agreed to fund the tram depot and cut the parking levy.",
    "Mayor Lucia Ferreira won the Port Alder budget vote: the council will fund the tram depot, and the parking levy falls next spring.",
];

fn article(index: &StoryIndex, id: i64, text: &str) -> (i64, IndexedArticle) {
    let e = enrich(text.split(',').next().unwrap_or(text), text, &[]);
    let placement = index.place(1_000 + id * 60, &e.terms);
    let story = placement.story.unwrap_or(100 + id);
    (
        story,
        IndexedArticle {
            article_id: id,
            at: 1_000 + id * 60,
            story,
            copy_of: None,
            terms: e.terms,
        },
    )
}

#[test]
fn two_events_make_two_stories() {
    let mut index = StoryIndex::new(StoryIndexConfig::default());
    let order = [
        (0, QUAKE_A[0]),
        (1, BUDGET[0]),
        (2, QUAKE_A[1]),
        (3, BUDGET[1]),
        (4, QUAKE_A[2]),
    ];
    let mut stories = Vec::new();
    for (id, text) in order {
        let (story, indexed) = article(&index, id, text);
        index.insert(indexed);
        stories.push(story);
    }
    assert_eq!(stories[0], stories[2], "{stories:?}");
    assert_eq!(stories[0], stories[4], "{stories:?}");
    assert_eq!(stories[1], stories[3], "{stories:?}");
    assert_ne!(stories[0], stories[1], "{stories:?}");

    let related: Vec<i64> = index.related(0, 5).iter().map(|n| n.article_id).collect();
    assert_eq!(
        &related[..2]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        &[2, 4].into()
    );
    assert!(!related.contains(&0), "never itself: {related:?}");
}

#[test]
fn related_never_lists_copies_of_the_article() {
    let mut index = StoryIndex::new(StoryIndexConfig::default());
    for (id, text) in [(0, QUAKE_A[0]), (1, QUAKE_A[0]), (2, QUAKE_A[1])] {
        let (story, mut indexed) = article(&index, id, text);
        if id == 1 {
            indexed.copy_of = Some(0);
        }
        index.insert(indexed);
        assert_eq!(index.story_of(id), Some(story));
    }
    let related: Vec<i64> = index.related(0, 5).iter().map(|n| n.article_id).collect();
    assert_eq!(related, [2]);
    let from_copy: Vec<i64> = index.related(1, 5).iter().map(|n| n.article_id).collect();
    assert_eq!(from_copy, [2]);
}

#[test]
fn articles_outside_the_window_start_new_stories() {
    let config = StoryIndexConfig {
        window_secs: 3600,
        ..StoryIndexConfig::default()
    };
    let mut index = StoryIndex::new(config);
    let e = enrich("Quake", QUAKE_A[0], &[]);
    index.insert(IndexedArticle {
        article_id: 1,
        at: 0,
        story: 7,
        copy_of: None,
        terms: e.terms.clone(),
    });
    assert_eq!(index.place(600, &e.terms).story, Some(7));
    assert_eq!(index.place(10 * 3600, &e.terms).story, None);
}

const REHAB_2008: &str = "Actress Dana Holt checked into the Promises rehab centre in Malibu in \
    December 2008, her publicist said. Holt entered the Promises centre after a difficult 2008, \
    and her family asked for privacy. Promises treats addiction in Malibu.";
const REHAB_2008_FOLLOW_UP: &str = "Dana Holt is being treated at the Promises rehab centre in \
    Malibu, her publicist said on Tuesday. The actress entered Promises in December 2008 and \
    her family asked for privacy. Promises in Malibu treats addiction.";
const REHAB_2013: &str = "Dana Holt is back in rehab. A judge sent the actress to Promises for \
    90 days after a car crash in May 2013, her lawyer said. She must complete treatment before \
    her trial, set for later in 2013.";

fn place_after(first: &str, second: &str, config: StoryIndexConfig) -> Option<i64> {
    placement_after(first, second, config).story
}

fn placement_after(
    first: &str,
    second: &str,
    config: StoryIndexConfig,
) -> tidings_enrich::Placement {
    let mut index = StoryIndex::new(config);
    let e = enrich("Rehab", first, &[]);
    index.insert(IndexedArticle {
        article_id: 1,
        at: 0,
        story: 7,
        copy_of: None,
        terms: e.terms,
    });
    index.place(60, &enrich("Rehab", second, &[]).terms)
}

#[test]
fn the_same_kind_of_event_in_another_year_starts_a_new_story() {
    let config = StoryIndexConfig::default();
    assert_eq!(
        place_after(REHAB_2008, REHAB_2008_FOLLOW_UP, config),
        Some(7)
    );
    assert_eq!(place_after(REHAB_2008, REHAB_2013, config), None);
    let without_year_rule = StoryIndexConfig {
        year_conflict_factor: 1.0,
        ..config
    };
    assert_eq!(
        place_after(REHAB_2008, REHAB_2013, without_year_rule),
        Some(7),
        "the two texts differ only in their year"
    );
}

#[test]
fn an_article_naming_no_year_is_not_held_apart_by_years() {
    let undated = REHAB_2008_FOLLOW_UP.replace("in December 2008", "last week");
    assert_eq!(
        place_after(REHAB_2008, &undated, StoryIndexConfig::default()),
        Some(7)
    );
}

#[test]
fn background_years_without_stated_dates_do_not_split_a_story() {
    let first = "Actress Dana Holt checked into the Promises rehab centre in Malibu, her \
        publicist said. Holt, who made her first film in 2006, asked for privacy. Promises \
        treats addiction in Malibu.";
    let second = "Dana Holt is being treated at the Promises rehab centre in Malibu, her \
        publicist said on Tuesday. The actress, who left another clinic in 2001, asked for \
        privacy. Promises in Malibu treats addiction.";
    let config = StoryIndexConfig::default();
    let undated = placement_after(first, second, config).score;
    let yearless = placement_after(first, &second.replace(" in 2001", ""), config).score;
    assert!(
        undated > 0.8 * yearless,
        "bare years in both are no evidence of two events: {undated} vs {yearless}"
    );
    let dated = second.replace("in 2001", "on May 3, 2013");
    let dated = placement_after(first, &dated, config).score;
    assert!(
        dated < 0.6 * undated,
        "a date stated in another year counts against the story: {dated} vs {undated}"
    );
}
