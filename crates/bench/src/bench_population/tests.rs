use std::collections::HashSet;

use tidings_storage::testsuite::TempPostgres;

use super::*;

const SEED: u64 = 7;

async fn sqlite() -> Arc<dyn Storage> {
    Arc::new(
        tidings_storage::SqliteStorage::open_in_memory()
            .await
            .expect("in-memory database"),
    )
}

async fn run(storage: &Arc<dyn Storage>, articles: usize, writers: usize) -> (usize, usize) {
    let counts = PopulationCounts::default();
    let population = Population {
        articles,
        seed: SEED,
        writers,
    };
    populate(Arc::clone(storage), population, &counts)
        .await
        .expect("populate");
    (
        counts.inserted.load(Ordering::Relaxed),
        counts.already_stored.load(Ordering::Relaxed),
    )
}

async fn id_of(storage: &Arc<dyn Storage>, index: usize) -> ArticleId {
    let url = synthetic::article_url(SEED, index);
    storage
        .find_duplicate(None, None, &[&url])
        .await
        .expect("lookup")
        .unwrap_or_else(|| panic!("article {index} is not stored"))
}

async fn story_of(storage: &Arc<dyn Storage>, index: usize) -> StoryId {
    let id = id_of(storage, index).await;
    storage
        .article_links(id)
        .await
        .expect("links")
        .and_then(|l| l.story_id)
        .unwrap_or_else(|| panic!("article {index} is not placed"))
}

/// One story per event, the event's other articles as related, tags from the story.
async fn check_shape(storage: &Arc<dyn Storage>, articles: usize) {
    assert_eq!(
        storage.count_articles().await.expect("count"),
        articles as i64
    );
    let events = articles.div_ceil(EVENT_SIZE);
    let mut stories = HashSet::new();
    for event in 0..events {
        let first = event * EVENT_SIZE;
        let end = (first + EVENT_SIZE).min(articles);
        let story = story_of(storage, first).await;
        assert!(stories.insert(story), "event {event} shares a story");
        for index in first..end {
            assert_eq!(story_of(storage, index).await, story, "article {index}");
        }
        let lead = id_of(storage, first).await;
        let related: HashSet<ArticleId> = storage
            .story_related(lead, 20)
            .await
            .expect("related")
            .into_iter()
            .map(|card| card.id)
            .collect();
        let mut others = HashSet::new();
        for index in first + 1..end {
            others.insert(id_of(storage, index).await);
        }
        assert_eq!(related, others, "related articles of event {event}");
    }
    let story_tags = storage
        .story_tags(story_of(storage, 0).await, 12)
        .await
        .expect("story tags");
    assert!(!story_tags.is_empty(), "the first story has no tags");
}

#[tokio::test]
async fn events_become_stories_with_their_articles_as_related() {
    let storage = sqlite().await;
    assert_eq!(run(&storage, 20, 1).await, (20, 0));
    check_shape(&storage, 20).await;
}

#[tokio::test]
async fn running_again_stores_nothing_twice() {
    let storage = sqlite().await;
    run(&storage, 20, 1).await;
    assert_eq!(run(&storage, 20, 1).await, (0, 20));
    check_shape(&storage, 20).await;
}

#[tokio::test]
async fn a_larger_run_completes_a_cut_event_in_its_story() {
    let storage = sqlite().await;
    // Event 1 is cut after its fourth article.
    assert_eq!(run(&storage, 12, 1).await, (12, 0));
    assert_eq!(run(&storage, 24, 1).await, (12, 12));
    check_shape(&storage, 24).await;
}

#[tokio::test]
async fn samples_spread_over_the_whole_corpus() {
    let storage = sqlite().await;
    run(&storage, 40, 1).await;
    let ids = sample_article_ids(storage.as_ref(), SEED, 40, 10)
        .await
        .expect("sample");
    let mut expected = Vec::new();
    for index in (0..40).step_by(4) {
        expected.push(id_of(&storage, index).await);
    }
    assert_eq!(ids, expected);
    let missing = sample_article_ids(storage.as_ref(), SEED, 400, 10)
        .await
        .expect("sample");
    assert_eq!(missing.len(), 1, "only index 0 of every 40th is stored");
}

#[tokio::test]
async fn concurrent_writers_fill_postgres_in_the_same_shape() {
    let database = TempPostgres::create().await;
    let storage: Arc<dyn Storage> = Arc::new(database.storage().await);
    assert_eq!(run(&storage, 44, 4).await, (44, 0));
    check_shape(&storage, 44).await;
    assert_eq!(run(&storage, 44, 4).await, (0, 44));
}

#[test]
fn story_tags_are_ordered_as_storage_orders_them() {
    let tag = |slug: &str| Tag {
        slug: slug.into(),
        label: slug.to_uppercase(),
    };
    let member = |tags: Vec<Tag>| Member {
        terms: Vec::new(),
        id: 1,
        tags,
    };
    let members = [
        member(vec![tag("b"), tag("a")]),
        member(vec![tag("c"), tag("a")]),
        member(vec![tag("d")]),
    ];
    let slugs: Vec<String> = story_tags(&members).into_iter().map(|t| t.slug).collect();
    assert_eq!(slugs, ["a", "b", "c", "d"]);
}

#[test]
fn cosine_of_identical_terms_is_one_and_of_disjoint_zero() {
    let terms = |pairs: &[(&str, f32)]| -> Vec<KeyTerm> {
        pairs
            .iter()
            .map(|(term, weight)| KeyTerm {
                term: (*term).into(),
                weight: *weight,
            })
            .collect()
    };
    let a = terms(&[("harbor", 2.0), ("storm", 1.0)]);
    assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
    assert_eq!(cosine(&a, &terms(&[("court", 1.0)])), 0.0);
    assert_eq!(cosine(&a, &[]), 0.0);
}
