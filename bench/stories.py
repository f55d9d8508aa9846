"""Story recognition benchmark: how well copies are grouped, and what it costs per article.

    python -m bench.stories [--articles 300] [--seed 5]

1. In process, on the texts of a ``--site all`` replica (every site, ``--articles`` each, a fifth of
   them copies of another site's stories and 30% of the originals ending with a shared standard
   paragraph): the cost per article of the signature (normalization, shingles, MinHash, bands) and
   of the index (in-memory SQLite, as without a state; the SQLite state file), against parsing the
   article's HTML page with lxml in the same run (the least any crawl pays per article); the MinHash
   alone against datasketch's (the same values), and the import time of each in a fresh process;
   the pairwise precision and recall of the grouping
   against the replica's truth; the estimated similarity of true copies (lowest, per kind) and of
   different stories (highest among the LSH candidates, and among stories sharing a paragraph).
2. Through the real engine: ``scrapy crawl arabstoday -a site=all`` over that replica, scored the
   same way, and its CPU seconds per article with the story pipeline and without it (best of two
   interleaved runs each).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lxml.html  # noqa: E402

from bench.common import ROOT, command_line, machine, measure  # noqa: E402
from newscrawl.replica import Catalogue, pages  # noqa: E402
from newscrawl.replica.network import REPUBLISH_SHARE, site_seed  # noqa: E402
from newscrawl.replica.republish import Republication, score_grouping  # noqa: E402
from newscrawl.signature import (  # noqa: E402
    MINHASH_SEED,
    NUM_PERM,
    jaccard,
    minhash,
    shingles,
    signature,
    story_text,
)
from newscrawl.sites import SITES  # noqa: E402
from newscrawl.state import StateStore  # noqa: E402
from newscrawl.stories import StoryIndex  # noqa: E402
from newscrawl.stories_sqlite import memory_store  # noqa: E402

#: The project's pipelines without StoryPipeline: the crawl "without stories" (an -s override).
WITHOUT_STORIES = json.dumps({"pipelines.text.TextCleaningPipeline": 100,
                              "pipelines.dates.ArabicDatePipeline": 200,
                              "pipelines.validate.ValidationPipeline": 300,
                              "pipelines.state.StatePipeline": 400})


def network_articles(articles: int, seed: int) -> Iterator[dict[str, Any]]:
    """Every article of every site of a ``--site all`` replica: identity, story, kind, text, page."""
    def original(definition: Any) -> Catalogue:
        return Catalogue(articles=articles, seed=site_seed(seed, definition.key), site=definition,
                         republish=plan)

    plan = Republication(REPUBLISH_SHARE, seed, original)
    for key, site in SITES.items():
        cat = Catalogue(articles=articles, seed=site_seed(seed, key), site=site, republish=plan)
        for position in range(cat.total):
            index = cat.index_at(position)
            art, head = cat.article(index), cat.head(index)
            copy = cat.copy_source(index)
            yield {"identity": f"{site.family_key}:{head.prefix}/{head.article_id}",
                   "story": cat.story_of(index), "kind": copy.kind if copy else None,
                   "title": head.title, "body": "\n\n".join(art.body),
                   "boilerplate": bool(plan.boilerplate(cat, index)),
                   "page": pages.article_page(cat, art, "http://127.0.0.1:8000").encode("utf-8")}


def import_seconds(module: str, repeat: int = 3) -> float:
    """Best wall time of ``import module`` in a fresh interpreter, less the interpreter's own start."""
    def best(code: str) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - started)
        return min(times)

    return max(0.0, best(f"import {module}") - best("pass"))


def minhash_costs(records: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds per article of our MinHash and of datasketch's on the same shingles (same values)."""
    from datasketch import MinHash

    hashes = [shingles(story_text(r["title"], r["body"])) for r in records]
    minhash(hashes[0])
    started = time.perf_counter()
    ours = [minhash(h) for h in hashes]
    ours_s = (time.perf_counter() - started) / len(records)
    started = time.perf_counter()
    theirs = []
    for h in hashes:
        sketch = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32", hashfunc=int)
        sketch.update_batch(h.tolist())
        theirs.append(sketch.hashvalues.astype("<u4").tobytes())
    theirs_s = (time.perf_counter() - started) / len(records)
    if ours != theirs:
        raise AssertionError("newscrawl.signature.minhash differs from datasketch's affine32 MinHash")
    return {"minhash_us": round(ours_s * 1e6, 1), "datasketch_minhash_us": round(theirs_s * 1e6, 1),
            "import_numpy_s": round(import_seconds("numpy"), 3),
            "import_datasketch_s": round(import_seconds("datasketch"), 3)}


def in_process(articles: int, seed: int) -> dict[str, Any]:
    records = list(network_articles(articles, seed))
    signature(records[0]["title"], records[0]["body"])  # warm: numpy imported, permutations drawn
    lxml.html.fromstring(records[0]["page"])
    started = time.perf_counter()
    for record in records:
        lxml.html.fromstring(record["page"])
    lxml_s = (time.perf_counter() - started) / len(records)
    started = time.perf_counter()
    signatures = [signature(r["title"], r["body"]) for r in records]
    signature_s = (time.perf_counter() - started) / len(records)
    memory = StoryIndex(memory_store())
    started = time.perf_counter()
    assigned = [memory.assign(r["identity"], sig) for r, sig in zip(records, signatures, strict=True)]
    memory_s = (time.perf_counter() - started) / len(records)
    with tempfile.TemporaryDirectory() as tmp:
        state = StateStore(Path(tmp) / "state.sqlite")
        sqlite = StoryIndex(state.stories())
        started = time.perf_counter()
        for record, sig in zip(records, signatures, strict=True):
            sqlite.assign(record["identity"], sig)
        sqlite.backend.flush()
        sqlite_s = (time.perf_counter() - started) / len(records)
        state.close()  # checkpoints the WAL into the file
        state_bytes = (Path(tmp) / "state.sqlite").stat().st_size
    score = score_grouping({r["identity"]: a.story_id for r, a in zip(records, assigned, strict=True)},
                           {r["identity"]: r["story"] for r in records})
    return {
        "records": len(records), "copies": sum(1 for r in records if r["kind"]),
        "stories_with_copies": len({r["story"] for r in records if r["kind"]}),
        "precision": round(score.precision, 4), "recall": round(score.recall, 4),
        "true_pairs": score.true_pairs, "predicted_pairs": score.predicted_pairs,
        "lxml_parse_us": round(lxml_s * 1e6, 1), "signature_us": round(signature_s * 1e6, 1),
        "index_memory_us": round(memory_s * 1e6, 1), "index_sqlite_us": round(sqlite_s * 1e6, 1),
        "ratio_signature_to_lxml": round(signature_s / lxml_s, 3),
        "state_bytes_per_article": round(state_bytes / len(records)),
        **similarities(records, signatures),
        **minhash_costs(records),
    }


def similarities(records: list[dict[str, Any]], signatures: list[Any]) -> dict[str, Any]:
    """Estimated Jaccard similarity: the lowest of a copy with its original, per kind; the highest of
    two different stories, over all pairs of articles ending with the same standard paragraph."""
    by_identity = {r["identity"]: sig for r, sig in zip(records, signatures, strict=True)}
    lowest: dict[str, float] = {}
    for record, sig in zip(records, signatures, strict=True):
        if record["kind"] and record["story"] in by_identity:
            j = jaccard(sig.sketch, by_identity[record["story"]].sketch)
            lowest[record["kind"]] = min(lowest.get(record["kind"], 1.0), j)
    decoys = [(r["story"], sig) for r, sig in zip(records, signatures, strict=True)
              if r["boilerplate"] and not r["kind"]]
    highest = 0.0
    for k, (story, sig) in enumerate(decoys):
        for other_story, other in decoys[k + 1:]:
            if story != other_story:
                highest = max(highest, jaccard(sig.sketch, other.sketch))
    return {"lowest_copy_similarity": {k: round(v, 3) for k, v in sorted(lowest.items())},
            "highest_decoy_similarity": round(highest, 3),
            "decoy_pairs": len(decoys) * (len(decoys) - 1) // 2}


def through_the_engine(articles: int, seed: int, repeat: int) -> dict[str, Any]:
    from newscrawl.replica.process import spawn

    url, process = spawn("--site", "all", "--articles", str(articles), "--seed", str(seed), cwd=ROOT)
    try:
        import urllib.request

        with urllib.request.urlopen(url + "/__replica__/network.json", timeout=60) as resp:
            hosts = json.load(resp)
        truth = {}
        for spec in hosts["sites"].values():
            with urllib.request.urlopen(spec["base_url"] + "/__replica__/manifest.json?fields=url,story",
                                        timeout=600) as resp:
                truth.update({a["url"]: a["story"] for a in json.load(resp)["articles"]})
        sections = sorted({s.key for site in SITES.values() for s in site.sections if not s.render})
        best: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "hosts.json").write_text(json.dumps(hosts), encoding="utf-8")
            base = [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", "site=all",
                    "-a", f"hosts=@{tmp}/hosts.json", "-a", "sections=" + ",".join(sections),
                    "-s", "LOG_LEVEL=INFO"]
            for _ in range(repeat):
                for name, extra in (("without", ["-s", f"ITEM_PIPELINES={WITHOUT_STORIES}"]), ("with", [])):
                    feed = f"{tmp}/{name}.jsonl"
                    result = measure([*base, *extra, "-O", feed])
                    # Without stories the records have no story_id and the schema check is left out:
                    # that run's verdict is partial by the validation rule (exit status 3), and only that.
                    expected = 3 if name == "without" else 0
                    unexpected = expected and "by rule validation" not in result.output
                    if result.returncode != expected or unexpected:
                        raise RuntimeError(f"crawl {name} stories failed:\n{result.output[-3000:]}")
                    items = [json.loads(line) for line in open(feed, encoding="utf-8")]
                    if name not in best or result.cpu < best[name][0].cpu:
                        best[name] = (result, items)
    finally:
        process.kill()
        process.wait()
    items = best["with"][1]
    score = score_grouping({i["url"]: i["story_id"] for i in items}, truth)
    cpu = {name: best[name][0].cpu / len(best[name][1]) for name in best}
    return {"records": len(items), "precision": round(score.precision, 4), "recall": round(score.recall, 4),
            "true_pairs": score.true_pairs, "predicted_pairs": score.predicted_pairs,
            "cpu_ms_per_article_with": round(cpu["with"] * 1e3, 3),
            "cpu_ms_per_article_without": round(cpu["without"] * 1e3, 3),
            "ratio_cpu_with_to_without": round(cpu["with"] / cpu["without"], 3), "repeat": repeat}


def run(articles: int = 300, seed: int = 5, repeat: int = 2, quiet: bool = False) -> dict[str, Any]:
    figures = {"command": command_line(), "machine": machine(), "articles_per_site": articles, "seed": seed,
               "in_process": in_process(articles, seed), "crawl": through_the_engine(articles, seed, repeat)}
    if not quiet:
        print_figures(figures)
    return figures


def print_figures(f: dict[str, Any]) -> None:
    p, c = f["in_process"], f["crawl"]
    print(f"$ {f['command']}")
    print(f"machine: {f['machine']}")
    print(f"replica: site=all, {f['articles_per_site']} articles per site, seed {f['seed']}: {p['records']}"
          f" articles, {p['copies']} copies of {p['stories_with_copies']} stories")
    print(f"in process: precision {p['precision']}, recall {p['recall']} ({p['predicted_pairs']} pairs"
          f" grouped, {p['true_pairs']} true)")
    print(f"  per article: signature {p['signature_us']} µs, index without state {p['index_memory_us']} µs,"
          f" in the SQLite state {p['index_sqlite_us']} µs; lxml parse of the page {p['lxml_parse_us']} µs"
          f" (signature / lxml parse ratio {p['ratio_signature_to_lxml']})")
    print(f"  MinHash alone: {p['minhash_us']} µs, datasketch's {p['datasketch_minhash_us']} µs (same"
          f" values); import in a fresh process: numpy {p['import_numpy_s']} s,"
          f" datasketch {p['import_datasketch_s']} s")
    print(f"  state: {p['state_bytes_per_article']} bytes per article (SQLite, story tables only)")
    print(f"  lowest similarity of a copy to its original: {p['lowest_copy_similarity']};"
          f" highest of two stories sharing a standard paragraph: {p['highest_decoy_similarity']}"
          f" ({p['decoy_pairs']} pairs)")
    print(f"crawl (scrapy crawl -a site=all): {c['records']} records, precision {c['precision']}, recall"
          f" {c['recall']} ({c['predicted_pairs']} pairs grouped, {c['true_pairs']} true)")
    print(f"  CPU per article: {c['cpu_ms_per_article_with']} ms with stories,"
          f" {c['cpu_ms_per_article_without']} ms without (ratio {c['ratio_cpu_with_to_without']};"
          f" best of {c['repeat']} interleaved runs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per site")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=2,
                        help="interleaved crawls with and without stories; best kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    figures = run(args.articles, args.seed, args.repeat)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
