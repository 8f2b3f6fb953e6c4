"""Verdict verbs: "denied", "confirmed", "disputed", "contradicted" and their kin (the dispute,
corroborate and contradict verbs of ``data/cues.yaml``), in the claim's own frame or elsewhere.

- the claim's own frame: "X denied that A" (A disputed), "X has not disputed that A" (undisputed),
  "X confirmed that A" (corroborated), "X falsely claimed that A" / "the false claim that A"
  (contradicted: the article's own voice);
- a verdict verb elsewhere that points back: "X denied the report", "a charge X denied", "which he has
  denied", "His campaign confirmed.", "a fact later confirmed by the department", "X disputed their
  account"; and one that names an event a claim reported ("Her death was confirmed by the Eagle Forum":
  "died on Monday");
- negation turns a dispute into ``undisputed`` ("nor have they denied", "did not dispute that") and
  cancels a confirmation or contradiction (nothing is known then); a verdict only supposed ("refused
  to concede", "would back", "if it wasn't true") is none.

These rules read a verb's arguments (its complement, object, subject or agent); the verdicts without
a verdict verb are ``annotate.status_author``'s, and which claims a verdict reaches is
``annotate.status_linking``'s answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimkit.annotate.frames import Lexicon, matches, subject_of, subtree
from claimkit.annotate.status_cues import StatusCues
from claimkit.annotate.status_linking import ArticleClaims
from claimkit.annotate.status_syntax import (
    DEFINITE,
    POINTERS,
    char_spans,
    expletive,
    giver,
    head_word,
    negated,
    wh_content,
)
from claimkit.annotate.status_types import CONTRADICTED, ClaimSite, Verdict, status_value, verdict_kind

if TYPE_CHECKING:
    from spacy.tokens import Token

    from claimkit.annotate.nlp import ParsedParagraph

# A verdict word the tagger took for a noun ("a claim that X strongly disputes") still acts as a verb
# in these positions when it has a subject.
_VERBAL_DEPS = frozenset({"ROOT", "acl", "relcl", "ccomp", "advcl", "conj"})
_FIRST_PERSON = frozenset({"i", "we"})
_INDEFINITE = frozenset({"a", "an", "some", "any", "another", "no"})
# Dependencies through which a verdict's clause hangs on a verb that may make it hypothetical, and how
# far up that is followed.
_EMBEDDED = frozenset({"conj", "xcomp", "ccomp", "relcl", "acl", "dobj", "pobj", "nsubj", "pcomp", "prep"})
_MAX_EMBEDDING = 4


class VerbVerdicts:
    """The verdict verbs of one article, given to its claims through ``claims``."""

    def __init__(self, claims: ArticleClaims, lex: Lexicon, cues: StatusCues) -> None:
        self.claims = claims
        self.lex = lex
        self.cues = cues

    # -- the claim's own frame -------------------------------------------------------------------
    def own(self, site: ClaimSite) -> Verdict | None:
        """The verdict of the claim's own frame: its cue is a verdict verb or noun ("denied that A",
        "the denial that A"), or carries a falsity word ("falsely claimed that A", "the false claim that A")."""
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
            return Verdict(CONTRADICTED, 0.7, char_spans(para, set(frame.cue) | words), own=True)
        for tok in cue:
            kind = verdict_kind(lex, tok.lemma_.lower())
            if kind is None:
                continue
            if self._unreal(tok) or wh_content(tok):
                return None  # "refused to concede that A", "questioned how Cruz could ...": no verdict on A
            if tok.pos_ in ("VERB", "AUX") and not _complement_holds(tok, site.tokens):
                return None  # "since the day he signed the bill, he acknowledged an openness": not what he acknowledged
            if any(doc[i].text == "?" for i in frame.content | site.tokens):
                return None  # '"What was the pivot point?" Beck questioned.': a question, not a claim disputed
            if any(c.dep_ == "nsubjpass" and c.i in frame.source for c in tok.children):
                return None  # "Nobody opposed him - he was confirmed 92 to 0": he is confirmed, not A
            value = status_value(kind, any(negated(t) for t in cue))
            if value is not None:
                return Verdict(value, 0.75 if kind == "dispute" else 0.7, char_spans(para, evidence), own=True)
        return None

    # -- a verdict verb elsewhere ----------------------------------------------------------------
    def verb_verdict(self, para: ParsedParagraph, verb: Token, kind: str) -> None:
        """A verdict verb whose object points back, or that has no object ("His campaign confirmed.").
        Not when the verdict is only supposed ("refused to concede", "would back") and, for "back" and
        "support", only when what they take is a claim ("backed Bob's account", "backed that up"):
        "back Trump", "support the regulations", "backed away" endorse, they corroborate nothing."""
        claims = self.claims
        if self._unreal(verb):
            return
        # a noun the parser hung as a complement is an object: "State data contradict that claim: ..."
        clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ not in ("NOUN", "PROPN")]
        pointer = _pointer_clause(clauses)
        if clauses and pointer is None:
            return  # "denied that A": the claim's own frame
        value = status_value(kind, negated(verb))
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
                claims.give_each(claims.event_claims(para, event), Verdict(value, 0.6, char_spans(para, evidence)))
            return
        anchor = found
        who = _who(verb)
        evidence = _cue_words(verb) | who
        if anchor is not None:
            evidence.add(anchor.i)
        # who gives the verdict: their own claims are never what it addresses ("the brief said that was
        # not her view and dismissed those reports" dismisses the reports, not the brief's own words)
        source = head_word(para, sorted(who)) if who else None
        if source is None or source in _FIRST_PERSON:  # '"I fundamentally disagree," said Bednarek'
            source = giver(para, verb)
        targets = claims.content_of(para, anchor) if anchor is not None else []
        # a verdict in a relative clause on the claim noun ("A, a charge that X denied") may sit on the claim
        tails = anchor is not None and anchor.i == verb.head.i
        if (
            not targets
            and anchor is not None
            and any(c.dep_ == "prep" and c.lower_ == "about" for c in anchor.children)
        ):
            # "dismissed the story about Clinton's emails": the claim holding those words, or none
            targets = claims.apart(para, verb.i, claims.about(para, anchor), tails)
            if not targets:
                return
        if not targets and _concessive(verb):
            # "..., although Israel disputes this": the clause the concession hangs on, whoever says it
            targets = claims.apart(para, verb.i, claims.same_sentence(para, verb.left_edge.i), tails)
        if not targets:
            start = (anchor if anchor is not None and verb.dep_ in ("relcl", "acl") else verb).left_edge
            targets = claims.previous(para, start.i, corroborating=kind == "corroborate", giver=source)
            if anchor is not None and anchor.tag_ == "NNS" and targets:
                targets = claims.same_source(targets, para, start.i)
            targets = claims.apart(para, verb.i, targets, tails)
        score = 0.65 if kind == "dispute" else 0.6
        claims.give_each(targets, Verdict(value, score, char_spans(para, evidence)))

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
                    if not (tok.dep_ == "xcomp" and tok.head.lemma_.lower() in self.lex.aspectual_verbs):
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
            return up and found.lower_ in POINTERS and found.dep_ not in ("nsubj", "nsubjpass")
        return False

    def _anaphor(self, verb: Token) -> Token | None | bool:
        """The word the verdict is about: the head noun of "a charge that X denied" / "a fact
        confirmed by", an anaphoric object or passive subject ("denied the report"), None when the
        verb has no object at all, and False when its object is something else (no verdict on a claim)."""
        nouns = self.lex.anaphoric_objects
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
        objects = [
            c
            for c in verb.children
            if c.dep_ in ("dobj", "nsubjpass", "attr") or (c.dep_ == "ccomp" and c.pos_ in ("NOUN", "PROPN"))
        ]
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
            if obj.lower_ not in POINTERS and obj.lemma_.lower() not in self.cues.claim_nouns:
                if any(c.dep_ == "prep" and c.lower_ == "of" for c in obj.children):
                    return False  # "rejected the idea of a debate": a proposal, not a claim
            return obj
        return False

    def _event_noun(self, verb: Token) -> Token | None:
        """The definite event noun a verdict verb takes as object or passive subject ("Her death was
        confirmed", "confirmed the resignation"), else None."""
        if sum(1 for c in verb.children if c.dep_ in ("dative", "iobj", "dobj")) > 1:
            return None  # "denied his party the victory": refused it, no verdict on a claim
        for child in verb.children:
            if child.dep_ not in ("dobj", "nsubjpass") or child.lemma_.lower() not in self.cues.event_nouns:
                continue
            if any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in child.children):
                return child
        return None


def verbal(tok: Token) -> bool:
    """Whether a verdict word is used as a verb: not an adjective or compound ("the disputed
    territory", "Koch-backed groups", "a contested primary"), and a noun only when it has a subject (the
    tagger's "a claim that X strongly disputes"; not "support from all major Democrats")."""
    if tok.dep_ in ("amod", "compound", "nmod"):
        return False
    if tok.pos_ in ("VERB", "AUX"):
        return True
    return tok.dep_ in _VERBAL_DEPS and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _pointer_clause(clauses: Sequence[Token]) -> Token | None:
    """The pointer subject of a short complement that only points back ("denied it happened",
    "denied that that was the case", "confirmed it was true"), else None."""
    if len(clauses) != 1:
        return None
    clause = clauses[0]
    size = sum(1 for t in clause.subtree if not t.is_punct)
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if size <= 5 and subjects and subjects[0].lower_ in POINTERS and not expletive(subjects[0], clause):
        return subjects[0]
    return None


def _who(verb: Token) -> set[int]:
    """The mention of who gives the verdict: the verb's subject, or its passive agent ("by the department")."""
    for child in verb.children:
        if child.dep_ == "agent":
            return {t.i for c in child.children if c.dep_ == "pobj" for t in c.subtree}
    subject = subject_of(verb)
    if subject is None or subject.lower_ in POINTERS:
        return set()
    if verb.dep_ in ("relcl", "acl") and subject.i == verb.head.i:
        return set()
    return {t.i for t in subject.subtree if not (t.dep_ == "relcl" or t.is_punct)} - _relcl_tokens(subject)


def _relcl_tokens(tok: Token) -> set[int]:
    return {i for c in tok.children if c.dep_ in ("relcl", "acl", "appos") for i in subtree(c)}


def _cue_words(verb: Token) -> set[int]:
    return {verb.i} | {c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i}


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


def _clause_final(verb: Token) -> bool:
    """Whether a verdict verb with no object ends its clause ("His campaign confirmed.", "Rubio
    disagreed on Friday."), so that it can stand for an earlier claim; not when a subject or verb
    follows ("While he acknowledged funding was ...": the complement is there, parsed elsewhere)."""
    for tok in verb.doc[verb.i + 1 : verb.sent.end]:
        if tok.is_punct:
            return True
        return tok.head.i == verb.i and tok.dep_ in ("advmod", "neg", "prt", "prep", "agent", "npadvmod", "dative")
    return True


def _concessive(verb: Token) -> bool:
    """A verdict set against what precedes it: "although/though/while X disputes this", "but X denies it"."""
    if any(c.dep_ == "mark" and c.lower_ in ("although", "though", "while", "whereas") for c in verb.children):
        return True
    return verb.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "but" for c in verb.head.children)
