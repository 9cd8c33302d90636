#!/usr/bin/env node
// Runs Mozilla Readability (under jsdom) over pages; one JSON line per page on stdout.
//
//     NODE_PATH=<node_modules> node readability_driver.js PAGE_LIST
//
// PAGE_LIST names one HTML file per line.

"use strict";

const fs = require("fs");
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

// The text of Readability's HTML with a line break after each block, so words of adjacent
// paragraphs are not run together (its `textContent` joins them).
function blockText(html) {
  const spaced = html
    .replace(/<\/(p|div|h[1-6]|li|blockquote|pre|tr|td|th|figcaption|section|article|dd|dt)>/gi, "$&\n")
    .replace(/<br\s*\/?>/gi, "\n");
  return JSDOM.fragment(spaced).textContent || "";
}

function main() {
  const listing = process.argv[2];
  if (!listing) {
    console.error("usage: readability_driver.js PAGE_LIST");
    process.exit(2);
  }
  const paths = fs.readFileSync(listing, "utf8").split(/\s+/).filter(Boolean);
  const quiet = new VirtualConsole();
  const lines = [];
  for (const path of paths) {
    let row;
    try {
      // Valid UTF-8 is handed over decoded (the others detect it too); other bytes go to
      // jsdom's own charset sniffing.
      const bytes = fs.readFileSync(path);
      let html;
      try {
        html = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        html = bytes;
      }
      const dom = new JSDOM(html, { url: "http://fakehost/article.html", virtualConsole: quiet });
      const article = new Readability(dom.window.document).parse();
      row = article
        ? {
            text: blockText(article.content || ""),
            title: article.title || null,
            byline: article.byline || null,
            published: article.publishedTime || null,
            site_name: article.siteName || null,
          }
        : { text: "" };
      dom.window.close();
    } catch (error) {
      row = { error: String(error) };
    }
    lines.push(JSON.stringify(row));
  }
  fs.writeFileSync(1, lines.join("\n") + "\n");
}

main();
