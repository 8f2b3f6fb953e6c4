"""Pytest plugin: a real PostgreSQL server per test session, in a temporary directory (enabled from tests/conftest.py).

``initdb`` + ``pg_ctl`` from Debian's ``postgresql`` package (found on PATH or under
``/usr/lib/postgresql/<version>/bin``), listening on a free 127.0.0.1 port and on a Unix socket in its own
data directory, password (SCRAM) authentication for the one superuser. PostgreSQL refuses to run as
root, so as root it runs as the ``postgres`` system user (else ``nobody``) through ``runuser``. Tests
that need it are skipped, with the reason, where the binaries or an unprivileged user are missing.

``pg_database`` gives each test a fresh, empty database; ``studio_pg_home`` a claimkit home whose Label
Studio runs on its own database. Migrating an empty database takes Label Studio ~2.5 min on two loaded
cores, so, like the SQLite cache of ``studio_server_fixture``, a migrated database is built once per Label
Studio version (``pg_dump -Fc`` beside the claimkit home that goes with it: its ``.env`` SECRET_KEY and
``studio.json`` hold the admin's password and token) and restored per session in ~4 s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from claimkit.annotate.studio.database import Database

SUPERUSER = "claimkit"


@dataclass(frozen=True)
class PostgresServer:
    """A running test PostgreSQL: where it listens and the superuser's password (never in ``repr``)."""

    port: int
    data_dir: Path
    password: str = field(repr=False)
    user: str = SUPERUSER

    def database(self, name: str) -> Database:
        return Database(user=self.user, host="127.0.0.1", port=self.port, name=name, password=self.password)


def postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's newest versioned folder."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent  # the real folder: a symlinked initdb may stand alone on PATH
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    return Path(candidates[-1]).parent if candidates else None


def _unprivileged_user() -> str | None:
    """The user to run PostgreSQL as when we are root (``None``: as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    pytest.skip("PostgreSQL refuses to run as root and there is no 'postgres' or 'nobody' user to run it as")
    return None  # unreachable


def _run(cmd: list[str], user: str | None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", user, "--", *cmd] if user else cmd
    return subprocess.run(full, capture_output=True, text=True, timeout=timeout, cwd="/")  # noqa: S603


def start_postgres(root: Path) -> PostgresServer:
    """initdb + pg_ctl start in ``root`` (a fresh directory others may traverse); skips when impossible."""
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (initdb/pg_ctl not on PATH nor in /usr/lib/postgresql/*/bin)")
    user = _unprivileged_user()
    data, pwfile = root / "data", root / "pwfile"
    password = secrets.token_urlsafe(18)
    pwfile.write_text(password + "\n", encoding="utf-8")
    if user:
        uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
        os.chown(root, uid, gid)
        os.chown(pwfile, uid, gid)
    os.chmod(pwfile, 0o600)
    init = _run([str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256",
                 f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C", "--no-sync"], user)  # fmt: skip
    pwfile.unlink()
    if init.returncode != 0 and init.stderr.startswith("runuser:"):
        pytest.skip(f"cannot run PostgreSQL as {user!r}: {init.stderr.strip()[:200]}")
    assert init.returncode == 0, f"initdb failed: {init.stderr[-2000:]}"
    from claimkit.annotate.studio.server import free_port

    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    started = _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "postgres.log"),
                    "-w", "-t", "60", "start"], user)  # fmt: skip
    if started.returncode != 0:
        log = (root / "postgres.log").read_text(errors="replace")[-2000:] if (root / "postgres.log").exists() else ""
        raise AssertionError(f"pg_ctl start failed: {started.stderr[-1000:]}\n{log}")
    return PostgresServer(port=port, data_dir=data, password=password)


def stop_postgres(server: PostgresServer) -> None:
    bindir = postgres_bin()
    assert bindir is not None
    _run([str(bindir / "pg_ctl"), "-D", str(server.data_dir), "-m", "fast", "-w", "stop"], _unprivileged_user())


def create_database(server: PostgresServer, name: str) -> Database:
    """A new empty database on ``server`` owned by the superuser."""
    import psycopg

    admin = server.database("postgres")
    with psycopg.connect(
        host=admin.host, port=admin.port, user=admin.user, password=admin.password, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.database(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session, torn down at its end."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (it comes with claimkit[server])")
    root = Path(tempfile.mkdtemp(prefix="claimkit-pg-"))  # under /tmp, which the postgres user can traverse
    os.chmod(root, 0o700)
    try:
        server = start_postgres(root)
        try:
            yield server
        finally:
            stop_postgres(server)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Database:
    """A fresh empty database for one test."""
    return create_database(postgres_server, f"t_{secrets.token_hex(6)}")


def _client_env(server: PostgresServer) -> dict[str, str]:
    """pg_dump / pg_restore read the password from the environment, never from argv."""
    return {**os.environ, "PGPASSWORD": server.password}


def _client(tool: str, server: PostgresServer, *args: str) -> None:
    bindir = postgres_bin()
    assert bindir is not None
    cmd = [str(bindir / tool), "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=_client_env(server), timeout=300)  # noqa: S603
    assert done.returncode == 0, f"{tool} failed: {done.stderr[-2000:]}"


def migrated_pg_cache(server: PostgresServer, version: str) -> Path:
    """``<cache>/label-studio-<version>-postgresql/{home/, label_studio.dump}``: built once, then reused."""
    from claimkit.annotate.studio import server as studio_server
    from tests.studio_server_fixture import _cache_root

    root = _cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"label-studio-{version}-postgresql"
    if (target / "label_studio.dump").is_file():
        return target
    with open(root / f"label-studio-{version}-postgresql.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "label_studio.dump").is_file():
            return target
        build = Path(tempfile.mkdtemp(prefix=f"label-studio-{version}-postgresql.", dir=root))
        db = create_database(server, f"build_{secrets.token_hex(4)}")
        try:
            studio_server.start(home=build / "home", database=db)
            studio_server.stop(home=build / "home")
            _client("pg_dump", server, "-Fc", "-f", str(build / "label_studio.dump"), db.name)
            os.chmod(build / "label_studio.dump", 0o600)  # it holds the admin's API token, like studio.json
            build.rename(target)
        finally:
            if build.exists():
                studio_server.stop(home=build / "home")
                shutil.rmtree(build, ignore_errors=True)
    return target


@pytest.fixture(scope="session")
def studio_pg_home(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A claimkit home whose Label Studio runs on its own PostgreSQL database, for the whole session."""
    pytest.importorskip("label_studio", reason="the Label Studio server is not installed (claimkit[server])")
    from claimkit.annotate.studio import server as studio_server

    cache = migrated_pg_cache(postgres_server, studio_server.label_studio_version())
    db = create_database(postgres_server, "label_studio")
    _client("pg_restore", postgres_server, "--no-owner", "-d", db.name, str(cache / "label_studio.dump"))
    home = tmp_path_factory.mktemp("studio-pg") / "home"
    shutil.copytree(cache / "home", home, ignore=shutil.ignore_patterns(studio_server.LOG_FILE))
    state = studio_server.read_state(home)
    assert state is not None
    studio_server.write_state(home, dataclasses.replace(state, database=db.url, pid=None))  # this session's port
    studio_server.start(home=home, port=studio_server.free_port(), database=db)
    try:
        yield home
    finally:
        studio_server.stop(home=home)
