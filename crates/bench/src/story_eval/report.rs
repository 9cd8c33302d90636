//! `tidings-bench stories`: prints the story figures — ECB+ grouping (pairwise and BCubed F1)
//! and Related@5 per topic half, in publication order and over seeded shuffles; the copy set;
//! and the story index's cost and memory as the archive grows.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tidings_enrich::StoryIndexConfig;

use super::{StreamOrder, Topics};

/// Seeds of the shuffled orders (fixed, so every run streams the same orders).
pub const SHUFFLE_SEEDS: std::ops::RangeInclusive<u64> = 1..=20;

/// Options of `tidings-bench stories`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportOptions {
    /// Override the join threshold (for tuning).
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Override the weight of the nearest member in a story's score (for tuning).
    #[arg(long)]
    pub nearest_weight: Option<f32>,
    /// Override the least story similarity for a merge (for tuning).
    #[arg(long)]
    pub merge_threshold: Option<f32>,
    /// Override the most similarity of a story's halves for a split (for tuning).
    #[arg(long)]
    pub split_threshold: Option<f32>,
    /// Turn the revisit step (merges and splits) off, to see what it does.
    #[arg(long)]
    pub no_revisit: bool,
    /// Never evict from the story index (how it behaved before eviction), to compare memory.
    #[arg(long)]
    pub no_evict: bool,
    /// Only the tuning half (what settings may be chosen on).
    #[arg(long)]
    pub tuning_only: bool,
    /// Only the held-out half (what nobody tuned on).
    #[arg(long)]
    pub held_out_only: bool,
    /// Skip the copy set and the scale curve: ECB+ grouping and Related@5 only.
    #[arg(long)]
    pub quality_only: bool,
    /// Write each ECB+ document's event and story (tab-separated, per order) to this file.
    #[arg(long)]
    pub assignments: Option<PathBuf>,
}

impl ReportOptions {
    fn config(&self) -> StoryIndexConfig {
        let mut config = StoryIndexConfig::default();
        if let Some(t) = self.threshold {
            config.join_threshold = t;
        }
        if let Some(w) = self.nearest_weight {
            config.nearest_weight = w;
        }
        if let Some(t) = self.merge_threshold {
            config.merge_threshold = t;
        }
        if let Some(t) = self.split_threshold {
            config.split_threshold = t;
        }
        if self.no_evict {
            config.keep_secs = i64::MAX;
            config.max_articles = usize::MAX;
        }
        config
    }
}

/// Runs every story measurement and prints it; `data` is the shared data folder.
pub fn report(data: &Path, sizes: &[usize], options: &ReportOptions) -> anyhow::Result<()> {
    let config = options.config();
    let revisit = !options.no_revisit;
    let ecb = data.join("stories/ecbplus-dev/docs.jsonl");
    let demo_corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/data/corpus.jsonl");
    println!(
        "revisit step {}; held-out topics {:?}",
        if revisit { "on" } else { "off" },
        super::HELD_OUT_TOPICS
    );
    let halves: &[(&str, Topics)] = if options.tuning_only {
        &[("tuning half", Topics::Tuning)]
    } else if options.held_out_only {
        &[("held-out half", Topics::HeldOut)]
    } else {
        &[
            ("tuning half", Topics::Tuning),
            ("held-out half", Topics::HeldOut),
            ("all topics", Topics::All),
        ]
    };
    let mut dump = String::new();
    for &(half, topics) in halves {
        for (label, order) in [
            ("publication order", StreamOrder::Published(&demo_corpus)),
            ("file order", StreamOrder::File),
        ] {
            let f = super::evaluate_ecbplus(&ecb, order, topics, config, revisit)?;
            println!(
                "ecbplus-dev {half}, {label}: {} docs, {} events -> {} stories; pairwise P {:.3} R {:.3} F1 {:.3}; BCubed P {:.3} R {:.3} F1 {:.3}; related@5 {:.3} over {}",
                f.documents,
                f.events,
                f.stories,
                f.precision,
                f.recall,
                f.f1,
                f.bcubed.0,
                f.bcubed.1,
                f.bcubed.2,
                f.related_at_5,
                f.related_articles
            );
            if topics == Topics::All {
                let pairs: Vec<String> = f.copies.iter().map(|(c, o)| format!("{c}~{o}")).collect();
                println!(
                    "  articles marked as copies: {} ({})",
                    f.copies.len(),
                    pairs.join(" ")
                );
            }
            for (doc, event, story) in &f.assignments {
                writeln!(dump, "{half}, {label}\t{doc}\t{event}\t{story}")?;
            }
        }
        let s = super::evaluate_shuffles(&ecb, SHUFFLE_SEEDS, topics, config, revisit)?;
        println!(
            "ecbplus-dev {half}, {} shuffled orders (seeds {}-{}): pairwise P {:.3} R {:.3} F1 mean {:.3} worst {:.3} best {:.3}; BCubed F1 mean {:.3} worst {:.3}; related@5 mean {:.3}",
            s.orders,
            SHUFFLE_SEEDS.start(),
            SHUFFLE_SEEDS.end(),
            s.mean_precision,
            s.mean_recall,
            s.mean_f1,
            s.min_f1,
            s.max_f1,
            s.mean_bcubed_f1,
            s.min_bcubed_f1,
            s.mean_related_at_5
        );
    }
    if let Some(path) = &options.assignments {
        std::fs::write(path, dump)?;
    }
    if options.quality_only {
        return Ok(());
    }
    let c = super::evaluate_copies(
        &data.join("extraction/zyte/ground-truth.json"),
        &ecb,
        config,
    )?;
    println!(
        "copies (zyte, {} originals + {} republished, streamed): TP {} FP {} precision {:.3} recall {:.3}",
        c.originals, c.copies, c.true_positives, c.false_positives, c.precision, c.recall
    );
    println!(
        "copies among same-event ecbplus pairs: {} of {}",
        c.same_event_false_copies, c.same_event_pairs
    );
    for point in super::measure_scale(sizes, 1000, config, revisit) {
        println!(
            "scale: {:>8} articles streamed (in {:.1} s, {:.0} placed/s, {} left indexed, peak RSS {} MiB): place+insert+revisit+related mean {:.0} µs, p99 {:.0} µs",
            point.stored,
            point.load_secs,
            point.articles_per_sec,
            point.indexed,
            point.peak_rss_kib / 1024,
            point.mean_micros,
            point.p99_micros
        );
    }
    Ok(())
}
