//! JSON-LD: the article-like objects of a page's `application/ld+json` scripts (also inside
//! `@graph` and `mainEntity`, CDATA-wrapped or not) and the facts metadata needs from them.

use serde_json::Value;

/// The article-like facts of the page's JSON-LD blocks.
#[derive(Debug, Default)]
pub struct LinkedData {
    pub headline: Option<String>,
    /// The article's `name`, when it differs from `headline` the one the `<title>` repeats wins.
    pub name: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub image: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportage",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "socialmediaposting",
    "webpage",
    "scholarlyarticle",
    "techarticle",
    "liveblogposting",
    "report",
    "posting",
    "review",
];

fn string_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(items) => items.iter().find_map(string_of),
        Value::Object(map) => map
            .get("name")
            .or_else(|| map.get("url"))
            .or_else(|| map.get("@id"))
            .and_then(string_of),
        _ => None,
    }
}

fn is_article(map: &serde_json::Map<String, Value>) -> bool {
    let types: Vec<String> = match map.get("@type") {
        Some(Value::String(t)) => vec![t.to_ascii_lowercase()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    };
    types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()))
}

/// The JSON inside a JSON-LD script, without a CDATA wrapper, comment markers or a final `;`.
fn json_of_script(block: &str) -> &str {
    let mut text = block.trim();
    for prefix in ["//<![CDATA[", "/*<![CDATA[*/", "<![CDATA[", "<!--"] {
        text = text.strip_prefix(prefix).unwrap_or(text).trim();
    }
    for suffix in ["//]]>", "/*]]>*/", "]]>", "-->"] {
        text = text.strip_suffix(suffix).unwrap_or(text).trim();
    }
    text.trim_end_matches(';').trim()
}

impl LinkedData {
    /// Reads the article facts from the raw JSON-LD script texts.
    pub fn read(blocks: &[String]) -> LinkedData {
        let mut data = LinkedData::default();
        for block in blocks {
            let Ok(value) = serde_json::from_str::<Value>(json_of_script(block)) else {
                continue;
            };
            let mut stack = vec![&value];
            let mut visited = 0;
            while let Some(value) = stack.pop() {
                visited += 1;
                if visited > 2000 {
                    break;
                }
                match value {
                    Value::Array(items) => stack.extend(items.iter().rev()),
                    Value::Object(map) => {
                        if is_article(map) {
                            data.take(map);
                        }
                        if let Some(graph) = map.get("@graph") {
                            stack.push(graph);
                        }
                        if let Some(entity) = map.get("mainEntity") {
                            stack.push(entity);
                        }
                    }
                    _ => {}
                }
            }
        }
        data
    }

    fn take(&mut self, map: &serde_json::Map<String, Value>) {
        let is_webpage = map
            .get("@type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("webpage"));
        if self.headline.is_none() && !is_webpage {
            self.headline = map.get("headline").and_then(string_of);
            self.name = map.get("name").and_then(string_of);
        }
        if self.authors.is_empty() {
            let author = map.get("author").or_else(|| map.get("creator"));
            match author {
                Some(Value::Array(items)) => {
                    self.authors = items
                        .iter()
                        .filter_map(string_of)
                        .filter(|a| !a.starts_with("http"))
                        .collect();
                }
                Some(other) => {
                    self.authors = string_of(other)
                        .filter(|a| !a.starts_with("http"))
                        .into_iter()
                        .collect()
                }
                None => {}
            }
        }
        if self.published.is_none() {
            self.published = map
                .get("datePublished")
                .or_else(|| map.get("dateCreated"))
                .and_then(string_of);
        }
        if self.publisher.is_none() {
            self.publisher = map.get("publisher").and_then(|p| match p {
                Value::Object(o) => o.get("name").and_then(string_of),
                other => string_of(other),
            });
        }
        if self.image.is_none() {
            self.image = map
                .get("image")
                .or_else(|| map.get("thumbnailUrl"))
                .and_then(string_of);
        }
        if self.body.is_none() {
            self.body = map.get("articleBody").and_then(string_of);
        }
        if self.url.is_none() {
            self.url = map.get("url").and_then(string_of);
        }
    }
}

impl LinkedData {
    /// `headline` or `name`: when both are given and differ, the one the `<title>` contains.
    pub fn title(&self, page_title: Option<&str>) -> Option<String> {
        match (&self.headline, &self.name) {
            (Some(headline), Some(name)) if headline != name => {
                let page_title = page_title.unwrap_or("").to_lowercase();
                if page_title.contains(&name.to_lowercase())
                    && !page_title.contains(&headline.to_lowercase())
                {
                    Some(name.clone())
                } else {
                    Some(headline.clone())
                }
            }
            (Some(headline), _) => Some(headline.clone()),
            (None, name) => name.clone(),
        }
    }
}
