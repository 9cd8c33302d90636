use super::*;

fn base() -> Url {
    Url::parse("https://news.example/feeds/main.xml").expect("base url")
}

#[test]
fn reads_rss2_items_and_resolves_links() {
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title><link>/</link>
<item>
  <title>First &amp; foremost</title><link>/2024/first</link>
  <guid isPermaLink="false">urn:example:1</guid>
  <description>&lt;p&gt;Summary&lt;/p&gt;</description>
  <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
  <dc:creator>Ann Writer</dc:creator>
  <category>World</category><category>Politics</category>
  <media:thumbnail url="/img/1.jpg"/>
</item>
<item><title>No guid here</title><link>https://news.example/second</link></item>
</channel></rss>"#;
    let feed = parse_feed(xml, Some("application/rss+xml"), &base()).expect("valid rss");
    assert_eq!(feed.format, FeedFormat::Rss);
    assert_eq!(feed.title.as_deref(), Some("Example News"));
    assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
    let first = &feed.entries[0];
    assert_eq!(first.guid.as_deref(), Some("urn:example:1"));
    assert_eq!(
        first.url.as_deref(),
        Some("https://news.example/2024/first")
    );
    assert_eq!(first.title.as_deref(), Some("First & foremost"));
    assert_eq!(first.summary_html.as_deref(), Some("<p>Summary</p>"));
    assert_eq!(
        first.published.map(|d| d.to_rfc3339()),
        Some("2024-01-02T10:00:00+00:00".into())
    );
    assert_eq!(first.authors, vec!["Ann Writer"]);
    assert_eq!(first.categories, vec!["World", "Politics"]);
    assert_eq!(
        first.image.as_deref(),
        Some("https://news.example/img/1.jpg")
    );
    assert_eq!(feed.entries[1].guid, None, "feed-rs must not invent ids");
    assert_eq!(
        feed.entries[1].url.as_deref(),
        Some("https://news.example/second")
    );
}

#[test]
fn reads_atom_with_alternate_link_and_content() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Atom Site</title>
<link rel="self" href="https://news.example/atom.xml"/>
<link rel="alternate" href="https://news.example/"/>
<entry><id>tag:news.example,2024:1</id><title>Entry one</title>
  <link rel="replies" href="https://news.example/1#comments"/>
  <link rel="alternate" type="text/html" href="/posts/1"/>
  <updated>2024-03-04T05:06:07Z</updated>
  <author><name>Bo</name></author>
  <content type="html">&lt;b&gt;Body&lt;/b&gt;</content>
</entry></feed>"#;
    let feed = parse_feed(xml, None, &base()).expect("valid atom");
    assert_eq!(feed.format, FeedFormat::Atom);
    assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
    let entry = &feed.entries[0];
    assert_eq!(entry.guid.as_deref(), Some("tag:news.example,2024:1"));
    assert_eq!(entry.url.as_deref(), Some("https://news.example/posts/1"));
    assert_eq!(entry.content_html.as_deref(), Some("<b>Body</b>"));
    assert_eq!(entry.authors, vec!["Bo"]);
    assert!(entry.updated.is_some());
}

#[test]
fn reads_json_feed() {
    let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "JF",
      "home_page_url": "https://j.example/",
      "items": [{"id": "1", "url": "https://j.example/1", "title": "One",
                 "content_html": "<p>hi</p>", "date_published": "2024-05-06T07:08:09Z",
                 "authors": [{"name": "Cy"}], "tags": ["a", "b"], "image": "https://j.example/1.png"}]}"#;
    let feed = parse_feed(json, Some("application/feed+json"), &base()).expect("valid json feed");
    assert_eq!(feed.format, FeedFormat::JsonFeed);
    assert_eq!(feed.title.as_deref(), Some("JF"));
    let item = &feed.entries[0];
    assert_eq!(item.guid.as_deref(), Some("1"));
    assert_eq!(item.url.as_deref(), Some("https://j.example/1"));
    assert_eq!(item.content_html.as_deref(), Some("<p>hi</p>"));
    assert_eq!(item.categories, vec!["a", "b"]);
}

#[test]
fn windows_1252_feed_declared_utf8_or_undeclared_keeps_characters() {
    let body = b"<rss version=\"2.0\"><channel><title>Caf\xe9 \x93News\x94</title><item><title>Na\xefve \x96 r\xe9sum\xe9 \x80</title></item></channel></rss>";
    for prolog in [
        &b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"[..],
        &b"<?xml version=\"1.0\"?>"[..],
        &b""[..],
    ] {
        let doc = [prolog, &body[..]].concat();
        let feed = parse_feed(&doc, Some("text/xml"), &base()).expect("recovered encoding");
        assert_eq!(feed.title.as_deref(), Some("Café “News”"));
        assert_eq!(feed.entries[0].title.as_deref(), Some("Naïve – résumé €"));
    }
}

#[test]
fn http_charset_is_used_for_non_utf8_bytes() {
    let doc = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\xef\xf0\xe8\xe2\xe5\xf2</title></channel></rss>";
    let feed = parse_feed(
        doc,
        Some("application/rss+xml; charset=windows-1251"),
        &base(),
    )
    .expect("cyrillic feed");
    assert_eq!(feed.title.as_deref(), Some("привет"));
}

#[test]
fn repairs_bare_ampersands_html_entities_and_control_chars() {
    let doc = "<rss version=\"2.0\"><channel><title>Tom & Jerry&nbsp;\u{1}&mdash;ok</title>\
        <item><title>R&D</title></item></channel></rss>";
    let feed = parse_feed(doc.as_bytes(), None, &base()).expect("repaired feed");
    assert_eq!(feed.title.as_deref(), Some("Tom & Jerry\u{a0}—ok"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("R&D"));
}

#[test]
fn accepts_rss_without_a_known_version() {
    let doc = b"<rss version=\"0.94\"><channel><title>Old</title><item><title>x</title></item></channel></rss>";
    let feed = parse_feed(doc, None, &base()).expect("rss 0.94");
    assert_eq!(feed.title.as_deref(), Some("Old"));
    assert_eq!(feed.entries.len(), 1);
}

#[test]
fn broken_or_foreign_documents_give_clear_errors() {
    let err = parse_feed(
        b"<rss version=\"2.0\"><channel><title>x</titl></channel>",
        None,
        &base(),
    )
    .expect_err("mismatched tags");
    assert!(err.to_string().starts_with("malformed XML feed"), "{err}");
    let err = parse_feed(b"<html><body>hi</body></html>", None, &base()).expect_err("html");
    assert!(matches!(err, FeedError::NotAFeed), "{err}");
    let err = parse_feed(b"   ", None, &base()).expect_err("empty");
    assert!(matches!(err, FeedError::Empty));
    let err = parse_feed(b"{\"version\": ", None, &base()).expect_err("truncated json");
    assert!(err.to_string().starts_with("malformed JSON feed"), "{err}");
}

#[test]
fn xhtml_wrapper_div_is_removed() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> title</div></title>
<entry><id>x</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><div>inner</div><p>para</p></div></content></entry></feed>"#;
    let feed = parse_feed(xml, None, &base()).expect("xhtml atom");
    assert_eq!(
        feed.title.as_deref(),
        Some("A bold title"),
        "titles are plain text"
    );
    assert_eq!(
        feed.entries[0].content_html.as_deref(),
        Some("<div>inner</div><p>para</p>")
    );
}

#[test]
fn json_feed_with_bare_version_number_is_read() {
    let json = br#"{"version": "1.1", "title": "Bare", "items": [{"id": "a", "title": "A"}]}"#;
    let feed = parse_feed(json, None, &base()).expect("json feed 1.1");
    assert_eq!(feed.title.as_deref(), Some("Bare"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("A"));
    let err =
        parse_feed(br#"{"version": "9", "title": "x"}"#, None, &base()).expect_err("not a feed");
    assert!(
        matches!(
            err,
            FeedError::UnsupportedJsonVersion(_) | FeedError::MalformedJson(_)
        ),
        "{err}"
    );
}

#[test]
fn rss_author_email_forms_become_names() {
    let xml = br#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
<item><title>a</title><author>ed@example.com (Example Editor)</author></item>
<item><title>b</title><dc:creator>Jo Writer (jo@example.com)</dc:creator></item>
<item><title>c</title><author>plain@example.com</author></item>
</channel></rss>"#;
    let feed = parse_feed(xml, None, &base()).expect("rss");
    let authors: Vec<_> = feed.entries.iter().map(|e| e.authors.clone()).collect();
    assert_eq!(
        authors,
        vec![
            vec!["Example Editor".to_owned()],
            vec!["Jo Writer".to_owned()],
            vec!["plain@example.com".to_owned()]
        ]
    );
}

#[test]
fn c1_controls_are_read_as_windows_1252() {
    let xml =
        "<rss version=\"2.0\"><channel><title>don\u{92}t &#146;quote&#148;</title></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None, &base()).expect("rss");
    assert_eq!(feed.title.as_deref(), Some("don’t ’quote”"));
}

#[test]
fn atom_in_an_unknown_or_prefixed_namespace_is_read() {
    for doc in [
        r#"<feed version="0.3" xmlns="http://example.com/newformat#"><title>T</title><entry><title>E</title></entry></feed>"#,
        r#"<feed><title>T</title><entry><title>E</title></entry></feed>"#,
        r#"<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title><a:entry><a:title>E</a:title></a:entry></a:feed>"#,
    ] {
        let feed = parse_feed(doc.as_bytes(), None, &base()).expect(doc);
        assert_eq!(feed.format, FeedFormat::Atom);
        assert_eq!(feed.title.as_deref(), Some("T"), "{doc}");
        assert_eq!(feed.entries[0].title.as_deref(), Some("E"), "{doc}");
    }
}

#[test]
fn hex_entities_in_attributes_and_a_cut_final_end_tag_are_repaired() {
    let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\
        <link rel=\"alternate\" href=\"http://domain/?a=1&amp;b=2&#x26;c=&#51;\"/>\
        <entry><title>&#x41;&#X42;&eacute;</title></entry>\
        </feed";
    let feed = parse_feed(doc.as_bytes(), None, &base()).expect("repaired");
    assert_eq!(feed.site_url.as_deref(), Some("http://domain/?a=1&b=2&c=3"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("ABé"));
}

#[test]
fn base64_atom_content_is_decoded() {
    let doc = br#"<feed xmlns="http://purl.org/atom/ns#"><entry>
<title type="text/html" mode="base64">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>
<content type="text/html" mode="base64">PHA+Qm9keTwvcD4=</content></entry></feed>"#;
    let feed = parse_feed(doc, None, &base()).expect("atom 0.3");
    assert_eq!(feed.entries[0].title.as_deref(), Some("Example Atom"));
    assert_eq!(feed.entries[0].content_html.as_deref(), Some("<p>Body</p>"));
    let doc = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
<summary type="application/octet-stream"> RXhhbXBsZSA8Yj5BdG9tPC9iPg== </summary></entry></feed>"#;
    let feed = parse_feed(doc, None, &base()).expect("atom 1.0");
    assert_eq!(
        feed.entries[0].summary_html.as_deref(),
        Some("Example &lt;b&gt;Atom&lt;/b&gt;")
    );
}

#[test]
fn author_forms_map_to_names() {
    let doc = br#"<feed xmlns="http://www.w3.org/2005/Atom">
<entry><author><name>Example author</name><email>me@example.com</email></author></entry>
<entry><author><email>only@example.com</email></author></entry>
</feed>"#;
    let feed = parse_feed(doc, None, &base()).expect("atom");
    assert_eq!(feed.entries[0].authors, vec!["Example author"]);
    assert_eq!(feed.entries[1].authors, vec!["only@example.com"]);
    let doc = br#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<item><author>Example editor &lt;me@example.com&gt;</author></item>
<item><dc:author>Dee Author</dc:author></item>
<item><itunes:author>Pod Caster</itunes:author></item>
</channel></rss>"#;
    let feed = parse_feed(doc, None, &base()).expect("rss");
    let authors: Vec<_> = feed.entries.iter().map(|e| e.authors.join("|")).collect();
    assert_eq!(authors, ["Example editor", "Dee Author", "Pod Caster"]);
}

#[test]
fn titles_are_plain_text_and_bodies_stay_html() {
    let doc = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
<title type="html">Q&amp;amp;A &lt;b&gt;session&lt;/b&gt;</title>
<summary type="text">a &lt; b</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">History of the &lt;blink&gt; <b>tag</b></div></content>
</entry></feed>"#;
    let entry = &parse_feed(doc, None, &base()).expect("atom").entries[0];
    assert_eq!(entry.title.as_deref(), Some("Q&A session"));
    assert_eq!(entry.summary_html.as_deref(), Some("a &lt; b"));
    assert_eq!(
        entry.content_html.as_deref(),
        Some("History of the &lt;blink&gt; <b>tag</b>")
    );
}

#[test]
fn feed_date_variants_are_read() {
    let doc = br#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><channel>
<item><pubDate>Wed, 31 Dec 03 05:14:55 EST</pubDate></item>
<item><pubDate>31 Dec 2003 10:14:55</pubDate></item>
<item><dc:date>2003-12-31T11:14:55+01:00</dc:date></item>
<item><dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued><dcterms:modified>2004-01-01</dcterms:modified></item>
</channel></rss>"#;
    let feed = parse_feed(doc, None, &base()).expect("rss");
    for entry in &feed.entries {
        assert_eq!(
            entry.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2003-12-31T10:14:55+00:00")
        );
    }
    assert_eq!(
        feed.entries[3].updated.map(|d| d.to_rfc3339()).as_deref(),
        Some("2004-01-01T00:00:00+00:00")
    );
}

#[test]
fn rss1_items_without_links_and_dublin_core_are_read() {
    let doc = br#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="http://example.com/index.rdf"><title>R</title><link>http://example.com/</link></channel>
<item rdf:about="http://example.com/1"><title>One</title><dc:subject>Cat A</dc:subject><dc:subject>Cat B</dc:subject>
  <dc:creator>Ann</dc:creator><dc:date>2004-02-03T04:05:06Z</dc:date><content:encoded>&lt;p&gt;Full&lt;/p&gt;</content:encoded></item>
</rdf:RDF>"#;
    let feed = parse_feed(doc, None, &base()).expect("rdf");
    assert_eq!(feed.title.as_deref(), Some("R"));
    let item = &feed.entries[0];
    assert_eq!(item.title.as_deref(), Some("One"));
    assert_eq!(item.guid.as_deref(), Some("http://example.com/1"));
    assert_eq!(item.url.as_deref(), Some("http://example.com/1"));
    assert_eq!(item.categories, vec!["Cat A", "Cat B"]);
    assert_eq!(item.authors, vec!["Ann"]);
    assert!(item.published.is_some());
    assert_eq!(item.content_html.as_deref(), Some("<p>Full</p>"));
}

#[test]
fn images_come_from_media_itunes_or_the_body() {
    let doc = br#"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<item><media:group><media:content url="/v.mp4" type="video/mp4"/><media:content url="/a.jpg" medium="image"/></media:group></item>
<item><itunes:image href="/pod.png"/></item>
<item><enclosure url="/e.jpg" type="image/jpeg"/></item>
<item><description>&lt;p&gt;&lt;img src="/in-body.png"&gt;&lt;/p&gt;</description></item>
</channel></rss>"#;
    let feed = parse_feed(doc, None, &base()).expect("rss");
    let images: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.image.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        images,
        [
            "https://news.example/a.jpg",
            "https://news.example/pod.png",
            "https://news.example/e.jpg",
            "https://news.example/in-body.png"
        ]
    );
}

#[test]
fn undeclared_common_prefixes_and_itunes_categories() {
    let doc =
        br#"<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<atom:link href="http://example.org/" rel="alternate" type="text/html"/>
<item><dc:title>DC title</dc:title><x:title>not this</x:title>
<itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category></item>
</channel></rss>"#;
    let feed = parse_feed(doc, None, &base()).expect("rss");
    assert_eq!(feed.site_url.as_deref(), Some("http://example.org/"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("DC title"));
    assert_eq!(feed.entries[0].categories, vec!["Technology", "Gadgets"]);
}

#[test]
fn relative_urls_in_html_follow_xml_base() {
    let doc = br##"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/test/">
<entry><link href="post.html"/><content type="html" xml:base="sub/">&lt;a href="test.html"&gt;t&lt;/a&gt; &lt;a href="#top"&gt;up&lt;/a&gt;</content></entry></feed>"##;
    let entry = &parse_feed(doc, None, &base()).expect("atom").entries[0];
    assert_eq!(
        entry.url.as_deref(),
        Some("http://example.com/test/post.html")
    );
    assert_eq!(
        entry.content_html.as_deref(),
        Some(r##"<a href="http://example.com/test/sub/test.html">t</a> <a href="#top">up</a>"##)
    );
}

#[test]
fn unclosed_elements_and_a_missing_root_end_are_recovered() {
    let doc = b"<rss version=\"2.0\"><channel><title>C</title>\
        <item><title>A</title><itunes:category text='x'><link>http://e.example/a</link></item>\
        </channel>";
    let feed = parse_feed(doc, None, &base()).expect("recovered");
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].title.as_deref(), Some("A"));
    let err = parse_feed(b"<rss><channel><item><title>oops", None, &base()).expect_err("cut");
    assert!(matches!(err, FeedError::MalformedXml(_)), "{err}");
}

#[test]
fn json_feed_images_and_text_content() {
    let json = br#"{"version": "https://jsonfeed.org/version/1", "items": [
      {"id": 7, "content_text": "a < b", "image": "/i.png", "author": {"name": "Al"}}]}"#;
    let item = &parse_feed(json, None, &base()).expect("json").entries[0];
    assert_eq!(item.guid.as_deref(), Some("7"));
    assert_eq!(item.content_html.as_deref(), Some("a &lt; b"));
    assert_eq!(item.image.as_deref(), Some("https://news.example/i.png"));
    assert_eq!(item.authors, vec!["Al"]);
}
