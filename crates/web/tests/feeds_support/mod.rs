//! What the feed and search-engine tests share: the test app under a configured base URL, a
//! story placement, and a small element tree read with quick-xml, so tests assert on what a
//! feed or sitemap holds rather than on its bytes (reading fails on anything not well-formed).

#![allow(dead_code, clippy::unwrap_used)]

use quick_xml::Reader;
use quick_xml::events::Event;
use tidings_core::StoryPlacement;
use tidings_web::SiteConfig;

use crate::common::TestApp;

/// The base URL the test site is configured with.
pub const BASE: &str = "https://news.example/";

/// The test app with `server.base_url` set to [`BASE`].
pub async fn app() -> TestApp {
    TestApp::with_site(SiteConfig {
        title: "Tidings".to_owned(),
        base_url: Some(url::Url::parse(BASE).unwrap()),
    })
    .await
}

/// Places the article in `story`, or in a story of its own.
pub fn placement(article_id: i64, story: Option<i64>) -> StoryPlacement {
    StoryPlacement {
        article_id,
        story,
        copy_of: None,
        original_of: Vec::new(),
        neighbours: Vec::new(),
        tags: None,
    }
}

#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The direct children named `name`.
    pub fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The only direct child named `name` (panics when there is not exactly one).
    pub fn one(&self, name: &str) -> &Element {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "one <{name}> in <{}>", self.name);
        found[0]
    }

    /// The text of the only child named `name`.
    pub fn text_of(&self, name: &str) -> &str {
        &self.one(name).text
    }

    /// The `href` of the child `<link>` with this `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.all("link")
            .into_iter()
            .find(|l| l.attr("rel").unwrap_or("alternate") == rel)
            .and_then(|l| l.attr("href"))
    }
}

/// The document's root element.
pub fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let done = element(&start);
                stack.last_mut().unwrap().children.push(done);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => {
                let text = text.decode().unwrap();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                let entity = format!("&{name};");
                let text = quick_xml::escape::unescape(&entity).unwrap().into_owned();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::CData(data) => {
                let text = String::from_utf8(data.into_inner().into_owned()).unwrap();
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Element {
    Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        attrs: start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect(),
        ..Element::default()
    }
}
