#!/usr/bin/env python3
"""Runs Tidings and its peers over the extraction data sets and prints a Markdown report.

Each extractor runs as one whole process per data set (start-up included), pinned to one core
with `taskset -c 0`, over the same decompressed pages; the best wall time of --runs runs is
kept (a run over a minute is not repeated), and the peak resident memory
(`/usr/bin/time -f %M`) of the largest run. Quality comes
from score.py, the same code for every extractor.

    run_peers.py --data DIR --work DIR --extractor NAME=COMMAND... [--runs N]

COMMAND is a shell-style command line; `{list}` is replaced by a file listing the pages, and
`{files}` by the page paths themselves. It must print one JSON object per page, in order; an
extractor that names failed pages on stderr as `error: PATH: reason` (as `tidings extract`
does) gets an error row for each.
"""

import argparse
import gzip
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score  # noqa: E402

DATASETS = ["zyte", "wcxb-dev-articles", "readability-pages"]
# A run longer than this is not repeated: its timing is steady enough, and repeats take long.
SLOW_RUN_SECONDS = 60


def prepare_pages(data_dir, work_dir, name):
    """Decompresses a data set's pages into WORK/pages/NAME; returns (ids, paths, list file)."""
    source = data_dir / name
    target = work_dir / "pages" / name
    target.mkdir(parents=True, exist_ok=True)
    ids, paths = [], []
    if name == "readability-pages":
        for page_dir in sorted(p for p in source.iterdir() if (p / "source.html").is_file()):
            ids.append(page_dir.name)
            paths.append(page_dir / "source.html")
    else:
        for gz in sorted((source / "html").glob("*.html.gz")):
            page_id = gz.name[: -len(".html.gz")]
            out = target / f"{page_id}.html"
            if not out.exists():
                out.write_bytes(gzip.decompress(gz.read_bytes()))
            ids.append(page_id)
            paths.append(out)
    listing = target / "pages.txt"
    listing.write_text("\n".join(str(p) for p in paths) + "\n")
    (target / "ids.txt").write_text("\n".join(ids) + "\n")
    return ids, paths, listing


def run_once(command, out_path, err_path, rss_path):
    wrapped = ["taskset", "-c", "0", "/usr/bin/time", "-f", "%M", "-o", str(rss_path)] + command
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        status = subprocess.run(wrapped, stdout=out, stderr=err).returncode
        elapsed = time.perf_counter() - started
    rss_kib = int(rss_path.read_text().split()[-1])
    return elapsed, rss_kib, status


def aligned_outputs(out_path, err_path, paths):
    """One row per page: the extractor's lines, with error rows for pages named on stderr."""
    rows = [json.loads(l) for l in out_path.read_text(encoding="utf-8").split("\n") if l.strip()]
    if len(rows) == len(paths):
        return rows
    failed = {}
    for line in err_path.read_text(encoding="utf-8", errors="replace").splitlines():
        for path in paths:
            if line.startswith(f"error: {path}"):
                failed[str(path)] = line
    rows_iter = iter(rows)
    aligned = []
    for path in paths:
        if str(path) in failed:
            aligned.append({"error": failed[str(path)], "text": ""})
        else:
            aligned.append(next(rows_iter, {"error": "no output", "text": ""}))
    return aligned


def measure(name, template, dataset, data_dir, work_dir, runs):
    ids, paths, listing = prepare_pages(data_dir, work_dir, dataset)
    command = []
    for part in shlex.split(template):
        if part == "{files}":
            command.extend(str(p) for p in paths)
        else:
            command.append(part.replace("{list}", str(listing)))
    run_dir = work_dir / "runs" / dataset / name
    run_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path, rss_path = run_dir / "out.jsonl", run_dir / "err.txt", run_dir / "rss"
    best, peak = None, 0
    for _ in range(runs):
        elapsed, rss_kib, status = run_once(command, out_path, err_path, rss_path)
        if status != 0 and out_path.stat().st_size == 0:
            tail = err_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{name} failed on {dataset} (exit {status}):\n{tail}")
        best = elapsed if best is None else min(best, elapsed)
        peak = max(peak, rss_kib)
        if elapsed > SLOW_RUN_SECONDS:
            break
    outputs = aligned_outputs(out_path, err_path, paths)
    (run_dir / "ids.txt").write_text("\n".join(ids) + "\n")
    figures = score.score(data_dir / dataset, ids, outputs)
    figures.update(seconds=best, pages_per_second=len(ids) / best, peak_rss_mb=peak * 1024 / 1e6)
    return figures


def quality_cell(dataset, f):
    if dataset == "zyte":
        return f"F1 {f['f1']:.3f} (P {f['precision']:.3f}, R {f['recall']:.3f})"
    cell = f"word F1 {f['word_f1']:.3f}"
    if f["scored"] != f["pages"]:
        cell += f" ({f['scored']} pages with ground truth)"
    if dataset == "readability-pages":
        parts = []
        for field, label in [
            ("title", "title"),
            ("byline", "byline"),
            ("published", "published"),
            ("site_name", "site name"),
        ]:
            of = f[f"{field}_of"]
            if of:
                parts.append(f"{label} {f[f'{field}_right']}/{of}")
        cell += "; " + ", ".join(parts)
    return cell


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help="comma-separated subset of " + ", ".join(DATASETS))
    parser.add_argument("--extractor", action="append", required=True, metavar="NAME=COMMAND")
    parser.add_argument("--metadata-extractor", action="append", default=[],
                        metavar="NAME=COMMAND", help="command used on readability-pages instead")
    args = parser.parse_args()
    extractors = [e.split("=", 1) for e in args.extractor]
    overrides = dict(e.split("=", 1) for e in args.metadata_extractor)
    datasets = [d for d in args.datasets.split(",") if d]
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown:
        raise SystemExit(f"unknown data sets: {unknown}")
    results = {}
    for dataset in datasets:
        for name, template in extractors:
            if dataset == "readability-pages":
                template = overrides.get(name, template)
            print(f"running {name} on {dataset}", file=sys.stderr, flush=True)
            results[(dataset, name)] = measure(
                name, template, dataset, args.data, args.work, args.runs
            )
    (args.work / "results.json").write_text(
        json.dumps({f"{d}/{n}": f for (d, n), f in results.items()}, indent=1)
    )
    print("| data set | extractor | pages/s | ms/page | peak RSS | failed | quality |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for (dataset, name), f in results.items():
        print(
            f"| {dataset} ({f['pages']}) | {name} | {f['pages_per_second']:.1f} "
            f"| {1000 * f['seconds'] / f['pages']:.2f} | {f['peak_rss_mb']:.0f} MB "
            f"| {f['failed']} | {quality_cell(dataset, f)} |"
        )
    first = extractors[0][0]
    print()
    for dataset in datasets:
        ours = results[(dataset, first)]["pages_per_second"]
        ratios = ", ".join(
            f"{ours / results[(dataset, name)]['pages_per_second']:.1f}× {name}"
            for name, _ in extractors[1:]
        )
        print(f"- {dataset}: {first} pages/s = {ratios}")
    if "zyte" in datasets:
        zyte_rss = results[("zyte", first)]["peak_rss_mb"]
        verdict = "under" if zyte_rss < 100 else "OVER"
        print(f"- peak RSS of {first} over the 181 Zyte pages: {zyte_rss:.1f} MB ({verdict} 100 MB)")


if __name__ == "__main__":
    main()
