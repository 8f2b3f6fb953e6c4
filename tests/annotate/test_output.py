"""The JSONL format round-trips; CSV columns come from the schema."""

import csv
import io
import json

import pytest

from claimkit.annotate.errors import InputError
from claimkit.annotate.output import CLAIM_COLUMNS, csv_columns, from_dict, read_jsonl, to_dict, write_csv, write_jsonl
from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle


def make_item():
    text = "NSO has said its tool cannot target U.S. numbers."
    spans = (Span(13, 48),)
    claim = Claim(
        Claim.make_id("a", spans),
        "a",
        "Its tool cannot target U.S. numbers",
        spans,
        0,
        0,
        {"attribution": Label("attributed", 0.92), "source": Label("NSO", 0.8, (Span(0, 3),))},
    )
    return SplitArticle(Article("a", text, {"date": "2021-11-04"}), (Span(0, 49),), (Span(0, 49),), (0,), (claim,))


def test_output_jsonl_round_trip():
    item = make_item()
    buffer = io.StringIO()
    assert write_jsonl([item], buffer) == 1
    (back,) = read_jsonl(buffer.getvalue().splitlines())
    assert back == item


def test_output_attributed_content_round_trips_and_is_absent_when_unmarked():
    item = make_item()
    assert "attributed_content" not in to_dict(item)  # claims-only predictors (the rules) mark none
    marked = item.with_attributed_content([Span(13, 48)])
    raw = json.loads(json.dumps(to_dict(marked)))
    assert raw["attributed_content"] == [[13, 48]]
    assert from_dict(raw) == marked
    assert from_dict(to_dict(item.with_attributed_content([]))).attributed_content == ()


def test_output_rejects_foreign_and_newer_records():
    raw = to_dict(make_item())
    with pytest.raises(InputError, match="not a claimkit claims record"):
        from_dict({**raw, "format": "other"})
    with pytest.raises(InputError, match="newer"):
        from_dict({**raw, "format_version": 99})
    assert json.loads(json.dumps(raw)) == raw


def test_output_csv_columns_follow_schema():
    cols = csv_columns(default_schema())
    for name in default_schema().names:
        assert name in cols and f"{name}_score" in cols
    assert "source_spans" in cols and "hedged_spans" in cols


def test_output_csv_claim_columns_are_the_pulls():
    from claimkit.annotate.annotations import columns

    cols = csv_columns(default_schema())
    assert cols[:6] == list(CLAIM_COLUMNS) == columns(default_schema())[:6]
    out = io.StringIO()
    write_csv([make_item()], out, default_schema())
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["claim_text"] == "Its tool cannot target U.S. numbers" and json.loads(row["claim_spans"]) == [[13, 48]]


def test_output_csv_writes_nothing_when_reading_the_input_fails():
    def failing():
        raise InputError("b.jsonl:2: duplicate article id 'a'")
        yield  # a generator, like load_articles

    out = io.StringIO()
    with pytest.raises(InputError):
        write_csv(failing(), out, default_schema())
    assert out.getvalue() == ""
    empty = io.StringIO()
    assert write_csv([], empty, default_schema()) == 0 and empty.getvalue().startswith("article_id,claim_id")


def test_output_read_jsonl_error_says_where():
    with pytest.raises(InputError, match=r"claims.jsonl:2: not valid JSON \(Expecting value: column 10\)"):
        list(read_jsonl(["", '{"text": }'], "claims.jsonl"))


def test_output_resolved_source_names_the_entity_behind_a_pronoun():
    from claimkit.annotate.output import to_dict
    from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle

    text = "Maria Keller spoke. She said repairs could cost more."
    she, keller = Span(20, 23), Span(0, 12)
    labels = {
        "source": Label("She", 0.8, (she,)),
        "source_type": Label("person", 0.7, (keller,)),  # the rules typed the resolved entity
    }
    claim = Claim("c", "a", "Repairs could cost more", (Span(29, 52),), 1, 0, labels)
    item = SplitArticle(Article("a", text), (Span(0, len(text)),), (Span(0, 19), Span(20, 53)), (0, 0), (claim,))
    (out,) = to_dict(item)["claims"]
    assert out["labels"]["source"]["value"] == "She"
    assert out["resolved_source"] == {"value": "Maria Keller", "spans": [[0, 12]]}
