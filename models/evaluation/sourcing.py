"""Scoring dispute status, source type and source resolution on hand-checked gold: ``claimkit eval sourcing``.

PolNeAR annotates who said what, not whether anyone disputes it, what kind of source it is, or whom a
pronoun stands for; these three fields are scored on small gold sets written as test data
(``tests/fixtures/sourcing/{status,resolution,source_type}.yaml``). Each case names its article and a
*key*, an exact piece of the article text that occurs there once:

- status: ``claim`` (the key) with ``status``, ``evidence`` and ``by``;
- resolution: ``context`` (the key), the ``mention`` inside it and the named ``entity`` it refers to;
- source type: ``context`` (the key), the ``source`` inside it and its ``type``.

The articles are split by claimkit's own splitter and labelled by the predictor, the pipeline a user
runs, so a claim the splitter never makes counts as an error ("unmatched"), never as a skip. Gold
cases are split by article into two halves, ``tune`` (look at its errors when writing rules) and
``check`` (never look: it tells whether a rule generalises). Definitions: ``docs/evaluation.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from claimkit.annotate.corpora.brat import read_metadata
from claimkit.annotate.errors import ClaimkitError, InputError
from claimkit.annotate.load import article_from_text, decode_text
from claimkit.annotate.nlp import parse_articles
from claimkit.annotate.resolution import RELATIVE_PRONOUNS, resolved_source
from claimkit.annotate.schema import Schema, data_dir, default_schema
from claimkit.annotate.splitter import split_and_label_parsed
from claimkit.annotate.types import Article, Claim, Span, SplitArticle, spans_text
from claimkit.models.evaluation.metrics import round_floats

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.annotate.nlp import ParsedArticle
    from claimkit.annotate.predictor import Predictor

FIELDS: tuple[str, ...] = ("status", "source_type", "resolution")
GOLD_FILES: dict[str, str] = {
    "status": "status.yaml",
    "source_type": "source_type.yaml",
    "resolution": "resolution.yaml",
}
HALVES: tuple[str, ...] = ("tune", "check")
NOT_ADDRESSED = "not_addressed"
# Head nouns that name a kind, not an entity: "the Clinton campaign" and "Clinton" are the same entity
# for resolution, so the name is the last word that is not one of these.
GENERIC_HEADS = frozenset(
    {
        "campaign", "administration", "department", "court", "foundation", "magazine", "newspaper",
        "network", "company", "group", "team", "office", "committee", "government", "party", "forum",
    }
)  # fmt: skip
_DETERMINERS = ("the ", "a ", "an ")


class GoldError(ClaimkitError):
    """A gold file cannot be used as it is; the message names the case and what is wrong."""


@dataclass(frozen=True)
class GoldCase:
    """One gold case, located in its article: ``key`` is the case's text piece, ``target`` the
    mention scored (the claim key itself for status; the mention or source inside the context otherwise)."""

    id: str
    field: str
    article: str
    key: Span
    target: Span
    gold: str
    evidence: str | None = None
    by: str | None = None

    @property
    def half(self) -> str:
        return half_of(self.article)


def half_of(article_key: str) -> str:
    """``tune`` or ``check``, fixed by a hash of the article key: every case of an article lands in the
    same half, so a rule fitted to one sentence of an article cannot leak into the other half."""
    return HALVES[int(hashlib.sha1(article_key.encode("utf-8")).hexdigest(), 16) % 2]


# --- loading -------------------------------------------------------------------------------------------------


def article_path(article_key: str, gold_dir: Path, polnear: Path | None) -> tuple[Path, Path | None]:
    """The text file of an ``article:`` key, and the PolNeAR root for its metadata (None otherwise).

    ``polnear:<split>/<stem>``, ``sample:<stem>`` (``data/samples``) and ``seed:<stem>`` (the folder
    above the gold files, ``tests/fixtures``).
    """
    kind, _, rest = article_key.partition(":")
    if kind == "polnear" and "/" in rest:
        if polnear is None:
            raise FileNotFoundError("PolNeAR corpus not given (--polnear)")
        split, _, stem = rest.partition("/")
        return polnear / split / "text" / f"{stem}.txt", polnear
    if kind == "sample" and rest:
        return data_dir() / "samples" / f"{rest}.txt", None
    if kind == "seed" and rest:
        return gold_dir.parent / f"{rest}.txt", None
    raise ValueError(f"unknown article key {article_key!r} (polnear:<split>/<stem>, sample:<stem>, seed:<stem>)")


def load_article(article_key: str, gold_dir: Path, polnear: Path | None) -> Article:
    """Read an article as ``claimkit split`` would (``article_from_text``), with PolNeAR's publisher
    and date in its metadata (the source type rules use the publisher)."""
    path, corpus = article_path(article_key, gold_dir, polnear)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    article = article_from_text(decode_text(path.read_bytes(), str(path)), article_key, origin=str(path))
    if corpus is None:
        return article
    meta = read_metadata(corpus).get(path.stem, {})
    extra = {k: v for k, v in meta.items() if k in ("publisher", "publication_date", "author", "title") and v}
    return Article(article.id, article.text, {**extra, **article.metadata}, article.excluded)


def _locate(text: str, key: str, case_id: str, article_key: str) -> Span:
    count = text.count(key) if key else 0
    if count != 1:
        where = "nowhere" if count == 0 else f"{count} times"
        raise GoldError(f"{case_id}: key {key!r} occurs {where} in {article_key}; a key must occur exactly once")
    start = text.index(key)
    return Span(start, start + len(key))


def _required(raw: Mapping[str, Any], name: str, case_id: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value:
        raise GoldError(f"{case_id}: missing field {name!r}")
    return value


def _case(field: str, raw: Mapping[str, Any], text: str, schema: Schema) -> GoldCase:
    case_id = str(raw["id"])
    article_key = _required(raw, "article", case_id)
    if field == "status":
        value = _required(raw, "status", case_id)
        if value not in schema["status"].value_names:
            raise GoldError(f"{case_id}: unknown status {value!r} (one of {', '.join(schema['status'].value_names)})")
        key = _locate(text, _required(raw, "claim", case_id), case_id, article_key)
        return GoldCase(case_id, field, article_key, key, key, value, raw.get("evidence"), raw.get("by"))
    context = _required(raw, "context", case_id)
    key = _locate(text, context, case_id, article_key)
    mention = _required(raw, "mention" if field == "resolution" else "source", case_id)
    offset = context.find(mention)
    if offset < 0:
        raise GoldError(f"{case_id}: {mention!r} is not inside its context {context!r}")
    target = Span(key.start + offset, key.start + offset + len(mention))
    if field == "resolution":
        return GoldCase(case_id, field, article_key, key, target, _required(raw, "entity", case_id))
    value = _required(raw, "type", case_id)
    if value not in schema["source_type"].value_names:
        raise GoldError(
            f"{case_id}: unknown source type {value!r} (one of {', '.join(schema['source_type'].value_names)})"
        )
    return GoldCase(case_id, field, article_key, key, target, value)


def load_gold(
    gold_dir: str | Path, polnear: str | Path | None = None, schema: Schema | None = None
) -> tuple[list[GoldCase], dict[str, Article]]:
    """All gold cases of ``gold_dir`` (files missing there are skipped) and their articles by key.

    Raises ``GoldError`` naming the case for: a repeated case id, a key that occurs twice or nowhere
    in its article, an unknown status or type, a missing field, an article that cannot be read.
    """
    gold_dir = Path(gold_dir)
    corpus = Path(polnear) if polnear is not None else None
    schema = schema or default_schema()
    articles: dict[str, Article] = {}
    cases: list[GoldCase] = []
    seen: set[str] = set()
    for field, name in GOLD_FILES.items():
        path = gold_dir / name
        if not path.is_file():
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise GoldError(f"{path}: not valid YAML ({exc})") from None
        for entry in raw.get("cases") or []:
            if not isinstance(entry, dict) or "id" not in entry:
                raise GoldError(f"{path}: every case needs an id (got {entry!r})")
            case_id = str(entry["id"])
            if case_id in seen:
                raise GoldError(f"{case_id}: case id used twice")
            seen.add(case_id)
            key = _required(entry, "article", case_id)
            if key not in articles:
                try:
                    articles[key] = load_article(key, gold_dir, corpus)
                except (OSError, ValueError, InputError) as exc:
                    raise GoldError(f"{case_id}: article {key} cannot be read ({exc})") from None
            cases.append(_case(field, entry, articles[key].text, schema))
    if not cases:
        raise GoldError(f"{gold_dir}: no gold cases (expected {', '.join(GOLD_FILES.values())})")
    return cases, articles


# --- matching and scoring ------------------------------------------------------------------------------------


def _overlap(a: Iterable[Span], b: Span) -> int:
    return sum(max(0, min(s.end, b.end) - max(s.start, b.start)) for s in a)


def status_claim(case: GoldCase, claims: Sequence[Claim]) -> Claim | None:
    """The claim holding most of the key's characters (None when no claim touches it)."""
    best = max(claims, key=lambda c: _overlap(c.spans, case.key), default=None)
    return best if best is not None and _overlap(best.spans, case.key) > 0 else None


def source_claims(case: GoldCase, claims: Sequence[Claim]) -> list[Claim]:
    """Claims whose ``source`` span overlaps the gold mention; for a source-less frame ("reportedly"),
    the gold names the cue as its source, so the claims whose ``cue`` overlaps it; for a relative
    pronoun ("the Chicago Police Department, which reported"), whose span is "which" as in PolNeAR,
    the claims whose resolved mention (the ``source_type`` spans) overlaps it."""
    for name in ("source", "cue"):
        found = [c for c in claims if (label := c.labels.get(name)) is not None and _overlap(label.spans, case.target)]
        if found:
            return found
    return [
        c
        for c in claims
        if "source" in c.labels
        and str(c.labels["source"].value or "").lower() in RELATIVE_PRONOUNS
        and (resolved := c.labels.get("source_type")) is not None
        and _overlap(resolved.spans, case.target)
    ]


def normalize_name(name: str) -> str:
    """Lower case, one space, curly apostrophes straight, no leading article or possessive ending."""
    name = " ".join(name.replace("’", "'").lower().split())
    for det in _DETERMINERS:
        if name.startswith(det):
            name = name[len(det) :]
    return name


def _name_token(name: str) -> str:
    words = [re.sub(r"('s|')$", "", w).strip('.,;:"()') for w in normalize_name(name).split()]
    words = [w for w in words if w]
    named = [w for w in words if w not in GENERIC_HEADS]
    return (named or words or [""])[-1]


def entity_matches(predicted: str | None, gold: str) -> bool:
    """Resolution is right when the prediction names the gold entity: after ``normalize_name``, the
    gold is contained in the prediction, or both end in the same name word (the last word that is not
    a generic head such as "campaign": "Trump" names "Donald Trump", "Sanders" names "Sanders campaign")."""
    if not predicted:
        return False
    pred, ref = normalize_name(predicted), normalize_name(gold)
    return ref in pred or (_name_token(pred) != "" and _name_token(pred) == _name_token(ref))


def _majority(values: Sequence[str | None]) -> str | None:
    return Counter(values).most_common(1)[0][0] if values else None


@dataclass(frozen=True)
class Outcome:
    """One scored gold case: what was predicted, whether it is right, and the claim it was read from."""

    case: GoldCase
    predicted: str | None
    correct: bool
    matched: bool
    claim_text: str | None
    evidence: str | None = None


def score_case(case: GoldCase, item: SplitArticle) -> Outcome:
    """Match ``case`` to the claims of its (labelled) article and compare with the gold value."""
    text = item.article.text
    if case.field == "status":
        claim = status_claim(case, item.claims)
        if claim is None:
            return Outcome(case, None, False, False, None)
        label = claim.labels.get("status")
        value = None if label is None else str(label.value)
        evidence = spans_text(text, label.spans) if label is not None and label.spans else None
        return Outcome(case, value, value == case.gold, True, claim.text, evidence)
    claims = source_claims(case, item.claims)
    if not claims:
        return Outcome(case, None, False, False, None)
    if case.field == "source_type":
        values = [None if (lb := c.labels.get("source_type")) is None else str(lb.value) for c in claims]
        value = _majority(values)
        return Outcome(case, value, value == case.gold, True, claims[0].text)
    names = [resolved_source(c, text) for c in claims]
    value = _majority([n[0] if n else None for n in names])
    return Outcome(case, value, entity_matches(value, case.gold), True, claims[0].text)


def mention_given_outcomes(
    cases: Sequence[GoldCase], parsed: Mapping[str, ParsedArticle], nlp: Language
) -> list[Outcome]:
    """Source type and resolution of each gold mention itself, by the rules' typing and resolution.

    The pipeline scores (``score_case``) need the splitter and the frames to find the mention as some
    claim's source first; most of their errors are mentions no frame takes ("the bureau is looking
    into ..."). Given the mention, this measures the typing and resolution alone, so the two causes of
    an error can be told apart. It reads the parse the pipeline scores were made from."""
    from claimkit.annotate.frames import lexicon, spans_tokens
    from claimkit.annotate.resolution import EntityFinder, mention_spans, ner_pipeline

    wanted = [c for c in cases if c.field in ("source_type", "resolution")]
    finders = {
        key: EntityFinder(
            parsed[key].paragraphs,
            lexicon(),
            ner_pipeline(nlp),
            publisher=parsed[key].article.metadata.get("publisher", ""),
        )
        for key in sorted({c.article for c in wanted})
    }
    out = []
    for case in wanted:
        finder = finders[case.article]
        para = next((p for p in finder.paragraphs if p.span.contains(case.target)), None)
        if para is None:  # a mention across paragraphs: nothing to read it from
            out.append(Outcome(case, None, False, False, None))
            continue
        start = para.span.start
        tokens = sorted(spans_tokens(para.doc, [(case.target.start - start, case.target.end - start)]))
        kind, _, mention = finder.source_type(para, tokens)
        if case.field == "source_type":
            out.append(Outcome(case, kind, kind == case.gold, True, None))
            continue
        text = parsed[case.article].article.text
        spans = mention_spans(finder.paragraphs[mention.para], mention) if mention is not None else (case.target,)
        name = spans_text(text, spans)
        out.append(Outcome(case, name, entity_matches(name, case.gold), True, None))
    return out


def _accuracy(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    right = sum(o.correct for o in outcomes)
    return {
        "n": n,
        "correct": right,
        "accuracy": right / n if n else None,
        "unmatched": sum(not o.matched for o in outcomes),
    }


def field_scores(outcomes: Sequence[Outcome], field: str, labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy of one field; status split into addressed and not-addressed cases (answering
    ``not_addressed`` everywhere must not look good), with a confusion table; source type per type."""
    out: dict[str, Any] = {"all": _accuracy(outcomes)}
    if field == "status":
        out["addressed"] = _accuracy([o for o in outcomes if o.case.gold != NOT_ADDRESSED])
        out["not_addressed"] = _accuracy([o for o in outcomes if o.case.gold == NOT_ADDRESSED])
        predicted_labels = [*labels, "unmatched"]
        out["confusion"] = {
            "labels": predicted_labels,
            "matrix": {
                g: {
                    p: sum(o.case.gold == g and (o.predicted or "unmatched") == p for o in outcomes)
                    for p in predicted_labels
                }
                for g in labels
            },
        }
    if field == "source_type":
        out["per_type"] = {t: _accuracy([o for o in outcomes if o.case.gold == t]) for t in labels}
    return out


def score_outcomes(outcomes: Sequence[Outcome], schema: Schema | None = None) -> dict[str, Any]:
    """Per field, the scores of each half and of all cases together."""
    schema = schema or default_schema()
    labels = {
        "status": schema["status"].value_names,
        "source_type": schema["source_type"].value_names,
        "resolution": (),
    }
    out: dict[str, Any] = {}
    for field in FIELDS:
        mine = [o for o in outcomes if o.case.field == field]
        out[field] = {
            part: field_scores([o for o in mine if part == "total" or o.case.half == part], field, labels[field])
            for part in (*HALVES, "total")
        }
    return out


def _error_row(o: Outcome, text: str) -> dict[str, Any]:
    return {
        "id": o.case.id,
        "field": o.case.field,
        "half": o.case.half,
        "article": o.case.article,
        "target": text[o.case.target.start : o.case.target.end],
        "gold": o.case.gold,
        "predicted": o.predicted if o.matched else "unmatched",
        "claim": o.claim_text,
        "evidence": o.evidence,
    }


def evaluate_sourcing(
    gold_dir: str | Path,
    predictor: Predictor,
    nlp: Language,
    *,
    polnear: str | Path | None = None,
    name: str = "rules",
    schema: Schema | None = None,
    show_check_errors: bool = False,
) -> dict[str, Any]:
    """Load the gold, split and label its articles, score every case. Returns the report dict.

    Error rows of the ``check`` half are left out unless ``show_check_errors``: whoever writes rules
    reads the report, and a check half whose errors were read is a second tune half. Their number is
    still reported (``hidden_check_errors``)."""
    schema = schema or default_schema()
    cases, articles = load_gold(gold_dir, polnear, schema)
    keys = list(articles)
    parsed = dict(zip(keys, parse_articles((articles[k] for k in keys), nlp), strict=True))
    labelled = dict(zip(keys, split_and_label_parsed(parsed.values(), "clause", predictor), strict=True))
    outcomes = [score_case(case, labelled[case.article]) for case in cases]
    given = mention_given_outcomes(cases, parsed, nlp)
    wrong = [o for o in outcomes if not o.correct]
    shown = [o for o in wrong if show_check_errors or o.case.half != "check"]
    errors = [_error_row(o, articles[o.case.article].text) for o in shown]
    return round_floats(
        {
            "gold": {
                "path": str(gold_dir),
                "articles": len(articles),
                "cases": {f: sum(c.field == f for c in cases) for f in FIELDS},
                "halves": {h: sum(c.half == h for c in cases) for h in HALVES},
            },
            "predictor": name,
            "scores": score_outcomes(outcomes, schema),
            "mention_given": {
                field: {
                    part: _accuracy([o for o in given if o.case.field == field and part in ("total", o.case.half)])
                    for part in (*HALVES, "total")
                }
                for field in ("source_type", "resolution")
            },
            "errors": errors,
            "hidden_check_errors": len(wrong) - len(shown),
        }
    )


# --- report --------------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _row(label: str, parts: Mapping[str, Any], key: str) -> str:
    cells = [
        f"{_fmt(parts[p][key]['accuracy'])} ({parts[p][key]['correct']}/{parts[p][key]['n']})"
        for p in (*HALVES, "total")
    ]
    unmatched = parts["total"][key]["unmatched"]
    return f"| {label} | " + " | ".join(cells) + f" | {unmatched} |"


def summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The headline numbers (accuracy per field and half), what the CLI prints and the corpus test pins."""
    s = report["scores"]
    rows = {
        "status_addressed": s["status"],
        "status_not_addressed": s["status"],
        "source_type": s["source_type"],
        "resolution": s["resolution"],
    }
    keys = {
        "status_addressed": "addressed",
        "status_not_addressed": "not_addressed",
        "source_type": "all",
        "resolution": "all",
    }
    return {name: {p: parts[p][keys[name]]["accuracy"] for p in (*HALVES, "total")} for name, parts in rows.items()}


def render_markdown(report: Mapping[str, Any], max_errors: int = 40) -> str:
    """Summary table, status confusion, source types per type, then examples of errors."""
    s, gold = report["scores"], report["gold"]
    out = [
        f"# Sourcing evaluation — {report['predictor']}",
        "",
        f"Gold `{gold['path']}`: {gold['articles']} articles; cases "
        + ", ".join(f"{k} {v}" for k, v in gold["cases"].items())
        + f"; halves tune {gold['halves']['tune']}, check {gold['halves']['check']}. "
        'Accuracy (correct/n); a case whose claim the splitter never made counts as wrong ("unmatched").',
        "",
        "| field | tune | check | total | unmatched |",
        "|---|---|---|---|---|",
        _row("status (addressed)", s["status"], "addressed"),
        _row("status (not addressed)", s["status"], "not_addressed"),
        _row("source type", s["source_type"], "all"),
        _row("resolution", s["resolution"], "all"),
    ]
    given = report.get("mention_given")
    if given:
        out += [
            "",
            "The same source type and resolution cases with the gold mention given (the rules' typing and "
            "resolution alone, without the splitter and frames having to find the mention as a source):",
            "",
            "| field | tune | check | total |",
            "|---|---|---|---|",
            *(
                f"| {field.replace('_', ' ')} (mention given) | "
                + " | ".join(
                    f"{_fmt(given[field][p]['accuracy'])} ({given[field][p]['correct']}/{given[field][p]['n']})"
                    for p in (*HALVES, "total")
                )
                + " |"
                for field in ("source_type", "resolution")
            ),
        ]
    out += [
        "",
        "## Status confusion (all cases; rows gold, columns predicted)",
        "",
    ]
    conf = s["status"]["total"]["confusion"]
    out.append("| gold \\ predicted | " + " | ".join(conf["labels"]) + " |")
    out.append("|---|" + "|".join("---" for _ in conf["labels"]) + "|")
    for g, row in conf["matrix"].items():
        out.append(f"| {g} | " + " | ".join(str(row[p]) for p in conf["labels"]) + " |")
    out += ["", "## Source type per type (all cases)", "", "| type | accuracy | n | unmatched |", "|---|---|---|---|"]
    for t, a in s["source_type"]["total"]["per_type"].items():
        out.append(f"| {t} | {_fmt(a['accuracy'])} | {a['n']} | {a['unmatched']} |")
    hidden = report.get("hidden_check_errors", 0)
    out += ["", f"## Errors ({len(report['errors'])}; first {max_errors} shown per field)", ""]
    if hidden:
        out += [
            f"{hidden} errors of the `check` half are not shown (`--show-check-errors` shows them): "
            "rules are written from `tune` errors only, so that `check` tells whether they generalise.",
            "",
        ]
    for field in FIELDS:
        rows = [e for e in report["errors"] if e["field"] == field][:max_errors]
        if not rows:
            continue
        out += [
            f"### {field}",
            "",
            "| case | half | target | gold | predicted | claim | evidence |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in rows:
            cells = [e["id"], e["half"], e["target"], e["gold"], e["predicted"], e["claim"], e["evidence"]]
            out.append("| " + " | ".join(_fmt(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        out.append("")
    return "\n".join(out) + "\n"


def write_sourcing_report(report: Mapping[str, Any], out_dir: str | Path) -> dict[str, str]:
    """``report.json`` and ``report.md`` in ``out_dir``; returns their paths."""
    import json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return {"json": str(out / "report.json"), "markdown": str(out / "report.md")}
