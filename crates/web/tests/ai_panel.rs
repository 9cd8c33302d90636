//! The AI panel on the article page (without JavaScript: links and a GET form), its JSON
//! API, the question limits, the briefing, and a model that is down.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use common::{TestApp, article};
use tidings_core::RepublishPolicy;
use tidings_web::ai::AiServices;
use tidings_web::{AppState, SiteConfig, router};

const PARAGRAPHS: [&str; 4] = [
    "The Indian Navy on Saturday prevented pirates from attacking a merchant vessel in the Gulf of Aden. The navy took 23 pirates into custody after a chase.",
    "The apprehended included 12 Somalis and 11 Yemenis. Seven rifles and a grenade launcher were found in the boats.",
    "The warship INS Mysore answered a distress call from the merchant vessel MV Gibe. Its helicopter forced the pirates to stop.",
    "The suspects will be handed over to the authorities in Mumbai. The ministry praised the crew of the warship.",
];

fn pirate_article(policy: RepublishPolicy) -> tidings_core::NewArticle {
    let mut new = article(
        "Coastline Gazette",
        "Navy foils pirate attack",
        Duration::hours(1),
        &["Piracy"],
    );
    new.text = PARAGRAPHS.join("\n\n");
    new.html = PARAGRAPHS
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect::<String>();
    new.policy = policy;
    new
}

fn encode(question: &str) -> String {
    question.replace(' ', "+").replace('?', "%3F")
}

#[tokio::test]
async fn the_panel_links_summary_and_key_points_to_the_text() {
    let app = TestApp::new().await;
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("#ai h2"),
        vec!["Explore what Tidings AI can do for you"]
    );
    assert_eq!(
        page.texts("#ai h3 .ai-label"),
        ["in the article's own sentences", "quoted from the article"],
        "the panel says its summary and key points are the article's sentences"
    );
    let links = page.attrs("#ai .ai-summary a", "href");
    assert_eq!(links.len(), 3, "three summary sentences");
    let anchors = page.attrs("#article-body .sentence", "id");
    assert_eq!(anchors.len(), 8, "every sentence of the body has an anchor");
    for link in &links {
        assert!(
            anchors.contains(&link.trim_start_matches('#').to_owned()),
            "{link}"
        );
    }
    let points = page.texts("#ai .ai-key-points li");
    assert!((3..=5).contains(&points.len()), "{points:?}");
    let summary = page.texts("#ai .ai-summary li");
    for point in &points {
        assert!(
            !summary.iter().any(|s| point.starts_with(s.as_str())),
            "{point}"
        );
    }
    assert_eq!(page.attrs("#ai form.ai-ask", "method"), vec!["get"]);
    let scripts = page.attrs("script", "src");
    let panel_scripts: Vec<&String> = scripts
        .iter()
        .filter(|s| s.starts_with("/static/ai."))
        .collect();
    assert_eq!(panel_scripts.len(), 1, "{scripts:?}");
    let script = app.get(panel_scripts[0]).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("cache-control"),
        Some("public, max-age=31536000, immutable"),
        "a fingerprinted script is cached for a year"
    );
}

#[tokio::test]
async fn a_question_is_answered_and_its_sentence_marked() {
    let app = TestApp::new().await;
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let question = "How many pirates did the navy take into custody?";
    let page = app
        .get(&format!("/article/{id}?q={}", encode(question)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let answer = page.texts("#ai .ai-answer li");
    assert!(
        answer[0].contains("took 23 pirates into custody"),
        "{answer:?}"
    );
    assert_eq!(page.attrs("#article-body mark.cited", "id"), vec!["s-2"]);
    assert_eq!(page.attrs("#ai .ai-answer a.cite", "href"), vec!["#s-2"]);
    assert_eq!(page.attrs("#ai-question", "value"), vec![question]);

    let unknown = app
        .get(&format!(
            "/article/{id}?q={}",
            encode("What ransom did the owners pay?")
        ))
        .await;
    assert!(unknown.texts("#ai .ai-answer p")[0].contains("does not say"));
    assert!(unknown.attrs("#article-body mark.cited", "id").is_empty());

    let long = app
        .get(&format!("/article/{id}?q={}", "a".repeat(301)))
        .await;
    assert_eq!(long.status, StatusCode::OK);
    assert!(long.texts("#ai .ai-answer .note")[0].contains("longer than 300"));
}

#[tokio::test]
async fn the_json_api_cites_sentence_numbers_and_texts() {
    let app = TestApp::new().await;
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let summary = app
        .get(&format!("/api/v1/articles/{id}/summary"))
        .await
        .json();
    assert_eq!(summary["source"], "offline");
    let lines = summary["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["citations"][0]["number"], 1);
    assert_eq!(lines[0]["citations"][0]["text"], lines[0]["text"]);

    let points = app
        .get(&format!("/api/v1/articles/{id}/key-points"))
        .await
        .json();
    assert!(points["lines"].as_array().unwrap().len() >= 3);

    let ask = |body: String| {
        Request::post(format!("/api/v1/articles/{id}/ask"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let answer = app
        .request(ask(
            r#"{"question": "Which warship answered the distress call?"}"#.into(),
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = answer.json();
    assert_eq!(answer["declined"], false);
    assert_eq!(answer["lines"][0]["citations"][0]["number"], 5);

    let too_long = app
        .request(ask(format!(r#"{{"question": "{}"}}"#, "x".repeat(400))))
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.json()["detail"].as_str().unwrap().contains("300"));
    let malformed = app.request(ask("{\"q\": 1}".into())).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let missing = app.get("/api/v1/articles/999/summary").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad_style = app
        .get(&format!("/api/v1/articles/{id}/summary?style=poem"))
        .await;
    assert_eq!(bad_style.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn excerpts_are_summarized_from_what_is_shown_only() {
    let app = TestApp::new().await;
    let mut new = pirate_article(RepublishPolicy::Excerpt);
    new.text = format!("{}\n\n{}", new.text, "More text. ".repeat(200));
    let id = app.insert(new).await;
    let summary = app
        .get(&format!("/api/v1/articles/{id}/summary"))
        .await
        .json();
    for line in summary["lines"].as_array().unwrap() {
        assert!(!line["text"].as_str().unwrap().contains("More text"));
    }
}

#[tokio::test]
async fn questions_are_rate_limited_per_client() {
    let app = TestApp::new().await;
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let request = Request::post(format!("/api/v1/articles/{id}/ask"))
            .header("content-type", "application/json")
            .body(Body::from(r#"{"question": "Who answered the call?"}"#))
            .unwrap();
        statuses.push(app.request(request).await.status);
    }
    assert!(
        statuses[..8].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[9], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn scripts_load_only_from_the_site() {
    let app = TestApp::new().await;
    let script = app.get("/static/ai.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    let csp = script.header("content-security-policy").unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

#[tokio::test]
async fn the_briefing_groups_latest_articles_when_no_stories_exist() {
    let app = TestApp::new().await;
    app.insert(pirate_article(RepublishPolicy::Full)).await;
    let mut other = pirate_article(RepublishPolicy::Full);
    other.publisher = "Metro Ledger".into();
    other.url = "https://metro.example/pirates".into();
    other.canonical_url = None;
    other.text = other.text.replace("23 pirates", "25 pirates");
    app.insert(other).await;
    let page = app.get("/briefing").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("grouped by shared hashtags"));
    assert!(
        page.texts(".brief h3").iter().any(|h| h.contains("differ")),
        "{}",
        page.body
    );
    let feed = app.get("/briefing.atom").await;
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("application/atom+xml")
    );
    assert!(
        feed.body
            .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert_eq!(
        app.get("/api/v1/stories/12345/brief").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_model_that_is_down_leaves_the_offline_answer_and_a_note() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let settings = tidings_ai::ModelSettings {
        retries: 0,
        ..tidings_ai::ModelSettings::new(
            url::Url::parse(&format!("http://127.0.0.1:{port}/v1")).unwrap(),
            "absent-model",
        )
    };
    let model = tidings_ai::OpenAiCompatible::new(settings).unwrap();
    let storage = Arc::new(
        tidings_storage::SqliteStorage::open_in_memory()
            .await
            .unwrap(),
    );
    let app = TestApp {
        storage: storage.clone(),
        router: router(AppState {
            storage,
            site: SiteConfig::default(),
            accounts: Default::default(),
            ai: AiServices::new(tidings_ai::Assistant::with_model(Arc::new(model), None)),
            cache: Default::default(),
            admin: Default::default(),
            metrics: Default::default(),
        }),
    };
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let page = app
        .get(&format!(
            "/article/{id}?q={}",
            encode("Which warship answered the distress call?")
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("#ai .ai-answer li")[0].contains("INS Mysore"));
    assert!(page.texts("#ai .ai-answer .note")[0].contains("unavailable"));
    let styled = app.get(&format!("/article/{id}?style=short")).await;
    assert_eq!(styled.status, StatusCode::OK);
    assert!(styled.texts("#ai .ai-notice")[0].contains("unavailable"));
    let api = app
        .get(&format!("/api/v1/articles/{id}/summary?style=bullets"))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let api = api.json();
    assert_eq!(api["source"], "offline");
    assert!(api["notice"].as_str().unwrap().contains("unavailable"));

    // The story page and the brief API keep the offline brief and say why the model's is missing.
    let story = tidings_core::StoryStore::place_in_story(
        &*app.storage,
        tidings_core::StoryPlacement {
            article_id: id,
            story: None,
            copy_of: None,
            original_of: Vec::new(),
            neighbours: Vec::new(),
            tags: None,
        },
    )
    .await
    .unwrap();
    let page = app.get(&format!("/story/{story}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.texts("#story-brief li").is_empty());
    assert!(page.texts("#story-model-brief-notice")[0].contains("unavailable"));
    let brief = app
        .get(&format!("/api/v1/stories/{story}/brief"))
        .await
        .json();
    assert!(!brief["sentences"].as_array().unwrap().is_empty());
    assert!(brief["model"].is_null());
    assert!(
        brief["model_notice"]
            .as_str()
            .unwrap()
            .contains("unavailable")
    );
}

#[tokio::test]
async fn the_streaming_answer_ends_with_an_answer_event() {
    let app = TestApp::new().await;
    let id = app.insert(pirate_article(RepublishPolicy::Full)).await;
    let stream = app
        .get(&format!(
            "/api/v1/articles/{id}/ask/stream?q={}",
            encode("Which warship answered the distress call?")
        ))
        .await;
    assert_eq!(stream.status, StatusCode::OK);
    assert!(
        stream
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    let data = stream
        .body
        .lines()
        .skip_while(|l| *l != "event: answer")
        .nth(1)
        .and_then(|l| l.strip_prefix("data: "))
        .expect("an answer event");
    let answer: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(answer["lines"][0]["citations"][0]["number"], 5);
}
