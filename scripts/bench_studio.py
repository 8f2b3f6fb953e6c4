"""Benchmark the Label Studio round trip against a real local server; prints JSON.

    python scripts/bench_studio.py                      # 10,000 claims, 20 interrupted pushes
    python scripts/bench_studio.py --claims 2000 --rounds 3 --home /tmp/bench-home

Measures (issue 3 targets in brackets):

- ``push``: a push of N claims, each with a prediction, into a new project [10,000 in <= 20 s]
- ``pull``: N annotated tasks into the DataFrame and the DatasetDict (+ files) [10,000 in <= 30 s]
- ``interrupted``: rounds of "push in a child process, SIGKILL it at a random moment, re-run it", with
  annotators adding annotations between rounds; after every round: duplicate tasks and lost or
  changed annotations [0 and 0 over 20 rounds]

Claims are made once: the seed article and the bundled sample are split with the rule predictor,
then copied under new article ids until there are N claims (splitting is timed apart; it is not a
Label Studio cost). The server is started in ``--home`` (default: a fresh temporary claimkit home, whose
first start runs the migrations, reported as ``server_first_start_s``) and stopped at the end.
The machine is shared: the load average is recorded before and after every measurement.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "nso-entity-list-2021-11-04.txt"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu}


def timed(fn: Any) -> tuple[Any, dict[str, Any]]:
    before = load_average()
    start = time.perf_counter()
    out = fn()
    return out, {"seconds": round(time.perf_counter() - start, 2), "load_before": before, "load_after": load_average()}


def make_items(n_claims: int) -> tuple[list[Any], str, float]:
    """N claims with rule predictions: real splits of the seed and sample articles, copied under new ids."""
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.splitter import split_and_label
    from claimkit.annotate.types import Claim
    from claimkit.models.predictor_spec import load_predictor

    nlp = load_nlp()
    predictor = load_predictor("rules", nlp)
    sources = [str(p) for p in (SEED, REPO / "data" / "samples") if p.exists()]
    start = time.perf_counter()
    base = list(split_and_label(load_articles(sources), nlp, "clause", predictor))
    split_s = time.perf_counter() - start
    items: list[Any] = []
    total, copy = 0, 0
    while total < n_claims:
        for b in base:
            article_id = f"{b.article.id}-copy{copy:05d}"
            claims = [
                dataclasses.replace(c, id=Claim.make_id(article_id, c.spans), article_id=article_id) for c in b.claims
            ]
            claims = claims[: n_claims - total]
            items.append(
                dataclasses.replace(b, article=dataclasses.replace(b.article, id=article_id), claims=tuple(claims))
            )
            total += len(claims)
            if total >= n_claims:
                break
        copy += 1
    return items, predictor.model_version, split_s


def bench_push(conn: Any, items: list[Any], version: str) -> dict[str, Any]:
    """``push`` into a new project; as a baseline, before and after it, the same tasks pre-encoded and
    sent back to back with nothing else to do (the server's own import time, which ``push`` cannot beat)."""
    import httpx

    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.push import DEFAULT_BATCH_SIZE, push
    from claimkit.annotate.studio.tasks import label_results, task_data

    schema = default_schema()
    payload = []
    for item in items:
        for claim in item.claims:
            data = task_data(item, claim)
            results = label_results(claim.labels, data, schema, with_scores=True)
            payload.append(
                {
                    "data": data,
                    "predictions": [{"result": list(results.items), "score": results.score, "model_version": version}],
                }
            )
    bodies = [
        json.dumps(payload[i : i + DEFAULT_BATCH_SIZE]).encode() for i in range(0, len(payload), DEFAULT_BATCH_SIZE)
    ]
    headers = {"Authorization": f"Token {conn.api_key}", "Content-Type": "application/json"}

    def server_only() -> dict[str, Any]:
        project, _ = connect(conn).ensure_project(f"bench server only {time.time():.0f}", schema)

        def send() -> None:
            with httpx.Client(base_url=conn.url, timeout=600, trust_env=False) as http:
                for body in bodies:
                    http.post(f"/api/projects/{project.id}/import", content=body, headers=headers).raise_for_status()

        return timed(send)[1]

    before = server_only()
    report, timing = timed(lambda: push(conn, f"bench push {time.time():.0f}", items, schema, model_version=version))
    after = server_only()
    baseline = (before["seconds"] + after["seconds"]) / 2
    n = report.tasks_created
    return {**timing, "tasks": n, "predictions": report.predictions_added, "tasks_per_s": round(n / timing["seconds"], 1),
            "server_only_before": before, "server_only_after": after,
            "push_over_server_only": round(timing["seconds"] / baseline, 2)}  # fmt: skip


def bench_pull(conn: Any, items: list[Any], out: Path) -> dict[str, Any]:
    from claimkit.annotate.annotations import to_dataframe, to_dataset_dict, write_pull
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.pull import pull
    from claimkit.annotate.studio.push import push

    schema = default_schema()
    title = f"bench pull {time.time():.0f}"
    _, setup = timed(lambda: push(conn, title, items, schema, model_version=None, as_annotations=True))
    pulled, t_export = timed(lambda: pull(conn, title, schema))
    df, t_frame = timed(lambda: to_dataframe(pulled, schema))
    _, t_dataset = timed(lambda: to_dataset_dict(df, schema))
    _, t_total = timed(lambda: write_pull(pull(conn, title, schema), schema, out))
    return {
        "annotated_tasks": len(pulled.records),
        "import_annotated_s": setup["seconds"],
        "export_and_records": t_export,
        "dataframe_s": t_frame["seconds"],
        "datasetdict_s": t_dataset["seconds"],
        "seconds": round(t_export["seconds"] + t_frame["seconds"] + t_dataset["seconds"], 2),
        "with_files": t_total,
    }


def bench_interrupted(conn: Any, items: list[Any], version: str, rounds: int, seed: int) -> dict[str, Any]:
    """Kill pushes at random moments while annotators work; check duplicates and annotations each round.

    Round r pushes the first r/rounds of the articles with predictor version r % 3 in a child process
    (batches of 20), SIGKILLs it (even rounds: as soon as its first batch landed; odd rounds: after a
    random delay), re-runs it to completion, checks the project, then adds a few annotations. At the end
    every annotation made must come back from a pull, unchanged.
    """
    from claimkit.annotate.output import write_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.pull import pull

    rng = random.Random(seed)
    studio = connect(conn)
    schema = default_schema()
    title = f"bench interrupted {time.time():.0f}"
    work = Path(tempfile.mkdtemp(prefix="claimkit-bench-"))
    jsonl = work / "items.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        write_jsonl(items, fh)
    env = {**os.environ, "LABEL_STUDIO_URL": conn.url, "LABEL_STUDIO_API_KEY": conn.api_key}
    made: dict[int, str] = {}  # annotation id -> the attribution value given
    log: list[dict[str, Any]] = []
    for r in range(rounds):
        articles = max(1, round(len(items) * (r + 1) / rounds))
        expected = len({c.id for item in items[:articles] for c in item.claims})
        args = [sys.executable, __file__, "--worker", str(jsonl), "--project", title, "--articles", str(articles),
                "--version", f"{version}-v{r % 3}"]  # fmt: skip
        before = studio.task_count(studio.project(title).id) if r else 0
        child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        if r % 2 == 0:  # even rounds: kill as soon as the import is under way (mid-push by construction)
            while child.poll() is None and time.monotonic() - started < 120:
                project = studio.find_project(title)
                if project is not None and studio.task_count(project.id) > before:
                    break
                time.sleep(0.02)
        else:  # odd rounds: at a random moment (start-up, listing, import, predictions...)
            time.sleep(rng.uniform(0.5, 8.0))
        delay = time.monotonic() - started
        killed = child.poll() is None
        if killed:
            child.send_signal(signal.SIGKILL)
        child.wait()
        project = studio.find_project(title)
        at_kill = studio.task_count(project.id) if project else 0
        rerun = subprocess.run(args, env=env, capture_output=True, text=True)
        if rerun.returncode != 0:
            raise SystemExit(f"re-run of round {r} failed: {rerun.stderr[-800:]}")
        tasks = studio.claim_tasks(studio.project(title).id)
        duplicates = sum(len(v) - 1 for v in tasks.values())
        for claim_id in rng.sample(sorted(tasks), k=min(5, len(tasks))):  # annotators at work
            value = rng.choice(schema["attribution"].value_names)
            result = [
                {"from_name": "attribution", "to_name": "paragraph", "type": "choices", "value": {"choices": [value]}}
            ]
            made[int(studio.client.annotations.create(id=tasks[claim_id][0][0], result=result).id)] = value
        log.append({"round": r, "killed": killed, "after_s": round(delay, 2), "before": before, "tasks_at_kill": at_kill,
                    "tasks": len(tasks), "expected": expected, "duplicates": duplicates})  # fmt: skip
    pulled = {rec.annotation_id: rec.values.get("attribution") for rec in pull(conn, title, schema).records}
    return {
        "rounds": rounds,
        "killed_mid_import": sum(1 for x in log if x["killed"] and x["before"] < x["tasks_at_kill"] < x["expected"]),
        "killed_total": sum(1 for x in log if x["killed"]),
        "duplicate_tasks": sum(x["duplicates"] for x in log),
        "incomplete_rounds": sum(1 for x in log if x["tasks"] != x["expected"]),
        "annotations_created": len(made),
        "lost_or_changed_annotations": sum(1 for a, v in made.items() if pulled.get(a) != v),
        "log": log,
    }


def worker(argv: list[str]) -> int:
    """Child process of the interrupted-push benchmark: push the first N articles of a JSONL file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", type=Path, required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--version", required=True)
    args = parser.parse_args(argv)
    from claimkit.annotate.output import read_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import resolve_connection
    from claimkit.annotate.studio.push import push

    with args.worker.open(encoding="utf-8") as fh:
        items = list(read_jsonl(fh))[: args.articles]
    push(resolve_connection(), args.project, items, default_schema(), model_version=args.version, batch_size=20)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return worker(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20, help="interrupted pushes (0 to skip)")
    parser.add_argument("--interrupted-claims", type=int, default=2_000, help="claims in the interrupted-push project")
    parser.add_argument("--home", type=Path, help="claimkit home for the server (default: a fresh temporary one)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    import datasets

    from claimkit.annotate.studio import server as studio_server
    from claimkit.annotate.studio.client import Connection

    datasets.disable_progress_bars()
    home = args.home or Path(tempfile.mkdtemp(prefix="claimkit-bench-home-"))
    _, first = timed(lambda: studio_server.start(home=home))
    state = studio_server.read_state(home)
    assert state is not None
    conn = Connection(state.url, state.api_key)
    report: dict[str, Any] = {
        "benchmark": "claimkit studio round trip",
        "machine": machine(),
        "label_studio": state.label_studio_version,
        "server_first_start_s": first["seconds"],
    }
    try:
        from claimkit.annotate.studio.client import connect

        _, warm = timed(lambda: connect(conn))  # importing the SDK takes seconds once per process
        report["sdk_import_and_connect_s"] = warm["seconds"]
        (items, version, split_s), t_items = timed(lambda: make_items(args.claims))
        report["claims"] = {"count": sum(len(i.claims) for i in items), "articles": len(items), "split_source_articles_s": round(split_s, 2),
                            "prepare_s": t_items["seconds"]}  # fmt: skip
        report["push"] = bench_push(conn, items, version)
        report["push"]["target_s"] = 20.0 * args.claims / 10_000
        with tempfile.TemporaryDirectory() as out:
            report["pull"] = bench_pull(conn, items, Path(out))
        report["pull"]["target_s"] = 30.0 * args.claims / 10_000
        if args.rounds:
            small, _, _ = make_items(args.interrupted_claims)
            report["interrupted"] = bench_interrupted(conn, small, version, args.rounds, args.seed)
    finally:
        studio_server.stop(home=home)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
