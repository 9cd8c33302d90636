//! Serves the site over a small made-up corpus in memory, or times page requests over it.
//!
//! `cargo run -p tidings-web --example preview -- serve 127.0.0.1:8088`
//! `cargo run -p tidings-web --release --example preview -- measure`

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use chrono::{Duration, Utc};
use tidings_core::{BodySource, KeyTerm, NewArticle, RepublishPolicy, Storage, Tag};
use tidings_storage::SqliteStorage;
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

const PUBLISHERS: [&str; 4] = [
    "Daily Ledger",
    "Harbor Times",
    "The Valley Post",
    "Northern Wire",
];
const TOPICS: [(&str, &[&str]); 5] = [
    (
        "Ceasefire talks resume in Geneva as envoys meet",
        &["Geneva", "Diplomacy"],
    ),
    (
        "City council approves budget for new tram line",
        &["City Council", "Transport"],
    ),
    (
        "Heatwave strains power grid across the region",
        &["Climate", "Energy"],
    ),
    (
        "Local team clinches the championship in overtime",
        &["Sport"],
    ),
    (
        "Researchers map a vast cave system under the hills",
        &["Science", "Caves"],
    ),
];

fn corpus(count: usize) -> Vec<NewArticle> {
    (0..count)
        .map(|i| {
            let publisher = PUBLISHERS[i % PUBLISHERS.len()];
            let (topic, tags) = TOPICS[i % TOPICS.len()];
            let title = if i < TOPICS.len() * 2 {
                topic.to_owned()
            } else {
                format!("{topic} (update {i})")
            };
            let paragraphs: Vec<String> = (1..=6)
                .map(|p| {
                    format!(
                        "Paragraph {p} of the story. {topic}. Officials said on Tuesday that \
                         the plans would be reviewed again next month, and residents were \
                         invited to comment before the final decision."
                    )
                })
                .collect();
            let slug = tidings_core::publisher_slug(publisher);
            NewArticle {
                feed_id: None,
                publisher: publisher.to_owned(),
                guid: None,
                url: format!("https://{slug}.example/{i}"),
                canonical_url: None,
                title,
                byline: (i % 3 != 0).then(|| "Sam Writer".to_owned()),
                published_at: Some(Utc::now() - Duration::minutes(i as i64 * 47 + 3)),
                image: None,
                language: Some("en".to_owned()),
                site_name: Some(publisher.to_owned()),
                html: paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect(),
                text: paragraphs.join("\n\n"),
                excerpt: format!("{topic}: what we know so far, and what happens next."),
                body_source: if i % 7 == 3 {
                    BodySource::FeedContent
                } else {
                    BodySource::Page
                },
                policy: if i % 2 == 0 {
                    RepublishPolicy::Full
                } else {
                    RepublishPolicy::Excerpt
                },
                tags: tags.iter().filter_map(|t| Tag::from_label(t)).collect(),
                terms: topic
                    .split_whitespace()
                    .map(|w| KeyTerm {
                        term: w.to_lowercase(),
                        weight: 1.0,
                    })
                    .collect(),
            }
        })
        .collect()
}

async fn seeded_app(count: usize) -> Result<axum::Router, Box<dyn std::error::Error>> {
    let storage = Arc::new(SqliteStorage::open_in_memory().await?);
    for article in corpus(count) {
        storage.insert_article(article).await?;
    }
    Ok(router(AppState {
        storage,
        site: SiteConfig::default(),
        accounts: Default::default(),
        ai: Default::default(),
        cache: Default::default(),
        admin: Default::default(),
        metrics: Default::default(),
    }))
}

async fn time_path(
    app: &axum::Router,
    path: &str,
    runs: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let response = app
            .clone()
            .oneshot(Request::get(path).body(Body::empty())?)
            .await?;
        axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        samples.push(start.elapsed());
    }
    samples.sort();
    let median = samples[runs / 2];
    let p95 = samples[runs * 95 / 100];
    println!("{path:<28} median {:>7.2?}  p95 {:>7.2?}", median, p95);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let address = args.get(1).map_or("127.0.0.1:8088", String::as_str);
            let app = seeded_app(60).await?;
            let listener = tokio::net::TcpListener::bind(address).await?;
            println!("serving on http://{address}");
            axum::serve(listener, app).await?;
        }
        Some("measure") => {
            let app = seeded_app(1000).await?;
            println!("1000 articles in an in-memory SQLite, 200 requests per path, in-process:");
            for path in [
                "/",
                "/?page=10",
                "/article/500",
                "/tag/geneva",
                "/search?q=budget+tram",
                "/api/v1/articles",
            ] {
                time_path(&app, path, 200).await?;
            }
        }
        _ => eprintln!("usage: preview serve [ADDRESS] | preview measure"),
    }
    Ok(())
}
