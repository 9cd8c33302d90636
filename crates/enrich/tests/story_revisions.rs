//! The story index's revisit step (merges and splits) and its window (eviction), over its
//! public API.

use tidings_enrich::{IndexedArticle, Revision, StoryIndex, StoryIndexConfig, enrich};

const QUAKE: &[&str] = &[
    "A magnitude 6.1 earthquake struck Northfield on Monday, toppling the Northfield cathedral spire and killing 12 people, the Coastal Authority said.",
    "Rescuers in Northfield searched rubble after the 6.1 earthquake; the Coastal Authority put the toll at 12 dead and the cathedral spire lay in the square.",
    "Northfield mourns 12 killed in the 6.1 earthquake. The Coastal Authority said the cathedral spire collapsed during Monday's quake.",
    "The Coastal Authority said the Northfield earthquake, magnitude 6.1, killed 12; the cathedral spire of Northfield fell on Monday.",
];
const BUDGET: &[&str] = &[
    "The Port Alder council passed its 2027 budget on Friday after Mayor Lucia Ferreira agreed to fund the tram depot and cut the parking levy.",
    "Mayor Lucia Ferreira won the Port Alder budget vote: the council will fund the tram depot, and the parking levy falls next spring.",
    "Port Alder's council backed Mayor Lucia Ferreira's budget, funding the tram depot while the parking levy is cut.",
];

fn indexed(id: i64, at: i64, story: i64, text: &str) -> IndexedArticle {
    IndexedArticle {
        article_id: id,
        at,
        story,
        copy_of: None,
        terms: enrich(text.split(',').next().unwrap_or(text), text, &[]).terms,
    }
}

/// Inserts `(id, story, text)` one minute apart and returns the index.
fn index_of(articles: &[(i64, i64, &str)]) -> StoryIndex {
    index_with(StoryIndexConfig::default(), articles)
}

fn index_with(config: StoryIndexConfig, articles: &[(i64, i64, &str)]) -> StoryIndex {
    let mut index = StoryIndex::new(config);
    for &(id, story, text) in articles {
        index.insert(indexed(id, 1_000 + 60 * id, story, text));
    }
    index
}

fn neighbours_of(index: &StoryIndex, id: i64, text: &str) -> Vec<tidings_enrich::Neighbour> {
    let article = indexed(id, 1_000 + 60 * id, 0, text);
    index
        .place(article.at, &article.terms)
        .neighbours
        .into_iter()
        .filter(|n| n.article_id != id)
        .collect()
}

#[test]
fn two_stories_of_one_event_merge_into_the_larger() {
    // The first two reports started stories of their own (as an early, thin report may).
    // The merge itself is what this checks; where the line between one event and two lies is
    // measured on labelled data by `tidings-bench stories`, so the threshold is set here.
    let config = StoryIndexConfig {
        merge_threshold: 0.40,
        ..StoryIndexConfig::default()
    };
    let mut index = index_with(
        config,
        &[(1, 10, QUAKE[0]), (2, 20, QUAKE[1]), (3, 20, QUAKE[2])],
    );
    let revision = index.revisit(1, &neighbours_of(&index, 1, QUAKE[0]));
    assert_eq!(
        revision,
        Some(Revision::Merge { from: 10, into: 20 }),
        "similarity {}",
        index.story_similarity(10, 20)
    );
    index.merge_stories(10, 20);
    assert_eq!(index.story_of(1), Some(20));
    assert_eq!(index.story_count(), 1);
    assert_eq!(
        index.revisit(1, &neighbours_of(&index, 1, QUAKE[0])),
        None,
        "nothing left to revise"
    );
}

#[test]
fn stories_of_different_events_do_not_merge() {
    let index = index_of(&[
        (1, 10, QUAKE[0]),
        (2, 10, QUAKE[1]),
        (3, 20, BUDGET[0]),
        (4, 20, BUDGET[1]),
    ]);
    for (id, text) in [(1, QUAKE[0]), (3, BUDGET[0])] {
        let neighbours = neighbours_of(&index, id, text);
        assert_eq!(index.revisit(id, &neighbours), None, "article {id}");
    }
}

#[test]
fn a_story_holding_two_events_splits_and_keeps_its_first_article() {
    let mut index = index_of(&[
        (1, 10, QUAKE[0]),
        (2, 10, BUDGET[0]),
        (3, 10, QUAKE[1]),
        (4, 10, BUDGET[1]),
        (5, 10, QUAKE[2]),
        (6, 10, BUDGET[2]),
    ]);
    let Some(Revision::Split {
        story,
        mut articles,
    }) = index.revisit(6, &[])
    else {
        panic!("expected a split");
    };
    articles.sort_unstable();
    assert_eq!((story, articles.as_slice()), (10, &[2, 4, 6][..]));
    index.split_story(&articles, 11);
    for id in [1, 3, 5] {
        assert_eq!(index.story_of(id), Some(10), "article {id}");
    }
    for id in [2, 4, 6] {
        assert_eq!(index.story_of(id), Some(11), "article {id}");
    }
    assert_eq!(index.revisit(6, &[]), None, "each half is one event");
    assert_eq!(index.revisit(1, &[]), None, "each half is one event");
    let placed = indexed(7, 1_500, 0, QUAKE[3]);
    assert_eq!(index.place(placed.at, &placed.terms).story, Some(10));
}

#[test]
fn one_event_is_not_split() {
    let index = index_of(&[
        (1, 10, QUAKE[0]),
        (2, 10, QUAKE[1]),
        (3, 10, QUAKE[2]),
        (4, 10, QUAKE[3]),
    ]);
    assert_eq!(index.revisit(4, &[]), None);
}

#[test]
fn articles_leaving_the_window_are_evicted_with_their_terms_and_stories() {
    let day = 24 * 3600;
    let config = StoryIndexConfig {
        window_secs: day,
        keep_secs: 2 * day,
        ..StoryIndexConfig::default()
    };
    let mut index = StoryIndex::new(config);
    // Day after day, a new event with words of its own, so terms churn as in real news.
    for d in 0..30i64 {
        for k in 0..3i64 {
            let text = format!(
                "Zorvath{d} council met at Quillan{d} hall on day {d}; Mayor Brask{d} spoke, report {k}."
            );
            index.insert(indexed(d * 10 + k, d * day + k * 60, d, &text));
        }
        assert!(index.len() <= 3 * 3 + 3, "day {d}: {} indexed", index.len());
    }
    assert!(
        index.contains(290) && !index.contains(0),
        "the oldest left first"
    );
    assert!(index.story_count() <= 4, "{} stories", index.story_count());
    let early_terms = indexed(
        0,
        0,
        0,
        "Zorvath0 council met at Quillan0 hall on day 0; Mayor Brask0 spoke, report 0.",
    )
    .terms;
    let placement = index.place(29 * day, &early_terms);
    assert!(
        placement.neighbours.iter().all(|n| n.article_id >= 270),
        "{:?}",
        placement.neighbours
    );
    let terms_now = index.term_count();
    for d in 30..40i64 {
        let text = format!("Zorvath{d} council met at Quillan{d} hall; Mayor Brask{d} spoke.");
        index.insert(indexed(d * 10, d * day, d, &text));
    }
    assert!(
        index.term_count() <= terms_now + 10,
        "terms of evicted articles are dropped: {} then {}",
        terms_now,
        index.term_count()
    );
}

#[test]
fn the_count_cap_holds_whatever_the_dates() {
    let config = StoryIndexConfig {
        max_articles: 5,
        ..StoryIndexConfig::default()
    };
    let mut index = StoryIndex::new(config);
    for id in 0..20 {
        index.insert(indexed(id, 1_000, id / 3, QUAKE[(id % 4) as usize]));
    }
    assert_eq!(index.len(), 5);
    assert!(index.contains(19) && !index.contains(14));
    // What is left still places and revisits without trouble.
    let n = neighbours_of(&index, 19, QUAKE[3]);
    let _ = index.revisit(19, &n);
    assert!(!index.related(19, 5).is_empty());
}
