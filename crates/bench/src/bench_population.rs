//! Filling a database with many synthetic articles for the page benchmarks, fast enough for a
//! million. The in-memory story index is not used: each article is placed from the
//! generator's own events (one story per event, the event's other articles as its neighbours
//! with the cosine similarity of their key terms, tags harmonised with the story's as the
//! story stage does), written through the ordinary `insert_article` and
//! `StoryStore::place_in_story`, so the database has the shape the pipeline writes.
//! Re-running skips what is stored already.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use tidings_core::{
    ArticleId, InsertOutcome, KeyTerm, NewArticle, Storage, StoryId, StoryPlacement, Tag,
};
use tidings_storage::DatabaseLocation;

use crate::synthetic::{self, EVENT_SIZE};

/// Nearest articles kept per article, as the story stage keeps them.
const NEIGHBOURS_KEPT: usize = 10;
/// Story tags an article's tags are harmonised with, as the story stage reads them.
const STORY_TAGS_READ: usize = 12;
/// Events written at once to PostgreSQL (SQLite has one writer).
const POSTGRES_WRITERS: usize = 8;
/// How often progress is printed.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// What to store: the first `articles` of the synthetic corpus of `seed`.
#[derive(Debug, Clone, Copy)]
pub struct Population {
    pub articles: usize,
    pub seed: u64,
    /// Events written concurrently.
    pub writers: usize,
}

/// What a run stored.
#[derive(Debug, Default)]
pub struct PopulationCounts {
    /// Articles stored and placed by this run.
    pub inserted: AtomicUsize,
    /// Articles found stored and placed already.
    pub already_stored: AtomicUsize,
}

impl PopulationCounts {
    /// Articles done so far, stored by this run or before.
    pub fn done(&self) -> usize {
        self.inserted.load(Ordering::Relaxed) + self.already_stored.load(Ordering::Relaxed)
    }
}

/// Writers that suit a database setting: one for SQLite, several for PostgreSQL.
pub fn default_writers(database: &str) -> anyhow::Result<usize> {
    Ok(match DatabaseLocation::parse(database)? {
        DatabaseLocation::Postgres(_) => POSTGRES_WRITERS,
        DatabaseLocation::SqliteFile(_) | DatabaseLocation::SqliteMemory => 1,
    })
}

/// `tidings-bench populate`: opens `database`, stores the population with a progress line
/// every few seconds, and prints what it took.
pub async fn populate_command(
    database: &str,
    articles: usize,
    seed: u64,
    writers: Option<usize>,
) -> anyhow::Result<()> {
    let shown = tidings::app::without_password(database);
    let writers = match writers {
        Some(w) => w.max(1),
        None => default_writers(database)?,
    };
    let storage = tidings_storage::open(database)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database at {shown}: {e}"))?;
    let population = Population {
        articles,
        seed,
        writers,
    };
    let counts = Arc::new(PopulationCounts::default());
    let started = Instant::now();
    let ticker = {
        let counts = Arc::clone(&counts);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROGRESS_EVERY).await;
                let done = counts.done();
                let secs = started.elapsed().as_secs_f64();
                let rate = done as f64 / secs;
                let left = articles.saturating_sub(done) as f64 / rate.max(1e-9);
                eprintln!(
                    "populate: {done}/{articles} articles after {secs:.0} s ({rate:.0}/s, about {left:.0} s left)"
                );
            }
        })
    };
    let result = populate(storage, population, &counts).await;
    ticker.abort();
    result?;
    let secs = started.elapsed().as_secs_f64();
    let inserted = counts.inserted.load(Ordering::Relaxed);
    println!(
        "populate: {shown}: {articles} articles ({inserted} stored now, {} already there) in {secs:.1} s = {:.0} stored/s with {writers} writer(s)",
        counts.already_stored.load(Ordering::Relaxed),
        inserted as f64 / secs.max(1e-9)
    );
    Ok(())
}

/// Stores and places the population, counting into `counts` as it goes. Articles are
/// generated on blocking threads ahead of the writers; each event is written by one writer,
/// in order, and `population.writers` events are written at once.
pub async fn populate(
    storage: Arc<dyn Storage>,
    population: Population,
    counts: &PopulationCounts,
) -> anyhow::Result<()> {
    let resuming = storage.count_articles().await? > 0;
    let events = population.articles.div_ceil(EVENT_SIZE);
    let writers = population.writers.max(1);
    futures::stream::iter(0..events)
        .map(|event| prepare_event(Arc::clone(&storage), population, event, resuming))
        .buffered(writers + 2)
        .try_for_each_concurrent(writers, |work| {
            let storage = Arc::clone(&storage);
            async move {
                match work {
                    EventWork::Stored(n) => {
                        counts.already_stored.fetch_add(n, Ordering::Relaxed);
                    }
                    EventWork::Write(articles) => {
                        write_event(storage.as_ref(), articles, counts).await?;
                    }
                }
                Ok(())
            }
        })
        .await
}

/// One event's work.
enum EventWork {
    /// Every article is stored and placed already (this many).
    Stored(usize),
    /// The event's articles, to store (those stored already are found as duplicates).
    Write(Vec<NewArticle>),
}

async fn prepare_event(
    storage: Arc<dyn Storage>,
    population: Population,
    event: usize,
    resuming: bool,
) -> anyhow::Result<EventWork> {
    let first = event * EVENT_SIZE;
    let end = (first + EVENT_SIZE).min(population.articles);
    // An event's articles are placed in order, so a placed last article means a done event.
    if resuming && placed_already(storage.as_ref(), population.seed, end - 1).await? {
        return Ok(EventWork::Stored(end - first));
    }
    let seed = population.seed;
    let articles = tokio::task::spawn_blocking(move || {
        (first..end)
            .map(|index| synthetic::article(seed, index))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| anyhow::anyhow!("generating synthetic articles failed: {e}"))?;
    Ok(EventWork::Write(articles))
}

async fn placed_already(storage: &dyn Storage, seed: u64, index: usize) -> anyhow::Result<bool> {
    let url = synthetic::article_url(seed, index);
    let Some(id) = storage.find_duplicate(None, None, &[&url]).await? else {
        return Ok(false);
    };
    Ok(storage
        .article_links(id)
        .await?
        .is_some_and(|links| links.story_id.is_some()))
}

/// An article of the event being written, as placed.
struct Member {
    terms: Vec<KeyTerm>,
    id: ArticleId,
    /// Its tags as stored after placement.
    tags: Vec<Tag>,
}

/// Stores the event's articles in order and places each in the event's story.
async fn write_event(
    storage: &dyn Storage,
    articles: Vec<NewArticle>,
    counts: &PopulationCounts,
) -> anyhow::Result<()> {
    let mut story: Option<StoryId> = None;
    let mut members: Vec<Member> = Vec::with_capacity(articles.len());
    for article in articles {
        let terms = article.terms.clone();
        let own_tags = article.tags.clone();
        let id = match storage.insert_article(article).await? {
            InsertOutcome::Inserted(id) => id,
            InsertOutcome::Duplicate(id) => {
                let placed_in = storage.article_links(id).await?.and_then(|l| l.story_id);
                if let Some(placed_in) = placed_in {
                    story.get_or_insert(placed_in);
                    let tags = storage.article(id).await?.map(|a| a.tags);
                    members.push(Member {
                        terms,
                        id,
                        tags: tags.unwrap_or(own_tags),
                    });
                    counts.already_stored.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                id
            }
        };
        let neighbours = nearest(&terms, &members);
        let tags =
            story.map(|_| tidings_enrich::harmonise_tags(&own_tags, &terms, &story_tags(&members)));
        let placed_in = storage
            .place_in_story(StoryPlacement {
                article_id: id,
                story,
                copy_of: None,
                original_of: Vec::new(),
                neighbours,
                tags: tags.clone(),
            })
            .await?;
        story = Some(placed_in);
        members.push(Member {
            terms,
            id,
            tags: tags.unwrap_or(own_tags),
        });
        counts.inserted.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// The placed articles most similar to `terms` (cosine of key-term weights), best first.
fn nearest(terms: &[KeyTerm], members: &[Member]) -> Vec<(ArticleId, f32)> {
    let mut out: Vec<(ArticleId, f32)> = members
        .iter()
        .map(|m| (m.id, cosine(terms, &m.terms)))
        .filter(|(_, similarity)| *similarity > 0.0)
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.truncate(NEIGHBOURS_KEPT);
    out
}

fn cosine(a: &[KeyTerm], b: &[KeyTerm]) -> f32 {
    let weights: HashMap<&str, f32> = a.iter().map(|t| (t.term.as_str(), t.weight)).collect();
    let dot: f32 = b
        .iter()
        .filter_map(|t| weights.get(t.term.as_str()).map(|w| w * t.weight))
        .sum();
    let norm = |terms: &[KeyTerm]| {
        terms
            .iter()
            .map(|t| t.weight * t.weight)
            .sum::<f32>()
            .sqrt()
    };
    let norms = norm(a) * norm(b);
    if norms > 0.0 { dot / norms } else { 0.0 }
}

/// The story's tags as `StoryStore::story_tags` orders them: most used first, then by their
/// first position, then by slug.
fn story_tags(members: &[Member]) -> Vec<Tag> {
    let mut by_slug: HashMap<&str, (usize, usize, &str)> = HashMap::new();
    for member in members {
        for (position, tag) in member.tags.iter().enumerate() {
            let entry =
                by_slug
                    .entry(tag.slug.as_str())
                    .or_insert((0, position, tag.label.as_str()));
            entry.0 += 1;
            entry.1 = entry.1.min(position);
            entry.2 = entry.2.min(tag.label.as_str());
        }
    }
    let mut tags: Vec<(&str, (usize, usize, &str))> = by_slug.into_iter().collect();
    tags.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)).then(a.0.cmp(b.0)));
    tags.into_iter()
        .take(STORY_TAGS_READ)
        .map(|(slug, (_, _, label))| Tag {
            slug: slug.to_string(),
            label: label.to_string(),
        })
        .collect()
}

/// The ids of `count` articles spread evenly over the first `articles` of the corpus of
/// `seed` (found by their URLs); articles not stored are left out.
pub async fn sample_article_ids(
    storage: &dyn Storage,
    seed: u64,
    articles: usize,
    count: usize,
) -> anyhow::Result<Vec<ArticleId>> {
    let step = (articles / count.max(1)).max(1);
    let mut ids = Vec::with_capacity(count);
    for index in (0..articles).step_by(step).take(count) {
        let url = synthetic::article_url(seed, index);
        if let Some(id) = storage.find_duplicate(None, None, &[&url]).await? {
            ids.push(id);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests;
