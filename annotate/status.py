"""Dispute status across the article: find what addresses a claim, wherever it is, and say who.

A claim's status rests on *evidence* words; this module finds them and links them to the claim(s)
they address:

- the claim's own frame: "X denied that A" (A disputed), "X has not disputed that A" (undisputed),
  "X confirmed that A" (corroborated), "X falsely claimed that A" / "the false claim that A"
  (contradicted: the article's own voice);
- a verdict elsewhere that points back: "X denied the report", "a charge X denied", "which he has
  denied", "His campaign confirmed.", "a fact later confirmed by the department", "X disputed their
  account", "that's untrue", "the debunked accounts", "In fact, ..." — the anaphor or the bare verb
  stands for the nearest earlier claim the article attributes to someone (same or previous
  paragraph), or for the content of the noun it names ("allegations that A, which he denied");
- negation turns a dispute into ``undisputed`` ("nor have they denied", "did not dispute that") and
  cancels a confirmation or contradiction (nothing is known then);
- the author's voice in fact checks, each with a clear link to the claim it rules on: the first
  sentence after a quote and its dash line ('"..." / - Bernie Sanders. / The senator is relying on an
  outdated statistic.'), an elliptic "It didn't." right after a claim, "X was wrong in his claim about
  B" (the claim holding B's words), a rating ("gave Carson two Pinocchios": Carson's claim; a quoted
  label, 'concluded his comments were "Mostly False."'), "there is no evidence that A", and an emphatic
  "these companies do pay taxes" against a claim that they "pay zero taxes";
- an event noun standing for the claim that reported the event ("Her death was confirmed by the
  Eagle Forum": "died on Monday"), and a confirmation that retells the sentence just before it about
  the same named subject.

When several verdicts reach one claim, its own frame wins (a claim someone denies stays disputed
even when a third party "has not disputed that account"), then the stronger verdict:
contradicted > disputed > corroborated > undisputed. The evidence spans are the verdict words and
the mention of who disputes or backs the claim (none when it is the article itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import yaml

from claimkit.annotate.frames import Frame, Lexicon, matches, relative_that, subject_of, subtree
from claimkit.annotate.schema import data_dir
from claimkit.annotate.types import Span

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from claimkit.annotate.nlp import ParsedParagraph

NOT_ADDRESSED, UNDISPUTED, DISPUTED, CORROBORATED, CONTRADICTED = (
    "not_addressed",
    "undisputed",
    "disputed",
    "corroborated",
    "contradicted",
)
_RANK = {NOT_ADDRESSED: 0, UNDISPUTED: 1, CORROBORATED: 2, DISPUTED: 3, CONTRADICTED: 4}
_POINTERS = frozenset({"it", "this", "that", "these", "those", "which"})
_FACT_MARKERS = frozenset({"actually"})
# A verdict word the tagger took for a noun ("a claim that X strongly disputes") still acts as a verb here.
# A fragment ("Its donations") is never what a verdict addresses.
_MIN_TARGET_TOKENS = 3
_VERBAL_DEPS = frozenset({"ROOT", "acl", "relcl", "ccomp", "advcl", "conj"})
_AUXILIARIES = frozenset({"do", "have", "be", "will", "would", "can", "could", "should"})
# An elliptic "It didn't." has at most four words; with punctuation and a parenthesis, seven tokens.
_ELLIPSIS_TOKENS = 7
_NEGATIVE_DETERMINERS = frozenset({"no", "zero", "none", "nothing"})
_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
_DEFINITE = frozenset({"the", "this", "that", "his", "her", "its", "their"})
_FIRST_PERSON = frozenset({"i", "we"})
_POSSESSIVE_DETS = frozenset({"these", "those", "my", "our", "your"})
_INDEFINITE = frozenset({"a", "an", "some", "any", "another", "no"})
# Dependencies through which a verdict's clause hangs on a verb that may make it hypothetical, and how
# far up that is followed.
_EMBEDDED = frozenset({"conj", "xcomp", "ccomp", "relcl", "acl", "dobj", "pobj", "nsubj", "pcomp", "prep"})
_MAX_EMBEDDING = 4
_ABOUT = frozenset({"about", "on", "regarding", "over"})
# "was wrong in his claim about X": the phrase must name at least this many content words of the claim.
_MIN_ABOUT_WORDS = 2
_ABOUT_SHARE = 0.6
# How far back (paragraphs) a rating's receiver ("gave Carson two Pinocchios") is looked up among sources.
_RATING_REACH = 4


@dataclass(frozen=True)
class StatusCues:
    """The ``status`` mapping of ``data/cues.yaml``: read here, because the frame lexicon
    (``annotate.frames.Lexicon``) holds only flat word lists and its loader would reject new keys."""

    event_nouns: dict[str, frozenset[str]]
    verdict_words: frozenset[str]
    truth_words: frozenset[str]
    evidence_nouns: frozenset[str]
    rating_nouns: frozenset[str]
    receiving_verbs: frozenset[str]
    claim_nouns: frozenset[str] = frozenset()
    object_bound_verbs: frozenset[str] = frozenset()
    aspectual_verbs: frozenset[str] = frozenset()
    hypothetical_auxiliaries: frozenset[str] = frozenset()
    conditional_marks: frozenset[str] = frozenset()
    correction_conjunctions: frozenset[str] = frozenset()
    non_assertive_cues: frozenset[str] = frozenset()


@cache
def status_cues() -> StatusCues:
    raw = yaml.safe_load((data_dir() / "cues.yaml").read_text(encoding="utf-8")).get("status") or {}

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw.get(key) or ())

    return StatusCues(
        event_nouns={
            str(k).lower(): frozenset(str(v).lower() for v in vs) for k, vs in (raw.get("event_nouns") or {}).items()
        },
        verdict_words=words("verdict_words"),
        truth_words=words("truth_words"),
        evidence_nouns=words("evidence_nouns"),
        rating_nouns=words("rating_nouns"),
        receiving_verbs=words("receiving_verbs"),
        claim_nouns=words("claim_nouns"),
        object_bound_verbs=words("object_bound_verbs"),
        aspectual_verbs=words("aspectual_verbs"),
        hypothetical_auxiliaries=words("hypothetical_auxiliaries"),
        conditional_marks=words("conditional_marks"),
        correction_conjunctions=words("correction_conjunctions"),
        non_assertive_cues=words("non_assertive_cues"),
    )


@dataclass(frozen=True)
class ClaimSite:
    """Where a claim sits in the parse and the attribution frame the rules gave it (if any)."""

    para: ParsedParagraph | None
    tokens: frozenset[int]
    frame: Frame | None
    kind: str | None

    @property
    def start(self) -> int:
        """Character offset of the claim's first token, for reading order across paragraphs."""
        if self.para is None or not self.tokens:
            return -1
        return self.para.span.start + self.para.doc[min(self.tokens)].idx


@dataclass(frozen=True)
class Verdict:
    """A status for one claim, its score, the evidence character spans, and whether the claim's own frame gave it."""

    value: str
    score: float
    spans: tuple[Span, ...] = ()
    own: bool = False

    def beats(self, other: Verdict) -> bool:
        if self.own != other.own:
            return self.own
        return _RANK[self.value] > _RANK[other.value]


def verdict_kind(lex: Lexicon, lemma: str) -> str | None:
    """``dispute``, ``corroborate`` or ``contradict`` for a verdict word, else None."""
    if lemma in lex.dispute_verbs:
        return "dispute"
    if lemma in lex.corroborate_verbs:
        return "corroborate"
    if lemma in lex.contradict_verbs:
        return "contradict"
    return None


def status_value(kind: str | None, negated: bool) -> str | None:
    """ "denied" → disputed, "has not disputed" → undisputed; "confirmed" → corroborated and
    "contradicted" → contradicted, unless negated (then nothing is known)."""
    if kind == "dispute":
        return UNDISPUTED if negated else DISPUTED
    if negated:
        return None
    return {"corroborate": CORROBORATED, "contradict": CONTRADICTED}.get(kind or "")


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "nor") for c in tok.children) or any(
        c.lower_ == "nor" for c in tok.head.children if tok.dep_ == "conj"
    )


def _char_spans(para: ParsedParagraph, tokens: set[int]) -> tuple[Span, ...]:
    """Article character spans of ``tokens`` (punctuation left out), merged across whitespace."""
    doc, base, text = para.doc, para.span.start, para.doc.text
    out: list[Span] = []
    for i in sorted(tokens):
        tok = doc[i]
        if tok.is_punct:
            continue
        span = Span(base + tok.idx, base + tok.idx + len(tok.text))
        if out and text[out[-1].end - base : span.start - base].strip() == "":
            out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return tuple(out)


def _pointer_clause(clauses: Sequence[Token]) -> Token | None:
    """The pointer subject of a short complement that only points back ("denied it happened",
    "denied that that was the case", "confirmed it was true"), else None."""
    if len(clauses) != 1:
        return None
    clause = clauses[0]
    size = sum(1 for t in clause.subtree if not t.is_punct)
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if size <= 5 and subjects and subjects[0].lower_ in _POINTERS and not _expletive(subjects[0], clause):
        return subjects[0]
    return None


def _who(verb: Token) -> set[int]:
    """The mention of who gives the verdict: the verb's subject, or its passive agent ("by the department")."""
    for child in verb.children:
        if child.dep_ == "agent":
            return {t.i for c in child.children if c.dep_ == "pobj" for t in c.subtree}
    subject = subject_of(verb)
    if subject is None or subject.lower_ in _POINTERS:
        return set()
    if verb.dep_ in ("relcl", "acl") and subject.i == verb.head.i:
        return set()
    return {t.i for t in subject.subtree if not (t.dep_ == "relcl" or t.is_punct)} - _relcl_tokens(subject)


def _relcl_tokens(tok: Token) -> set[int]:
    return {i for c in tok.children if c.dep_ in ("relcl", "acl", "appos") for i in subtree(c)}


def _cue_words(verb: Token) -> set[int]:
    return {verb.i} | {c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i}


class StatusFinder:
    """Links verdicts to claims for one article (``find`` is the entry point)."""

    def __init__(self, sites: Sequence[ClaimSite], lex: Lexicon, cues: StatusCues | None = None) -> None:
        self.sites = sites
        self.lex = lex
        self.cues = cues or status_cues()
        self.verdicts: list[Verdict | None] = [None] * len(sites)
        self._words: dict[int, frozenset[str]] = {}  # content words per claim, built once (``_restated``)

    def find(self) -> list[Verdict | None]:
        """Own-frame verdicts first, then every verdict word of the paragraphs that hold claims."""
        for k, site in enumerate(self.sites):
            verdict = self._own(site)
            if verdict is not None:
                self._give(k, verdict)
                for j in self._restated(k):
                    self._give(j, replace(verdict, own=False, score=verdict.score - 0.1))
        paragraphs: dict[int, ParsedParagraph] = {}
        for site in self.sites:
            if site.para is None or site.para.index in paragraphs:
                continue
            paragraphs[site.para.index] = site.para
            self._scan(site.para)
        self._fact_check_layout(paragraphs)
        return self.verdicts

    def _restated(self, k: int) -> list[int]:
        """Earlier claims that say what claim ``k`` says, in (nearly) the same words: "BuzzFeed reported
        that he was working on a book. [...] Lewandowski has denied that he was working on a book."
        The denial addresses the earlier report's claim too. The earlier claim holds 80% of the
        content words (all of them when there are only two or three) and is not much longer."""
        words = self._content_words(k)
        if len(words) < 2:
            return []
        need = len(words) if len(words) <= 3 else 0.8 * len(words)
        same = [
            j
            for j in range(k)
            if len(words & (earlier := self._content_words(j))) >= need and len(earlier) <= 1.5 * len(words) + 1
        ]
        return sorted(set(same) | set(self._restated_just_before(k)))

    def _restated_just_before(self, k: int) -> list[int]:
        """The claim of the sentence right before claim ``k`` when ``k`` retells it about the same named
        subject: "Trump also is set to huddle privately with key Republican lawmakers. His campaign
        confirmed that Trump would be meeting with top Republican officials." The named subject and one
        more content word must recur; adjacency is the link the looser wording needs."""
        site = self.sites[k]
        para = site.para
        if para is None or not site.tokens:
            return []
        subject = _named_subject(para, site.tokens)
        if subject is None:
            return []
        sentence = para.sentence_of_token[min(site.tokens)]
        words = self._content_words(k) - {para.lemmas[subject]}
        out = []
        for j, other in enumerate(self.sites):
            if j == k or other.para is not para or len(other.tokens) < _MIN_TARGET_TOKENS:
                continue
            if para.sentence_of_token[min(other.tokens)] != sentence - 1 or other.frame == site.frame:
                continue
            theirs = _named_subject(para, other.tokens)
            if theirs is not None and para.lower[theirs] == para.lower[subject] and words & self._content_words(j):
                out.append(j)
        return out

    def _content_words(self, k: int) -> frozenset[str]:
        if k not in self._words:
            site = self.sites[k]
            words: frozenset[str] = frozenset()
            if site.para is not None:
                doc, lemmas = site.para.doc, site.para.lemmas
                words = frozenset(lemmas[i] for i in site.tokens if doc[i].is_alpha and not doc[i].is_stop)
            self._words[k] = words
        return self._words[k]

    def _give(self, k: int, verdict: Verdict) -> None:
        current = self.verdicts[k]
        if current is None or verdict.beats(current):
            self.verdicts[k] = verdict

    # -- the claim's own frame -------------------------------------------------------------------
    def _own(self, site: ClaimSite) -> Verdict | None:
        frame, para = site.frame, site.para
        if frame is None or para is None or site.kind not in ("verb", "noun"):
            return None
        doc, lex = para.doc, self.lex
        cue = [doc[i] for i in frame.cue]
        evidence = set(frame.cue) | set(frame.source)
        if any(c.lower_ in lex.false_adverbs for t in cue for c in t.children if c.dep_ == "advmod") or any(
            c.lower_ in lex.false_adjectives
            for t in cue
            if t.pos_ not in ("NOUN", "PROPN") or matches(t, self.cues.claim_nouns)
            for c in t.children
            if c.dep_ == "amod"
        ):
            words = {c.i for t in cue for c in t.children if c.lower_ in lex.false_adverbs | lex.false_adjectives}
            return Verdict(CONTRADICTED, 0.7, _char_spans(para, set(frame.cue) | words), own=True)
        for tok in cue:
            kind = verdict_kind(lex, tok.lemma_.lower())
            if kind is None:
                continue
            if self._unreal(tok) or _wh_content(tok):
                return None  # "refused to concede that A", "questioned how Cruz could ...": no verdict on A
            if tok.pos_ in ("VERB", "AUX") and not _complement_holds(tok, site.tokens):
                return None  # "since the day he signed the bill, he acknowledged an openness": not what he acknowledged
            if any(doc[i].text == "?" for i in frame.content | site.tokens):
                return None  # '"What was the pivot point?" Beck questioned.': a question, not a claim disputed
            if any(c.dep_ == "nsubjpass" and c.i in frame.source for c in tok.children):
                return None  # "Nobody opposed him - he was confirmed 92 to 0": he is confirmed, not A
            value = status_value(kind, any(_negated(t) for t in cue))
            if value is not None:
                return Verdict(value, 0.75 if kind == "dispute" else 0.7, _char_spans(para, evidence), own=True)
        return None

    # -- verdicts elsewhere ----------------------------------------------------------------------
    def _scan(self, para: ParsedParagraph) -> None:
        lex, doc = self.lex, para.doc
        lemmas, lower = para.lemmas, para.lower
        for i in range(len(doc)):
            lemma = lemmas[i]
            kind = verdict_kind(lex, lemma)
            if kind is not None and _verbal(doc[i]):
                self._verb_verdict(para, doc[i], kind)
            elif lower[i] in lex.falsity_words or lemma in lex.falsity_words:
                self._falsity(para, doc[i])
            elif lower[i] == "fact" and i > 0 and lower[i - 1] == "in" and doc[i - 1].dep_ == "prep":
                self._in_fact(para, doc[i - 1], doc[i - 1].head, i - 1)
            elif lower[i] == "clear" and i > 1 and lower[i - 2 : i] == ("to", "be") and i not in para.quoted:
                self._in_fact(para, doc[i], doc[i].head.head, i - 2)  # "To be clear, the election is Nov. 8."
            elif lower[i] == "contrary" and i not in para.quoted:
                self._contrary(para, doc[i])
            elif lower[i] in _FACT_MARKERS and doc[i].dep_ == "advmod" and i not in para.quoted:
                self._in_fact(para, doc[i], doc[i].head, i)
            elif lower[i] in self.cues.rating_nouns and i not in para.quoted:
                self._rating(para, doc[i])
            elif lemma in self.cues.evidence_nouns and i not in para.quoted:
                self._no_evidence(para, doc[i])
        for i in range(len(doc)):
            if lower[i] in ("do", "does", "did") and _emphatic_do(para, doc[i]):
                self._emphatic(para, doc[i])
        for sentence in para.sentences:
            if len(sentence) <= _ELLIPSIS_TOKENS and _elliptic_negation(para, sentence):
                # "It didn't." / "She hadn't." right after what someone said: the author says it is not so
                words = {t.i for t in sentence if not t.is_punct}
                for k in self._just_before(para, sentence.start):
                    self._give(k, Verdict(CONTRADICTED, 0.55, _char_spans(para, words)))

    def _verb_verdict(self, para: ParsedParagraph, verb: Token, kind: str) -> None:
        """A verdict verb whose object points back, or that has no object ("His campaign confirmed.").
        Not when the verdict is only supposed ("refused to concede", "would back") and, for "back" and
        "support", only when what they take is a claim ("backed Bob's account", "backed that up"):
        "back Trump", "support the regulations", "backed away" endorse, they corroborate nothing."""
        if self._unreal(verb):
            return
        clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
        pointer = _pointer_clause(clauses)
        if clauses and pointer is None:
            return  # "denied that A": the claim's own frame
        value = status_value(kind, _negated(verb))
        if value is None:
            return
        found = pointer if pointer is not None else self._anaphor(verb)
        if para.lemmas[verb.i] in self.cues.object_bound_verbs and not self._claim_object(verb, found):
            return
        if found is None and not _clause_final(verb):
            return  # "While he acknowledged funding was ...": the parser lost the complement, no bare verdict
        if found is None and any(
            verb.i in frame.cue and frame.content for frame in para.frames[para.sentence_of_token[verb.i]]
        ):
            return  # "All of this, he acknowledges, could be undone": it reports its own clause, nothing earlier
        if isinstance(found, bool):  # False: its object is something else, no verdict on a claim ...
            event = self._event_noun(verb)  # ... unless it names the event a claim reported
            if event is not None:
                evidence = _cue_words(verb) | _who(verb) | {event.i}
                for k in self._event_claims(para, event):
                    self._give(k, Verdict(value, 0.6, _char_spans(para, evidence)))
            return
        anchor = found
        who = _who(verb)
        evidence = _cue_words(verb) | who
        if anchor is not None:
            evidence.add(anchor.i)
        # who gives the verdict: their own claims are never what it addresses ("the brief said that was
        # not her view and dismissed those reports" dismisses the reports, not the brief's own words)
        giver = _head_word(para, sorted(who)) if who else None
        if giver is None or giver in _FIRST_PERSON:  # '"I fundamentally disagree," said Bednarek'
            giver = _giver(para, verb)
        targets = self._noun_content(para, anchor) or self._following(para, anchor) if anchor is not None else []
        # a verdict in a relative clause on the claim noun ("A, a charge that X denied") may sit on the claim
        tails = anchor is not None and anchor.i == verb.head.i
        if (
            not targets
            and anchor is not None
            and any(c.dep_ == "prep" and c.lower_ == "about" for c in anchor.children)
        ):
            # "dismissed the story about Clinton's emails": the claim holding those words, or none
            targets = self._apart(para, verb.i, self._about(para, anchor), tails)
            if not targets:
                return
        if not targets and _concessive(verb):
            # "..., although Israel disputes this": the clause the concession hangs on, whoever says it
            targets = self._apart(para, verb.i, self._same_sentence(para, verb.left_edge.i), tails)
        if not targets:
            start = (anchor if anchor is not None and verb.dep_ in ("relcl", "acl") else verb).left_edge
            targets = self._previous(para, start.i, corroborating=kind == "corroborate", giver=giver)
            if anchor is not None and anchor.tag_ == "NNS" and targets:
                targets = self._same_source(targets, para, start.i)
            targets = self._apart(para, verb.i, targets, tails)
        score = 0.65 if kind == "dispute" else 0.6
        for k in targets:
            self._give(k, Verdict(value, score, _char_spans(para, evidence)))

    def _unreal(self, verb: Token) -> bool:
        """Whether a verdict word is only supposed, not given: an infinitive ("refused to concede that",
        "pressure to back Trump", "could be to undermine it"; "continued to refute" is given), a modal
        ("would back", "we may disagree"), a condition ("if it wasn't true"), or "no denying"; also when
        the clause it sits in hangs on such a verb ("we had to go back and say we have new information
        that contradicts it")."""
        cues = self.cues
        chain = [verb]
        tok = verb
        while tok.dep_ in _EMBEDDED and tok.head.i != tok.i and len(chain) < _MAX_EMBEDDING:
            tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                chain.append(tok)
        for tok in chain:
            for child in tok.children:
                if child.dep_ == "aux" and child.lower_ == "to":
                    if not (tok.dep_ == "xcomp" and tok.head.lemma_.lower() in cues.aspectual_verbs):
                        return True
                if child.dep_ in ("aux", "auxpass") and child.lower_ in cues.hypothetical_auxiliaries:
                    return True
                if child.dep_ == "mark" and child.lower_ in cues.conditional_marks:
                    return True
                if child.dep_ == "det" and child.lower_ == "no":
                    return True
        return False

    def _claim_object(self, verb: Token, found: Token | None | bool) -> bool:
        """Whether "back"/"support" takes a claim: a claim noun ("backed Bob's account", "supports the
        idea that A" is the own frame's), or a pointer with "up" ("Financial records backed that up")."""
        if not isinstance(found, bool) and found is not None:
            if matches(found, self.cues.claim_nouns):
                return True
            up = any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children)
            return up and found.lower_ in _POINTERS and found.dep_ not in ("nsubj", "nsubjpass")
        return False

    def _apart(self, para: ParsedParagraph, word: int, targets: list[int], tails: bool = True) -> list[int]:
        """``targets`` less the claims whose own predication holds the verdict word: "Voting fraud is, in
        fact, very rare" or "she acknowledged it was unlikely" rule on no claim of their own. A verdict in
        a tail the splitter left on the claim ("A, a charge that Mr. Trump denied"; "A - a point that
        officials have disputed") still rules on it, unless ``tails`` is off (the verdict is about something
        else: "a case challenging China's claims")."""
        out = []
        for k in targets:
            tokens = self.sites[k].tokens
            if self.sites[k].para is not para or word not in tokens:
                out.append(k)
                continue
            tok = para.doc[word]
            while tok.i in tokens and not _tail(tok) and tok.head.i != tok.i:
                tok = tok.head
            if tails and tok.i in tokens and _tail(tok):
                out.append(k)
        return out

    def _inside_another(self, k: int) -> bool:
        """Whether the cue of claim ``k``'s frame lies inside another claim ("Trump continues to insist
        that he really wants" holding the "wants" of "to release his taxes")."""
        site = self.sites[k]
        if site.frame is None or not site.frame.cue:
            return False
        return any(j != k and s.para is site.para and set(site.frame.cue) & s.tokens for j, s in enumerate(self.sites))

    def _assertive(self, k: int) -> bool:
        """Whether claim ``k`` asserts something: not the content of a proposal, request or wish
        ("Clinton proposed a debate"), which a verdict that points back ("Sanders rejected that") refuses
        rather than disputes."""
        site = self.sites[k]
        if site.para is None:
            return True
        doc = site.para.doc
        lemmas = site.para.lemmas
        # the cue of its frame, or the claim's own main verb ("Jones proposed a debate")
        cue = set(site.frame.cue) if site.frame is not None else set()
        cue |= {i for i in site.tokens if doc[i].pos_ == "VERB" and doc[i].head.i not in site.tokens}
        if not any(lemmas[i] in self.cues.non_assertive_cues for i in cue):
            return True
        # "he continues to insist that he wants to release them" asserts, whatever frame it was given
        return any(lemmas[i] in self.lex.reporting_verbs for i in site.tokens if i not in cue)

    def _anaphor(self, verb: Token) -> Token | None | bool:
        """The word the verdict is about: the head noun of "a charge that X denied" / "a fact
        confirmed by", an anaphoric object or passive subject ("denied the report"), None when the
        verb has no object at all, and False when its object is something else (no verdict on a claim)."""
        lex = self.lex
        nouns = lex.anaphoric_objects
        head = verb.head
        if (
            verb.dep_ in ("relcl", "acl")
            and head.pos_ in ("NOUN", "PROPN")
            and matches(head, nouns)
            and not any(c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in verb.children)
        ):
            return head  # "a charge that X denied"; not "news reports that question his statements"
        if verb.dep_ == "relcl" and head.lower_ == "something" and head.dep_ in ("npadvmod", "appos"):
            return head  # "..., something he denied": a phrase summing up the clause before it
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
        if verb.dep_ in ("relcl",) and any(
            c.lower_ == "which" and c.dep_ in ("dobj", "nsubjpass") for c in verb.children
        ):
            return head  # "..., which he has denied": what the clause before it says
        if verb.dep_ in ("relcl", "acl") and not any(c.lower_ not in ("that", "who", "which") for c in objects):
            # "those who supported", "super PACs supported by the Koch brothers", "a deal that was
            # rejected by Congress": the verb describes its head, and that is not a claim
            return False
        if not objects:
            if any(
                c.dep_ in ("prep", "acomp", "advcl") for c in verb.children if c.i > verb.i and c.lower_ != "through"
            ):
                return False  # "backed by", "questioned about": not a verdict on a claim
            return None
        obj = objects[0]
        if matches(obj, nouns):
            if any(c.dep_ == "det" and c.lower_ in _INDEFINITE for c in obj.children):
                return False  # "refute a Politico story": a new one, not one the article has told
            if obj.lower_ not in _POINTERS and obj.lemma_.lower() not in self.cues.claim_nouns:
                if any(c.dep_ == "prep" and c.lower_ == "of" for c in obj.children):
                    return False  # "rejected the idea of a debate": a proposal, not a claim
            return obj
        return False

    def _just_before(self, para: ParsedParagraph, before: int) -> list[int]:
        """The attributed claim that ends the sentence right before token ``before`` (the last sentence
        of the previous paragraph when ``before`` opens its paragraph): what an elliptic "It didn't."
        answers. None when that sentence holds no attributed claim ("I waited to see if Obama would
        appoint him. He did not." answers no one's claim)."""
        sentence = para.sentence_of_token[before]
        nearest = max(
            ((s.start, k) for k, s in self._earlier(para, before) if len(s.tokens) >= _MIN_TARGET_TOKENS),
            default=None,
        )
        if nearest is None:
            return []
        site = self.sites[nearest[1]]
        other = site.para
        if other is None or site.kind is None:
            return []
        if other is para:
            adjacent = (
                other.sentence_of_token[min(site.tokens)] >= sentence - 1
                or other.sentence_of_token[max(site.tokens)] == sentence - 1
            )
        else:
            adjacent = (
                sentence == 0
                and other.index == para.index - 1
                and other.sentence_of_token[max(site.tokens)] == len(other.sentences) - 1
            )
        return [nearest[1]] if adjacent else []

    def _event_noun(self, verb: Token) -> Token | None:
        """The definite event noun a verdict verb takes as object or passive subject ("Her death was
        confirmed", "confirmed the resignation"), else None."""
        if sum(1 for c in verb.children if c.dep_ in ("dative", "iobj", "dobj")) > 1:
            return None  # "denied his party the victory": refused it, no verdict on a claim
        for child in verb.children:
            if child.dep_ not in ("dobj", "nsubjpass") or child.lemma_.lower() not in self.cues.event_nouns:
                continue
            if any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in child.children):
                return child
        return None

    def _event_claims(self, para: ParsedParagraph, noun: Token) -> list[int]:
        """The nearest earlier claim (same or previous paragraph) whose verb is the one ``noun``
        nominalises: "died on Monday" for "Her death"."""
        verbs = self.cues.event_nouns[noun.lemma_.lower()]
        for k in self._nearest_first(para, noun.i, reach=1):
            site = self.sites[k]
            doc, lemmas = site.para.doc, site.para.lemmas  # type: ignore[union-attr]
            if any(doc[i].pos_ == "VERB" and lemmas[i] in verbs for i in site.tokens):
                return [k]
        return []

    def _falsity(self, para: ParsedParagraph, word: Token) -> None:
        """ "that's untrue", "is simply not true", "an idea that was completely untrue", "got that
        wrong": the author's voice contradicts; a quoted or attributed speaker disputes."""
        lex = self.lex
        head = word.head if word.dep_ in ("acomp", "attr", "amod", "oprd", "advmod") else word
        if word.lower_ == "true" and not _negated(head) and not any(c.dep_ == "neg" for c in word.children):
            return
        if any(c.dep_ == "mark" and c.lower_ in self.cues.conditional_marks for c in head.children):
            return  # "why he would do so if it wasn't true": a condition, no verdict
        if word.dep_ == "amod":  # "the debunked accounts", "a false claim"
            noun = word.head
            if not matches(noun, self.cues.claim_nouns):
                return  # "gives people false hope", "the wrong message": no claim is ruled on
            definite = any(
                (c.dep_ == "det" and c.lower_ in _DEFINITE | _POSSESSIVE_DETS) or c.dep_ == "poss"
                for c in noun.children
            )
            if self._noun_content(para, noun) or not definite:
                # "the false claim that A" is the own frame rule's; "false news reports" or "some inaccurate
                # statement" mean no earlier claim. Either way the falsity reaches what the frame it hangs on
                # reports: "X said A, repeating a false claim that B" (A is false too), "Citing an unfounded
                # theory, Trump accused Cruz of A"
                for k in self._reporting_content(para, noun.head):
                    if not _aside(para, self.sites[k].tokens):  # not "Cruz, who was born in Cuba"
                        self._give(k, Verdict(CONTRADICTED, 0.6, _char_spans(para, {word.i, noun.i})))
                return
            targets = self._previous(para, noun.left_edge.i, corroborating=False, same_sentence_first=True)
            for k in targets:
                self._give(k, Verdict(CONTRADICTED, 0.6, _char_spans(para, {word.i, noun.i})))
            return
        pointer = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
        objects = [c for c in head.children if c.dep_ == "dobj"]
        if head.lemma_ == "get" and objects:
            pointer = objects[0]
        if pointer is None or _expletive(pointer, head):
            return  # "it is wrong to imply that ...": the falsity rules on an act, not on a claim
        if head.dep_ == "relcl" and pointer.lower_ in ("that", "which"):
            pointer = head.head
        # a rating quoted from a fact-checker ('concluded his comments were "Mostly False."') is the
        # checker's verdict, not a speaker's denial
        quoted = word.i in para.quoted and not _quoted_label(para, word)
        value = DISPUTED if quoted else CONTRADICTED
        evidence = {word.i} | {c.i for c in head.children if c.dep_ == "neg"}
        # "his claim about B" says which claim: the one holding B's words, or none (never the nearest)
        described = self._described_claim(word, pointer)
        if described is not None:
            targets = self._about(para, described)
            evidence.add(described.i)
        elif pointer.lower_ in _POINTERS or pointer.lemma_.lower() in lex.anaphoric_objects:
            targets = self._noun_content(para, pointer) or self._previous(
                para, head.left_edge.i, corroborating=False, giver=None if quoted else _giver(para, word)
            )
        else:
            return
        for k in self._apart(para, word.i, targets):
            self._give(k, Verdict(value, 0.6, _char_spans(para, evidence)))

    def _emphatic(self, para: ParsedParagraph, aux: Token) -> None:
        """The author's emphatic "do" against a negative claim about the same action: "these
        companies do pay all sorts of other taxes" contradicts '"[They] pay zero taxes." - Sanders.'
        The link is lexical: the nearest earlier attributed claim (up to two paragraphs back, the
        quote of a fact-check layout) where the same verb is negated or its object is "zero"/"no"."""
        verb = aux.head
        if aux.i in {i for frame in para.frames[para.sentence_of_token[aux.i]] for i in frame.content}:
            return
        lemma = para.lemmas[verb.i]
        for k in self._nearest_first(para, aux.sent.start, reach=2):
            site = self.sites[k]
            if site.kind is not None and _negative_use(site, lemma):
                self._give(k, Verdict(CONTRADICTED, 0.55, _char_spans(para, {aux.i, verb.i})))
                return

    def _no_evidence(self, para: ParsedParagraph, noun: Token) -> None:
        """The author saying nothing supports a claim: "There is no evidence that A" contradicts A;
        "there being no evidence to support his insinuations" the claim the anaphor points back to.
        Only in the article's own voice: a source saying so about itself is a denial, left to the
        verb rules."""
        if not any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
            return
        if any(noun.i in frame.content for frame in para.frames[para.sentence_of_token[noun.i]]):
            return
        targets = self._noun_content(para, noun) or self._following(para, noun)
        if not targets:
            backed = [
                o
                for c in noun.children
                if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in self.lex.corroborate_verbs
                for o in c.children
                if o.dep_ == "dobj"
            ]
            if backed and (backed[0].lower_ in _POINTERS or backed[0].lemma_.lower() in self.lex.anaphoric_objects):
                targets = self._noun_content(para, backed[0]) or self._previous(
                    para, noun.sent.start, corroborating=False
                )
        words = {noun.i} | {c.i for c in noun.children if c.dep_ == "det"}
        for k in targets:
            if noun.i not in self.sites[k].tokens:  # "He offered no proof that A" unsplit: no verdict on itself
                self._give(k, Verdict(CONTRADICTED, 0.55, _char_spans(para, words)))

    def _described_claim(self, word: Token, pointer: Token) -> Token | None:
        """A reporting noun that names what the claim was about: "Trump was wrong in his claim about
        Ford canceling its plant" (or "his claim about ... was false"), else None."""
        nouns = self.lex.reporting_nouns | self.lex.anaphoric_objects
        candidates = [pointer] + [
            g for c in (*word.children, *word.head.children) if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
        ]
        for noun in candidates:
            if noun.lemma_.lower() in nouns and any(c.dep_ == "prep" and c.lower_ in _ABOUT for c in noun.children):
                return noun
        return None

    def _about(self, para: ParsedParagraph, noun: Token) -> list[int]:
        """The earlier claim (anywhere before) that holds most content words of the noun's "about"
        phrase: "his claim about Ford canceling its plant in Mexico" names "Ford Motor [...] is going to
        cancel their deal to go to Mexico" by Ford, cancel and Mexico."""
        lemmas, doc = para.lemmas, para.doc
        words = {
            lemmas[t.i]
            for c in noun.children
            if c.dep_ == "prep" and c.lower_ in _ABOUT
            for t in c.subtree
            if doc[t.i].is_alpha and not doc[t.i].is_stop
        }
        if len(words) < _MIN_ABOUT_WORDS:
            return []
        need = max(_MIN_ABOUT_WORDS, _ABOUT_SHARE * len(words))
        scored = [
            (shared, s.start, k)
            for k, s in self._earlier(para, noun.sent.start)
            if (shared := len(words & self._content_words(k))) >= need
        ]
        return [max(scored)[2]] if scored else []

    def _rating(self, para: ParsedParagraph, rating: Token) -> None:
        """A fact-checker's rating: "The Fact Checker gave Carson two Pinocchios", "she earns Three
        Pinocchios" contradicts the receiver's claim: the nearest earlier one whose source has the
        receiver's head word (a pronoun: the nearest attributed claim). "We do not award Pinocchios": none."""
        verb = rating.head
        if rating.dep_ not in ("dobj", "attr") or _negated(verb):
            return
        receiver = next((c for c in verb.children if c.dep_ in ("dative", "iobj")), None) or next(
            (c for c in rating.children if c.dep_ in ("nmod", "compound") and c.pos_ == "PROPN"), None
        )  # "gave Carson two Pinocchios" (the tagger may take "Carson" for a modifier of the rating)
        if receiver is None and verb.lemma_.lower() in self.cues.receiving_verbs:
            receiver = subject_of(verb)
        if receiver is None:
            return
        evidence = {verb.i, rating.i} | {c.i for c in rating.children if c.dep_ == "nummod"}
        if receiver.pos_ == "PRON":
            targets = self._previous(para, verb.left_edge.i, corroborating=False)
        else:
            nearest = [
                k
                for k in self._nearest_first(para, rating.sent.start, reach=_RATING_REACH)
                if self._source_head(k) == receiver.lower_
            ][:1]
            targets = self._same_frame(nearest[0]) if nearest else []
        for k in targets:
            self._give(k, Verdict(CONTRADICTED, 0.6, _char_spans(para, evidence)))

    def _fact_check_layout(self, paragraphs: dict[int, ParsedParagraph]) -> None:
        """The fact-check layout: a quotation, a dash line naming its speaker ("- Bernie Sanders."),
        then the author's ruling ("The senator is relying on an outdated statistic."). A verdict word in
        the author's first sentence after the dash line contradicts the attributed claims of the quote."""
        for index, dash in paragraphs.items():
            quote, ruling = paragraphs.get(index - 1), paragraphs.get(index + 1)
            if quote is None or ruling is None or not _dash_line(dash) or not ruling.sentences:
                continue
            word = self._author_verdict(ruling, ruling.sentences[0])
            if word is None:
                continue
            for k, site in enumerate(self.sites):
                if site.para is quote and site.kind is not None and len(site.tokens) >= _MIN_TARGET_TOKENS:
                    self._give(k, Verdict(CONTRADICTED, 0.55, _char_spans(ruling, {word.i})))

    def _author_verdict(self, para: ParsedParagraph, sentence: SpacySpan) -> Token | None:
        """A fact-check verdict word in the author's own voice in ``sentence`` ("exaggerates",
        "outdated", "is not true"), outside quotes and outside what a source is reported to say."""
        reported = {i for frame in para.frames[para.sentence_of_token[sentence.start]] for i in frame.content}
        cues = self.cues
        for tok in sentence:
            if tok.i in para.quoted or tok.i in reported:
                continue
            if para.lemmas[tok.i] in cues.verdict_words or para.lower[tok.i] in cues.verdict_words:
                if not _negated(tok) and not _negated(tok.head):
                    return tok
            elif para.lower[tok.i] in cues.truth_words and tok.dep_ in ("acomp", "attr") and _negated(tok.head):
                return tok
        return None

    def _in_fact(self, para: ParsedParagraph, marker: Token, clause: Token, start: int) -> None:
        """The article correcting a claim in its own voice: "but in fact Clinton used only one
        account" contradicts the attributed claim just before it (same or previous sentence). Only a
        marker that opens a main clause after "but" corrects ("but in fact A"); inside a clause it
        intensifies ("what it would actually do", "Voting fraud is, in fact, very rare"), "In fact, A"
        mostly elaborates, and "and in fact" adds. ``clause`` is the verb the marker qualifies, ``start`` the marker's first word."""
        if marker.i in para.quoted or clause.i in para.quoted or not self._opens_correction(para, clause, start):
            return
        targets = self._previous(para, clause.left_edge.i, corroborating=False, near=True)
        words = {marker.i} | {c.i for c in marker.children if c.lower_ == "fact"}
        if marker.lower_ == "clear":
            words |= {marker.i - 2, marker.i - 1}
        for k in self._apart(para, marker.i, targets):
            self._give(k, Verdict(CONTRADICTED, 0.55, _char_spans(para, words)))

    def _opens_correction(self, para: ParsedParagraph, clause: Token, start: int) -> bool:
        """Whether a correction marker starting at token ``start`` opens a main clause in the author's
        voice, set against what precedes by "but"/"yet" ("..., but in fact A", "But actually, A"), or a
        sentence opening "To be clear, A". A bare "In fact, A" elaborates what was just said far more often than it corrects it, and "and in
        fact" adds."""
        doc = para.doc
        before = [t for t in doc[doc[start].sent.start : start] if not t.is_punct]
        if not before and doc[start].lower_ == "to":
            return clause.dep_ == "ROOT"  # "To be clear, the election is Nov. 8.": corrective by itself
        if not before or before[-1].lower_ not in self.cues.correction_conjunctions or before[-1].dep_ != "cc":
            return False
        return clause.dep_ in ("ROOT", "conj") and not _wh_content(clause.head)

    def _contrary(self, para: ParsedParagraph, word: Token) -> None:
        """ "Contrary to his claim that A, ...": the article contradicts A."""
        nouns = [g for c in word.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"]
        for noun in nouns:
            for k in self._noun_content(para, noun) or self._following(para, noun):
                self._give(k, Verdict(CONTRADICTED, 0.6, _char_spans(para, {word.i, *(c.i for c in word.children)})))

    # -- linking ---------------------------------------------------------------------------------
    def _noun_content(self, para: ParsedParagraph, noun: Token | None) -> list[int]:
        """Claims holding the content of a reporting noun ("allegations that A", "the claim that A")."""
        if noun is None:
            return []
        for frames in para.frames:
            for frame in frames:
                if frame.kind == "noun" and noun.i in frame.cue:
                    return [
                        k
                        for k, s in enumerate(self.sites)
                        if s.para is not None and s.para.index == para.index and s.tokens & frame.content
                    ]
        return []

    def _following(self, para: ParsedParagraph, noun: Token | None) -> list[int]:
        """Claims of a that-clause right after the noun, however the parser attached it
        ("accusations by Exxon Mobil that journalists had produced ...")."""
        if noun is None or noun.pos_ not in ("NOUN", "PROPN"):
            return []
        doc = para.doc
        phrase = sorted(t.i for c in noun.children if c.dep_ == "prep" for t in c.subtree)
        # the parser may hang the that-clause inside the phrase ("accusations by the company that A", with
        # "A" a clause of "company"): the phrase ends before its complementiser
        marks = [i for i in phrase if doc[i].lower_ == "that" and doc[i].dep_ == "mark"]
        end = max(noun.i, marks[0] - 1 if marks else max(phrase, default=noun.i))
        if end + 1 < len(doc) and doc[end + 1].dep_ in ("prep", "agent") and doc[end + 1].head.i == noun.head.i:
            # "disputing accusations by Exxon Mobil that A": the parser hung "by" on the verb, not the noun
            end = max(t.i for t in doc[end + 1].subtree)
        if end + 1 >= len(doc) or doc[end + 1].lower_ != "that" or doc[end + 1].dep_ != "mark":
            return []
        if relative_that(doc[end + 1].head):  # "a claim that his office disputes": not its content
            return []
        after = set(subtree(doc[end + 1].head)) - {end + 1}
        return [k for k, s in enumerate(self.sites) if s.para is para and s.tokens & after]

    def _reporting_content(self, para: ParsedParagraph, verb: Token) -> list[int]:
        """Claims in the content of the reporting frame that ``verb`` (an advcl) hangs off."""
        if verb.dep_ != "advcl":
            return []
        head = verb.head.i
        for frames in para.frames:
            for frame in frames:
                if head in frame.cue and frame.content:
                    return [k for k, s in enumerate(self.sites) if s.para is para and s.tokens & frame.content]
        return []

    def _same_frame(self, k: int) -> list[int]:
        """Claim ``k`` and the other claims of its attribution frame: "The Times reported that BuzzFeed
        missed its targets and was revising its projections. BuzzFeed denied the report." denies both."""
        site = self.sites[k]
        if site.frame is None or site.para is None:
            return [k]
        return [j for j, s in enumerate(self.sites) if j == k or (s.para is site.para and s.frame == site.frame)]

    def _earlier(self, para: ParsedParagraph, before: int) -> list[tuple[int, ClaimSite]]:
        """Every located claim that starts before token ``before`` of ``para``, in reading order."""
        position = para.span.start + para.doc[before].idx
        return [(k, s) for k, s in enumerate(self.sites) if s.para is not None and 0 <= s.start < position]

    def _nearest_first(self, para: ParsedParagraph, before: int, *, reach: int) -> list[int]:
        """Claims that start before token ``before`` of ``para``, at most ``reach`` paragraphs back,
        nearest first."""
        earlier = [(s.start, k) for k, s in self._earlier(para, before) if para.index - s.para.index <= reach]  # type: ignore[union-attr]
        return [k for _, k in sorted(earlier, reverse=True)]

    def _same_source(self, targets: list[int], para: ParsedParagraph, before: int) -> list[int]:
        """``targets`` and every earlier claim near them whose source has the same head word: a plural
        anaphor ("Trump denied the accusations") answers all that one source alleged over several
        sentences, each with a frame of its own ("O'Donnell recalled ...", "O'Donnell said ...")."""
        heads = {self._source_head(k) for k in targets} - {None}
        if not heads:
            return targets
        first = min(self.sites[k].para.index for k in targets if self.sites[k].para is not None)  # type: ignore[union-attr]
        more = [
            j
            for j, s in self._earlier(para, before)
            if first - s.para.index <= 1  # type: ignore[union-attr]
            and self._source_head(j) in heads
        ]
        return sorted(set(targets) | set(more))

    def _source_head(self, k: int) -> str | None:
        """The head word of claim ``k``'s source (the source token whose head lies outside it)."""
        site = self.sites[k]
        if site.frame is None or site.para is None or not site.frame.source:
            return None
        return _head_word(site.para, site.frame.source)

    def _same_sentence(self, para: ParsedParagraph, before: int) -> list[int]:
        """The nearest claim of the same sentence that starts before token ``before``."""
        sentence = para.sentence_of_token[before]
        earlier = [
            (s.start, k)
            for k, s in self._earlier(para, before)
            if s.para is para
            and para.sentence_of_token[min(s.tokens)] == sentence
            and len(s.tokens) >= _MIN_TARGET_TOKENS
            and self._assertive(k)
        ]
        return [max(earlier)[1]] if earlier else []

    def _previous(
        self,
        para: ParsedParagraph,
        before: int,
        *,
        corroborating: bool,
        same_sentence_first: bool = False,
        near: bool = False,
        giver: str | None = None,
    ) -> list[int]:
        """The nearest earlier claim attributed to a source (same paragraph, else the previous one);
        for a confirmation, the nearest earlier claim in the paragraph when none is attributed. A claim
        of ``giver`` (the head word of who gives the verdict) is never what their verdict addresses."""
        sentence = para.sentence_of_token[before]
        earlier = [
            k
            for k in self._nearest_first(para, before, reach=0 if near else 1)
            if len(self.sites[k].tokens) >= _MIN_TARGET_TOKENS
        ]
        if near:
            earlier = [
                k
                for k in earlier
                if sentence - self.sites[k].para.sentence_of_token[min(self.sites[k].tokens)] <= 1  # type: ignore[union-attr]
            ]
        for k in earlier:
            if self.sites[k].kind is not None and (giver is None or self._source_head(k) != giver):
                if self._assertive(k):
                    return self._same_frame(k)
                if not self._inside_another(k):
                    # a proposal answered ("Clinton proposed a debate. Sanders rejected that."): refused,
                    # no claim disputed; a wish inside an assertion ("insists he wants to") reads on
                    return []
        if corroborating or same_sentence_first:
            same = [k for k in earlier if self.sites[k].para is para]
            return same[:1]
        return []


def _verbal(tok: Token) -> bool:
    """Whether a verdict word is used as a verb: not an adjective or compound ("the disputed
    territory", "Koch-backed groups", "a contested primary"), and a noun only when it has a subject (the
    tagger's "a claim that X strongly disputes"; not "support from all major Democrats")."""
    if tok.dep_ in ("amod", "compound", "nmod"):
        return False
    if tok.pos_ in ("VERB", "AUX"):
        return True
    return tok.dep_ in _VERBAL_DEPS and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _complement_holds(verb: Token, tokens: frozenset[int]) -> bool:
    """Whether a claim is what a verdict verb takes: its complement or object ("acknowledged that A",
    "confirmed it"), or the clause a parenthetical or inverted verb hangs on ("A, he acknowledges, B",
    "A, the ambassador confirmed"); not a clause beside it ("since the day he signed the bill, he
    acknowledged an openness": the time clause is not acknowledged)."""
    complements: tuple[str, ...] = ("ccomp", "xcomp", "dobj", "nsubjpass", "attr", "oprd", "acomp")
    if any(c.dep_ == "dobj" for c in verb.children):
        complements = ("dobj",)  # with an object, the object is what it takes, whatever the parser hung before it
    if any(tokens & subtree(c) for c in verb.children if c.dep_ in complements):
        return True
    return verb.dep_ in ("parataxis", "ccomp", "advcl", "conj") and verb.head.i in tokens


def _aside(para: ParsedParagraph, tokens: frozenset[int]) -> bool:
    """Whether a claim is a relative clause or apposition inside another ("Cruz, who was born in Cuba",
    rebuilt by the splitter as "Rafael Cruz was born"): its verb hangs on a noun."""
    doc = para.doc
    for i in tokens:
        tok = doc[i]
        while tok.dep_ == "conj" and tok.head.i != tok.i:  # "who was born and raised in Cuba"
            tok = tok.head
        if tok.dep_ in ("relcl", "appos", "acl") and (doc[i].pos_ in ("VERB", "AUX") or doc[i].head.i not in tokens):
            return True
    return False


def _tail(tok: Token) -> bool:
    """A clause hung on what precedes it: a relative clause or apposition ("a charge that X denied",
    "a point officials disputed"), or one the parser took for another clause but opened by a relative
    pronoun ("..., to which O'Malley interjected")."""
    if tok.dep_ in ("relcl", "acl", "appos"):
        return True
    start = tok.left_edge.i
    return tok.dep_ in ("advcl", "ccomp", "conj") and any(
        t.tag_ in ("WDT", "WP", "WP$") for t in tok.doc[start : min(start + 2, tok.i)]
    )


def _clause_final(verb: Token) -> bool:
    """Whether a verdict verb with no object ends its clause ("His campaign confirmed.", "Rubio
    disagreed on Friday."), so that it can stand for an earlier claim; not when a subject or verb
    follows ("While he acknowledged funding was ...": the complement is there, parsed elsewhere)."""
    for tok in verb.doc[verb.i + 1 : verb.sent.end]:
        if tok.is_punct:
            return True
        return tok.head.i == verb.i and tok.dep_ in ("advmod", "neg", "prt", "prep", "agent", "npadvmod", "dative")
    return True


def _wh_content(verb: Token) -> bool:
    """Whether the verb's complement is a wh-clause ("questioned how Cruz could ...", "questioned what
    kind of person ..."): a question raised, not a claim disputed or confirmed."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp", "dobj") and child.i > verb.i:
            start = child.left_edge.i
            for first in verb.doc[start : min(start + 2, child.i + 1)]:  # "how ...", "just how much ..."
                if first.tag_ in ("WDT", "WP", "WP$", "WRB") and first.lower_ not in ("whether", "that"):
                    return True
    return False


def _expletive(subject: Token, head: Token) -> bool:
    """An expletive "it" standing for a clause that follows ("it was unlikely to work", "it is wrong
    to imply that ..."), not a pointer to an earlier claim."""
    if subject.lower_ != "it":
        return False
    extraposed = ("xcomp", "ccomp", "csubj")
    return any(c.dep_ in extraposed for c in head.children) or any(
        g.dep_ in extraposed for c in head.children if c.dep_ in ("acomp", "attr") for g in c.children
    )


def _head_word(para: ParsedParagraph, tokens: Sequence[int]) -> str | None:
    """The lower-cased head word of a mention (the token whose head lies outside it)."""
    source, doc = set(tokens), para.doc
    roots = [i for i in sorted(source) if doc[i].head.i not in source or doc[i].head.i == i]
    return doc[roots[0]].lower_ if roots else None


def _giver(para: ParsedParagraph, word: Token) -> str | None:
    """The head word of the source whose reported words hold ``word`` ("PolitiFact [...] concluded his
    comments were false"), else None (the article's own voice)."""
    for frame in para.frames[para.sentence_of_token[word.i]]:
        if word.i in frame.content and frame.source:
            return _head_word(para, frame.source)
    return None


def _quoted_label(para: ParsedParagraph, word: Token) -> bool:
    """Whether ``word`` sits in a quoted label of at most three capitalised words and no verb
    ('"Mostly False."', '"Pants on Fire"'): a fact-checker's rating, not a speaker's sentence
    ('"simply not true"', '"It's just not true."')."""
    quoted, doc = para.quoted, para.doc
    start, end = word.i, word.i
    while start - 1 >= 0 and start - 1 in quoted:
        start -= 1
    while end + 1 < len(doc) and end + 1 in quoted:
        end += 1
    words = [t for t in doc[start : end + 1] if t.is_alpha]
    return (
        0 < len(words) <= 3
        and words[0].is_title
        and all(t.is_title or t.is_stop for t in words)
        and not any(t.pos_ in ("VERB", "AUX") for t in words)
    )


def _named_subject(para: ParsedParagraph, tokens: frozenset[int]) -> int | None:
    """The proper-noun subject of a claim's main clause ("Trump" in "Trump also is set to ..."), else None."""
    doc = para.doc
    for i in sorted(tokens):
        tok = doc[i]
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and tok.head.i in tokens:
            return i
    return None


def _emphatic_do(para: ParsedParagraph, tok: Token) -> bool:
    """An emphatic "do" in a statement in the author's voice: "these companies do pay taxes" (not
    "do they pay?", "they do not pay", nor a quotation)."""
    if tok.dep_ != "aux" or tok.i in para.quoted:
        return False
    verb = tok.head
    subject = subject_of(verb)
    return (
        verb.tag_ == "VB"
        and subject is not None
        and subject.i < tok.i
        and not _negated(verb)
        and not verb.sent.text.rstrip().endswith("?")
    )


def _negative_use(site: ClaimSite, lemma: str) -> bool:
    """Whether the claim uses the verb ``lemma`` negatively: "pay zero taxes", "never paid", "did not pay"."""
    if site.para is None:
        return False
    doc, lemmas = site.para.doc, site.para.lemmas
    for i in site.tokens:
        if lemmas[i] != lemma or doc[i].pos_ not in ("VERB", "AUX"):
            continue
        if _negated(doc[i]):
            return True
        objects = [c for c in doc[i].children if c.dep_ in ("dobj", "attr")]
        if any(g.lower_ in _NEGATIVE_DETERMINERS for o in objects for g in (o, *o.children)):
            return True
    return False


def _elliptic_negation(para: ParsedParagraph, sentence: SpacySpan) -> bool:
    """A bare negated auxiliary in the author's voice: "It didn't.", "She hadn't.", "He wasn't."."""
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    if not 3 <= len(words) <= 4 or any(t.i in para.quoted for t in words):
        return False
    subject, aux = words[0], words[1]
    return (
        subject.pos_ == "PRON"
        and subject.dep_ in ("nsubj", "nsubjpass")
        and aux.lemma_.lower() in _AUXILIARIES
        and aux.dep_ == "ROOT"
        and all(t.dep_ in ("neg", "advmod") for t in words[2:])
        and any(t.dep_ == "neg" for t in words[2:])
    )


def _dash_line(para: ParsedParagraph) -> bool:
    """A paragraph that only names a speaker after a dash: "- Bernie Sanders."."""
    words = [t for t in para.doc if not t.is_space]
    return 2 <= len(words) <= 8 and words[0].text in _DASHES


def _concessive(verb: Token) -> bool:
    """A verdict set against what precedes it: "although/though/while X disputes this", "but X denies it"."""
    if any(c.dep_ == "mark" and c.lower_ in ("although", "though", "while", "whereas") for c in verb.children):
        return True
    return verb.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "but" for c in verb.head.children)


def find_statuses(sites: Sequence[ClaimSite], lex: Lexicon) -> list[Verdict | None]:
    """One verdict (or None: not addressed) per claim, in order."""
    return StatusFinder(sites, lex).find()
