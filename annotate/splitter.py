"""Article → atomic claims, with spaCy dependency rules.

A sentence is cut at *split points*, each detaching a subtree as a claim of its own:

- reported content, away from its frame: "NSO has said | its tool cannot be used ..." (the frame
  alone, "NSO has said", is not a claim and is dropped);
- coordinated clauses, sharing the subject when the second has none: "WhatsApp sued NSO and
  [WhatsApp] hacked phones";
- non-restrictive relative clauses ("Candiru, ... (which is said to be used ...)"), with the noun they
  describe standing in for the relative pronoun;
- in ``proposition`` granularity also restrictive relative clauses, appositives, participial
  modifiers and clauses, and list coordination (one claim per conjunct), close to PropSegmEnt.

"According to X" and trailing or parenthetical "..., X said" frames are cut out of the claim they
qualify; the sourcing rules still see them and attribute the claim (see ``annotate.frames``).
Claims keep exact character spans into the original article (discontinuous when a shared subject
is borrowed) and never cross a sentence.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from claimkit.annotate.frames import SUBJECTS, Frame, find_frames, subject_of, subtree
from claimkit.annotate.nlp import ParsedArticle, parse_articles
from claimkit.annotate.predictor import Predictor
from claimkit.annotate.tokens import TokenTable
from claimkit.annotate.types import Article, Claim, Span, SplitArticle

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

Granularity = Literal["clause", "proposition"]
GRANULARITIES: tuple[str, ...] = ("clause", "proposition")

_RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "that", "whose"})
_NP_MODIFIERS = frozenset({"det", "compound", "amod", "poss", "nummod", "nmod", "case", "quantmod", "predet"})
_MAX_LIST_CLAIMS = 8
_SEPARATORS = frozenset({",", ";", ":", "—", "–", "-", "--"})
_OPENING_MARKS = frozenset({"“", '"', "‘", "``", "''", "("})


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
        for sent, frames in zip(para.sentences, para.frames, strict=True):
            words = [t for t in sent if not t.is_space]
            if not words:
                continue
            index = len(sentences)
            sentences.append(Span(offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)))
            sentence_paragraph.append(para.index)
            seen: set[tuple[Span, ...]] = set()
            for unit in sentence_units(sent, granularity, frames, para.quoted, para.table):
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
    units = splitter.split(sent.root, frozenset())
    if not units:  # a sentence that is all frame or punctuation still yields itself
        units = [Unit(frozenset(t.i for t in sent if not t.is_space))]
    if granularity == "proposition":
        units = [u for unit in units for u in splitter.expand_lists(unit)]
        units = [u for unit in units for u in splitter.expand_modifiers(unit)]
    units = [splitter.resolve_pronouns(u) for u in units]
    if granularity == "proposition":
        units = [splitter.strip_sentence_marks(u) for u in units]
    return sorted((u for u in units if u.tokens), key=lambda u: min(u.tokens))


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
        for frame in frames:
            if frame.content_heads:
                self.frame_by_cue[frame.cue[0] if frame.kind != "verb" else _verb_of(sent, frame)] = frame
                self.content_heads.update(frame.content_heads)
            elif frame.kind == "according":
                self.frame_pps.add(min(frame.cue))
            elif frame.kind == "verb":  # "..., X said" / "A, X said, is B"
                self.frame_pps.add(_verb_of(sent, frame))

    # -- split points -------------------------------------------------------------------------
    def split_kind(self, tok: Token) -> str | None:
        """Why ``tok``'s subtree becomes a claim of its own, or None when it stays in its parent."""
        if tok.i in self.content_heads:
            return "content"
        if tok.i in self.frame_pps:
            return "frame"
        dep, head = tok.dep_, tok.head
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
            and _comma_before_subject(head)
            and any(c.dep_ in SUBJECTS for c in tok.children)
        ):
            return "comma_clause"  # "A was targeted, B sued NSO, and ..." parsed as a complement
        if dep == "relcl" and (self.fine or _non_restrictive(tok)):
            return "relcl"
        if dep == "parataxis" and any(c.dep_ in SUBJECTS for c in tok.children):
            return "parataxis"
        if self.fine:
            if dep == "appos" and head.pos_ in ("NOUN", "PROPN"):
                return "appos"
            if dep == "acl" and tok.tag_ in ("VBN", "VBG") and head.pos_ in ("NOUN", "PROPN"):
                return "acl"
            if (
                dep == "advcl"
                and tok.tag_ in ("VBG", "VBN")
                and not any(c.dep_ in SUBJECTS or c.dep_ == "mark" for c in tok.children)
            ):
                return "advcl"
        return None

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
                if kind != "frame":
                    units.extend(self._detach(child, kind))
                dropped |= self._leftovers(tok, child, kind, root)
        own -= dropped
        frame = self.frame_by_cue.get(root.i)
        if frame is None or frame.kind != "verb":  # a verb frame alone ("NSO has said") is no claim
            core = _trim(self.table, own | set(inherited))
            if any(not self.table.is_punct[i] for i in core):
                units.insert(0, Unit(frozenset(core)))
        return units

    def _leftovers(self, head: Token, child: Token, kind: str, root: Token) -> set[int]:
        """Tokens of the parent that only made sense with the detached part: the "and" before a
        conjunct, and a frame inside a modifier ("people that NSO says ...", "as NSO says")."""
        if kind == "frame":
            return subtree(child)
        if kind in ("conj", "parataxis", "comma_clause"):
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
        if kind in ("content", "comma_clause"):
            return self.split(tok, frozenset())
        if kind in ("conj", "advcl", "parataxis"):
            has_subject = any(c.dep_ in SUBJECTS for c in tok.children)
            subject = None if has_subject else subject_of(head)
            inherited: frozenset[int] = frozenset()
            if subject is not None and subject.dep_ != "expl":
                inherited = frozenset(i for i in subtree(subject) if i < tok.left_edge.i or i > tok.right_edge.i)
            return self.split(tok, inherited)
        noun_phrase = frozenset(_minimal_np(_np_head(head)))
        if kind == "relcl":
            pronoun = tok.left_edge
            if pronoun.lower_ in _RELATIVE_PRONOUNS and pronoun.lower_ != "whose":
                self.substitutes[pronoun.i] = tuple(sorted(noun_phrase))
                return self.split(tok, frozenset())
        return self.split(tok, noun_phrase)  # appos, acl: "Robert Stromberg, [a] production designer"

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


def _verb_of(sent: SpacySpan, frame: Frame) -> int:
    doc = sent.doc
    for i in frame.cue:
        if doc[i].pos_ in ("VERB", "AUX") and doc[i].dep_ not in ("aux", "auxpass"):
            return i
    return frame.cue[0]


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
    """The noun and its pre-modifiers (determiners, compounds, adjectives, possessives)."""
    out = {noun.i}
    for child in noun.children:
        if child.dep_ in _NP_MODIFIERS and child.i < noun.i:
            out |= subtree(child)
    return out


def _trim(t: TokenTable, tokens: set[int]) -> set[int]:
    """Drop whitespace, and leading/trailing punctuation and conjunctions (sentence-final marks stay)."""
    ordered = sorted(i for i in tokens if not t.is_space[i])
    while ordered and (
        t.is_punct[ordered[0]] and t.text[ordered[0]] not in _OPENING_MARKS or t.dep[ordered[0]] == "cc"
    ):
        ordered.pop(0)
    while ordered and t.dep[ordered[-1]] == "cc":
        ordered.pop()
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
        elif t.text[i] == ")":
            if opens:
                start = opens.pop()
                if k == start + 1:
                    drop.update((ordered[start], i))
            else:
                drop.add(i)
    drop.update(ordered[k] for k in opens)
    return [i for i in ordered if i not in drop]


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
    replaced by its noun), a leading complementizer ("that") dropped, first letter capitalised."""
    pieces: list[str] = []
    ordered = sorted(unit.tokens)
    for n, i in enumerate(ordered):
        if n == 0 and t.dep[i] == "mark" and t.lower[i] in ("that", "whether", "if"):
            continue
        if pieces and pieces[-1] != " " and i - 1 not in unit.tokens and not t.is_punct[i]:
            pieces.append(" ")
        pieces.append(t.text[i])
        nxt = ordered[n + 1] if n + 1 < len(ordered) else None
        if nxt is not None and nxt == i + 1 and t.ws[i]:
            pieces.append(" ")
    text = "".join(pieces).replace("( )", "").replace("()", "").strip()
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
    """Split articles and label their claims, streaming.

    The rule predictor reuses the parse the splitter made (one spaCy pass per article); any other
    predictor receives batches of ``batch_articles`` split articles.
    """
    from tqdm import tqdm

    from claimkit.annotate.sourcing import RulePredictor

    parsed_stream = tqdm(
        parse_articles(articles, nlp), desc="articles", unit=" art", disable=not progress or None, file=sys.stderr
    )
    batch: list[SplitArticle] = []
    for parsed in parsed_stream:
        item = split_parsed(parsed, granularity)
        if predictor is None:
            yield item
        elif isinstance(predictor, RulePredictor):
            yield predictor.label_parsed(parsed, item)
        else:
            batch.append(item)
            if len(batch) >= batch_articles:
                yield from predictor.predict(batch)
                batch = []
    if batch and predictor is not None:
        yield from predictor.predict(batch)
