"""Label Studio on PostgreSQL: the --database URL rules, the password's sources, and a real server on a real database.

The real database comes from tests/postgres_fixture.py (initdb + pg_ctl in a temporary directory; the
tests that need it are skipped, with the reason, where PostgreSQL is not installed).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimkit.annotate.errors import InputError, StudioError
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio import server as studio_server
from claimkit.annotate.studio.client import Connection, connect
from claimkit.annotate.studio.database import (
    Database,
    check_connection,
    parse_database_url,
    read_password,
    resolve_database,
)
from claimkit.annotate.studio.pull import pull
from claimkit.annotate.studio.push import push
from tests.paths import REPO

SCHEMA = default_schema()


def test_parse_database_url_accepts_loopback_postgresql_only():
    db = parse_database_url("postgresql://ana@LOCALHOST/claims")
    assert (db.user, db.host, db.port, db.name, db.password) == ("ana", "localhost", 5432, "claims", "")
    assert parse_database_url("postgres://ana@127.0.0.1:6543/claims").url == "postgresql://ana@127.0.0.1:6543/claims"
    assert parse_database_url("postgresql://ana@[::1]:5433/claims").url == "postgresql://ana@[::1]:5433/claims"
    with pytest.raises(InputError, match="not this machine"):
        parse_database_url("postgresql://ana@db.example.org:5432/claims")
    with pytest.raises(InputError, match="only PostgreSQL"):
        parse_database_url("mysql://ana@127.0.0.1/claims")
    for incomplete in (
        "postgresql://127.0.0.1/claims",
        "postgresql://ana@127.0.0.1/",
        "postgresql://ana@127.0.0.1/a?x=1",
    ):
        with pytest.raises(InputError, match="needs a user, a host and a database name"):
            parse_database_url(incomplete)


def test_a_password_in_the_url_is_refused_and_never_echoed():
    with pytest.raises(InputError, match="holds a password") as err:
        parse_database_url("postgresql://ana:s3cret-pw@127.0.0.1/claims")
    assert "s3cret-pw" not in str(err.value)
    with pytest.raises(InputError) as err:
        parse_database_url("mysql://ana:s3cret-pw@127.0.0.1/claims")
    assert "s3cret-pw" not in str(err.value)


def test_password_comes_from_the_file_then_the_environment(tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("from-file\n", encoding="utf-8")
    assert read_password(pw, {"CLAIMKIT_PG_PASSWORD": "env"}) == ("from-file", f"--database-password-file {pw}")
    assert read_password(None, {"CLAIMKIT_PG_PASSWORD": "a", "PGPASSWORD": "b"})[0] == "a"
    assert read_password(None, {"PGPASSWORD": "b"}) == ("b", "$PGPASSWORD")
    with pytest.raises(InputError, match="no PostgreSQL password"):
        read_password(None, {})
    (tmp_path / "two").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(InputError, match="alone, on one line"):
        read_password(tmp_path / "two", {})
    with pytest.raises(InputError, match="cannot read"):
        read_password(tmp_path / "missing", {})


def test_resolve_database_keeps_a_home_on_its_database():
    env = {"PGPASSWORD": "pw"}
    assert resolve_database(None, None, environ=env) is None
    recorded = "postgresql://ana@127.0.0.1:5432/claims"
    db = resolve_database(None, recorded, environ=env)
    assert db is not None and db.url == recorded and db.password == "pw" and "pw" not in repr(db)
    assert resolve_database("postgresql://ana@127.0.0.1/claims", recorded, environ=env) == db
    with pytest.raises(InputError, match="runs on postgresql://ana@127.0.0.1:5432/claims"):
        resolve_database("postgresql://ana@127.0.0.1:5432/other", recorded, environ=env)


def test_server_env_is_label_studios_own_settings(tmp_path):
    state = studio_server.ServerState(url="", port=0, username="a@b.c", password="x", api_key="y")
    sqlite = studio_server.server_env(tmp_path, state)
    assert "DJANGO_DB" not in sqlite and not any(k.startswith("POSTGRE_") for k in sqlite)
    db = Database("ana", "127.0.0.1", 5433, "claims", "pw")
    env = studio_server.server_env(tmp_path, state, db)
    assert {k: env[k] for k in env if k.startswith(("POSTGRE_", "DJANGO_DB"))} == {
        "DJANGO_DB": "default", "POSTGRE_NAME": "claims", "POSTGRE_USER": "ana", "POSTGRE_PASSWORD": "pw",
        "POSTGRE_HOST": "127.0.0.1", "POSTGRE_PORT": "5433",
    }  # fmt: skip


def _cli(args: list[str], home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "PG", "CLAIMKIT_PG"))}
    return subprocess.run([sys.executable, "-m", "claimkit.cli", *args], capture_output=True, text=True,
                          env={**env, "CLAIMKIT_HOME": str(home), **extra_env}, cwd=REPO, timeout=300)  # fmt: skip


def test_start_refuses_remote_hosts_and_passwords_in_argv(tmp_path):
    remote = _cli(["studio", "start", "--database", "postgresql://ana@10.0.0.5/claims"], tmp_path / "home")
    assert remote.returncode == 2 and "not this machine" in remote.stderr
    inline = _cli(["studio", "start", "--database", "postgresql://ana:hunter22@127.0.0.1/claims"], tmp_path / "home")
    assert inline.returncode == 2 and "holds a password" in inline.stderr and "hunter22" not in inline.stderr
    nopw = _cli(["studio", "start", "--database", "postgresql://ana@127.0.0.1/claims"], tmp_path / "home")
    assert nopw.returncode == 2 and "no PostgreSQL password" in nopw.stderr
    assert not (tmp_path / "home" / studio_server.STATE_FILE).exists()


def test_check_connection_names_the_database_not_the_password(pg_database: Database):
    check_connection(pg_database)
    wrong = Database(pg_database.user, pg_database.host, pg_database.port, pg_database.name, "not-the-password")
    with pytest.raises(StudioError, match="cannot connect to PostgreSQL postgresql://claimkit@127.0.0.1") as err:
        check_connection(wrong)
    assert "not-the-password" not in str(err.value) and pg_database.password not in str(err.value)


@pytest.mark.studio
@pytest.mark.slow
def test_label_studio_on_postgresql_round_trip(studio_pg_home: Path, nlp, seed_path, postgres_server):
    import psycopg

    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label

    state = studio_server.read_state(studio_pg_home)
    assert state is not None and state.database is not None and state.database.startswith("postgresql://claimkit@")
    raw = (studio_pg_home / studio_server.STATE_FILE).read_text(encoding="utf-8")
    assert postgres_server.password not in raw and json.loads(raw)["database"] == state.database
    assert not (studio_pg_home / studio_server.DATA_DIR / "label_studio.sqlite3").exists()
    assert studio_server.status(studio_pg_home).database == state.database

    conn = Connection(state.url, state.api_key)
    items = list(split_and_label(load_articles([seed_path]), nlp, "clause", None))
    report = push(conn, "on postgresql", items, SCHEMA, model_version=None)
    n_claims = sum(len(i.claims) for i in items)
    assert report.tasks_created == n_claims
    studio = connect(conn)
    project = studio.project("on postgresql")
    task_ids = sorted(t for pairs in studio.claim_tasks(project.id).values() for t, _ in pairs)
    for task_id, value in zip(task_ids[:3], ("attributed", "asserted", "attributed"), strict=True):
        result = [
            {"from_name": "attribution", "to_name": "paragraph", "type": "choices", "value": {"choices": [value]}}
        ]
        studio.client.annotations.create(id=task_id, result=result)
    pulled = pull(conn, "on postgresql", SCHEMA)
    assert len(pulled.records) == 3 and len(pulled.unannotated) == n_claims - 3
    assert sorted(r.values["attribution"] for r in pulled.records) == ["asserted", "attributed", "attributed"]

    db = postgres_server.database("label_studio")  # the rows really are in PostgreSQL
    with psycopg.connect(host=db.host, port=db.port, user=db.user, password=db.password, dbname=db.name) as pg:
        tasks = pg.execute("SELECT count(*) FROM task WHERE project_id = %s", (project.id,)).fetchone()
        annotations = pg.execute("SELECT count(*) FROM task_completion WHERE project_id = %s", (project.id,)).fetchone()
    assert tasks == (n_claims,) and annotations == (3,)

    # the running server is returned as it is; a home never moves to another database
    assert studio_server.start(home=studio_pg_home).url == state.url
    with pytest.raises(StudioError, match="runs on postgresql://claimkit@.*, not postgresql://claimkit@.*/other"):
        studio_server.start(home=studio_pg_home, database=postgres_server.database("other"))


def _bench():
    path = REPO / "scripts" / "bench_team_load.py"
    spec = importlib.util.spec_from_file_location("bench_team_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_team_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.studio
@pytest.mark.slow
def test_four_annotators_at_once_on_postgresql_lose_and_duplicate_nothing(studio_pg_home: Path, tmp_path):
    state = studio_server.read_state(studio_pg_home)
    assert state is not None
    run = _bench().run_load(Connection(state.url, state.api_key), tmp_path, annotations=200, claims=300, tag="test")
    ann = run["annotations"]
    assert ann["failed_workers"] == [] and ann["request_errors"] == {}
    assert (ann["expected"], ann["stored"], ann["lost"], ann["duplicated"]) == (200, 200, 0, 0)
    assert ann["unexpected"] == 0 and ann["wrong_value"] == 0
    assert run["final_pull"] == {"rows": 200, "exact": True}
    assert run["push"]["tasks_created"] == 300 and "failed" not in run["pull_during"]
    assert run["pull_during"]["pairs_more_than_once"] == 0 and run["pull_during"]["rows"] <= 200
    assert run["tasks"] == {"expected": 400, "in_project": 400, "claims_in_two_tasks": 0}
