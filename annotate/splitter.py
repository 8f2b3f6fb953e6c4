"""Article → atomic claims, with spaCy dependency rules.

A sentence is cut at *split points*, each detaching a subtree as a claim of its own:

- reported content, away from its frame: "NSO has said | its tool cannot be used ..." (the frame
  alone, "NSO has said", is not a claim and is dropped);
- coordinated clauses, sharing the subject when the second has none: "WhatsApp sued NSO and
  [WhatsApp] hacked phones";
- non-restrictive relative clauses ("Candiru, ... (which is said to be used ...)"), with the noun they
  describe standing in for the relative pronoun;
- in ``proposition`` granularity also appositives, participial modifiers and clauses, and list
  coordination (one claim per conjunct), close to PropSegmEnt;
- complements of stance verbs ("wants | to preserve its policy", "called | the deal a disaster"),
  whose frame, like "NSO has said", is no claim; and concessive clauses ("..., although X").

"According to X" and trailing or parenthetical "..., X said" frames are cut out of the claim they
qualify; the sourcing rules still see them and attribute the claim (see ``annotate.frames``).
Claims keep exact character spans into the original article (discontinuous when a shared subject
is borrowed) and never cross a sentence. A claim's text is exactly the words under its spans (the
complementizer "that" belongs to the frame, in neither), and a cut that would leave a fragment is
not made (``_SentenceSplitter._stands_alone``): the larger unit stays. ``claimkit eval claims``
(``models/evaluation/claim_quality.py``) counts what still comes out malformed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from claimkit.annotate.frames import (
    FRAME_EXTRAS,
    SUBJECTS,
    Frame,
    adverbial_clause,
    closing_form,
    find_frames,
    lexicon,
    matches,
    only_frame,
    signature_dash,
    speaker_label,
    subject_of,
    subtree,
)
from claimkit.annotate.nlp import ParsedArticle, ParsedParagraph, parse_articles
from claimkit.annotate.predictor import ParsedBatchPredictor, ParsedPredictor, Predictor
from claimkit.annotate.tokens import TokenTable
from claimkit.annotate.types import Article, Claim, Span, SplitArticle

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

Granularity = Literal["clause", "proposition"]
GRANULARITIES: tuple[str, ...] = ("clause", "proposition")

_RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "that", "whose"})
_NP_MODIFIERS = frozenset({"det", "compound", "amod", "poss", "nummod", "nmod", "case", "quantmod", "predet"})
_MAX_LIST_CLAIMS = 8
_SEPARATORS = frozenset({",", ";", ":", "—", "–", "-", "--"})
_OPENING_MARKS = frozenset({"“", '"', "‘", "``", "''", "(", "["})  # "[W]e": an editor's bracket opens a word
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_AUX = ("aux", "auxpass")
_STANCE_COMPLEMENTS = frozenset({"xcomp", "dobj", "ccomp", "oprd"})
_PREDICATE_COMPLEMENTS = frozenset({"xcomp", "ccomp", "oprd"})
_CONCESSIVE = frozenset({"although", "though", "whereas", "while"})
_VERB_COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "attr", "acomp"})
_FACTIVE_CONNECTIVES = frozenset({"because", "since", "as", "after", "when", "while", "although", "though", "whereas"})
_INNER_SEPARATORS = frozenset({",", "—", "–", "-", "--"})
_WH_TAGS = frozenset({"WRB", "WP", "WDT"})
_NEGATIVE_CONJUNCTIONS = frozenset({"nor", "neither"})
_SUBORDINATORS = frozenset(
    {"if", "when", "because", "although", "though", "while", "unless", "before", "after", "since", "once", "until"}
)


@dataclass(frozen=True)
class Unit:
    """A claim in token space, before it becomes character spans."""

    tokens: frozenset[int]


def split_parsed(parsed: ParsedArticle, granularity: Granularity = "clause") -> SplitArticle:
    """Split one parsed article into claims (no labels)."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, not {granularity!r}")
    article = parsed.article
    sentences: list[Span] = []
    sentence_paragraph: list[int] = []
    claims: list[Claim] = []
    for para in parsed.paragraphs:
        offset = para.span.start
        label: frozenset[int] = frozenset()  # a speaker label sentence ("PENCE:") waiting for its words
        for n, (sent, frames) in enumerate(zip(para.sentences, para.frames, strict=True)):
            words = [t for t in sent if not t.is_space]
            if not words:
                continue
            index = len(sentences)
            sentences.append(Span(offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)))
            sentence_paragraph.append(para.index)
            if _signature(words) and claims and claims[-1].paragraph == para.index:
                claims[-1] = _signed(claims[-1], para, frozenset(t.i for t in words), article.id)
                continue
            if n == 0 and n + 1 < len(para.sentences) and _label_only(words):
                label = frozenset(t.i for t in words)  # "PENCE:" alone is no claim: it opens the next one
                continue
            if _frame_only(words, frames):
                # '“Does anybody know ...?” Graham asked.' / 'Limbaugh added: “...”': who spoke, not
                # a claim, like the frame "NSO has said" inside a sentence (a claim stays in one sentence)
                continue
            seen: set[tuple[Span, ...]] = set()
            for unit in sentence_units(sent, granularity, frames, para.quoted, para.table):
                if label:
                    unit, label = Unit(unit.tokens | label), frozenset()
                spans = tuple(s.shift(offset) for s in unit_spans(para.table, unit.tokens))
                if not spans or spans in seen:
                    continue
                seen.add(spans)
                text = unit_text(para.table, unit)
                claims.append(Claim(Claim.make_id(article.id, spans), article.id, text, spans, index, para.index))
    return SplitArticle(
        article,
        tuple(p.span for p in parsed.paragraphs),
        tuple(sentences),
        tuple(sentence_paragraph),
        tuple(claims),
    )


def _signature(words: list[Token]) -> bool:
    """A verbless "― Krystal Correa" after a quotation: who said it, not a claim of its own."""
    return (
        len(words) <= 6
        and signature_dash(words[0])
        and not any(t.pos_ in ("VERB", "AUX") for t in words[1:])  # the tagger calls the dash itself a VERB
        and any(t.pos_ == "PROPN" for t in words)
    )


def _frame_only(words: list[Token], frames: Sequence[Frame]) -> bool:
    """A sentence that is nothing but a reporting frame whose content lies in another sentence
    ("Graham asked.", "The governor added:"): a source, a reporting verb (the frame finder finds no
    frame without content), auxiliaries, negation, adverbs."""
    if any(f.content_heads for f in frames):
        return False
    roots = [t for t in words if t.dep_ == "ROOT"]
    if len(roots) != 1 or roots[0].pos_ != "VERB" or not matches(roots[0], lexicon().reporting_verbs):
        return False
    root = roots[0]
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return False
    frame_words = subtree(subject) | {root.i}
    return all(t.i in frame_words or t.is_punct or t.dep_ in FRAME_EXTRAS for t in words)


def _label_only(words: list[Token]) -> bool:
    """A sentence that is only a transcript speaker label ("PENCE:"): it joins the claim after it, as
    ``_merge_verbless_head`` joins a label the parser left inside the sentence."""
    colon = speaker_label(words)
    return colon is not None and colon.i == words[-1].i


def _signed(claim: Claim, para: ParsedParagraph, tokens: frozenset[int], article_id: str) -> Claim:
    """``claim`` (the quotation) with its signature appended, so no words of the article are lost;
    a signature glued to the quotation ('about.”― Pamela Padilla') is joined as written, no space."""
    offset = para.span.start
    signature = tuple(s.shift(offset) for s in unit_spans(para.table, tokens))
    glued = claim.spans[-1].end == signature[0].start
    spans = (
        claim.spans[:-1] + (Span(claim.spans[-1].start, signature[0].end),) + signature[1:]
        if glued
        else claim.spans + signature
    )
    text = claim.text + ("" if glued else " ") + unit_text(para.table, Unit(tokens))
    return replace(claim, id=Claim.make_id(article_id, spans), text=text, spans=spans)


def sentence_units(
    sent: SpacySpan,
    granularity: Granularity,
    frames: Iterable[Frame] | None = None,
    quoted: Iterable[int] = (),
    table: TokenTable | None = None,
) -> list[Unit]:
    """The claims of one sentence as token sets, in reading order.

    Frames inside quotation marks ("“I hope Russia is listening,” he said") do not split: the whole
    quotation is what the outer source said.
    """
    quoted = set(quoted)
    frames = [f for f in (find_frames(sent) if frames is None else frames) if f.cue[0] not in quoted]
    splitter = _SentenceSplitter(sent, frames, granularity, table or TokenTable.of(sent.doc))
    units = _merge_verbless_head(splitter.split(sent.root, frozenset()), splitter)
    reporting = frozenset(i for i, f in splitter.frame_by_cue.items() if f.kind == "verb")
    units = _merge_cut_complements(units, splitter.doc, reporting)
    if not units:  # a sentence that is all frame or punctuation still yields itself
        units = [Unit(frozenset(t.i for t in sent if not t.is_space))]
    if granularity == "proposition":
        units = [u for unit in units for u in splitter.keep_readable(unit, splitter.expand_lists(unit))]
        units = [u for unit in units for u in splitter.keep_readable(unit, splitter.expand_modifiers(unit))]
    units = [splitter.resolve_pronouns(u) for u in units]
    units = [splitter.finish(u) for u in units]
    units = _drop_contained_fragments(units, splitter)
    if granularity == "proposition":
        units = [splitter.strip_sentence_marks(u) for u in units]
    return sorted((u for u in units if u.tokens), key=lambda u: min(u.tokens))


def _drop_contained_fragments(units: list[Unit], splitter: _SentenceSplitter) -> list[Unit]:
    """Leave out a verbless sentence core whose words all stand in another claim: the noun left
    behind when its appositive and participle were cut ("Aaron Kall", after "Aaron Kall compared
    Trump ..." took it along) says nothing the other claim does not, and alone it is a fragment.
    (Only the core: a verbless appositive inside a larger one, "Perth, Western Australia", is
    PropSegmEnt's unit.)"""
    if len(units) < 2 or not splitter.sentence_finite:
        return units
    doc = splitter.doc

    def fragment(unit: Unit) -> bool:
        words = {i for i in unit.tokens if not doc[i].is_punct}
        return (
            splitter.sent.root.i in words
            and not any(doc[i].tag_ in _FINITE_TAGS for i in words)
            and any(words < {i for i in o.tokens if not doc[i].is_punct} for o in units)
        )

    return [u for u in units if not fragment(u)]


def _merge_cut_complements(units: list[Unit], doc: Doc, reporting: frozenset[int]) -> list[Unit]:
    """Mend a claim whose verb lost its whole complement to another claim.

    A frame whose content was cut away is no claim when nothing but its source and cue remain
    ("NSO has said"), but one that also says when or where stays a claim, and a verb inside a
    larger clause stays with it: "In the end, Patriot agreed | to effectively lend ...", "Axelrod
    calls on Dean | to apologize ...". Those residues stop where the verb's meaning goes on. A
    reporting verb's gerund or adverbial clause ("Trump apologized for saying | the judge was biased",
    "Obama responded by saying | ...") leaves the residue without it when what remains is a
    sentence ("Trump apologized"); otherwise the larger unit is kept instead of a fragment. Only
    complements after the verb count (a fronted "what they call" is the verb's own).
    """
    mended = True
    while mended and len(units) > 1:
        mended = False
        for unit in units:
            found = _lost_complement(unit, units, doc)
            if found is None:
                continue
            verb, taker = found
            rest = _without_reporting_tail(unit, verb, doc) if verb.i in reporting else None
            if rest is not None:
                units = [rest if u is unit else u for u in units]
            else:
                joined = Unit(_with_inner_separators(doc, unit.tokens | taker.tokens))
                units = [joined if u is unit else u for u in units if u is not taker]
            mended = True
            break
    return units


def _with_inner_separators(doc: Doc, tokens: frozenset[int]) -> frozenset[int]:
    """``tokens`` with the commas and dashes that stand between two of their words: each part of a
    mended claim was trimmed of the separators at its edges, and joined without them the claim
    reads "to triple the size of the program grow the Peace Corps". (Not a colon or semicolon: on
    PolNeAR dev the one mend across a colon changed which frame held most of the claim, and the
    rules' char-F1 fell; such a claim keeps reading as before.)"""
    inner = {
        i
        for i in range(min(tokens) + 1, max(tokens))
        if i not in tokens and doc[i].text in _INNER_SEPARATORS and i - 1 in tokens and i + 1 in tokens
    }
    return tokens | inner


def _lost_complement(unit: Unit, units: list[Unit], doc: Doc) -> tuple[Token, Unit] | None:
    """A verb of ``unit`` whose complement lies wholly in another unit, and that unit."""
    for i in sorted(unit.tokens):
        verb = doc[i]
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        for child in verb.children:
            if child.i < verb.i or child.dep_ not in _VERB_COMPLEMENTS:
                continue
            if any(t.i in unit.tokens for t in child.subtree):
                continue
            taker = next((u for u in units if u is not unit and child.i in u.tokens), None)
            if taker is not None:
                return verb, taker
    return None


def _without_reporting_tail(unit: Unit, verb: Token, doc: Doc) -> Unit | None:
    """``unit`` without a reporting verb that hangs on it as "for/by saying" or ", adding", when the
    rest still reads as a sentence (a finite verb, nothing dangling, its subjects inside)."""
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.i in unit.tokens:
        tail = subtree(verb.head)
    elif verb.dep_ == "advcl" and verb.head.i in unit.tokens:
        tail = subtree(verb)
        before = verb.left_edge.i - 1
        if before >= 0 and doc[before].text == ",":
            tail.add(before)  # ", adding that ...": its comma goes with it
    else:
        return None
    rest = frozenset(unit.tokens - tail)
    if not any(doc[i].tag_ in _FINITE_TAGS for i in rest) or _dangles(doc, rest) or _subject_outside(doc, rest):
        return None
    return Unit(rest)


def _merge_verbless_head(units: list[Unit], splitter: _SentenceSplitter) -> list[Unit]:
    """A sentence's core that has no finite verb while the sentence has one ('"PENCE: And that's
    why ...', a label before the clause that was cut away) joins the claim that follows it rather
    than stand as a fragment."""
    if len(units) < 2:
        return units
    doc, first = splitter.doc, units[0]
    if splitter.sent.root.i not in first.tokens or any(doc[i].tag_ in _FINITE_TAGS for i in first.tokens):
        return units
    if not splitter.sentence_finite:
        return units
    after = [u for u in units[1:] if min(u.tokens) > max(first.tokens)]
    if not after:
        return units
    target = min(after, key=lambda u: min(u.tokens))
    gap = range(max(first.tokens) + 1, min(target.tokens))  # the ":" and "And" the cut had dropped
    merged = Unit(first.tokens | target.tokens | {i for i in gap if not splitter.table.is_space[i]})
    return [merged if u is target else u for u in units[1:]]


class _SentenceSplitter:
    """Recursive descent over one sentence's dependency tree (state: the sentence and its frames)."""

    def __init__(self, sent: SpacySpan, frames: list[Frame], granularity: Granularity, table: TokenTable) -> None:
        self.sent = sent
        self.doc = sent.doc
        self.table = table
        self.fine = granularity == "proposition"
        self.frame_by_cue: dict[int, Frame] = {}
        self.substitutes: dict[int, tuple[int, ...]] = {}
        self.frame_pps: set[int] = set()  # "according to X", "..., X said": cue + source, not content
        self.content_heads: set[int] = set()
        self.concessive: set[int] = set()
        self.kept_content: set[int] = set()  # frame verbs whose content could not stand alone
        self.stance_extra: dict[int, frozenset[int]] = {}  # stance content head -> the other complements
        self.absorbed: set[int] = set()  # complements carried by another head's claim
        # frames with a content clause first, so that a stance on the same verb finds it registered
        for frame in sorted(frames, key=lambda f: not f.content_heads):
            if frame.content_heads:
                self.frame_by_cue[frame.cue[0] if frame.kind != "verb" else _verb_of(sent, frame)] = frame
                self.content_heads.update(frame.content_heads)
            elif frame.kind == "stance" and not _inside_other_frame(_verb_of(sent, frame), frames):
                self._add_stance_content(frame)
            elif frame.kind == "according":
                self.frame_pps.add(min(frame.cue))
            elif frame.kind == "verb" and _concessive(self.doc[_verb_of(sent, frame)]):
                self.concessive.add(_verb_of(sent, frame))  # "..., although X disputed it": a clause
            elif frame.kind == "verb" and not _has_object(self.doc[_verb_of(sent, frame)]):
                self.frame_pps.add(_verb_of(sent, frame))  # "..., X said" / "A, X said, is B"

    @cached_property
    def sentence_finite(self) -> bool:
        """Whether the sentence has a finite verb (read lazily: most sentences never ask)."""
        return any(t.tag_ in _FINITE_TAGS for t in self.sent)

    def _add_stance_content(self, frame: Frame) -> None:
        """Cut a stance verb's complements away from it as one claim ("wants | to preserve its
        policy", "called | the deal a disaster"): the source's stance is attributed content, the
        frame "The company wants" is the author's and, like "NSO has said", no claim of its own.
        The first complement heads the claim; the others ride along as inherited tokens."""
        verb = self.doc[_verb_of(self.sent, frame)]
        heads = [
            c for c in verb.children if c.dep_ in _STANCE_COMPLEMENTS and c.i > verb.i and subtree(c) <= frame.content
        ]
        if not any(h.dep_ in _PREDICATE_COMPLEMENTS for h in heads) or verb.i in self.frame_by_cue:
            return  # an object alone ("rejected | the tax increase") is an event, not a stance's content
        self.frame_by_cue[verb.i] = frame
        self.content_heads.add(heads[0].i)
        self.stance_extra[heads[0].i] = frozenset().union(*(subtree(h) for h in heads[1:]))
        self.absorbed.update(h.i for h in heads[1:])

    # -- split points -------------------------------------------------------------------------
    def split_kind(self, tok: Token) -> str | None:
        """Why ``tok``'s subtree becomes a claim of its own, or None when it stays in its parent."""
        if tok.i in self.content_heads:
            return "content"
        if tok.i in self.absorbed:
            return "absorbed"
        if tok.i in self.frame_pps:
            return "frame"
        dep, head = tok.dep_, tok.head
        if dep == "conj" and not _coordinated(tok):
            return None  # "no evidence whatsoever this would have ...": a parsing slip, not "and"
        if dep == "conj" and _in_kept_relative(tok):
            return None  # "people he knows or cares nothing about": "He cares nothing about" would lose its noun
        if dep == "conj" and _negated_alternative(tok):
            return None  # "has not taken me up on my offer or made a counteroffer": not "Trump made a counteroffer"
        if dep == "conj" and _bare_reporting_conjunct(tok):
            # "''I can't breathe,'' as Garner ... said before he died": the quotation's frame, cut out
            # like "..., X said" (its claim would borrow the quotation's subject, "I said before he died")
            return "frame"
        if dep == "conj" and tok.pos_ in ("VERB", "AUX") and head.pos_ in ("VERB", "AUX"):
            # "wants to triple A, grow B": a conjunct under a to-infinitive stays, its claim would
            # lose "wants to"
            return None if head.dep_ == "xcomp" and not any(c.dep_ in SUBJECTS for c in tok.children) else "conj"
        if (
            dep == "conj"
            and any(c.dep_ in SUBJECTS for c in tok.children)
            and tok.pos_ in ("VERB", "AUX", "NOUN", "ADJ", "PROPN")
        ):
            return "conj"  # a clause attached to a non-verb by a parsing slip
        if (
            dep == "ccomp"
            and tok.i < head.i
            and head.i not in self.frame_by_cue
            and not _asked(tok, head)
            and not _opens_with_subordinator(tok)
            and _comma_before_subject(head)
            and any(c.dep_ in SUBJECTS for c in tok.children)
        ):
            # "A was targeted, B sued NSO, and ..." parsed as a complement; not "Why ... A, you might
            # ask?", a frame inside a quotation (it does not split), whose question is what is asked
            return "comma_clause"
        if tok.i in self.concessive or (self.fine and _concessive(tok)):
            # "..., although two council members disputed that timeline": once taken for a "..., X
            # said" frame and dropped; a claim of its own (splitting every concessive clause cost
            # claim macro-F1 on PolNeAR dev, so in clause granularity the others stay in their clause;
            # proposition granularity cuts them all: +1 F1 on PropSegmEnt dev)
            return "concessive"
        if dep == "advcl" and self._frame_clause(tok):
            return "concessive"  # "X said A, because B": the frame is no claim, B is one of its own
        if dep == "relcl" and _non_restrictive(tok) and _subject_relative(tok):
            # restrictive ones stay in both granularities: cutting them lowered PropSegmEnt F1 on each
            # half of dev (docs/evaluation.md), and "the company that sells spyware" is one referent
            return "relcl"
        if dep == "parataxis" and _contact_clause(tok):
            return None  # "a number of tax experts I spoke to this week": "I spoke to this week" lost its noun
        if dep == "parataxis" and any(c.dep_ in SUBJECTS for c in tok.children):
            # "But, you know, again, ...": an aside stays in its clause ("You know" is no claim;
            # dropped, its words would leave a quotation's claim)
            return None if _discourse_marker(tok) else "parataxis"
        if self.fine:
            if dep == "appos" and head.pos_ in ("NOUN", "PROPN"):
                # the "." of "(Vt.)", tokenized apart and taken for an appositive: cut with "Vt",
                # but no claim of its own (it would be the bare noun, "Sen. Bernie Sanders")
                return "stray" if tok.is_punct else "appos"
            if dep == "acl" and tok.tag_ in ("VBN", "VBG") and head.pos_ in ("NOUN", "PROPN"):
                return "acl"
            if (
                dep == "advcl"
                and tok.tag_ in ("VBG", "VBN")
                and not any(c.dep_ in SUBJECTS or c.dep_ == "mark" for c in tok.children)
            ):
                return "advcl"
        return None

    def _frame_clause(self, clause: Token) -> bool:
        """A finite clause with its own subject that hangs on a reporting verb ("Gowdy said A, because
        B", "..., she said, as the crowd cheered"): the verb's frame is no claim, so the clause would
        vanish with it; it is a claim of its own, like a concessive clause. Only a clause whose
        connective leaves it true ("because", "after", "when", ...): "before city officials had
        weighed in" says they had not, and "if ..." says nothing happened."""
        frame = self.frame_by_cue.get(clause.head.i)
        if frame is None or frame.kind != "verb":
            return False
        connective = next((c for c in clause.children if c.dep_ == "mark" or c.tag_ == "WRB"), None)
        return (
            connective is not None
            and connective.lower_ in _FACTIVE_CONNECTIVES
            and clause.tag_ in _FINITE_TAGS | {"VBN"}
            and any(c.dep_ in SUBJECTS for c in clause.children)
            and any(t.tag_ in _FINITE_TAGS for t in clause.subtree if t.head.i == clause.i or t.i == clause.i)
        )

    # -- recursion ----------------------------------------------------------------------------
    def split(self, root: Token, inherited: frozenset[int]) -> list[Unit]:
        """Units of the subtree under ``root``: its own core first, then the detached parts."""
        units: list[Unit] = []
        own: set[int] = set()
        dropped: set[int] = set()
        stack = [root]
        while stack:
            tok = stack.pop()
            own.add(tok.i)
            for child in tok.children:
                kind = self.split_kind(child)
                if kind is None:
                    stack.append(child)
                    continue
                if kind in ("absorbed", "stray"):
                    dropped |= subtree(child)
                    continue
                if kind != "frame":
                    detached = self._detach(child, kind)
                    if not self._stands_alone(child, kind, detached):
                        self._undo(child, kind)
                        stack.append(child)  # keep the larger unit rather than emit a fragment
                        continue
                    units.extend(detached)
                dropped |= self._leftovers(tok, child, kind, root)
        own -= dropped
        frame = self.frame_by_cue.get(root.i)
        if frame is not None and frame.kind == "stance" and root.i not in self.kept_content:
            own -= self._stance_frame(frame, own)
        if frame is None or frame.kind != "verb" or root.i in self.kept_content:
            # a verb frame alone ("NSO has said") is no claim; one that kept its content is
            core = _trim(self.table, own | set(inherited))
            if (
                any(not self.table.is_punct[i] for i in core)
                and not self._frame_residue(root, core, units)
                and not self._bare_report(root, core, units)
            ):
                units.insert(0, Unit(frozenset(core)))
        return units

    def _stance_frame(self, frame: Frame, own: set[int]) -> set[int]:
        """The tokens of a stance frame whose content was cut away ("The company wants"): all of
        ``own`` when nothing but the source, the cue, auxiliaries and adverbs remains, else none
        (a frame that also says when or where keeps its claim)."""
        frame_words = set(frame.source) | set(frame.cue)
        rest = [
            i
            for i in own
            if i not in frame_words and not self.table.is_punct[i] and self.table.dep[i] not in FRAME_EXTRAS
        ]
        return set(own) if not rest else set()

    def _frame_residue(self, root: Token, core: set[int], detached: list[Unit]) -> bool:
        """A noun frame's cue and source left after its content went ("Trump charges | that ..."):
        verbless where the sentence has a verb, so it is no claim (like "NSO has said"). The cue may
        hang below the core's root when the parser takes the source for the head ("Trump" over
        "charges"); then the core must have no verb at all ("send a clear message | that ..." is a
        claim the tagger merely missed the finiteness of)."""
        below = any(i in self.frame_by_cue and i not in self.kept_content for i in core) and not any(
            self.doc[i].pos_ in ("VERB", "AUX") for i in core
        )
        return (
            (root.i in self.frame_by_cue or below)
            and bool(detached)
            and self.sentence_finite
            and not any(self.doc[i].tag_ in _FINITE_TAGS for i in core)
        )

    def _bare_report(self, root: Token, core: set[int], detached: list[Unit]) -> bool:
        """A reporting verb left with nothing but its subject once the rest of its clause was cut
        away ('“You winning?” she said, but Kevin was drifting off': "She said"): who spoke, not a
        claim, like the frame "NSO has said", though the parser gave the verb no content to find a
        frame by. Only a residue: what was cut from it stands as claims of its own."""
        return bool(detached) and only_frame(root, core)

    def _stands_alone(self, child: Token, kind: str, detached: list[Unit]) -> bool:
        """Whether the claim cut at ``child`` reads as a sentence: a finite verb when its sentence
        has one (proposition-mode appositives and participles are verbless by design), no word
        left dangling at its end, and every verb's subject inside it."""
        head = child.head
        if head.dep_ in ("prep", "agent") and not any(c.i != child.i and not c.is_punct for c in head.children):
            return False  # "focusing on | ..." would leave the preposition without its object
        core = next((u for u in detached if child.i in u.tokens), None)
        if core is None:
            return True  # the child was all frame: nothing of it becomes a claim
        doc, tokens = self.doc, core.tokens
        # reported content may be a non-finite complement ("wants | to preserve its policy",
        # "polls showing | Trump leading"): it is what the source says, cut from the author's frame
        reduced = (self.fine and child.dep_ in ("appos", "acl", "advcl")) or kind == "content"
        if self.sentence_finite and not reduced and not any(doc[i].tag_ in _FINITE_TAGS for i in tokens):
            return False
        borrowed = core.tokens - subtree(child) - _shared_auxiliaries(child, child.head)
        if kind in ("conj", "advcl", "parataxis") and any(_stray_finite(doc[i]) for i in borrowed):
            return False  # the subject it would borrow holds a main verb: the parse went wrong above it
        if kind == "conj" and _opens_with_connective(child):
            return False  # "... on how X conducts his business and whether he has paid": "Whether he has paid"
        if kind == "conj" and _relative_subject(child):
            return False  # "..., 40 percent of whom are black": a relative clause parsed as a conjunct
        if kind == "conj" and _subjectless_conjunct(child, borrowed):
            return False  # "We ... had three kids and built a business" → "Built a business"
        if any(doc[i].lower_ in _RELATIVE_PRONOUNS and doc[i].dep_ in SUBJECTS for i in borrowed) and not any(
            i in self.substitutes for i in borrowed
        ):
            return False  # "a family who has ... and doesn't qualify": "Who doesn't qualify" is no sentence
        if kind == "content" and _predicative_clause(child.head):
            return False  # "That's because Trump wants | to junk ...": "That's." would be left
        if kind == "content" and _finite_without_subject(child):
            return False  # "Trump says | is a lie": the parser gave the clause's subject to the frame
        if kind == "content" and any(i not in self.substitutes for i in _fronted_relatives(child)):
            return False  # "revenue, which she plans | to do through a tax increase": "Which to do ..."
        return not _dangles(doc, tokens) and not _subject_outside(doc, tokens)

    def _undo(self, child: Token, kind: str) -> None:
        """Forget what a rejected cut registered: a relative pronoun's stand-in, a frame's content cut."""
        self.substitutes.pop(child.left_edge.i, None)
        if kind == "content":
            self.kept_content.add(child.head.i)
            if child.i in self.stance_extra:  # the other complements stay in the frame's claim too
                self.absorbed -= self.stance_extra[child.i]

    def _leftovers(self, head: Token, child: Token, kind: str, root: Token) -> set[int]:
        """Tokens of the parent that only made sense with the detached part: the "and" before a
        conjunct, and a frame inside a modifier ("people that NSO says ...", "as NSO says")."""
        if kind == "frame":
            return subtree(child)
        if kind in ("conj", "parataxis", "comma_clause", "concessive"):
            return {
                c.i
                for c in head.children
                if c.dep_ in ("cc", "punct") and child.left_edge.i - 2 <= c.i < child.left_edge.i
            }
        if kind == "content" and head.i != root.i and head.dep_ in ("relcl", "advcl", "acl"):
            content = (
                set().union(*(subtree(self.doc[h]) for h in self.frame_by_cue[head.i].content_heads))
                if head.i in self.frame_by_cue
                else subtree(child)
            )
            return subtree(head) - content
        return set()

    def _detach(self, tok: Token, kind: str) -> list[Unit]:
        head = tok.head
        if kind == "concessive":  # the clause is the claim; "although" / "when" relates it to its head
            marks = {c.i for c in tok.children if c.dep_ == "mark" or (c.tag_ == "WRB" and c.i == tok.left_edge.i)}
            return [Unit(u.tokens - marks) if tok.i in u.tokens else u for u in self.split(tok, frozenset())]
        if kind == "content" and (tail := _past_the_quotation(tok)):
            units = self.split(tok, self.stance_extra.get(tok.i, frozenset()))
            return [Unit(u.tokens - tail) for u in units if u.tokens - tail]
        if kind in ("content", "comma_clause"):
            return self.split(tok, self.stance_extra.get(tok.i, frozenset()))
        if kind in ("conj", "advcl", "parataxis"):
            has_subject = any(c.dep_ in SUBJECTS for c in tok.children)
            subject = None if has_subject else subject_of(head)
            inherited: frozenset[int] = frozenset()
            if subject is not None and subject.dep_ != "expl":
                inherited = frozenset(i for i in subtree(subject) if i < tok.left_edge.i or i > tok.right_edge.i)
                inherited |= _shared_auxiliaries(tok, head)
            return self.split(tok, inherited | _negative_conjunction(tok))
        # "the list of entities, which prevents ..." means the list; "the health of Donald Trump, who
        # is 70" means Trump: climb "of" only for "which"/"that" over a common noun, and only in
        # clause granularity (proposition mode keeps the parser's antecedent: +1 F1 on PropSegmEnt dev)
        climb = kind != "relcl" or (
            not self.fine and tok.left_edge.lower_ in ("which", "that") and head.pos_ != "PROPN"
        )
        noun = _np_head(head) if climb else head
        noun_phrase = frozenset(_minimal_np(noun))
        if kind == "relcl":
            pronoun = tok.left_edge
            if pronoun.lower_ in _RELATIVE_PRONOUNS and pronoun.lower_ != "whose":
                self.substitutes[pronoun.i] = tuple(sorted(noun_phrase))
                return self.split(tok, frozenset())
        return self.split(tok, noun_phrase)  # appos, acl: "Robert Stromberg, [a] production designer"

    def keep_readable(self, unit: Unit, parts: list[Unit]) -> list[Unit]:
        """``parts`` when each still has the finite verb and the subjects that ``unit`` has, else
        ``unit`` whole: a list member or modifier is split off only into a sentence."""
        if len(parts) < 2:
            return parts
        doc = self.doc
        finite = any(doc[i].tag_ in _FINITE_TAGS for i in unit.tokens)
        for part in parts:
            if finite and not any(doc[i].tag_ in _FINITE_TAGS for i in part.tokens):
                return [unit]
            if _subject_outside(doc, part.tokens) or _dangles(doc, part.tokens):
                return [unit]
        return parts

    def finish(self, unit: Unit) -> Unit:
        """Make the unit's words a readable sentence whose spans are exactly those words: drop a
        leading complementizer "that" (the claim is the reported clause, not "that ..."), then any
        punctuation it leaves at the start, and pair up quotation marks and brackets."""
        t = self.table
        ordered = sorted(unit.tokens)
        words = [i for i in ordered if not t.is_punct[i]]
        tokens = set(ordered)
        if (
            len(words) > 1
            and t.dep[words[0]] == "mark"
            and t.lower[words[0]] == "that"
            and not _determiner_that(self.doc[words[0]])
        ):
            tokens.discard(words[0])
            tokens = _trim(t, tokens)
        tokens = _balance_marks(t, tokens, self.sent.start, self.sent.end)
        tokens |= _editor_bracket(t, tokens)
        ordered = sorted(tokens)
        if len(ordered) > 1 and t.text[ordered[-1]] == "." and t.text[ordered[-2]].endswith("."):
            tokens.discard(ordered[-1])  # "Richmond, Va.." once the clause after "Va." went
        return Unit(frozenset(tokens)) if tokens != unit.tokens else unit

    def resolve_pronouns(self, unit: Unit) -> Unit:
        """Put the noun a relative pronoun stands for into the claim in its place: the spans gain
        the noun (discontinuous), the text reads "Norway's coastline overlooks the sea"."""
        tokens = set(unit.tokens)
        for pronoun, noun_phrase in self.substitutes.items():
            if pronoun in tokens:
                tokens.discard(pronoun)
                tokens.update(noun_phrase)
        return Unit(frozenset(tokens)) if tokens != unit.tokens else unit

    def strip_sentence_marks(self, unit: Unit) -> Unit:
        """Proposition granularity: "However, X" and "Still, X" state X, and a proposition is not a
        sentence, so it loses the final period (PropSegmEnt's references mostly leave both out)."""
        ordered = sorted(unit.tokens)
        if len(ordered) > 3 and self.table.dep[ordered[0]] in ("advmod", "cc") and self.table.text[ordered[1]] == ",":
            ordered = ordered[2:]
        if len(ordered) > 2 and self.table.text[ordered[-1]] == ".":
            ordered = ordered[:-1]
        return Unit(frozenset(ordered))

    def expand_modifiers(self, unit: Unit) -> list[Unit]:
        """One unit per adverbial modifier when a verb has several ("launched by Guido van Rossum
        in 1991" → "launched by Guido van Rossum", "launched in 1991"), proposition mode."""
        doc = self.doc
        roots = [doc[i] for i in unit.tokens if doc[i].head.i not in unit.tokens or doc[i].head.i == i]
        verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
        if not verbs:
            return [unit]
        verb = verbs[0]
        heads = [verb] + [c for c in verb.children if c.dep_ in ("attr", "dobj") and c.i in unit.tokens]
        modifiers = [
            c
            for h in heads
            for c in h.children
            if c.i in unit.tokens and c.dep_ in ("prep", "agent", "npadvmod", "acl") and c.i > h.i and c.lower_ != "of"
        ]
        if len(modifiers) < 2:
            return [unit]
        out = []
        for keep in modifiers:
            drop = set().union(*(subtree(m) for m in modifiers if m.i != keep.i))
            tokens = _trim(self.table, set(unit.tokens) - drop)
            if tokens:
                out.append(Unit(frozenset(tokens)))
        return out or [unit]

    def expand_lists(self, unit: Unit) -> list[Unit]:
        """One unit per member of the first noun/adjective list inside ``unit`` (proposition mode):
        "included journalists, activists and lawyers" → three claims sharing "The list included"."""
        listy = ("NOUN", "PROPN", "ADJ", "NUM")
        for i in sorted(unit.tokens):
            tok = self.doc[i]
            if tok.pos_ not in listy or tok.dep_ == "conj":
                continue
            members = [tok]
            for member in members:  # conjuncts chain: journalists → activists → lawyers
                members.extend(
                    c for c in member.children if c.dep_ == "conj" and c.i in unit.tokens and c.pos_ in listy
                )
            if len(members) == 1:
                continue
            if tok.dep_ == "appos" or (tok.dep_ == "pobj" and tok.head.lower_ == "between"):
                # an appositive list describes one noun ("the Baltic countries Latvia, Lithuania and
                # Estonia"): a member pasted onto the words of another ("The Baltic countries
                # Lithuania") is a fragment; "between A and B" names one relation, not two
                return [unit]
            shared = unit.tokens - subtree(tok)
            out = []
            for m in members[:_MAX_LIST_CLAIMS]:
                own = subtree(m) - {
                    j for c in m.children if c.dep_ in ("conj", "cc", "punct", "preconj") for j in subtree(c)
                }
                if m.i != tok.i and not any(c.dep_ in ("det", "poss") for c in m.children):
                    own |= {c.i for c in tok.children if c.dep_ in ("det", "poss") and c.i < tok.i}  # borrowed "the"
                tokens = _trim(self.table, set(shared) | own)
                if tokens:
                    out.append(Unit(frozenset(tokens)))
            return out or [unit]
        return [unit]


_QUOTE_PAIRS = {"“": "”", '"': '"', "``": "''", "''": "''"}


def _past_the_quotation(content: Token) -> set[int]:
    """Words of a quotation's clause after its closing mark and before the frame's verb ('“... in
    this case,” Tulsa police Chief Chuck Jordan said': the parser hung "Tulsa" on the quoted verb):
    the frame's words, not the quotation's, when they run on into the source before the verb; left
    in, the claim reads "... in this case Tulsa"."""
    doc, verb = content.doc, content.head
    first = content.left_edge.i
    if first > 0 and doc[first - 1].text in _QUOTE_PAIRS:
        first -= 1
    closer = _QUOTE_PAIRS.get(doc[first].text)
    if closer is None or verb.i < content.i:
        return set()
    close = next((i for i in range(first + 1, verb.i) if doc[i].text == closer), None)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < verb.i), None)
    if close is None or subject is None:
        return set()
    tail = {i for i in subtree(content) if close < i < subject.left_edge.i and not doc[i].is_punct}
    # only words that run on into the source's name: a clause going on after a quoted phrase is content
    return tail if tail and max(tail) + 1 == subject.left_edge.i else set()


def _shared_auxiliaries(conj: Token, head: Token) -> frozenset[int]:
    """The auxiliaries a non-finite conjunct shares with its head ("has either won or tied" →
    "has ... tied"), so the conjunct's claim keeps a finite verb made of the article's words."""
    if conj.dep_ != "conj" or conj.tag_ not in ("VBN", "VB", "VBG") or any(c.dep_ in _AUX for c in conj.children):
        return frozenset()
    return frozenset(c.i for c in head.children if c.dep_ in (*_AUX, "neg") and c.i < head.i)


def _dangles(doc: Doc, tokens: frozenset[int]) -> bool:
    """The last word is a determiner, conjunction, complementizer or object-less preposition."""
    words = [i for i in sorted(tokens) if not doc[i].is_punct]
    if not words:
        return False
    last = doc[words[-1]]
    if last.dep_ in ("det", "predet") and last.head.i > last.i and last.head.i not in tokens:
        return True  # "the" without its noun (not a floating "all" or "one another")
    if last.dep_ in ("cc", "mark", "preconj") or (last.tag_ == "TO" and last.dep_ == "aux"):
        return True
    objects = [c for c in last.children if c.dep_ in ("pobj", "pcomp")]
    return last.dep_ in ("prep", "agent", "dative") and any(c.i not in tokens for c in objects)


def _subject_outside(doc: Doc, tokens: frozenset[int]) -> bool:
    """A verb in ``tokens`` whose own subject lies outside them (so another word would read as its
    subject); a relative pronoun is inside, it is replaced by its noun later."""
    for i in tokens:
        for child in doc[i].children:
            if child.dep_ in SUBJECTS and child.i not in tokens and not _subject_member(child, tokens):
                return True
    return False


def _subject_member(subject: Token, tokens: frozenset[int]) -> bool:
    """A list member of the subject stands for it ("Morning Consult and Rasmussen had ...")."""
    return any(t.i in tokens for t in subject.subtree if t.dep_ == "conj" and t.head.i == subject.i)


def _verb_of(sent: SpacySpan, frame: Frame) -> int:
    doc = sent.doc
    for i in frame.cue:
        if doc[i].pos_ in ("VERB", "AUX") and doc[i].dep_ not in ("aux", "auxpass"):
            return i
    return frame.cue[0]


def _in_kept_relative(conj: Token) -> bool:
    """A conjunct of a relative clause that stays in its sentence's claim (restrictive, or not led by
    a subject pronoun): its gap is the relativized noun outside it, so alone it reads "He cares
    nothing about" or "He does"."""
    first = conj.head
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    return first.dep_ == "relcl" and not (_non_restrictive(first) and _subject_relative(first))


_QUANTITY_NOUNS = frozenset(
    {"total", "number", "lot", "majority", "minority", "share", "percent", "half", "third", "quarter",
     "couple", "dozen", "handful", "series", "group", "set", "pair", "bunch", "range", "variety"}
)  # fmt: skip
_CLITICS = frozenset({"'s", "’s", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'d", "’d", "'m", "’m", "n't", "n’t"})
_POINTING_NOUNS = frozenset({"explanation", "scenario", "discussion", "decision", "plan", "proposal", "policy"})


def _fronted_relatives(content: Token) -> list[int]:
    """Relative pronouns of a content that stand before its frame ("revenue, which she plans to do
    primarily through a tax increase": "which" is the object of "do"): each opens the relative clause
    the frame is in. One the splitter replaces by its noun is fine ("River Road, which residents say
    was never built ..." → "River Road was never built ..."); any other would leave the content
    beginning "Which to do"."""
    frame_verb = content.head
    return [
        t.i
        for t in content.subtree
        if t.lower_ in ("which", "who", "whom") and t.i < frame_verb.i and t.dep_ in ("dobj", "pobj", "dative")
    ]


def _determiner_that(that: Token) -> bool:
    """A "that" the parser took for a complementizer though it is the determiner of the subject after
    it ("said that explanation does not hold up", "said that claim smacked of hypocrisy"): a noun that
    points back to something said or decided, bare, as subject; so "that" stays in the claim ("That
    explanation does not hold up"). Only those nouns: a bare mass noun reads as a complementizer's
    subject ("noted that immigration ... is in decline", "saying that transparency breaks down barriers")."""
    doc = that.doc
    if that.i + 1 >= len(doc):
        return False
    noun, lex = doc[that.i + 1], lexicon()
    return (
        noun.tag_ == "NN"
        and noun.dep_ in ("nsubj", "nsubjpass")
        and noun.head.i == that.head.i
        and noun.lemma_.lower() in lex.anaphoric_objects | lex.reporting_nouns | _POINTING_NOUNS
        and not any(c.dep_ in ("det", "poss", "compound", "amod", "nummod") for c in noun.children)
    )


def _asked(clause: Token, verb: Token) -> bool:
    """A question before the reporting verb that asks it ("“Why aren't I 50 points ahead, you might
    ask?”"): what is asked, which stays with its asker. A statement before a reporting verb inside a
    quotation ("“..., people familiar with the planning told Bloomberg Politics,” Bloomberg reported")
    is still cut away from its frame."""
    if not matches(verb, lexicon().reporting_verbs):
        return False
    first = next((t for t in clause.subtree if not t.is_punct), clause)
    asks = first.tag_ in _WH_TAGS or first.lower_ in ("whether", "if")
    return asks or any(t.text == "?" for t in verb.subtree if t.i > verb.i)


def _opens_with_subordinator(clause: Token) -> bool:
    """A clause opened by a subordinating conjunction before its subject, read without an editor's brackets
    ('“[I]f it was left up to Hillary, she wouldn't ...'; the tokenizer splits "[" from "I]f", and
    the parser, not seeing "if", takes the clause for a complement): a condition or a time of the
    clause after it, not a statement of its own ("[I]f it was left up to Hillary")."""
    subject = next((c for c in clause.children if c.dep_ in SUBJECTS), None)
    if subject is None:
        return False
    return any(
        c.i < subject.i and c.text.replace("[", "").replace("]", "").lower() in _SUBORDINATORS for c in clause.children
    )


def _negative_conjunction(conj: Token) -> frozenset[int]:
    """The "nor" that joins a conjunct to the clause before it ("He did not pay, nor did he
    apologize"): it carries the conjunct's negation, so it goes into the conjunct's claim ("Nor did
    he apologize", not the question-like "Did he apologize")."""
    if conj.dep_ != "conj" or not any(c.dep_ in SUBJECTS for c in conj.children):
        return frozenset()  # "has not been charged with, nor convicted of": the "not" is shared already
    return frozenset(
        c.i
        for c in conj.head.children
        if c.dep_ == "cc" and c.lower_ in _NEGATIVE_CONJUNCTIONS and conj.left_edge.i - 2 <= c.i < conj.left_edge.i
    )


def _opens_with_connective(conj: Token) -> bool:
    """A conjunct opened by its own subordinating word ("... and whether he has paid ...", "... or if
    you get enough subsidies"): one of a list of subordinate clauses, which alone says nothing of the
    clause they all hang on ("Whether he has paid substantial federal tax"); also after "not only"
    ("... - and not only because his appointment would make history")."""
    first = next((t for t in conj.subtree if not t.is_punct and t.dep_ not in ("neg", "advmod")), conj.left_edge)
    if first.head.i != conj.i or first.lower_ == "that":  # "said A and that B": "that" is left out of B
        return False
    # Only a subordinating conjunction: keeping question-word conjuncts too ("... and how they benefit
    # the public") lowered the oracle char-F1 on PolNeAR dev (0.8847 -> 0.8845) for +0.0006 macro-F1.
    return first.dep_ == "mark"


def _relative_subject(conj: Token) -> bool:
    """A conjunct whose own subject holds a relative pronoun ("40 percent of whom are black", "some
    of which were sold"): a relative clause the parser took for a coordinated one."""
    return any(
        t.lower_ in ("whom", "which", "whose") and t.tag_ in ("WP", "WDT", "WP$")
        for c in conj.children
        if c.dep_ in SUBJECTS
        for t in c.subtree
    )


def _subjectless_conjunct(conj: Token, borrowed: frozenset[int] | set[int]) -> bool:
    """A verb conjunct that would stand with no subject, neither its own nor one it borrows, although
    it is no command: the parse hid the subject ("had" taken for a loose ``dep``), and the claim
    would read as an order ("Reinforce the reasons ...")."""
    if conj.pos_ not in ("VERB", "AUX") or any(c.dep_ in SUBJECTS for c in conj.children):
        return False
    if any(conj.doc[i].dep_ in SUBJECTS for i in borrowed):
        return False
    head = conj.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    return not (head.dep_ == "ROOT" and head.tag_ == "VB")  # "Start talking ..., and stop ...": commands


def _contact_clause(clause: Token) -> bool:
    """A "parataxis" right after a word, with no mark to set it off ("a number of tax experts I spoke
    to this week"): a relative clause without its pronoun, whose gap is the noun before it; a clause
    set beside another stands apart by a comma, colon, dash or bracket."""
    before = clause.left_edge.i - 1
    return clause.i > clause.head.i and before > clause.head.i and not clause.doc[before].is_punct


def _discourse_marker(clause: Token) -> bool:
    """A parenthetical "you know", "I mean", "I think": a speaker's aside, a verb of saying or
    thinking with only a personal pronoun for subject. It is no claim of its own ("You know"), and
    it stays in the clause it interrupts. (A named source's "..., X said" is a frame, found as one.)"""
    subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.tag_ == "PRP" and only_frame(clause, subtree(clause))


def _bare_reporting_conjunct(conj: Token) -> bool:
    """A reporting verb parsed as a conjunct with neither a subject nor anything said of its own
    ("''I can't breathe,'' as Eric Garner ... said before he died"): the frame of the clause before
    it, not a second statement. Cut away it would borrow that clause's subject ("I said before he
    died"); it is cut out as a frame instead, with what the parser hung on it. A conjunct joined
    by "and" ("voted for the bill and said so") is a second statement."""
    if conj.pos_ != "VERB" or not matches(conj, lexicon().reporting_verbs):
        return False
    if any(c.dep_ == "cc" and conj.head.i < c.i < conj.i for c in conj.head.children):
        return False
    return not any(
        c.dep_ in SUBJECTS or (c.dep_ in _VERB_COMPLEMENTS and not adverbial_clause(c)) for c in conj.children
    )


def _stray_finite(token: Token) -> bool:
    """A finite verb (or its auxiliary) inside a noun phrase that is not in a clause of its own
    ("people were mistakenly charged fees" parsed as a subject, "charged" an adjective of "fees");
    a relative or complement clause in a subject is fine ("the company that makes Pegasus")."""
    if token.tag_ not in _FINITE_TAGS:
        return False
    verb = token.head if token.dep_ in _AUX else token
    return verb.dep_ not in ("relcl", "acl", "ccomp", "advcl", "csubj", "csubjpass", "conj", "xcomp")


def _negated_alternative(conj: Token) -> bool:
    """A conjunct joined by "or" to a negated head ("has not taken me up on my offer or ... made a
    counteroffer"): the negation covers both, so cut away and without it the conjunct says the
    opposite ("Mr. Trump made a counteroffer")."""
    head = conj.head
    joined_by_or = any(c.dep_ == "cc" and c.lower_ == "or" and head.i < c.i < conj.i for c in head.children)
    return joined_by_or and any(c.dep_ == "neg" or c.lower_ == "never" for c in head.children)


def _coordinated(conj: Token) -> bool:
    """Whether a conjunct is marked as one: a coordinating conjunction of its head's list before it,
    or a separator right before it ("A, B and C"; "saw ..., got ... or were confused"). Without
    either, "conj" is the parser's guess for something else ("There's no evidence whatsoever this
    would ...", "friends, who I think up until now have been ..."), and a cut would change the meaning."""
    before = conj.left_edge.i - 1
    if before >= 0 and conj.doc[before].text in _SEPARATORS:
        return True
    return any(c.dep_ in ("cc", "preconj") and c.i < conj.left_edge.i for c in conj.head.children) or any(
        c.dep_ == "cc" for c in conj.children
    )


def _inside_other_frame(verb: int, frames: Sequence[Frame]) -> bool:
    """Whether a stance verb lies inside another frame's reported content ("Clarke said he expected
    to sell ...": "He expected to sell ..." is what he said, not a frame of the author's to cut away)."""
    return any(f.content_heads and verb in f.content for f in frames)


def _predicative_clause(clause: Token) -> bool:
    """An adverbial clause that is what a bare "be" says ("That's because Trump wants to junk ...",
    "It was after she said ..."): the clause is the sentence's predicate, so a frame inside it is not
    cut away from it (that would leave "That's.")."""
    if clause.dep_ != "advcl" or not any(c.dep_ == "mark" for c in clause.children):
        return False
    verb = clause.head
    be = verb.lemma_.lower() == "be" or verb.lower_ in ("'s", "’s")
    bare = {"nsubj", "expl", "advcl", "punct", "advmod", "neg", "aux", "cc"}  # no "in high-profile roles"
    return be and all(c.dep_ in bare for c in verb.children)


def _finite_without_subject(verb: Token) -> bool:
    """A finite clause head with no subject of its own ("Everything Trump says is a lie", parsed with
    "Everything Trump" as the subject of "says"): cut away, it would read "Is a lie"."""
    finite = verb.tag_ in _FINITE_TAGS or any(c.dep_ in _AUX and c.tag_ in _FINITE_TAGS for c in verb.children)
    return verb.pos_ in ("VERB", "AUX") and finite and not any(c.dep_ in SUBJECTS for c in verb.children)


def _has_object(verb: Token) -> bool:
    """Whether a verb has an object or complement of its own: "..., because Democrats have
    questioned the FBI's decisions" says something; "..., X said" only frames its head."""
    return any(c.dep_ in _VERB_COMPLEMENTS for c in verb.children)


def _concessive(verb: Token) -> bool:
    """An adverbial clause with its own subject opened by "although", "though", "whereas" or
    "while": a statement of its own, never a "..., X said" frame."""
    return (
        verb.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in _CONCESSIVE for c in verb.children)
        and any(c.dep_ in SUBJECTS for c in verb.children)
    )


def _subject_relative(relcl: Token) -> bool:
    """Whether the relative pronoun is the clause's subject, so that its noun in its place makes a
    sentence ("the list, which prevents ..." → "The list prevents ..."). An object or possessive
    one would not ("an aspect, which the bank detailed" → "An aspect the bank detailed"; "Sanders,
    whose candidacy was ..."): such a clause stays in its sentence's claim. Nor does "which" on a
    person, a parsing slip ("the chief executive of Ora Media ..., which is also streamed on Hulu")."""
    pronoun = relcl.left_edge
    if pronoun.lower_ not in _RELATIVE_PRONOUNS or pronoun.lower_ == "whose" or pronoun.dep_ not in SUBJECTS:
        return False
    lex = lexicon()
    person = relcl.head.ent_type_ == "PERSON" or matches(relcl.head, lex.person_roles | lex.generic_person_nouns)
    return not (pronoun.lower_ == "which" and person)


def _non_restrictive(relcl: Token) -> bool:
    before = relcl.left_edge.i - 1
    return before >= 0 and relcl.doc[before].text in (",", "(", "—", "–", "-")


def _comma_before_subject(verb: Token) -> bool:
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    if not subjects:
        return False
    before = subjects[0].left_edge.i - 1
    return before >= 0 and verb.doc[before].text in (",", ";")


def _np_head(noun: Token) -> Token:
    """Climb "of" phrases so "the list of entities" stands for a relative clause on "entities"."""
    while noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head.head
    return noun


def _minimal_np(noun: Token) -> set[int]:
    """The noun and its pre-modifiers (determiners, compounds, adjectives, possessives); for a noun of
    quantity, also the "of" phrase that says what it counts ("a total of 10 numbers", not "A total
    would fit on a single page")."""
    out = {noun.i}
    for child in noun.children:
        if child.dep_ in _NP_MODIFIERS and child.i < noun.i:
            out |= subtree(child)
        elif child.dep_ == "prep" and child.lower_ == "of" and noun.lemma_.lower() in _QUANTITY_NOUNS:
            for t in child.subtree:  # up to the clause that hangs on it ("of 10 numbers, which ...")
                if t.is_punct or t.dep_ in ("relcl", "acl") or t.lower_ in _RELATIVE_PRONOUNS:
                    break
                out.add(t.i)
    return out


def _trim(t: TokenTable, tokens: set[int]) -> set[int]:
    """Drop whitespace, and leading/trailing punctuation and conjunctions (sentence-final marks stay).
    A leading "nor" stays: it carries the clause's negation ("Nor is Trump self-funding" is no
    question "Is Trump self-funding")."""
    ordered = sorted(i for i in tokens if not t.is_space[i])
    while ordered and (
        t.is_punct[ordered[0]]
        and t.text[ordered[0]] not in _OPENING_MARKS
        or t.dep[ordered[0]] == "cc"
        and t.lower[ordered[0]] not in _NEGATIVE_CONJUNCTIONS
    ):
        ordered.pop(0)
    while ordered and t.dep[ordered[-1]] == "cc":
        ordered.pop()
    words = [k for k, i in enumerate(ordered) if not t.is_punct[i]]
    if words and t.dep[ordered[words[-1]]] == "cc":  # "... Moscow or." once the last conjunct went
        del ordered[words[-1]]
    ordered = _drop_empty_brackets(t, ordered)
    kept = []
    for k, i in enumerate(ordered):  # a comma left dangling next to a removed part goes too
        if t.text[i] in _SEPARATORS:
            prev_gap = k == 0 or ordered[k - 1] != i - 1
            nxt = ordered[k + 1] if k + 1 < len(ordered) else None
            if prev_gap or nxt is None or nxt != i + 1 or t.is_punct[nxt]:
                continue
        kept.append(i)
    return set(kept)


def _drop_empty_brackets(t: TokenTable, ordered: list[int]) -> list[int]:
    """Remove "(" ")" pairs whose content was split off, and brackets left without their partner."""
    opens: list[int] = []
    drop: set[int] = set()
    for k, i in enumerate(ordered):
        if t.text[i] == "(":
            opens.append(k)
        elif _mark(t.text[i]) == ")":
            if opens:
                start = opens.pop()
                if k == start + 1:
                    drop.update((ordered[start], i))
            else:
                drop.add(i)
    drop.update(ordered[k] for k in opens)
    return [i for i in ordered if i not in drop]


_PAIRED = {"“": "”", "(": ")", "[": "]"}
_GLUED = frozenset(".,:;!?")


def _mark(text: str) -> str:
    """A token's quotation mark or bracket: the token itself, or the closing bracket of a token
    that glues punctuation to it (the tokenizer keeps "(all times EDT):" 's "):" whole, and a
    bracket missed there is left without its partner)."""
    if len(text) > 1 and text[0] in ")]" and all(c in _GLUED for c in text[1:]):
        return text[0]
    return text


def _balance_marks(t: TokenTable, tokens: set[int], start: int, end: int) -> set[int]:
    """Give each quotation mark or bracket of a unit its partner, or drop it.

    A closing mark that follows the unit with only punctuation between (the ``.”`` after reported
    content whose final period belongs to the frame) joins the unit with that punctuation; an
    opening mark whose partner lies beyond reach is dropped, and so is a partner-less closing mark.
    Straight double quotes pair by count. Only marks the sentence itself pairs are touched: a
    quotation running over several sentences is the article's, and its marks stay as written.
    """
    ordered = sorted(tokens)
    if not ordered:
        return tokens
    out = set(tokens)
    closers = {v: k for k, v in _PAIRED.items()}
    stack: list[int] = []
    unmatched: list[int] = []
    for i in ordered:
        text = _mark(t.text[i])
        if text in _PAIRED:
            stack.append(i)
        elif text in closers:
            if stack and t.text[stack[-1]] == closers[text]:
                stack.pop()
            else:
                unmatched.append(i)
    straight = [i for i in ordered if t.text[i] == '"']
    if len(straight) % 2:
        unmatched.append(straight[-1] if _is_opening(t, straight[-1]) else straight[0])
    for i in stack + unmatched:
        partner = _partner(t, i, start, end)
        if partner is None:
            continue  # the sentence itself leaves it open: the article's quotation, not the claim's
        last = ordered[-1]
        if partner > last and all(t.is_punct[j] or t.is_space[j] for j in range(last + 1, partner + 1)):
            out.update(range(last + 1, partner + 1))
        elif partner < i and partner not in out and i == ordered[0]:
            out.discard(i)
        elif partner not in out:
            out.discard(i)
    return {i for i in out if not t.is_space[i]}


def _editor_bracket(t: TokenTable, tokens: set[int]) -> set[int]:
    """The "[" of an editor's "[W]e" (tokenized "[" + "W]e") when the unit starts at "W]e", as a
    borrowed subject does: the word is not whole without it."""
    if not tokens:
        return set()
    first = min(tokens)
    before = first - 1
    if before >= 0 and t.text[before] == "[" and not t.ws[before] and "]" in t.text[first] and "[" not in t.text[first]:
        return {before}
    return set()


def _curly_closed_straight(t: TokenTable, start: int, end: int) -> dict[int, int]:
    """Straight marks that close a curly opening one in the sentence (web copy mixes the forms,
    '“Immunity deals ... FBI," he said, adding ... "like candy."'), each mapped to its opener, so the
    remaining straight marks still pair among themselves. Read as ``frames.quoted_tokens`` reads them
    (``frames.closing_form``)."""
    out: dict[int, int] = {}
    opener: int | None = None
    for j in range(start, end):
        if t.text[j] == "“":
            opener = j
        elif t.text[j] == "”":
            opener = None
        elif t.text[j] == '"' and opener is not None and closing_form(t, j):
            out[j] = opener
            opener = None
    return out


def _is_opening(t: TokenTable, i: int) -> bool:
    return i + 1 < len(t.text) and not t.ws[i]


def _partner(t: TokenTable, i: int, start: int, end: int) -> int | None:
    """The index of the mark pairing with mark ``i`` inside the sentence ``[start, end)``, else None."""
    text = _mark(t.text[i])
    mixed = _curly_closed_straight(t, start, end)  # '“A," he said': a straight mark closing a curly one
    if text == '"':
        if i in mixed:
            return mixed[i]
        marks = [j for j in range(start, end) if t.text[j] == '"' and j not in mixed]
        k = marks.index(i)
        if len(marks) % 2:
            return None
        return marks[k + 1] if k % 2 == 0 else marks[k - 1]
    closers = {v: k for k, v in _PAIRED.items()}
    if text in _PAIRED:
        depth = 0
        for j in range(i, end):
            depth += (t.text[j] == text) - (_mark(t.text[j]) == _PAIRED[text])
            if depth == 0:
                return j
        return next((j for j, opener in mixed.items() if opener == i), None)
    opener = closers[text]
    depth = 0
    for j in range(i, start - 1, -1):
        depth += (_mark(t.text[j]) == text) - (t.text[j] == opener)
        if depth == 0:
            return j
    return None


def unit_spans(t: TokenTable, tokens: Iterable[int]) -> tuple[Span, ...]:
    """Character spans (doc-relative) of a token set: neighbouring tokens (with only whitespace
    between them) make one span, so a claim has as few pieces as its words allow."""
    spans: list[Span] = []
    previous = -2
    for i in sorted(tokens):
        end = t.idx[i] + len(t.text[i])
        if spans and (i == previous + 1 or all(t.is_space[j] for j in range(previous + 1, i))):
            spans[-1] = Span(spans[-1].start, end)
        else:
            spans.append(Span(t.idx[i], end))
        previous = i
    return tuple(spans)


def unit_text(t: TokenTable, unit: Unit) -> str:
    """A readable standalone text: the unit's words in order (a relative pronoun was already
    replaced by its noun, a leading "that" already left out of the unit, so the text is exactly
    the words under the claim's spans), first letter capitalised."""
    pieces: list[str] = []
    ordered = sorted(unit.tokens)
    for n, i in enumerate(ordered):
        if (
            pieces
            and pieces[-1] != " "
            and i - 1 not in unit.tokens
            and (not t.is_punct[i] or t.ws[i - 1] or t.is_space[i - 1])
            and not (t.lower[i] in _CLITICS and not t.ws[i - 1])
        ):
            # after a cut, a word takes a space, a mark only where the article has one; a clitic stays
            # on the word now before it ("who’s called" with "who" replaced: "Hillary Clinton’s called")
            pieces.append(" ")
        pieces.append(t.text[i])
        nxt = ordered[n + 1] if n + 1 < len(ordered) else None
        if nxt is not None and nxt == i + 1 and t.ws[i]:
            pieces.append(" ")
    text = "".join(pieces).strip()
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text


def split_articles(
    articles: Iterable[Article], nlp: Language, granularity: Granularity = "clause"
) -> Iterator[SplitArticle]:
    """Split articles into claims without labels, streaming."""
    for parsed in parse_articles(articles, nlp):
        yield split_parsed(parsed, granularity)


def split_and_label(
    articles: Iterable[Article],
    nlp: Language,
    granularity: Granularity = "clause",
    predictor: Predictor | None = None,
    *,
    batch_articles: int = 32,
    progress: bool = False,
) -> Iterator[SplitArticle]:
    """Split articles and label their claims, streaming, with one spaCy pass per article.

    A predictor that takes the splitter's parse (``ParsedPredictor``: one article at a time, such as
    the rules; ``ParsedBatchPredictor``: batches, such as a model with the rules) gets it; any other
    predictor receives batches of ``batch_articles`` split articles.
    """
    from tqdm import tqdm

    parsed_stream = tqdm(
        parse_articles(articles, nlp), desc="articles", unit=" art", disable=not progress or None, file=sys.stderr
    )
    yield from split_and_label_parsed(parsed_stream, granularity, predictor, batch_articles=batch_articles)


def split_and_label_parsed(
    parsed_articles: Iterable[ParsedArticle],
    granularity: Granularity = "clause",
    predictor: Predictor | None = None,
    *,
    batch_articles: int = 32,
) -> Iterator[SplitArticle]:
    """``split_and_label`` for articles parsed already, for a caller that reads the parse too (the
    sourcing evaluation types gold mentions from it)."""
    batch: list[tuple[ParsedArticle, SplitArticle]] = []
    for parsed in parsed_articles:
        item = split_parsed(parsed, granularity)
        if predictor is None:
            yield item
        elif isinstance(predictor, ParsedPredictor):
            yield predictor.label_parsed(parsed, item)
        else:
            batch.append((parsed, item))
            if len(batch) >= batch_articles:
                yield from _predict_batch(predictor, batch)
                batch = []
    if batch and predictor is not None:
        yield from _predict_batch(predictor, batch)


def _predict_batch(predictor: Predictor, batch: list[tuple[ParsedArticle, SplitArticle]]) -> list[SplitArticle]:
    if isinstance(predictor, ParsedBatchPredictor):
        return predictor.predict_parsed([p for p, _ in batch], [item for _, item in batch])
    return predictor.predict([item for _, item in batch])
