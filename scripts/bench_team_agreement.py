"""``claimkit agreement`` validated on PolNeAR's six-annotator articles, through a real Label Studio server.

    python scripts/bench_team_agreement.py --corpus ../shared/corpora/polnear

PolNeAR's ``annotator-training`` split has 4 articles, each annotated by the same 6 annotators. The
articles are split into claimkit claims once; every annotator's BRAT attributions label every claim
(the >= 50% content rule of ``claimkit eval attribution``, source and cue spans from the covering
relation). The script then does what a team would: six annotator accounts on the server, one task per
claim holding the six annotations (``completed_by`` each account), ``pull``, and ``agreement_report``
on the pulled table. It prints one JSON object (also written to ``--out``):

- ``agreement``: alpha (nominal) for attribution with its bootstrap interval, mean pairwise kappa,
  raw agreement and macro-F1, and source/cue span F1, all from the pull;
- ``reference``: PolNeAR's published token-level agreement (0.754; a different unit: tokens inside
  attribution relations, not claims) and the pairwise claim macro-F1 of ``scripts/bench_agreement.py``
  computed here from the BRAT files directly;
- ``consistent``: the pull's pairwise macro-F1 equals ``bench_agreement``'s, and its alpha equals alpha
  of the BRAT labels directly: the server round trip neither lost nor changed an answer.

Needs a running server: the local one (``claimkit studio start``) or ``--url`` with ``--api-key-file``.
The project (``--project``) is deleted first when it exists, so every run starts clean.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimkit.annotate.agreement import AgreementOptions, agreement_report, krippendorff_alpha
from claimkit.annotate.annotations import to_dataframe
from claimkit.annotate.corpora.brat import gold_labels, read_brat_corpus
from claimkit.annotate.corpora.brat_claims import split_documents
from claimkit.annotate.nlp import load_nlp
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.studio.client import Studio, connect, resolve_connection
from claimkit.annotate.studio.pull import pull
from claimkit.annotate.studio.tasks import label_results, task_data
from claimkit.models.evaluation.metrics import classification_scores, round_floats

SPLIT = "annotator-training"
PUBLISHED_TOKEN_AGREEMENT = 0.754
"""PolNeAR's published inter-annotator agreement (token level, attribution relations; Newell et al. 2018)."""
EMAIL = "polnear-{}@claimkit.test"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="PolNeAR folder (holding annotator-training/)")
    parser.add_argument("--project", default="polnear annotator-training x6")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (tests)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--api-key-file", default=None)
    parser.add_argument("--out", default="runs/bench_team_agreement.json")
    return parser.parse_args(argv)


def annotator_user(studio: Studio, email: str) -> int:
    """The id of the account ``email`` (made when missing: a member without a password is enough to import)."""
    for user in studio.call(studio.client.users.list):
        if user.email == email:
            return int(user.id)
    return int(studio.call(studio.client.users.create, email=email, username=email.split("@")[0]).id)


def brat_labels(corpus: str, limit: int | None, schema: Schema) -> tuple[list[Any], dict[str, list[list[dict]]]]:
    """The split articles and, per annotator, each claim's gold labels (article by article)."""
    docs = list(read_brat_corpus(corpus, SPLIT, all_annotators=True))
    if not docs:
        raise SystemExit(f"{corpus}: no {SPLIT}/ articles")
    articles = sorted({d.article.id: d.article for d in docs}.values(), key=lambda a: a.id)[:limit]
    first = {a.id: next(d for d in docs if d.article.id == a.id) for a in articles}
    items, _, _ = split_documents([first[a.id] for a in articles], load_nlp())
    by = {(d.annotator, d.article.id): d for d in docs}
    annotators = sorted({d.annotator for d in docs})
    labels = {
        n: [[gold_labels(by[n, it.article.id], c.spans, schema) for c in it.claims] for it in items] for n in annotators
    }
    return items, labels


def direct_scores(labels: dict[str, list[list[dict]]], names: Sequence[str]) -> dict[str, float]:
    """``bench_agreement.py``'s pairwise claim macro-F1 (mean over pairs), and alpha, from the BRAT labels."""
    flat = {n: [str(lab["attribution"].value) for art in arts for lab in art] for n, arts in labels.items()}
    f1s = [classification_scores(flat[a], flat[b], names)["macro_f1"] for a, b in itertools.combinations(flat, 2)]
    index = {v: i for i, v in enumerate(names)}
    matrix = np.array([[index[v] for v in flat[n]] for n in sorted(flat)], dtype=float)
    return {"claim_macro_f1_mean": float(np.mean(f1s)), "alpha": krippendorff_alpha(matrix, len(names)) or 0.0}


def import_team(
    studio: Studio, project: str, items: list[Any], labels: dict[str, list[list[dict]]], schema: Schema
) -> int:
    """A fresh project with one task per claim holding every annotator's annotation; returns the project id."""
    old = studio.find_project(project)
    if old is not None:
        studio.call(studio.client.projects.delete, id=old.id)
    proj, _ = studio.ensure_project(project, schema)
    emails = {n: EMAIL.format(n) for n in labels}
    for email in emails.values():
        annotator_user(studio, email)
    tasks = []
    for a, item in enumerate(items):
        for c, claim in enumerate(item.claims):
            data = task_data(item, claim)
            annotations = [
                {"result": list(label_results(labels[n][a][c], data, schema, with_scores=False).items),
                 "completed_by": {"email": emails[n]}}
                for n in sorted(labels)
            ]  # fmt: skip
            tasks.append({"data": data, "annotations": annotations})
    for start in range(0, len(tasks), 200):
        studio.call(studio.client.projects.import_tasks, id=proj.id, request=tasks[start : start + 200])
    return int(proj.id)


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args(argv)
    schema = default_schema()
    names = schema["attribution"].value_names
    items, labels = brat_labels(args.corpus, args.limit, schema)
    conn = resolve_connection(args.url, api_key_file=args.api_key_file)
    studio = connect(conn)
    started = time.perf_counter()
    import_team(studio, args.project, items, labels, schema)
    imported = time.perf_counter() - started
    df = to_dataframe(pull(conn, args.project, schema, studio), schema)
    pulled = time.perf_counter() - started - imported
    report = agreement_report(df, schema, AgreementOptions(bootstrap=args.bootstrap), source=args.project)
    scored = time.perf_counter() - started - imported - pulled
    direct = direct_scores(labels, names)
    att = report["fields"]["attribution"]
    result: dict[str, Any] = {
        "split": SPLIT,
        "articles": len(items),
        "claims": sum(len(it.claims) for it in items),
        "annotators": len(labels),
        "annotations_pulled": report["annotations"],
        "agreement": {
            "attribution_alpha": att["alpha"],
            "attribution_alpha_ci": att["alpha_ci"],
            "attribution_kappa_mean": att["kappa_mean"],
            "attribution_agreement_mean": att["agreement_mean"],
            "attribution_macro_f1_mean": att["macro_f1_mean"],
            "source_exact_f1": report["spans"]["source"]["exact_f1"],
            "source_overlap_f1": report["spans"]["source"]["overlap_f1"],
            "cue_exact_f1": report["spans"]["cue"]["exact_f1"],
            "cue_overlap_f1": report["spans"]["cue"]["overlap_f1"],
        },
        "reference": {
            "polnear_published_token_agreement": PUBLISHED_TOKEN_AGREEMENT,
            "bench_agreement_claim_macro_f1_mean": direct["claim_macro_f1_mean"],
            "alpha_from_brat_directly": direct["alpha"],
        },
        "consistent": bool(
            att["macro_f1_mean"] is not None
            and abs(att["macro_f1_mean"] - direct["claim_macro_f1_mean"]) < 1e-9
            and att["alpha"] is not None
            and abs(att["alpha"] - direct["alpha"]) < 1e-9
            and report["annotations"] == len(labels) * sum(len(it.claims) for it in items)
        ),
        "seconds": {"import": imported, "pull": pulled, "agreement": scored},
        "load_average": list(os.getloadavg()),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    }
    result = round_floats(result)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
