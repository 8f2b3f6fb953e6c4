"""Prediction with a trained attribution model: batching, calibrated scores, reduced precision.

``NLIPredictor`` implements ``annotate.predictor.Predictor`` for the ``attribution`` field; it is what
``claimkit split --predictor MODEL_DIR``, ``claimkit push --predictor MODEL_DIR`` and ``claimkit eval
attribution --predictor MODEL_DIR`` run (through ``models.predict.load_predictor``, which pairs it with
the rules for the other fields: ``ModelWithRules``).

Speed, in the order it matters on a CPU:

1. one encoder pass per premise, shared by the ~6 claims marked in it (``models.nli``);
2. premises sorted by token length and cut into fixed-size batches, each padded only to its own
   longest premise (dynamic padding), under ``torch.inference_mode``;
3. reduced precision: ``bf16`` (fast on CPUs with AMX / AVX512-BF16, batch-independent) or ``int8``
   (torch dynamic quantization of the Linear layers). ``int8`` quantizes activations with one scale per
   batch tensor, so a claim's score depends on which premises share its batch: batches are therefore
   built deterministically (length, then input order), and the same input always gives the same
   output. Neither is used by ``precision="auto"`` unless its agreement with fp32 was measured on the
   validation split at training time (``precision.json``) and reached ``MIN_AGREEMENT``.

Scores are calibrated: logits are divided by the temperature fitted on validation (``calibration.json``)
before the softmax, so a score of 0.8 is right about 80% of the time and Label Studio can order tasks
by uncertainty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claimkit.annotate.errors import ModelError
from claimkit.annotate.frames import lexicon
from claimkit.annotate.predictor import ParsedPredictor, Predictor, SourceDescriber
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.types import Claim, Label, Span, SplitArticle, merge_spans
from claimkit.models.nli.calibration import CALIBRATION_FILE, softmax
from claimkit.models.nli.data import Window, attribution_labels, claim_extent, content_label_ids, premise_text, windows
from claimkit.models.nli.model import (
    DEFAULT_BATCH_SIZE,
    ClaimScorer,
    EncodedWindow,
    NLIMeta,
    check_labels,
    encode_windows,
    load_tokenizer,
    quiet_transformers,
    read_json,
)
from claimkit.models.nli.precision import prepare_model, resolve_precision
from claimkit.models.nli.roles import attach_mentions

DESCRIBED_SPANS = frozenset({"source"})
"""Span fields other labels are decided on: the rules type and resolve the source mention they found, so
``ModelWithRules`` keeps the rules' source wherever they found one (the type must describe that mention)."""

if TYPE_CHECKING:
    from claimkit.annotate.nlp import ParsedArticle


def content_spans(
    text: str,
    starts: np.ndarray,
    ends: np.ndarray,
    in_core: np.ndarray,
    is_content: np.ndarray,
    excluded: Sequence[Span] = (),
) -> tuple[Span, ...]:
    """Article spans the token head marks as attributed content.

    One entry per token of every premise of the article: its characters ``[starts, ends)``, whether it
    lies in its premise's core (the claims, not the context), and the head's verdict. Premises overlap
    (one premise's context is the next one's core), so where they disagree the premise that holds the
    character in its core wins: that is where the model read it with context on both sides; between
    equals, the earlier token wins. Blanks between marked tokens are bridged, and ``excluded``
    metadata never counts. Vectorized: it runs on every token the model reads.
    """
    verdict = np.zeros(len(text), dtype=bool)
    lengths = (ends - starts).astype(np.int64)
    if len(lengths) and lengths.sum() > 0:
        n = len(lengths)
        token = np.repeat(np.arange(n), lengths)
        first_char = np.repeat(np.cumsum(lengths) - lengths, lengths)
        position = starts[token] + (np.arange(len(token)) - first_char)
        key = in_core[token].astype(np.int64) * n + (n - 1 - token)  # higher rank first, then earlier token
        best = np.full(len(text), -1, dtype=np.int64)
        np.maximum.at(best, position, key)
        seen = best >= 0
        verdict[seen] = is_content[(n - 1) - best[seen] % n]
    for span in excluded:
        verdict[span.start : span.end] = False
    runs = np.flatnonzero(np.diff(np.concatenate(([0], verdict.view(np.int8), [0]))))
    pieces = (Span(int(a), int(b)) for a, b in zip(runs[::2], runs[1::2], strict=True))
    return tuple(_strip(text, span) for span in merge_spans(pieces, text) if text[span.start : span.end].strip())


def _concat(parts: Sequence[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-premise token arrays of one article → one array per field (empty arrays for no premise)."""
    if not parts:
        return (
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=bool),
            np.zeros(0, dtype=bool),
        )
    starts, ends, in_core, verdict = (np.concatenate(field) for field in zip(*parts, strict=True))
    return starts, ends, in_core, verdict


def _strip(text: str, span: Span) -> Span:
    piece = text[span.start : span.end]
    start = span.start + len(piece) - len(piece.lstrip())
    return Span(start, max(start, span.start + len(piece.rstrip())))


def marked_in(content: Sequence[Span], claim_spans: Sequence[Span]) -> tuple[Span, ...]:
    """The words of a claim that the model marks as reported content: the evidence of its attribution
    label, which Label Studio shows as a "Reported content" region ("wants *to preserve its policy*")."""
    pieces = (
        Span(max(c.start, s.start), min(c.end, s.end))
        for c in content
        for s in claim_spans
        if min(c.end, s.end) > max(c.start, s.start)
    )
    return merge_spans(pieces)


# --- the predictor -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What one encoder pass over an article yields (``NLIPredictor.analyse``)."""

    probs: np.ndarray  # (claims, labels) calibrated claim probabilities in the model's label order
    content: tuple[Span, ...]  # words the token head marks as reported content
    mentions: Mapping[str, tuple[Span, ...]]  # span tag (source, cue) → the mentions the token head marks


class NLIPredictor:
    """The trained attribution model as a ``Predictor`` (field ``attribution`` only).

    ``precision``: ``auto`` (default; see ``resolve_precision``), ``fp32``, ``bf16`` or ``int8``.
    torch's thread count is a process-wide setting, so it is never changed here: the command line sets
    it once (``--threads``), before loading any predictor.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        precision: str = "auto",
        batch_size: int = DEFAULT_BATCH_SIZE,
        schema: Schema | None = None,
    ) -> None:
        from transformers import AutoModelForTokenClassification

        quiet_transformers()
        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise ModelError(f"{model_dir}: no such model directory; train one with `claimkit train`")
        self.meta = NLIMeta.load(self.model_dir)
        self.schema = schema or default_schema()
        self.labels = attribution_labels(self.schema)
        self.content_id = content_label_ids(self.schema)[1]  # also the id of an attributed claim (same label)
        if list(self.meta.labels) != self.labels:
            raise ModelError(
                f"{model_dir}: trained for attribution values {list(self.meta.labels)}, the schema has {self.labels}; "
                "retrain with this schema"
            )
        self.tokenizer = load_tokenizer(str(self.model_dir))
        try:
            model = AutoModelForTokenClassification.from_pretrained(self.model_dir)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{model_dir}: cannot load the model weights ({exc}); retrain or restore the folder"
            ) from None
        check_labels(model, self.meta.model_labels, str(model_dir))
        self.precision = resolve_precision(precision, self.model_dir)
        calibration = read_json(self.model_dir, CALIBRATION_FILE) or {}
        self.temperature = float(calibration.get("temperature", 1.0))
        self.scorer = ClaimScorer(
            prepare_model(model, self.precision), self.tokenizer.pad_token_id or 0, batch_size, len(self.labels)
        )
        self.model_version = self.meta.model_version + ("" if self.precision == "fp32" else f"-{self.precision}")
        self.role_ids = {tag: len(self.labels) + i for i, tag in enumerate(self.meta.span_tags)}
        self.fields = frozenset({self.meta.schema_field, *self.meta.span_tags})

    def encode(self, items: Sequence[SplitArticle]) -> tuple[list[EncodedWindow], list[tuple[int, Window]]]:
        """Premises of all articles, encoded, and for each premise (article index, its window)."""
        premises: list[str] = []
        spans: list[list[list[list[int]]]] = []
        where: list[tuple[int, Window]] = []
        for a, item in enumerate(items):
            text = item.article.text
            for window in windows(item, self.meta.window):
                premises.append(premise_text(text, window.start, window.end))
                spans.append(
                    [
                        [[s.start - window.start, s.end - window.start] for s in item.claims[c].spans]
                        for c in window.claims
                    ]
                )
                where.append((a, window))
        return encode_windows(self.tokenizer, premises, spans, self.meta.max_length), where

    def analyse(self, items: Sequence[SplitArticle]) -> list[Analysis]:
        """Per article: calibrated claim probabilities, the spans the token head marks as attributed
        content (``content_spans``), and the source and cue mentions it marks (span tags, if trained).

        All come from the same encoder pass. The content spans are the model's character-level answer
        (PolNeAR's Content): unlike the claims they may cover part of a claim, or words outside every claim.
        """
        encoded, where = self.encode(items)
        probs = [np.zeros((len(item.claims), len(self.labels)), dtype=np.float32) for item in items]
        tokens: list[list[tuple[np.ndarray, ...]]] = [[] for _ in items]
        roles: dict[str, list[list[tuple[np.ndarray, ...]]]] = {tag: [[] for _ in items] for tag in self.role_ids}
        for (a, window), enc, (claim_logit, token_logit) in zip(
            where, encoded, self.scorer.forward(encoded), strict=True
        ):
            probs[a][list(window.claims)] = softmax(claim_logit, self.temperature)
            core = [claim_extent(items[a].claims[c]) for c in window.claims]
            offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2) + window.start
            real = offsets[:, 1] > offsets[:, 0]  # not the start/end tokens
            starts, ends = offsets[real, 0], offsets[real, 1]
            in_core = (starts >= min(s.start for s in core)) & (ends <= max(s.end for s in core))
            verdict = token_logit.argmax(-1)[real]
            tokens[a].append((starts, ends, in_core, verdict == self.content_id))
            for tag, role_id in self.role_ids.items():
                roles[tag][a].append((starts, ends, in_core, verdict == role_id))
        return [
            Analysis(
                probs=p,
                content=content_spans(item.article.text, *_concat(t), excluded=item.article.excluded),
                mentions={
                    tag: content_spans(item.article.text, *_concat(per_article[a]), excluded=item.article.excluded)
                    for tag, per_article in roles.items()
                },
            )
            for a, (item, p, t) in enumerate(zip(items, probs, tokens, strict=True))
        ]

    def probabilities(self, items: Sequence[SplitArticle]) -> list[np.ndarray]:
        """Per article, a (claims, labels) array of calibrated probabilities in ``self.labels`` order."""
        return [analysis.probs for analysis in self.analyse(items)]

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Each claim labelled with the model's attribution; each article given its ``attributed_content``
        when the model was trained to mark content (``NLIMeta.marks_content``)."""
        results = []
        attributed = self.content_id
        for item, analysis in zip(items, self.analyse(items), strict=True):
            best = analysis.probs.argmax(-1)
            wanted = [int(b) == attributed for b in best]
            attached = {tag: attach_mentions(item, mentions, wanted) for tag, mentions in analysis.mentions.items()}
            claims = []
            for i, (claim, p) in enumerate(zip(item.claims, analysis.probs, strict=True)):
                marked = marked_in(analysis.content, claim.spans) if self.meta.marks_content else ()
                value = Label(self.labels[int(best[i])], float(p[best[i]]), marked)
                labels = {**claim.labels, self.meta.schema_field: value}
                for tag, spans in attached.items():
                    if (span := spans[i]) is not None:  # scored with the claim's confidence that it is attributed
                        labels[tag] = Label(item.article.text[span.start : span.end], float(p[attributed]), (span,))
                claims.append(claim.with_labels(labels))
            content = analysis.content if self.meta.marks_content else None
            results.append(item.with_claims(claims).with_attributed_content(content))
        return results


_PASSIVE_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "’s"})


def sourceless_cue(cue: object) -> bool:
    """Whether a cue the rules found names no source by its form: an attribution adverb ("has reportedly
    been fined") or an agentless passive ("is said to be considering"; a passive with its agent has the
    agent as source). There the model's nearest marked mention would name whoever spoke in the next
    sentence, so the claim keeps no source."""
    if not isinstance(cue, str) or not cue.strip():
        return False
    words = cue.lower().split()
    return bool(set(words) & lexicon().attribution_adverbs) or words[0] in _PASSIVE_AUXILIARIES


class ModelWithRules:
    """The model's ``attribution`` with the rules' other fields (source, cue, hedge, dispute status).

    What ``--predictor MODEL_DIR`` gives: Label Studio pre-annotations need every field, and the model
    only knows attribution. Where the model and the rules disagree, the model wins, and fields that the
    schema asks only of attributed claims (``requires: {attribution: attributed}``) are dropped when the
    model says asserted, so a pre-annotation never shows a source for an asserted claim.
    """

    def __init__(self, model: NLIPredictor, rules: Predictor, schema: Schema | None = None) -> None:
        self.model = model
        self.rules = rules
        self.schema = schema or default_schema()
        self.model_version = f"{model.model_version}+{rules.model_version}"
        self.fields = frozenset(rules.fields | model.fields)
        self.decided = frozenset(f for f in model.fields if f in self.schema and self.schema[f].kind != "span")
        """The model's choice fields (attribution) overrule the rules; its span fields (a source or cue it
        marked) replace the rules' span where it found one, and obey the same ``requires`` as theirs."""

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Label claims that came from anywhere (the rules parse the articles themselves)."""
        if isinstance(self.rules, SourceDescriber):
            return self.predict_parsed(self.rules.parse(items), items)
        return self._merge(self.rules.predict(items), self.model.predict(items))

    def predict_parsed(self, parsed: Sequence[ParsedArticle], items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Label claims the splitter just cut from ``parsed``: the rules reuse its parse (``ParsedPredictor``),
        so each article is parsed once; the model sees the whole batch."""
        if isinstance(self.rules, ParsedPredictor):
            ruled = [self.rules.label_parsed(p, item) for p, item in zip(parsed, items, strict=True)]
        else:
            ruled = self.rules.predict(items)
        merged = self._merge(ruled, self.model.predict(items))
        if not isinstance(self.rules, SourceDescriber):
            return merged
        describer = self.rules
        return [
            describer.describe_sources(p, item, self._undescribed(r, item))
            for p, r, item in zip(parsed, ruled, merged, strict=True)
        ]

    def _merge(self, ruled: Sequence[SplitArticle], modelled: Sequence[SplitArticle]) -> list[SplitArticle]:
        out = []
        for by_rules, by_model in zip(ruled, modelled, strict=True):
            claims = []
            for r, m in zip(by_rules.claims, by_model.claims, strict=True):
                labels = {
                    **r.labels,
                    **{f: m.labels[f] for f in self.model.fields if f in m.labels and self._model_wins(f, r)},
                }
                claims.append(m.with_labels(self._consistent(labels)))
            out.append(by_model.with_claims(claims))
        return out

    def _undescribed(self, ruled: SplitArticle, merged: SplitArticle) -> list[int]:
        """Claims whose source type the rules never decided for the source they carry now: attributed by
        the model where the rules said asserted (no type), or given a source the model marked."""
        field = self.schema["attribution"]
        out = []
        for i, (r, m) in enumerate(zip(ruled.claims, merged.claims, strict=True)):
            if "source_type" not in m.labels or m.labels["attribution"].value != field.positive:
                continue
            was = r.labels.get("source")
            now = m.labels.get("source")
            if r.labels["attribution"].value != field.positive or (was and was.spans) != (now and now.spans):
                out.append(i)
        return out

    def _model_wins(self, name: str, by_rules: Claim) -> bool:
        """Whether the model's label for ``name`` replaces the rules'. Its choices always do. Its span does,
        except over a rules' span that other labels were decided on (``DESCRIBED_SPANS``: the source type
        and the resolved entity describe the rules' source mention), so there the model's span only fills a
        gap, except where the rules' cue has no source to give (``sourceless_cue``)."""
        if name in self.decided or name not in self.schema or name not in DESCRIBED_SPANS:
            return True
        found = by_rules.labels.get(name)
        cue = by_rules.labels.get("cue")
        return (found is None or found.value is None) and not (cue is not None and sourceless_cue(cue.value))

    def _consistent(self, labels: dict[str, Label]) -> dict[str, Label]:
        """Fields whose ``requires`` the model's values rule out are dropped, except spans, which become
        "no span" (value ``None``, scored with the model's confidence): asserted claims have no source type."""
        out: dict[str, Label] = {}
        for name, label in labels.items():
            if name not in self.schema or name in self.decided:
                out[name] = label
                continue
            field = self.schema[name]
            blocking = [
                labels[dep]
                for dep, value in field.requires
                if dep in self.model.fields and dep in labels and labels[dep].value != value
            ]
            if not blocking:
                out[name] = label
            elif field.kind == "span":
                out[name] = Label(None, blocking[0].score)
        return out
