//! Prints what the extractor reads from one HTML file (gzip accepted):
//! `cargo run --release -p tidings-extract --example extract_file -- PAGE.html[.gz] [URL]`

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: extract_file PAGE [URL]")?;
    let url = std::env::args()
        .nth(2)
        .and_then(|u| url::Url::parse(&u).ok());
    let raw = std::fs::read(&path)?;
    let mut bytes = Vec::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut bytes)?;
    } else {
        bytes = raw;
    }
    match tidings_extract::extract(&bytes, None, &tidings_extract::ExtractOptions { url }) {
        Ok(article) => {
            let text = std::mem::take(&mut { article.text.clone() });
            let html_len = article.html.len();
            let mut meta = article;
            meta.text = String::new();
            meta.html = String::new();
            println!("{}", serde_json::to_string_pretty(&meta)?);
            println!("html bytes: {html_len}\n---\n{text}");
        }
        Err(error) => println!("error: {error}"),
    }
    Ok(())
}
