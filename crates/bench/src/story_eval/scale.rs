//! The story index's cost per article as the archive grows: the index is loaded with N
//! synthetic articles (their key terms, as rebuilt from storage at start), then 1,000 more
//! are each placed, inserted and asked for their related articles, and timed.

use std::time::Instant;

use tidings_enrich::{IndexedArticle, StoryIndex, StoryIndexConfig};

/// The cost per article at one archive size.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePoint {
    pub stored: usize,
    pub load_secs: f64,
    pub mean_micros: f64,
    pub p99_micros: f64,
}

fn indexed(seed: u64, index: usize, story: i64) -> IndexedArticle {
    let article = crate::synthetic::article(seed, index);
    IndexedArticle {
        article_id: index as i64,
        at: article.published_at.map_or(0, |t| t.timestamp()),
        story,
        copy_of: None,
        terms: article.terms,
    }
}

/// Measures the cost per new article at each size in `sizes`.
pub fn measure_scale(sizes: &[usize], probes: usize) -> Vec<ScalePoint> {
    let mut points = Vec::new();
    for &stored in sizes {
        let started = Instant::now();
        let mut index = StoryIndex::new(StoryIndexConfig::default());
        for i in 0..stored {
            index.insert(indexed(7, i, (i / 4) as i64));
        }
        let load_secs = started.elapsed().as_secs_f64();
        let fresh: Vec<IndexedArticle> = (0..probes).map(|i| indexed(7, stored + i, 0)).collect();
        let mut micros = Vec::with_capacity(probes);
        let mut next_story = stored as i64;
        for mut article in fresh {
            let timer = Instant::now();
            let placement = index.place(article.at, &article.terms);
            article.story = placement.story.unwrap_or_else(|| {
                next_story += 1;
                next_story
            });
            let id = article.article_id;
            index.insert(article);
            let related = index.related(id, 10);
            micros.push(timer.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(related);
        }
        micros.sort_by(f64::total_cmp);
        let mean = micros.iter().sum::<f64>() / micros.len().max(1) as f64;
        let p99 = micros
            .get(micros.len().saturating_sub(1) * 99 / 100)
            .copied()
            .unwrap_or(0.0);
        points.push(ScalePoint {
            stored,
            load_secs,
            mean_micros: mean,
            p99_micros: p99,
        });
    }
    points
}
