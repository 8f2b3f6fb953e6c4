"""Reading PropSegmEnt (Chen et al.): sentences and their reference propositions as token sets.

PropSegmEnt segments Wikipedia sentences into propositions, each a (often discontinuous) set of
token indices. Tokens: every alphanumeric run, and every other non-space character on its own.
The corpus's metric lives in ``claimkit.models.evaluation.splitter``. Gold is the response flagged ``is_reference_response``; only
sentences that have one are scored. The released files name the field ``token_indices`` (the upstream
README says ``included_token_indices``); both are accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimkit.annotate.errors import CorpusError
from claimkit.annotate.types import Span

PROPSEGMENT_URL = "https://github.com/google-research-datasets/PropSegmEnt"

TOKEN_RE = re.compile(r"[^\W_]+|[^\s]", re.UNICODE)


@dataclass(frozen=True)
class GoldSentence:
    id: str
    text: str
    token_starts: tuple[int, ...]
    token_ends: tuple[int, ...]
    propositions: tuple[frozenset[int], ...]


def tokenize(text: str) -> list[tuple[int, int]]:
    """PropSegmEnt tokens as ``(start, end)`` character offsets."""
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def read_propsegment(corpus_dir: str | Path, split: str = "dev") -> Iterator[GoldSentence]:
    """Yield the sentences of ``split`` that carry text and a reference segmentation."""
    root = Path(corpus_dir)
    docs_path, props_path = root / f"document_clusters.{split}.json", root / f"propositions.{split}.json"
    if not root.is_dir():
        raise CorpusError(
            f"{root}: no such corpus folder; get PropSegmEnt from {PROPSEGMENT_URL} and pass the folder holding "
            "document_clusters.<split>.json and propositions.<split>.json"
        )
    for path in (docs_path, props_path):
        if not path.is_file():
            found = sorted(p.name.split(".")[1] for p in root.glob("propositions.*.json"))
            nested = sorted({str(p.parent) for p in root.rglob("propositions.*.json")})
            fix = (
                f"it has split(s) {', '.join(found)}: pass --split with one of them"
                if found
                else f"pass {nested[0]} instead"
                if nested
                else f"get PropSegmEnt from {PROPSEGMENT_URL} and pass the folder holding its .json files"
            )
            raise CorpusError(f"{path}: not found; {fix}")
    try:
        clusters = json.loads(docs_path.read_text(encoding="utf-8"))
        segmentations = json.loads(props_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{root}: malformed PropSegmEnt JSON ({exc})") from None
    sentences: dict[tuple[str, str, int], dict] = {}
    for cluster in clusters:
        for doc in cluster.get("documents", []):
            for index, sentence in enumerate(doc.get("sentences", [])):
                if "sentence_text" in sentence:  # news documents are masked upstream: no text
                    sentences[(str(cluster["cluster_id"]), str(doc["document_id"]), index)] = sentence
    for entry in segmentations:
        sid = entry["sentence_id"]
        key = (str(sid["cluster_id"]), str(sid["document_id"]), int(sid["sentence_index"]))
        sentence = sentences.get(key)
        reference = [r for r in entry.get("segmentation_responses", []) if r.get("is_reference_response")]
        if sentence is None or not reference:
            continue
        text = sentence["sentence_text"]
        starts = tuple(int(t["character_offset_of_token_in_sentence"]) for t in sentence["tokens"])
        ends = tuple(s + len(t["text"]) for s, t in zip(starts, sentence["tokens"], strict=True))
        props = tuple(
            frozenset(p.get("token_indices", p.get("included_token_indices", [])))
            for p in reference[0].get("propositions", [])
        )
        yield GoldSentence("/".join(map(str, key)), text, starts, ends, tuple(p for p in props if p))


def spans_to_tokens(sentence: GoldSentence, spans: Sequence[Span]) -> frozenset[int]:
    """Token indices whose characters lie inside ``spans`` (offsets relative to the sentence)."""
    return frozenset(
        i
        for i, (start, end) in enumerate(zip(sentence.token_starts, sentence.token_ends, strict=True))
        if any(s.start <= start and end <= s.end for s in spans)
    )
