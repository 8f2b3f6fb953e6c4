"""Inter-annotator agreement on a pull: how far a team's labels can be trusted before training on them.

Input is the tidy DataFrame of ``claimkit pull`` (``annotations.parquet``: one row per claim × annotator,
``annotator`` and ``lead_time`` on every row). For every nominal question of the schema (choice fields
asked once per claim, and flags) the report holds:

- Krippendorff's alpha (nominal), computed by the ``krippendorff`` package, with a bootstrap confidence
  interval that resamples *claims* (the unit annotators label) with a fixed seed;
- pairwise Cohen's kappa (scikit-learn) for every pair of annotators, as a matrix, with the number of
  claims both answered, plus the pairwise raw agreement and macro-F1 (the figure
  ``scripts/bench_agreement.py`` reports for PolNeAR);
- span agreement for span fields (source, cue) and evidence spans: exact and overlap F1 between each pair
  of annotators, pooled over the claims both annotated, averaged over pairs;
- per-annotator counts and speed (median lead time), and the claims with the most disagreement.

Alpha is the headline: it corrects for chance, handles any number of annotators and missing answers,
and reads 1 for perfect agreement, 0 for chance; Krippendorff's rule of thumb trusts >= 0.8 and draws
tentative conclusions from >= 0.667.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimkit.annotate.errors import InputError
from claimkit.annotate.schema import Field, Schema

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 13
DEFAULT_TOP = 20
CONFIDENCE = 0.95
_BOOTSTRAP_CHUNK = 200
"""Bootstrap resamples computed at once: bounds the (resamples × claims) weight matrix's memory."""


@dataclass(frozen=True)
class AgreementOptions:
    """How the report is computed: bootstrap resamples and seed, how many disagreeing claims to list."""

    bootstrap: int = DEFAULT_BOOTSTRAP
    seed: int = DEFAULT_SEED
    top: int = DEFAULT_TOP
    confidence: float = CONFIDENCE


def nominal_fields(schema: Schema) -> list[Field]:
    """The questions asked once per claim with a fixed set of answers: choice fields and flags."""
    return [f for f in schema.fields if f.kind in ("choice", "flag")]


def span_fields(schema: Schema) -> list[str]:
    """Columns holding a claim's marked spans (``<name>_spans``): span fields, then evidence spans."""
    return [f.name for f in schema.fields if f.kind == "span"] + [f.name for f in schema.fields if f.evidence]


def value_names(f: Field) -> tuple[str, ...]:
    """The answers of a nominal field, in id order (a flag's are ``false``, ``true``)."""
    return ("false", "true") if f.kind == "flag" else f.value_names


def load_pull_dir(pull_dir: str | Path) -> pd.DataFrame:
    """The DataFrame a ``claimkit pull --out DIR`` wrote (``DIR/annotations.parquet``)."""
    import pandas as pd

    path = Path(pull_dir) / "annotations.parquet"
    if not path.is_file():
        raise InputError(f"{pull_dir}: no annotations.parquet here; give the folder `claimkit pull --out` wrote")
    return pd.read_parquet(path)


def _check_columns(df: pd.DataFrame, schema: Schema) -> None:
    needed = ["claim_id", "annotator", *(f.name for f in nominal_fields(schema))]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(f"the pulled annotations lack columns {missing}; pull again with this claimkit version")


# --- the reliability data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reliability:
    """Annotators × claims, one nominal field: value ids as floats, ``nan`` where an annotator gave no answer."""

    annotators: tuple[str, ...]
    claims: tuple[str, ...]
    values: tuple[str, ...]
    matrix: np.ndarray


def _codes(df: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...], np.ndarray]:
    import pandas as pd

    annot = pd.Categorical(df["annotator"].astype(str))
    claims = pd.Categorical(df["claim_id"].astype(str))
    return tuple(annot.categories), annot.codes, tuple(claims.categories), claims.codes


def _field_ids(df: pd.DataFrame, f: Field) -> np.ndarray:
    """The field's answers as value ids (float, ``nan`` for no answer)."""
    if f.kind == "flag":
        return df[f.name].fillna(False).astype(bool).to_numpy(dtype=float)
    ids = df[f.name].astype("object").map(f.label2id)
    return ids.to_numpy(dtype=float, na_value=np.nan)


def reliability(df: pd.DataFrame, f: Field) -> Reliability:
    """The annotators × claims matrix of one field; an annotator's last row of a claim wins (by ``updated_at``)."""
    if "updated_at" in df.columns:
        df = df.sort_values("updated_at", kind="stable", na_position="first")
    annotators, a_idx, claims, c_idx = _codes(df)
    matrix = np.full((len(annotators), len(claims)), np.nan)
    matrix[a_idx, c_idx] = _field_ids(df, f)
    return Reliability(annotators, claims, value_names(f), matrix)


def value_counts(matrix: np.ndarray, n_values: int) -> np.ndarray:
    """Claims × values: how many annotators gave each value to each claim (Krippendorff's ``n_uv``)."""
    counts = np.zeros((matrix.shape[1], n_values))
    for v in range(n_values):
        counts[:, v] = (matrix == v).sum(axis=0)
    return counts


# --- Krippendorff's alpha -----------------------------------------------------------------------------------------


def krippendorff_alpha(matrix: np.ndarray, n_values: int) -> float | None:
    """Nominal alpha by the ``krippendorff`` package; ``None`` when undefined (fewer than two pairable
    answers, or every pairable answer the same value: no variation to agree on)."""
    import krippendorff

    counts = value_counts(matrix, n_values)
    pairable = counts[counts.sum(axis=1) >= 2]
    if pairable.sum() < 2 or np.count_nonzero(pairable.sum(axis=0)) < 2:
        return None
    return float(krippendorff.alpha(value_counts=pairable, level_of_measurement="nominal"))


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Each pairable claim's coincidence matrix, flattened (claims × values²): ``(n_u n_uᵀ - diag n_u) / (m_u - 1)``."""
    m = counts.sum(axis=1)
    keep = m >= 2
    c, m = counts[keep], m[keep]
    outer = c[:, :, None] * c[:, None, :]
    idx = np.arange(c.shape[1])
    outer[:, idx, idx] -= c
    return (outer / (m - 1)[:, None, None]).reshape(len(c), c.shape[1] ** 2)


def _alpha_from_coincidences(o: np.ndarray, n_values: int) -> np.ndarray:
    """Nominal alpha from (summed) coincidence matrices, row-wise: ``1 - (n-1)(n - tr o) / (n² - Σ n_c²)``."""
    o = o.reshape(len(o), n_values, n_values)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    disagree = n - np.trace(o, axis1=1, axis2=2)
    expected = n**2 - (n_c**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1) * disagree / expected, np.nan)


def bootstrap_alpha(
    matrix: np.ndarray, n_values: int, resamples: int, seed: int, confidence: float = CONFIDENCE
) -> tuple[float | None, float | None]:
    """A percentile confidence interval of nominal alpha, resampling claims with replacement.

    Each claim's coincidence matrix is computed once; a resample's alpha is then a weighted sum of them,
    so 1,000 resamples of 10,000 claims cost a few matrix products, not 1,000 calls of the package.
    """
    per_claim = _coincidences(value_counts(matrix, n_values))
    if resamples <= 0 or len(per_claim) < 2:
        return None, None
    rng = np.random.default_rng(seed)
    units = len(per_claim)
    alphas: list[np.ndarray] = []
    for start in range(0, resamples, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, resamples - start)
        drawn = rng.integers(0, units, size=(size, units)) + (np.arange(size) * units)[:, None]
        weights = np.bincount(drawn.ravel(), minlength=size * units).reshape(size, units).astype(float)
        alphas.append(_alpha_from_coincidences(weights @ per_claim, n_values))
    values = np.concatenate(alphas)
    values = values[np.isfinite(values)]
    if not len(values):
        return None, None
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


# --- pairwise kappa -----------------------------------------------------------------------------------------------


def _macro_f1(x: np.ndarray, y: np.ndarray, n_values: int) -> float:
    """Macro-F1 of one annotator against another over the values either of them used (symmetric).

    A value neither used is left out rather than scored 0, so two annotators who agree on everything
    score 1 however many values the question has (``bench_agreement.py`` averages over every value;
    the two agree whenever both annotators use every value, as on PolNeAR's attribution).
    """
    f1s = []
    for v in sorted({int(a) for a in np.unique(np.concatenate([x, y]))} & set(range(n_values))):
        tp = float(np.sum((x == v) & (y == v)))
        fp, fn = float(np.sum((x == v) & (y != v))), float(np.sum((x != v) & (y == v)))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s))


def pairwise(rel: Reliability) -> dict[str, Any]:
    """Cohen's kappa, raw agreement and macro-F1 for every pair of annotators on the claims both answered.

    Kappa is ``None`` for a pair with fewer than two shared claims or no variation in their answers
    (kappa is then undefined, not zero).
    """
    from sklearn.metrics import cohen_kappa_score

    names = rel.annotators
    k = len(names)
    kappa: list[list[float | None]] = [[None] * k for _ in range(k)]
    shared = [[0] * k for _ in range(k)]
    pairs: list[dict[str, Any]] = []
    labels = list(range(len(rel.values)))
    for i, j in itertools.combinations(range(k), 2):
        x, y = rel.matrix[i], rel.matrix[j]
        both = ~np.isnan(x) & ~np.isnan(y)
        n = int(both.sum())
        shared[i][j] = shared[j][i] = n
        value: float | None = None
        if n >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # 0/0 when both answered one value only: undefined, reported None
                got = float(cohen_kappa_score(x[both], y[both], labels=labels))
            value = got if np.isfinite(got) else None
        kappa[i][j] = kappa[j][i] = value
        if n:
            pairs.append(
                {
                    "a": names[i],
                    "b": names[j],
                    "claims": n,
                    "kappa": value,
                    "agreement": float(np.mean(x[both] == y[both])),
                    "macro_f1": _macro_f1(x[both], y[both], len(rel.values)),
                }
            )
    for i in range(k):
        shared[i][i] = int((~np.isnan(rel.matrix[i])).sum())
        kappa[i][i] = 1.0 if shared[i][i] else None
    return {"annotators": list(names), "kappa": kappa, "shared_claims": shared, "pairs": pairs}


def _mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def field_agreement(df: pd.DataFrame, f: Field, options: AgreementOptions) -> dict[str, Any]:
    """Everything about one nominal field: alpha with its interval, the kappa matrix, answer counts."""
    rel = reliability(df, f)
    counts = value_counts(rel.matrix, len(rel.values))
    low, high = bootstrap_alpha(rel.matrix, len(rel.values), options.bootstrap, options.seed, options.confidence)
    pw = pairwise(rel)
    return {
        "field": f.name,
        "values": list(rel.values),
        "answers": int(counts.sum()),
        "claims_pairable": int((counts.sum(axis=1) >= 2).sum()),
        "value_counts": {v: int(counts[:, i].sum()) for i, v in enumerate(rel.values)},
        "alpha": krippendorff_alpha(rel.matrix, len(rel.values)),
        "alpha_ci": [low, high],
        "kappa_mean": _mean([p["kappa"] for p in pw["pairs"]]),
        "agreement_mean": _mean([p["agreement"] for p in pw["pairs"]]),
        "macro_f1_mean": _mean([p["macro_f1"] for p in pw["pairs"]]),
        "pairwise": pw,
    }


# --- spans --------------------------------------------------------------------------------------------------------


def _span_set(value: Any) -> frozenset[tuple[int, int]]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    return frozenset((int(s[0]), int(s[1])) for s in value)


def _overlaps(span: tuple[int, int], others: frozenset[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in others)


def span_counts(a: frozenset[tuple[int, int]], b: frozenset[tuple[int, int]]) -> dict[str, float]:
    """One claim, two annotators' spans: exact matches, and spans overlapping one of the other side's.

    Overlap precision is the share of ``a``'s spans that overlap some span of ``b``, recall the share of
    ``b``'s overlapping some span of ``a`` (so the F1 is symmetric and a split span is not punished twice).
    """
    exact = len(a & b)
    return {
        "exact_tp": exact,
        "a": len(a),
        "b": len(b),
        "overlap_a": sum(_overlaps(s, b) for s in a),
        "overlap_b": sum(_overlaps(s, a) for s in b),
    }


def _f1(tp_p: float, n_p: float, tp_r: float, n_r: float) -> float | None:
    if not n_p and not n_r:
        return None
    p = tp_p / n_p if n_p else 0.0
    r = tp_r / n_r if n_r else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def span_agreement(df: pd.DataFrame, column: str) -> dict[str, Any]:
    """Exact and overlap F1 of one span column between each pair of annotators, averaged over pairs.

    Pooled over the claims both annotated (a claim neither marked anything on counts for nothing).
    """
    col = f"{column}_spans"
    by_claim: dict[str, dict[str, frozenset[tuple[int, int]]]] = {}
    rows = zip(df["claim_id"].astype(str).tolist(), df["annotator"].astype(str).tolist(), df[col].tolist(), strict=True)
    for claim, who, spans in rows:
        by_claim.setdefault(claim, {})[who] = _span_set(spans)
    totals: dict[tuple[str, str], dict[str, float]] = {}
    for answers in by_claim.values():
        for a, b in itertools.combinations(sorted(answers), 2):
            if not answers[a] and not answers[b]:
                totals.setdefault((a, b), dict.fromkeys(("exact_tp", "a", "b", "overlap_a", "overlap_b"), 0.0))
                continue
            t = totals.setdefault((a, b), dict.fromkeys(("exact_tp", "a", "b", "overlap_a", "overlap_b"), 0.0))
            for key, value in span_counts(answers[a], answers[b]).items():
                t[key] += value
    pairs: list[dict[str, Any]] = []
    for (a, b), t in sorted(totals.items()):
        exact = _f1(t["exact_tp"], t["a"], t["exact_tp"], t["b"])
        overlap = _f1(t["overlap_a"], t["a"], t["overlap_b"], t["b"])
        if exact is not None:
            pairs.append({"a": a, "b": b, "spans_a": int(t["a"]), "spans_b": int(t["b"]),
                          "exact_f1": exact, "overlap_f1": overlap})  # fmt: skip
    return {
        "field": column,
        "spans": int(sum(len(s) for answers in by_claim.values() for s in answers.values())),
        "exact_f1": _mean([p["exact_f1"] for p in pairs]),
        "overlap_f1": _mean([p["overlap_f1"] for p in pairs]),
        "pairs": pairs,
    }


# --- annotators and claims -----------------------------------------------------------------------------------------


def annotator_stats(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Per annotator: annotations, distinct claims, lead time (median, mean, total hours)."""
    out = []
    for who, rows in df.groupby(df["annotator"].astype(str), sort=True):
        lead = rows["lead_time"].dropna().astype(float) if "lead_time" in rows.columns else rows.iloc[:0, 0]
        out.append(
            {
                "annotator": who,
                "annotations": len(rows),
                "claims": int(rows["claim_id"].nunique()),
                "lead_time_median_s": float(lead.median()) if len(lead) else None,
                "lead_time_mean_s": float(lead.mean()) if len(lead) else None,
                "hours": float(lead.sum() / 3600) if len(lead) else None,
            }
        )
    return out


def claim_disagreement(
    df: pd.DataFrame, schema: Schema, rels: Mapping[str, Reliability], top: int
) -> list[dict[str, Any]]:
    """The ``top`` claims whose annotators disagree most: the sum over fields of 1 - the modal answer's share."""
    if not rels or top <= 0:
        return []
    first = next(iter(rels.values()))
    score = np.zeros(len(first.claims))
    annotators = np.zeros(len(first.claims), dtype=int)
    for rel in rels.values():
        counts = value_counts(rel.matrix, len(rel.values))
        m = counts.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            score += np.where(m >= 2, 1.0 - counts.max(axis=1) / m, 0.0)
        annotators = np.maximum(annotators, m.astype(int))
    order = [i for i in np.argsort(-score, kind="stable")[:top] if score[i] > 0]
    texts = df.drop_duplicates("claim_id").set_index(df.drop_duplicates("claim_id")["claim_id"].astype(str))
    out = []
    for i in order:
        claim = first.claims[i]
        answers: dict[str, dict[str, str]] = {}
        for name, rel in rels.items():
            for a, who in enumerate(rel.annotators):
                v = rel.matrix[a, i]
                if not np.isnan(v):
                    answers.setdefault(who, {})[name] = rel.values[int(v)]
        row = texts.loc[claim]
        out.append(
            {
                "claim_id": claim,
                "article_id": str(row["article_id"]) if "article_id" in row else None,
                "claim_text": str(row["claim_text"]) if "claim_text" in row else None,
                "disagreement": float(score[i]),
                "annotators": int(annotators[i]),
                "answers": answers,
            }
        )
    return out


def agreement_report(
    df: pd.DataFrame, schema: Schema, options: AgreementOptions | None = None, *, source: str = ""
) -> dict[str, Any]:
    """The whole agreement report of a pull's DataFrame, as a JSON-ready dict."""
    options = options or AgreementOptions()
    _check_columns(df, schema)
    if df.empty:
        raise InputError(f"{source or 'the pull'}: no annotations to measure agreement on")
    per_claim = df.groupby("claim_id")["annotator"].nunique()
    fields = {f.name: field_agreement(df, f, options) for f in nominal_fields(schema)}
    rels = {f.name: reliability(df, f) for f in nominal_fields(schema) if f.kind == "choice"}
    spans = {name: span_agreement(df, name) for name in span_fields(schema) if f"{name}_spans" in df.columns}
    return {
        "source": source,
        "annotations": len(df),
        "claims": int(df["claim_id"].nunique()),
        "claims_with_2plus": int((per_claim >= 2).sum()),
        "annotators_per_claim": {str(k): int(v) for k, v in per_claim.value_counts().sort_index().items()},
        "annotators": annotator_stats(df),
        "fields": fields,
        "spans": spans,
        "most_disagreement": claim_disagreement(df, schema, rels, options.top),
        "options": {"bootstrap": options.bootstrap, "seed": options.seed, "confidence": options.confidence},
    }
