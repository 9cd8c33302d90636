"""Fetches every kind of feed Tidings writes from a running site (TIDINGS_URL) and checks
that feedparser reads each Atom feed without the bozo flag and with what RFC 4287 requires,
that each JSON Feed follows the JSON Feed 1.1 rules (released feedparser reads no JSON Feed),
that conditional GET answers 304, and that robots.txt and the sitemaps read."""

import datetime
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import feedparser

BASE = os.environ["TIDINGS_URL"].rstrip("/")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
failures = []


def get(path, headers=None):
    request = urllib.request.Request(BASE + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check(name, condition, detail=""):
    if condition:
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def wait_for_articles():
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            status, _, body = get("/api/v1/articles")
            if status == 200:
                articles = json.loads(body)["articles"]
                if articles:
                    return articles
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("no articles appeared within 180 s")


def check_atom_structure(path, body):
    """The RFC 4287 rules a validator checks first: one id, title and updated on the feed and
    on every entry, dates in RFC 3339, absolute ids, an author on the feed or on every entry,
    a self link, at most one alternate link per type, content or an alternate link."""
    root = ET.fromstring(body)
    problems = []
    if root.tag != ATOM + "feed":
        return [f"root is {root.tag}"]

    def exactly_one(element, name, where):
        found = element.findall(ATOM + name)
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} <{name}>")
            return None
        return found[0]

    def absolute(value, what):
        parsed = urllib.parse.urlparse(value or "")
        if not parsed.scheme or not parsed.netloc:
            problems.append(f"{what} {value!r} is not an absolute IRI")

    for name in ("id", "title"):
        exactly_one(root, name, "feed")
    updated = exactly_one(root, "updated", "feed")
    if updated is not None and not RFC3339.match(updated.text or ""):
        problems.append(f"feed updated {updated.text!r} is not RFC 3339")
    feed_id = root.find(ATOM + "id")
    if feed_id is not None:
        absolute(feed_id.text, "feed id")
    links = root.findall(ATOM + "link")
    if not any(l.get("rel") == "self" for l in links):
        problems.append("feed has no rel=self link")
    alternates = [l.get("type") for l in links if l.get("rel", "alternate") == "alternate"]
    if len(alternates) != len(set(alternates)):
        problems.append("feed has two alternate links of one type")
    feed_has_author = bool(root.findall(ATOM + "author"))
    for author in root.findall(ATOM + "author"):
        exactly_one(author, "name", "feed author")
    for n, entry in enumerate(root.findall(ATOM + "entry")):
        where = f"entry {n}"
        entry_id = exactly_one(entry, "id", where)
        if entry_id is not None:
            absolute(entry_id.text, f"{where} id")
        exactly_one(entry, "title", where)
        entry_updated = exactly_one(entry, "updated", where)
        if entry_updated is not None and not RFC3339.match(entry_updated.text or ""):
            problems.append(f"{where} updated {entry_updated.text!r} is not RFC 3339")
        for published in entry.findall(ATOM + "published"):
            if not RFC3339.match(published.text or ""):
                problems.append(f"{where} published {published.text!r} is not RFC 3339")
        if not feed_has_author and not entry.findall(ATOM + "author"):
            problems.append(f"{where} has no author and neither has the feed")
        entry_links = entry.findall(ATOM + "link")
        alternates = [l.get("type") for l in entry_links if l.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{where} has two alternate links of one type")
        if entry.find(ATOM + "content") is None and not alternates:
            problems.append(f"{where} has neither content nor an alternate link")
        for link in entry_links:
            absolute(link.get("href"), f"{where} link")
    return problems


def check_json_feed_structure(document):
    problems = []
    if document.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {document.get('version')!r}")
    if not isinstance(document.get("title"), str) or not document["title"]:
        problems.append("no title")
    for key in ("home_page_url", "feed_url"):
        if key in document and not document[key].startswith("http"):
            problems.append(f"{key} {document[key]!r} is not absolute")
    items = document.get("items")
    if not isinstance(items, list):
        return problems + ["items is not a list"]
    for n, item in enumerate(items):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {n} has no string id")
        if not item.get("content_html") and not item.get("content_text"):
            problems.append(f"item {n} has no content")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.match(item[key]):
                problems.append(f"item {n} {key} {item[key]!r} is not RFC 3339")
        for author in item.get("authors", []):
            if not author.get("name"):
                problems.append(f"item {n} has an author without a name")
    return problems


def check_feed(path, kind, want_entries=True):
    status, headers, body = get(path)
    check(f"{path} answers 200", status == 200, status)
    if status != 200:
        return
    if kind == "atom":
        parsed = feedparser.parse(body)
        check(f"{path} parses without bozo", not parsed.bozo, repr(parsed.get("bozo_exception")))
        check(f"{path} is atom10", parsed.version == "atom10", parsed.version)
        if want_entries:
            check(f"{path} has entries", len(parsed.entries) > 0)
        check(
            f"{path} entries link to their page",
            all(e.get("link", "").startswith("http") for e in parsed.entries),
        )
        problems = check_atom_structure(path, body)
        check(f"{path} is structurally valid Atom 1.0", not problems, "; ".join(problems))
        mirrored = [e for e in parsed.entries if any(l.get("rel") == "via" for l in e.get("links", []))]
        if want_entries and path != "/briefing.atom":
            check(f"{path} entries link to the original (rel=via)", len(mirrored) == len(parsed.entries))
            check(
                f"{path} entries carry the attribution",
                all("Article originally published at" in e.get("content", [{}])[0].get("value", "")
                    for e in parsed.entries),
            )
    else:
        # Released feedparser (6.0) reads no JSON Feed, so the JSON Feed 1.1 rules are checked
        # here: version, title, items with a string id, a content and RFC 3339 dates.
        problems = check_json_feed_structure(json.loads(body))
        check(f"{path} is structurally valid JSON Feed 1.1", not problems, "; ".join(problems))
        items = json.loads(body).get("items", [])
        if want_entries:
            check(f"{path} has items", len(items) > 0)
        check(
            f"{path} items link to the original",
            all(i.get("external_url", "").startswith("http") for i in items),
        )
    etag = headers.get("ETag") or headers.get("etag")
    modified = headers.get("Last-Modified") or headers.get("last-modified")
    check(f"{path} has ETag and Last-Modified", bool(etag and modified))
    if etag:
        again, _, _ = get(path, {"If-None-Match": etag})
        check(f"{path} answers If-None-Match with 304", again == 304, again)
    if modified:
        since, _, _ = get(path, {"If-Modified-Since": modified})
        check(f"{path} answers If-Modified-Since with 304", since == 304, since)
    if etag and kind == "atom":
        conditional = feedparser.parse(BASE + path, etag=etag, modified=modified)
        check(f"{path} feedparser's conditional fetch sees 304", conditional.get("status") == 304,
              conditional.get("status"))


def main():
    articles = wait_for_articles()
    first = articles[0]
    tag = next((t["slug"] for a in articles for t in a["tags"]), None)
    status, _, body = get("/api/v1/stories")
    stories = json.loads(body).get("stories", []) if status == 200 else []
    word = max(re.findall(r"[A-Za-z]{5,}", first["title"]) or ["news"], key=len)

    status, _, home = get("/")
    html = home.decode("utf-8", "replace")
    check("home advertises the Atom feed",
          'rel="alternate" type="application/atom+xml"' in html and 'href="/feed.atom"' in html)
    check("home advertises the JSON Feed", 'href="/feed.json"' in html)

    paths = [("/feed", True), (f"/source/{first['publisher_slug']}/feed", True),
             (f"/search/feed?q={urllib.parse.quote(word)}", True)]
    if tag:
        paths.append((f"/tag/{tag}/feed", True))
    if stories:
        paths.append((f"/story/{stories[0]['id']}/feed", True))
    else:
        check("the demo has stories", False)
    for base_path, want in paths:
        stem, _, query = base_path.partition("?")
        suffix = f"?{query}" if query else ""
        check_feed(f"{stem}.atom{suffix}", "atom", want)
        check_feed(f"{stem}.json{suffix}", "json", want)
    check_feed("/briefing.atom", "atom", True)

    status, _, robots = get("/robots.txt")
    check("robots.txt names the sitemap", status == 200 and b"Sitemap: http" in robots)
    status, _, sitemap = get("/sitemap.xml")
    root = ET.fromstring(sitemap)
    locs = [l.text for l in root.iter(SITEMAP + "loc")]
    check("sitemap.xml lists the articles",
          status == 200 and any(f"/article/{first['id']}" in (l or "") for l in locs))
    status, _, news = get("/sitemap-news.xml")
    check("sitemap-news.xml is well-formed", status == 200 and ET.fromstring(news) is not None)

    if failures:
        sys.exit(f"{len(failures)} checks failed: {', '.join(failures)}")
    print(f"all feed checks passed at {datetime.datetime.now(datetime.timezone.utc):%H:%M:%S}")


main()
