"""Malformed claim texts, counted by kind: the checker behind ``claimkit eval claims``.

A claim is what an annotator labels and a fact-checker quotes, so its text must read as a sentence
made from the article's own words, and its spans must be exactly those words. This module checks
each claim against the spaCy parse of the paragraph it was cut from (the same parse the splitter
used, so a finding points at the splitter, not at a second parse that may disagree).

Kinds (a claim can have several; it counts once in the malformed total):

- ``dangling_determiner`` / ``dangling_preposition`` / ``dangling_conjunction`` /
  ``dangling_complementizer``: the claim's last word is a determiner, preposition (or infinitival
  "to"), coordinating conjunction, or subordinating conjunction whose phrase was cut away.
- ``stray_punctuation``: ".." or ". ." (a doubled full stop), a space before "," "." ";" ":",
  a claim that starts with "," ";" ":" or ".", or ",," / ", ,"; not an ellipsis, nor punctuation the
  source sentence itself has at that place ("Italy , Denmark").
- ``unbalanced_marks``: a bracket or quotation mark without its partner, when the sentence the
  claim comes from balances it (a quotation running over several sentences is the article's, not
  the claim's).
- ``wrong_subject``: a verb in the claim whose subject (its own, or the one a subject-less conjunct
  shares) is not in the claim, so another word reads as its subject ("Singapore are involved ..."
  when the subject was "two other companies"). A relative pronoun stands for its noun.
- ``text_span_mismatch``: the claim's text does not consist of the words its spans cover. Allowed:
  whitespace, the case of the first letter, and a final period present in one and not the other;
  discontinuous pieces are joined by one space. Nothing else: dropping a word ("that") or adding
  one makes a highlighted span that does not say what the claim says.
- ``no_finite_verb``: the claim has no finite verb (nor a modal) although the sentence it comes
  from has one, so the claim is a fragment ("Her lawyer James Park"). In ``proposition``
  granularity an appositive or participial proposition ("Candiru, another Israeli company";
  "Python launched in 1991") is PropSegmEnt's unit by design and is counted separately as
  ``reduced_proposition`` (reported, not malformed).
- ``reported_complement`` (reported, not malformed): a verbless claim that is the complement of
  a stance or reporting verb outside it ("wants | to preserve its policy", "declined | to comment",
  "called | the deal a disaster"). The issue asks for these cuts, so that attributed content and
  the author's frame fall into different claims; the content of a wish or a refusal has no finite
  verb of its own, and borrowing the frame's verb would put the author's words back in.
- ``starts_inside_phrase``: the claim starts with a preposition whose head is outside the claim
  ("of the company said ..."). A noun standing for a relative pronoun may start a claim.
- ``glued_words``: a quotation mark or bracket glued to the word beside it where the article has a
  space ("on CNN“I've never said"), left by a cut that removed what stood between them.
- ``missing_complement``: a verb of the claim whose object or complement clause after it was cut
  away whole ("In the end, Patriot agreed.", "Axelrod calls on Dean."): the claim stops where the
  verb's meaning goes on. Added 2026-12-08 after a hand count of 120 random PolNeAR dev claims
  found these two kinds the most common ones the checker missed (2.8% and 1.2% of dev claims).
- ``bare_frame``: who spoke and nothing said ("She said", left when the rest of the clause was cut
  away), or the name of a quotation's signature alone ("Pamela Padilla" after "”― "): a frame,
  no claim. Only verbs of saying and thinking that say nothing alone count (``bare_frame_verbs`` in
  ``data/cues.yaml``: not "the council agreed"), and only active ones.
- ``bare_subordinate``: a subordinate clause without the clause it hangs on ("Before he died",
  "Since these activities carry the risk ..."): its connective relates it to words the claim lost.
  Both added 2026-12-08 after a hand audit of 120 PolNeAR dev claims (seed 23).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimkit.annotate.frames import only_frame, signature_dash
from claimkit.annotate.types import Article, Claim, spans_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    from claimkit.annotate.nlp import ParsedArticle
    from claimkit.annotate.splitter import Granularity

MALFORMED_KINDS: tuple[str, ...] = (
    "dangling_determiner",
    "dangling_preposition",
    "dangling_conjunction",
    "dangling_complementizer",
    "stray_punctuation",
    "unbalanced_marks",
    "wrong_subject",
    "text_span_mismatch",
    "no_finite_verb",
    "starts_inside_phrase",
    "glued_words",
    "missing_complement",
    "bare_frame",
    "bare_subordinate",
)
INFO_KINDS: tuple[str, ...] = ("reduced_proposition", "reported_complement")
"""Reported with the rates but not counted as malformed."""

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "that", "whose"})
_STRAY = re.compile(r"(?<!\.)\.\s*\.(?!\.)|\s(?:[,;:!?]|\.(?!\.))(?!\w)|^[,.;:]|,\s*,|[,;:]\s*\.$")
_WORD = re.compile(r"\w+|[^\w\s]")
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))
_MAX_EXAMPLES = 8
_GLUED = re.compile(r"[\w,.;:!?](?:“|‘|\(|\[|''|\")\w|[\w.,](?:”|\)|\])\w")
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "attr", "acomp"})
_SUBORDINATORS = frozenset(
    {"before", "after", "until", "till", "because", "since", "unless", "once", "if", "whether", "although", "though"}
    | {"whereas", "while", "as", "when"}
)


@dataclass
class Finding:
    """One claim's problems (empty ``kinds`` when it is well-formed)."""

    claim: Claim
    sentence: str
    kinds: list[str] = field(default_factory=list)


# -- the checks, each on one claim -------------------------------------------------------------------


def dangling_end(tokens: Sequence[Token]) -> str | None:
    """The kind of word the claim ends on when that word's phrase was cut away, else None."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words:
        return None
    last = words[-1]
    inside = {t.i for t in tokens}
    if last.dep_ in ("det", "predet") and last.head.i > last.i and last.head.i not in inside:
        return "dangling_determiner"  # its noun is cut away; a floating "all" or "one another" is fine
    if last.dep_ == "cc" or last.pos_ == "CCONJ":
        return "dangling_conjunction"
    if last.dep_ == "mark":
        return "dangling_complementizer"
    objects = [c for c in last.children if c.dep_ in ("pobj", "pcomp")]
    if last.dep_ in ("prep", "agent", "dative") and any(c.i not in inside for c in objects):
        return "dangling_preposition"  # a stranded preposition ("what they care about") has no object
    if last.tag_ == "TO" and last.dep_ == "aux":
        return "dangling_preposition"
    return None


def stray_punctuation(text: str, source: str | None = None) -> bool:
    """Doubled or misplaced punctuation a reader sees as an error (an ellipsis "..." is fine).

    With ``source`` (the sentence the claim comes from), punctuation the article itself has there
    ("Italy , Denmark") is the article's, not the splitter's: only a mark whose few characters around
    it do not occur in the source counts (a join of two spans, a stop left after a cut)."""
    for m in _STRAY.finditer(text):
        around = text[max(0, m.start() - 3) : m.end() + 3]
        if source is None or around not in source:
            return True
    return False


def unbalanced(text: str) -> bool:
    """A bracket or quotation mark without its partner (straight double quotes must come in pairs)."""
    if text.count('"') % 2:
        return True
    for opening, closing in _PAIRS:
        depth = 0
        for ch in text:
            if ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                if depth < 0:
                    return True
        if depth:
            return True
    return False


def _words(text: str) -> list[str]:
    words = _WORD.findall(text)
    if words and words[-1] == ".":
        words = words[:-1]
    if words:
        words[0] = words[0][:1].lower() + words[0][1:]
    return words


def text_matches_spans(claim: Claim, article_text: str) -> bool:
    """True when the claim's text is the words under its spans (see the module doc for what may differ)."""
    return _words(claim.text) == _words(spans_text(article_text, claim.spans))


def missing_subject(tokens: Sequence[Token]) -> bool:
    """A verb of the claim whose subject is outside the claim (relative pronouns stand for their noun),
    or a finite complement clause cut from a verb outside the claim with no subject at all ("Is a lie
    unless proven otherwise", where the parser gave "Everything Trump" to "says")."""
    inside = {t.i for t in tokens}
    for verb in tokens:
        if (
            verb.dep_ == "ccomp"
            and verb.head.i not in inside
            and verb.tag_ in _FINITE_TAGS
            and not any(c.dep_ in _SUBJECTS for c in verb.children)
        ):
            return True
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        for subject in subjects:
            if subject.i in inside or any(t.i in inside for t in subject.conjuncts):
                continue
            if _substituted(subject, inside):
                continue
            return True
        if (
            not subjects
            and verb.dep_ == "conj"
            and verb.pos_ in ("VERB", "AUX")
            and verb.tag_ in _FINITE_TAGS
            and verb.head.i not in inside
        ):
            shared = _shared_subject(verb)
            if shared is not None and shared.i not in inside and not _substituted(shared, inside):
                return True
    return False


def _shared_subject(verb: Token) -> Token | None:
    head = verb
    for _ in range(6):
        if head.dep_ != "conj" or head.head.i == head.i:
            break
        head = head.head
    return next((c for c in head.children if c.dep_ in _SUBJECTS), None)


def _substituted(subject: Token, inside: set[int]) -> bool:
    """A relative pronoun whose antecedent (the head of the relative clause above it) is in the claim."""
    if subject.lower_ not in _RELATIVE_PRONOUNS:
        return False
    verb = subject.head
    for _ in range(4):  # "River Road, which residents say was never built": the clause is one level up
        if verb.dep_ == "relcl":  # "the list of entities, which ...": the list may stand for it too
            noun = verb.head
            of = noun.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
            return noun.i in inside or (of is not None and of.head.i in inside)
        if verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


def has_finite_verb(tokens: Iterable[Token]) -> bool:
    return any(t.tag_ in _FINITE_TAGS for t in tokens)


def is_reduced_proposition(tokens: Sequence[Token]) -> bool:
    """An appositive, participial or list proposition: verbless by design in PropSegmEnt's unit."""
    inside = {t.i for t in tokens}
    for t in tokens:
        if t.dep_ in ("appos", "acl", "advcl", "conj") and t.head.i in inside:
            return True
        if t.dep_ in ("appos", "acl", "relcl", "advcl") and t.head.i not in inside:
            return True
        if t.tag_ in ("VBN", "VBG"):
            return True
    return False


def is_reported_complement(tokens: Sequence[Token]) -> bool:
    """Content cut from a stance or reporting verb outside the claim ("wants | to preserve its
    policy", "called | the deal a disaster", "polls showing | Trump leading"): what the source
    wants, calls or shows, non-finite by nature; the frame verb is the author's and stays out."""
    inside = {t.i for t in tokens}
    tops = [t for t in tokens if t.head.i not in inside and not t.is_punct]
    return bool(tops) and all(
        t.dep_ in ("xcomp", "ccomp", "dobj", "oprd") and t.head.pos_ in ("VERB", "AUX") for t in tops
    )


def glued_words(text: str, source: str | None) -> bool:
    """Two words joined without the space the article has between them, where a cut removed what
    stood between ("on CNN“I've never said" from 'on CNN, Clinton said: “I've never said'): an
    opening mark glued to the word before it, or a closing mark glued to the word after it, that
    the source sentence does not have."""
    for m in _GLUED.finditer(text):
        if source is None or m.group(0) not in source:
            return True
    return False


def missing_complement(tokens: Sequence[Token]) -> bool:
    """A verb of the claim whose complement clause or object was cut away entirely ("the
    Coalition wants.", "with what they call.", "failed to note."): the claim stops where the
    verb's meaning needs to go on. Only complements after the verb count (a fronted object, "what
    they call", is in the claim), and not a verb whose complement is the claim's own subject."""
    inside = {t.i for t in tokens}
    for verb in tokens:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        for child in verb.children:
            if child.i < verb.i or child.dep_ not in _COMPLEMENTS:
                continue
            if not any(t.i in inside for t in child.subtree):
                return True
    return False


def bare_frame(tokens: Sequence[Token], sentence_tokens: Sequence[Token]) -> bool:
    """The claim is only a frame: an active verb of saying with its subject and nothing said ("She
    said"; auxiliaries, negation and adverbs may stand beside them), or the name after a quotation's
    signature dash ("Pamela Padilla" from "”― Pamela Padilla")."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words:
        return False
    inside = {t.i for t in words}
    sentence_words = [t for t in sentence_tokens if not t.is_space]
    if sentence_words and signature_dash(sentence_words[0]) and sentence_words[0].i not in inside:
        return all(t.pos_ == "PROPN" for t in words)
    roots = [t for t in words if t.head.i not in inside or t.head.i == t.i]
    if len(roots) != 1:
        return False
    verb = roots[0]
    # the splitter's own test of a bare frame, with the speaker in the claim
    return any(c.dep_ == "nsubj" and c.i in inside for c in verb.children) and only_frame(verb, inside)


def bare_subordinate(tokens: Sequence[Token]) -> bool:
    """The claim opens with the connective of its own root verb ("Before he died"), and that verb
    hangs on a clause outside the claim: a subordinate clause without its main clause."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words:
        return False
    first, inside = words[0], {t.i for t in words}
    if first.dep_ != "mark" or first.lower_ not in _SUBORDINATORS:
        return False
    verb = first.head
    return verb.i in inside and verb.head.i not in inside and verb.head.i != verb.i


def lowercase_start(tokens: Sequence[Token], text: str) -> bool:
    """The claim opens inside a phrase: its first word hangs off a later word outside the claim."""
    words = [t for t in tokens if not t.is_punct]
    if not words:
        return False
    first = words[0]
    inside = {t.i for t in tokens}
    return first.dep_ in ("prep", "agent") and first.head.i not in inside


def claim_kinds(
    claim: Claim,
    article_text: str,
    tokens: Sequence[Token],
    sentence_tokens: Sequence[Token],
    granularity: Granularity = "clause",
) -> list[str]:
    """Every malformed (and informational) kind that applies to one claim, given its tokens in the parse."""
    kinds: list[str] = []
    end = dangling_end(tokens)
    if end:
        kinds.append(end)
    source = None  # the sentence's own text, for punctuation the article itself has
    if sentence_tokens:
        first, last = sentence_tokens[0], sentence_tokens[-1]
        source = first.doc.text[first.idx : last.idx + len(last)]
    if stray_punctuation(claim.text, source):
        kinds.append("stray_punctuation")
    sentence_text = " ".join(t.text for t in sentence_tokens)
    if unbalanced(claim.text) and not unbalanced(sentence_text):
        kinds.append("unbalanced_marks")
    if missing_subject(tokens):
        kinds.append("wrong_subject")
    if not text_matches_spans(claim, article_text):
        kinds.append("text_span_mismatch")
    if not has_finite_verb(tokens) and has_finite_verb(sentence_tokens):
        if is_reported_complement(tokens):
            kinds.append("reported_complement")
        elif granularity == "proposition" and is_reduced_proposition(tokens):
            kinds.append("reduced_proposition")
        else:
            kinds.append("no_finite_verb")
    if lowercase_start(tokens, claim.text):
        kinds.append("starts_inside_phrase")
    if glued_words(claim.text, source):
        kinds.append("glued_words")
    if missing_complement(tokens):
        kinds.append("missing_complement")
    if bare_frame(tokens, sentence_tokens):
        kinds.append("bare_frame")
    if bare_subordinate(tokens):
        kinds.append("bare_subordinate")
    return kinds


# -- over split articles -----------------------------------------------------------------------------


def claim_tokens(doc: Doc, offset: int, claim: Claim) -> list[Token]:
    """The parse tokens under a claim's spans (article offsets; ``offset`` is the paragraph start)."""
    out: dict[int, Token] = {}
    for s in claim.spans:
        span = doc.char_span(s.start - offset, s.end - offset, alignment_mode="expand")
        if span is not None:
            out.update((t.i, t) for t in span if not t.is_space)
    return [out[i] for i in sorted(out)]


def check_parsed(parsed: ParsedArticle, granularity: Granularity) -> Iterator[Finding]:
    """Split one parsed article and check every claim."""
    from claimkit.annotate.splitter import split_parsed

    item = split_parsed(parsed, granularity)
    text = parsed.article.text
    for claim in item.claims:
        para = parsed.paragraphs[claim.paragraph]
        tokens = claim_tokens(para.doc, para.span.start, claim)
        # a quotation's claim that took its signature runs into the next sentence ('...about.”―
        # Pamela Padilla'): the sentences it covers are its source, their marks the article's
        first = para.sentence_of_token[tokens[0].i] if tokens else None
        last = para.sentence_of_token[tokens[-1].i] if tokens else None
        sents = para.sentences[first : last + 1] if first is not None and last is not None else []
        sentence_tokens = [t for sent in sents for t in sent if not t.is_space]
        kinds = claim_kinds(claim, text, tokens, sentence_tokens, granularity)
        yield Finding(claim, " ".join(sent.text for sent in sents), kinds)


def summarize(findings: Sequence[Finding]) -> dict[str, Any]:
    """Counts, rates and a few examples per kind."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[dict[str, str]]] = {}
    malformed = 0
    for f in findings:
        bad = [k for k in f.kinds if k in MALFORMED_KINDS]
        malformed += bool(bad)
        for k in f.kinds:
            counts[k] += 1
            if len(examples.setdefault(k, [])) < _MAX_EXAMPLES:
                examples[k].append({"claim": f.claim.text, "sentence": f.sentence, "id": f.claim.id})
    n = len(findings)
    kinds = {
        k: {"count": counts[k], "rate": counts[k] / n if n else 0.0, "examples": examples.get(k, [])}
        for k in (*MALFORMED_KINDS, *INFO_KINDS)
    }
    return {"claims": n, "malformed": malformed, "malformed_rate": malformed / n if n else 0.0, "kinds": kinds}


def _corpora(
    polnear: Path | None, split: str, propsegment: Path | None, samples: Path | None, limit: int | None
) -> dict[str, list[Article]]:
    out: dict[str, list[Article]] = {}
    if polnear is not None:
        from claimkit.annotate.corpora.brat import read_brat_corpus

        out[f"polnear-{split}"] = [d.article for d in read_brat_corpus(polnear, split)][:limit]
    if propsegment is not None:
        from claimkit.annotate.corpora.propsegment import read_propsegment

        gold = list(read_propsegment(propsegment, split))
        out[f"propsegment-{split}"] = [Article(g.id, g.text) for g in gold][: limit * 20 if limit else None]
    if samples is not None:
        from claimkit.annotate.load import load_articles

        out["samples"] = list(load_articles([samples]))[:limit]
    return out


def evaluate_claim_quality(
    nlp: Language,
    *,
    polnear: Path | None = None,
    split: str = "dev",
    propsegment: Path | None = None,
    samples: Path | None = None,
    granularities: Sequence[Granularity] = ("clause", "proposition"),
    limit: int | None = None,
) -> dict[str, Any]:
    """Check every claim of each corpus in each granularity (each corpus parsed once)."""
    from claimkit.annotate.nlp import parse_articles

    report: dict[str, Any] = {"task": "malformed claim texts by kind", "split": split, "corpora": {}}
    for name, articles in _corpora(polnear, split, propsegment, samples, limit).items():
        parsed = list(parse_articles(articles, nlp))
        report["corpora"][name] = {
            "articles": len(articles),
            "granularities": {g: summarize([f for p in parsed for f in check_parsed(p, g)]) for g in granularities},
        }
    return report


def claims_report_markdown(report: dict[str, Any]) -> str:
    """A Markdown table of the rates per kind, then examples of each kind."""
    lines = [f"# Malformed claim texts ({report['split']})", ""]
    for name, corpus in report["corpora"].items():
        for g, s in corpus["granularities"].items():
            lines += [
                f"## {name}, {g} granularity",
                "",
                f"{corpus['articles']} articles, {s['claims']} claims, malformed: {s['malformed']} "
                f"({100 * s['malformed_rate']:.2f}%).",
                "",
                "| kind | count | rate |",
                "|---|---:|---:|",
            ]
            lines += [f"| {k} | {v['count']} | {100 * v['rate']:.2f}% |" for k, v in s["kinds"].items()]
            lines.append("")
            for k, v in s["kinds"].items():
                if v["examples"]:
                    lines.append(f"**{k}**")
                    lines += [f"- {e['claim']!r}  ← {e['sentence']!r}" for e in v["examples"][:5]]
                    lines.append("")
    return "\n".join(lines) + "\n"


def write_claims_report(report: dict[str, Any], out: Path) -> Path:
    """``report.json`` and ``report.md`` in ``out``; returns the Markdown path."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown = out / "report.md"
    markdown.write_text(claims_report_markdown(report), encoding="utf-8")
    return markdown


def rates(report: dict[str, Any]) -> dict[str, Any]:
    """The report without examples: what ``claimkit eval claims`` prints."""
    return {
        name: {
            g: {"claims": s["claims"], "malformed_rate": round(s["malformed_rate"], 4)}
            | {k: v["count"] for k, v in s["kinds"].items() if v["count"]}
            for g, s in corpus["granularities"].items()
        }
        for name, corpus in report["corpora"].items()
    }
