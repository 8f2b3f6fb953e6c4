"""The dispute-status cue lists: the ``status`` mapping of ``data/cues.yaml``, read once.

Separate from the rules so that what counts as an event noun, a fact-check verdict word or a rating
(words chosen from how PolNeAR's fact-check passages are written) is read in one place, and from
``annotate.frames.Lexicon``, which holds only flat word lists and whose loader would reject the
``status`` mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import yaml

from claimkit.annotate.schema import data_dir


@dataclass(frozen=True)
class StatusCues:
    """The ``status`` mapping of ``data/cues.yaml`` (each list is described there)."""

    event_nouns: dict[str, frozenset[str]]
    verdict_words: frozenset[str]
    truth_words: frozenset[str]
    evidence_nouns: frozenset[str]
    rating_nouns: frozenset[str]
    receiving_verbs: frozenset[str]
    claim_nouns: frozenset[str] = frozenset()
    object_bound_verbs: frozenset[str] = frozenset()
    hypothetical_auxiliaries: frozenset[str] = frozenset()
    conditional_marks: frozenset[str] = frozenset()
    correction_conjunctions: frozenset[str] = frozenset()
    non_assertive_cues: frozenset[str] = frozenset()


def _lowered(values: Iterable[object] | None) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@cache
def status_cues() -> StatusCues:
    raw = yaml.safe_load((data_dir() / "cues.yaml").read_text(encoding="utf-8")).get("status") or {}

    def words(key: str) -> frozenset[str]:
        return _lowered(raw.get(key))

    return StatusCues(
        event_nouns={str(k).lower(): _lowered(vs) for k, vs in (raw.get("event_nouns") or {}).items()},
        verdict_words=words("verdict_words"),
        truth_words=words("truth_words"),
        evidence_nouns=words("evidence_nouns"),
        rating_nouns=words("rating_nouns"),
        receiving_verbs=words("receiving_verbs"),
        claim_nouns=words("claim_nouns"),
        object_bound_verbs=words("object_bound_verbs"),
        hypothetical_auxiliaries=words("hypothetical_auxiliaries"),
        conditional_marks=words("conditional_marks"),
        correction_conjunctions=words("correction_conjunctions"),
        non_assertive_cues=words("non_assertive_cues"),
    )
