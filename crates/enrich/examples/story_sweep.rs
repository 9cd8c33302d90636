//! Scratch: ECB+ stream in file order and publication order with env-tunable config.
use std::collections::HashMap;
use tidings_enrich::*;

fn main() {
    let docs: Vec<serde_json::Value> = std::fs::read_to_string("/work/shared/data/stories/ecbplus-dev/docs.jsonl").unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let offsets: HashMap<String, i64> = std::fs::read_to_string("/work/main/crates/tidings/demo/corpus.jsonl").unwrap().lines().map(|l| { let v: serde_json::Value = serde_json::from_str(l).unwrap(); (v["id"].as_str().unwrap().to_string(), v["offset_minutes"].as_i64().unwrap()) }).collect();
    let mut config = StoryIndexConfig::default();
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f32>().ok());
    if let Some(v) = env("T") { config.join_threshold = v; }
    if let Some(v) = env("W") { config.nearest_weight = v; }
    if let Some(v) = env("P") { config.idf_power = v; }
    if let Some(v) = env("Y") { config.year_conflict_factor = v; }
    for order in 0..2 {
        let mut items: Vec<(i64, &serde_json::Value)> = docs.iter().enumerate().filter_map(|(i, d)| {
            if order == 0 { Some((1_700_000_000 + 60 * i as i64, d)) } else { offsets.get(d["doc_id"].as_str().unwrap()).map(|m| (1_700_000_000 + 60 * m, d)) }
        }).collect();
        items.sort_by(|a, b| a.0.cmp(&b.0).then(a.1["doc_id"].as_str().cmp(&b.1["doc_id"].as_str())));
        let mut index = StoryIndex::new(config);
        let mut stories = Vec::new();
        let mut next = 1;
        for (i, (at, d)) in items.iter().enumerate() {
            let text = d["text"].as_str().unwrap();
            let title = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("http")).unwrap_or_default();
            let e = enrich(title, text, &[]);
            let p = index.place(*at, &e.terms);
            let orig = p.neighbours.iter().take(5).map(|n| n.article_id as usize).find(|&j| is_copy(items[j].1["text"].as_str().unwrap(), text));
            if std::env::var("DIAG").is_ok() {
                if let Some(s) = p.story {
                    let ev_here = d["event_cluster"].as_str().unwrap();
                    let same = stories.iter().zip(items.iter()).filter(|(st, it)| **st == s && it.1["event_cluster"].as_str().unwrap() == ev_here).count();
                    let total = stories.iter().filter(|st| **st == s).count();
                    println!("DIAG {order} {} score {:.3} same {}/{} {}", d["doc_id"], p.score, same, total, if same == 0 { "WRONG" } else { "" });
                }
            }
            if std::env::var("DIAG").is_ok() && p.story.is_none() && orig.is_none() {
                let ev_here = d["event_cluster"].as_str().unwrap();
                let seen = items[..i].iter().filter(|it| it.1["event_cluster"].as_str().unwrap() == ev_here).count();
                if seen > 0 { println!("MISS {order} {} best {:.3} seen {} neigh {:?}", d["doc_id"], p.score, seen, p.neighbours.iter().take(3).map(|n| (items[n.article_id as usize].1["event_cluster"].as_str().unwrap().to_string(), (n.similarity*100.0) as i32)).collect::<Vec<_>>()); }
            }
            let story = match (orig, p.story) { (Some(j), _) => stories[j], (None, Some(s)) => s, _ => { next += 1; next - 1 } };
            index.insert(IndexedArticle { article_id: i as i64, at: *at, story, copy_of: orig.map(|j| j as i64), terms: e.terms });
            stories.push(story);
        }
        let ev: Vec<&str> = items.iter().map(|(_, d)| d["event_cluster"].as_str().unwrap()).collect();
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
        for i in 0..ev.len() { for j in i + 1..ev.len() { match (stories[i] == stories[j], ev[i] == ev[j]) { (true, true) => tp += 1.0, (true, false) => fp += 1.0, (false, true) => fn_ += 1.0, _ => {} } } }
        let (p, r) = (tp / (tp + fp), tp / (tp + fn_));
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for e in &ev { *sizes.entry(e).or_default() += 1; }
        let (mut rs, mut rn) = (0.0, 0);
        for (i, e) in ev.iter().enumerate() { if sizes[e] < 6 { continue; } let rel = index.related(i as i64, 5); rs += rel.iter().filter(|n| ev[n.article_id as usize] == *e).count() as f64 / 5.0; rn += 1; }
        let mut s2 = stories.clone(); s2.sort(); s2.dedup();
        println!("order {order}: stories {} P {:.3} R {:.3} F1 {:.3} rel5 {:.3}", s2.len(), p, r, 2.0 * p * r / (p + r), rs / rn as f64);
        if std::env::var("DUMP").is_ok() {
            let mut st: HashMap<i64, HashMap<&str, usize>> = HashMap::new();
            for (s, e) in stories.iter().zip(&ev) { *st.entry(*s).or_default().entry(e).or_default() += 1; }
            for (s, c) in st { if c.len() > 1 { println!("  {s} {c:?}"); } }
            let mut es: HashMap<&str, HashMap<i64, usize>> = HashMap::new();
            for (s, e) in stories.iter().zip(&ev) { *es.entry(e).or_default().entry(*s).or_default() += 1; }
            for (e, c) in es { if c.len() > 1 { println!("  split {e} {c:?}"); } }
        }
    }
}
