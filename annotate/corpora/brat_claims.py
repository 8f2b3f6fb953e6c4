"""BRAT attribution corpora (PolNeAR) as claimkit claims: split once, with gold labels per claim.

Used to bootstrap a Label Studio project with gold (``claimkit studio import-brat``), and by training
and evaluation, which share one on-disk cache of split claims.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimkit.annotate.corpora.brat import BratDocument, gold_labels, read_brat_corpus
from claimkit.annotate.errors import ClaimkitError, CorpusError
from claimkit.annotate.nlp import parse_articles
from claimkit.annotate.output import from_dict, to_dict
from claimkit.annotate.schema import Schema, data_dir
from claimkit.annotate.splitter import Granularity, split_and_label, split_parsed
from claimkit.annotate.types import SplitArticle

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.annotate.predictor import ParsedPredictor

CACHE_FORMAT = 1
DEFAULT_CACHE_DIR = Path("runs/cache")
BRAT_SPAN_TYPES: dict[str, str] = {"source": "Source", "cue": "Cue"}
"""Schema span field → the BRAT entity type that annotates it (PolNeAR's vocabulary)."""

BRAT_MODEL_VERSION = "brat-gold"
"""``model_version`` of BRAT gold labels pushed as predictions."""


def brat_split_articles(docs: Iterable[BratDocument], nlp: Language, schema: Schema) -> Iterator[SplitArticle]:
    """Split each BRAT article into claims and give each claim its gold labels (>= 50% content rule;
    source and cue spans from the attribution relation that covers most of the claim)."""
    docs = list(docs)
    for doc, item in zip(docs, split_and_label((d.article for d in docs), nlp), strict=True):
        yield item.with_claims(c.with_labels(gold_labels(doc, c.spans, schema)) for c in item.claims)


def select_articles(docs: Sequence[BratDocument], limit: int | None) -> list[BratDocument]:
    """At most ``limit`` documents, evenly spaced through the name-sorted list.

    PolNeAR file names start with the publisher, so the first N would all be Breitbart; spacing them
    out keeps a small run representative and is still deterministic.
    """
    if limit is None or limit >= len(docs):
        return list(docs)
    if limit <= 0:
        raise CorpusError(f"--limit must be a positive number of articles, not {limit}")
    return [docs[(i * len(docs)) // limit] for i in range(limit)]


def read_documents(corpus_dir: str | Path, split: str, limit: int | None = None) -> list[BratDocument]:
    docs = select_articles(list(read_brat_corpus(corpus_dir, split)), limit)
    if not docs:
        raise CorpusError(f"{Path(corpus_dir) / split}: no annotated articles found; check --polnear and --split")
    return docs


def _progress(iterable: Iterable[Any], desc: str, total_count: int | None, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, total=total_count, unit=" art", file=sys.stderr)


def split_documents(
    docs: Sequence[BratDocument],
    nlp: Language,
    granularity: Granularity = "clause",
    rule_predictors: Mapping[str, ParsedPredictor] | None = None,
    *,
    progress: bool = False,
    desc: str = "split",
) -> tuple[list[SplitArticle], dict[str, list[SplitArticle]], dict[str, float]]:
    """Parse and split documents once; rule predictors label from that same parse.

    Returns the unlabelled split articles, each rule predictor's labelled articles, and each rule
    predictor's labelling time (excluding the shared parse, which is the splitter's cost).
    """
    rule_predictors = rule_predictors or {}
    items: list[SplitArticle] = []
    labelled: dict[str, list[SplitArticle]] = {name: [] for name in rule_predictors}
    seconds = dict.fromkeys(rule_predictors, 0.0)
    parsed_stream = parse_articles((d.article for d in docs), nlp)
    for parsed in _progress(parsed_stream, desc, len(docs), progress):
        item = split_parsed(parsed, granularity)
        items.append(item)
        for name, predictor in rule_predictors.items():
            start = time.perf_counter()
            labelled[name].append(predictor.label_parsed(parsed, item))
            seconds[name] += time.perf_counter() - start
    return items, labelled, seconds


def claim_sources() -> list[Path]:
    """Every file whose content shapes split claims and their gold labels.

    All of ``claimkit.annotate`` except the Label Studio package: the loader, the parser wrapper, the
    splitter, the rules, the corpus readers and the gold rule (``brat.gold_labels``). A module that is
    listed but does not matter costs a cache miss; a module that matters but is missed would leave a
    stale cache behind, so the set is deliberately wide.
    """
    root = Path(__file__).resolve().parent.parent
    return sorted(p for p in root.rglob("*.py") if "studio" not in p.relative_to(root).parts)


def splitter_fingerprint(nlp: Language, granularity: str) -> str:
    """What the claims depend on: claimkit's version, the claim-shaping modules (``claim_sources``), the
    bundled data files (cue lexicons, schema), the spaCy pipeline and its version, the granularity."""
    from claimkit import __version__

    root = Path(__file__).resolve().parent.parent
    files = claim_sources() + sorted(p for p in data_dir().rglob("*") if p.is_file())
    h = hashlib.sha1(__version__.encode())
    for path in files:
        h.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        h.update(path.read_bytes())
    meta = getattr(nlp, "meta", {}) or {}
    h.update(
        f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}|{sorted(nlp.pipe_names)}|{granularity}".encode()
    )
    return h.hexdigest()


def _corpus_fingerprint(docs: Sequence[BratDocument]) -> str:
    h = hashlib.sha1()
    for d in docs:
        h.update(d.article.id.encode())
        h.update(hashlib.sha1(d.article.text.encode("utf-8")).digest())
    return h.hexdigest()


def cache_path(cache_dir: Path, split: str, docs: Sequence[BratDocument], nlp: Language, granularity: str) -> Path:
    key = hashlib.sha1(
        f"{CACHE_FORMAT}|{_corpus_fingerprint(docs)}|{splitter_fingerprint(nlp, granularity)}".encode()
    ).hexdigest()[:20]
    return cache_dir / f"claims-{split}-{len(docs)}-{key}.jsonl.gz"


def _write_cache(path: Path, items: Sequence[SplitArticle]) -> None:
    """Claims only: the article text is dropped (it stays in the read-only corpus) and checked by hash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.partial")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        for item in items:
            record = to_dict(item)
            record["text_sha1"] = hashlib.sha1(record.pop("text").encode("utf-8")).hexdigest()
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)  # concurrent runs may both write; each file appears whole


def _read_cache(path: Path, docs: Sequence[BratDocument]) -> list[SplitArticle] | None:
    """The cached split articles, or ``None`` when the file is missing, unreadable or out of step."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    except (OSError, EOFError, ValueError):
        return None
    if len(records) != len(docs):
        return None
    items = []
    for record, doc in zip(records, docs, strict=True):
        text = doc.article.text
        if (
            record.get("id") != doc.article.id
            or record.get("text_sha1") != hashlib.sha1(text.encode("utf-8")).hexdigest()
        ):
            return None
        record["text"] = text
        try:
            items.append(from_dict(record, origin=str(path)))
        except ClaimkitError:
            return None
    return items


def load_split_articles(
    docs: Sequence[BratDocument],
    split: str,
    nlp: Language,
    granularity: Granularity = "clause",
    *,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> tuple[list[SplitArticle], dict[str, Any]]:
    """Split articles through the on-disk cache when ``cache_dir`` is given (training claims for the
    baselines: splitting PolNeAR train takes minutes, and it only changes when the splitter does)."""
    path = cache_path(cache_dir, split, docs, nlp, granularity) if cache_dir is not None else None
    if path is not None and (cached := _read_cache(path, docs)) is not None:
        return cached, {"cache": str(path), "cache_hit": True}
    items, _, _ = split_documents(docs, nlp, granularity, progress=progress, desc=f"split {split}")
    if path is not None:
        _write_cache(path, items)
    return items, {"cache": str(path) if path else None, "cache_hit": False}
