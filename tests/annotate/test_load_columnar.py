"""Columnar inputs (Parquet, Hugging Face datasets saved to disk) read like JSONL; bad records can be skipped."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimkit.annotate.errors import InputError
from claimkit.annotate.load import load_articles

ROWS = [
    {"doc": "x1", "body": "Harbor Bridge\n\nThe bridge is closed, officials said.", "publisher": "AP", "n": 3},
    {"doc": "x2", "body": "Second article text.", "publisher": None, "n": 4},
]


def _jsonl(tmp_path, rows):
    path = tmp_path / "same.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_parquet_rows_are_read_like_jsonl_records(tmp_path):
    path = tmp_path / "news.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=1)
    from_parquet = list(load_articles([path], id_field="doc", text_field="body"))
    from_jsonl = list(load_articles([_jsonl(tmp_path, ROWS)], id_field="doc", text_field="body"))
    assert from_parquet == from_jsonl
    assert [dict(a.metadata) for a in from_parquet] == [
        {"publisher": "AP", "n": "3", "title": "Harbor Bridge"},
        {"n": "4"},
    ]


def test_hf_dataset_saved_to_disk_is_read_in_order(tmp_path):
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(ROWS).save_to_disk(str(tmp_path / "ds"))
    articles = list(load_articles([tmp_path / "ds"], id_field="doc", text_field="body"))
    assert [a.id for a in articles] == ["x1", "x2"]
    assert articles == list(load_articles([_jsonl(tmp_path, ROWS)], id_field="doc", text_field="body"))
    datasets.DatasetDict({"train": datasets.Dataset.from_list(ROWS)}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(InputError, match=r"DatasetDict; give one of its splits \(e.g. .*dd/train\)"):
        list(load_articles([tmp_path / "dd"]))


def test_columnar_errors_name_the_file_and_row(tmp_path):
    path = tmp_path / "news.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    with pytest.raises(InputError, match=r"news.parquet: no column 'text' \(columns: doc, body, publisher, n\); "):
        list(load_articles([path]))
    dup = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_pylist([ROWS[0], ROWS[0]]), dup)
    with pytest.raises(InputError, match=r"dup.parquet:row 2: duplicate article id 'x1'"):
        list(load_articles([dup], id_field="doc", text_field="body"))
    not_parquet = tmp_path / "fake.parquet"
    not_parquet.write_bytes(b"hello")
    with pytest.raises(InputError, match="fake.parquet: not a readable Parquet file"):
        list(load_articles([not_parquet]))


def test_rows_without_an_id_get_file_and_row_number(tmp_path):
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.Table.from_pylist([{"text": "One."}, {"text": "Two."}]), path)
    assert [a.id for a in load_articles([tmp_path])] == ["plain-1", "plain-2"]


def test_on_bad_skips_malformed_records_and_says_why(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "a", "text": "Fine."}\nnot json\n{"id": "a", "text": "Again."}\n{"id": "e", "text": ""}\n'
        '{"id": "b", "text": "Also fine."}\n',
        encoding="utf-8",
    )
    bad = []
    articles = list(load_articles([path], on_bad=lambda where, message, raw: bad.append((where, message, raw))))
    assert [a.id for a in articles] == ["a", "b"]
    assert [(where.rsplit(":", 1)[1], raw) for where, _, raw in bad] == [
        ("2", "not json"),
        ("3", '{"id": "a", "text": "Again."}'),
        ("4", '{"id": "e", "text": ""}'),
    ]
    assert "not valid JSON" in bad[0][1] and "duplicate article id 'a'" in bad[1][1] and "empty" in bad[2][1]
    with pytest.raises(InputError, match="x.jsonl:2: not valid JSON"):
        list(load_articles([path]))
