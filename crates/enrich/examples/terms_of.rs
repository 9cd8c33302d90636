//! Scratch: key terms of given doc ids.
fn main() {
    let ids: Vec<String> = std::env::args().skip(1).collect();
    for l in std::fs::read_to_string("/work/shared/data/stories/ecbplus-dev/docs.jsonl").unwrap().lines() {
        let d: serde_json::Value = serde_json::from_str(l).unwrap();
        if !ids.iter().any(|i| i == d["doc_id"].as_str().unwrap()) { continue; }
        let text = d["text"].as_str().unwrap();
        let title = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("http")).unwrap_or_default();
        let e = tidings_enrich::enrich(title, text, &[]);
        let t: Vec<String> = e.terms.iter().map(|t| format!("{}:{:.2}", t.term, t.weight)).collect();
        println!("{} {}\n", d["doc_id"], t.join(" "));
    }
}
