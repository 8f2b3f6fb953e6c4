"""Shared fixtures: the spaCy pipeline (loaded once), corpus paths that skip cleanly when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.studio_server_fixture"]

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CLAIMKIT_SHARED", REPO.parent / "shared"))
POLNEAR = SHARED / "corpora" / "polnear"
PROPSEGMENT = SHARED / "corpora" / "propsegment"
SEED = SHARED / "seed" / "nso-entity-list-2021-11-04.txt"


@pytest.fixture(scope="session")
def nlp():
    from annotate.nlp import load_nlp

    return load_nlp()


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (shared corpora are read from ../shared)")
    return path


@pytest.fixture(scope="session")
def polnear_dir() -> Path:
    return _require(POLNEAR)


@pytest.fixture(scope="session")
def propsegment_dir() -> Path:
    return _require(PROPSEGMENT)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return _require(SEED)
