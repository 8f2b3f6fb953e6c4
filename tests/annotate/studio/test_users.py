"""Annotator accounts on the real session Label Studio: add-user, logging in, acting as each user through the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimkit.annotate.errors import InputError, StudioError
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import Connection, connect
from claimkit.annotate.studio.pull import pull
from claimkit.annotate.studio.push import push
from claimkit.annotate.studio.users import add_user, check_email, login, user_token
from tests.paths import REPO

SCHEMA = default_schema()


def test_check_email_lowercases_and_rejects_non_addresses():
    assert check_email("  Ana@Desk.Example ") == "ana@desk.example"
    for bad in ("ana", "ana@desk", "a b@desk.example", ""):
        with pytest.raises(InputError, match="not an e-mail address"):
            check_email(bad)


def _choice(name: str, value: str) -> dict:
    return {"from_name": name, "to_name": "paragraph", "type": "choices", "value": {"choices": [value]}}


@pytest.mark.studio
def test_two_users_annotate_as_themselves(studio_conn, nlp, seed_path):
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label

    ana = add_user(studio_conn, "ana@users.test", "Ana", "Lima")
    bo = add_user(studio_conn, "bo@users.test")
    assert ana.id != bo.id and len(ana.password) >= 20 and ana.password != bo.password
    assert ana.password not in repr(ana)
    admin = connect(studio_conn)
    listed = {u.email: u for u in admin.client.users.list()}
    assert listed["ana@users.test"].first_name == "Ana" and listed["ana@users.test"].last_name == "Lima"

    items = list(split_and_label(load_articles([seed_path]), nlp, "clause", None))
    push(studio_conn, "two annotators", items, SCHEMA, model_version=None)
    project = admin.project("two annotators")
    task_ids = sorted(t for pairs in admin.claim_tasks(project.id).values() for t, _ in pairs)

    for user, task_id, answer in ((ana, task_ids[0], "attributed"), (bo, task_ids[1], "asserted")):
        token = user_token(studio_conn.url, user.email, user.password)
        assert token != studio_conn.api_key
        as_user = connect(Connection(studio_conn.url, token))
        assert as_user.check() == user.email
        as_user.call(as_user.client.annotations.create, id=task_id, result=[_choice("attribution", answer)])

    stored = {a.task: a.completed_by for t in task_ids[:2] for a in admin.client.annotations.list(id=t)}
    assert stored == {task_ids[0]: ana.id, task_ids[1]: bo.id}
    df_rows = {(r.annotator, r.values.get("attribution")) for r in pull(studio_conn, "two annotators", SCHEMA).records}
    assert df_rows == {("ana@users.test", "attributed"), ("bo@users.test", "asserted")}

    with pytest.raises(StudioError, match="already has a user ana@users.test"):
        add_user(studio_conn, "ANA@users.test")
    with pytest.raises(StudioError, match="refused the login of bo@users.test") as err:
        login(studio_conn.url, bo.email, ana.password)
    assert ana.password not in str(err.value)


@pytest.mark.studio
def test_add_user_command_shows_the_password_once(studio_home: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    proc = subprocess.run(
        [sys.executable, "-m", "claimkit.cli", "studio", "add-user", "cli@users.test", "--first-name", "Cli"],
        capture_output=True, text=True, env={**env, "CLAIMKIT_HOME": str(studio_home)}, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(": ", 1) for line in proc.stdout.splitlines())
    assert lines["email"] == "cli@users.test" and len(lines["password"]) >= 20
    password = lines["password"]
    assert password not in proc.stderr and "shown only this once" in proc.stderr
    for path in studio_home.rglob("*"):  # nothing under the claimkit home keeps it: state, log, database
        if path.is_file() and path.stat().st_size < 200_000_000:
            assert password.encode() not in path.read_bytes(), path
    state = json.loads((studio_home / "studio.json").read_text(encoding="utf-8"))
    assert password not in json.dumps(state)
    assert user_token(lines["url"], "cli@users.test", password)
