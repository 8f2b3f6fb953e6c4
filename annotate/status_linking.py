"""Which claims a verdict addresses: the article's located claims, the verdicts given to them so far,
and the ways a verdict word finds its claims.

A verdict seldom sits in the claim it rules on. It reaches it through the content of a noun
("allegations that A, which he denied"), an anaphor or a bare verb standing for the nearest earlier
attributed claim ("BuzzFeed denied the report", "His campaign confirmed."), the words of an "about"
phrase ("his claim about Ford canceling its plant"), an event noun ("Her death was confirmed") or a
restatement ("BuzzFeed reported that A. [...] Lewandowski has denied that A."). Every rule module asks
these same questions, so the answers live here once, apart from the rules that find verdict words
(``annotate.status_verbs``, ``annotate.status_author``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimkit.annotate.frames import Lexicon, relative_that, subtree
from claimkit.annotate.status_cues import StatusCues
from claimkit.annotate.status_syntax import head_word
from claimkit.annotate.status_types import ClaimSite, Verdict

if TYPE_CHECKING:
    from spacy.tokens import Token

    from claimkit.annotate.nlp import ParsedParagraph

# A fragment ("Its donations") is never what a verdict addresses.
_MIN_TARGET_TOKENS = 3
_ABOUT = frozenset({"about", "on", "regarding", "over"})
# "was wrong in his claim about X": the phrase must name at least this many content words of the claim.
_MIN_ABOUT_WORDS = 2
_ABOUT_SHARE = 0.6


class ArticleClaims:
    """One article's located claims, the verdict each holds so far, and the links from a verdict to them."""

    def __init__(self, sites: Sequence[ClaimSite], lex: Lexicon, cues: StatusCues) -> None:
        self.sites = sites
        self.lex = lex
        self.cues = cues
        self.verdicts: list[Verdict | None] = [None] * len(sites)
        self._words: dict[int, frozenset[str]] = {}  # content words per claim, built once (``content_words``)

    # -- verdicts ----------------------------------------------------------------------------------
    def give(self, k: int, verdict: Verdict) -> None:
        """Claim ``k`` takes ``verdict`` unless it holds one that wins (``Verdict.beats``)."""
        current = self.verdicts[k]
        if current is None or verdict.beats(current):
            self.verdicts[k] = verdict

    def give_each(self, targets: Sequence[int], verdict: Verdict) -> None:
        for k in targets:
            self.give(k, verdict)

    # -- restatements ------------------------------------------------------------------------------
    def restated(self, k: int) -> list[int]:
        """Earlier claims that say what claim ``k`` says, in (nearly) the same words: "BuzzFeed reported
        that he was working on a book. [...] Lewandowski has denied that he was working on a book."
        The denial addresses the earlier report's claim too. The earlier claim holds 80% of the
        content words (all of them when there are only two or three) and is not much longer."""
        words = self.content_words(k)
        if len(words) < 2:
            return []
        need = len(words) if len(words) <= 3 else 0.8 * len(words)
        same = [
            j
            for j in range(k)
            if len(words & (earlier := self.content_words(j))) >= need and len(earlier) <= 1.5 * len(words) + 1
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
        words = self.content_words(k) - {para.lemmas[subject]}
        out = []
        for j, other in enumerate(self.sites):
            if j == k or other.para is not para or len(other.tokens) < _MIN_TARGET_TOKENS:
                continue
            if para.sentence_of_token[min(other.tokens)] != sentence - 1 or other.frame == site.frame:
                continue
            theirs = _named_subject(para, other.tokens)
            if theirs is not None and para.lower[theirs] == para.lower[subject] and words & self.content_words(j):
                out.append(j)
        return out

    def content_words(self, k: int) -> frozenset[str]:
        """The lemmas of claim ``k``'s alphabetic non-stop words."""
        if k not in self._words:
            site = self.sites[k]
            words: frozenset[str] = frozenset()
            if site.para is not None:
                doc, lemmas = site.para.doc, site.para.lemmas
                words = frozenset(lemmas[i] for i in site.tokens if doc[i].is_alpha and not doc[i].is_stop)
            self._words[k] = words
        return self._words[k]

    # -- the content of a noun or a frame ----------------------------------------------------------
    def noun_content(self, para: ParsedParagraph, noun: Token | None) -> list[int]:
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

    def following(self, para: ParsedParagraph, noun: Token | None) -> list[int]:
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

    def content_of(self, para: ParsedParagraph, noun: Token | None) -> list[int]:
        """Claims a noun's that-clause holds, as the frame finder saw it or right after the noun."""
        return self.noun_content(para, noun) or self.following(para, noun)

    def reporting_content(self, para: ParsedParagraph, verb: Token) -> list[int]:
        """Claims in the content of the reporting frame that ``verb`` (an advcl) hangs off."""
        if verb.dep_ != "advcl":
            return []
        head = verb.head.i
        for frames in para.frames:
            for frame in frames:
                if head in frame.cue and frame.content:
                    return [k for k, s in enumerate(self.sites) if s.para is para and s.tokens & frame.content]
        return []

    def same_frame(self, k: int) -> list[int]:
        """Claim ``k`` and the other claims of its attribution frame: "The Times reported that BuzzFeed
        missed its targets and was revising its projections. BuzzFeed denied the report." denies both."""
        site = self.sites[k]
        if site.frame is None or site.para is None:
            return [k]
        return [j for j, s in enumerate(self.sites) if j == k or (s.para is site.para and s.frame == site.frame)]

    def attributed_in(self, para: ParsedParagraph) -> list[int]:
        """The attributed claims of ``para`` long enough to be what a verdict addresses."""
        return [
            k
            for k, site in enumerate(self.sites)
            if site.para is para and site.kind is not None and len(site.tokens) >= _MIN_TARGET_TOKENS
        ]

    # -- earlier claims ----------------------------------------------------------------------------
    def _earlier(self, para: ParsedParagraph, before: int) -> list[tuple[int, ClaimSite]]:
        """Every located claim that starts before token ``before`` of ``para``, in reading order."""
        position = para.span.start + para.doc[before].idx
        return [(k, s) for k, s in enumerate(self.sites) if s.para is not None and 0 <= s.start < position]

    def nearest_first(self, para: ParsedParagraph, before: int, *, reach: int) -> list[int]:
        """Claims that start before token ``before`` of ``para``, at most ``reach`` paragraphs back,
        nearest first."""
        earlier = [(s.start, k) for k, s in self._earlier(para, before) if para.index - s.para.index <= reach]  # type: ignore[union-attr]
        return [k for _, k in sorted(earlier, reverse=True)]

    def same_source(self, targets: list[int], para: ParsedParagraph, before: int) -> list[int]:
        """``targets`` and every earlier claim near them whose source has the same head word: a plural
        anaphor ("Trump denied the accusations") answers all that one source alleged over several
        sentences, each with a frame of its own ("O'Donnell recalled ...", "O'Donnell said ...")."""
        heads = {self.source_head(k) for k in targets} - {None}
        if not heads:
            return targets
        first = min(self.sites[k].para.index for k in targets if self.sites[k].para is not None)  # type: ignore[union-attr]
        more = [
            j
            for j, s in self._earlier(para, before)
            if first - s.para.index <= 1  # type: ignore[union-attr]
            and self.source_head(j) in heads
        ]
        return sorted(set(targets) | set(more))

    def source_head(self, k: int) -> str | None:
        """The head word of claim ``k``'s source (the source token whose head lies outside it)."""
        site = self.sites[k]
        if site.frame is None or site.para is None or not site.frame.source:
            return None
        return head_word(site.para, site.frame.source)

    def same_sentence(self, para: ParsedParagraph, before: int) -> list[int]:
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

    def previous(
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
            for k in self.nearest_first(para, before, reach=0 if near else 1)
            if len(self.sites[k].tokens) >= _MIN_TARGET_TOKENS
        ]
        if near:
            earlier = [
                k
                for k in earlier
                if sentence - self.sites[k].para.sentence_of_token[min(self.sites[k].tokens)] <= 1  # type: ignore[union-attr]
            ]
        for k in earlier:
            if self.sites[k].kind is not None and (giver is None or self.source_head(k) != giver):
                if self._assertive(k):
                    return self.same_frame(k)
                if not self._inside_another(k):
                    # a proposal answered ("Clinton proposed a debate. Sanders rejected that."): refused,
                    # no claim disputed; a wish inside an assertion ("insists he wants to") reads on
                    return []
        if corroborating or same_sentence_first:
            same = [k for k in earlier if self.sites[k].para is para]
            return same[:1]
        return []

    def just_before(self, para: ParsedParagraph, before: int) -> list[int]:
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

    def event_claims(self, para: ParsedParagraph, noun: Token) -> list[int]:
        """The nearest earlier claim (same or previous paragraph) whose verb is the one ``noun``
        nominalises: "died on Monday" for "Her death"."""
        verbs = self.cues.event_nouns[noun.lemma_.lower()]
        for k in self.nearest_first(para, noun.i, reach=1):
            site = self.sites[k]
            doc, lemmas = site.para.doc, site.para.lemmas  # type: ignore[union-attr]
            if any(doc[i].pos_ == "VERB" and lemmas[i] in verbs for i in site.tokens):
                return [k]
        return []

    def about(self, para: ParsedParagraph, noun: Token) -> list[int]:
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
            if (shared := len(words & self.content_words(k))) >= need
        ]
        return [max(scored)[2]] if scored else []

    def described_noun(self, word: Token, pointer: Token) -> Token | None:
        """A reporting noun that names what the claim was about: "Trump was wrong in his claim about
        Ford canceling its plant" (or "his claim about ... was false"), else None; ``about`` finds the
        claim."""
        nouns = self.lex.reporting_nouns | self.lex.anaphoric_objects
        candidates = [pointer] + [
            g for c in (*word.children, *word.head.children) if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
        ]
        for noun in candidates:
            if noun.lemma_.lower() in nouns and any(c.dep_ == "prep" and c.lower_ in _ABOUT for c in noun.children):
                return noun
        return None

    # -- what a verdict may not address ------------------------------------------------------------
    def apart(self, para: ParsedParagraph, word: int, targets: list[int], tails: bool = True) -> list[int]:
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


def _named_subject(para: ParsedParagraph, tokens: frozenset[int]) -> int | None:
    """The proper-noun subject of a claim's main clause ("Trump" in "Trump also is set to ..."), else None."""
    doc = para.doc
    for i in sorted(tokens):
        tok = doc[i]
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and tok.head.i in tokens:
            return i
    return None
