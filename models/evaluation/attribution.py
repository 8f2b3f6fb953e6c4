"""Scoring sourcing predictors on a BRAT attribution corpus (PolNeAR): the run behind ``claimkit eval attribution``.

One run scores every system (the predictors passed in and the baselines trained here) on the SAME
claims: the project's own splitter cuts the evaluation articles once, and each system only labels
those claims. A claim's gold value is ``attributed`` when >= 50% of its non-space characters are gold
Content (``annotate.brat.gold_labels``). Numbers therefore move when the splitter changes, which is
the point: the report measures the pipeline a user runs, not the predictor in isolation.

The evaluator contract (one for rules, models and baselines alike): ``AttributionEvaluator(articles)``
called with a predictor returns a dict of metrics with ``primary_metric`` (the key of the number that
counts, claim macro-F1) and ``greater_is_better``. ``evaluate_attribution`` wraps it into a full run
with baselines, slices and timing; ``models.report.write_report`` turns that dict into files.
Metric definitions are in ``models.metrics`` and ``docs/evaluation.md``.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from claimkit.annotate.corpora.brat import BratDocument, gold_labels, read_brat_corpus
from claimkit.annotate.corpora.brat_claims import (
    DEFAULT_CACHE_DIR,
    load_split_articles,
    read_documents,
    split_documents,
    splitter_fingerprint,
)
from claimkit.annotate.errors import ClaimkitError
from claimkit.annotate.predictor import ParsedPredictor, Predictor
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.splitter import GRANULARITIES, Granularity
from claimkit.annotate.types import SplitArticle
from claimkit.models.evaluation.baselines import MajorityBaseline, TfidfLogRegBaseline
from claimkit.models.evaluation.metrics import (
    Counts,
    char_counts,
    classification_scores,
    coverage,
    has_quote,
    is_whole_sentence,
    match_mentions,
    p_attributed,
    pr_curve,
    round_floats,
    share,
    total,
    unique_mentions,
)

if TYPE_CHECKING:
    from spacy.language import Language

PRIMARY_METRIC = "claim_macro_f1"
SPAN_FIELDS: dict[str, str] = {"source": "Source", "cue": "Cue"}
"""Span fields scored against gold entities of the corpus: schema field → BRAT entity type."""

POLNEAR_REFERENCE: dict[str, Any] = {
    "note": "Reference figures from the shared corpora README (PolNeAR dev; pysbd sentences, spaCy clause "
    "splitter, same >= 50% gold rule). Context only: another splitter gives other claims.",
    "gold_attributed_share": {"sentences": 0.476, "claims": 0.478},
    "claims_per_sentence": 1.56,
    "baselines_dev": {
        "rules (dependency rules + quotes)": {"claim_macro_f1": 0.877, "char_f1": 0.785},
        "tfidf_logreg": {"claim_macro_f1": 0.885, "char_f1": 0.802},
    },
    "annotator_agreement": {"claim_macro_f1": [0.91, 0.93], "char_f1": [0.89, 0.91]},
    "best_published_span_exact_f1_test": {
        "system": "BERT-CofeNet (COLING 2022)",
        "source": 0.832,
        "cue": 0.753,
        "content": 0.729,
    },
}


class EvaluationError(ClaimkitError):
    """A predictor's output cannot be scored, or an evaluation run was asked for something impossible."""


# --- the evaluation set --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldArticle:
    """One evaluation article: the gold document, its split claims (unlabelled), and per claim its gold
    attribution value and the two slice flags."""

    doc: BratDocument
    item: SplitArticle
    gold: tuple[str, ...]
    whole_sentence: tuple[bool, ...]
    quoted: tuple[bool, ...]

    @property
    def publisher(self) -> str:
        return self.doc.article.metadata.get("publisher") or "unknown"


def gold_article(doc: BratDocument, item: SplitArticle, schema: Schema | None = None) -> GoldArticle:
    """Attach gold values and slice flags to an article's claims."""
    if doc.article.id != item.article.id:
        raise ValueError(f"gold document {doc.article.id!r} paired with claims of {item.article.id!r}")
    text = item.article.text
    gold, whole, quoted = [], [], []
    for claim in item.claims:
        gold.append(str(gold_labels(doc, claim.spans, schema)["attribution"].value))
        sentence = item.sentences[claim.sentence] if 0 <= claim.sentence < len(item.sentences) else None
        whole.append(sentence is not None and is_whole_sentence(text, claim.spans, sentence))
        quoted.append(sentence is not None and has_quote(text[sentence.start : sentence.end]))
    return GoldArticle(doc, item, tuple(gold), tuple(whole), tuple(quoted))


# --- scoring -------------------------------------------------------------------------------------------------


def _mentions(doc: BratDocument, entity_type: str) -> list[tuple[Any, ...]]:
    return unique_mentions(doc.article.text, (e.spans for e in doc.entities.values() if e.type == entity_type))


AGREEMENT_SPLIT = "annotator-training"
"""PolNeAR's folder of articles each annotated by several annotators (4 articles × 6 in the release)."""


def span_agreement(corpus_dir: str | Path) -> dict[str, Any] | None:
    """How closely PolNeAR's own annotators agree on source and cue spans: pairwise F1 between every two
    annotators of each article in ``annotator-training``, pooled, by the same ``match_mentions`` the
    systems are scored with. The human ceiling for span targets (None where that folder is absent).
    """
    from itertools import combinations

    split_dir = Path(corpus_dir) / AGREEMENT_SPLIT
    if not (split_dir / "text").is_dir():
        return None
    by_article: dict[str, list[BratDocument]] = {}
    for doc in read_brat_corpus(corpus_dir, AGREEMENT_SPLIT, all_annotators=True):
        by_article.setdefault(doc.article.id, []).append(doc)
    out: dict[str, Any] = {
        "split": AGREEMENT_SPLIT,
        "articles": len(by_article),
        "annotators": max((len(docs) for docs in by_article.values()), default=0),
        "pairs": sum(len(docs) * (len(docs) - 1) // 2 for docs in by_article.values()),
    }
    for f, entity_type in SPAN_FIELDS.items():
        out[f] = {}
        for mode in ("exact", "overlap"):
            counts = [
                match_mentions(a.article.text, _mentions(a, entity_type), _mentions(b, entity_type), mode)
                for docs in by_article.values()
                for a, b in combinations(docs, 2)
            ]
            out[f][mode] = total(counts).f1 if counts else None
    return out


def _slice_scores(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], attributed: str
) -> dict[str, Any]:
    scores = classification_scores(gold, predicted, labels)
    return {
        "claims": scores["n"],
        "gold_attributed_share": share(sum(g == attributed for g in gold), len(gold)),
        "macro_f1": scores["macro_f1"],
        "attributed_f1": scores["per_label"][attributed]["f1"],
    }


@dataclass(frozen=True)
class AttributionEvaluator:
    """Scores labelled claims of a fixed evaluation set; the same claims for every system.

    ``evaluator(predictor)`` runs the predictor on the (unlabelled) claims and scores it;
    ``evaluator.score(labelled)`` scores output produced elsewhere (the rules reuse the splitter's parse).
    """

    articles: tuple[GoldArticle, ...]
    schema: Schema = field(default_factory=default_schema)
    primary_metric: ClassVar[str] = PRIMARY_METRIC
    greater_is_better: ClassVar[bool] = True

    @property
    def items(self) -> list[SplitArticle]:
        return [a.item for a in self.articles]

    def __call__(self, predictor: Predictor) -> dict[str, Any]:
        return self.score(predictor.predict(self.items), name=getattr(predictor, "model_version", "predictor"))

    def check(self, labelled: Sequence[SplitArticle], name: str) -> None:
        """Raise ``EvaluationError`` unless ``labelled`` holds exactly our claims, each with an attribution."""
        names = self.schema["attribution"].value_names
        if len(labelled) != len(self.articles):
            raise EvaluationError(
                f"{name}: returned {len(labelled)} articles for {len(self.articles)}; "
                "a predictor returns its input, in order"
            )
        for gold, item in zip(self.articles, labelled, strict=True):
            if item.article.id != gold.item.article.id or [c.id for c in item.claims] != [
                c.id for c in gold.item.claims
            ]:
                raise EvaluationError(
                    f"{name}: article {gold.item.article.id!r} came back with other claims; "
                    "a predictor must label the claims it is given, never re-split them"
                )
            for claim in item.claims:
                label = claim.labels.get("attribution")
                if label is None or label.value not in names:
                    raise EvaluationError(
                        f"{name}: claim {claim.id} of {item.article.id!r} has attribution "
                        f"{None if label is None else label.value!r}; expected one of {', '.join(names)}"
                    )

    def score(self, labelled: Sequence[SplitArticle], name: str = "predictor") -> dict[str, Any]:
        """All metrics of one system (see ``docs/evaluation.md``)."""
        self.check(labelled, name)
        names = self.schema["attribution"].value_names
        _, attributed = names
        span_fields = [f for f in SPAN_FIELDS if any(f in c.labels for item in labelled for c in item.claims)]
        gold_all: list[str] = []
        pred_all: list[str] = []
        scores_all: list[float] = []
        char_by_article: list[Counts] = []
        content_by_article: list[Counts] = []
        spans: dict[str, dict[str, list[Counts]]] = {f: {"exact": [], "overlap": []} for f in span_fields}
        by_pub: dict[str, dict[str, Any]] = {}
        slices: dict[str, tuple[list[str], list[str]]] = {
            k: ([], []) for k in ("whole_sentence", "split_sentence", "quoted_sentence", "unquoted_sentence")
        }
        for gold, item in zip(self.articles, labelled, strict=True):
            text = item.article.text
            pred = [str(c.labels["attribution"].value) for c in item.claims]
            gold_all.extend(gold.gold)
            pred_all.extend(pred)
            scores_all.extend(p_attributed(c.labels["attribution"], attributed) for c in item.claims)
            predicted_attributed = [c for c in item.claims if c.labels["attribution"].value == attributed]
            chars = char_counts(text, (s for c in predicted_attributed for s in c.spans), gold.doc.spans_of("Content"))
            char_by_article.append(chars)
            content_by_article.append(
                chars
                if item.attributed_content is None
                else char_counts(text, item.attributed_content, gold.doc.spans_of("Content"))
            )
            for f in span_fields:
                predicted = unique_mentions(text, (c.labels[f].spans for c in predicted_attributed if f in c.labels))
                reference = _mentions(gold.doc, SPAN_FIELDS[f])
                for mode in ("exact", "overlap"):
                    spans[f][mode].append(match_mentions(text, predicted, reference, mode))
            pub = by_pub.setdefault(gold.publisher, {"articles": 0, "gold": [], "pred": [], "char": []})
            pub["articles"] += 1
            pub["gold"].extend(gold.gold)
            pub["pred"].extend(pred)
            pub["char"].append(chars)
            for g, p, whole, quoted in zip(gold.gold, pred, gold.whole_sentence, gold.quoted, strict=True):
                for key in (
                    "whole_sentence" if whole else "split_sentence",
                    "quoted_sentence" if quoted else "unquoted_sentence",
                ):
                    slices[key][0].append(g)
                    slices[key][1].append(p)
        claim = classification_scores(gold_all, pred_all, names)
        marks_content = any(item.attributed_content is not None for item in labelled)
        char = total(char_by_article)
        content = total(content_by_article)
        return {
            "primary_metric": self.primary_metric,
            "greater_is_better": self.greater_is_better,
            PRIMARY_METRIC: claim["macro_f1"],
            "char_f1": char.f1,
            "claim": {
                "macro_f1": claim["macro_f1"],
                "accuracy": claim["accuracy"],
                "n": claim["n"],
                **{value: claim["per_label"][value] for value in names},
            },
            "confusion": claim["confusion"],
            "char": char.to_dict(),
            "content_char_f1": content.f1,
            "content_char": {"source": "attributed_content" if marks_content else "claims", **content.to_dict()},
            "spans": {
                f: {mode: total(counts).to_dict() for mode, counts in modes.items()} for f, modes in spans.items()
            },
            "pr_curve": pr_curve([g == attributed for g in gold_all], scores_all),
            "slices": {k: _slice_scores(g, p, names, attributed) for k, (g, p) in slices.items()},
            "by_publisher": {
                pub: {
                    "articles": v["articles"],
                    **_slice_scores(v["gold"], v["pred"], names, attributed),
                    "char_f1": total(v["char"]).f1,
                }
                for pub, v in sorted(by_pub.items())
            },
        }

    def corpus_stats(self) -> dict[str, Any]:
        """Counts that do not depend on any system: articles, claims, gold share, coverage, gold entities,
        and the oracle (every claim given its gold value) as the ceiling the splitter leaves."""
        attributed = self.schema["attribution"].positive
        gold_all = [g for a in self.articles for g in a.gold]
        text_cov = [coverage(a.item.article.text, (s for c in a.item.claims for s in c.spans)) for a in self.articles]
        content_cov = [
            coverage(a.item.article.text, (s for c in a.item.claims for s in c.spans), a.doc.spans_of("Content"))
            for a in self.articles
        ]
        sentences = sum(len(a.item.sentences) for a in self.articles)
        claims = len(gold_all)
        oracle = total(
            char_counts(
                a.item.article.text,
                (s for c, g in zip(a.item.claims, a.gold, strict=True) if g == attributed for s in c.spans),
                a.doc.spans_of("Content"),
            )
            for a in self.articles
        )
        whole = sum(w for a in self.articles for w in a.whole_sentence)
        quoted = sum(q for a in self.articles for q in a.quoted)
        publishers: dict[str, int] = {}
        for a in self.articles:
            publishers[a.publisher] = publishers.get(a.publisher, 0) + 1
        return {
            "articles": len(self.articles),
            "sentences": sentences,
            "claims": claims,
            "claims_per_sentence": share(claims, sentences),
            "gold_attributed_claims": sum(g == attributed for g in gold_all),
            "gold_attributed_share": share(sum(g == attributed for g in gold_all), claims),
            "coverage": {
                "text": share(sum(c for c, _ in text_cov), sum(t for _, t in text_cov)),
                "gold_content": share(sum(c for c, _ in content_cov), sum(t for _, t in content_cov)),
            },
            "oracle_char_f1": oracle.f1,
            "gold_entities": {f: sum(len(_mentions(a.doc, t)) for a in self.articles) for f, t in SPAN_FIELDS.items()},
            "slices": {
                "whole_sentence": whole,
                "split_sentence": claims - whole,
                "quoted_sentence": quoted,
                "unquoted_sentence": claims - quoted,
            },
            "publishers": dict(sorted(publishers.items())),
        }

    def prediction_rows(self, labelled: Mapping[str, Sequence[SplitArticle]]) -> Iterator[dict[str, Any]]:
        """One row per claim with its gold value and every system's value and P(attributed): the raw
        material for error analysis (``predictions.jsonl``)."""
        attributed = self.schema["attribution"].positive
        for i, gold in enumerate(self.articles):
            for j, claim in enumerate(gold.item.claims):
                systems = {}
                for name, items in labelled.items():
                    label = items[i].claims[j].labels["attribution"]
                    systems[name] = {"value": label.value, "p_attributed": round(p_attributed(label, attributed), 4)}
                yield {
                    "article": gold.item.article.id,
                    "publisher": gold.publisher,
                    "claim": claim.id,
                    "spans": [[s.start, s.end] for s in claim.spans],
                    "text": claim.text,
                    "gold": gold.gold[j],
                    "whole_sentence": gold.whole_sentence[j],
                    "quoted_sentence": gold.quoted[j],
                    "systems": systems,
                }


# --- the full run --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalConfig:
    """What a run evaluates; recorded in the report so a run can be repeated."""

    corpus_dir: str
    split: str = "dev"
    train_split: str = "train"
    granularity: Granularity = "clause"
    limit: int | None = None
    train_limit: int | None = None
    baselines: bool = True
    cache_dir: str | None = str(DEFAULT_CACHE_DIR)
    keep_predictions: bool = False

    def __post_init__(self) -> None:
        if self.granularity not in GRANULARITIES:
            raise EvaluationError(f"granularity {self.granularity!r}: use one of {', '.join(GRANULARITIES)}")
        for name in ("limit", "train_limit"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise EvaluationError(f"--{name.replace('_', '-')} must be a positive number of articles, not {value}")
        if self.baselines and self.train_split == self.split:
            raise EvaluationError(
                f"baselines would be trained on the split they are scored on ({self.split!r}); "
                "pick another --split or --no-baselines"
            )


def environment(nlp: Language | None = None) -> dict[str, Any]:
    """The machine and library versions (timings mean little without them)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = {}
    for package in ("claimkit", "spacy", "scikit-learn", "numpy", "torch", "transformers"):
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            continue
    meta = getattr(nlp, "meta", {}) or {}
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "packages": versions,
        "spacy_pipeline": f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}" if meta else None,
    }


def _run_predictor(
    predictor: Predictor, items: Sequence[SplitArticle], name: str, progress: bool, batch: int = 16
) -> list[SplitArticle]:
    out: list[SplitArticle] = []
    batches = range(0, len(items), batch)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc=f"predict {name}", unit=" art", file=sys.stderr)
    for start in batches:
        chunk = list(items[start : start + batch])
        out.extend(predictor.predict(chunk))
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return out


def _train_baselines(
    config: EvalConfig, nlp: Language, schema: Schema, progress: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the baselines on the training split's claims (same splitter, same gold rule)."""
    start = time.perf_counter()
    docs = read_documents(config.corpus_dir, config.train_split, config.train_limit)
    cache_dir = Path(config.cache_dir) if config.cache_dir else None
    items, cache = load_split_articles(
        docs, config.train_split, nlp, config.granularity, cache_dir=cache_dir, progress=progress
    )
    split_seconds = time.perf_counter() - start
    start = time.perf_counter()
    gold = [gold_article(d, item, schema).gold for d, item in zip(docs, items, strict=True)]
    gold_seconds = time.perf_counter() - start
    attributed = schema["attribution"].positive
    flat = [g for labels in gold for g in labels]
    fitted: dict[str, Any] = {}
    fit_seconds: dict[str, float] = {}
    for name, model in (("majority", MajorityBaseline(schema)), ("tfidf_logreg", TfidfLogRegBaseline(schema))):
        start = time.perf_counter()
        fitted[name] = model.fit(items, gold)
        fit_seconds[name] = time.perf_counter() - start
    info = {
        "split": config.train_split,
        "articles": len(docs),
        "claims": len(flat),
        "gold_attributed_share": share(sum(g == attributed for g in flat), len(flat)),
        **cache,
        "split_seconds": split_seconds,
        "gold_seconds": gold_seconds,
        "fit_seconds": fit_seconds,
    }
    return fitted, info


def evaluate_attribution(
    corpus_dir: str | Path,
    split: str = "dev",
    predictors: Mapping[str, Predictor] | None = None,
    nlp: Language | None = None,
    *,
    baselines: bool = True,
    train_split: str = "train",
    granularity: Granularity = "clause",
    limit: int | None = None,
    train_limit: int | None = None,
    cache_dir: str | Path | None = DEFAULT_CACHE_DIR,
    keep_predictions: bool = False,
    progress: bool = False,
    schema: Schema | None = None,
) -> dict[str, Any]:
    """Score ``predictors`` (name → predictor) and, unless ``baselines=False``, the majority and TF-IDF
    baselines, on the claims of ``split`` of a PolNeAR-layout corpus.

    ``nlp`` is the spaCy pipeline of the splitter (and of the rules), loaded once by the caller. Returns
    the report dict (``docs/evaluation.md`` describes every key); with ``keep_predictions`` it also holds
    per-claim rows under ``"predictions"`` (``write_report`` puts them in ``predictions.jsonl``).
    """
    if nlp is None:
        raise EvaluationError("evaluate_attribution needs the spaCy pipeline of the splitter: pass nlp=load_nlp()")
    predictors = dict(predictors or {})
    if not predictors and not baselines:
        raise EvaluationError("nothing to evaluate: pass at least one predictor, or keep the baselines")
    reserved = {"majority", "tfidf_logreg"} & set(predictors) if baselines else set()
    if reserved:
        raise EvaluationError(f"predictor name(s) {sorted(reserved)} are taken by the baselines; rename them")
    config = EvalConfig(
        corpus_dir=str(corpus_dir),
        split=split,
        train_split=train_split,
        granularity=granularity,
        limit=limit,
        train_limit=train_limit,
        baselines=baselines,
        cache_dir=str(cache_dir) if cache_dir is not None else None,
        keep_predictions=keep_predictions,
    )
    schema = schema or default_schema()
    started = time.perf_counter()
    timing: dict[str, Any] = {}

    # 1. the evaluation claims: one parse, shared by the splitter and every rule predictor
    start = time.perf_counter()
    docs = read_documents(corpus_dir, split, limit)
    rule_predictors = {n: p for n, p in predictors.items() if isinstance(p, ParsedPredictor)}
    items, labelled, predict_seconds = split_documents(
        docs, nlp, granularity, rule_predictors, progress=progress, desc=f"split {split}"
    )
    timing["split_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    evaluator = AttributionEvaluator(
        tuple(gold_article(d, i, schema) for d, i in zip(docs, items, strict=True)), schema
    )
    timing["gold_seconds"] = time.perf_counter() - start

    # 2. the other predictors label the same claims
    kinds = dict.fromkeys(predictors, "predictor")
    versions = {n: getattr(p, "model_version", None) for n, p in predictors.items()}
    for name, predictor in predictors.items():
        if name in labelled:
            continue
        start = time.perf_counter()
        labelled[name] = _run_predictor(predictor, items, name, progress)
        predict_seconds[name] = time.perf_counter() - start

    # 3. baselines trained on the training split's claims
    train_info = None
    details: dict[str, Any] = {}
    if baselines:
        fitted, train_info = _train_baselines(config, nlp, schema, progress)
        for name, model in fitted.items():
            start = time.perf_counter()
            labelled[name] = model.predict(items)
            predict_seconds[name] = time.perf_counter() - start
            kinds[name] = "baseline"
            versions[name] = model.model_version
            details[name] = model.describe()

    # 4. scores
    start = time.perf_counter()
    systems: dict[str, Any] = {}
    for name, out in labelled.items():
        scores = evaluator.score(out, name=name)
        systems[name] = {
            "kind": kinds[name],
            "model_version": versions[name],
            **({"details": details[name]} if name in details else {}),
            **scores,
            "predict_seconds": predict_seconds[name],
        }
    timing["score_seconds"] = time.perf_counter() - start
    timing["total_seconds"] = time.perf_counter() - started
    ranking = sorted(systems, key=lambda n: systems[n][PRIMARY_METRIC] or 0.0, reverse=True)
    report: dict[str, Any] = {
        "task": "attribution",
        "primary_metric": PRIMARY_METRIC,
        "greater_is_better": True,
        "ranking": [
            {
                "system": n,
                PRIMARY_METRIC: systems[n][PRIMARY_METRIC],
                "char_f1": systems[n]["char_f1"],
                "content_char_f1": systems[n]["content_char_f1"],
            }
            for n in ranking
        ],
        "corpus": {"path": str(corpus_dir), "split": split, **evaluator.corpus_stats()},
        "train": train_info,
        "systems": systems,
        "reference": POLNEAR_REFERENCE,
        "span_agreement": span_agreement(corpus_dir),
        "config": {
            **asdict(config),
            "splitter_fingerprint": splitter_fingerprint(nlp, granularity)[:12],
            "schema": f"{schema.name}@{schema.version}",
        },
        "environment": environment(nlp),
        "timing": timing,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    report = round_floats(report)
    if keep_predictions:
        report["predictions"] = list(evaluator.prediction_rows(labelled))
    return report
