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

/// Syllables that pseudo-words are built from: 24³ ≈ 14,000 distinct words.
const SYLLABLES: &[&str] = &[
    "ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "va", "we",
    "xi", "yo", "za", "bri", "cla", "dre", "flo", "gra",
];

/// A word of the synthetic vocabulary drawn with a Zipf-like (log-uniform) rank: a few words
/// are very common, most are rare, as in real news text.
fn vocabulary_word(rng: &mut Rng) -> String {
    let size = (SYLLABLES.len() * SYLLABLES.len() * SYLLABLES.len()) as f64;
    let unit = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let rank = (size.powf(unit) as usize).min(size as usize - 1);
    if rank < WORDS.len() {
        return WORDS[rank].to_string();
    }
    let n = SYLLABLES.len();
    format!(
        "{}{}{}",
        SYLLABLES[rank % n],
        SYLLABLES[rank / n % n],
        SYLLABLES[rank / n / n % n]
    )
}

/// Articles per event: articles `EVENT_SIZE * e .. EVENT_SIZE * (e + 1)` report event `e`.
pub const EVENT_SIZE: usize = 8;

/// The URL of the `index`-th synthetic article of the corpus of `seed` (unique per article,
/// so a stored one is found again by it).
pub fn article_url(seed: u64, index: usize) -> String {
    format!("https://synthetic.example/{seed}/{index}")
}

/// The `index`-th synthetic article of a corpus generated from `seed`. Articles come in
/// events of [`EVENT_SIZE`]: an event's articles share its names and a few rare words.
pub fn article(seed: u64, index: usize) -> NewArticle {
    let event = index / EVENT_SIZE;
    let mut event_rng = Rng(seed
        .wrapping_add(event as u64)
        .wrapping_mul(0xD6E8_FEB8_6659_FD93)
        | 1);
    let event_names = [rng_name(&mut event_rng), rng_name(&mut event_rng)];
    let event_words: Vec<String> = (0..6).map(|_| vocabulary_word(&mut event_rng)).collect();
    let event_minutes = (event_rng.next() % (60 * 24 * 30)) as i64;
    let mut rng = Rng(seed
        .wrapping_add(index as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        | 1);
    let publisher = format!("Outlet {}", rng.next() % 40);
    let title = format!(
        "{} {} {} as {} {}",
        event_names[0],
        event_words[0],
        vocabulary_word(&mut rng),
        event_words[1],
        vocabulary_word(&mut rng)
    );
    let mut paragraphs = Vec::new();
    for _ in 0..6 {
        let mut sentence_words = Vec::new();
        for i in 0..48 {
            let word = match i % 12 {
                5 => event_names[(rng.next() % 2) as usize].to_string(),
                9 => event_words[(rng.next() % event_words.len() as u64) as usize].clone(),
                _ => vocabulary_word(&mut rng),
            };
            sentence_words.push(word);
        }
        paragraphs.push(format!("The {}.", sentence_words.join(" ")));
    }
    let text = paragraphs.join("\n\n");
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect::<String>();
    let enrichment = enrich(&title, &text, &[]);
    let minutes = event_minutes + (rng.next() % 180) as i64;
    NewArticle {
        feed_id: None,
        publisher,
        guid: None,
        url: article_url(seed, index),
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

fn rng_name(rng: &mut Rng) -> String {
    let first = rng.pick(NAMES);
    let n = SYLLABLES.len();
    let r = rng.next() as usize;
    let surname = format!(
        "{}{}{}",
        SYLLABLES[r % n],
        SYLLABLES[r / n % n],
        SYLLABLES[r / n / n % n]
    );
    let mut chars = surname.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    format!("{} {capitalised}", first.split(' ').next().unwrap_or(first))
}

/// Stores `count` synthetic articles and returns their ids. With a story stage, each new
/// article is also placed in a story, as the pipeline does.
pub async fn fill(
    storage: &dyn Storage,
    count: usize,
    seed: u64,
    stories: Option<&tidings_worker::story_stage::StoryStage>,
) -> anyhow::Result<Vec<ArticleId>> {
    let mut ids = Vec::with_capacity(count);
    for index in 0..count {
        let article = article(seed, index);
        match storage.insert_article(article.clone()).await? {
            InsertOutcome::Inserted(id) => {
                if let Some(stage) = stories {
                    stage.place(id, &article).await?;
                }
                ids.push(id);
            }
            InsertOutcome::Duplicate(id) => ids.push(id),
        }
    }
    Ok(ids)
}
