"""Speed of ``claimkit agreement`` and ``claimkit adjudicate``'s computation on synthetic team pulls.

    python scripts/bench_team.py [--annotations 10000] [--claims 10000] [--annotators 3]

Targets (issue 12): agreement on 10,000 annotations <= 10 s; adjudication of 10,000 claims <= 20 s
(the computation: deciding gold and the review texts, not the Label Studio upload). The pull tables
are built through the real pull path (``AnnotationRecord`` -> ``to_dataframe``) with noisy answers
(each annotator copies a hidden truth with probability ``--accuracy``) and source/cue spans, and are
not timed. Baselines measured in the same run on the same tables: ``krippendorff.alpha`` alone over the
same fields (the least any agreement report must do) and a pandas ``groupby`` value count per field
(the least any majority vote must do). Prints one JSON object with load average and machine info.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from claimkit.annotate.adjudication import decide, review_texts, rule_counts
from claimkit.annotate.agreement import AgreementOptions, agreement_report, nominal_fields, reliability, value_counts
from claimkit.annotate.annotations import to_dataframe
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.studio.tasks import AnnotationRecord, ClaimInfo, PullResult, Region
from claimkit.annotate.types import Span


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=10_000, help="annotations for the agreement run")
    parser.add_argument("--claims", type=int, default=10_000, help="claims for the adjudication run")
    parser.add_argument("--annotators", type=int, default=3, help="annotators per claim")
    parser.add_argument("--team", type=int, default=6, help="annotators in the team")
    parser.add_argument("--accuracy", type=float, default=0.85)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args(argv)


def synthetic_pull(
    n_claims: int, per_claim: int, team: int, accuracy: float, schema: Schema, seed: int
) -> pd.DataFrame:
    """A pull table of ``n_claims`` claims, each answered by ``per_claim`` of ``team`` annotators."""
    rng = np.random.default_rng(seed)
    fields = [f for f in nominal_fields(schema) if f.kind == "choice"]
    records = []
    for i in range(n_claims):
        info = ClaimInfo(f"c{i:06d}", f"a{i // 40:04d}", f"claim {i}", (Span(0, 40),), i % 40, 0, i + 1)
        truth = {f.name: f.value_names[int(rng.integers(0, len(f.values)))] for f in fields}
        for who in rng.choice(team, size=per_claim, replace=False):
            values: dict[str, Any] = {"not_a_claim": bool(rng.random() < 0.02)}
            for f in fields:
                right = rng.random() < accuracy
                values[f.name] = truth[f.name] if right else f.value_names[int(rng.integers(0, len(f.values)))]
            start = int(rng.integers(0, 3))
            records.append(
                AnnotationRecord(
                    claim=info,
                    annotation_id=len(records) + 1,
                    annotator=f"ann{who}@team.test",
                    lead_time=float(rng.gamma(2.0, 6.0)),
                    created_at="2026-03-01T10:00:00Z",
                    updated_at="2026-03-01T10:00:00Z",
                    values=values,
                    regions={
                        "source": (Region(Span(start, start + 5), "NSO"),),
                        "cue": (Region(Span(10, 14), "says"),),
                    },
                )
            )
    return to_dataframe(PullResult(1, "bench", tuple(records), (), (), 0, 0), schema)


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args(argv)
    schema = default_schema()
    import krippendorff
    import sklearn.metrics  # noqa: F401  (imported before timing: a cold import is seconds on a loaded machine)

    team_a = synthetic_pull(-(-args.annotations // args.annotators), args.annotators, args.team, args.accuracy,
                            schema, args.seed)  # fmt: skip
    options = AgreementOptions(bootstrap=args.bootstrap, seed=args.seed)
    report, agreement_s = timed(lambda: agreement_report(team_a, schema, options))

    def alpha_only() -> list[float]:
        out = []
        for f in nominal_fields(schema):
            rel = reliability(team_a, f)
            counts = value_counts(rel.matrix, len(rel.values))
            out.append(float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")))
        return out

    _, alpha_s = timed(alpha_only)

    team_b = synthetic_pull(args.claims, args.annotators, args.team, args.accuracy, schema, args.seed + 1)

    def adjudication() -> pd.DataFrame:
        gold = decide(team_b, schema)
        review_texts(team_b, gold.loc[gold["gold_rule"] == "pending", "claim_id"].tolist(), schema)
        return gold

    gold, adjudication_s = timed(adjudication)
    fields = [f.name for f in nominal_fields(schema)]
    _, vote_s = timed(lambda: [team_b.groupby("claim_id")[f].value_counts() for f in fields])
    result = {
        "agreement": {
            "annotations": len(team_a),
            "claims": int(team_a["claim_id"].nunique()),
            "bootstrap": args.bootstrap,
            "seconds": round(agreement_s, 3),
            "target_seconds": 10,
            "baseline_alpha_only_seconds": round(alpha_s, 3),
            "ratio_to_baseline": round(agreement_s / alpha_s, 1) if alpha_s else None,
            "attribution_alpha": round(report["fields"]["attribution"]["alpha"], 4),
        },
        "adjudication": {
            "claims": int(team_b["claim_id"].nunique()),
            "annotations": len(team_b),
            "seconds": round(adjudication_s, 3),
            "target_seconds": 20,
            "baseline_groupby_vote_seconds": round(vote_s, 3),
            "ratio_to_baseline": round(adjudication_s / vote_s, 1) if vote_s else None,
            "rules": rule_counts(gold),
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
