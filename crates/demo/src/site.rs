//! The demo site model: which outlet publishes what, when and at which URL, rendered once into a
//! table of static resources that the server answers from.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use anyhow::{Context, anyhow};
use chrono::{DateTime, Duration, Utc};
use url::Url;

use super::corpus::CorpusArticle;
use super::outlets::{OUTLETS, OutletProfile, outlet_by_slug};
use super::pictures::{PictureTable, picture_path};
use super::{article_page, feeds, home_pages};

/// An article placed on its outlet at a time and URL.
#[derive(Debug, Clone)]
pub struct PublishedArticle {
    pub record: CorpusArticle,
    pub outlet: &'static OutletProfile,
    pub published: DateTime<Utc>,
    /// Absolute path on the publishers server, e.g. `/metro-wire/2026/11/26/quake-hits.html`.
    pub path: String,
    pub url: Url,
    pub comment_count: u32,
    /// The lead picture's path on the publishers server (see `pictures`), when it has one.
    pub picture: Option<String>,
}

/// One outlet with its articles, newest first.
#[derive(Debug, Clone)]
pub struct OutletEdition {
    pub profile: &'static OutletProfile,
    pub home_url: Url,
    /// The outlet's main feed (its newest articles), the one its home page advertises.
    pub feed_url: Url,
    /// Indices into [`DemoSite::articles`], newest first.
    pub articles: Vec<usize>,
    /// The main feed first, then (when the outlet publishes more than one feed lists) the
    /// feeds of its older articles.
    pub feeds: Vec<FeedEdition>,
}

impl OutletEdition {
    pub fn home_path(&self) -> String {
        format!("/{}/", self.profile.slug)
    }
}

/// One feed of an outlet.
#[derive(Debug, Clone)]
pub struct FeedEdition {
    /// Absolute path on the publishers server.
    pub path: String,
    pub url: Url,
    /// Indices into [`DemoSite::articles`], newest first.
    pub articles: Vec<usize>,
}

/// Everything the publishers serve, before rendering.
#[derive(Debug, Clone)]
pub struct DemoSite {
    pub base_url: Url,
    pub now: DateTime<Utc>,
    pub articles: Vec<PublishedArticle>,
    pub outlets: Vec<OutletEdition>,
}

impl DemoSite {
    /// Places every corpus article on its outlet, published `offset_minutes` before `now`.
    /// Outlet `i` is served at `bases[i % bases.len()]` (the first is the site's own base);
    /// with `items_per_feed`, an outlet's articles are split over feeds of at most that many.
    pub fn build(
        corpus: Vec<CorpusArticle>,
        bases: &[Url],
        now: DateTime<Utc>,
        items_per_feed: Option<usize>,
    ) -> anyhow::Result<Self> {
        let base_url = bases
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("the demo site needs a base URL"))?;
        let mut outlets = OUTLETS
            .iter()
            .enumerate()
            .map(|(i, profile)| {
                let base = &bases[i % bases.len()];
                let home_url = join(base, &format!("{}/", profile.slug))?;
                let feed_url = join(&home_url, profile.format.file_name())?;
                Ok(OutletEdition {
                    profile,
                    home_url,
                    feed_url,
                    articles: Vec::new(),
                    feeds: Vec::new(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut articles = Vec::with_capacity(corpus.len());
        let mut used_paths = HashSet::new();
        for record in corpus {
            let outlet = outlet_by_slug(&record.outlet).ok_or_else(|| {
                anyhow!(
                    "corpus article {} names unknown outlet {:?}",
                    record.id,
                    record.outlet
                )
            })?;
            let published = now - Duration::minutes(i64::from(record.offset_minutes));
            let path = unique_path(&mut used_paths, outlet.slug, published, &record.title);
            let home = outlets
                .iter()
                .find(|e| e.profile.slug == outlet.slug)
                .map_or(&base_url, |e| &e.home_url);
            let url = join(home, &path)?;
            let comment_count = (stable_hash(&record.id) % 240) as u32;
            articles.push(PublishedArticle {
                record,
                outlet,
                published,
                path,
                url,
                comment_count,
                picture: None,
            });
        }
        for (index, article) in articles.iter().enumerate() {
            if let Some(edition) = outlets
                .iter_mut()
                .find(|e| e.profile.slug == article.outlet.slug)
            {
                edition.articles.push(index);
            }
        }
        for edition in &mut outlets {
            edition.articles.sort_by(|&a, &b| {
                articles[b]
                    .published
                    .cmp(&articles[a].published)
                    .then_with(|| articles[a].record.id.cmp(&articles[b].record.id))
            });
            edition.feeds = split_feeds(edition, items_per_feed)?;
        }
        Ok(Self {
            base_url,
            now,
            articles,
            outlets,
        })
    }

    /// Articles of the same outlet to cross-promote from `index`: same event first, then the
    /// outlet's latest.
    pub fn related_to(&self, index: usize, count: usize) -> Vec<&PublishedArticle> {
        let article = &self.articles[index];
        let Some(edition) = self
            .outlets
            .iter()
            .find(|e| e.profile.slug == article.outlet.slug)
        else {
            return Vec::new();
        };
        let others = || edition.articles.iter().copied().filter(|&i| i != index);
        let same_event =
            others().filter(|&i| self.articles[i].record.event == article.record.event);
        let rest = others().filter(|&i| self.articles[i].record.event != article.record.event);
        same_event
            .chain(rest)
            .take(count)
            .map(|i| &self.articles[i])
            .collect()
    }

    /// The newest publication time of an outlet (or `now` when it has no articles).
    pub fn last_published(&self, edition: &OutletEdition) -> DateTime<Utc> {
        self.newest(&edition.articles)
    }

    /// The newest publication time of a feed (or `now` when it lists nothing).
    pub fn feed_updated(&self, feed: &FeedEdition) -> DateTime<Utc> {
        self.newest(&feed.articles)
    }

    fn newest(&self, newest_first: &[usize]) -> DateTime<Utc> {
        newest_first
            .first()
            .map_or(self.now, |&i| self.articles[i].published)
    }
}

/// The outlet's feeds: one listing everything, or the newest `items_per_feed` articles at the
/// main feed's address and each older run of as many at `/<slug>/feeds/<n>/<file>`.
fn split_feeds(
    edition: &OutletEdition,
    items_per_feed: Option<usize>,
) -> anyhow::Result<Vec<FeedEdition>> {
    let main = FeedEdition {
        path: format!(
            "/{}/{}",
            edition.profile.slug,
            edition.profile.format.file_name()
        ),
        url: edition.feed_url.clone(),
        articles: edition.articles.clone(),
    };
    let Some(size) = items_per_feed.filter(|&n| n > 0 && n < edition.articles.len()) else {
        return Ok(vec![main]);
    };
    let mut feeds = Vec::new();
    for (n, chunk) in edition.articles.chunks(size).enumerate() {
        if n == 0 {
            feeds.push(FeedEdition {
                articles: chunk.to_vec(),
                ..main.clone()
            });
            continue;
        }
        let relative = format!("feeds/{}/{}", n + 1, edition.profile.format.file_name());
        feeds.push(FeedEdition {
            path: format!("/{}/{relative}", edition.profile.slug),
            url: join(&edition.home_url, &relative)?,
            articles: chunk.to_vec(),
        });
    }
    Ok(feeds)
}

/// A rendered response body with its validators.
#[derive(Debug, Clone)]
pub struct Resource {
    pub content_type: &'static str,
    pub body: String,
    pub etag: String,
    pub last_modified: DateTime<Utc>,
}

impl Resource {
    pub fn new(content_type: &'static str, body: String, last_modified: DateTime<Utc>) -> Self {
        let etag = format!("\"{:016x}\"", stable_hash(&body));
        Self {
            content_type,
            body,
            etag,
            last_modified,
        }
    }
}

impl DemoSite {
    /// Gives four articles in five a lead picture; returns the pictures the server answers.
    pub fn add_pictures(&mut self) -> PictureTable {
        let mut table = PictureTable::new();
        for article in &mut self.articles {
            let seed = stable_hash(&article.path);
            article.picture = picture_path(&article.path, seed);
            if let Some(path) = &article.picture {
                table.insert(path.clone(), seed);
            }
        }
        table
    }
}

/// Renders every page, feed and text file of the site, keyed by request path.
pub fn render_resources(site: &DemoSite) -> HashMap<String, Resource> {
    let mut resources = HashMap::new();
    let html = "text/html; charset=utf-8";
    resources.insert(
        "/robots.txt".to_owned(),
        Resource::new(
            "text/plain; charset=utf-8",
            home_pages::robots_txt(site),
            site.now,
        ),
    );
    resources.insert(
        "/".to_owned(),
        Resource::new(html, home_pages::index_page(site), site.now),
    );
    resources.insert(
        "/outlets.opml".to_owned(),
        Resource::new(
            "text/x-opml; charset=utf-8",
            home_pages::opml(site),
            site.now,
        ),
    );
    for edition in &site.outlets {
        let updated = site.last_published(edition);
        resources.insert(
            edition.home_path(),
            Resource::new(html, home_pages::outlet_home(site, edition), updated),
        );
        for feed in &edition.feeds {
            resources.insert(
                feed.path.clone(),
                Resource::new(
                    edition.profile.format.content_type(),
                    feeds::render_feed(site, edition, feed),
                    site.feed_updated(feed),
                ),
            );
        }
    }
    for (index, article) in site.articles.iter().enumerate() {
        resources.insert(
            article.path.clone(),
            Resource::new(html, article_page::render(site, index), article.published),
        );
    }
    resources
}

fn join(base: &Url, relative: &str) -> anyhow::Result<Url> {
    base.join(relative)
        .with_context(|| format!("cannot join {relative:?} onto {base}"))
}

fn unique_path(
    used: &mut HashSet<String>,
    outlet: &str,
    published: DateTime<Utc>,
    title: &str,
) -> String {
    let day = published.format("%Y/%m/%d");
    let slug = title_slug(title);
    let mut path = format!("/{outlet}/{day}/{slug}.html");
    let mut n = 2;
    while !used.insert(path.clone()) {
        path = format!("/{outlet}/{day}/{slug}-{n}.html");
        n += 1;
    }
    path
}

/// A URL slug of at most eight words of the title, ASCII lower-case.
pub fn title_slug(title: &str) -> String {
    let ascii = deunicode::deunicode(title).to_ascii_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    if words.is_empty() {
        "story".to_owned()
    } else {
        words.join("-")
    }
}

fn stable_hash(value: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_is_ascii_words() {
        assert_eq!(
            title_slug("Lindsay Lohan’s rehab: 90-day stint, “again”"),
            "lindsay-lohan-s-rehab-90-day-stint-again"
        );
        assert_eq!(title_slug("!!!"), "story");
    }

    #[test]
    fn same_day_same_title_gets_distinct_paths() {
        let mut used = HashSet::new();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let a = unique_path(&mut used, "metro-wire", at, "Quake hits Iran");
        let b = unique_path(&mut used, "metro-wire", at, "Quake hits Iran");
        assert_eq!(a, "/metro-wire/1970/01/01/quake-hits-iran.html");
        assert_eq!(b, "/metro-wire/1970/01/01/quake-hits-iran-2.html");
    }
}
