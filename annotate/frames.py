"""Attribution frames found in a dependency parse: who (source) says (cue) what (content).

The splitter and the rule predictor share this module: the splitter cuts reported content away from
its frame ("NSO has said | its tool cannot be used ..."), and the predictor labels a claim attributed
when most of it lies inside some frame's content or inside quotation marks. All positions are token
indices of the paragraph ``Doc``; the lexicons come from ``data/cues.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

import yaml

from claimkit.annotate.schema import data_dir
from claimkit.annotate.tokens import TokenTable

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

FrameKind = Literal["verb", "according", "noun", "stance", "passive", "adverb"]
SUBJECTS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
_CUE_DEPS = ("aux", "auxpass", "neg", "prt")

# Quotation marks: straight and curly double quotes, NYT-style doubled apostrophes, and curly single
# quotes (headlines). A closing ’ inside a word (can’t, group’s) or after a plural s (Bezos’) is an
# apostrophe, never a quote.
_OPEN_CLOSE = {"“": "”", "‘": "’", "``": "''"}
_TOGGLES = ('"', "''")
_CLOSERS = ("”", '"', "''")
_QUOTE_MARKS = frozenset({*_OPEN_CLOSE, *_OPEN_CLOSE.values(), *_TOGGLES})
FRAME_EXTRAS = frozenset({"aux", "auxpass", "neg", "advmod", "cc", "mark", "prt"})
"""Words a frame may carry beside its source and cue without saying anything ("has not said", "also")."""
_WH_TAGS = frozenset({"WRB", "WP", "WDT"})
_ADVERBIAL_CONNECTIVES = frozenset({"before", "after", "until", "till", "because", "once", "unless", "since"})
_BY_SOURCES = frozenset({"estimate", "account", "count", "tally", "measure", "reckoning", "calculation"})


@dataclass(frozen=True)
class Lexicon:
    """The cue word lists of ``data/cues.yaml`` as frozen sets (see that file for what each holds)."""

    reporting_verbs: frozenset[str]
    stance_verbs: frozenset[str]
    reporting_nouns: frozenset[str]
    statement_nouns: frozenset[str]
    attribution_adverbs: frozenset[str]
    passive_reporting_verbs: frozenset[str]
    aspectual_verbs: frozenset[str]
    bare_frame_verbs: frozenset[str]
    hedge_words: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    dispute_verbs: frozenset[str]
    corroborate_verbs: frozenset[str]
    contradict_verbs: frozenset[str]
    anaphoric_objects: frozenset[str]
    false_adverbs: frozenset[str]
    false_adjectives: frozenset[str]
    falsity_words: frozenset[str]
    person_roles: frozenset[str]
    government_names: frozenset[str]
    generic_person_nouns: frozenset[str]
    generic_org_nouns: frozenset[str]
    source_types: dict[str, frozenset[str]]
    triggers: frozenset[str]  # every word that can start a frame in ``find_frames``


@cache
def lexicon() -> Lexicon:
    raw = yaml.safe_load((data_dir() / "cues.yaml").read_text(encoding="utf-8"))
    sets = {
        k: frozenset(str(w).lower() for w in v) for k, v in raw.items() if isinstance(v, list) and k != "hedge_phrases"
    }
    triggers = set().union(
        *(
            sets[k]
            for k in (
                "reporting_verbs",
                "stance_verbs",
                "passive_reporting_verbs",
                "reporting_nouns",
                "attribution_adverbs",
            )
        )
    )
    return Lexicon(
        **sets,
        triggers=frozenset(triggers | {"according", "by", "make"}),
        hedge_phrases=tuple(tuple(str(w).lower() for w in p) for p in raw["hedge_phrases"]),
        source_types={k: frozenset(str(w).lower() for w in v) for k, v in raw["source_types"].items()},
    )


@dataclass(frozen=True)
class Frame:
    """One attribution: cue and source tokens, the content tokens, and the content subtrees that the
    splitter detaches as claims of their own (empty when the content stays in its clause)."""

    kind: FrameKind
    cue: tuple[int, ...]
    source: tuple[int, ...]
    content: frozenset[int]
    content_heads: tuple[int, ...] = ()


def subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def matches(token: Token, words: frozenset[str]) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, or for a subject-less conjunct/complement, the subject it shares. A gerund
    after a preposition ("was criticized for saying", "apologized for saying") shares the subject of
    the verb the preposition hangs on, or its object when it has one ("blasted him for saying")."""
    seen = 0
    while verb is not None and seen < 6:
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                return child
        if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" and verb.head.head.i != verb.i:
            governor = verb.head.head
            objects = [c for c in governor.children if c.dep_ == "dobj" and c.i < verb.i]
            if objects:
                return objects[0]
            verb = governor
            seen += 1
            continue
        if verb.dep_ in ("conj", "xcomp", "advcl", "acl") and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        if verb.dep_ == "relcl":
            return verb.head
        return None
    return None


_CUE_PREPOSITIONS = frozenset({"for", "on", "about", "of", "as", "against", "with", "over", "to", "into"})
"""Prepositions that belong to the cue when they follow its verb ("called for", "talking about",
"referring to", "known as"): PolNeAR marks them so 420:65 ("for"), 478:39 ("about") in train."""
_ADJUNCT_VERBS = frozenset({"say", "tell", "write", "add", "state", "report", "announce", "speak", "note"})
"""Speech verbs whose following preposition starts an adjunct, not the cue ("said on Monday", "said of
him"; PolNeAR train: "said on" 0:50, "said in" 0:121)."""
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december today yesterday tomorrow tonight".split()
)
"""Objects that make a following preposition a time adjunct, never part of the cue ("confirmed on Friday")."""
_NOT_CUE_ADVERBS = frozenset({"how", "when", "where", "why", "so", "as", "too", "just", "even", "only"})
"""Adverbs before a verb that belong to the clause, not to its cue ("how he said", "even said")."""


def cue_tokens(verb: Token) -> list[int]:
    """The cue of a frame whose word is ``verb``, with PolNeAR's boundaries (measured on train):
    auxiliaries, negation and particles; adverbs between them and the verb or right before it ("has
    also said", "repeatedly accused"); the verb an infinitive hangs on, when right before its "to"
    ("refused to say"); a following preposition that takes the content ("called for");
    a medium of ``statement_nouns`` right after it ("said in a statement"); and a colon that opens a
    quotation ("said:", 62:5)."""
    cue = {verb.i} | {c.i for c in verb.children if c.dep_ in _CUE_DEPS}
    doc = verb.doc
    to = [c.i for c in verb.children if c.dep_ == "aux" and c.lower_ == "to"]
    head = verb.head
    if verb.dep_ == "xcomp" and to and head.pos_ in ("VERB", "AUX") and head.i == to[0] - 1:
        cue |= {j for j in cue_tokens(head) if j < verb.i}  # "refused to say" (PolNeAR train 91:26)
    adverbs = sorted(
        (c for c in verb.children if c.dep_ == "advmod" and c.pos_ == "ADV" and c.i < verb.i),
        key=lambda c: -c.i,
    )
    for adverb in adverbs:  # nearest first: each must touch the cue as grown so far
        if adverb.lower_ not in _NOT_CUE_ADVERBS and all(j in cue for j in range(adverb.i + 1, verb.i)):
            cue.add(adverb.i)
    end = max(cue)
    for child in verb.children:
        if child.dep_ != "prep" or child.i != end + 1:
            continue
        when = any(g.dep_ == "pobj" and g.lower_ in _TIME_WORDS for g in child.children)
        if child.lower_ in _CUE_PREPOSITIONS and verb.lemma_.lower() not in _ADJUNCT_VERBS and not when:
            cue.add(child.i)  # "called for", "agreed with"; not "confirmed on Friday"
        elif child.lower_ == "in" and any(
            g.dep_ == "pobj" and matches(g, lexicon().statement_nouns) for g in child.children
        ):  # "said in a statement"
            cue |= subtree(child)
    end = max(cue)
    if end + 1 < len(doc) and doc[end + 1].text == ":":
        cue.add(end + 1)
    return sorted(cue)


def _source_tokens(verb: Token) -> list[int]:
    subject = subject_of(verb)
    if subject is not None and subject.dep_ != "expl" and subject.pos_ != "VERB":
        if not (subject.head.i == verb.i or subject.dep_ in SUBJECTS):
            return [subject.i]
        return _without_dateline(sorted(subtree(subject) - _after_the_verb(subject, verb)), verb.doc)
    for child in verb.children:  # passive: "it was reported by the Post"
        if child.dep_ == "agent":
            return sorted(subtree(child) - {child.i})
    for child in verb.children:  # "Reilly said ...": a name in -ly the parser took for an adverb
        if child.dep_ == "advmod" and child.tag_ in ("NNP", "NNPS") and child.i < verb.i:  # not "Tuesday, X said"
            return sorted(subtree(child))
    return []


def _without_dateline(tokens: list[int], doc: Doc) -> list[int]:
    """A source less the dateline the parser hung on it: "WASHINGTON -- President Obama" is President
    Obama (capitals, then a dash, at the front)."""
    for k, i in enumerate(tokens[:6]):
        if doc[i].text in ("--", "—", "–") and k > 0:
            place = [doc[j] for j in tokens[:k] if doc[j].is_alpha]
            if place and all(t.text.isupper() and len(t.text) > 1 for t in place):
                return tokens[k + 1 :]
            return tokens
    return tokens


def _after_the_verb(subject: Token, verb: Token) -> set[int]:
    """Pieces the parser hung on a subject that stand after its verb: "Podliska said A, a claim that
    Gowdy's office disputes" attaches "a claim ..." to "Podliska" as an appositive. A source mention
    never continues past its own cue, so those pieces are not part of it."""
    if subject.i > verb.i:
        return set()
    return {i for c in subject.children if c.i > verb.i for i in subtree(c)}


def relative_that(clause: Token) -> bool:
    """A clause after a noun that is a relative clause, not the noun's content: "a claim that the
    office disputes" (the verdict verb has no object: "that" is its object), against "the claim that
    the office disputes the report" or "the claim that he lied"."""
    if not any(c.dep_ in ("mark", "dobj", "nsubj") and c.lower_ == "that" for c in clause.children):
        return False
    lex = lexicon()
    if not any(
        matches(clause, words)
        for words in (lex.reporting_verbs, lex.dispute_verbs, lex.corroborate_verbs, lex.contradict_verbs)
    ):
        return False
    return not any(c.dep_ in ("dobj", "ccomp", "xcomp", "nsubjpass", "attr") for c in clause.children)


def _without_asides(tokens: set[int], doc: Doc) -> set[int]:
    """Drop non-restrictive relative clauses on names ("Trump, who leads in the polls"): the author's asides, not
    part of what the source said (quotation marks still make them attributed, by the quote rule)."""
    out = set(tokens)
    for i in tokens:
        tok = doc[i]
        if (
            tok.dep_ == "relcl"
            and tok.head.pos_ == "PROPN"
            and tok.left_edge.i > 0
            and doc[tok.left_edge.i - 1].text in (",", "(", "—")
        ):
            out -= subtree(tok)
    return out


def _complements(verb: Token) -> set[int]:
    """Everything a stance verb governs except its subject, auxiliaries and punctuation: PolNeAR
    takes the object, the to-infinitive and the prepositional complements as the content."""
    out: set[int] = set()
    for child in verb.children:
        if (
            child.dep_ in SUBJECTS
            or child.dep_ in _CUE_DEPS
            or child.dep_ in ("punct", "cc", "conj", "mark", "advmod", "npadvmod", "relcl")
        ):
            continue
        out |= subtree(child)
    return _without_asides(out, verb.doc)


def _is_frame_verb(verb: Token) -> bool:
    lex = lexicon()
    return any(
        matches(verb, words)
        for words in (lex.reporting_verbs, lex.stance_verbs, lex.dispute_verbs, lex.corroborate_verbs)
    )


_CITING_VERBS = frozenset({"cite", "quote", "reference"})
_NOUN_MODIFIERS = frozenset({"det", "amod", "compound", "nummod", "poss"})


def only_frame(verb: Token, tokens: Iterable[int]) -> bool:
    """Whether ``tokens`` are only an active verb of saying or thinking, its subject, and auxiliaries,
    negation or adverbs ("she said", "you know", "he never said"): who speaks, and nothing said (a
    question word stands for what is known: "we know why" is a claim). A passive verb says something
    of its subject ("the language is not formally specified"), and a reporting verb that also names an
    event is a claim alone ("the council agreed"): only ``bare_frame_verbs`` count. The splitter makes
    no claim of such words, and the claim checker counts one it finds as ``bare_frame``."""
    if verb.pos_ != "VERB" or not matches(verb, lexicon().bare_frame_verbs):
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or any(c.dep_ == "auxpass" for c in verb.children):
        return False
    frame_words = subtree(subject) | {verb.i}
    doc = verb.doc
    return all(
        i in frame_words or doc[i].is_punct or (doc[i].dep_ in FRAME_EXTRAS and doc[i].tag_ not in _WH_TAGS)
        for i in tokens
    )


def adverbial_clause(head: Token) -> bool:
    """A "complement" opened by a connective that only adverbial clauses take ("said before he
    died", "said after the vote ended"): a parsing slip for when or why the speaking happened, not
    what was said; cut away it would read "Before he died". It stays in the frame's claim."""
    first = head.left_edge
    return first.dep_ == "mark" and first.head.i == head.i and first.lower_ in _ADVERBIAL_CONNECTIVES


def _indirect_question(head: Token) -> bool:
    """A complement that asks rather than states ("questioned whether Obama was prepared", "asked how
    she would do it"): it is content, but cut from its frame it would be a question without its
    asker, no claim; so the splitter keeps it in the frame's claim."""
    first = head.left_edge
    if first.lower_ in ("whether", "if"):
        return first.dep_ == "mark" and first.head.i == head.i  # not "if elected, ..." inside it
    if first.tag_ not in ("WDT", "WP", "WP$", "WRB"):
        return False
    if first.dep_ == "det" and first.head.head.i == head.i:
        return True  # "deciding what information could be useful": an interrogative determiner
    word = first if first.head.i == head.i else first.head  # "how important it is": "how" on "important"
    return word.head.i == head.i and word.dep_ not in ("advcl", "relcl", "nsubj", "csubj")


def _naming_participle(verb: Token) -> bool:
    """ "a film called 13th", "the letter called Oz a quack" as the parser reads it: a participle of
    "call" hanging on a noun names or describes that noun; no one speaks through it, and cut as a frame
    its cue would vanish from every claim."""
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.lemma_.lower() == "call"


def _supposition(verb: Token) -> bool:
    """ "Let's say you think ...", "let us say", "It goes without saying that ...": the writer supposes
    or asserts, nobody reports anything."""
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ == "without" and head.head.lemma_.lower() == "go":
        return True
    return (
        head.lemma_.lower() == "let"
        and head.i < verb.i
        and any(c.dep_ == "nsubj" and c.lower_ in ("'s", "’s", "us") for c in verb.children)
    )


def _misparsed_subject(verb: Token, head: Token) -> set[int]:
    """The subject the parser gave the reporting verb as its object ("seemed to think [the outreach
    ...] was phony": "outreach" a ``dobj`` of "think", "was" left without a subject): part of the
    content, not of the frame."""
    if any(c.dep_ in SUBJECTS for c in head.children):
        return set()
    objects = [c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < head.i]
    return subtree(objects[0]) if objects else set()


def _reported(head: Token) -> set[int]:
    """The content under a complement head, minus a coordinated clause with its own subject after a
    comma whose verb is itself a reporting or dispute verb ("NSO has said X, and the department has
    not disputed this"): that one is the author's report of another source."""
    out = subtree(head)
    for conj in head.children:
        if conj.dep_ == "conj" and any(c.dep_ in SUBJECTS for c in conj.children) and _is_frame_verb(conj):
            before = conj.doc[conj.left_edge.i - 1] if conj.left_edge.i > 0 else None
            before2 = conj.doc[conj.left_edge.i - 2] if conj.left_edge.i > 1 else None
            marked = any(c.dep_ == "mark" for c in conj.children)
            if not marked and (getattr(before, "text", "") == "," or getattr(before2, "text", "") == ","):
                out -= subtree(conj)
                out -= {c.i for c in head.children if c.dep_ in ("cc", "punct") and c.i > head.i and c.i < conj.i}
    return _without_asides(out, head.doc)


def _introduces_quote(verb: Token, sent: Span) -> bool:
    """A reporting verb with no complement of its own whose sentence ends in a colon, or whose colon
    opens a quotation: what follows (the next quoted sentences) is what the source said. The frame
    has no content in its own sentence; the quotation rule links the quoted claims to it."""
    if any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children) or not any(
        c.dep_ in SUBJECTS for c in verb.children
    ):
        return False
    doc = verb.doc
    right = max(t.i for t in verb.subtree)
    nxt = right + 1
    if nxt >= sent.end or doc[nxt].text != ":":
        return False
    after = doc[nxt + 1 : sent.end]
    return nxt + 1 >= sent.end or (len(after) > 0 and after[0].text in ('"', "“", "''", "``", "'", "‘"))


_LABEL_MAX_WORDS = 4


_LONG_DASHES = frozenset({"―", "—", "–"})


def signature_dash(token: Token) -> bool:
    """A dash that introduces who said a quotation ("“...” ― Krystal Correa", "- Bernie Sanders."): a
    long dash, or a hyphen standing apart from the word before it (not the one in "pro-Trump").
    One test for the splitter's signatures, the sources they give and the fact-check layout. The
    tokenizer leaves a long dash glued to the closing mark before it whole ("about.”― Pamela
    Padilla" gives the token "”―"): that mark ends the quotation, the dash still signs it."""
    if token.text in _LONG_DASHES or (token.text[-1:] in _LONG_DASHES and token.text[:-1] in _CLOSERS):
        return True
    return token.text in ("-", "--") and (token.i == 0 or bool(token.doc[token.i - 1].whitespace_))


def speaker_label(words: Sequence[Token]) -> Token | None:
    """The colon of a transcript speaker label opening ``words`` ("PENCE:", "MR. TRUMP:", "CHRIS
    WALLACE:"), else None. Transcripts name each speaker so, in capitals, and PolNeAR marks the name as
    the source and the colon as the cue of what follows. A title-case "Graham: Trump's Rhetoric ..." is
    left out: at the start of a line it is mostly a headline, the loader's title."""
    names: list[Token] = []
    for tok in words:
        if tok.is_space or (not names and tok.text in _QUOTE_MARKS):  # '"PENCE: ...' quotes a transcript
            continue
        if tok.text == "." and names:  # "MR. TRUMP" (the tokenizer splits "MR.")
            continue
        if tok.text == ":":
            letters = sum(ch.isalpha() for t in names for ch in t.text)
            return tok if names and letters >= 2 else None
        if len(names) == _LABEL_MAX_WORDS or not tok.text.isupper():
            return None
        names.append(tok)
    return None


def clause_root(token: Token) -> Token:
    """The nearest verb (or the sentence root) at or above ``token``."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _prepositional_frame(prep: Token, cue: tuple[int, ...], source: Token) -> Frame:
    """A frame carried by a phrase on the clause it qualifies: the clause minus the phrase is the
    content, the phrase's object the source."""
    content = subtree(clause_root(prep.head)) - subtree(prep)
    return Frame("according", cue, tuple(sorted(subtree(source))), frozenset(content))


_MADE_CLEAR = frozenset({"clear", "plain", "known"})


def _made_clear(verb: Token) -> Frame | None:
    """ "X made (it) clear that A": a reporting phrase, not a verb of the lexicon; PolNeAR marks it
    a cue in 28 of its 51 train uses, as "made it clear" / "has made clear". The parser hangs the
    that-clause on the adjective ("clear" ccomp of "made", the clause its advcl)."""
    for adjective in verb.children:
        if adjective.dep_ not in ("ccomp", "oprd", "acomp") or adjective.lower_ not in _MADE_CLEAR:
            continue
        heads = [
            c
            for c in (*adjective.children, *verb.children)
            if c.dep_ in ("ccomp", "advcl") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ]
        if heads:
            cue = sorted(set(cue_tokens(verb)) | set(range(verb.i, adjective.i + 1)))
            content = set().union(*(_reported(h) for h in heads))
            return Frame("verb", tuple(cue), tuple(_source_tokens(verb)), frozenset(content), tuple(h.i for h in heads))
    return None


def find_frames(sent: Span, lower: Sequence[str] | None = None, lemmas: Sequence[str] | None = None) -> list[Frame]:
    """Every attribution frame in a sentence, in token order.

    ``lower`` and ``lemmas`` (per token of ``sent.doc``) let the search skip words that cannot
    start a frame without building spaCy Token objects for them.
    """
    lex = lexicon()
    triggers = lex.triggers
    frames: list[Frame] = []
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if lower is not None and lemmas is not None and lower[i] not in triggers and lemmas[i] not in triggers:
            continue
        tok = doc[i]
        kind_pos = tok.pos_
        if kind_pos == "VERB" and tok.lemma_.lower() == "make":
            made_clear = _made_clear(tok)
            if made_clear is not None:
                frames.append(made_clear)
            continue
        if kind_pos in ("VERB", "AUX") and matches(tok, lex.reporting_verbs):
            if _supposition(tok):
                continue
            heads = [c for c in tok.children if c.dep_ == "ccomp"]
            if heads:
                content = set().union(*(_reported(h) for h in heads), *(_misparsed_subject(tok, h) for h in heads))
                frames.append(
                    Frame(
                        "verb",
                        tuple(cue_tokens(tok)),
                        tuple(_source_tokens(tok)),
                        frozenset(content),
                        tuple(h.i for h in heads if not _indirect_question(h) and not adverbial_clause(h)),
                    )
                )
                continue
            if _introduces_quote(tok, sent):  # "the campaign said in a statement: “...”"
                frames.append(Frame("verb", tuple(cue_tokens(tok)), tuple(_source_tokens(tok)), frozenset()))
                continue
            trailing = tok.dep_ in ("advcl", "ccomp") and tok.head.i < tok.i
            own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
            left = min(t.i for t in tok.subtree if not t.is_punct)  # its own commas hang off the verb
            set_off = left > sent.start and tok.doc[left - 1].text in (",", "”", "''", '"', "—", "–", "(")
            if (trailing or tok.dep_ == "parataxis") and own_subject and set_off and tok.head.pos_ in ("VERB", "AUX"):
                # "..., X said" and "A, X said, is B": the content is the head clause
                head = tok.head
                content = subtree(head) - subtree(tok)
                frames.append(Frame("verb", tuple(cue_tokens(tok)), tuple(_source_tokens(tok)), frozenset(content)))
                continue
        if (
            kind_pos in ("VERB", "AUX")
            and matches(tok, lex.passive_reporting_verbs)
            and any(c.dep_ == "auxpass" for c in tok.children)
        ):
            if any(c.dep_ == "xcomp" for c in tok.children):  # "X is said to ..."
                cue = cue_tokens(tok)
                content = subtree(tok) - set(cue)
                frames.append(
                    Frame(
                        "passive",
                        tuple(cue),
                        tuple(_source_tokens(tok)) if any(c.dep_ == "agent" for c in tok.children) else (),
                        frozenset(content),
                    )
                )
                continue
        if kind_pos in ("VERB", "AUX") and matches(tok, lex.stance_verbs) and not _naming_participle(tok):
            content = _complements(tok)
            if content:
                frames.append(Frame("stance", tuple(cue_tokens(tok)), tuple(_source_tokens(tok)), frozenset(content)))
                continue
        if tok.lower_ == "by" and tok.dep_ in ("prep", "agent"):  # "..., by one estimate"
            objs = [g for g in tok.children if g.dep_ == "pobj" and g.lemma_.lower() in _BY_SOURCES]
            if objs:
                frames.append(_prepositional_frame(tok, (tok.i,), objs[0]))
                continue
        if tok.lower_ == "according":
            to = [c for c in tok.children if c.lower_ == "to"]
            objs = [g for t in to for g in t.children if g.dep_ == "pobj"]
            if objs:
                frames.append(_prepositional_frame(tok, (tok.i, to[0].i), objs[0]))
                continue
        if kind_pos in ("NOUN", "PROPN") and matches(tok, lex.reporting_nouns):
            clauses = [
                c
                for c in tok.children
                if c.dep_ in ("acl", "ccomp", "relcl")
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
                and not relative_that(c)
            ]
            if clauses:
                source = [i for c in tok.children if c.dep_ == "poss" for i in subtree(c)]
                noun_cue: tuple[int, ...] = (tok.i,)
                if not source and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _CITING_VERBS:
                    noun_cue = (tok.head.i,)
                    # "citing reports that A": the reports say A; whoever cites them only points to them
                    source = sorted(
                        {tok.i} | {i for c in tok.children if c.dep_ in _NOUN_MODIFIERS for i in subtree(c)}
                    )
                elif not source and tok.dep_ == "dobj" and _is_frame_verb(tok.head):
                    source = _source_tokens(tok.head)  # "A House report found no evidence that ...": the finder
                content = set().union(*(subtree(c) for c in clauses))
                frames.append(
                    Frame("noun", noun_cue, tuple(sorted(source)), frozenset(content), tuple(c.i for c in clauses))
                )
                continue
        if tok.lower_ in lex.attribution_adverbs:
            head = clause_root(tok.head)
            frames.append(Frame("adverb", (tok.i,), (), frozenset(subtree(head) - {tok.i})))
    # "refused to say whether ...": one frame whose cue is "refused to say", not also a stance
    # "refused | to say ..." (which would win on content share and cut the cue apart)
    in_cues = {i for f in frames if f.kind == "verb" for i in f.cue[:-1]}
    return [f for f in frames if not (f.kind == "stance" and f.cue[0] in in_cues)]


def closing_form(t: TokenTable, i: int) -> bool:
    """A straight mark standing where a closing one goes (glued to the word before it, a space or a
    mark after it): web copy mixes the forms, '“Immunity deals ... FBI," he said'. The splitter pairs marks by the same test."""
    glued_before = i > 0 and not t.ws[i - 1]
    return glued_before and (t.ws[i] or i + 1 == len(t.text) or t.is_punct[i + 1])


def quoted_tokens(doc: Doc, table: TokenTable | None = None) -> set[int]:
    """Token indices inside quotation marks (marks included), tracked over a whole paragraph.

    Paragraph-level conventions of news text: an opening mark left unclosed quotes to the end of
    the paragraph (a quote running on into the next paragraph opens again there); a closing mark
    with no opening one closes a quote that began in an earlier paragraph, so it quotes from the
    paragraph start. Embedded tweets (``<tweet ...>...</tweet>``) count as quoted.
    """
    t = table or TokenTable.of(doc)
    texts, ws, n = t.text, t.ws, len(t.text)
    inside: set[int] = set()
    open_at: int | None = None
    closer: str | None = None
    for i, text in enumerate(texts):
        if text not in _QUOTE_MARKS:
            continue
        if open_at is None:
            glued_before = i > 0 and not ws[i - 1]
            if text in _CLOSERS and not inside and glued_before and (ws[i] or i + 1 == n or t.is_punct[i + 1]):
                inside.update(range(0, i + 1))  # the tail of a quote opened in an earlier paragraph
            elif text in _OPEN_CLOSE:
                open_at, closer = i, _OPEN_CLOSE[text]
            elif text in _TOGGLES:
                open_at, closer = i, text
            continue
        is_close = text == closer or (closer == "”" and text in ('"', "''") and closing_form(t, i))
        if closer == "’" and is_close:  # an apostrophe (can’t, group’s, Bezos’ phone) does not close
            nxt_alpha = i + 1 < n and texts[i + 1].isalpha()
            prev_is_s = i > 0 and texts[i - 1].lower().endswith("s") and not ws[i - 1]
            is_close = not (not ws[i] and nxt_alpha) and not (prev_is_s and nxt_alpha)
        if is_close:
            inside.update(range(open_at, i + 1))
            open_at = closer = None
    if open_at is not None:
        inside.update(range(open_at, n))
    if not any(text == "<" or text.startswith("<tweet") for text in texts):
        return inside
    full = doc.text
    start = full.find("<tweet")
    while start != -1:
        end = full.find("</tweet>", start)
        end = len(full) if end == -1 else end + len("</tweet>")
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
        start = full.find("<tweet", end)
    return inside


def spans_tokens(doc: Doc, char_spans: Iterable[tuple[int, int]]) -> set[int]:
    """Token indices of ``doc`` whose characters fall inside any of the (doc-relative) char spans."""
    out: set[int] = set()
    for start, end in char_spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if not t.is_space)
    return out
