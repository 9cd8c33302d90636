//! The story placer's throughput on a real backend: N synthetic articles are stored unplaced,
//! then the story stage places them all (copy checks, story choice, revisit step, the writes)
//! as the holder of the "stories" role does with what other processes stored; run by
//! `tidings-bench placer`.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use tidings_core::InsertOutcome;
use tidings_enrich::StoryIndexConfig;

use tidings_worker::story_stage::StoryStage;

/// What one placer run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacerFigures {
    pub stored: usize,
    pub placed: usize,
    pub secs: f64,
}

/// Stores `articles` synthetic articles of `seed` in `database` (which should be empty) and
/// times placing them.
pub async fn measure_placer(
    database: &str,
    articles: usize,
    seed: u64,
) -> anyhow::Result<PlacerFigures> {
    let storage = tidings_storage::open(database)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    let mut stored = 0;
    for i in 0..articles {
        let article = crate::synthetic::article(seed, i);
        if let InsertOutcome::Inserted(_) = storage
            .insert_article(article)
            .await
            .with_context(|| format!("storing synthetic article {i}"))?
        {
            stored += 1;
        }
    }
    let stage = StoryStage::new(Arc::clone(&storage), StoryIndexConfig::default());
    let started = Instant::now();
    let placed = stage.place_pending().await?;
    let secs = started.elapsed().as_secs_f64();
    stage.resign().await;
    Ok(PlacerFigures {
        stored,
        placed,
        secs,
    })
}
