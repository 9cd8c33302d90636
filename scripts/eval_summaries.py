"""Helpers for eval-summaries.sh: turn the CNN/DailyMail rows into Tidings' import fields,
and score summaries (Tidings, Lead-3, TextRank) with rouge-score."""
import json
import math
import re
import sys
from collections import Counter


def slug_title(url):
    path = url.rstrip("/").split("/")[-1]
    path = re.sub(r"\.html?$", "", path)
    words = [w for w in re.split(r"[-_]+", path) if w and not w.isdigit()]
    return " ".join(words)


SPLITS = ("all", "tuning", "held-out")


def prepare(path, split="all"):
    """The rows of one split: even positions (0, 2, ...) tune, odd positions are held out."""
    if split not in SPLITS:
        sys.exit(f"split must be one of {', '.join(SPLITS)}")
    for index, line in enumerate(open(path, encoding="utf-8")):
        if split == "tuning" and index % 2 == 1 or split == "held-out" and index % 2 == 0:
            continue
        row = json.loads(line)
        text = re.sub(r"^\(CNN\)\s*", "", row["article"])
        print(json.dumps({
            "url": row["url"], "title": slug_title(row["url"]), "text": text,
            "publisher": row["dataset"], "reference": row["reference"],
        }))


def textrank(sentences, count=3):
    """Plain TextRank: sentences as nodes, word-overlap similarity, PageRank."""
    words = [set(re.findall(r"\w+", s.lower())) for s in sentences]
    n = len(sentences)
    if n <= count:
        return sentences
    sim = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and len(words[i]) > 1 and len(words[j]) > 1:
                sim[i][j] = len(words[i] & words[j]) / (math.log(len(words[i])) + math.log(len(words[j])))
    rank = [1.0] * n
    for _ in range(30):
        rank = [0.15 + 0.85 * sum(sim[j][i] / (sum(sim[j]) or 1) * rank[j] for j in range(n)) for i in range(n)]
    top = sorted(sorted(range(n), key=lambda i: -rank[i])[:count])
    return [sentences[i] for i in top]


def score(path):
    from rouge_score import rouge_scorer
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {name: Counter() for name in ("tidings", "lead3", "textrank")}
    count = 0
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        reference = row["reference"]
        candidates = {
            "tidings": row["tidings"],
            "lead3": row["lead3"],
            "textrank": "\n".join(textrank(row["sentences"])),
        }
        for name, text in candidates.items():
            for metric, value in scorer.score(reference, text).items():
                totals[name][metric] += value.fmeasure
        count += 1
    print(f"{count} articles, ROUGE F1 (stemmed) x100")
    print(f"{'system':10} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    for name, total in totals.items():
        print(f"{name:10} " + " ".join(f"{100 * total[m] / count:6.2f}" for m in ("rouge1", "rouge2", "rougeL")))


if __name__ == "__main__":
    {"prepare": prepare, "score": score}[sys.argv[1]](*sys.argv[2:])
