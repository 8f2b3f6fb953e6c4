"""Shared fixtures: the spaCy pipeline (loaded once), corpus paths that skip cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import POLNEAR, PROPSEGMENT, SEED

pytest_plugins = ["tests.studio_server_fixture", "tests.postgres_fixture"]


@pytest.fixture(scope="session")
def nlp():
    from claimkit.annotate.nlp import load_nlp

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
    """The article the project started from: test data, so it lives in tests/fixtures and always runs."""
    return SEED
