//! Per-site extraction rules from the configuration: for a page whose host matches a rule,
//! the elements matching its `drop` selectors are removed and, when it has `keep` selectors,
//! only the contents of the elements matching them are kept as the page's body (so a kept
//! element's own tag or class cannot make the extractor drop it), before the general
//! extractor runs. Meant for the odd site the extractor gets wrong; none are needed by default.

use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

/// One rule as written in the configuration (`[[extract.site_rules]]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SiteRule {
    /// The host the rule applies to; its subdomains match too.
    pub host: String,
    /// CSS selectors whose elements' contents, in page order, become the whole body.
    pub keep: Vec<String>,
    /// CSS selectors whose elements are removed.
    pub drop: Vec<String>,
}

/// A rule that cannot be used, named by its host and the bad selector.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SiteRuleError {
    #[error("extract.site_rules: a rule has an empty host")]
    EmptyHost,
    #[error("extract.site_rules for {host}: {selector:?} is not a CSS selector")]
    BadSelector { host: String, selector: String },
}

/// The configured rules with their selectors parsed.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    rules: Vec<CompiledRule>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    host: String,
    keep: Vec<Selector>,
    drop: Vec<Selector>,
}

impl SiteRules {
    /// Parses every rule's selectors; the first bad one is named.
    pub fn compile(rules: &[SiteRule]) -> Result<SiteRules, SiteRuleError> {
        let mut compiled = Vec::with_capacity(rules.len());
        for rule in rules {
            let host = rule.host.trim().trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() {
                return Err(SiteRuleError::EmptyHost);
            }
            let parse = |selectors: &[String]| {
                selectors
                    .iter()
                    .map(|s| {
                        Selector::parse(s).map_err(|_| SiteRuleError::BadSelector {
                            host: host.clone(),
                            selector: s.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            };
            compiled.push(CompiledRule {
                keep: parse(&rule.keep)?,
                drop: parse(&rule.drop)?,
                host,
            });
        }
        Ok(SiteRules { rules: compiled })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The page rewritten by the first rule matching `url`'s host, or `None` when no rule
    /// matches (the page is then extracted as it is).
    pub fn apply(&self, url: Option<&Url>, html: &str) -> Option<String> {
        let host = url?.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let rule = self.rules.iter().find(|r| {
            host == r.host
                || host
                    .strip_suffix(r.host.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })?;
        Some(rule.rewrite(html))
    }
}

impl CompiledRule {
    fn rewrite(&self, html: &str) -> String {
        let mut page = Html::parse_document(html);
        let dropped: Vec<_> = self
            .drop
            .iter()
            .flat_map(|selector| page.select(selector).map(|e| e.id()).collect::<Vec<_>>())
            .collect();
        for id in dropped {
            if let Some(mut node) = page.tree.get_mut(id) {
                node.detach();
            }
        }
        if self.keep.is_empty() {
            return page.html();
        }
        let head = Selector::parse("head")
            .ok()
            .and_then(|s| page.select(&s).next().map(|h| h.html()))
            .unwrap_or_default();
        let mut kept: Vec<(ego_tree::NodeId, String)> = Vec::new();
        for element in page
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            if !self.keep.iter().any(|selector| selector.matches(&element)) {
                continue;
            }
            // An element inside one kept already is part of it.
            let inside_kept = element
                .ancestors()
                .any(|a| kept.iter().any(|(id, _)| *id == a.id()));
            if !inside_kept {
                kept.push((element.id(), format!("<div>{}</div>", element.inner_html())));
            }
        }
        if kept.is_empty() {
            return page.html();
        }
        let body: String = kept.into_iter().map(|(_, html)| html).collect();
        format!("<!DOCTYPE html><html>{head}<body><article>{body}</article></body></html>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(keep: &[&str], drop: &[&str]) -> SiteRules {
        SiteRules::compile(&[SiteRule {
            host: "News.Example.com".into(),
            keep: keep.iter().map(|s| s.to_string()).collect(),
            drop: drop.iter().map(|s| s.to_string()).collect(),
        }])
        .expect("valid rules")
    }

    fn url(s: &str) -> Url {
        Url::parse(s).expect("valid URL")
    }

    const PAGE: &str = r#"<html><head><title>T</title><meta name="author" content="A"></head>
<body><div class="promo">Buy now</div><div class="story"><p>One.</p><aside>Related</aside>
<p>Two.</p></div><div class="story-extra"><p>Three.</p></div></body></html>"#;

    #[test]
    fn only_matching_hosts_and_their_subdomains_are_rewritten() {
        let rules = rules(&[], &["aside"]);
        assert!(
            rules
                .apply(Some(&url("https://news.example.com/a")), PAGE)
                .is_some()
        );
        assert!(
            rules
                .apply(Some(&url("https://www.news.example.com/a")), PAGE)
                .is_some()
        );
        assert!(
            rules
                .apply(Some(&url("https://othernews.example.com/a")), PAGE)
                .is_none()
        );
        assert!(
            rules
                .apply(Some(&url("https://example.com/a")), PAGE)
                .is_none()
        );
        assert!(rules.apply(None, PAGE).is_none());
    }

    #[test]
    fn drop_removes_matching_elements() {
        let out = rules(&[], &["aside", ".promo"])
            .apply(Some(&url("https://news.example.com/a")), PAGE)
            .expect("rule applies");
        assert!(
            !out.contains("Related") && !out.contains("Buy now"),
            "{out}"
        );
        assert!(out.contains("One.") && out.contains("Three."), "{out}");
    }

    #[test]
    fn keep_makes_matching_elements_the_body_and_keeps_the_head() {
        let out = rules(&[".story", ".story p", ".story-extra"], &["aside"])
            .apply(Some(&url("https://news.example.com/a")), PAGE)
            .expect("rule applies");
        assert!(
            out.contains("<title>T</title>") && out.contains("author"),
            "{out}"
        );
        assert!(
            !out.contains("Buy now") && !out.contains("Related"),
            "{out}"
        );
        assert_eq!(
            out.matches("One.").count(),
            1,
            "nested matches kept once: {out}"
        );
        let one = out.find("One.").expect("one");
        let three = out.find("Three.").expect("three");
        assert!(one < three, "{out}");
    }

    #[test]
    fn keep_matching_nothing_leaves_the_page() {
        let out = rules(&[".nowhere"], &[])
            .apply(Some(&url("https://news.example.com/a")), PAGE)
            .expect("rule applies");
        assert!(out.contains("Buy now") && out.contains("One."), "{out}");
    }

    #[test]
    fn bad_rules_are_named() {
        let bad = SiteRule {
            host: "x.example".into(),
            keep: vec!["div[".into()],
            drop: Vec::new(),
        };
        let err = SiteRules::compile(&[bad]).expect_err("bad selector refused");
        assert!(err.to_string().contains("x.example") && err.to_string().contains("div["));
        let empty = SiteRule::default();
        assert_eq!(
            SiteRules::compile(&[empty]).expect_err("empty host refused"),
            SiteRuleError::EmptyHost
        );
    }
}
