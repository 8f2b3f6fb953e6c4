"""Training callables for the retraining tests, imported by the worker process (``module:function``).

Real training is tested too (``test_retrain.py``, with a tiny model); these stand in where the test is
about the worker, the lock and the swap, and must be quick or fail on purpose.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def quick(job: dict[str, Any]) -> None:
    """Write a "model" after ``seconds`` (default 0.5)."""
    time.sleep(float(job["options"]["overrides"].get("seconds", 0.5)))
    out = Path(job["output_dir"])
    out.mkdir(parents=True)
    (out / "weights.txt").write_text(f"trained for {job.get('project')}\n", encoding="utf-8")


def failing(job: dict[str, Any]) -> None:
    """Bad data: training raises half-way, after writing part of a model."""
    out = Path(job["output_dir"])
    out.mkdir(parents=True)
    (out / "half.txt").write_text("half\n", encoding="utf-8")
    raise ValueError("bad data: no annotated claims to train on")
