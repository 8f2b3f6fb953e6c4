"""Resumable output: a run cut anywhere (even inside an article) resumes to the bytes of an uninterrupted run."""

import json

import pyarrow.parquet as pq
import pytest

from claimkit.annotate.batch import Rendered
from claimkit.annotate.errors import InputError
from claimkit.annotate.output import parquet_schema
from claimkit.annotate.resume import ResumableParquetOutput, ResumableTextOutput, StreamOutput, partial_paths
from claimkit.annotate.schema import default_schema


def _items(start, stop):
    return [(f"a{i}", f"d{i}", Rendered(f"a{i}", 1, f'{{"id": "a{i}"}}\n')) for i in range(start, stop)]


def _row_items(start, stop):
    """One claim row per article (as ``claim_rows`` makes them; absent fields are null)."""
    row = {"claim_id": "c", "sentence": 0, "not_a_claim": False}
    return [
        (f"a{i}", f"d{i}", Rendered(f"a{i}", 1, rows=({**row, "article_id": f"a{i}"},))) for i in range(start, stop)
    ]


def test_text_output_resumes_after_a_torn_write_to_the_uninterrupted_bytes(tmp_path):
    whole = tmp_path / "whole.jsonl"
    out = ResumableTextOutput(whole, "k", header="h\n")
    out.write(_items(0, 3))
    out.write(_items(3, 5))
    out.finish()

    cut = tmp_path / "cut.jsonl"
    first = ResumableTextOutput(cut, "k", header="h\n")
    first.write(_items(0, 3))
    partial, progress = partial_paths(cut)
    with partial.open("ab") as fh:  # a kill in the middle of the next batch: half an article on disk
        fh.write(b'{"id": "a3"')
    with progress.open("a", encoding="utf-8") as fh:  # and half a log line
        fh.write('{"end": 99, "do')
    assert not cut.exists()

    again = ResumableTextOutput(cut, "k", header="h\n")
    assert again.done == {"a0": "d0", "a1": "d1", "a2": "d2"}
    again.write(_items(3, 5))
    again.finish()
    assert cut.read_bytes() == whole.read_bytes()
    assert not partial.exists() and not progress.exists()


def test_text_output_refuses_to_resume_with_other_options(tmp_path):
    out = tmp_path / "x.jsonl"
    ResumableTextOutput(out, "jsonl-rules").write(_items(0, 1))
    with pytest.raises(InputError, match=r"other options.*delete .*x.jsonl.partial"):
        ResumableTextOutput(out, "csv-rules")


def test_text_output_without_a_partial_starts_over(tmp_path):
    out = tmp_path / "x.jsonl"
    ResumableTextOutput(out, "k").write(_items(0, 2))
    partial, _ = partial_paths(out)
    partial.unlink()
    fresh = ResumableTextOutput(out, "k")
    assert fresh.done == {}
    fresh.write(_items(0, 1))
    fresh.finish()
    assert out.read_text() == '{"id": "a0"}\n'


def test_parquet_output_resumes_to_the_same_file(tmp_path):
    schema = parquet_schema(default_schema())
    whole = tmp_path / "whole.parquet"
    out = ResumableParquetOutput(whole, "k", schema, part_rows=2)
    out.write(_row_items(0, 3))
    out.write(_row_items(3, 7))
    out.finish()

    cut = tmp_path / "cut.parquet"
    first = ResumableParquetOutput(cut, "k", schema, part_rows=2)
    first.write(_row_items(0, 3))  # one part (a0, a1) is checkpointed; a2 is only in memory when killed
    parts = cut.with_name("cut.parquet.partial.d")
    (parts / "part-000009.parquet.tmp").write_bytes(b"PAR1 half")  # a part the kill interrupted
    again = ResumableParquetOutput(cut, "k", schema, part_rows=2)
    assert again.done == {"a0": "d0", "a1": "d1"}
    again.write(_row_items(2, 7))
    again.finish()
    assert cut.read_bytes() == whole.read_bytes()
    table = pq.read_table(cut)
    assert table.column("article_id").to_pylist() == [f"a{i}" for i in range(7)]
    assert table.schema.names == schema.names and pq.ParquetFile(cut).metadata.num_row_groups == 4
    assert not parts.exists()


def test_stream_output_writes_the_header_even_without_articles(tmp_path):
    import io

    buffer = io.StringIO()
    out = StreamOutput(buffer, header="h\n")
    out.finish()
    assert buffer.getvalue() == "h\n"
    assert json.loads(_items(0, 1)[0][2].text) == {"id": "a0"}
