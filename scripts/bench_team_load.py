"""Benchmark a team annotating at once, on PostgreSQL and on SQLite in the same run; prints JSON.

    python scripts/bench_team_load.py                                   # 2,000 annotations, 5,000 new claims
    python scripts/bench_team_load.py --annotations 400 --claims 1000   # a modest run on a shared laptop
    python scripts/bench_team_load.py --databases sqlite --out load.json

For each database, a local Label Studio (``claimkit studio start``'s server; PostgreSQL is a throwaway
server this script starts in a temporary directory with ``initdb`` + ``pg_ctl``) gets a project with
``annotations / 2`` claims and four annotator accounts (``claimkit studio add-user``, each with its own
API token). Then, all at once, in separate processes:

- four annotators submit ``annotations`` annotations in all, each claim by two of them (0 and 2 take the
  even claims, 1 and 3 the odd), one request per annotation as the editor sends it, never retried;
- a ``push`` of ``claims`` new claims (with rule predictions) into the same project;
- a ``pull`` of the project.

Afterwards a final pull must hold every (claim, annotator) pair exactly once with the value sent: ``lost``
and ``duplicated`` count the exceptions; the project must hold each claim in one task. Throughput is
annotations stored per second over the annotation phase (first request to last answer); latencies are
per request. A migrated database is restored from the test suite's cache when one exists
(``~/.cache/claimkit/label-studio-<version>[-postgresql]``), else the first start migrates (timed). The
machine is shared: the load average is recorded around each phase. Performance is never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import glob
import json
import os
import platform
import pwd
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "nso-entity-list-2021-11-04.txt"
CHOICES = ("attributed", "asserted")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu}


@functools.cache
def _split_base() -> tuple[list[Any], str]:
    """The seed article and bundled samples split once, with rule predictions."""
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    nlp = load_nlp()
    predictor = load_predictor("rules", nlp)
    sources = [str(p) for p in (SEED, REPO / "data" / "samples") if p.exists()]
    return list(split_and_label(load_articles(sources), nlp, "clause", predictor)), predictor.model_version


def make_items(n_claims: int, prefix: str) -> tuple[list[Any], str]:
    """N claims with rule predictions: the split base articles copied under new ids."""
    from claimkit.annotate.types import Claim

    base, version = _split_base()
    items: list[Any] = []
    total, copy = 0, 0
    while total < n_claims:
        for b in base:
            article_id = f"{prefix}-{b.article.id}-{copy:05d}"
            claims = [dataclasses.replace(c, id=Claim.make_id(article_id, c.spans), article_id=article_id)
                      for c in b.claims][: n_claims - total]  # fmt: skip
            if claims:
                items.append(
                    dataclasses.replace(b, article=dataclasses.replace(b.article, id=article_id), claims=tuple(claims))
                )
                total += len(claims)
            if total >= n_claims:
                break
        copy += 1
    return items, version


# --- a throwaway PostgreSQL -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Postgres:
    root: Path
    port: int
    password: str = dataclasses.field(repr=False)
    user: str = "claimkit"


def _pg_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # the real folder: a symlinked initdb may stand alone on PATH
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0]))
    if not versions:
        raise SystemExit("PostgreSQL is not installed (initdb not on PATH nor in /usr/lib/postgresql/*/bin)")
    return Path(versions[-1]).parent


def _as_pg_user() -> list[str]:
    """PostgreSQL refuses root: run it as the ``postgres`` system user (else ``nobody``) when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
    raise SystemExit("PostgreSQL refuses to run as root and there is no 'postgres' or 'nobody' user")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    from claimkit.annotate.studio.server import free_port

    root = Path(tempfile.mkdtemp(prefix="claimkit-bench-pg-"))
    runner, bindir = _as_pg_user(), _pg_bin()
    password = secrets.token_urlsafe(18)
    (root / "pwfile").write_text(password + "\n", encoding="utf-8")
    os.chmod(root / "pwfile", 0o600)
    if runner:
        entry = pwd.getpwnam(runner[2])
        for path in (root, root / "pwfile"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    data, port = root / "data", free_port()
    try:
        subprocess.run([*runner, str(bindir / "initdb"), "-D", str(data), "-U", "claimkit", "--auth=scram-sha-256",
                        f"--pwfile={root / 'pwfile'}", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True, cwd="/")  # fmt: skip
        (root / "pwfile").unlink()
        options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200"
        subprocess.run([*runner, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "pg.log"),
                        "-w", "start"], check=True, capture_output=True, cwd="/")  # fmt: skip
        try:
            yield Postgres(root, port, password)
        finally:
            subprocess.run([*runner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, cwd="/")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _pg_client(pg: Postgres, tool: str, *args: str) -> None:
    cmd = [str(_pg_bin() / tool), "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user, *args]
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "PGPASSWORD": pg.password})


# --- servers ----------------------------------------------------------------------------------------------------


def _cache(version: str, kind: str) -> Path:
    base = os.environ.get("CLAIMKIT_TEST_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claimkit"
    )
    return Path(base) / (f"label-studio-{version}" + ("-postgresql" if kind == "postgresql" else ""))


def start_studio(kind: str, work: Path, pg: Postgres | None) -> tuple[Any, dict[str, Any]]:
    """A running server on ``kind`` in ``work/kind``: restored from the test cache when there is one."""
    import psycopg

    from claimkit.annotate.studio import server
    from claimkit.annotate.studio.database import Database

    version = server.label_studio_version()
    home = work / kind / "home"
    cache = _cache(version, kind)
    db = None
    if pg is not None:
        db = Database(pg.user, "127.0.0.1", pg.port, "label_studio", pg.password)
        with psycopg.connect(host=db.host, port=db.port, user=db.user, password=db.password, dbname="postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute('CREATE DATABASE "label_studio"')
    info: dict[str, Any] = {}
    started = time.perf_counter()
    cached_home = cache / "home" if pg is not None else cache
    if (cached_home / server.STATE_FILE).is_file() and (pg is None or (cache / "label_studio.dump").is_file()):
        if pg is not None:
            _pg_client(pg, "pg_restore", "--no-owner", "-d", "label_studio", str(cache / "label_studio.dump"))
        shutil.copytree(cached_home, home, ignore=shutil.ignore_patterns(server.LOG_FILE))
        state = server.read_state(home)
        assert state is not None
        server.write_state(home, dataclasses.replace(state, pid=None, database=db.url if db else None))
        info["restored_from_cache"] = str(cache)
    state = server.start(home=home, port=server.free_port(), database=db)
    info["start_s"] = round(time.perf_counter() - started, 1)
    return home, info


# --- the workers (separate processes; secrets come on stdin or in the environment, never in argv) ---------------


def annotator_worker() -> int:
    """stdin: ``{"url", "token", "tasks": [[task_id, value], ...]}``; stdout: what happened, as JSON."""
    from claimkit.annotate.studio.client import Connection, Studio

    job = json.loads(sys.stdin.read())
    studio = Studio(Connection(job["url"], job["token"]))
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    first = time.time()
    for task_id, value in job["tasks"]:
        result = [
            {"from_name": "attribution", "to_name": "paragraph", "type": "choices", "value": {"choices": [value]}}
        ]
        t0 = time.perf_counter()
        try:
            studio.call(studio.client.annotations.create, id=task_id, result=result, lead_time=1.0)
        except Exception as exc:  # noqa: BLE001 (counted and reported: this is what "breaks" means here)
            errors[str(exc)[:160]] += 1
        latencies.append(time.perf_counter() - t0)
    json.dump({"sent": len(job["tasks"]), "errors": dict(errors), "latencies": latencies, "first": first,
               "last": time.time()}, sys.stdout)  # fmt: skip
    return 0


def push_worker(jsonl: Path, project: str, version: str) -> int:
    from claimkit.annotate.output import read_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import resolve_connection
    from claimkit.annotate.studio.push import push

    with jsonl.open(encoding="utf-8") as fh:
        items = list(read_jsonl(fh))
    t0 = time.perf_counter()
    report = push(resolve_connection(), project, items, default_schema(), model_version=version)
    json.dump({"seconds": round(time.perf_counter() - t0, 2), "tasks_created": report.tasks_created,
               "tasks_existing": report.tasks_existing, "predictions_added": report.predictions_added}, sys.stdout)  # fmt: skip
    return 0


def pull_worker(project: str) -> int:
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import resolve_connection
    from claimkit.annotate.studio.pull import pull

    t0 = time.perf_counter()
    pulled = pull(resolve_connection(), project, default_schema())
    pairs = Counter((r.claim.claim_id, r.annotator) for r in pulled.records)
    json.dump({"seconds": round(time.perf_counter() - t0, 2), "rows": len(pulled.records),
               "pairs_more_than_once": sum(1 for n in pairs.values() if n > 1)}, sys.stdout)  # fmt: skip
    return 0


# --- one load run against one server ----------------------------------------------------------------------------


def _spawn(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, __file__, *args], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)  # fmt: skip
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
    assert proc.stdin is not None
    proc.stdin.close()
    proc.stdin = None  # so that communicate() does not flush it
    return proc


def _finish(proc: subprocess.Popen[str], what: str, timeout: float = 3600) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        return {"failed": f"{what} exited {proc.returncode}: {err.strip()[-600:]}"}
    return dict(json.loads(out))


def run_load(
    conn: Any, work: Path, annotations: int, claims: int, annotators: int = 4, tag: str = "load"
) -> dict[str, Any]:
    """Set up a project and a team on the server behind ``conn``, run the concurrent load, check every annotation."""
    from claimkit.annotate.output import write_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.pull import pull
    from claimkit.annotate.studio.push import push
    from claimkit.annotate.studio.users import add_user, user_token

    if annotators % 2 or annotations % annotators:
        raise SystemExit("--annotators must be even and divide --annotations (each claim goes to two annotators)")
    schema = default_schema()
    studio = connect(conn)
    title = f"team {tag} {secrets.token_hex(3)}"
    n_tasks = annotations // 2
    first_items, version = make_items(n_tasks, f"{tag}-a")
    new_items, _ = make_items(claims, f"{tag}-b") if claims else ([], version)
    push(conn, title, first_items, schema, model_version=version)
    project = studio.project(title)
    task_ids = sorted(t for pairs in studio.claim_tasks(project.id).values() for t, _ in pairs)
    team = []
    for i in range(annotators):
        user = add_user(conn, f"annotator{i}-{secrets.token_hex(3)}@team.test", studio=studio)
        team.append((user, user_token(conn.url, user.email, user.password)))
    expected: dict[tuple[int, str], str] = {}
    jobs = []
    for i, (user, token) in enumerate(team):
        mine = [(t, CHOICES[(t + i) % 2]) for j, t in enumerate(task_ids) if j % 2 == i % 2]
        expected.update({(t, user.email): v for t, v in mine})
        jobs.append(json.dumps({"url": conn.url, "token": token, "tasks": mine}))
    work.mkdir(parents=True, exist_ok=True)
    jsonl = work / f"{title.replace(' ', '-')}.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        write_jsonl(new_items, fh)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env.update({"LABEL_STUDIO_URL": conn.url, "LABEL_STUDIO_API_KEY": conn.api_key})
    load_before = load_average()
    t0 = time.perf_counter()
    workers = [_spawn(["--annotator"], env, job) for job in jobs]
    pusher = _spawn(["--push-worker", str(jsonl), "--project", title, "--version", version], env) if claims else None
    time.sleep(2.0)  # the pull starts while both are under way
    puller = _spawn(["--pull-worker", "--project", title], env)
    done = [_finish(w, f"annotator {i}") for i, w in enumerate(workers)]
    pushed = _finish(pusher, "push") if pusher else {}
    pulled_during = _finish(puller, "pull")
    wall = time.perf_counter() - t0
    load_after = load_average()

    final = pull(conn, title, schema)
    task_of = {str(c): [t for t, _ in pairs] for c, pairs in studio.claim_tasks(project.id).items()}
    stored: Counter[tuple[int, str]] = Counter()
    wrong = 0
    for r in final.records:
        key = (r.claim.task_id, r.annotator)
        stored[key] += 1
        wrong += key in expected and r.values.get("attribution") != expected[key]
    lost = sum(1 for k in expected if stored[k] == 0)
    duplicated = sum(n - 1 for n in stored.values() if n > 1)
    unexpected = sum(n for k, n in stored.items() if k not in expected)
    ok = [d for d in done if "failed" not in d]
    latencies = sorted(x for d in ok for x in d["latencies"])
    span = (max(d["last"] for d in ok) - min(d["first"] for d in ok)) if ok else float("nan")
    errors: Counter[str] = Counter()
    for d in ok:
        errors.update(d["errors"])
    n_stored = sum(1 for k in expected if stored[k] > 0)
    tasks_total = sum(len(v) for v in task_of.values())
    return {
        "project": title,
        "annotators": annotators,
        "annotations": {
            "expected": len(expected), "stored": n_stored, "lost": lost, "duplicated": duplicated,
            "unexpected": unexpected, "wrong_value": int(wrong), "request_errors": dict(errors),
            "failed_workers": [d["failed"] for d in done if "failed" in d],
            "seconds": round(span, 2), "stored_per_s": round(n_stored / span, 2) if span == span and span > 0 else None,
            "latency_s": {"p50": round(statistics.median(latencies), 3) if latencies else None,
                          "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 3) if latencies else None,
                          "max": round(latencies[-1], 3) if latencies else None},
        },
        "push": {**pushed, "claims": claims},
        "pull_during": pulled_during,
        "final_pull": {"rows": len(final.records), "exact": len(final.records) == len(expected) and not lost and not duplicated},
        "tasks": {"expected": n_tasks + claims, "in_project": tasks_total, "claims_in_two_tasks": sum(len(v) > 1 for v in task_of.values())},
        "wall_s": round(wall, 2),
        "load_before": load_before,
        "load_after": load_after,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int | dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--annotator"]:
        return annotator_worker()
    if argv[:1] == ["--push-worker"]:
        w = argparse.ArgumentParser()
        w.add_argument("--push-worker", type=Path)
        w.add_argument("--project")
        w.add_argument("--version")
        a = w.parse_args(argv)
        return push_worker(a.push_worker, a.project, a.version)
    if argv[:1] == ["--pull-worker"]:
        return pull_worker(argv[argv.index("--project") + 1])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=2000, help="Annotations in all (default 2,000).")
    parser.add_argument("--claims", type=int, default=5000, help="New claims pushed during the load (default 5,000).")
    parser.add_argument("--annotators", type=int, default=4)
    parser.add_argument("--databases", default="postgresql,sqlite", help="Comma-separated: postgresql, sqlite.")
    parser.add_argument("--out", type=Path, help="Also write the JSON here.")
    args = parser.parse_args(argv)
    from claimkit.annotate.studio import server
    from claimkit.annotate.studio.client import Connection

    result: dict[str, Any] = {"machine": machine(), "label_studio": server.label_studio_version(),
                              "settings": {"annotations": args.annotations, "claims": args.claims,
                                           "annotators": args.annotators}, "load_start": load_average()}  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="claimkit-bench-load-"))
    try:
        for kind in args.databases.split(","):
            with contextlib.ExitStack() as stack:
                pg = stack.enter_context(throwaway_postgres()) if kind == "postgresql" else None
                home, info = start_studio(kind, work, pg)
                stack.callback(server.stop, home=home)
                state = server.read_state(home)
                assert state is not None
                run = run_load(Connection(state.url, state.api_key), work / kind, args.annotations, args.claims,
                               args.annotators, tag=kind)  # fmt: skip
                result[kind] = {"server": info, **run}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rates = [result.get(k, {}).get("annotations", {}).get("stored_per_s") for k in ("postgresql", "sqlite")]
    if all(rates):
        result["postgresql_over_sqlite_stored_per_s"] = round(rates[0] / rates[1], 2)
    pushes = [result.get(k, {}).get("push", {}).get("seconds") for k in ("postgresql", "sqlite")]
    if all(pushes):
        result["sqlite_over_postgresql_push_s"] = round(pushes[1] / pushes[0], 2)  # the push under the same load
    result["load_end"] = load_average()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    outcome = main()
    sys.exit(outcome if isinstance(outcome, int) else 0)
