"""Where tests find the repository, their fixtures and the shared corpora (one place, whatever a test's depth)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SAMPLES = REPO / "data" / "samples"
SHARED = Path(os.environ.get("CLAIMKIT_SHARED", REPO.parent / "shared"))
POLNEAR = SHARED / "corpora" / "polnear"
PROPSEGMENT = SHARED / "corpora" / "propsegment"
SEED = FIXTURES / "nso-entity-list-2021-11-04.txt"
