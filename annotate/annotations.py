"""Pulled annotations → a tidy pandas DataFrame → a Hugging Face ``DatasetDict`` split by article, with a card.

One row per claim × annotator, one column per schema field, every position in article offsets:

============================  ==================================================================
``article_id`` … ``paragraph``  the claim: ids, text, its spans (``[[start, end], ...]``), sentence and paragraph index
``task_id``, ``annotation_id``  Label Studio ids (for going back to the server; never a key across projects)
``annotator``                  the annotator's e-mail
``lead_time``                  seconds spent on the annotation (Label Studio's measure)
``created_at``, ``updated_at``  UTC timestamps
flag field                     bool
choice field                   the value id, or missing
choice field with evidence     ``<name>_spans``: the evidence words (e.g. hedge words)
span field                     ``<name>``: the marked texts; ``<name>_spans``: their offsets
============================  ==================================================================

Beside the table, a pull keeps the articles as far as the tasks show them (``pulled_articles``, written
as ``articles.jsonl`` in the claims format): every paragraph that holds a claim, at its original offsets,
with its sentences. That is all training needs to rebuild each claim's context, so a pull alone is
enough to train on (``claimkit train --pull-dir``), without the files that were pushed.

Column names and label names come from the ``Schema``; the ``datasets`` features are explicit
(``ClassLabel`` built from the schema's values, -1 for a missing answer), so an empty pull keeps the
same schema and the label ids never depend on which labels happened to occur.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimkit.annotate.dataset_splits import DEFAULT_FRACTIONS, split_by_article
from claimkit.annotate.errors import InputError
from claimkit.annotate.output import CLAIM_COLUMNS, write_jsonl
from claimkit.annotate.schema import Field, Schema
from claimkit.annotate.studio.tasks import AnnotationRecord, PulledParagraph, PullResult
from claimkit.annotate.types import Article, Span, SplitArticle

if TYPE_CHECKING:
    import pandas as pd
    from datasets import DatasetDict, Features

META_COLUMNS = ("task_id", "annotation_id", "annotator", "lead_time", "created_at", "updated_at")
TIMESTAMP_COLUMNS = ("created_at", "updated_at")


def field_columns(f: Field) -> tuple[str, ...]:
    """The DataFrame columns of one schema field."""
    if f.kind == "span":
        return (f.name, f"{f.name}_spans")
    if f.evidence:
        return (f.name, f"{f.name}_spans")
    return (f.name,)


def columns(schema: Schema) -> list[str]:
    """Every column, in order: the claim, the annotation, then each schema field."""
    return [*CLAIM_COLUMNS, *META_COLUMNS, *(c for f in schema.fields for c in field_columns(f))]


def _row(record: AnnotationRecord, schema: Schema) -> dict[str, Any]:
    c = record.claim
    row: dict[str, Any] = {
        "article_id": c.article_id,
        "claim_id": c.claim_id,
        "claim_text": c.text,
        "claim_spans": [[s.start, s.end] for s in c.spans],
        "sentence": c.sentence,
        "paragraph": c.paragraph,
        "task_id": c.task_id,
        "annotation_id": record.annotation_id,
        "annotator": record.annotator,
        "lead_time": record.lead_time,
        "created_at": record.created_at or None,
        "updated_at": record.updated_at or None,
    }
    for f in schema.fields:
        if f.kind == "span":
            regions = record.regions.get(f.name, ())
            row[f.name] = [r.text for r in regions]
            row[f"{f.name}_spans"] = [[r.span.start, r.span.end] for r in regions]
        else:
            row[f.name] = record.values.get(f.name)
            if f.evidence:
                row[f"{f.name}_spans"] = [[r.span.start, r.span.end] for r in record.regions.get(f.name, ())]
    return row


def to_dataframe(result: PullResult, schema: Schema) -> pd.DataFrame:
    """The tidy DataFrame of a pull: one row per claim × annotator, sorted by article, claim, annotator."""
    import pandas as pd

    df = pd.DataFrame([_row(r, schema) for r in result.records], columns=columns(schema))
    for col in TIMESTAMP_COLUMNS:
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    for f in schema.fields:
        if f.kind == "flag":
            df[f.name] = df[f.name].astype(bool)
        elif f.kind == "choice":
            df[f.name] = df[f.name].astype("string")
    for col in ("sentence", "paragraph", "task_id", "annotation_id"):
        df[col] = df[col].astype("int64")
    df["lead_time"] = df["lead_time"].astype("float64")
    return df.sort_values(["article_id", "sentence", "claim_id", "annotator"], kind="stable").reset_index(drop=True)


def features(schema: Schema) -> Features:
    """Explicit ``datasets`` features: ``ClassLabel``s from the schema's values, in schema order."""
    from datasets import ClassLabel, Features, List, Value

    spans = List(List(Value("int64")))
    out: dict[str, Any] = {
        "article_id": Value("string"),
        "claim_id": Value("string"),
        "claim_text": Value("string"),
        "claim_spans": spans,
        "sentence": Value("int64"),
        "paragraph": Value("int64"),
        "task_id": Value("int64"),
        "annotation_id": Value("int64"),
        "annotator": Value("string"),
        "lead_time": Value("float64"),
        "created_at": Value("timestamp[us, tz=UTC]"),
        "updated_at": Value("timestamp[us, tz=UTC]"),
    }
    for f in schema.fields:
        if f.kind == "flag":
            out[f.name] = Value("bool")
        elif f.kind == "span":
            out[f.name] = List(Value("string"))
            out[f"{f.name}_spans"] = spans
        else:
            out[f.name] = ClassLabel(names=list(f.value_names))
            if f.evidence:
                out[f"{f.name}_spans"] = spans
    return Features(out)


def _encoded(df: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """The DataFrame with choice values replaced by ``ClassLabel`` ids (-1 = no answer), ready for Arrow.

    Encoding here, column by column, lets ``Dataset.from_pandas`` hand the frame straight to Arrow
    with the explicit schema; ``Dataset.from_dict`` would encode every nested value in Python (~5x slower).
    """
    out = df.copy()
    for f in schema.of_kind("choice"):
        out[f.name] = df[f.name].map(f.label2id).fillna(-1).astype("int64")
    return out


def article_splits(df: pd.DataFrame, *, seed: int = 13, fractions: dict[str, float] | None = None) -> dict[str, str]:
    """article id → split name: the pull's ``split`` column when it has one, else ``split_by_article``.

    ``write_pull`` stores the assignment as that column, so whatever reads a pull later (training
    above all) uses the very split the pull's dataset was written with: no article of the pull's
    ``test`` split is ever trained on.
    """
    if "split" in df.columns:
        return dict(zip(df["article_id"], df["split"], strict=True))
    return split_by_article(df["article_id"].unique().tolist(), fractions or DEFAULT_FRACTIONS, seed)


def to_dataset_dict(
    df: pd.DataFrame, schema: Schema, *, seed: int = 13, fractions: dict[str, float] | None = None
) -> DatasetDict:
    """Split the rows BY ARTICLE into train / validation / test (seeded; no article in two splits)."""
    from datasets import Dataset, DatasetDict

    fractions = fractions or DEFAULT_FRACTIONS
    assignment = article_splits(df, seed=seed, fractions=fractions)
    feats = features(schema)
    encoded = _encoded(df, schema)[list(feats)]
    split_of = encoded["article_id"].map(assignment)
    out = {}
    for name in fractions:
        part = encoded[split_of == name].reset_index(drop=True)
        if len(part):
            out[name] = Dataset.from_pandas(part, features=feats, preserve_index=False)
        else:  # an empty frame's columns have no element types for Arrow to check against the features
            out[name] = Dataset.from_dict({col: [] for col in feats}, features=feats)
    return DatasetDict(out)


ARTICLES_FILE = "articles.jsonl"
"""The pulled articles in a pull folder (claims format, no claims: the answers are in the table)."""


def pulled_articles(result: PullResult, splits: dict[str, str] | None = None) -> list[SplitArticle]:
    """Each article of the pull rebuilt from the paragraphs its tasks show, at their original offsets.

    What no task shows (the title, the metadata header, paragraphs without claims) becomes newlines,
    marked ``excluded``: the offsets of every claim, region and sentence stay those of the pushed
    article, and a premise built around a claim reads the same text the annotator saw. A paragraph
    no task shows keeps its index as an empty span. ``splits`` (article id → split) goes into each
    article's metadata as ``split``.
    """
    by_article: dict[str, list[PulledParagraph]] = defaultdict(list)
    for p in result.paragraphs:
        by_article[p.article_id].append(p)
    out = []
    for article_id, paragraphs in sorted(by_article.items()):
        text = ""
        excluded: list[Span] = []
        spans: dict[int, Span] = {}
        sentences: list[tuple[Span, int]] = []
        for p in sorted(paragraphs, key=lambda p: p.start):
            if p.start < len(text):  # overlapping copies cannot come from one split: keep the first
                continue
            if p.start > len(text):
                excluded.append(Span(len(text), p.start))
            text += "\n" * (p.start - len(text)) + p.text
            spans[p.index] = Span(p.start, p.start + len(p.text))
            sentences += [(s.shift(p.start), p.index) for s in p.sentences]
        last = 0
        paragraph_spans = []
        for i in range(max(spans) + 1):
            last = spans[i].end if i in spans else last
            paragraph_spans.append(spans.get(i, Span(last, last)))
        metadata = {"project": result.project_title}
        if splits and article_id in splits:
            metadata["split"] = splits[article_id]
        out.append(
            SplitArticle(
                article=Article(article_id, text, metadata, tuple(excluded)),
                paragraphs=tuple(paragraph_spans),
                sentences=tuple(s for s, _ in sentences),
                sentence_paragraph=tuple(i for _, i in sentences),
                claims=(),
            )
        )
    return out


@dataclass(frozen=True)
class PullFiles:
    """Where ``write_pull`` put things, and the counts it reported."""

    parquet: Path
    csv: Path
    dataset: Path
    card: Path
    summary: Path
    articles: Path
    rows: int
    unannotated: int
    skipped: int


def summary(result: PullResult, df: pd.DataFrame) -> dict[str, Any]:
    """Counts, plus the claims nobody annotated and the skipped ones, by id (nothing dropped silently)."""
    return {
        "project_id": result.project_id,
        "project": result.project_title,
        "pulled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(df),
        "claims_annotated": int(df["claim_id"].nunique()),
        "articles": int(df["article_id"].nunique()),
        "annotators": sorted(df["annotator"].unique().tolist()),
        "unannotated": [
            {"claim_id": c.claim_id, "article_id": c.article_id, "task_id": c.task_id} for c in result.unannotated
        ],
        "skipped": [
            {"claim_id": c.claim_id, "article_id": c.article_id, "task_id": c.task_id, "annotator": who}
            for c, who in result.skipped
        ],
        "foreign_tasks": result.foreign_tasks,
        "offset_mismatches": result.offset_mismatches,
        "malformed_regions": result.malformed_regions,
    }


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Lists become JSON text in CSV (a spreadsheet cannot hold them); everything else stays."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, list)).any():
            out[col] = out[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
    return out


def check_out_dir(out: Path) -> None:
    """Say in one line why ``out`` cannot be a pull's output folder (checked before a long export)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; give --out a folder for the pulled files")
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"{out}: {existing} is a file, not a folder; give --out a folder for the pulled files")


def _make_out_dir(out: Path) -> None:
    check_out_dir(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot make this folder ({exc.strerror or exc.__class__.__name__})") from None


def write_pull(
    result: PullResult, schema: Schema, out: Path, *, seed: int = 13, gold: pd.DataFrame | None = None
) -> PullFiles:
    """Write ``annotations.parquet``, ``annotations.csv``, ``dataset/`` (``save_to_disk``), ``README.md``
    (the dataset card), ``summary.json`` and ``articles.jsonl`` (the articles around the claims) under ``out``.

    ``gold`` (a team's gold table, ``annotate.adjudication.decide``) adds its ``gold_*`` columns to the
    table files, on every row of a claim; the ``dataset/`` keeps the annotators' rows only."""
    _make_out_dir(out)
    df = to_dataframe(result, schema)
    if gold is not None:
        df = df.merge(gold, on="claim_id", how="left")
    splits = article_splits(df, seed=seed)
    df["split"] = df["article_id"].map(splits)
    dsd = to_dataset_dict(df, schema, seed=seed)
    info = summary(result, df)
    files = PullFiles(
        parquet=out / "annotations.parquet",
        csv=out / "annotations.csv",
        dataset=out / "dataset",
        card=out / "README.md",
        summary=out / "summary.json",
        articles=out / ARTICLES_FILE,
        rows=len(df),
        unannotated=len(result.unannotated),
        skipped=len(result.skipped),
    )
    df.to_parquet(files.parquet, index=False)
    _csv_frame(df).to_csv(files.csv, index=False)
    # One shard per split: datasets 5.2 writes an empty split as zero shards and then cannot load it back.
    dsd.save_to_disk(str(files.dataset), num_shards={name: 1 for name in dsd})
    files.card.write_text(dataset_card(df, dsd, schema, info, seed=seed), encoding="utf-8")
    files.summary.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with files.articles.open("w", encoding="utf-8") as fh:
        write_jsonl(pulled_articles(result, splits), fh)
    return files


def _distribution(df: pd.DataFrame, f: Field) -> list[str]:
    import pandas as pd

    if f.kind == "flag":
        counts: Counter[Any] = Counter(bool(v) for v in df[f.name])
        names: list[tuple[str, Any]] = [("true", True), ("false", False)]
    else:
        counts = Counter(None if pd.isna(v) else v for v in df[f.name])
        names = [(v.value, v.value) for v in f.values] + [("(no answer)", None)]
    total = sum(counts.values()) or 1
    lines = [f"| {f.name} | count | share |", "|---|---:|---:|"]
    lines += [f"| {shown} | {counts.get(key, 0)} | {counts.get(key, 0) / total:.1%} |" for shown, key in names]
    return [f"**{f.label}** (`{f.name}`, per row)", "", *lines, ""]


def dataset_card(df: pd.DataFrame, dsd: DatasetDict, schema: Schema, info: dict[str, Any], *, seed: int) -> str:
    """The README.md of a pulled dataset: what it is, the schema, counts, label distributions, splits."""
    lines = [
        "---",
        "language: [en]",
        "pretty_name: claimkit claim sourcing annotations",
        "task_categories: [text-classification, token-classification]",
        "---",
        f"# Claim sourcing annotations: {info['project']}",
        "",
        f"Pulled by `claimkit pull` from Label Studio project {info['project_id']} on {info['pulled_at']}.",
        "One row per claim × annotator; every span is a `[start, end)` pair of Unicode code-point offsets into",
        "the original article text (Python string indexing).",
        "",
        "## Schema",
        "",
        f"{schema.title} (`{schema.name}` v{schema.version}). {schema.instructions}",
        "",
        "| field | kind | values | question |",
        "|---|---|---|---|",
    ]
    for f in schema.fields:
        kind = f.kind
        values = ", ".join(f"`{v}`" for v in f.value_names) or "-"
        lines.append(f"| `{f.name}` | {kind} | {values} | {f.help} |")
    lines += [
        "",
        "## Counts",
        "",
        f"- rows (claim × annotator): {info['rows']}",
        f"- claims with at least one annotation: {info['claims_annotated']}",
        f"- articles: {info['articles']}",
        f"- annotators: {len(info['annotators'])}",
        f"- tasks without any annotation: {len(info['unannotated'])} (listed in `summary.json`)",
        f"- skipped (cancelled) annotations: {len(info['skipped'])} (listed in `summary.json`)",
        "",
        "## Label distribution",
        "",
    ]
    for f in schema.fields:
        if f.kind != "span":
            lines += _distribution(df, f)
    lines += [
        "## Splits",
        "",
        f"By article (no article in two splits), seed {seed}, target fractions "
        + ", ".join(f"{k} {v:.0%}" for k, v in DEFAULT_FRACTIONS.items()),
        "",
        "| split | articles | claims | rows |",
        "|---|---:|---:|---:|",
    ]
    for name, ds in dsd.items():
        lines.append(f"| {name} | {len(set(ds['article_id']))} | {len(set(ds['claim_id']))} | {ds.num_rows} |")
    lines += [
        "",
        "## Files and loading",
        "",
        "- `annotations.parquet`, `annotations.csv` (lists as JSON text): the tidy table",
        "- `dataset/`: `datasets.load_from_disk('dataset')`, choice fields as `ClassLabel` (-1 = no answer)",
        "- `summary.json`: counts, unannotated tasks and skipped annotations by claim id",
        "- `articles.jsonl`: the articles around the claims (claims format), as far as the tasks show them:",
        "  what `claimkit train --pull-dir` builds each claim's context from",
        "",
        "Columns: " + ", ".join(f"`{c}`" for c in df.columns),
        "",
    ]
    return "\n".join(lines)
