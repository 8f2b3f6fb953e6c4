"""Dispute status across the article: find what addresses a claim, wherever it is, and say who.

A claim's status rests on *evidence* words, found by two groups of rules and linked to the claim(s)
they address:

- verdict verbs (``annotate.status_verbs``): the claim's own frame ("X denied that A", "X falsely
  claimed that A") and a verdict verb elsewhere that points back ("X denied the report", "which he has
  denied", "His campaign confirmed.", "Her death was confirmed by the Eagle Forum");
- the article's own voice (``annotate.status_author``): falsity words ("that's untrue"), corrections
  ("but in fact A", "Contrary to his claim that A"), ratings ("gave Carson two Pinocchios"), "there is
  no evidence that A", an emphatic "do", an elliptic "It didn't.", and the fact-check layout (a quote,
  a dash line naming its speaker, the author's ruling).

Which claims a verdict reaches (the content of a noun, the nearest earlier attributed claim, the
claim an "about" phrase names, a restatement) is ``annotate.status_linking``'s; the cue lists are
``annotate.status_cues``'s, the value types ``annotate.status_types``'s. This module runs the rules in
their order over one article.

When several verdicts reach one claim, its own frame wins (a claim someone denies stays disputed
even when a third party "has not disputed that account"), then the stronger verdict:
contradicted > disputed > corroborated > undisputed; between equals, the first given stays. The
evidence spans are the verdict words and the mention of who disputes or backs the claim (none when it
is the article itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from claimkit.annotate.frames import Lexicon
from claimkit.annotate.status_author import AuthorVoice
from claimkit.annotate.status_cues import StatusCues, status_cues
from claimkit.annotate.status_linking import ArticleClaims
from claimkit.annotate.status_types import ClaimSite, Verdict, verdict_kind
from claimkit.annotate.status_verbs import VerbVerdicts, verbal

if TYPE_CHECKING:
    from claimkit.annotate.nlp import ParsedParagraph

# Adverbs that correct like "in fact" when they open a main clause after "but" ("But actually, A").
_FACT_MARKERS = frozenset({"actually"})


class StatusFinder:
    """Links verdicts to claims for one article (``find`` is the entry point)."""

    def __init__(self, sites: Sequence[ClaimSite], lex: Lexicon, cues: StatusCues | None = None) -> None:
        self.lex = lex
        self.cues = cues or status_cues()
        self.claims = ArticleClaims(sites, lex, self.cues)
        self.verbs = VerbVerdicts(self.claims, lex, self.cues)
        self.author = AuthorVoice(self.claims, lex, self.cues)

    def find(self) -> list[Verdict | None]:
        """Own-frame verdicts first (each also reaching the earlier claims it restates), then every
        verdict word of the paragraphs that hold claims, then the fact-check layouts."""
        claims = self.claims
        for k, site in enumerate(claims.sites):
            verdict = self.verbs.own(site)
            if verdict is not None:
                claims.give(k, verdict)
                for j in claims.restated(k):
                    claims.give(j, replace(verdict, own=False, score=verdict.score - 0.1))
        paragraphs: dict[int, ParsedParagraph] = {}
        for site in claims.sites:
            if site.para is None or site.para.index in paragraphs:
                continue
            paragraphs[site.para.index] = site.para
            self._scan(site.para)
        self.author.fact_check_layout(paragraphs)
        return claims.verdicts

    def _scan(self, para: ParsedParagraph) -> None:
        """Every verdict word of ``para``, in reading order; a word is read by the first rule it fits."""
        lex, doc, author = self.lex, para.doc, self.author
        lemmas, lower = para.lemmas, para.lower
        for i in range(len(doc)):
            lemma = lemmas[i]
            kind = verdict_kind(lex, lemma)
            if kind is not None and verbal(doc[i]):
                self.verbs.verb_verdict(para, doc[i], kind)
            elif lower[i] in lex.falsity_words or lemma in lex.falsity_words:
                author.falsity(para, doc[i])
            elif lower[i] == "fact" and i > 0 and lower[i - 1] == "in" and doc[i - 1].dep_ == "prep":
                author.in_fact(para, doc[i - 1], doc[i - 1].head, i - 1)
            elif lower[i] == "clear" and i > 1 and lower[i - 2 : i] == ("to", "be") and i not in para.quoted:
                author.in_fact(para, doc[i], doc[i].head.head, i - 2)  # "To be clear, the election is Nov. 8."
            elif lower[i] == "contrary" and i not in para.quoted:
                author.contrary(para, doc[i])
            elif lower[i] in _FACT_MARKERS and doc[i].dep_ == "advmod" and i not in para.quoted:
                author.in_fact(para, doc[i], doc[i].head, i)
            elif lower[i] in self.cues.rating_nouns and i not in para.quoted:
                author.rating(para, doc[i])
            elif lemma in self.cues.evidence_nouns and i not in para.quoted:
                author.no_evidence(para, doc[i])
        author.emphatic_statements(para)
        author.elliptic_negations(para)


def find_statuses(sites: Sequence[ClaimSite], lex: Lexicon) -> list[Verdict | None]:
    """One verdict (or None: not addressed) per claim, in order."""
    return StatusFinder(sites, lex).find()
