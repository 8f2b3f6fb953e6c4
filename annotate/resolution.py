"""Who a source is: a pronoun or generic source resolved to a named entity, and the source type.

"She added that ..." names nobody; the article named Maria Keller a sentence earlier. The rules
resolve such a source to the nearest compatible named mention before it (same sentence first, then
up to ``WINDOW`` paragraphs back): person pronouns and person nouns ("the senator", "the
candidate") to a person; "it", "the company", "the network" to an organization; "the department",
"the court" to a mention whose name holds that noun ("State Department", "Supreme Court") when there
is one; "the campaign" / "her campaign" to a "<Name> campaign" mention, else to the candidate.
Within a sentence, subjects are preferred: news text continues with the last speaker (the subject
is the name's head word: "Department" in "Department of Commerce"). A source outside quotation marks
never resolves to a name inside them ("“... Bernie and Hillary,” he wrote"). An organization noun
("the network") takes a nearby organization (NER's ORG, an acronym, a name after a capitalized
"The") before a far name holding the noun, and never the article's own publisher; when a sentence
offers several, the one the article names most often. Plural nouns ("the candidates") and nouns
named by a capitalized adjective ("the Saudi government") are not resolved. The type follows the
source's kind: "he" and "the senator" are persons, "his campaign" an organization, whatever NER
says of the name they resolve to.

Named mentions are the parse's proper-noun chains; whether one is a person or an organization comes
from spaCy's NER, run only on that short mention (and the source itself), never on whole paragraphs,
so ``claimkit split`` keeps its speed. Output (see ``docs/evaluation.md``): the ``source`` label keeps
the span in the text; the ``source_type`` label's ``spans`` locate the named mention the source was
resolved to, the evidence its type rests on (``resolved_source`` reads it back).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from claimkit.annotate.frames import Lexicon, subtree
from claimkit.annotate.types import Claim, Span, spans_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

    from claimkit.annotate.nlp import ParsedParagraph

WINDOW = 6
NEAR = 2  # paragraphs back a generic organization noun looks for any organization
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
THING_PRONOUNS = frozenset({"it", "its"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_TITLES = frozenset({"mr.", "mrs.", "ms.", "dr.", "sen.", "rep.", "gov.", "gen.", "president", "senator", "governor"})
# Endings of nouns that name people by what they do or are ("investor", "economist", "historian",
# "witness", "nominee", "agent", "spokeswoman").
_AGENT_ENDING = re.compile(r"(er|or|ist|ian|ant|ent|ess|ee|man|men|person|people)$")
# Nouns for a news outlet or its staff that "this" / "our" turn into the article's own ("this
# newspaper", "our reporters"); not "post" or "paper", which as often mean a blog post or a study.
_OUTLET_NOUNS = frozenset({"newspaper", "magazine", "publication", "outlet", "reporter", "correspondent", "newsroom"})
_PERSON_TITLES = frozenset({"mr.", "mrs.", "ms.", "dr.", "sen.", "rep.", "gov.", "gen."})  # only people bear these
PRONOUN_GENDER: Mapping[str, str] = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_TITLE_GENDER: Mapping[str, str] = {"mr.": "m", "mr": "m", "mrs.": "f", "mrs": "f", "ms.": "f", "ms": "f", "miss": "f"}
_TITLE_GENDER = {**_TITLE_GENDER, "congressman": "m", "congresswoman": "f", "businessman": "m", "businesswoman": "f"}
# Nouns that describe a person and tell their gender ("her husband, Milton Berg", "Ms. Khan, a mother").
_ROLE_GENDER: Mapping[str, str] = {
    **{w: "m" for w in ("husband", "father", "son", "brother", "spokesman", "chairman", "actor", "king", "boy")},
    **{w: "f" for w in ("wife", "mother", "daughter", "sister", "spokeswoman", "chairwoman", "actress", "widow")},
    **{w: "f" for w in ("queen", "girl", "congresswoman", "businesswoman")},
    **{"congressman": "m", "businessman": "m"},
}


@cache
def first_names() -> dict[str, frozenset[str]]:
    """``first_names`` of ``data/cues.yaml``: common first names by gender ('m', 'f')."""
    import yaml

    from claimkit.annotate.schema import data_dir

    raw = yaml.safe_load((data_dir() / "cues.yaml").read_text(encoding="utf-8")).get("first_names") or {}
    return {g: frozenset(str(n).lower() for n in raw.get(g) or ()) for g in ("m", "f")}


def _role_words(para: ParsedParagraph, m: Mention, *, aliases: bool = True) -> set[str]:
    """What the article calls a named mention: the nouns that describe it syntactically, so that
    "the spokesman" finds "State Department spokesman John Kirby" and "the group" finds "the
    abortion rights group NARAL". A describing word is a title inside the mention ("Gov. Chris
    Christie"), a modifier or apposition attached to it ("businessman Donald Trump", "Trump, the
    candidate", "Kirby, a spokesman for ..."), the noun it stands in apposition to, or the predicate
    of a copula it is subject of ("Trump is the candidate"). Words merely near the name do not count:
    in "the fighter the candidate had in Corey Lewandowski", Lewandowski is no candidate.
    ``aliases`` spells out abbreviated titles ("Rep." → congressman); the gender rules read the words
    as written, since "Rep. Gwen Graham" is no congressman."""
    doc = para.doc
    inside = range(m.start, m.end)
    tokens = [doc[i] for i in inside]
    for i in inside:
        for child in doc[i].children:
            if child.i in inside or child.dep_ not in ("compound", "amod", "appos", "nmod"):
                continue
            tokens.append(child)
            tokens += [g for g in child.children if g.dep_ == "compound"]  # "campaign spokesman"
    head = _chain_head(para, m)
    if head.dep_ == "appos":
        tokens.append(head.head)
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_ == "be":
        tokens += [c for c in head.head.children if c.dep_ == "attr"]
    words = {t.lemma_.lower().rstrip(".") for t in tokens} | {t.lower_.rstrip(".") for t in tokens}
    return {_ROLE_ALIASES.get(w, w) for w in words} if aliases else words


# Role words and the abbreviations that stand for them before a name.
_ROLE_ALIASES: Mapping[str, str] = {
    "gov": "governor",
    "governor": "governor",
    "sen": "senator",
    "senator": "senator",
    "president": "president",
    "businessman": "businessman",
    "businesswoman": "businesswoman",
    "candidate": "candidate",
    "nominee": "nominee",
    "mayor": "mayor",
    "secretary": "secretary",
    "billionaire": "billionaire",
    "mogul": "mogul",
    "rep": "congressman",
    "congressman": "congressman",
    "speaker": "speaker",
    "chairman": "chairman",
    "judge": "judge",
    "justice": "judge",
}
# The article's publisher (PolNeAR's metadata slug) → the names it calls itself by.
PUBLISHER_NAMES: Mapping[str, tuple[str, ...]] = {
    "wash-post": ("washington post", "the post", "post"),
    "nyt": ("new york times", "the times", "times"),
    "politico": ("politico",),
    "usa-today": ("usa today",),
    "breitbart": ("breitbart",),
    "huff-post": ("huffington post", "huffpost"),
    "west-journal": ("western journalism", "western journal"),
}


def resolved_source(claim: Claim, text: str) -> tuple[str, tuple[Span, ...]] | None:
    """The entity a claim's source names: the ``source_type`` label's spans when the rules resolved
    the source to a named mention, else the source span itself (None when there is no source)."""
    kind = claim.labels.get("source_type")
    if kind is not None and kind.spans:
        return spans_text(text, kind.spans), kind.spans
    source = claim.labels.get("source")
    if source is None or not source.spans:
        return None
    return spans_text(text, source.spans), source.spans


@cache
def ner_pipeline(nlp: Language) -> Language | None:
    """spaCy's NER component of the same pipeline package, sharing ``nlp``'s vocabulary; None when
    the package has none (then the rules fall back to the lexicons)."""
    import spacy

    path = getattr(nlp, "path", None)
    if path is None:
        return None
    try:
        full = spacy.load(path, vocab=nlp.vocab, exclude=[n for n in nlp.pipe_names if n != "ner"])
    except (OSError, ValueError):
        return None
    return full if "ner" in full.pipe_names else None


@dataclass(frozen=True)
class Mention:
    """A named mention: its paragraph and token range ``[start, end)``, and its NER label ('' if none)."""

    para: int
    start: int
    end: int
    label: str


@dataclass
class EntityFinder:
    """Resolution and typing for one article; NER results are cached per mention."""

    paragraphs: Sequence[ParsedParagraph]
    lex: Lexicon
    ner: Language | None
    publisher: str = ""
    _labels: dict[tuple[int, int, int], str] = field(default_factory=dict)
    _prefetched: bool = False
    _names: dict[str, str] | None = None
    _counts: dict[str, int] | None = None
    _every_chain: list[tuple[int, int, int]] | None = None
    _roles: dict[tuple[int, int, int, bool], set[str]] = field(default_factory=dict)
    _organizations: dict[str, bool] = field(default_factory=dict)

    # -- NER on short mentions --------------------------------------------------------------------
    def label(self, para: ParsedParagraph, start: int, end: int) -> str:
        """The NER label of the mention's last word (PERSON, ORG, GPE, ...; '' when none)."""
        key = (para.index, start, end)
        if key not in self._labels:
            self._prefetch(key)
        return self._labels[key]

    def _prefetch(self, key: tuple[int, int, int]) -> None:
        """Label ``key`` and, in the same batch, every proper-noun chain of the article not labelled
        yet: spaCy's NER costs ~10 ms per call on a tiny text, and little more per batch."""
        keys = [key]
        if not self._prefetched:
            self._prefetched = True
            keys.extend(self._article_chains())
        keys = [k for k in dict.fromkeys(keys) if k not in self._labels]
        if self.ner is None:
            self._labels.update(dict.fromkeys(keys, ""))
            return
        # Each mention alone, as text: copying it out of the parse (``Span.as_doc``) cost more than NER itself.
        # A mention's label depends on its text alone, so each distinct text ("Trump", 30 times) runs once.
        texts = [self.paragraphs[p].doc[a:b].text for p, a, b in keys]
        distinct = list(dict.fromkeys(texts))
        by_text: dict[str, str] = {}
        for text, doc in zip(distinct, self.ner.pipe(distinct, batch_size=256), strict=True):
            ents = [e for e in doc.ents if e.end == len(doc)] or list(doc.ents)
            by_text[text] = ents[-1].label_ if ents else ""
        self._labels.update((k, by_text[text]) for k, text in zip(keys, texts, strict=True))

    def roles(self, para: ParsedParagraph, m: Mention, *, aliases: bool = True) -> set[str]:
        """``_role_words`` of a mention, computed once: a search for "the senator" reads every
        name of the article, and pronouns ask for the same names' gender again and again."""
        key = (para.index, m.start, m.end, aliases)
        if key not in self._roles:
            self._roles[key] = _role_words(para, m, aliases=aliases)
        return self._roles[key]

    # -- resolution -------------------------------------------------------------------------------
    def resolve(self, para: ParsedParagraph, head: Token) -> Mention | None:
        """The named mention a pronoun or generic source refers to, or None (named or unresolvable)."""
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl" and head.head.head.i < head.i:
            return self._antecedent(para, head.head.head)
        if head.lower_ == "they" and head.i not in para.quoted:
            return self._resolve_they(para, head)
        want = self._wanted(head)
        if want is None:
            return None
        kind, noun = want
        apposed = self._apposed_name(para, head)
        if apposed is not None:
            return apposed
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is not None and (kind == "campaign" or noun in _SPEAKS_FOR_OWNER):
            if owner.lower_ not in PERSON_PRONOUNS and self._wanted(owner) is not None:
                return self.resolve(para, owner)  # "the senator's campaign" → the senator
            if owner.lower_ in PERSON_PRONOUNS and kind == "ORG":
                return self.resolve(para, owner)  # "his office said": the man it speaks for
        if kind == "campaign":
            pronoun = owner.lower_ if owner is not None and owner.lower_ in PERSON_PRONOUNS else ""
            campaign = self._search(para, head, lambda p, m: self._is_campaign(p, m), subjects_first=False)
            if campaign is not None and not pronoun:
                return campaign
            gender = PRONOUN_GENDER.get(pronoun, "")
            return self._search(  # "his campaign": the man the article last spoke of
                para, head, lambda p, m: self._is_person(p, m) and (not gender or self.gender(p, m) in ("", gender))
            )
        labels = ("ORG", "GPE", "NORP") if noun in self.lex.government_names or not noun else ("ORG",)

        def fits(p: ParsedParagraph, m: Mention) -> bool:
            """A person noun wants a person, an organization noun an organization: "the senator" is
            never "Texas" in "the Texas senator", nor "the newspaper" "Baton Rouge"."""
            words = [p.doc[i].lemma_.lower() for i in range(m.start, m.end)]
            if words == [noun]:
                return False  # the noun alone, capitalized in a headline ("Newspaper Says ...")
            if noun in words:
                return True  # the name itself holds the noun: "the Clinton Foundation"
            if kind == "PERSON":
                return self._is_person(p, m)
            return m.label in (*labels, "") and not self._is_person(p, m)

        def called(p: ParsedParagraph, m: Mention) -> bool:
            """The article calls the mention by the noun: a person by a title or role attached to the
            name ("Sen. Bernie Sanders", "spokesman John Kirby"), never by the word after it ("Trump
            spokesman Hope Hicks" is no spokesman); an organization also by a name holding the noun
            ("Family Circle magazine")."""
            if kind == "PERSON":
                return noun in self.roles(p, m)
            return noun in _words(p, m) or noun in self.roles(p, m)

        def named(window: int | None) -> Mention | None:
            return self._search(
                para, head, lambda p, m: called(p, m) and fits(p, m), subjects_first=False, window=window
            )

        if noun:  # a name holding the noun ("the court" → "the Supreme Court") is worth a longer look back
            if kind == "ORG" and not self._institution(noun):
                return (  # "the network": a name holding it nearby, an organization nearer still, then further
                    named(WINDOW)
                    or self._organization(para, head, noun, NEAR)
                    or named(None)
                    or self._organization(para, head, noun, WINDOW)
                )
            found = named(None)
            if found is not None:
                return found
        if kind == "ORG" and noun:
            return self._organization(para, head, noun, WINDOW)
        if kind == "PERSON" and noun:
            titled = self._search(para, head, lambda p, m: self._is_person(p, m) and noun in self.roles(p, m))
            if titled is not None:  # "businessman Donald Trump", "Gov. Chris Christie" earlier
                return titled
            if noun not in self.lex.generic_person_nouns:
                return None  # "the spokesman", "the aide": the one the article introduced so, or someone unnamed
            return self._search(para, head, lambda p, m: self._is_person(p, m)) or self._salient(para, head)
        if kind == "PERSON":
            gender = PRONOUN_GENDER.get(head.lower_, "")
            return self._search(
                para,
                head,
                lambda p, m: not _modifier(p, m) and self._is_person(p, m) and self.gender(p, m) in ("", gender or "?"),
            )
        return self._resolve_it(para, head)

    def _resolve_they(self, para: ParsedParagraph, head: Token) -> Mention | None:
        """ "They" continuing an organization the last sentence spoke of ("The group said ... They added"):
        that organization; None when the last subject is people or a plural ("the officials", "voters"),
        whom "they" names as well as the article does."""
        for here, start, end in self._sentences_back(para, head):
            subjects = [t for t in here.doc[start:end] if t.dep_ in ("nsubj", "nsubjpass") and t.i not in here.quoted]
            if not subjects:
                continue
            subject = min(subjects, key=lambda t: len(list(t.ancestors)))  # the main clause's
            if subject.lower_ == "they":
                continue  # the same "they": what it continued lies further back
            if subject.pos_ == "PRON" or subject.tag_ in ("NNS", "NNPS"):
                return None
            want = self._wanted(subject)
            if want is not None and want[0] == "ORG" and want[1]:
                if not any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children):
                    return None  # "This group recognizes": the people just described, not a name
                return self.resolve(here, subject)  # "The group said": whatever "the group" is
            for a, b in self._chains(here, subject.left_edge.i, subject.i + 1):
                if a <= subject.i < b:
                    m = Mention(here.index, a, b, self.label(here, a, b))
                    return m if self._is_organization(here, m) or self._is_government(here, m) else None
            return None
        return None

    def _sentences_back(self, para: ParsedParagraph, head: Token) -> Iterator[tuple[ParsedParagraph, int, int]]:
        """The sentences before ``head``, nearest first, up to ``NEAR`` paragraphs back, as (paragraph,
        start, end) token ranges; the sentence holding ``head`` ends at it."""
        for p in range(para.index, max(-1, para.index - NEAR - 1), -1):
            here = self.paragraphs[p]
            limit = head.i if p == para.index else len(here.doc)
            for sent in reversed(here.sentences):
                if sent.start < limit:
                    yield here, sent.start, min(sent.end, limit)

    def _organization_elsewhere(self, name: str) -> bool:
        """Whether the article names ``name`` in full as an organization elsewhere: a short form NER
        leaves unlabelled ("Acme", "Medix") is the organization it wrote out once ("Acme Corp.", "Medix
        Pharmaceuticals"): a full name with a corporate suffix, or one NER calls an organization when
        no person in the article bears the short name ("Trump" stays the man beside "Trump Organization").
        Computed once per name: the searches ask it of every unlabelled mention they pass."""
        if name not in self._organizations:
            self._organizations[name] = self._names_organization(name)
        return self._organizations[name]

    def _names_organization(self, name: str) -> bool:
        if name.lower() in self._person_names():
            return False
        for p, a, b in self._article_chains():
            words = self.paragraphs[p].doc[a:b].text.split()
            if len(words) > 1 and words[-1] == name and words[0] != name:
                return False  # "Billie Jean King" later called "King": a person's surname NER missed
        for p, a, b in self._article_chains():
            doc = self.paragraphs[p].doc
            full = doc[a:b].text
            after = doc[b].lower_.rstrip(".") if b < len(doc) else ""
            if full == name and after in _CORPORATE_SUFFIXES:
                return True  # "Acme Corp." where the tagger left "Corp." out of the name
            if full.startswith(name + " ") and (
                doc[b - 1].lower_.rstrip(".") in _CORPORATE_SUFFIXES or self.label(self.paragraphs[p], a, b) == "ORG"
            ):
                return True
        return False

    def _apposed_name(self, para: ParsedParagraph, head: Token) -> Mention | None:
        """The name set off by commas right after a generic noun phrase: "The law firm representing the
        workers, Baker & Lowe, said". The article names the entity there, nearer than any earlier
        mention; the parser often makes the name a second subject instead of an apposition."""
        doc = para.doc
        comma = head.right_edge.i + 1
        if comma >= len(doc) or doc[comma].text != ",":
            return None
        for a, b in self._chains(para, comma + 1, len(doc)):
            if a != comma + 1:
                return None
            if b < len(doc) and doc[b].text == ",":
                return Mention(para.index, a, b, self.label(para, a, b))
            return None
        return None

    def _resolve_it(self, para: ParsedParagraph, head: Token) -> Mention | None:
        """What "it" refers to: nothing when it is expletive ("it is said that"); the noun phrase that
        was the subject of the last sentences when that is a thing ("The email read ... It stated":
        the email, so no name; "The company said ... It added": the company, resolved in turn;
        "The Clinton campaign ... it expects": that named phrase); else the nearest organization or
        place, never a person NER mislabelled, nor a people ("Americans", "Democrats" are "they"; a
        name of several words NER calls a people, "Islamic State", is an organization)."""
        if _expletive(head):
            return None
        named = self._search(
            para,
            head,
            lambda p, m: (
                (m.label in ("ORG", "GPE") or (m.label == "NORP" and m.end - m.start > 1))
                and not self._is_campaign(p, m)
                and not self._is_person(p, m)
            ),
        )
        found = self._it_antecedent(para, head)
        if found is None:
            return named
        where, noun = found
        if named is not None:
            there = self.paragraphs[named.para]
            if (named.para, there.sentence_of_token[named.start]) > (where.index, where.sentence_of_token[noun.i]):
                return named  # a name in a later sentence than the subject: nearer
        if self._wanted(noun) is not None:
            return self.resolve(where, noun)  # "the company" → the company it stands for
        if any(_name_like(t) for t in noun.subtree if t.i <= noun.i):
            return Mention(where.index, noun.left_edge.i, noun.i + 1, "")  # "The Clinton campaign"
        return None  # "the email": a thing with no name; ``source_type`` types it

    def _it_antecedent(self, para: ParsedParagraph, head: Token) -> tuple[ParsedParagraph, Token] | None:
        """The subject "it" continues: going back sentence by sentence (up to ``NEAR`` paragraphs),
        the first subject that could be "it" (people and plurals are skipped; an earlier "it" passes
        on to what it continued); returned when it is a singular common noun ("the email", "The
        Clinton campaign"), None when it is a name (the named search decides)."""
        outside = head.i not in para.quoted
        for here, start, end in self._sentences_back(para, head):
            for t in here.doc[start:end]:
                if t.dep_ not in ("nsubj", "nsubjpass") or (outside and t.i in here.quoted):
                    continue
                if t.lower_ in THING_PRONOUNS:
                    break  # the same "it": look further back for what it was
                if t.pos_ == "PRON" or t.tag_ in ("NNS", "NNPS") or (not _name_like(t) and self._names_people(t)):
                    continue
                if t.pos_ == "NOUN" and not _name_like(t):
                    return here, t
                return None
        return None

    def _organization(self, para: ParsedParagraph, head: Token, noun: str, window: int) -> Mention | None:
        """The organization a generic noun ("the company", "the regulator") refers to, within
        ``window`` paragraphs: an institution's noun ("the department", "the regulator") first looks
        for a government body, then any organization. In a sentence the subject wins, else the
        organization the article names most often (its topic), not a place NER mistook for one."""
        if self._institution(noun):
            found = self._search(para, head, self._is_government, window=window, salient=True)
            if found is not None:
                return found
        return self._search(para, head, self._is_organization, window=window, salient=True)

    def _institution(self, noun: str) -> bool:
        """A government body's noun ("the court", "the department", "the regulator"): such bodies
        carry the noun in their names ("Supreme Court"), so a name holding it, however far back,
        beats a nearer organization; the other nouns ("the company", "the network") look near first."""
        return noun in self.lex.government_names or noun in self.lex.source_types["government"]

    def _is_organization(self, para: ParsedParagraph, m: Mention) -> bool:
        """A mention that can be an organization: NER says ORG, or NER has no label but the name is
        an acronym ("RT", "NSO") or carries a capitalized "The" mid-sentence ("editors of The
        Advocate"); never a person, a campaign or the article's own publisher (an outlet calls
        itself "we" or by name, not "the newspaper")."""
        if self._is_person(para, m) or self._is_campaign(para, m) or self._is_publisher(_text(para, m)):
            return False
        if m.label == "ORG":
            return True
        if m.label:
            return False
        doc = para.doc
        if self._organization_elsewhere(doc[m.start : m.end].text):
            return True  # "Medix said ..." after "Medix Pharmaceuticals"
        name = [doc[i].text for i in range(m.start, m.end)]
        if len(name) == 1 and len(name[0]) > 1 and name[0].isalpha() and name[0].isupper():
            return True
        sent = para.sentences[para.sentence_of_token[m.start]]
        return m.start - 1 > sent.start and doc[m.start - 1].text == "The"

    def _is_government(self, para: ParsedParagraph, m: Mention) -> bool:
        """A government body: a name holding an institution word ("Department of Commerce", "FBI"),
        or a country or people ("Russia", "the Saudis")."""
        if self._is_person(para, m) or self._is_campaign(para, m):
            return False
        if m.label in ("GPE", "NORP"):
            return True
        words = {para.doc[i].lower_ for i in range(m.start, m.end)}
        return m.label in ("ORG", "") and bool(
            words & (self.lex.government_names | self.lex.source_types["government"])
        )

    def _antecedent(self, para: ParsedParagraph, noun: Token) -> Mention | None:
        """What a relative pronoun stands for: the noun its clause modifies ("Ted Cruz, who said"),
        resolved in turn when that noun is generic ("the company, which said")."""
        for a, b in self._chains(para, noun.left_edge.i, noun.i + 1):
            if a <= noun.i < b:
                return Mention(para.index, a, b, self.label(para, a, b))
        return self.resolve(para, noun)

    def _salient(self, para: ParsedParagraph, head: Token) -> Mention | None:
        """For "the candidate", "the businessman": the person the article has named most often so
        far (by last name), the nearest on a tie; a role noun refers to the story's protagonist."""
        counts: dict[str, int] = {}
        nearest: dict[str, tuple[int, Mention]] = {}
        for p in range(0, para.index + 1):
            here = self.paragraphs[p]
            limit = head.i if p == para.index else len(here.doc)
            for m in self._mentions(here, 0, limit):
                if not self._is_person(here, m):
                    continue
                name = here.doc[m.end - 1].lower_
                counts[name] = counts.get(name, 0) + 1
                nearest[name] = (here.span.start + here.doc[m.start].idx, m)
        if not counts:
            return None
        best = max(counts, key=lambda n: (counts[n], nearest[n][0]))
        return nearest[best][1]

    # -- persons: names and gender -----------------------------------------------------------------
    def _person_names(self) -> dict[str, str]:
        """Last name → gender ('m', 'f' or '') of every person NER finds in the article. The gender
        comes from a title ("Mr.", "Mrs."), a first name (``first_names`` in ``data/cues.yaml``) or,
        failing those, the he/she the article uses in the rest of the sentence the name is subject of."""
        if self._names is None:
            votes: dict[str, dict[str, int]] = {}
            for p, a, b in self._article_chains():
                para = self.paragraphs[p]
                if self.label(para, a, b) != "PERSON":
                    continue
                doc = para.doc
                last = doc[b - 1].lower_
                tally = votes.setdefault(last, {"m": 0, "f": 0})
                words = [doc[i].lower_ for i in range(max(0, a - 1), b - 1)]
                hint = next((_TITLE_GENDER[w] for w in words if w in _TITLE_GENDER), "")
                hint = hint or next((g for w in words for g in ("m", "f") if w in self._first_names()[g]), "")
                if hint:
                    tally[hint] += 3
                elif doc[b - 1].dep_ in ("nsubj", "nsubjpass"):
                    sent_end = para.sentences[para.sentence_of_token[a]].end
                    later = next((PRONOUN_GENDER[t.lower_] for t in doc[b:sent_end] if t.lower_ in PRONOUN_GENDER), "")
                    if later:
                        tally[later] += 1
            self._names = {n: ("m" if v["m"] > v["f"] else "f" if v["f"] > v["m"] else "") for n, v in votes.items()}
        return self._names

    def _first_names(self) -> dict[str, frozenset[str]]:
        return first_names()

    def _is_person(self, para: ParsedParagraph, m: Mention) -> bool:
        """A personal title leads it, or NER says PERSON of a name that takes no article, or the
        mention ends in the last name of a person NER found in the article ("Trump" alone, which NER
        often leaves unlabelled)."""
        if para.doc[m.start].lower_ in _PERSON_TITLES:
            return True  # "Gov. Mike Pence of Indiana": NER labels its last word, a place
        if _after_article(para.doc, m.start) and _chain_head(para, m).dep_ != "compound":
            return False  # "the Purple Heart", "the Advocate": people take no article ("the Clinton campaign" is hers)
        if m.label == "PERSON":
            return True
        if m.label not in ("", "ORG", "NORP") or m.end - m.start > 2:
            return False
        if not m.label and self._described_as_person(para, m):
            return True  # "A spokeswoman for the campaign, Hope Hicks," which NER leaves unlabelled
        last = para.doc[m.end - 1].lower_
        nxt = para.doc[m.end].lower_ if m.end < len(para.doc) else ""
        return last in self._person_names() and nxt not in ("campaign", "administration", "organization")

    def _described_as_person(self, para: ParsedParagraph, m: Mention) -> bool:
        """An unlabelled name the article describes as a person: a role beside it ("spokeswoman Hope
        Hicks", "A spokeswoman ..., Hope Hicks,") or a known first name ("Hope Hicks" is two words, the
        first a given name)."""
        doc, lex = para.doc, self.lex
        words = [doc[i] for i in range(m.start, m.end)]
        if len(words) != 2 or not all(w.text[:1].isupper() and w.text.isalpha() for w in words):
            return False  # a first and a last name; not a piece of "Ban Ki-moon" nor a title alone ("Judge")
        own = {w.lower_ for w in words}
        if (self.roles(para, m, aliases=False) - own) & (lex.person_roles | lex.generic_person_nouns):
            return True
        names = self._first_names()
        return words[0].lower_ in names["m"] or words[0].lower_ in names["f"]

    def gender(self, para: ParsedParagraph, m: Mention) -> str:
        """'m', 'f' or '' (unknown): from a title or first name before the last name, a gendered
        noun describing the name ("her husband, Milton Berg"), else the article's table of last
        names; a person named by first name alone ("Hillary", "Bernie") has that name's gender."""
        doc = para.doc
        words = [doc[i].lower_ for i in range(max(0, m.start - 1), m.end - 1)]
        hint = next((_TITLE_GENDER[w] for w in words if w in _TITLE_GENDER), "")
        hint = hint or next((g for w in words for g in ("m", "f") if w in self._first_names()[g]), "")
        last = doc[m.end - 1].lower_
        hint = hint or next((_ROLE_GENDER[w] for w in self.roles(para, m, aliases=False) if w in _ROLE_GENDER), "")
        hint = hint or self._person_names().get(last, "")
        if hint or m.end - m.start != 1:
            return hint
        return next((g for g in ("m", "f") if last in self._first_names()[g]), "")

    def _wanted(self, head: Token) -> tuple[str, str] | None:
        """What a source needs to resolve to: (PERSON | ORG | campaign, a noun its name should hold)."""
        lower, lemma = head.lower_, head.lemma_.lower()
        if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | THING_PRONOUNS:
            if lower in PERSON_PRONOUNS:
                return "PERSON", ""
            if lower in THING_PRONOUNS:
                return "ORG", ""
            return None
        if head.pos_ == "PROPN" or not any(c.dep_ in ("det", "poss") for c in head.children):
            return None
        if head.tag_ == "NNS":
            return None  # "the candidates", "the companies": a group, not one named entity
        described = {i for c in head.children if _proper_adjective(c) for i in subtree(c)}
        if any(t.pos_ == "PROPN" and t.i not in described for t in head.subtree):
            return None  # "the Clinton campaign", "Trump's lawyer", "the senator from Texas": named
        if lemma in self.lex.generic_person_nouns or lemma in self.lex.person_roles:
            return "PERSON", lemma  # "the Florida senator", "the Democratic senator": still a person to find
        if described:
            return None  # "the Saudi government", "the Israeli company": named by the adjective
        if lemma == "campaign":
            return "campaign", ""
        if lemma in self.lex.generic_org_nouns:
            return "ORG", lemma
        return None

    def _is_campaign(self, para: ParsedParagraph, m: Mention) -> bool:
        doc = para.doc
        nxt = doc[m.end] if m.end < len(doc) else None
        if nxt is not None and nxt.lower_ in ("'s", "’s", "'", "’") and m.end + 1 < len(doc):
            nxt = doc[m.end + 1]
        return nxt is not None and nxt.lemma_.lower() == "campaign"

    def _search(
        self,
        para: ParsedParagraph,
        head: Token,
        ok,
        *,
        subjects_first: bool = True,
        window: int | None = WINDOW,
        salient: bool = False,
    ) -> Mention | None:
        """Nearest acceptable mention before ``head``: its own sentence, then earlier sentences and
        paragraphs (``window`` paragraphs back; None: the whole article); in each sentence a subject
        first (the speaker being continued; outside quotations the main clause's before a
        subordinate one's), else the last one (``salient``: the one the article
        names most often, the last on a tie). A source outside quotation marks never refers to a
        name inside them: in "“... Bernie and Hillary,” he wrote" the writer is someone else."""
        stop = -1 if window is None else max(-1, para.index - window - 1)
        outside = head.i not in para.quoted
        for p in range(para.index, stop, -1):
            here = self.paragraphs[p]
            limit = head.i if p == para.index else len(here.doc)
            for sent in reversed(here.sentences):
                if sent.start >= limit:
                    continue
                found = [
                    m
                    for m in self._mentions(here, sent.start, min(sent.end, limit))
                    if not (outside and m.start in here.quoted)
                    and not (p == para.index and _binds(here, m, head))
                    and ok(here, m)
                ]
                if not found:
                    continue
                subjects = [m for m in found if _is_subject(here, m)]
                if subjects_first and subjects:
                    if not outside:  # in a quotation the speaker's own words set salience, not "X said"
                        return subjects[0]
                    return min(subjects, key=lambda m: _clause_depth(here, m))  # the main clause's first
                if salient:
                    counts = self._name_counts()
                    return max(reversed(found), key=lambda m: counts.get(here.doc[m.end - 1].lower_, 0))
                return found[-1]
        return None

    def _name_counts(self) -> dict[str, int]:
        """How often the article names each entity (by the last word of its name)."""
        if self._counts is None:
            self._counts = {}
            for p, _, b in self._article_chains():
                name = self.paragraphs[p].doc[b - 1].lower_
                self._counts[name] = self._counts.get(name, 0) + 1
        return self._counts

    def _article_chains(self) -> list[tuple[int, int, int]]:
        """Every proper-noun chain of the article as (paragraph, start, end), found once: NER
        prefetching, the person-name table and the name counts all read the whole article."""
        if self._every_chain is None:
            self._every_chain = [
                (para.index, a, b) for para in self.paragraphs for a, b in self._chains(para, 0, len(para.doc))
            ]
        return self._every_chain

    def _mentions(self, para: ParsedParagraph, start: int, end: int) -> list[Mention]:
        """Named mentions in ``[start, end)`` with their NER labels."""
        return [Mention(para.index, a, b, self.label(para, a, b)) for a, b in self._chains(para, start, end)]

    def _chains(self, para: ParsedParagraph, start: int, end: int) -> list[tuple[int, int]]:
        """Proper-noun chains in ``[start, end)`` with a leading title ("Mr. Lew", "President Obama")."""
        doc = para.doc
        out: list[tuple[int, int]] = []
        i = start
        while i < end:
            if doc[i].pos_ != "PROPN" or doc[i].lower_ in _TITLES:
                i += 1
                continue
            j = i
            while j + 1 < end and doc[j + 1].pos_ == "PROPN" and doc[j].dep_ in ("compound", "flat"):
                j += 1
            while j + 2 < end and doc[j + 1].text == "&" and doc[j + 2].pos_ == "PROPN":  # "Baker & Lowe"
                j += 2
            if j + 2 < end and doc[j + 1].lower_ == "of" and doc[j + 2].pos_ == "PROPN":  # "Department of Commerce"
                j += 2
                while j + 1 < end and doc[j + 1].pos_ == "PROPN" and doc[j].dep_ in ("compound", "flat"):
                    j += 1
            first = i
            while first > start and doc[first - 1].lower_ in _TITLES:
                first -= 1
            out.append((first, j + 1))
            i = j + 1
        return out

    # -- source type ------------------------------------------------------------------------------
    def source_type(self, para: ParsedParagraph, source: Sequence[int]) -> tuple[str, float, Mention | None]:
        """(type, score, the named mention it rests on when the source was resolved)."""
        if not source:
            return "anonymous", 0.6, None
        doc = para.doc
        head = min((doc[i] for i in source), key=lambda t: len(list(t.ancestors)))
        if self._own_outlet(para, head):
            return "publication", 0.6, None
        mention = self.resolve(para, head)
        if mention is None and head.lower_ in THING_PRONOUNS and head.pos_ == "PRON":
            return self._type_of_it(para, head), 0.6, None
        if mention is None:
            return self._type_of(para, source), 0.6, None
        where = self.paragraphs[mention.para]
        kind = self._type_of(where, list(range(mention.start, mention.end)), resolved=True)
        want = self._wanted(head)
        if want is not None and want[0] == "PERSON":
            kind = "person"  # "he", "the candidate": a person, whatever NER calls the name ("Trump": ORG)
        elif want is not None and want[0] == "campaign":
            kind = "organization"  # "his campaign" → Trump: the campaign, not the man
        elif want is not None and want[0] == "ORG" and want[1] and kind == "person":
            kind = "government" if self._institution(want[1]) else "organization"  # "the magazine" → "Family Circle"
        return kind, 0.6, mention

    def _type_of(self, para: ParsedParagraph, tokens: Sequence[int], *, resolved: bool = False) -> str:
        doc, lex = para.doc, self.lex
        types = lex.source_types
        head = min((doc[i] for i in tokens), key=lambda t: len(list(t.ancestors)))
        words = [doc[i].lower_ for i in tokens]
        text = " ".join(words).replace("’", "'")
        word, lemma = head.lower_, head.lemma_.lower()
        if self._is_publisher(text) or (word in ("we", "us") and head.i not in para.quoted):
            return "publication"
        described = self._type_by_description(para, head, tokens, text)
        if described is not None:
            return described
        if (
            word in types["person_pronouns"]
            or word in lex.person_roles
            or lemma in lex.person_roles
            or lemma in lex.generic_person_nouns
        ):
            return "person"
        for kind in ("anonymous", "document", "government", "organization"):
            if kind == "document" and head.pos_ == "PROPN":
                continue  # "The Post", "The Times": an outlet's name, not a document
            if word in types[kind] or lemma in types[kind]:
                return kind
        if head.pos_ == "NOUN" and lemma in lex.reporting_nouns:
            return "document"  # "the claim", "the announcement", "the testimony": something said or written
        titles = {doc[i].lower_ for i in tokens if doc[i].head.i == head.i and doc[i].dep_ in ("compound", "appos")}
        if head.pos_ == "PROPN" and titles & lex.person_roles:
            return "person"  # "Council president Ana Ruiz", "State Department spokesman John Kirby"
        if head.pos_ == "PROPN":
            start = end = head.i
            while start - 1 in tokens and doc[start - 1].pos_ == "PROPN":
                start -= 1
            while end + 2 in tokens and doc[end + 1].text == "&" and doc[end + 2].pos_ == "PROPN":
                end += 2  # "Keller & Co.": the whole name, as ``_chains`` joins it
            label = self.label(para, start, end + 1)
            if label == "PERSON" and not _after_article(doc, start):
                return "person"
            if label in ("ORG", "NORP") and self._is_person(para, Mention(para.index, start, end + 1, label)):
                return "person"  # "Trump said", "Batchelder said": NER on a lone surname; the article named the person
            if label == "GPE" and start == end and doc[start].lower_ in self._person_names():
                return "person"  # "Strada accused ...": a surname NER took for a place, after "Terry Strada"
            if label in ("ORG", "GPE", "NORP", "FAC"):
                gov = set(words) & (types["government"] | lex.government_names)
                if label == "GPE" or gov:
                    return "government"
                return "organization"
            if not label and self._organization_elsewhere(doc[start : end + 1].text):
                return "organization"  # "Acme denied" after "Acme Corp. said"
        common = {doc[i].lower_ for i in tokens if doc[i].pos_ != "PROPN"}
        for kind in ("government", "organization", "document"):
            if (common if kind == "document" else set(words)) & types[kind]:
                return kind
        if head.pos_ == "PROPN" and any(c.dep_ == "det" for c in head.children):
            return "organization"  # "The Post", "the Eagle Forum": people take no article
        if head.pos_ == "PROPN":
            propn = [doc[i] for i in tokens if doc[i].pos_ == "PROPN"]
            if len(propn) == 1 and propn[0].text.isupper() and len(propn[0].text) > 1:
                return "organization"
            return "person"
        if head.pos_ == "NOUN" and head.text.islower() and not self._names_people(head):
            return "document"  # "the piece", "the suit", "the results": a thing that speaks was written or recorded
        return "person"

    def _type_by_description(self, para: ParsedParagraph, head: Token, tokens: Sequence[int], text: str) -> str | None:
        """The type the way a source is described says, before its head noun is looked up; None when
        the description settles nothing. In order: a source granted anonymity ("who spoke on condition
        of anonymity") and an unnamed group ("Many experts", "Those close to him") are anonymous;
        unnamed "officials" are the body they serve; "X for Y" names an organization ("Citizens for Tax
        Justice", even when the tagger takes "Citizens" for a common noun); the name beside a common
        noun decides when NER calls it a person or it is plainly a firm ("The clerk, Janet Moss,", "the
        auditor, Keller & Co."; NER on a lone name is too unsure for more, and after a document noun the
        name is a title: 'commentary "Melania, ..."')."""
        doc, lex = para.doc, self.lex
        types = lex.source_types
        word, lemma = head.lower_, head.lemma_.lower()
        if any(mark in text for mark in _ANONYMITY_MARKS):
            return "anonymous"
        if not any(doc[i].pos_ == "PROPN" for i in tokens) and (
            (head.tag_ == "NNS" and word in types["anonymous"])
            or (word in ("those", "people") and any(c.lower_ in _INSIDER_WORDS for c in head.children))
        ):
            return "anonymous"
        if lemma == "official" and head.tag_ == "NNS":
            return self._officials_type(para, head)
        if head.text[:1].isupper() and any(
            doc[i].lower_ == "for"
            and doc[i].head.i == head.i
            and any(c.pos_ == "PROPN" and c.text[:1].isupper() for c in doc[i].children)
            for i in tokens
        ):
            return "organization"
        named = [
            c
            for c in head.children
            if c.pos_ == "PROPN"
            and c.i in tokens
            and (c.dep_ == "appos" or (c.dep_ == "conj" and doc[c.i - 1].text == "," and not _coordinated(head)))
        ]
        if head.pos_ != "NOUN" or not named or lemma in types["document"] or lemma in lex.reporting_nouns:
            return None
        name = sorted(i for i in subtree(named[0]) if i in tokens)
        kind = self._type_of(para, name)
        firm = any(doc[i].text == "&" or doc[i].lower_.rstrip(".") in _CORPORATE_SUFFIXES for i in name)
        if kind == "person" and self.label(para, name[0], named[0].i + 1) == "PERSON":
            return kind
        return kind if kind == "organization" and firm else None

    def _officials_type(self, para: ParsedParagraph, head: Token) -> str:
        """Unnamed "officials" speak for the body they serve: a government ("Officials said", "state
        officials", "officials at the health department"), unless the words describing them name
        another organization ("company officials", "officials at Acme Corp.", "campaign officials").
        One described official is a person ("a former official", the schema's example)."""
        doc = para.doc
        described = [
            t
            for c in head.children
            if c.dep_ in ("compound", "amod", "nmod", "poss", "prep")
            for t in doc[c.left_edge.i : c.right_edge.i + 1]
        ]
        words = {t.lower_ for t in described} | {t.lemma_.lower() for t in described}
        government = self.lex.source_types["government"] | self.lex.government_names
        if words & government or "elected" in words:
            return "government"
        if words & (self.lex.source_types["organization"] | self.lex.generic_org_nouns):
            return "organization"
        for t in described:
            if t.pos_ == "PROPN":
                label = self.label(para, t.i, t.i + 1)
                if label in ("GPE", "NORP"):
                    return "government"
                if label == "ORG" or self._organization_elsewhere(t.text):
                    return "organization"
        return "government"

    def _type_of_it(self, para: ParsedParagraph, head: Token) -> str:
        """The type of an "it" that names nobody: anonymous when expletive ("it is said"), the type
        of the subject it continues ("the email" → document), else an organization: "it" is never
        a person, and organizations are what "it" most often speaks for in the news."""
        if _expletive(head):
            return "anonymous"
        found = self._it_antecedent(para, head)
        if found is not None:
            where, noun = found
            return self._type_of(where, sorted(subtree(noun)))
        return "organization"

    def _own_outlet(self, para: ParsedParagraph, head: Token) -> bool:
        """The article's own outlet named by a noun: "this newspaper", "our reporters", "this
        reporter" (outside quotation marks). A proximal "this" or the writer's "our" points at the
        text being read, so the outlet is the one publishing it, not another named earlier."""
        if head.pos_ != "NOUN" or head.i in para.quoted:
            return False
        if head.lemma_.lower() not in _OUTLET_NOUNS:
            return False
        return any(c.lower_ in ("this", "our") and c.dep_ in ("det", "poss") for c in head.children)

    def _names_people(self, head: Token) -> bool:
        """Whether a common noun names people: a listed role or group ("the actress", "the crowd"),
        a count of people ("56 percent", "a majority"), or an agent noun by its ending ("investor",
        "organizer", "economist", "witness", "agent", "nominee", "spokesman"); "-ment" nouns are
        statements ("the agreement"), not agents. What is left ("the piece", "the column", "the
        suit", "the photo") is a thing, and a thing that says something is a document. Only lower-case
        heads: a capitalized one is a name the tagger took for a noun ("Trump said", "Hannity said")."""
        lemma = head.lemma_.lower()
        lex = self.lex
        if lemma in lex.generic_person_nouns or lemma in lex.person_roles or lemma in lex.source_types["people"]:
            return True
        if any(c.dep_ == "nummod" for c in head.children):
            return True  # "Thirty-seven percent", "721 delegates"
        for of in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"):
            if any(g.dep_ == "pobj" and g.pos_ == "NOUN" and self._names_people(g) for g in of.children):
                return True  # "a number of readers", "an average of 32 percent", "a share of voters"
        return bool(_AGENT_ENDING.search(lemma)) and not lemma.endswith("ment")

    def _is_publisher(self, text: str) -> bool:
        names = PUBLISHER_NAMES.get(self.publisher, ())
        return any(re.search(rf"(^|\s){re.escape(n)}($|\s|')", text) for n in names)


_ANONYMITY_MARKS = (
    "anonymity",
    "not to be named",
    "not to be identified",
    "not be named",
    "not be identified",
    "not authorized to",
    "without being named",
)
"""Phrases in a source that grant anonymity: whatever the noun, the source is unnamed by agreement."""
_INSIDER_WORDS = frozenset({"close", "familiar", "knowledgeable", "briefed", "involved"})
"""What unnamed insiders are called: "those close to him", "people familiar with the matter"."""
_CORPORATE_SUFFIXES = frozenset(
    {"corp", "inc", "co", "llc", "ltd", "plc", "group", "holdings", "company", "corporation"}
)
"""Words that end a company's full name ("Acme Corp.", "Delmar Steel Co."): its short form is the company."""
_SPEAKS_FOR_OWNER = frozenset({"office", "staff", "team", "camp"})
"""Organization nouns that speak for their owner: "his office said", "the senator's staff said" are the
senator's words (unlike "his company", another entity), so they resolve to the owner."""


def _coordinated(head: Token) -> bool:
    """Whether a noun heads a coordination ("the auditor and Keller"), so a name after its comma is a
    second item, not the parser's stand-in for an apposition ("the auditor, Keller & Co.,")."""
    return any(c.dep_ == "cc" for c in head.children)


def _after_article(doc: Doc, start: int) -> bool:
    """A name right after "the" ("The Miami Herald", "the Advocate"): people take no article, so NER's
    PERSON is wrong there; an abbreviated title ("the Rev. Al Green") keeps the name a person's."""
    first = doc[start]
    return start > 0 and doc[start - 1].lower_ == "the" and not first.text.endswith(".")


def _proper_adjective(token: Token) -> bool:
    """A capitalized modifier inside the sentence ("Saudi", "Israeli", "Florida"): a nationality,
    place or party that describes the noun."""
    return (
        token.dep_ in ("amod", "compound")
        and token.text[:1].isupper()
        and not token.is_sent_start
        and token.lower_ not in _TITLES
    )


def _text(para: ParsedParagraph, m: Mention) -> str:
    return para.doc[m.start : m.end].text.lower().replace("’", "'")


def _chain_head(para: ParsedParagraph, m: Mention) -> Token:
    """The syntactic head of a mention: the word whose head lies outside it ("Department" in
    "Department of Commerce", where the last word "Commerce" is only the object of "of")."""
    doc = para.doc
    for i in range(m.start, m.end):
        if not m.start <= doc[i].head.i < m.end or doc[i].head.i == i:
            return doc[i]
    return doc[m.end - 1]


def _modifier(para: ParsedParagraph, m: Mention) -> bool:
    """A name used to classify a singular common noun ("the Sandy Hook shooter", "a Donald Trump
    supporter", "the Kristallnacht pogrom"): the noun phrase is about the shooter, the supporter, so
    "he" continues with them, not with the modifier. With a plural noun ("most Clinton allies ...
    she") the name stays the one "she" can mean."""
    head = _chain_head(para, m)
    return head.dep_ == "compound" and head.head.pos_ == "NOUN" and head.head.tag_ != "NNS"


def _name_like(token: Token) -> bool:
    """A proper noun, or a noun capitalized inside its sentence ("Tinder suspended her account"):
    the tagger takes some names for common nouns."""
    return token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.text[:1].isupper() and not token.is_sent_start)


def _expletive(it: Token) -> bool:
    """An "it" that stands for nothing: a passive with a clause ("it is said that", "it was
    reported that", "it should be noted that") or a copula with an adjective or noun and an
    extraposed clause ("it is correct to imply that", "it is clear that")."""
    if it.lower_ != "it":
        return False
    if it.dep_ == "expl":
        return True
    verb = it.head
    clause = any(c.dep_ in ("ccomp", "xcomp", "csubj") for c in verb.children)
    if it.dep_ == "nsubjpass":
        return clause
    return (
        it.dep_ == "nsubj"
        and verb.lemma_ == "be"
        and clause
        and any(c.dep_ in ("acomp", "attr") for c in verb.children)
    )


def _clause_depth(para: ParsedParagraph, m: Mention) -> int:
    """How deep the clause a subject mention belongs to lies: 0 for the main clause. In "after
    Clinton suffered a concussion, Axelrod emailed her" Axelrod, the main clause's subject, is the
    one the next sentence's "he" continues."""
    head = _chain_head(para, m)
    if head.dep_ == "appos":
        head = head.head
    return sum(1 for _ in head.head.ancestors)


def _is_subject(para: ParsedParagraph, m: Mention) -> bool:
    """The mention is a clause's subject, or stands in apposition to one: in "the other candidate,
    former Secretary of State Hillary Clinton, drew a contrast" Clinton is who drew it."""
    head = _chain_head(para, m)
    if head.dep_ == "appos":
        head = head.head
    return head.dep_ in ("nsubj", "nsubjpass")


def _binds(para: ParsedParagraph, m: Mention, source: Token) -> bool:
    """A full noun phrase never refers to the subject of a clause it lies inside (binding
    Principle C): in "Mr. Bannon backs Mr. Trump's instincts, which the candidate has made ...",
    the candidate is not Bannon. Pronouns may ("Clinton said she ..."), so only nouns are bound; a
    clause coordinated with the subject's is not inside it ("The FBI was warned, but the bureau ...")."""
    if source.pos_ == "PRON" or source.lower_ in PERSON_PRONOUNS | THING_PRONOUNS | RELATIVE_PRONOUNS:
        return False
    subject = _chain_head(para, m)
    if subject.dep_ not in ("nsubj", "nsubjpass"):
        return False
    clause = subject.head
    token = source
    while token.head.i != token.i:  # up to the subject's clause; a coordinate clause is free of it
        if token.dep_ in ("conj", "parataxis"):  # "The FBI was warned, but the bureau ..."
            return False
        token = token.head
        if token.i == clause.i:
            return True
    return False


def _words(para: ParsedParagraph, m: Mention) -> set[str]:
    return {para.doc[i].lemma_.lower() for i in range(m.start, m.end)} | {
        para.doc[i].lower_ for i in range(m.start, min(m.end + 1, len(para.doc)))
    }


def mention_spans(para: ParsedParagraph, m: Mention) -> tuple[Span, ...]:
    """Article character span of a mention."""
    doc = para.doc
    return (Span(para.span.start + doc[m.start].idx, para.span.start + doc[m.end - 1].idx + len(doc[m.end - 1].text)),)
