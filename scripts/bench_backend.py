"""Benchmark the ML backend's ``/predict``: rules, and a model directory when given; prints JSON.

    python scripts/bench_backend.py                         # rules only
    python scripts/bench_backend.py --model runs/nli --repeats 3

Targets (issue 11): ``/predict`` for 100 tasks, p50 < 1 s with the model, < 0.2 s with the rules.

Measured, for each predictor, on the same 100 tasks as ``push`` makes them (two claims from each of
the first PolNeAR dev articles when ``../shared/corpora`` is there, else of the seed article and the
bundled sample), without predictions:

- ``open``: 100 requests of one task each, what Label Studio sends when an annotator opens a task that
  has no prediction; p50 and p90 of one request, per repeat;
- ``batch``: one request with all 100 tasks ("Retrieve predictions" in the data manager), per repeat.

Requests go through the whole app (routing, JSON, validation against the config) with FastAPI's test
client, without a socket. The baseline, measured in the same run, is spaCy parsing each task's
paragraph alone: the floor any prediction from the rules stands on (``ratio_to_parse``). The machine
is shared: the load average is recorded around every measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
POLNEAR_DEV = REPO.parent / "shared" / "corpora" / "polnear" / "dev" / "text"
ARTICLES = [REPO / "tests" / "fixtures" / "nso-entity-list-2021-11-04.txt", REPO / "data" / "samples"]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_tasks(nlp: Any, n: int) -> list[dict[str, Any]]:
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label
    from claimkit.annotate.studio.tasks import task_data

    sources = [str(p) for p in ARTICLES]
    if POLNEAR_DEV.is_dir():  # real news: the first articles of PolNeAR dev, 2 claims from each
        sources += [str(p) for p in sorted(POLNEAR_DEV.glob("*.txt"))[: n // 2]]
    items = list(split_and_label(load_articles(sources), nlp, "clause", None))
    pairs = [(item, claim) for item in items for claim in item.claims[:2]]
    if len(pairs) < n:
        raise SystemExit(f"only {len(pairs)} claims in {sources[:3]}...; ask for fewer tasks")
    return [{"id": i + 1, "data": task_data(item, claim)} for i, (item, claim) in enumerate(pairs[-n:])]


def bench_parse(nlp: Any, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    before = load_average()
    seconds = []
    for task in tasks:
        start = time.perf_counter()
        nlp(task["data"]["paragraph"])
        seconds.append(time.perf_counter() - start)
    return {"p50_s": round(percentile(seconds, 0.5), 4), "p90_s": round(percentile(seconds, 0.9), 4),
            "load_before": before, "load_after": load_average()}  # fmt: skip


def bench_predictor(spec: str, nlp: Any, tasks: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.config import label_config
    from claimkit.backend.app import Served, create_app
    from claimkit.backend.served import ServedSpec, load_task_predictor

    start = time.perf_counter()
    predictor = load_task_predictor(ServedSpec.of(spec), nlp)
    load_s = time.perf_counter() - start
    client = TestClient(create_app(Served(predictor)))
    config = label_config(default_schema())
    runs = []
    for _ in range(repeats):
        before = load_average()
        seconds = []
        for task in tasks:
            t0 = time.perf_counter()
            answer = client.post("/predict", json={"tasks": [task], "label_config": config})
            seconds.append(time.perf_counter() - t0)
            assert answer.status_code == 200 and answer.json()["results"][0]["result"], answer.text
        t0 = time.perf_counter()
        answer = client.post("/predict", json={"tasks": tasks, "label_config": config})
        batch_s = time.perf_counter() - t0
        assert answer.status_code == 200 and all(r["result"] for r in answer.json()["results"])
        runs.append({"open_p50_s": round(percentile(seconds, 0.5), 4), "open_p90_s": round(percentile(seconds, 0.9), 4),
                     "open_max_s": round(max(seconds), 4), "batch_100_s": round(batch_s, 3),
                     "load_before": before, "load_after": load_average()})  # fmt: skip
    stats = predictor.stats
    return {
        "model_version": predictor.model_version,
        "load_s": round(load_s, 2),
        "runs": runs,
        "open_p50_s": round(statistics.median(r["open_p50_s"] for r in runs), 4),
        "open_p90_s": round(statistics.median(r["open_p90_s"] for r in runs), 4),
        "batch_100_s": round(statistics.median(r["batch_100_s"] for r in runs), 3),
        "empty_results": stats.empty,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", metavar="DIR", help="A model directory from `claimkit train` (default: rules only).")
    parser.add_argument("--tasks", type=int, default=100, metavar="N")
    parser.add_argument("--repeats", type=int, default=3, metavar="N")
    parser.add_argument("--threads", type=int, default=None, metavar="N", help="torch CPU threads for the model.")
    args = parser.parse_args(argv)

    from claimkit.annotate.nlp import load_nlp

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    nlp = load_nlp()
    tasks = make_tasks(nlp, args.tasks)
    parse = bench_parse(nlp, tasks)
    report: dict[str, Any] = {
        "tasks": len(tasks),
        "repeats": args.repeats,
        "baseline_parse_one_paragraph": parse,
        "predictors": {},
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "load_start": load_average(),
    }
    for name, spec in [("rules", "rules"), *([("model", args.model)] if args.model else [])]:
        result = bench_predictor(spec, nlp, tasks, args.repeats)
        result["ratio_to_parse"] = round(result["open_p50_s"] / parse["p50_s"], 2) if parse["p50_s"] else None
        report["predictors"][name] = result
        print(f"{name}: open p50 {result['open_p50_s']} s, batch {result['batch_100_s']} s", file=sys.stderr)
    report["load_end"] = load_average()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
