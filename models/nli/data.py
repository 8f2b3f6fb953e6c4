"""Training data for the attribution model: claims as NLI pairs, built through the project's own splitter.

A pair is (premise, hypothesis, label): the claim, the text around it with the claim marked inside by
its character spans (``claim_spans``), and the schema's ``attribution`` value. Claims are packed into
windows that share one premise, so the encoder reads each premise once. Two sources, one row format
(``pair_features``): BRAT corpora (``build_brat_dataset``, gold by the >= 50% content rule) and labelled
claims or Label Studio pulls (``build_claims_dataset``). The design and its reasons: ``docs/model.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimkit.annotate.corpora.brat import BratDocument, gold_labels, read_brat_corpus
from claimkit.annotate.corpora.brat_claims import BRAT_SPAN_TYPES
from claimkit.annotate.dataset_splits import DEFAULT_FRACTIONS, split_by_article
from claimkit.annotate.errors import CorpusError, InputError
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.splitter import Granularity, split_articles
from claimkit.annotate.types import Claim, Label, Span, SplitArticle

if TYPE_CHECKING:
    import pandas as pd
    from datasets import DatasetDict, Features
    from spacy.language import Language

PARAGRAPH_MARK = "¶"
"""Shown in place of the first character of a paragraph break; in BERT-style vocabularies it is one token."""

UNLABELLED = -1
"""``label`` of a pair built for prediction (no gold); never used in training."""


@dataclass(frozen=True)
class WindowConfig:
    """How claims are grouped into shared premises. Stored with the model: prediction must build the same
    premises the model was trained on."""

    core_chars: int = 600
    """Claims are packed into one window while the text they cover stays within this many characters."""
    context_chars: int = 240
    """Neighbouring text on each side of the core, whole sentences where they fit, else cut at a space."""

    def __post_init__(self) -> None:
        if self.core_chars <= 0 or self.context_chars < 0:
            raise ValueError(f"window sizes must be positive, got core {self.core_chars}, context {self.context_chars}")

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Window:
    """One shared premise: the article text ``[start, end)`` and the indices of the claims scored on it."""

    start: int
    end: int
    claims: tuple[int, ...]


def attribution_labels(schema: Schema | None = None) -> list[str]:
    """The attribution values as the model's label list, ids as the schema defines them (``Field.label2id``)."""
    return list((schema or default_schema())["attribution"].value_names)


SPAN_TAGS: tuple[str, ...] = tuple(BRAT_SPAN_TYPES)
"""Span fields the token head can learn word by word from BRAT gold (``source``, ``cue``): its classes
beyond the claim labels, and the ``<tag>_spans`` columns of the pairs."""


def content_label_ids(schema: Schema | None = None) -> tuple[int, int]:
    """Token-head ids for (not content, content): the attribution field's negative and positive values.

    The token head shares the claim head's two labels: a word of reported content (PolNeAR *Content*)
    is labelled like an attributed claim.
    """
    field = (schema or default_schema())["attribution"]
    return field.label2id[field.negative], field.label2id[field.positive]


def pair_features(schema: Schema | None = None) -> Features:
    """Explicit column types (an empty split must not change the schema); ``label`` is a ClassLabel over
    the schema's attribution values."""
    from datasets import ClassLabel, Features, List, Value

    return Features(
        {
            "article_id": Value("string"),
            "publisher": Value("string"),
            "annotator": Value("string"),
            "claim_id": Value("string"),
            "window": Value("int32"),
            "premise": Value("string"),
            "hypothesis": Value("string"),
            "claim_spans": List(List(Value("int32"))),
            "label": ClassLabel(names=attribution_labels(schema)),
            "has_content": Value("bool"),
            "content_spans": List(List(Value("int32"))),
            **{f"{tag}_spans": List(List(Value("int32"))) for tag in SPAN_TAGS},
        }
    )


# --- premises ------------------------------------------------------------------------------------------------


def claim_extent(claim: Claim) -> Span:
    return Span(min(s.start for s in claim.spans), max(s.end for s in claim.spans))


def windows(item: SplitArticle, config: WindowConfig = WindowConfig()) -> list[Window]:
    """Group an article's claims into windows (claims in text order; every claim in exactly one window)."""
    order = sorted(range(len(item.claims)), key=lambda i: (claim_extent(item.claims[i]), i))
    cores: list[tuple[Span, list[int]]] = []
    for i in order:
        extent = claim_extent(item.claims[i])
        if cores:
            core, members = cores[-1]
            merged = Span(min(core.start, extent.start), max(core.end, extent.end))
            if len(merged) <= config.core_chars:
                cores[-1] = (merged, [*members, i])
                continue
        cores.append((extent, [i]))
    text = item.article.text
    return [
        Window(
            _left_edge(text, item.sentences, core.start, config.context_chars),
            _right_edge(text, item.sentences, core.end, config.context_chars),
            tuple(members),
        )
        for core, members in cores
    ]


def _left_edge(text: str, sentences: Sequence[Span], start: int, budget: int) -> int:
    """Start of the left context: the earliest sentence start within ``budget`` characters, else a space."""
    limit = max(0, start - budget)
    starts = [s.start for s in sentences if limit <= s.start < start]
    if starts:
        return min(starts)
    if limit == 0:
        return 0
    space = text.find(" ", limit, start)
    return start if space < 0 else space + 1


def _right_edge(text: str, sentences: Sequence[Span], end: int, budget: int) -> int:
    """End of the right context: the latest sentence end within ``budget`` characters, else a space."""
    limit = min(len(text), end + budget)
    ends = [s.end for s in sentences if end < s.end <= limit]
    if ends:
        return max(ends)
    if limit == len(text):
        return len(text)
    space = text.rfind(" ", end, limit)
    return end if space < 0 else space


def premise_text(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with each paragraph break (a blank line) starting with ``PARAGRAPH_MARK``.

    The replacement keeps the length, so offsets into the premise are article offsets minus ``start``.
    """
    piece = text[start:end]
    out = list(piece)
    i = piece.find("\n")
    while i >= 0:
        j = i
        while j < len(piece) and piece[j].isspace():
            j += 1
        if piece.count("\n", i, j) >= 2:
            out[i] = PARAGRAPH_MARK
        i = piece.find("\n", j)
    return "".join(out)


def article_pairs(
    item: SplitArticle,
    labels: Sequence[str | None] | None = None,
    config: WindowConfig = WindowConfig(),
    *,
    annotator: str = "",
    content: Sequence[Span] | None = None,
    roles: Mapping[str, Sequence[Span]] | None = None,
) -> Iterator[dict[str, Any]]:
    """The pairs of one split article, window by window; ``labels[i]`` is claim ``i``'s attribution value
    (``None``: no label, the claim is skipped but still context). Without ``labels`` every claim is kept
    with ``label=UNLABELLED`` (prediction).

    ``content``: the article's gold attributed-content spans where the source has them (BRAT corpora).
    They are copied into each premise (``content_spans``, premise offsets) so that training can also
    teach the model, token by token, which words are reported content: a denser signal than one label
    per claim, and the one the >= 50% gold rule is defined on. ``roles``: gold spans of the span tags
    (``source``, ``cue``), copied the same way into ``<tag>_spans``.
    """
    text = item.article.text

    def clipped(spans: Iterable[Span], window: Window) -> list[list[int]]:
        return [
            [max(s.start, window.start) - window.start, min(s.end, window.end) - window.start]
            for s in spans
            if s.start < window.end and window.start < s.end
        ]

    for w_index, window in enumerate(windows(item, config)):
        premise = premise_text(text, window.start, window.end)
        inside = clipped(content or (), window)
        role_spans = {f"{tag}_spans": clipped((roles or {}).get(tag, ()), window) for tag in SPAN_TAGS}
        for i in window.claims:
            claim = item.claims[i]
            label = UNLABELLED if labels is None else labels[i]
            if label is None:
                continue
            yield {
                "article_id": item.article.id,
                "publisher": str(item.article.metadata.get("publisher", "")),
                "annotator": annotator,
                "claim_id": claim.id,
                "window": w_index,
                "premise": premise,
                "hypothesis": claim.text,
                "claim_spans": [[s.start - window.start, s.end - window.start] for s in claim.spans],
                "label": label,
                "has_content": content is not None,
                "content_spans": inside,
                **role_spans,
            }


# --- datasets ------------------------------------------------------------------------------------------------


def _dataset_dict(rows_by_split: Mapping[str, list[dict[str, Any]]], schema: Schema | None) -> DatasetDict:
    import pandas as pd
    from datasets import Dataset, DatasetDict

    features = pair_features(schema)
    label_ids = {name: i for i, name in enumerate(features["label"].names)}
    out = {}
    for split, rows in rows_by_split.items():
        frame = pd.DataFrame([{**r, "label": label_ids[r["label"]]} for r in rows], columns=list(features))
        out[split] = Dataset.from_pandas(frame, features=features, preserve_index=False)
    return DatasetDict(out)


def brat_pairs(
    docs: Iterable[BratDocument],
    nlp: Language,
    granularity: Granularity = "clause",
    config: WindowConfig = WindowConfig(),
    schema: Schema | None = None,
    *,
    split: str = "",
    cache_dir: str | Path | None = None,
) -> Iterator[dict[str, Any]]:
    """Pairs of BRAT documents: each document's article through ``annotate.split``, gold by the 50% rule.

    With ``cache_dir`` the split claims come from (and go to) the evaluation's claims cache
    (``claimkit.annotate.corpora.brat_claims.load_split_articles``, keyed by the corpus and the splitter's code), so training
    and ``claimkit eval attribution`` share one spaCy pass over the corpus.
    """
    docs = list(docs)
    if cache_dir is not None:
        from claimkit.annotate.corpora.brat_claims import load_split_articles

        items, _ = load_split_articles(docs, split, nlp, granularity, cache_dir=Path(cache_dir))
    else:
        items = list(split_articles((d.article for d in docs), nlp, granularity))
    for doc, item in zip(docs, items, strict=True):
        gold = [str(gold_labels(doc, c.spans, schema)["attribution"].value) for c in item.claims]
        roles = {tag: doc.spans_of(BRAT_SPAN_TYPES[tag]) for tag in SPAN_TAGS}
        yield from article_pairs(
            item, gold, config, annotator=doc.annotator, content=doc.spans_of("Content"), roles=roles
        )


def build_brat_dataset(
    corpus_dir: str | Path,
    nlp: Language,
    *,
    split: str = "train",
    validation_fraction: float = 0.1,
    eval_splits: Sequence[str] = (),
    granularity: Granularity = "clause",
    config: WindowConfig = WindowConfig(),
    max_articles: int | None = None,
    seed: int = 13,
    schema: Schema | None = None,
    cache_dir: str | Path | None = None,
) -> DatasetDict:
    """A ``DatasetDict`` from a PolNeAR-layout corpus: ``train`` and ``validation`` carved out of the
    corpus split ``split`` by article (validation drives early stopping and calibration, so the corpus's
    own dev split stays unseen), plus each of ``eval_splits`` (e.g. ``dev``) whole, under its own name.

    ``max_articles`` keeps N articles of each split, spread evenly over the name-sorted (publisher-
    sorted) list, the same choice as ``claimkit eval attribution --limit`` (for CI). ``cache_dir``: see
    ``brat_pairs``.
    """
    docs = _limit(list(read_brat_corpus(corpus_dir, split)), max_articles)
    if not docs:
        raise CorpusError(f"{Path(corpus_dir) / split}: no annotated articles; check the corpus path and split")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be between 0 and 1, got {validation_fraction}")
    assignment = split_by_article(
        (d.article.id for d in docs), {"train": 1 - validation_fraction, "validation": validation_fraction}, seed=seed
    )
    rows: dict[str, list[dict[str, Any]]] = {"train": [], "validation": []}
    for row in brat_pairs(docs, nlp, granularity, config, schema, split=split, cache_dir=cache_dir):
        rows[assignment[row["article_id"]]].append(row)
    for name in eval_splits:
        eval_docs = _limit(list(read_brat_corpus(corpus_dir, name)), max_articles)
        rows[name] = list(brat_pairs(eval_docs, nlp, granularity, config, schema, split=name, cache_dir=cache_dir))
    return _dataset_dict(rows, schema)


def _limit(docs: list[BratDocument], n: int | None) -> list[BratDocument]:
    """At most ``n`` documents spaced evenly through the name-sorted list (names start with the publisher)."""
    if n is None or n >= len(docs):
        return docs
    return [docs[(i * len(docs)) // n] for i in range(n)]


def build_claims_dataset(
    items: Iterable[SplitArticle],
    *,
    fractions: Mapping[str, float] | None = None,
    assignment: Mapping[str, str] | None = None,
    config: WindowConfig = WindowConfig(),
    seed: int = 13,
    schema: Schema | None = None,
) -> DatasetDict:
    """A ``DatasetDict`` from labelled split articles (claims JSONL, or ``claimkit pull`` output read by
    ``read_pull_output``): claims without an ``attribution`` label are context only. Split by article,
    80/10/10 into train/validation/test unless ``fractions`` says otherwise, or exactly as ``assignment``
    (article id → split) says: a pull's own split, so its test articles are never trained on."""
    schema = schema or default_schema()
    field = schema["attribution"]
    items = list(items)
    if assignment is None:
        fractions = dict(fractions or DEFAULT_FRACTIONS)
        assignment = split_by_article((i.article.id for i in items), fractions, seed=seed)
    else:
        unassigned = sorted({i.article.id for i in items} - set(assignment))
        if unassigned:
            raise InputError(f"articles {unassigned[:3]} have no split in the pull; pull again with this claimkit")
        fractions = {name: 0.0 for name in dict.fromkeys([*DEFAULT_FRACTIONS, *assignment.values()])}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in fractions}
    for item in items:
        labels: list[str | None] = []
        for claim in item.claims:
            label = claim.labels.get("attribution")
            if label is not None and label.value is not None:
                field.check_value(label.value)
            labels.append(None if label is None or label.value is None else str(label.value))
        rows[assignment[item.article.id]].extend(article_pairs(item, labels, config, annotator=_annotator(item)))
    if not any(rows.values()):
        raise InputError(
            "no claim carries an attribution label; annotate some claims in Label Studio and pull them first"
        )
    return _dataset_dict(rows, schema)


def _annotator(item: SplitArticle) -> str:
    return str(item.article.metadata.get("annotator", ""))


def read_labelled_claims(path: str | Path) -> list[SplitArticle]:
    """Labelled split articles from a claims JSONL file (``claimkit split`` format, claims carrying an
    ``attribution`` label, e.g. reviewed in Label Studio)."""
    from claimkit.annotate.output import read_jsonl

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such claims file; write one with `claimkit split` or `claimkit pull`")
    with path.open(encoding="utf-8") as fh:
        return list(read_jsonl(fh, origin=str(path)))


def read_articles(
    paths: Sequence[str | Path], nlp: Language, granularity: Granularity = "clause"
) -> list[SplitArticle]:
    """The split articles a pull refers to: a ``claimkit split`` JSONL as written (its claims and
    sentences as pushed), or article files split again with the project's splitter."""
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.output import FORMAT

    files = [Path(p) for p in paths]
    if len(files) == 1 and files[0].suffix == ".jsonl" and files[0].is_file():
        with files[0].open(encoding="utf-8") as fh:
            first = fh.readline()
        if f'"{FORMAT}"' in first:
            return read_labelled_claims(files[0])
    return list(split_articles(load_articles(files), nlp, granularity))


TIE_RULES = ("drop", "latest")
"""What training does with a claim whose annotators' top answers tie: leave it out, or take the latest answer."""


def read_pull_articles(pull_dir: str | Path) -> list[SplitArticle]:
    """The articles a pull carries (``articles.jsonl``, written by ``claimkit pull``): the claims' context."""
    from claimkit.annotate.annotations import ARTICLES_FILE

    path = Path(pull_dir) / ARTICLES_FILE
    if not path.is_file():
        raise InputError(
            f"{pull_dir}: no {ARTICLES_FILE} (pulled by an older claimkit); pull again with this claimkit, "
            "or give the pushed articles with --articles-path"
        )
    return read_labelled_claims(path)


def _latest_first(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows newest first: by ``updated_at``, then ``created_at``, then ``annotation_id`` where the table has them."""
    keys = [c for c in ("updated_at", "created_at", "annotation_id") if c in rows.columns]
    return rows.sort_values(keys, ascending=False, kind="stable") if keys else rows.iloc[::-1]


def resolve_claim_label(rows: pd.DataFrame, ties: str = "drop") -> tuple[str | None, float, str]:
    """One claim's attribution value from its annotations (rows of a pull table), by claimkit's rule:

    1. each annotator counts once, with their latest annotation of the claim;
    2. a claim that more than half of them mark *not a claim* is left out (``"not_a_claim"``);
    3. of the others, each answer is a vote; no answer at all leaves the claim out (``"unanswered"``);
    4. the value with most votes wins (``"claims"``); when the top values tie (``"ties"``) the claim is
       left out (``ties="drop"``) or takes the value of the latest answer among them (``ties="latest"``).

    Returns (value or ``None``, share of the votes the value got, outcome). Documented for annotators
    and researchers in ``docs/annotation-loop.md``.
    """
    import pandas as pd

    if ties not in TIE_RULES:
        raise ValueError(f"ties={ties!r}: use one of {', '.join(TIE_RULES)}")
    newest = _latest_first(rows)
    if "annotator" in newest.columns:
        newest = newest.drop_duplicates("annotator", keep="first")
    if newest["not_a_claim"].astype(bool).sum() * 2 > len(newest):
        return None, 0.0, "not_a_claim"
    answers = [
        str(v)
        for v, bad in zip(newest["attribution"], newest["not_a_claim"], strict=True)
        if not bad and not pd.isna(v)
    ]  # newest first
    if not answers:
        return None, 0.0, "unanswered"
    votes = Counter(answers)
    top = max(votes.values())
    leaders = [v for v, n in votes.items() if n == top]
    if len(leaders) == 1:
        return leaders[0], top / len(answers), "claims"
    if ties == "drop":
        return None, 0.0, "ties"
    value = next(a for a in answers if a in leaders)
    return value, top / len(answers), "ties"


def read_pull_output(
    pull_dir: str | Path,
    articles: Iterable[SplitArticle] | None = None,
    schema: Schema | None = None,
    *,
    ties: str = "drop",
) -> tuple[list[SplitArticle], dict[str, int], dict[str, str]]:
    """Label Studio annotations (``claimkit pull`` output: ``annotations.parquet``, one row per claim ×
    annotator) joined to the articles they were made on, as labelled split articles.

    ``articles``: the split articles that were pushed (the ``claimkit split`` JSONL, or the articles
    split again: sentences and paragraphs only serve as context); by default the articles the pull
    itself carries (``articles.jsonl``: every paragraph that holds a claim, at its offsets). The
    annotated claims keep the spans they were annotated on, even if the splitter has changed since.
    Several annotators: the team gold ``claimkit adjudicate`` decided (``gold_*`` columns; counted as
    ``gold``) wins; without it ``resolve_claim_label`` (majority; ties left out or, with ``ties="latest"``,
    resolved by the latest answer). Returns the articles that have at least one labelled claim, counts
    of every outcome (``claims`` used; ``ties`` — used under ``latest``, left out under ``drop``;
    ``not_a_claim``, ``unanswered`` and ``unknown_article`` left out), and the pull's own article split
    (``annotate.annotations.article_splits``).
    """
    import pandas as pd

    from claimkit.annotate.adjudication import claim_gold
    from claimkit.annotate.annotations import article_splits

    schema = schema or default_schema()
    path = Path(pull_dir) / "annotations.parquet"
    if not path.is_file():
        raise InputError(f"{pull_dir}: no annotations.parquet; run `claimkit pull --out {pull_dir}` first")
    frame = pd.read_parquet(path)
    missing = {
        "article_id",
        "claim_id",
        "claim_text",
        "claim_spans",
        "sentence",
        "paragraph",
        "attribution",
        "not_a_claim",
    } - set(frame.columns)
    if missing:
        raise InputError(
            f"{path}: not a claimkit pull table (missing columns {sorted(missing)}); pull again with this claimkit"
        )
    by_article = {item.article.id: item for item in (read_pull_articles(pull_dir) if articles is None else articles)}
    counts = {"claims": 0, "gold": 0, "ties": 0, "not_a_claim": 0, "unanswered": 0, "unknown_article": 0}
    labelled: dict[str, list[Claim]] = {}
    for claim_id, rows in frame.groupby("claim_id", sort=True):
        first = rows.iloc[0]
        if first["article_id"] not in by_article:
            counts["unknown_article"] += 1
            continue
        gold = claim_gold(rows)  # adjudicated (or unanimous/majority) team gold first, when the pull has it
        value: str | None
        if gold is not None:
            value, share, outcome = str(gold[0]), 1.0, "gold"
        else:
            value, share, outcome = resolve_claim_label(rows, ties)
        counts[outcome] += 1
        if value is None:
            continue
        if outcome != "claims":
            counts["claims"] += 1
        schema["attribution"].check_value(value)
        spans = tuple(Span(int(a), int(b)) for a, b in first["claim_spans"])
        labelled.setdefault(str(first["article_id"]), []).append(
            Claim(
                str(claim_id),
                str(first["article_id"]),
                str(first["claim_text"]),
                spans,
                int(first["sentence"]),
                int(first["paragraph"]),
                {"attribution": Label(value, share)},
            )
        )
    if not labelled:
        raise InputError(
            f"{pull_dir}: no usable attribution answer for the given articles ({counts}); check that the articles are those pushed"
        )
    items = [
        by_article[a].with_claims(sorted(claims, key=lambda c: (c.spans, c.id)))
        for a, claims in sorted(labelled.items())
    ]
    return items, counts, article_splits(frame)


def dataset_fingerprint(rows: Iterable[Mapping[str, Any]]) -> str:
    """A short hash of the pairs (premise, hypothesis, label), recorded in the model card."""
    h = hashlib.sha1()
    for r in rows:
        h.update(json.dumps([r["premise"], r["hypothesis"], r["claim_spans"], r["label"]], ensure_ascii=False).encode())
    return h.hexdigest()[:12]
