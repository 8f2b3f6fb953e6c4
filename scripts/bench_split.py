"""Benchmark: `claimkit split` throughput (words/s, one core) against plain spaCy parsing, same run.

Prints JSON. The baseline is the work claimkit cannot avoid: the same spaCy pipeline (parser,
tagger, lemmatizer; NER excluded) run over the same paragraphs with ``nlp.pipe``. claimkit's figure
covers everything `claimkit split` does: paragraph splitting, parsing, claim splitting, the sourcing
rules and JSONL serialisation. Runs alternate (baseline, claimkit, baseline, ...) and the best of
``--repeats`` is kept for each, so load from other processes hurts both alike; the load average is
recorded before and after.

    python scripts/bench_split.py --polnear ../shared/corpora/polnear --split dev
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, before numpy/thinc load

import argparse
import json
import platform
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", type=Path, default=Path("../shared/corpora/polnear"))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None, help="articles (default: all of the split)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--granularity", default="clause", choices=["clause", "proposition"])
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from claimkit.annotate.corpora.brat import read_brat_corpus
    from claimkit.annotate.nlp import load_nlp, paragraph_spans
    from claimkit.annotate.output import to_dict
    from claimkit.annotate.sourcing import RulePredictor
    from claimkit.annotate.splitter import split_and_label

    articles = [d.article for d in read_brat_corpus(args.polnear, args.split)][: args.limit]
    words = sum(len(a.text.split()) for a in articles)
    nlp = load_nlp()
    rules = RulePredictor(nlp)
    paragraphs = [a.text[s.start : s.end] for a in articles for s in paragraph_spans(a)]
    list(nlp.pipe(paragraphs[:50]))  # warm-up

    def baseline() -> float:
        start = time.perf_counter()
        for _ in nlp.pipe(paragraphs):  # spaCy's defaults, as a user would run it
            pass
        return time.perf_counter() - start

    def claimkit() -> tuple[float, int]:
        start = time.perf_counter()
        n = 0
        for item in split_and_label(articles, nlp, args.granularity, rules):
            json.dumps(to_dict(item), ensure_ascii=False)
            n += len(item.claims)
        return time.perf_counter() - start, n

    load_before = os.getloadavg()
    base_times, ours_times, claims = [], [], 0
    for _ in range(args.repeats):
        base_times.append(baseline())
        seconds, claims = claimkit()
        ours_times.append(seconds)
    load_after = os.getloadavg()
    base, ours = min(base_times), min(ours_times)
    print(
        json.dumps(
            {
                "benchmark": "claimkit split vs spaCy parse (no NER), one core",
                "corpus": f"PolNeAR {args.split}",
                "articles": len(articles),
                "words": words,
                "claims": claims,
                "granularity": args.granularity,
                "spacy_parse_words_per_s": round(words / base),
                "claimkit_split_words_per_s": round(words / ours),
                "ratio_claimkit_to_spacy": round(base / ours, 3),
                "seconds": {"spacy": [round(t, 2) for t in base_times], "claimkit": [round(t, 2) for t in ours_times]},
                "machine": {
                    "python": sys.version.split()[0],
                    "platform": platform.platform(),
                    "cpu_count": os.cpu_count(),
                    "pinned_to_one_core": hasattr(os, "sched_setaffinity"),
                    "load_avg_before": [round(x, 2) for x in load_before],
                    "load_avg_after": [round(x, 2) for x in load_after],
                },
                "target_words_per_s": 10_000,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
