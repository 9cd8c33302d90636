//! Synthetic articles for benchmarks: deterministic, varied enough that tags, terms and
//! related articles behave as on real data.

use chrono::{Duration, Utc};
use tidings_core::{ArticleId, BodySource, InsertOutcome, NewArticle, RepublishPolicy, Storage};

use tidings_enrich::enrich;

const WORDS: &[&str] = &[
    "council",
    "budget",
    "harbor",
    "election",
    "storm",
    "river",
    "school",
    "hospital",
    "bridge",
    "market",
    "festival",
    "court",
    "police",
    "airport",
    "museum",
    "railway",
    "energy",
    "water",
    "housing",
    "tourism",
    "fishing",
    "farmers",
    "teachers",
    "nurses",
    "workers",
    "students",
    "drivers",
    "voters",
    "residents",
    "officials",
    "mayor",
    "minister",
    "judge",
    "engineers",
    "flood",
    "fire",
    "strike",
    "vote",
    "plan",
    "report",
    "inquiry",
    "contract",
    "license",
    "permit",
    "tax",
    "fund",
    "grant",
    "project",
    "season",
    "record",
    "league",
    "match",
    "coach",
    "team",
    "concert",
    "exhibition",
    "gallery",
    "library",
    "park",
    "road",
    "tunnel",
    "port",
];

const NAMES: &[&str] = &[
    "Ada Lindqvist",
    "Omar Haddad",
    "Mei Tanaka",
    "Jonas Berg",
    "Lucia Ferreira",
    "Kwame Mensah",
    "Northfield",
    "Port Alder",
    "Riverside",
    "Eastmoor",
    "Lake Vanta",
    "Grey Harbour",
    "Union Council",
    "Coastal Authority",
    "Metro Transit",
    "Valley Hospital",
];

/// A small deterministic generator (xorshift64*), so runs are repeatable without a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// The `index`-th synthetic article of a corpus generated from `seed`.
pub fn article(seed: u64, index: usize) -> NewArticle {
    let mut rng = Rng(seed
        .wrapping_add(index as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        | 1);
    let publisher = format!("Outlet {}", rng.next() % 40);
    let subject = rng.pick(NAMES);
    let title = format!(
        "{subject} {} {} {} as {} {}",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS)
    );
    let mut paragraphs = Vec::new();
    for _ in 0..6 {
        let mut sentence_words = Vec::new();
        for i in 0..48 {
            if i % 12 == 5 {
                sentence_words.push(rng.pick(NAMES).to_string());
            } else {
                sentence_words.push(rng.pick(WORDS).to_string());
            }
        }
        paragraphs.push(format!("The {}.", sentence_words.join(" ")));
    }
    let text = paragraphs.join("\n\n");
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect::<String>();
    let enrichment = enrich(&title, &text, &[]);
    let minutes = (rng.next() % (60 * 24 * 30)) as i64;
    NewArticle {
        feed_id: None,
        publisher,
        guid: None,
        url: format!("https://synthetic.example/{seed}/{index}"),
        canonical_url: None,
        title,
        byline: Some(rng.pick(NAMES).to_string()),
        published_at: Some(Utc::now() - Duration::minutes(minutes)),
        image: None,
        language: Some("en".to_string()),
        site_name: None,
        excerpt: paragraphs[0].chars().take(280).collect(),
        text,
        html,
        body_source: BodySource::Page,
        policy: RepublishPolicy::Full,
        tags: enrichment.tags,
        terms: enrichment.terms,
    }
}

/// Stores `count` synthetic articles and returns their ids.
pub async fn fill(
    storage: &dyn Storage,
    count: usize,
    seed: u64,
) -> anyhow::Result<Vec<ArticleId>> {
    let mut ids = Vec::with_capacity(count);
    for index in 0..count {
        match storage.insert_article(article(seed, index)).await? {
            InsertOutcome::Inserted(id) | InsertOutcome::Duplicate(id) => ids.push(id),
        }
    }
    Ok(ids)
}
