//! The story index's cost per article and its memory as the stream grows: N synthetic
//! articles (their key terms, as enrichment gives them) arrive in publication order, 10,000 a
//! day with up to three hours of jitter, and each is placed, inserted and revisited as the
//! story stage does; the last 1,000 are timed (with their related articles), and the peak
//! resident memory of the process is read after each size.

use std::time::Instant;

use tidings_enrich::{IndexedArticle, Revision, StoryIndex, StoryIndexConfig};

/// Articles a day in the synthetic stream.
const ARTICLES_PER_DAY: i64 = 10_000;
/// Latest an article of the stream arrives after its publication time (seconds).
const JITTER_SECS: u64 = 3 * 3600;
const EPOCH: i64 = 1_700_000_000;

/// The cost per article at one stream length.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePoint {
    pub stored: usize,
    pub load_secs: f64,
    /// Articles the index still holds at the end.
    pub indexed: usize,
    /// Articles per second placed (place + insert + revisit) over the whole stream, the
    /// making of the synthetic articles excluded.
    pub articles_per_sec: f64,
    pub mean_micros: f64,
    pub p99_micros: f64,
    /// The process's peak resident memory so far (KiB; 0 where `/proc` is missing).
    pub peak_rss_kib: u64,
}

fn indexed(seed: u64, index: usize) -> IndexedArticle {
    let article = crate::synthetic::article(seed, index);
    let jitter = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    IndexedArticle {
        article_id: index as i64,
        at: EPOCH + index as i64 * 86_400 / ARTICLES_PER_DAY - (jitter % JITTER_SECS) as i64,
        story: 0,
        copy_of: None,
        terms: article.terms,
    }
}

/// The process's peak resident set (VmHWM) in KiB, 0 when it cannot be read.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Places one article as the story stage does: joins the best story or starts one, then
/// applies the revisions its story calls for when `revisit` is set.
fn place_one(
    index: &mut StoryIndex,
    mut article: IndexedArticle,
    next_story: &mut i64,
    revisit: bool,
) {
    let placement = index.place(article.at, &article.terms);
    article.story = placement.story.unwrap_or_else(|| {
        *next_story += 1;
        *next_story
    });
    let id = article.article_id;
    index.insert(article);
    if !revisit {
        return;
    }
    for _ in 0..tidings_enrich::REVISIONS_PER_ARTICLE {
        match index.revisit(id, &placement.neighbours) {
            Some(Revision::Merge { from, into }) => index.merge_stories(from, into),
            Some(Revision::Split { articles, .. }) => {
                *next_story += 1;
                index.split_story(&articles, *next_story);
            }
            None => break,
        }
    }
}

/// Measures the cost per article and the memory at each stream length in `sizes` (streamed
/// afresh for each), timing the last `probes` articles.
pub fn measure_scale(
    sizes: &[usize],
    probes: usize,
    config: StoryIndexConfig,
    revisit: bool,
) -> Vec<ScalePoint> {
    let mut points = Vec::new();
    for &stored in sizes {
        let started = Instant::now();
        let mut index = StoryIndex::new(config);
        let mut next_story = 0;
        let mut placing = std::time::Duration::ZERO;
        let mut micros = Vec::with_capacity(probes);
        let total = stored + probes;
        for i in 0..total {
            let article = indexed(7, i);
            let timer = Instant::now();
            place_one(&mut index, article, &mut next_story, revisit);
            if i >= stored {
                let related = index.related(i as i64, 10);
                std::hint::black_box(related);
                micros.push(timer.elapsed().as_secs_f64() * 1e6);
            }
            placing += timer.elapsed();
        }
        micros.sort_by(f64::total_cmp);
        let mean = micros.iter().sum::<f64>() / micros.len().max(1) as f64;
        let p99 = micros
            .get(micros.len().saturating_sub(1) * 99 / 100)
            .copied()
            .unwrap_or(0.0);
        points.push(ScalePoint {
            stored,
            load_secs: started.elapsed().as_secs_f64(),
            indexed: index.len(),
            articles_per_sec: total as f64 / placing.as_secs_f64().max(1e-9),
            mean_micros: mean,
            p99_micros: p99,
            peak_rss_kib: peak_rss_kib(),
        });
    }
    points
}
