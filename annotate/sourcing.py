"""Rule-based sourcing: the default predictor, with no training.

For each claim, the rules look at the parse of its paragraph (``annotate.frames``):

- attribution: attributed when at least half of the claim's characters lie in the content of an
  attribution frame ("X said ...", "according to X", "reports that ...", "reportedly", "is said to")
  or inside quotation marks; the frame gives the source and cue spans;
- source type: from the source's head word (lexicon in ``data/cues.yaml``);
- hedged: a hedge word or phrase in the claim (probably, reportedly, is said to, could, ...);
- status: the claim's own cue ("denied that ...": disputed; "confirmed that ...": corroborated), or
  the next claim speaking about it ("... and the Commerce Department has not disputed this fact":
  undisputed);
- not a claim: questions and verbless fragments.

Every label carries a score. The attribution score is the rule's measured agreement with PolNeAR's
train split (``FRAME_SCORES``); the other fields have fixed, hand-set confidences, since no corpus
we have annotates them. The values the rules can emit are declared once (``RULE_VALUES``) and
checked against the schema when a predictor is made, so a renamed label fails at start, by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from claimkit.annotate.frames import (
    SUBJECTS,
    Frame,
    Lexicon,
    cue_tokens,
    lexicon,
    matches,
    signature_dash,
    spans_tokens,
    speaker_label,
    subtree,
)
from claimkit.annotate.nlp import ParsedArticle, ParsedParagraph, parse_articles
from claimkit.annotate.resolution import EntityFinder, mention_spans, ner_pipeline
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.status import find_statuses
from claimkit.annotate.status_types import ClaimSite
from claimkit.annotate.types import Claim, Label, Span, SplitArticle, merge_spans, spans_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

RULES_VERSION = "claimkit-rules-1"

# Confidence of each rule, used as the attribution score: the share of claims the rule decided that
# PolNeAR's gold agrees with (train split, first 300 articles). "adverb" (reportedly, allegedly) is
# set by hand: PolNeAR's guidelines rarely annotate these adverbs (3 of 10 agree), claimkit's schema
# counts them as attribution.
FRAME_SCORES: dict[str, float] = {
    "verb": 0.94,
    "according": 0.87,
    "noun": 0.84,
    "passive": 0.82,
    "adverb": 0.6,
    "stance": 0.7,
    "quote": 0.9,
}
ASSERTED_SCORE = 0.87
# The schema values these rules can emit, checked against the schema when a predictor is made.
RULE_VALUES: dict[str, tuple[str, ...]] = {
    "attribution": ("asserted", "attributed"),
    "hedged": ("no", "yes"),
    "status": ("not_addressed", "undisputed", "disputed", "corroborated", "contradicted"),
    "source_type": ("person", "organization", "government", "document", "anonymous", "publication"),
}
_HEDGE_MODALS = frozenset({"may", "might", "could"})


@dataclass(frozen=True)
class _Evidence:
    """What the rules found for one claim, before it becomes schema labels."""

    frame: Frame | None
    kind: str | None
    hedges: tuple[int, ...]


class RulePredictor:
    """The default predictor: dependency rules over a spaCy parse, no training needed."""

    def __init__(self, nlp: Language, schema: Schema | None = None) -> None:
        self.nlp = nlp
        self.schema = schema or default_schema()
        for field, values in RULE_VALUES.items():  # fail now, by name, if the schema lost one
            for value in values:
                self.schema[field].check_value(value)
        self.model_version = RULES_VERSION
        self.fields = frozenset(self.schema.names)
        self.lex = lexicon()
        self.ner: Language | None | bool = False  # not loaded yet

    def _ner(self) -> Language | None:
        """spaCy's NER, loaded on first use and run only on source mentions (``annotate.resolution``)."""
        if self.ner is False:
            self.ner = ner_pipeline(self.nlp)
        return self.ner if not isinstance(self.ner, bool) else None

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Label claims that came from anywhere (a file, Label Studio): parses their articles again."""
        return [self.label_parsed(p, item) for p, item in zip(self.parse(items), items, strict=True)]

    def parse(self, items: Sequence[SplitArticle]) -> list[ParsedArticle]:
        """The spaCy parse of each item's article, as the splitter makes it."""
        return list(parse_articles((item.article for item in items), self.nlp))

    def _entities(self, parsed: ParsedArticle) -> EntityFinder:
        return EntityFinder(
            parsed.paragraphs, self.lex, self._ner(), publisher=parsed.article.metadata.get("publisher", "")
        )

    def label_parsed(self, parsed: ParsedArticle, item: SplitArticle) -> SplitArticle:
        """Label the claims of ``item`` using the parse the splitter already made."""
        paragraphs = parsed.paragraphs
        entities = self._entities(parsed)
        evidence: list[_Evidence] = []
        locations: list[tuple[ParsedParagraph | None, set[int]]] = []
        for claim in item.claims:
            para = _paragraph_of(paragraphs, claim)
            if para is None:
                evidence.append(_Evidence(None, None, ()))
                locations.append((None, set()))
                continue
            start = para.span.start
            tokens = spans_tokens(para.doc, [(s.start - start, s.end - start) for s in claim.spans])
            locations.append((para, tokens))
            evidence.append(self._attribution_evidence(para, tokens))
        statuses = self._statuses(locations, evidence)
        claims = []
        for claim, ev, (para, tokens), status in zip(item.claims, evidence, locations, statuses, strict=True):
            labels = self._labels(item.article.text, claim, ev, para, tokens, status, entities)
            claims.append(claim.with_labels({k: v for k, v in labels.items() if k in self.fields}))
        return item.with_claims(claims)

    def describe_sources(self, parsed: ParsedArticle, item: SplitArticle, which: Sequence[int]) -> SplitArticle:
        """``item`` with the ``source_type`` of the claims at ``which`` decided again from the ``source``
        label they carry now, by the same resolution and typing as the rules' own sources.

        For labels another predictor set: a model that marks a source where the rules found none, or
        calls a claim attributed that the rules called asserted, leaves it without a type or a resolved
        entity unless the rules describe that mention ("the bureau" → government, resolved to "FBI").
        A claim without a source span gets the type of an unnamed source (anonymous).
        """
        if not which:
            return item
        entities = self._entities(parsed)
        claims = list(item.claims)
        for i in which:
            claim = claims[i]
            source = claim.labels.get("source")
            spans = source.spans if source is not None and source.value is not None else ()
            # the mention may sit in a neighbouring sentence ("That is what the inspectors wrote.")
            holder = next((p for p in parsed.paragraphs if spans and all(p.span.contains(s) for s in spans)), None)
            para = holder or _paragraph_of(parsed.paragraphs, claim)
            if para is None:
                continue
            tokens: list[int] = []
            if holder is not None:
                start = holder.span.start
                tokens = sorted(spans_tokens(holder.doc, [(s.start - start, s.end - start) for s in spans]))
            kind, score, mention = entities.source_type(para, tokens)
            resolved = mention_spans(paragraphs_of(entities, mention), mention) if mention is not None else ()
            claims[i] = claim.with_labels({**claim.labels, "source_type": Label(kind, score, resolved)})
        return item.with_claims(claims)

    # -- attribution ----------------------------------------------------------------------------
    def _attribution_evidence(self, para: ParsedParagraph, tokens: set[int]) -> _Evidence:
        """The frame (or quotation) holding at least half of the claim, measured in characters as
        the gold rule measures Content; the frame with the largest share wins."""
        lengths = para.lengths
        hedges = self._hedges(para, tokens)
        total = sum(lengths[i] for i in tokens)
        if not total:
            return _Evidence(None, None, hedges)

        def share_in(region: frozenset[int]) -> float:
            return sum(lengths[i] for i in tokens if i in region) / total

        best, best_share = None, 0.0
        sentence = para.sentence_of_token[min(tokens)]
        for frame in [*para.frames[sentence], *_as_frames(para, tokens)]:  # content never leaves its sentence
            if _quoted_speaker(para, frame):
                continue
            share = share_in(frame.content)
            if share > best_share or (
                share == best_share and best is not None and FRAME_SCORES[frame.kind] > FRAME_SCORES[best.kind]
            ):
                best, best_share = frame, share
        if best is not None and best_share >= 0.5:
            return _Evidence(best, best.kind, hedges)
        turn = _speaker_frame(para)  # before the quotation rule: '"PENCE: ...' quotes a transcript turn
        if turn is not None and share_in(turn.content) >= 0.5:
            return _Evidence(turn, turn.kind, hedges)
        quote_share = share_in(para.quoted)
        if quote_share >= 0.5:
            return _Evidence(_quote_frame(para, tokens), "quote", hedges)
        act = _speech_act(para, tokens, lex_speech())
        if act is not None:
            return _Evidence(act, act.kind, hedges)
        return _Evidence(None, None, hedges)

    def _hedges(self, para: ParsedParagraph, tokens: set[int]) -> tuple[int, ...]:
        lex: Lexicon = self.lex
        doc, lower, lemmas = para.doc, para.lower, para.lemmas
        found: set[int] = set()
        for i in tokens:
            if lower[i] not in lex.hedge_words and lemmas[i] not in lex.hedge_words:
                continue
            tok = doc[i]
            if lower[i] in _HEDGE_MODALS and tok.tag_ != "MD":
                continue
            if lower[i] in lex.hedge_words or tok.pos_ in ("VERB", "AUX", "ADV", "ADJ"):
                found.add(i)
        for i in tokens:
            for phrase in lex.hedge_phrases:
                n = len(phrase)
                if lower[i] == phrase[0] and lower[i : i + n] == phrase and all(j in tokens for j in range(i, i + n)):
                    found.update(range(i, i + n))
        return tuple(sorted(found))

    # -- dispute status ------------------------------------------------------------------------
    def _statuses(self, locations, evidence: list[_Evidence]) -> list[Label]:
        """One status label per claim from the evidence anywhere in the article (``annotate.status``):
        the verdict words and who gives the verdict are the label's spans."""
        sites = [
            ClaimSite(para, frozenset(tokens), ev.frame, ev.kind)
            for ev, (para, tokens) in zip(evidence, locations, strict=True)
        ]
        out: list[Label] = []
        for verdict in find_statuses(sites, self.lex):
            if verdict is None:
                out.append(Label(RULE_VALUES["status"][0], 0.7))
            else:
                out.append(Label(verdict.value, verdict.score, verdict.spans))
        return out

    # -- labels ----------------------------------------------------------------------------------
    def _labels(
        self,
        text: str,
        claim: Claim,
        ev: _Evidence,
        para: ParsedParagraph | None,
        tokens: set[int],
        status: Label,
        entities: EntityFinder,
    ) -> dict[str, Label]:
        asserted, attributed = RULE_VALUES["attribution"]
        hedged_no, hedged_yes = RULE_VALUES["hedged"]
        offset = para.span.start if para is not None else 0
        doc = para.doc if para is not None else None

        def spans_of(indices) -> tuple[Span, ...]:
            if doc is None or not indices:
                return ()
            return merge_spans(
                (Span(offset + doc[i].idx, offset + doc[i].idx + len(doc[i].text)) for i in indices), text
            )

        labels: dict[str, Label] = {}
        is_attributed = ev.kind is not None
        score = FRAME_SCORES[ev.kind] if ev.kind else ASSERTED_SCORE
        labels["attribution"] = Label(attributed if is_attributed else asserted, score)
        source_spans = spans_of(ev.frame.source) if ev.frame else ()
        cue_spans = spans_of(ev.frame.cue) if ev.frame else ()
        source_text = spans_text(text, source_spans) if source_spans else None
        labels["source"] = Label(
            source_text, 0.8 if source_spans else (score if is_attributed else ASSERTED_SCORE), source_spans
        )
        labels["cue"] = Label(
            spans_text(text, cue_spans) if cue_spans else None, 0.85 if cue_spans else score, cue_spans
        )
        if is_attributed and para is not None:
            kind, kind_score, mention = entities.source_type(para, ev.frame.source if ev.frame else ())
            resolved = mention_spans(paragraphs_of(entities, mention), mention) if mention is not None else ()
            labels["source_type"] = Label(kind, kind_score, resolved)
        elif is_attributed:
            labels["source_type"] = Label("anonymous", 0.6)
        else:
            labels["source_type"] = Label(None, ASSERTED_SCORE)
        hedge_spans = spans_of(ev.hedges)
        labels["hedged"] = Label(hedged_yes if hedge_spans else hedged_no, 0.8 if hedge_spans else 0.7, hedge_spans)
        labels["status"] = status
        labels["not_a_claim"] = self._not_a_claim(claim, doc, tokens)
        return labels

    def _not_a_claim(self, claim: Claim, doc: Doc | None, tokens: set[int]) -> Label:
        if claim.text.rstrip().endswith("?"):
            return Label(True, 0.7)
        if doc is not None and len(tokens) <= 4:  # short: a fragment unless it has a verb
            words = [doc[i] for i in tokens if not doc[i].is_punct]
            if len(words) < 3 and not any(t.pos_ in ("VERB", "AUX") for t in words):
                return Label(True, 0.65)
        return Label(False, 0.8)


@dataclass(frozen=True)
class SpeechActs:
    """``speech_acts`` of ``data/cues.yaml`` with the verb lexicons it extends."""

    verbs: frozenset[str]
    phrases: dict[str, frozenset[str]]


@cache
def lex_speech() -> SpeechActs:
    import yaml

    from claimkit.annotate.schema import data_dir

    raw = yaml.safe_load((data_dir() / "cues.yaml").read_text(encoding="utf-8")).get("speech_acts") or {}
    verbs = frozenset(str(w).lower() for w in raw.get("verbs") or ())
    phrases = {str(k).lower(): frozenset(str(w).lower() for w in v) for k, v in (raw.get("phrases") or {}).items()}
    return SpeechActs(verbs, phrases)


def _as_frames(para: ParsedParagraph, tokens: set[int]) -> list[Frame]:
    """ "as The Times reported, A" / "A, as X said": a reporting verb in an adverbial clause marked by
    "as", with its own subject; the content is the clause it modifies, less the as-clause."""
    doc, lex = para.doc, lexicon()
    out: list[Frame] = []
    for i in tokens:
        tok = doc[i]
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ != "advcl" or tok.head.i == i:
            continue
        if tok.lemma_.lower() not in lex.reporting_verbs and tok.lower_ not in lex.reporting_verbs:
            continue
        if not any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            continue
        subjects = [c for c in tok.children if c.dep_ == "nsubj"]
        if not subjects:
            continue
        cue = cue_tokens(tok)  # without the "as": PolNeAR leaves it out (0:48 in train)
        content = frozenset(subtree(tok.head) - subtree(tok))
        out.append(Frame("verb", tuple(cue), tuple(sorted(subtree(subjects[0]))), content))
    return out


def _speech_act(para: ParsedParagraph, tokens: set[int], acts: SpeechActs) -> Frame | None:
    """A claim with no frame whose own main verb is a speech act ("News Corporation denied the
    reports", "Her death was confirmed by the Eagle Forum", "she made it clear"): a ``stance`` frame
    whose source is the verb's subject (the agent in the passive; the noun a relative clause hangs
    on, "the Chicago Police Department which reported ...") and whose content is the rest."""
    doc = para.doc
    roots = [doc[i] for i in tokens if doc[i].head.i == i or doc[i].head.i not in tokens]
    roots = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    for root in roots:
        verb = _act_verb(root, acts)
        if verb is None:
            continue
        passive = any(c.dep_ == "auxpass" for c in verb.children)
        source: set[int] = set()
        if passive:
            for agent in (c for c in verb.children if c.dep_ == "agent"):
                source = subtree(agent) - {agent.i}
        else:
            subjects = [c for c in root.children if c.dep_ in SUBJECTS and c.dep_ != "expl"]
            if subjects and subjects[0].tag_ == "WDT" and root.dep_ == "relcl":  # "X, which reported ..."
                # the noun may lie outside the claim when the splitter made the clause a claim of its
                # own ("members of the Saudi government | which has denied ...")
                noun = root.head
                source = subtree(noun) - subtree(root)
                source = {i for i in source if not doc[i].is_punct or doc[i].head.i != noun.i}
            elif subjects and subjects[0].pos_ != "VERB":
                source = subtree(subjects[0]) & tokens
        if not source:
            continue
        cue = cue_tokens(verb)
        content = frozenset(tokens - source - set(cue))
        return Frame("stance", tuple(cue), tuple(sorted(source)), content)
    return None


def _act_verb(root: Token, acts: SpeechActs) -> Token | None:
    """The speech act a clause's verb performs: the verb itself ("denied the reports", "made it
    clear"), or the to-infinitive of an aspectual verb ("continued to refute a story", "went on to
    deny it"), which only times the act; other verbs change it ("will vote to confirm", "was
    allowed to deny") or hand it to their object ("forced Stumpf to admit"). None for a negated
    act ("has not disputed this": a verdict on another claim, read by the status rules)."""
    verbs = [root]
    if root.lemma_.lower() in lexicon().aspectual_verbs and not any(
        c.dep_ in ("dobj", "dative") for c in root.children
    ):
        verbs += [c for c in root.children if c.dep_ == "xcomp" and c.pos_ == "VERB" and _to_infinitive(c)]
    for verb in verbs:
        lemma = verb.lemma_.lower()
        ok = matches(verb, acts.verbs)
        if not ok and lemma in acts.phrases:
            words = acts.phrases[lemma]
            ok = any(matches(w, words) for c in verb.children for w in c.subtree)
        if ok and not any(c.dep_ == "neg" for v in (root, verb) for c in v.children):
            return verb
    return None


def _to_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" and c.i < verb.i for c in verb.children)


def _signature_frame(para: ParsedParagraph, words: set[int]) -> Frame | None:
    """“...” ― Krystal Correa: the dash is the cue and the name the source (PolNeAR marks them so)."""
    doc = para.doc
    ordered = sorted(words)
    dashes = [i for i in ordered if signature_dash(doc[i])]
    if not dashes:
        return None
    dash = dashes[-1]
    name = [i for i in ordered if i > dash and not doc[i].is_punct and not doc[i].is_space]
    if not name or len(name) > 5 or not all(doc[i].pos_ == "PROPN" or doc[i].is_title for i in name):
        return None
    return Frame("verb", (dash,), tuple(name), frozenset(i for i in ordered if i < dash))


def _quote_frame(para: ParsedParagraph, words: set[int]) -> Frame | None:
    """The frame that most likely introduces a quotation: a signature ending the claim or, for a
    quotation of several sentences, ending the paragraph (“A. B.” ― Carla Sanchez), else one in the
    claim's own sentence, else the nearest verb frame in the paragraph (“...,” he said. / He said: “...”)."""
    signed = _signature_frame(para, words) or _signature_frame(para, set(range(min(words), len(para.doc))))
    if signed is not None:
        return signed
    same = [
        f for f in para.frames[para.sentence_of_token[min(words)]] if f.kind == "verb" and not _quoted_speaker(para, f)
    ]
    if same:
        return same[0]
    frames = [f for sentence_frames in para.frames for f in sentence_frames]
    verbs = [f for f in frames if f.kind == "verb" and f.source and not _quoted_speaker(para, f)]
    if not verbs:
        return None
    anchor = min(words)
    return min(verbs, key=lambda f: abs(f.cue[0] - anchor))


_LABEL_TOKENS = 8  # a speaker label is at most four words and its colon, with room for spaces


def _speaker_frame(para: ParsedParagraph) -> Frame | None:
    """A transcript turn ("PENCE: Well, the question ..."): the label is the source and its colon
    the cue of everything after it in the paragraph."""
    doc = para.doc
    colon = speaker_label(list(doc[:_LABEL_TOKENS]))
    if colon is None:
        return None
    first = next(i for i in range(colon.i) if not (doc[i].is_space or doc[i].is_punct))  # after a '"'
    source = tuple(range(first, colon.i))
    return Frame("verb", (colon.i,), source, frozenset(range(colon.i + 1, len(doc))))


_SPEAKER_PRONOUNS = frozenset({"i", "we", "you", "me", "us"})


def _quoted_speaker(para: ParsedParagraph, frame: Frame) -> bool:
    """A frame inside a quotation or a transcript turn whose source is the speaker or the listener
    ("“I think A,” Smith said", "PENCE: I think A"): the words are Smith's (Pence's), so the quotation's
    own speaker is the source. PolNeAR rarely marks these inner frames (dev: "I" 10 of 66 such
    sources, "you" 3 of 22)."""
    if len(frame.source) != 1 or para.lower[frame.source[0]] not in _SPEAKER_PRONOUNS or not frame.cue:
        return False
    turn = _speaker_frame(para)
    return frame.cue[0] in para.quoted or (turn is not None and frame.cue[0] in turn.content)


def paragraphs_of(entities: EntityFinder, mention) -> ParsedParagraph:
    """The paragraph a resolved mention lies in."""
    return entities.paragraphs[mention.para]


def _paragraph_of(paragraphs: Sequence[ParsedParagraph], claim: Claim) -> ParsedParagraph | None:
    first = claim.spans[0] if claim.spans else None
    if first is None:
        return None
    if 0 <= claim.paragraph < len(paragraphs) and paragraphs[claim.paragraph].span.contains(first):
        return paragraphs[claim.paragraph]
    return next((p for p in paragraphs if p.span.contains(first)), None)
