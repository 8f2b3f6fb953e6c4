"""Pytest plugin: one real Label Studio server per test session (enabled from tests/conftest.py).

A first start runs ~40–70 s of migrations, so a migrated claimkit home (data dir + ``studio.json``
with its admin password and token) is built once per Label Studio version under
``~/.cache/claimkit/`` (``$XDG_CACHE_HOME`` respected; ``CLAIMKIT_TEST_CACHE`` overrides) and copied for
each session: a copy keeps its ``.env`` SECRET_KEY, so the token stays valid, and starts in ~5 s.
The server runs on a free loopback port with the scrubbed environment of ``annotate.studio_server``
and gets SIGTERM at the end of the session.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimkit.annotate.studio import server as studio_server


def _cache_root() -> Path:
    if os.environ.get("CLAIMKIT_TEST_CACHE"):
        return Path(os.environ["CLAIMKIT_TEST_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimkit"


def migrated_home(version: str) -> Path:
    """A claimkit home whose Label Studio database is migrated and has its admin user (built once)."""
    root = _cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only home (some CI runners): cache for this machine's lifetime only
        root = Path(tempfile.gettempdir()) / "claimkit-cache"
        root.mkdir(parents=True, exist_ok=True)
    target = root / f"label-studio-{version}"
    if (target / studio_server.STATE_FILE).is_file():
        return target
    with open(root / f"label-studio-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it right now
        if (target / studio_server.STATE_FILE).is_file():
            return target
        build = Path(tempfile.mkdtemp(prefix=f"label-studio-{version}.", dir=root))
        try:
            studio_server.start(home=build)
            studio_server.stop(home=build)
            build.rename(target)
        finally:
            if build.exists():  # start-up failed: leave no server or half-built home behind
                studio_server.stop(home=build)
                shutil.rmtree(build, ignore_errors=True)
    return target


def copy_home(src: Path, dst: Path) -> Path:
    """A private copy of a migrated home (its own database, same credentials)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(studio_server.LOG_FILE))
    return dst


@pytest.fixture(scope="session")
def studio_cache() -> Path:
    """The migrated home in the cache (skips when the Label Studio server is not installed)."""
    pytest.importorskip("label_studio", reason="the Label Studio server is not installed (claimkit[server])")
    return migrated_home(studio_server.label_studio_version())


@pytest.fixture(scope="session")
def studio_home(studio_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A claimkit home with a running Label Studio for the whole session."""
    home = copy_home(studio_cache, tmp_path_factory.mktemp("studio") / "home")
    studio_server.start(home=home, port=studio_server.free_port())
    try:
        yield home
    finally:
        studio_server.stop(home=home)


@pytest.fixture(scope="session")
def studio_state(studio_home: Path) -> studio_server.ServerState:
    state = studio_server.read_state(studio_home)
    assert state is not None
    return state


@pytest.fixture(scope="session")
def studio_conn(studio_state: studio_server.ServerState):
    from claimkit.annotate.studio.client import Connection

    return Connection(studio_state.url, studio_state.api_key)
