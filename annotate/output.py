"""The claims output format (JSONL, public and versioned), plus CSV and a terminal table.

JSONL, one object per article::

    {"format": "claimkit.claims", "format_version": 1, "id": "...", "text": "...", "metadata": {...},
     "paragraphs": [[s, e], ...], "sentences": [[s, e], ...],
     "claims": [{"id": "...", "text": "...", "spans": [[s, e], ...], "sentence": 3, "paragraph": 1,
                 "labels": {"attribution": {"value": "attributed", "score": 0.93},
                            "source": {"value": "NSO", "score": 0.9, "spans": [[s, e]]}, ...}}],
     "attributed_content": [[s, e], ...]}

``attributed_content`` (only from predictors that mark characters, such as the trained model): the
article's characters reported from a source, independent of claim boundaries.

Offsets are Unicode code points into ``text`` (Python ``str`` indexing), end excluded. Readers must
ignore keys they do not know; ``format_version`` changes only when a key changes meaning or goes away.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from claimkit.annotate.errors import InputError
from claimkit.annotate.schema import Schema
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle, spans_text

if TYPE_CHECKING:
    import pyarrow as pa

FORMAT = "claimkit.claims"
FORMAT_VERSION = 1

CLAIM_COLUMNS = ("article_id", "claim_id", "claim_text", "claim_spans", "sentence", "paragraph")
"""The claim's own columns, the same in ``split --format csv`` and in a pull's DataFrame (one name per thing)."""


def _spans(spans: Iterable[Span]) -> list[list[int]]:
    return [[s.start, s.end] for s in spans]


def label_to_dict(label: Label) -> dict[str, Any]:
    out: dict[str, Any] = {"value": label.value, "score": round(float(label.score), 4)}
    if label.spans:
        out["spans"] = _spans(label.spans)
    return out


def claim_to_dict(claim: Claim, text: str | None = None) -> dict[str, Any]:
    """One claim; with the article ``text``, also ``resolved_source`` where the source was resolved."""
    out = {
        "id": claim.id,
        "text": claim.text,
        "spans": _spans(claim.spans),
        "sentence": claim.sentence,
        "paragraph": claim.paragraph,
        "labels": {name: label_to_dict(label) for name, label in claim.labels.items()},
    }
    kind = claim.labels.get("source_type")
    if text is not None and kind is not None and kind.spans:  # the rules resolved a pronoun or generic source
        out["resolved_source"] = {"value": spans_text(text, kind.spans), "spans": _spans(kind.spans)}
    return out


def to_dict(item: SplitArticle) -> dict[str, Any]:
    a = item.article
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": a.id,
        "text": a.text,
        "metadata": dict(a.metadata),
        "excluded": _spans(a.excluded),
        "paragraphs": _spans(item.paragraphs),
        "sentences": _spans(item.sentences),
        "sentence_paragraph": list(item.sentence_paragraph),
        "claims": [claim_to_dict(c, a.text) for c in item.claims],
        **({} if item.attributed_content is None else {"attributed_content": _spans(item.attributed_content)}),
    }


def from_dict(raw: dict[str, Any], origin: str = "<json>") -> SplitArticle:
    """Read one article object back; raises ``InputError`` naming ``origin`` when it is not ours."""
    if raw.get("format") != FORMAT:
        raise InputError(f"{origin}: not a claimkit claims record (format {raw.get('format')!r})")
    if int(raw.get("format_version", 0)) > FORMAT_VERSION:
        raise InputError(f"{origin}: format_version {raw['format_version']} is newer than this claimkit; upgrade")
    try:
        article = Article(
            id=raw["id"],
            text=raw["text"],
            metadata=dict(raw.get("metadata", {})),
            excluded=tuple(Span(*s) for s in raw.get("excluded", [])),
        )
        claims = tuple(
            Claim(
                id=c["id"],
                article_id=article.id,
                text=c["text"],
                spans=tuple(Span(*s) for s in c["spans"]),
                sentence=int(c["sentence"]),
                paragraph=int(c["paragraph"]),
                labels={
                    name: Label(v["value"], float(v["score"]), tuple(Span(*s) for s in v.get("spans", [])))
                    for name, v in c.get("labels", {}).items()
                },
            )
            for c in raw["claims"]
        )
        return SplitArticle(
            article=article,
            paragraphs=tuple(Span(*s) for s in raw["paragraphs"]),
            sentences=tuple(Span(*s) for s in raw["sentences"]),
            sentence_paragraph=tuple(raw["sentence_paragraph"]),
            claims=claims,
            attributed_content=None
            if "attributed_content" not in raw
            else tuple(Span(*s) for s in raw["attributed_content"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{origin}: malformed claims record ({exc!r})") from None


def write_jsonl(items: Iterable[SplitArticle], out: TextIO) -> int:
    """Write one JSON object per article; returns the number of claims written."""
    n = 0
    for item in items:
        out.write(jsonl_line(item))
        n += len(item.claims)
    return n


def jsonl_line(item: SplitArticle) -> str:
    """One article's JSONL line, newline included: what ``write_jsonl`` writes for it."""
    return json.dumps(to_dict(item), ensure_ascii=False) + "\n"


def read_jsonl(lines: Iterable[str], origin: str = "<jsonl>") -> Iterator[SplitArticle]:
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{origin}:{lineno}: not valid JSON ({exc.msg}: column {exc.colno})") from None
            yield from_dict(raw, f"{origin}:{lineno}")


def csv_columns(schema: Schema) -> list[str]:
    """``CLAIM_COLUMNS``, then per schema field its value, ``<field>_score`` and, where it has them, ``<field>_spans``."""
    cols = list(CLAIM_COLUMNS)
    for f in schema.fields:
        cols += [f.name, f"{f.name}_score"]
        if f.kind == "span" or f.evidence:
            cols.append(f"{f.name}_spans")
    return cols


def write_csv(items: Iterable[SplitArticle], out: TextIO, schema: Schema) -> int:
    """One row per claim, one column per schema field (value, score, and spans where it has them).

    The header is written with the first article, not before: an input error raised while the first
    articles are read leaves the output empty rather than a header alone.
    """
    cols = csv_columns(schema)
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore")
    n = 0
    header = False
    for item in items:
        if not header:
            writer.writeheader()
            header = True
        for row in claim_rows(item):
            writer.writerow(row)
            n += 1
    if not header:
        writer.writeheader()
    return n


def claim_rows(item: SplitArticle) -> list[dict[str, Any]]:
    """One row per claim, keyed by ``csv_columns`` names (a field without a label has no key).

    The one definition of a claim row: ``--format csv`` writes these as text, ``--format parquet``
    as typed columns (``parquet_schema``), so the two formats always carry the same columns.
    """
    rows = []
    for c in item.claims:
        row: dict[str, Any] = {
            "article_id": c.article_id,
            "claim_id": c.id,
            "claim_text": c.text,
            "claim_spans": json.dumps(_spans(c.spans)),
            "sentence": c.sentence,
            "paragraph": c.paragraph,
        }
        for name, label in c.labels.items():
            row[name] = label.value
            row[f"{name}_score"] = round(float(label.score), 4)
            if label.spans:
                row[f"{name}_spans"] = json.dumps(_spans(label.spans))
        rows.append(row)
    return rows


def csv_header(schema: Schema) -> str:
    """The CSV header line, as ``write_csv`` writes it."""
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=csv_columns(schema)).writeheader()
    return buffer.getvalue()


def csv_text(rows: Iterable[dict[str, Any]], schema: Schema) -> str:
    """``claim_rows`` as CSV lines (no header), byte for byte what ``write_csv`` writes for them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_columns(schema), extrasaction="ignore")
    writer.writerows(rows)
    return buffer.getvalue()


def parquet_schema(schema: Schema) -> pa.Schema:
    """Arrow types for ``csv_columns``: flags are booleans, other values strings, scores floats,
    spans JSON text (as in the CSV), sentence and paragraph integers."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {name: pa.string() for name in CLAIM_COLUMNS}
    types["sentence"] = types["paragraph"] = pa.int64()
    for f in schema.fields:
        types[f.name] = pa.bool_() if f.kind == "flag" else pa.string()
        types[f"{f.name}_score"] = pa.float64()
    return pa.schema([(name, types.get(name, pa.string())) for name in csv_columns(schema)])


def parquet_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """``claim_rows`` as an Arrow table with ``parquet_schema`` (a missing key is null)."""
    import pyarrow as pa

    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)


def render_table(items: Iterable[SplitArticle], schema: Schema, width: int | None = None) -> str:
    """A readable table for a person at a terminal: one row per claim, the main fields as columns."""
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 140, force_terminal=False, color_system=None)
    shown = [f for f in schema.fields if f.name in ("attribution", "source", "cue", "hedged", "status")]
    for item in items:
        table = Table(title=f"{item.article.id}: {len(item.claims)} claims", show_lines=True, title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("claim", ratio=3)
        for f in shown:
            table.add_column(f.label, ratio=1)
        for i, c in enumerate(item.claims, start=1):
            cells = []
            for f in shown:
                label = c.labels.get(f.name)
                cells.append("" if label is None or label.value is None else f"{label.value} ({label.score:.2f})")
            table.add_row(str(i), c.text, *cells)
        console.print(table)
    return buffer.getvalue()
