"""Reading BRAT standoff attribution corpora (PolNeAR and corpora annotated the same way).

A ``.ann`` file lists text-bound entities (``T12\tSource 10 25\tthe spokesman``; discontinuous spans
as ``10 15;20 25``) and events that link them (``E3\tAttribution:T4 Content:T3 Cue:T2 Source:T1``).
A few span texts contain newlines, so an entry can continue on the following lines of the file: such
continuation lines are folded back into the entry they belong to.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from claimkit.annotate.errors import CorpusError
from claimkit.annotate.load import decode_text
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.types import Article, Label, Span, merge_spans

_ENTRY_RE = re.compile(r"^([TEARMN#*]\d*)\t")
_ENTITY_RE = re.compile(r"^(?P<type>[^\s]+) (?P<offsets>\d+ \d+(?:;\d+ \d+)*)$")


@dataclass(frozen=True)
class Entity:
    """A text-bound annotation: a type (Source, Cue, Content, ...) over one or more spans."""

    id: str
    type: str
    spans: tuple[Span, ...]
    text: str


@dataclass(frozen=True)
class Attribution:
    """One attribution relation: the content and, where annotated, its source and cue."""

    id: str
    contents: tuple[Entity, ...]
    source: Entity | None
    cue: Entity | None


@dataclass(frozen=True)
class BratDocument:
    """An article and one annotator's attributions on it."""

    article: Article
    annotator: str
    entities: dict[str, Entity] = field(hash=False)
    attributions: tuple[Attribution, ...] = ()

    def spans_of(self, role: str) -> tuple[Span, ...]:
        """Merged character spans of every entity of a type, e.g. all gold ``Content``."""
        return merge_spans(s for e in self.entities.values() if e.type == role for s in e.spans)

    @cached_property
    def content_chars(self) -> frozenset[int]:
        """Non-space character positions of all gold Content (computed once per document)."""
        return frozenset(nonspace_positions(self.article.text, self.spans_of("Content")))

    @cached_property
    def attribution_content_chars(self) -> tuple[frozenset[int], ...]:
        """Non-space content positions of each attribution relation, in ``attributions`` order."""
        text = self.article.text
        return tuple(
            frozenset(nonspace_positions(text, (s for c in a.contents for s in c.spans))) for a in self.attributions
        )


def parse_ann(ann_text: str, text: str, origin: str = "<ann>") -> tuple[dict[str, Entity], tuple[Attribution, ...]]:
    """Parse the content of an ``.ann`` file against its article ``text``."""
    entries: list[str] = []
    for line in ann_text.split("\n"):
        if _ENTRY_RE.match(line) or not entries:
            if line.strip():
                entries.append(line)
        else:  # a span text that crossed a newline: this line belongs to the previous entry
            entries[-1] += "\n" + line
    entities: dict[str, Entity] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for entry in entries:
        parts = entry.split("\t")
        ident = parts[0]
        if ident.startswith("T"):
            if len(parts) < 2 or not (m := _ENTITY_RE.match(parts[1])):
                raise CorpusError(f"{origin}: malformed entity line {entry[:60]!r}")
            spans = []
            for piece in m["offsets"].split(";"):
                start, end = (int(x) for x in piece.split())
                if end > len(text) or start > end:
                    raise CorpusError(f"{origin}: {ident} offsets {start}-{end} lie outside the article text")
                spans.append(Span(start, end))
            entities[ident] = Entity(ident, m["type"], tuple(spans), " ".join(text[s.start : s.end] for s in spans))
        elif ident.startswith("E") and len(parts) >= 2:
            roles = [(role, target) for role, target in (arg.split(":", 1) for arg in parts[1].split() if ":" in arg)]
            events.append((ident, roles))
    attributions = []
    for ident, roles in events:
        contents, source, cue = [], None, None
        for role, target in roles:
            entity = entities.get(target)
            if entity is None:
                continue
            if role.startswith("Content"):
                contents.append(entity)
            elif role == "Source":
                source = entity
            elif role == "Cue":
                cue = entity
        attributions.append(Attribution(ident, tuple(contents), source, cue))
    return entities, tuple(attributions)


def read_metadata(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """``metadata.tsv`` rows keyed by file name (empty when the corpus has no metadata file)."""
    path = corpus_dir / "metadata.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}


def read_brat_corpus(
    corpus_dir: str | Path, split: str | None = None, *, all_annotators: bool = False
) -> Iterator[BratDocument]:
    """Yield the documents of a BRAT corpus laid out as PolNeAR: ``<split>/text/NAME.txt`` and
    ``<split>/attributions/NAME_ANNOTATOR.ann``.

    ``split=None`` reads ``corpus_dir`` itself as the split directory. Articles with several
    annotators yield only the first annotator (sorted by id) unless ``all_annotators`` is set, so
    evaluation counts every article once.
    """
    root = Path(corpus_dir)
    split_dir = root / split if split else root
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise CorpusError(_layout_problem(root, split))
    metadata = read_metadata(root) or read_metadata(split_dir)
    anns: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        name, _, annotator = ann.stem.rpartition("_")
        anns.setdefault(name, []).append(ann)
    for txt in sorted(text_dir.glob("*.txt")):
        files = anns.get(txt.stem, [])
        if not files:
            continue
        text = decode_text(txt.read_bytes(), str(txt))
        meta = {
            k: v
            for k, v in metadata.get(txt.stem, {}).items()
            if k in ("publisher", "publication_date", "author", "title")
        }
        article = Article(id=txt.stem, text=text, metadata=meta)
        for ann in files if all_annotators else files[:1]:
            entities, attributions = parse_ann(ann.read_text(encoding="utf-8"), text, origin=str(ann))
            yield BratDocument(article, ann.stem.rpartition("_")[2], entities, attributions)


POLNEAR_URL = "https://github.com/networkdynamics/polnear"


def _layout_problem(root: Path, split: str | None) -> str:
    """One line saying what is wrong with a BRAT corpus folder and how to fix it."""
    layout = "<corpus>/<split>/text/NAME.txt and <corpus>/<split>/attributions/NAME_ANNOTATOR.ann"
    if not root.exists():
        return (
            f"{root}: no such corpus folder; get PolNeAR from {POLNEAR_URL} and pass the folder holding its "
            "train/ and dev/ split folders"
        )
    if not root.is_dir():
        return f"{root}: not a folder; pass the corpus folder holding the split folders (train/, dev/)"
    splits = sorted(p.name for p in root.iterdir() if (p / "text").is_dir() and (p / "attributions").is_dir())
    if splits:
        if split is None:
            return f"{root}: holds split folders ({', '.join(splits)}); choose one with --split"
        return f"{root}: has no split {split!r} (it has {', '.join(splits)}); pass one of those"
    nested = sorted(
        str(p.relative_to(root))
        for p in root.glob("*/*")
        if p.is_dir() and (p / "text").is_dir() and (p / "attributions").is_dir()
    )
    if nested:
        return f"{root}: the splits lie one level down ({', '.join(nested)}); pass {root / nested[0].split('/')[0]}"
    return f"{root}: not a BRAT corpus in PolNeAR's layout ({layout}); get PolNeAR from {POLNEAR_URL}"


GOLD_CONTENT_THRESHOLD = 0.5
"""A claim is gold ATTRIBUTED when at least this share of its non-space characters is gold Content."""


def nonspace_positions(text: str, spans: Iterable[Span]) -> set[int]:
    """Character positions under ``spans`` that are not whitespace (the unit of all char-level scores)."""
    return {i for s in spans for i in range(s.start, s.end) if not text[i].isspace()}


def gold_labels(doc: BratDocument, claim_spans: Sequence[Span], schema: Schema | None = None) -> dict[str, Label]:
    """Gold sourcing labels of a claim from a BRAT document, by the >= 50% content rule.

    ``attribution`` is attributed when >= 50% of the claim's non-space characters are gold Content.
    ``source`` and ``cue`` come from the attribution relation whose Content covers most of the claim
    (``Label(None, 1.0)`` when that relation has none, or the claim is asserted).
    """
    schema = schema or default_schema()
    asserted, attributed = schema["attribution"].negative, schema["attribution"].positive
    claim_chars = nonspace_positions(doc.article.text, claim_spans)
    share = len(claim_chars & doc.content_chars) / len(claim_chars) if claim_chars else 0.0
    is_attributed = share >= GOLD_CONTENT_THRESHOLD
    labels: dict[str, Label] = {"attribution": Label(attributed if is_attributed else asserted, 1.0)}
    best: Attribution | None = None
    if is_attributed:
        overlaps = [
            (len(claim_chars & chars), a)
            for chars, a in zip(doc.attribution_content_chars, doc.attributions, strict=True)
        ]
        overlap, candidate = max(overlaps, key=lambda pair: pair[0], default=(0, None))
        best = candidate if overlap > 0 else None
    for name, entity in (("source", best.source if best else None), ("cue", best.cue if best else None)):
        labels[name] = Label(entity.text if entity else None, 1.0, entity.spans if entity else ())
    return labels
