#!/usr/bin/env python3
"""Runs trafilatura (default settings) over pages; one JSON line per page on stdout.

    trafilatura_driver.py [--metadata] PAGE_LIST

PAGE_LIST names one HTML file per line. With --metadata, title, author, date and site name are
read too (trafilatura's JSON output); without it, only the text (its default `extract`).
"""

import json
import sys

import trafilatura


def main():
    args = sys.argv[1:]
    metadata = "--metadata" in args
    paths = [a for a in args if a != "--metadata"]
    if len(paths) != 1:
        raise SystemExit(__doc__)
    out = sys.stdout
    with open(paths[0], encoding="utf-8") as listing:
        for path in listing.read().split():
            with open(path, "rb") as page:
                html = page.read()
            try:
                if metadata:
                    found = trafilatura.extract(html, output_format="json", with_metadata=True)
                    doc = json.loads(found) if found else {}
                    row = {
                        "text": doc.get("text") or "",
                        "title": doc.get("title"),
                        "byline": doc.get("author"),
                        "published": doc.get("date"),
                        "site_name": doc.get("sitename") or doc.get("source-hostname"),
                    }
                else:
                    row = {"text": trafilatura.extract(html) or ""}
            except Exception as error:  # a peer's failure scores as an empty page
                row = {"error": str(error)}
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
