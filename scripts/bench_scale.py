"""Benchmark: `claimkit split` at corpus scale: workers 2 vs 1, Ray (local) vs the process pool, peak RSS vs size.

Prints JSON. Every figure is a ratio against a baseline measured in the same run, on the same data:

- ``workers_speedup``: words/s of ``--workers 2`` over ``--workers 1`` (target ≥ 1.8 on 2 free cores);
- ``ray_vs_pool``: words/s of ``--engine ray --workers 2`` (a local Ray instance) over ``--workers 2``
  (target ≥ 0.9);
- ``rss_ratio``: peak RSS of a run on ``--rss-large`` articles over one on ``--rss-small`` (target ≤ 1.2:
  memory is bounded by the articles in flight, not by the corpus).

Each configuration is a real ``claimkit split -o FILE`` in a child process. Its rate is differential:
(words of the run - words of a 64-article run) / (time of the run - time of the 64-article run), same
configuration, so start-up (interpreter, spaCy, worker processes, Ray) cancels out and the ratios describe
the steady state that matters for a corpus (64 articles: two batches, so the pool and actors do start). Peak RSS comes from
``getrusage(RUSAGE_CHILDREN)`` in a fresh helper process per run: the largest single process of the run
(the driver with ``--workers 1``). Articles are PolNeAR train texts, repeated (with new ids) to the count
asked for. The load average before and after is recorded: on a shared machine the ratios are only as
good as the cores that were free.

    python scripts/bench_scale.py --articles 2000 --rss-small 2000 --rss-large 20000
    python scripts/bench_scale.py --articles 200 --rss-small 100 --rss-large 1000   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def write_corpus(texts: list[str], n: int, folder: Path) -> tuple[Path, Path, int]:
    """``n`` articles as JSONL and Parquet (the same rows), and their word count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"art-{i:07d}", "text": texts[i % len(texts)]} for i in range(n)]
    jsonl = folder / f"corpus-{n}.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    parquet = folder / f"corpus-{n}.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=1000)
    return jsonl, parquet, sum(len(r["text"].split()) for r in rows)


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if done.returncode:
    sys.stderr.write(done.stderr.decode()[-2000:])
    sys.exit(done.returncode)
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one ``claimkit split`` run, in a fresh helper process."""
    cmd = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "claimkit.cli", "split", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    if done.returncode:
        raise SystemExit(f"run failed: {' '.join(args)}\n{done.stderr}")
    wall, rss = done.stdout.split()
    return float(wall), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", type=Path, default=REPO.parent / "shared" / "corpora" / "polnear")
    parser.add_argument("--articles", type=int, default=2000, help="articles for the speed ratios")
    parser.add_argument("--rss-small", type=int, default=2000)
    parser.add_argument("--rss-large", type=int, default=20000)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray comparison")
    parser.add_argument("--no-rss", action="store_true", help="skip the memory comparison")
    args = parser.parse_args()

    texts = [p.read_text(encoding="utf-8") for p in sorted((args.polnear / "train" / "text").glob("*.txt"))]
    if not texts:
        raise SystemExit(f"{args.polnear}/train/text: no PolNeAR texts")
    load_before = os.getloadavg()
    result: dict[str, object] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "cores_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        },
        "articles": args.articles,
        "mean_words_per_article": round(sum(len(t.split()) for t in texts) / len(texts), 1),
    }
    # Ray's socket paths have a length limit, so its temp folder is a short one of its own
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        tempfile.TemporaryDirectory(prefix="ray") as ray_tmp,
    ):
        folder = Path(tmp)
        env = {**os.environ, "HOME": str(folder / "home"), "RAY_TMPDIR": ray_tmp}
        jsonl, parquet, words = write_corpus(texts, args.articles, folder)
        small = 2 * 32  # two batches (annotate.batch.BATCH_ARTICLES)
        if args.articles <= small:
            raise SystemExit(f"--articles must be more than {small}")
        tiny_jsonl, tiny_parquet, tiny_words = write_corpus(texts, small, folder)
        result["words"] = words

        def rate(name: str, source: Path, tiny: Path, *flags: str) -> float:
            out = folder / f"{name}.jsonl"
            small_wall, _ = measure([str(tiny), *flags, "-o", str(folder / f"{name}-small.jsonl")], env)
            wall, rss = measure([str(source), *flags, "-o", str(out)], env)
            if wall <= small_wall:  # noise larger than the work: other load; rerun larger or on a quieter machine
                raise SystemExit(f"{name}: {wall:.1f} s for {args.articles} articles, {small_wall:.1f} s for {small}")
            words_per_s = (words - tiny_words) / (wall - small_wall)
            result[name] = {
                "wall_s": round(wall, 2),
                "wall_64_articles_s": round(small_wall, 2),
                "words_per_s": round(words_per_s),
                "peak_rss_mib": round(rss / 1024, 1),
            }
            return words_per_s

        one = rate("workers_1", jsonl, tiny_jsonl, "--workers", "1")
        two = rate("workers_2", jsonl, tiny_jsonl, "--workers", "2")
        result["workers_speedup"] = round(two / one, 3)
        same = (folder / "workers_1.jsonl").read_bytes() == (folder / "workers_2.jsonl").read_bytes()
        if not args.no_ray:
            ray = rate("ray_local_2", parquet, tiny_parquet, "--engine", "ray", "--workers", "2")
            result["ray_vs_pool"] = round(ray / two, 3)
            same = same and (folder / "ray_local_2.jsonl").read_bytes() == (folder / "workers_1.jsonl").read_bytes()
        result["outputs_identical"] = same

        if not args.no_rss:
            peaks = {}
            for n in (args.rss_small, args.rss_large):
                source, _, _ = write_corpus(texts, n, folder)
                _, rss = measure([str(source), "--workers", "1", "-o", str(folder / f"rss-{n}.jsonl")], env)
                peaks[n] = rss
                source.unlink()
            result["peak_rss_mib"] = {str(n): round(kib / 1024, 1) for n, kib in peaks.items()}
            result["rss_ratio"] = round(peaks[args.rss_large] / peaks[args.rss_small], 3)
    result["loadavg_before"] = [round(x, 2) for x in load_before]
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"bench_scale: {time.perf_counter() - start:.0f} s", file=sys.stderr)
