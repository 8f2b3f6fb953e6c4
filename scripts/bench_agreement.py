"""How far can an attribution predictor get? Human agreement on claimkit's own claims, beside the predictors.

    python scripts/bench_agreement.py --corpus ../shared/corpora/polnear --predictor rules --predictor runs/nli

PolNeAR's ``annotator-training`` split has 4 articles, each annotated by the same 6 annotators. The
articles go through claimkit's splitter once; every annotator's Content then gives every claim a label
by the same >= 50% rule ``claimkit eval attribution`` scores with. Prints one JSON object (also written
to ``--out``):

- ``annotators``: for each of the 15 annotator pairs, claim macro-F1 and content char-F1 of one against
  the other, pooled over the 4 articles (both scores are symmetric, so the order of a pair does not
  matter); the mean, min and max over pairs. This is the ceiling the corpus itself sets for claimkit's
  claim units: a predictor that agrees with an annotator as well as another annotator does is as good as
  the labels can show.
- ``predictors``: each predictor against each annotator, the same two scores (content char-F1 from its
  ``attributed_content`` where it marks content, else from its attributed claims, as in the report),
  with the mean over annotators; beside it, ``annotator_vs_others``: each annotator against the other five,
  averaged: the like-for-like human figure.

Four articles (~200 claims) are a small sample: read differences of a point or two as noise.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
from collections.abc import Sequence
from pathlib import Path

from claimkit.annotate.corpora.brat import BratDocument, gold_labels, read_brat_corpus
from claimkit.annotate.corpora.brat_claims import split_documents
from claimkit.annotate.nlp import load_nlp
from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Span, SplitArticle
from claimkit.models.evaluation.metrics import Counts, char_counts, classification_scores, round_floats, total
from claimkit.models.predictor_spec import load_predictor

SPLIT = "annotator-training"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="PolNeAR folder (holding annotator-training/)")
    parser.add_argument("--predictor", action="append", default=[], help="'rules' or a model directory; repeatable")
    parser.add_argument("--out", default="runs/bench_agreement.json")
    return parser.parse_args(argv)


def labels_of(doc: BratDocument, item: SplitArticle) -> list[str]:
    return [str(gold_labels(doc, claim.spans)["attribution"].value) for claim in item.claims]


def predicted_content(item: SplitArticle, attributed: str) -> tuple[Span, ...]:
    """What the report scores as a system's content: its marked content, else its attributed claims."""
    if item.attributed_content is not None:
        return item.attributed_content
    return tuple(s for c in item.claims if c.labels["attribution"].value == attributed for s in c.spans)


def agreement(
    items: Sequence[SplitArticle],
    reference: Sequence[Sequence[str]],
    reference_content: Sequence[Sequence[Span]],
    other: Sequence[Sequence[str]],
    other_content: Sequence[Sequence[Span]],
    names: Sequence[str],
) -> dict[str, float]:
    """Claim macro-F1 and content char-F1 of ``other`` against ``reference``, pooled over articles."""
    gold = [v for labels in reference for v in labels]
    pred = [v for labels in other for v in labels]
    chars: Counts = total(
        char_counts(item.article.text, o, r) for item, r, o in zip(items, reference_content, other_content, strict=True)
    )
    return {"claim_macro_f1": classification_scores(gold, pred, names)["macro_f1"], "content_char_f1": chars.f1}


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"mean": sum(values) / len(values), "min": min(values), "max": max(values)}


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args(argv)
    names = default_schema()["attribution"].value_names
    _, attributed = names
    docs = list(read_brat_corpus(args.corpus, SPLIT, all_annotators=True))
    if not docs:
        raise SystemExit(f"{args.corpus}: no {SPLIT}/ articles")
    nlp = load_nlp()
    articles = sorted({d.article.id: d.article for d in docs}.values(), key=lambda a: a.id)
    first = {a.id: next(d for d in docs if d.article.id == a.id) for a in articles}
    items, _, _ = split_documents([first[a.id] for a in articles], nlp)
    annotators = sorted({d.annotator for d in docs})
    by = {(d.annotator, d.article.id): d for d in docs}
    missing = [(n, a.id) for n in annotators for a in articles if (n, a.id) not in by]
    if missing:
        raise SystemExit(f"annotators without every article: {missing}")
    labels = {n: [labels_of(by[n, it.article.id], it) for it in items] for n in annotators}
    content = {n: [by[n, it.article.id].spans_of("Content") for it in items] for n in annotators}

    pairs = {
        f"{a}-{b}": agreement(items, labels[a], content[a], labels[b], content[b], names)
        for a, b in itertools.combinations(annotators, 2)
    }
    vs_others = {
        n: {
            metric: sum(
                agreement(items, labels[o], content[o], labels[n], content[n], names)[metric]
                for o in annotators
                if o != n
            )
            / (len(annotators) - 1)
            for metric in ("claim_macro_f1", "content_char_f1")
        }
        for n in annotators
    }
    result: dict = {
        "split": SPLIT,
        "articles": len(items),
        "claims": sum(len(it.claims) for it in items),
        "annotators": {
            "names": annotators,
            "pairs": pairs,
            **{m: summary([p[m] for p in pairs.values()]) for m in ("claim_macro_f1", "content_char_f1")},
        },
        "annotator_vs_others": {
            "per_annotator": vs_others,
            **{m: summary([v[m] for v in vs_others.values()]) for m in ("claim_macro_f1", "content_char_f1")},
        },
        "predictors": {},
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
    }
    for spec in args.predictor:
        predictor = load_predictor(spec, nlp)
        out = predictor.predict(items)
        pred_labels = [[str(c.labels["attribution"].value) for c in it.claims] for it in out]
        pred_content = [predicted_content(it, attributed) for it in out]
        per = {n: agreement(items, labels[n], content[n], pred_labels, pred_content, names) for n in annotators}
        result["predictors"][Path(spec).name or spec] = {
            "model_version": getattr(predictor, "model_version", spec),
            "marks_content": any(it.attributed_content is not None for it in out),
            "per_annotator": per,
            **{m: summary([p[m] for p in per.values()]) for m in ("claim_macro_f1", "content_char_f1")},
        }
    result = round_floats(result)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
