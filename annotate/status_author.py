"""Verdicts in the article's own voice: a fact check ruling on what it quotes, with no verdict verb.

- a falsity word: "that's untrue", "is simply not true", "the debunked accounts", "X was wrong in his
  claim about B" (contradicted; a quoted or attributed speaker saying so disputes instead);
- a correction marker opening a main clause: "..., but in fact A", "But actually, A", "To be clear,
  A", "Contrary to his claim that A, ...";
- a Washington Post rating ("gave Carson two Pinocchios"), "there is no evidence that A", an emphatic
  "these companies do pay taxes" against a claim that they "pay zero taxes", an elliptic "It didn't."
  right after a claim;
- the fact-check layout: a quotation, a dash line naming its speaker ("- Bernie Sanders."), then the
  author's ruling ("The senator is relying on an outdated statistic.").

These rules read the layout and voice of fact-check passages rather than a verb's arguments, and each
must be sure the words are the author's (outside quotes and outside what a source is reported to say),
so they stand apart from the verdict verbs of ``annotate.status_verbs``. Which claims a verdict reaches
is ``annotate.status_linking``'s answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimkit.annotate.frames import Lexicon, matches, signature_dash, subject_of
from claimkit.annotate.status_cues import StatusCues
from claimkit.annotate.status_linking import ArticleClaims
from claimkit.annotate.status_syntax import (
    DEFINITE,
    POINTERS,
    char_spans,
    expletive,
    giver,
    negated,
    reported,
    wh_content,
)
from claimkit.annotate.status_types import CONTRADICTED, DISPUTED, ClaimSite, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from claimkit.annotate.nlp import ParsedParagraph

_AUXILIARIES = frozenset({"do", "have", "be", "will", "would", "can", "could", "should"})
# An elliptic "It didn't." has at most four words; with punctuation and a parenthesis, seven tokens.
_ELLIPSIS_TOKENS = 7
_NEGATIVE_DETERMINERS = frozenset({"no", "zero", "none", "nothing"})
_POSSESSIVE_DETS = frozenset({"these", "those", "my", "our", "your"})
# Verbs that give their object a verdict adjective: "The office called that number wrong" is the
# office's dispute, not the article's own correction.
_CALLING_VERBS = frozenset({"call", "label", "brand", "deem", "declare"})
# How far back (paragraphs) a rating's receiver ("gave Carson two Pinocchios") is looked up among sources.
_RATING_REACH = 4


class AuthorVoice:
    """The article's own verdicts on one article's claims, given through ``claims``."""

    def __init__(self, claims: ArticleClaims, lex: Lexicon, cues: StatusCues) -> None:
        self.claims = claims
        self.lex = lex
        self.cues = cues

    def falsity(self, para: ParsedParagraph, word: Token) -> None:
        """ "that's untrue", "is simply not true", "an idea that was completely untrue", "got that
        wrong": the author's voice contradicts; a quoted or attributed speaker disputes."""
        claims = self.claims
        head = word.head if word.dep_ in ("acomp", "attr", "amod", "oprd", "advmod") else word
        if word.lower_ == "true" and not negated(head) and not any(c.dep_ == "neg" for c in word.children):
            return
        if any(c.dep_ == "mark" and c.lower_ in self.cues.conditional_marks for c in head.children):
            return  # "why he would do so if it wasn't true": a condition, no verdict
        if word.dep_ == "amod":  # "the debunked accounts", "a false claim"
            noun = word.head
            if not matches(noun, self.cues.claim_nouns):
                return  # "gives people false hope", "the wrong message": no claim is ruled on
            definite = any(
                (c.dep_ == "det" and c.lower_ in DEFINITE | _POSSESSIVE_DETS) or c.dep_ == "poss" for c in noun.children
            )
            if claims.noun_content(para, noun) or not definite:
                # "the false claim that A" is the own frame rule's; "false news reports" or "some inaccurate
                # statement" mean no earlier claim. Either way the falsity reaches what the frame it hangs on
                # reports: "X said A, repeating a false claim that B" (A is false too), "Citing an unfounded
                # theory, Trump accused Cruz of A"; not an aside ("Cruz, who was born in Cuba")
                targets = [
                    k for k in claims.reporting_content(para, noun.head) if not _aside(para, claims.sites[k].tokens)
                ]
            else:
                targets = claims.previous(para, noun.left_edge.i, corroborating=False, same_sentence_first=True)
            claims.give_each(targets, Verdict(CONTRADICTED, 0.6, char_spans(para, {word.i, noun.i})))
            return
        pointer = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
        objects = [c for c in head.children if c.dep_ == "dobj"]
        calls = head.lemma_ in _CALLING_VERBS and bool(objects) and not negated(head)
        if (head.lemma_ == "get" or calls) and objects:
            pointer = objects[0]
        if pointer is None or expletive(pointer, head):
            return  # "it is wrong to imply that ...": the falsity rules on an act, not on a claim
        if head.dep_ == "relcl" and pointer.lower_ in ("that", "which"):
            pointer = head.head
        # a rating quoted from a fact-checker ('concluded his comments were "Mostly False."') is the
        # checker's verdict, not a speaker's denial; "X called that number wrong" is X's dispute
        quoted = word.i in para.quoted and not _quoted_label(para, word)
        value = DISPUTED if quoted or calls else CONTRADICTED
        evidence = {word.i} | {c.i for c in head.children if c.dep_ == "neg"}
        # "his claim about B" says which claim: the one holding B's words, or none (never the nearest)
        described = claims.described_noun(word, pointer)
        if described is not None:
            targets = claims.about(para, described)
            evidence.add(described.i)
        elif self._points_back(pointer):
            targets = claims.noun_content(para, pointer) or claims.previous(
                para, head.left_edge.i, corroborating=False, giver=None if quoted else giver(para, word)
            )
        else:
            return
        claims.give_each(claims.apart(para, word.i, targets), Verdict(value, 0.6, char_spans(para, evidence)))

    def _points_back(self, tok: Token) -> bool:
        """A pointer ("that's untrue") or an anaphoric noun ("the report was false")."""
        return tok.lower_ in POINTERS or tok.lemma_.lower() in self.lex.anaphoric_objects

    def emphatic_statements(self, para: ParsedParagraph) -> None:
        """Every emphatic "do" of the paragraph in the author's voice (``_emphatic``)."""
        doc, lower = para.doc, para.lower
        for i in range(len(doc)):
            if lower[i] in ("do", "does", "did") and _emphatic_do(para, doc[i]):
                self._emphatic(para, doc[i])

    def _emphatic(self, para: ParsedParagraph, aux: Token) -> None:
        """The author's emphatic "do" against a negative claim about the same action: "these
        companies do pay all sorts of other taxes" contradicts '"[They] pay zero taxes." - Sanders.'
        The link is lexical: the nearest earlier attributed claim (up to two paragraphs back, the
        quote of a fact-check layout) where the same verb is negated or its object is "zero"/"no"."""
        verb = aux.head
        if reported(para, aux.i):
            return
        lemma = para.lemmas[verb.i]
        for k in self.claims.nearest_first(para, aux.sent.start, reach=2):
            site = self.claims.sites[k]
            if site.kind is not None and _negative_use(site, lemma):
                self.claims.give(k, Verdict(CONTRADICTED, 0.55, char_spans(para, {aux.i, verb.i})))
                return

    def elliptic_negations(self, para: ParsedParagraph) -> None:
        """ "It didn't." / "She hadn't." right after what someone said: the author says it is not so."""
        for sentence in para.sentences:
            if len(sentence) <= _ELLIPSIS_TOKENS and _elliptic_negation(para, sentence):
                words = {t.i for t in sentence if not t.is_punct}
                verdict = Verdict(CONTRADICTED, 0.55, char_spans(para, words))
                self.claims.give_each(self.claims.just_before(para, sentence.start), verdict)

    def no_evidence(self, para: ParsedParagraph, noun: Token) -> None:
        """The author saying nothing supports a claim: "There is no evidence that A" contradicts A;
        "there being no evidence to support his insinuations" the claim the anaphor points back to.
        Only in the article's own voice: a source saying so about itself is a denial, left to the
        verb rules."""
        claims = self.claims
        if not any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
            return
        if reported(para, noun.i):
            return
        targets = claims.content_of(para, noun)
        if not targets:
            backed = [
                o
                for c in noun.children
                if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in self.lex.corroborate_verbs
                for o in c.children
                if o.dep_ == "dobj"
            ]
            if backed and self._points_back(backed[0]):
                targets = claims.noun_content(para, backed[0]) or claims.previous(
                    para, noun.sent.start, corroborating=False
                )
        words = {noun.i} | {c.i for c in noun.children if c.dep_ == "det"}
        for k in targets:
            if noun.i not in claims.sites[k].tokens:  # "He offered no proof that A" unsplit: no verdict on itself
                claims.give(k, Verdict(CONTRADICTED, 0.55, char_spans(para, words)))

    def rating(self, para: ParsedParagraph, rating: Token) -> None:
        """A fact-checker's rating: "The Fact Checker gave Carson two Pinocchios", "she earns Three
        Pinocchios" contradicts the receiver's claim: the nearest earlier one whose source has the
        receiver's head word (a pronoun: the nearest attributed claim). "We do not award Pinocchios": none."""
        claims = self.claims
        verb = rating.head
        if rating.dep_ not in ("dobj", "attr") or negated(verb):
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
            targets = claims.previous(para, verb.left_edge.i, corroborating=False)
        else:
            nearest = [
                k
                for k in claims.nearest_first(para, rating.sent.start, reach=_RATING_REACH)
                if claims.source_head(k) == receiver.lower_
            ][:1]
            targets = claims.same_frame(nearest[0]) if nearest else []
        claims.give_each(targets, Verdict(CONTRADICTED, 0.6, char_spans(para, evidence)))

    def fact_check_layout(self, paragraphs: dict[int, ParsedParagraph]) -> None:
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
            verdict = Verdict(CONTRADICTED, 0.55, char_spans(ruling, {word.i}))
            self.claims.give_each(self.claims.attributed_in(quote), verdict)

    def _author_verdict(self, para: ParsedParagraph, sentence: SpacySpan) -> Token | None:
        """A fact-check verdict word in the author's own voice in ``sentence`` ("exaggerates",
        "outdated", "is not true"), outside quotes and outside what a source is reported to say."""
        cues = self.cues
        for tok in sentence:
            if tok.i in para.quoted or reported(para, tok.i):
                continue
            if para.lemmas[tok.i] in cues.verdict_words or para.lower[tok.i] in cues.verdict_words:
                if not negated(tok) and not negated(tok.head):
                    return tok
            elif para.lower[tok.i] in cues.truth_words and tok.dep_ in ("acomp", "attr") and negated(tok.head):
                return tok
        return None

    def in_fact(self, para: ParsedParagraph, marker: Token, clause: Token, start: int) -> None:
        """The article correcting a claim in its own voice: "but in fact Clinton used only one
        account" contradicts the attributed claim just before it (same or previous sentence). Only a
        marker that opens a main clause after "but" corrects ("but in fact A"); inside a clause it
        intensifies ("what it would actually do", "Voting fraud is, in fact, very rare"), "In fact, A"
        mostly elaborates, and "and in fact" adds. ``clause`` is the verb the marker qualifies, ``start``
        the marker's first word."""
        if marker.i in para.quoted or clause.i in para.quoted or not self._opens_correction(para, clause, start):
            return
        targets = self.claims.previous(para, clause.left_edge.i, corroborating=False, near=True)
        words = {marker.i} | {c.i for c in marker.children if c.lower_ == "fact"}
        if marker.lower_ == "clear":
            words |= {marker.i - 2, marker.i - 1}
        verdict = Verdict(CONTRADICTED, 0.55, char_spans(para, words))
        self.claims.give_each(self.claims.apart(para, marker.i, targets), verdict)

    def _opens_correction(self, para: ParsedParagraph, clause: Token, start: int) -> bool:
        """Whether a correction marker starting at token ``start`` opens a main clause in the author's
        voice, set against what precedes by "but"/"yet" ("..., but in fact A", "But actually, A"), or a
        sentence opening "To be clear, A". A bare "In fact, A" elaborates what was just said far more
        often than it corrects it, and "and in fact" adds."""
        doc = para.doc
        before = [t for t in doc[doc[start].sent.start : start] if not t.is_punct]
        if not before and doc[start].lower_ == "to":
            return clause.dep_ == "ROOT"  # "To be clear, the election is Nov. 8.": corrective by itself
        if not before or before[-1].lower_ not in self.cues.correction_conjunctions or before[-1].dep_ != "cc":
            return False
        return clause.dep_ in ("ROOT", "conj") and not wh_content(clause.head)

    def contrary(self, para: ParsedParagraph, word: Token) -> None:
        """ "Contrary to his claim that A, ...": the article contradicts A; "Contrary to Grant's claim,
        records show ..." (no content of its own): the claim that points back to, the nearest earlier
        attributed claim."""
        nouns = [g for c in word.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"]
        verdict = Verdict(CONTRADICTED, 0.6, char_spans(para, {word.i, *(c.i for c in word.children)}))
        claims = self.claims
        for noun in nouns:
            targets = claims.content_of(para, noun)
            if not targets and self._points_back(noun):
                targets = claims.apart(para, word.i, claims.previous(para, word.left_edge.i, corroborating=False))
            claims.give_each(targets, verdict)


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
        and not negated(verb)
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
        if negated(doc[i]):
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
    return 2 <= len(words) <= 8 and signature_dash(words[0])
