#!/usr/bin/env python3
"""Scores article extractions against a data set's ground truth, with each benchmark's own metric.

Every extractor's output is scored by the same code: one JSON object per page, in page order,
with `text` and optionally `title`, `byline`, `published`, `site_name` (null or missing when the
extractor found nothing; `{"error": ...}` when it failed, which scores as empty text).

    score.py DATASET_DIR PAGE_IDS_FILE OUTPUT_JSONL

DATASET_DIR is one of ../shared/data/extraction/{zyte,wcxb-dev-articles,readability-pages};
PAGE_IDS_FILE lists the page ids in the order of the output lines. Prints one JSON object of
figures.
"""

import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

WORD = re.compile(r"\w+")


def shingles(text):
    """The multiset of runs of 4 consecutive `\\w+` tokens (case kept)."""
    tokens = WORD.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def zyte_page_counts(truth, predicted):
    """Per-page tp, fp, fn over shingles, normalised to sum to 1 (when above 0)."""
    t, p = shingles(truth), shingles(predicted)
    tp = fp = fn = 0
    for key in set(t) | set(p):
        tp += min(t[key], p[key])
        fp += max(0, p[key] - t[key])
        fn += max(0, t[key] - p[key])
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return tp, fp, fn


def zyte_f1(pairs):
    """Corpus precision, recall and F1 as the Zyte benchmark computes them."""
    precisions, recalls = [], []
    for truth, predicted in pairs:
        tp, fp, fn = zyte_page_counts(truth, predicted)
        if tp + fp > 0:
            precisions.append(1.0 if fp == 0 and fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if fp == 0 and fn == 0 else tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def word_f1(truth, predicted):
    """Bag-of-words F1 of lower-cased `\\w+` tokens (the WCXB page metric)."""
    t = Counter(WORD.findall((truth or "").lower()))
    p = Counter(WORD.findall((predicted or "").lower()))
    overlap = sum((t & p).values())
    if overlap == 0:
        return 1.0 if not t and not p else 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def normalise_space(s):
    return " ".join((s or "").split())


def same_time(expected, predicted):
    """True when both name the same instant; a date-only prediction matches the same date."""
    if not expected or not predicted:
        return False
    try:
        want = datetime.fromisoformat(expected.replace("Z", "+00:00"))
    except ValueError:
        return normalise_space(expected) == normalise_space(predicted)
    try:
        got = datetime.fromisoformat(predicted.replace("Z", "+00:00"))
    except ValueError:
        return False
    if len(predicted.strip()) == 10:
        return got.date() == want.date()
    if (want.tzinfo is None) != (got.tzinfo is None):
        return want.replace(tzinfo=None) == got.replace(tzinfo=None)
    return want == got


def html_text(path):
    """The visible text of an HTML file (for readability-pages' expected.html)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

        def handle_starttag(self, tag, attrs):
            self.parts.append(" ")

        def handle_endtag(self, tag):
            self.parts.append(" ")

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return "".join(parser.parts)


def load_truth(dataset, page_id):
    if dataset.name == "zyte":
        if not hasattr(load_truth, "zyte"):
            load_truth.zyte = json.loads((dataset / "ground-truth.json").read_text())
        return {"text": load_truth.zyte[page_id]["articleBody"]}
    if dataset.name.startswith("wcxb"):
        doc = json.loads((dataset / "ground-truth" / f"{page_id}.json").read_text())
        # A few pages have no main content in their ground truth; they are not scored.
        return {"text": doc["ground_truth"].get("main_content")}
    meta = json.loads((dataset / page_id / "expected-metadata.json").read_text())
    return {
        "text": html_text(dataset / page_id / "expected.html"),
        "title": meta.get("title"),
        "byline": meta.get("byline"),
        "published": meta.get("publishedTime"),
        "site_name": meta.get("siteName"),
    }


def score(dataset, page_ids, outputs):
    truths = [load_truth(dataset, page_id) for page_id in page_ids]
    texts = [(t["text"], o.get("text") or "") for t, o in zip(truths, outputs) if t["text"] is not None]
    failed = sum(1 for o in outputs if "error" in o)
    result = {"pages": len(page_ids), "scored": len(texts), "failed": failed}
    if dataset.name == "zyte":
        result.update(zyte_f1(texts))
    else:
        f1s = [word_f1(t, p) for t, p in texts]
        result["word_f1"] = sum(f1s) / len(f1s) if f1s else 0.0
    if dataset.name == "readability-pages":
        for field in ["title", "byline", "site_name", "published"]:
            pairs = [(t[field], o.get(field)) for t, o in zip(truths, outputs) if t[field]]
            if field == "published":
                right = sum(1 for want, got in pairs if same_time(want, got))
            else:
                right = sum(
                    1 for want, got in pairs if normalise_space(want) == normalise_space(got)
                )
            result[f"{field}_right"] = right
            result[f"{field}_of"] = len(pairs)
    return result


def read_outputs(path, expected):
    outputs = []
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if line.strip():
            outputs.append(json.loads(line))
    if len(outputs) != expected:
        raise SystemExit(f"{path}: {len(outputs)} output lines for {expected} pages")
    return outputs


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    dataset = Path(sys.argv[1])
    page_ids = Path(sys.argv[2]).read_text().split()
    outputs = read_outputs(sys.argv[3], len(page_ids))
    print(json.dumps(score(dataset, page_ids, outputs)))


if __name__ == "__main__":
    main()
