//! The story stage's revisions: a merge moves every article and leaves a redirect (chains
//! follow to the last survivor, and a new story never takes a merged story's id); a split
//! moves the named articles into a new story; both refuse what does not hold.

use tidings_core::{PageRequest, Storage, StorageError};

use super::{hours_after_base, insert_placed, sample_article};

async fn placed(
    storage: &dyn Storage,
    url: &str,
    title: &str,
    hour: i64,
    story: Option<i64>,
) -> (i64, i64) {
    let article = sample_article(
        url.split('/').nth(2).unwrap_or(url),
        url,
        title,
        Some(hours_after_base(hour)),
    );
    insert_placed(storage, article, story).await
}

async fn members(storage: &dyn Storage, story: i64) -> Vec<i64> {
    storage
        .story(story)
        .await
        .expect("read story")
        .map(|s| s.articles.iter().map(|a| a.card.id).collect())
        .unwrap_or_default()
}

pub async fn a_merge_moves_articles_and_leaves_a_redirect(storage: &dyn Storage) {
    let (a, first) = placed(storage, "https://a.example/1", "Quake hits", 0, None).await;
    let (b, second) = placed(storage, "https://b.example/1", "Quake toll", 3, None).await;
    let (c, third) = placed(storage, "https://c.example/1", "Quake aid", 1, None).await;
    assert_eq!(storage.story_redirect(first).await.expect("redirect"), None);

    storage.merge_stories(second, first).await.expect("merge");
    assert!(
        storage.story(second).await.expect("read").is_none(),
        "the merged story is gone"
    );
    assert_eq!(members(storage, first).await, [a, b]);
    assert_eq!(
        storage.story_redirect(second).await.expect("redirect"),
        Some(first)
    );
    let links = storage
        .article_links(b)
        .await
        .expect("links")
        .expect("article");
    assert_eq!(links.story_id, Some(first), "the article follows");
    let related: Vec<i64> = storage
        .story_related(a, 10)
        .await
        .expect("related")
        .iter()
        .map(|card| card.id)
        .collect();
    assert!(related.contains(&b), "related lists follow: {related:?}");
    let latest = storage
        .latest_stories(PageRequest::new(1, 10))
        .await
        .expect("list");
    let listed: Vec<i64> = latest.items.iter().map(|s| s.id).collect();
    assert_eq!(
        listed,
        [first, third],
        "the survivor is dated by its newest article: {listed:?}"
    );

    // A chain: `first` merged on leads both old addresses to the last survivor.
    storage
        .merge_stories(first, third)
        .await
        .expect("second merge");
    assert_eq!(
        storage.story_redirect(second).await.expect("redirect"),
        Some(third)
    );
    assert_eq!(
        storage.story_redirect(first).await.expect("redirect"),
        Some(third)
    );
    let mut all = members(storage, third).await;
    all.sort_unstable();
    assert_eq!(all, [a, b, c]);

    // A new story never takes an id a merged story had.
    let (_, fresh) = placed(storage, "https://d.example/1", "Budget", 4, None).await;
    assert!(fresh > second.max(first).max(third), "{fresh}");
    assert_eq!(storage.story_redirect(fresh).await.expect("redirect"), None);

    for (from, into) in [(third, third), (third, 999_999), (999_999, third)] {
        let refused = storage.merge_stories(from, into).await;
        assert!(
            matches!(refused, Err(StorageError::Invalid(_))),
            "{from}->{into}: {refused:?}"
        );
    }
    assert_eq!(
        members(storage, third).await.len(),
        3,
        "a refused merge changes nothing"
    );
}

pub async fn a_split_moves_articles_into_a_new_story(storage: &dyn Storage) {
    let (a, story) = placed(storage, "https://a.example/1", "Sukanya rescue", 0, None).await;
    let (b, _) = placed(
        storage,
        "https://b.example/1",
        "Sukanya crew",
        1,
        Some(story),
    )
    .await;
    let (c, _) = placed(
        storage,
        "https://c.example/1",
        "Mysore pirates",
        5,
        Some(story),
    )
    .await;
    let (d, _) = placed(
        storage,
        "https://d.example/1",
        "Mysore custody",
        6,
        Some(story),
    )
    .await;
    let (e, other) = placed(storage, "https://e.example/1", "Budget", 2, None).await;

    let new = storage.split_story(story, &[c, d]).await.expect("split");
    assert_ne!(new, story);
    assert_eq!(members(storage, story).await, [a, b]);
    assert_eq!(members(storage, new).await, [c, d]);
    let links = storage
        .article_links(c)
        .await
        .expect("links")
        .expect("article");
    assert_eq!(links.story_id, Some(new));
    let latest = storage
        .latest_stories(PageRequest::new(1, 10))
        .await
        .expect("list");
    let listed: Vec<i64> = latest.items.iter().map(|s| s.id).collect();
    assert_eq!(
        listed,
        [new, other, story],
        "each dated by its own articles: {listed:?}"
    );

    for (from, articles) in [(story, vec![]), (story, vec![e]), (story, vec![a, c])] {
        let refused = storage.split_story(from, &articles).await;
        assert!(
            matches!(refused, Err(StorageError::Invalid(_))),
            "{articles:?}: {refused:?}"
        );
    }
    assert_eq!(
        members(storage, story).await,
        [a, b],
        "a refused split changes nothing"
    );
}
