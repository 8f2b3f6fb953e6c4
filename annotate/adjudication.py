"""From several annotations per claim to one gold answer per claim, with the rule that decided it.

For every nominal question (choice fields asked once per claim, and flags) the answers of a claim's
annotators are counted; missing answers (a question an annotator did not have to answer) are left out:

- every answer the same: ``unanimous`` (one annotator alone: ``single``);
- one value holds more than ``min_share`` of the answers (default: more than half) and no other value
  has as many: ``majority``;
- otherwise (a tie, or no value above ``min_share``): the claim needs an adjudicator and is ``pending``
  until one picks in the review project (``annotate.studio.review``), then ``adjudicated``.

A claim's ``gold_rule`` is its weakest field's (adjudicated > pending > majority > unanimous > single).
The gold table has one row per claim: ``gold_<column>`` for every column of every schema field (the
columns of ``annotate.annotations``), plus provenance:

==================  ================================================================================
``gold_rule``       ``single`` | ``unanimous`` | ``majority`` | ``adjudicated`` | ``pending``
``gold_by``         who the gold comes from: the annotators whose answers equal it on every decided
                    question (comma-separated), or the adjudicator's e-mail
``gold_agreement``  the smallest share of answers that agree with the gold, over the questions
``gold_annotators`` how many annotators answered the claim
``gold_review``     why it went to review (``"attribution: tie"``), empty otherwise
==================  ================================================================================

Spans (source, cue, evidence) have no vote: they come from one annotation, the
one that agrees with the gold on most questions (the earliest on a tie), or the adjudicator's.
Pending claims keep their decided questions and leave the others empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from claimkit.annotate.agreement import nominal_fields, reliability, value_counts
from claimkit.annotate.annotations import field_columns
from claimkit.annotate.errors import InputError
from claimkit.annotate.schema import Field, Schema

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MIN_SHARE = 0.5
"""A majority must hold MORE than this share of a claim's answers (0.5: a strict majority)."""

RULES = ("single", "unanimous", "majority", "pending", "adjudicated")
"""Gold rules, weakest last: a claim takes its weakest question's rule."""
DECIDED = frozenset({"single", "unanimous", "majority", "adjudicated"})
"""Rules whose gold a training run can use (``pending`` is not decided yet)."""
PROVENANCE = ("gold_rule", "gold_by", "gold_agreement", "gold_annotators", "gold_review")


@dataclass(frozen=True)
class AdjudicationOptions:
    """``min_share``: a majority needs more than this share of answers; below it a claim goes to review."""

    min_share: float = DEFAULT_MIN_SHARE

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_share < 1.0:
            raise InputError(f"--min-share {self.min_share}: give a share from 0 to below 1 (0.5: strict majority)")


def gold_columns(schema: Schema) -> list[str]:
    """The gold table's columns: ``claim_id``, ``gold_<column>`` for every field column, then provenance."""
    return ["claim_id", *(f"gold_{c}" for f in schema.fields for c in field_columns(f)), *PROVENANCE]


def _value_of(f: Field, index: int) -> Any:
    return bool(index) if f.kind == "flag" else f.value_names[index]


def decide(
    df: pd.DataFrame,
    schema: Schema,
    options: AdjudicationOptions | None = None,
    picks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The gold table of a pull's DataFrame (one row per claim, sorted by claim id).

    ``picks``: the adjudicators' annotations (a pull of the review project, ``review.collect``); a
    claim with a pick is ``adjudicated`` whatever its annotators said, and takes every column from it.
    """
    import pandas as pd

    options = options or AdjudicationOptions()
    if df.empty:
        return pd.DataFrame(columns=gold_columns(schema))
    fields = nominal_fields(schema)
    rels = {f.name: reliability(df, f) for f in fields}
    claims = next(iter(rels.values())).claims
    n_claims = len(claims)
    rank = {r: i for i, r in enumerate(RULES)}
    rule = np.zeros(n_claims, dtype=int)  # index into RULES
    agreement = np.ones(n_claims)
    review = [[] for _ in range(n_claims)]  # type: list[list[str]]
    gold_ids: dict[str, np.ndarray] = {}
    answered = np.zeros(n_claims, dtype=int)
    for f in fields:
        rel = rels[f.name]
        counts = value_counts(rel.matrix, len(rel.values))
        n = counts.sum(axis=1)
        answered = np.maximum(answered, (~np.isnan(rel.matrix)).sum(axis=0))
        top = counts.argmax(axis=1)
        top_count = counts.max(axis=1)
        second = np.sort(counts, axis=1)[:, -2] if counts.shape[1] > 1 else np.zeros(n_claims)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(n > 0, top_count / np.maximum(n, 1), 1.0)
        unanimous = (n >= 2) & (top_count == n)
        majority = (n >= 2) & ~unanimous & (share > options.min_share) & (top_count > second)
        pending = (n >= 2) & ~unanimous & ~majority
        field_rule = np.where(pending, rank["pending"], np.where(majority, rank["majority"],
                              np.where(unanimous, rank["unanimous"], rank["single"])))  # fmt: skip
        rule = np.maximum(rule, field_rule)
        agreement = np.minimum(agreement, share)
        gold_ids[f.name] = np.where((n > 0) & ~pending, top, -1)
        for i in np.flatnonzero(pending):
            review[i].append(f"{f.name}: {'tie' if top_count[i] == second[i] else f'{share[i]:.2f} agree'}")

    # The representative annotation: the one agreeing with the gold on most questions (earliest on a tie).
    claim_index = {c: i for i, c in enumerate(claims)}
    rows = df.reset_index(drop=True)
    row_claim = rows["claim_id"].astype(str).map(claim_index).to_numpy()
    matches = np.zeros(len(rows), dtype=int)
    agrees_all = np.ones(len(rows), dtype=bool)
    for f in fields:
        ids = _row_ids(rows, f)
        gold = gold_ids[f.name][row_claim]
        decided = gold >= 0
        same = ids == gold
        matches += (same & decided).astype(int)
        agrees_all &= ~decided | same | np.isnan(ids)
    order = pd.DataFrame({"claim": row_claim, "match": -matches, "row": np.arange(len(rows))})
    if "created_at" in rows.columns:
        order["created"] = rows["created_at"].to_numpy()
        order = order.sort_values(["claim", "match", "created", "row"], kind="stable")
    else:
        order = order.sort_values(["claim", "match", "row"], kind="stable")
    representative = order.drop_duplicates("claim").set_index("claim")["row"].reindex(range(n_claims)).to_numpy()

    agreeing = rows["annotator"].astype(str)[agrees_all]
    by_claim = agreeing.groupby(row_claim[agrees_all]).agg(lambda s: ",".join(sorted(set(s))))

    out: dict[str, Any] = {"claim_id": list(claims)}
    rep_rows = rows.iloc[representative]
    for f in schema.fields:
        for col in field_columns(f):
            out[f"gold_{col}"] = rep_rows[col].tolist() if col in rows.columns else [None] * n_claims
    for f in fields:
        ids = gold_ids[f.name]
        out[f"gold_{f.name}"] = [_value_of(f, int(i)) if i >= 0 else None for i in ids]
    out["gold_rule"] = [RULES[r] for r in rule]
    out["gold_by"] = [by_claim.get(i, "") if RULES[rule[i]] != "pending" else "" for i in range(n_claims)]
    out["gold_agreement"] = agreement.tolist()
    out["gold_annotators"] = answered.tolist()
    out["gold_review"] = ["; ".join(r) for r in review]
    gold = pd.DataFrame(out, columns=gold_columns(schema), dtype=object)  # typed once picks are in
    if picks is not None and not picks.empty:
        gold = _apply_picks(gold, picks, schema)
    return _typed(gold, schema).sort_values("claim_id", kind="stable").reset_index(drop=True)


def _typed(gold: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """The pull table's dtypes: choice answers as ``string`` (``<NA>`` when undecided), flags as bool."""
    for f in nominal_fields(schema):
        column = f"gold_{f.name}"
        gold[column] = gold[column].astype(bool) if f.kind == "flag" else gold[column].astype("string")
    gold["gold_agreement"] = gold["gold_agreement"].astype("float64")
    gold["gold_annotators"] = gold["gold_annotators"].astype("int64")
    return gold


def _row_ids(rows: pd.DataFrame, f: Field) -> np.ndarray:
    if f.kind == "flag":
        return rows[f.name].fillna(False).astype(bool).to_numpy(dtype=float)
    return rows[f.name].astype("object").map(f.label2id).to_numpy(dtype=float, na_value=np.nan)


def _apply_picks(gold: pd.DataFrame, picks: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Every claim an adjudicator answered takes the adjudicator's answer, all columns (the latest one wins)."""
    import pandas as pd

    latest = picks.sort_values("updated_at", kind="stable") if "updated_at" in picks.columns else picks
    latest = latest.drop_duplicates("claim_id", keep="last")
    latest = latest.set_index(latest["claim_id"].astype(str))
    gold = gold.copy()
    hit = gold["claim_id"].astype(str).isin(latest.index)
    if not hit.any():
        return gold
    chosen = latest.loc[gold.loc[hit, "claim_id"].astype(str)]
    for f in schema.fields:
        for col in field_columns(f):
            if col in chosen.columns:
                gold.loc[hit, f"gold_{col}"] = pd.Series(chosen[col].tolist(), index=gold.index[hit], dtype=object)
    gold.loc[hit, "gold_rule"] = "adjudicated"
    gold.loc[hit, "gold_by"] = chosen["annotator"].astype(str).tolist()
    return gold


def attach_gold(df: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """The pull's rows with the gold columns of their claim (every row of a claim gets the same gold)."""
    return df.merge(gold, on="claim_id", how="left")


def rule_counts(gold: pd.DataFrame) -> dict[str, int]:
    """How many claims each rule decided (every rule listed, 0 included)."""
    counts = gold["gold_rule"].value_counts()
    return {r: int(counts.get(r, 0)) for r in RULES}


def claim_gold(rows: pd.DataFrame, field: str = "attribution") -> tuple[Any, str] | None:
    """For training: the gold answer of one claim's rows and its rule, when the pull has decided gold.

    ``rows`` are one claim's rows of a pull table. ``None`` when the pull has no gold columns, or the
    claim's gold is pending (an adjudicator has not picked yet) or empty for ``field``: the caller then
    falls back to its own resolution of the annotators' answers. Adjudicated gold is always decided,
    so a training run that asks here first prefers it.
    """
    import pandas as pd

    column = f"gold_{field}"
    if column not in rows.columns or "gold_rule" not in rows.columns or rows.empty:
        return None
    rule, value = rows["gold_rule"].iloc[0], rows[column].iloc[0]
    if (
        not isinstance(rule, str)
        or rule not in DECIDED
        or value is None
        or (not isinstance(value, list) and pd.isna(value))
    ):
        return None
    return value, rule


def gold_frame(pulled: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of a pull table that carries gold columns: the claim columns and its gold."""
    missing = [c for c in PROVENANCE if c not in pulled.columns]
    if missing:
        raise InputError("this pull has no gold columns; run `claimkit adjudicate` and pull again")
    keep = [c for c in pulled.columns if c.startswith("gold_") or c in ("article_id", "claim_id", "claim_text")]
    return pulled[keep].drop_duplicates("claim_id").reset_index(drop=True)


def review_lines(rows: pd.DataFrame, schema: Schema) -> str:
    """One claim's annotators' answers, one line each, for the review task (side by side for the adjudicator)."""
    lines = []
    for _, row in rows.sort_values("annotator").iterrows():
        parts = []
        for f in schema.fields:
            value = row.get(f.name)
            if f.kind == "flag":
                if bool(value):
                    parts.append(f"{f.label}: yes")
            elif f.kind == "span":
                shown = [str(v) for v in (value if value is not None else []) if v is not None]
                if len(shown):
                    parts.append(f"{f.name}: " + " | ".join(shown))
            elif isinstance(value, str):
                label = next((v.label for v in f.values if v.value == value), value)
                parts.append(f"{f.label}: {label}")
        lines.append(f"{row['annotator']}: " + ("; ".join(parts) or "(no answer)"))
    return "\n".join(lines)


def review_texts(df: pd.DataFrame, claim_ids: Iterable[str], schema: Schema) -> dict[str, str]:
    """claim id → the side-by-side answers text of each claim in ``claim_ids``."""
    wanted = set(claim_ids)
    part = df[df["claim_id"].astype(str).isin(wanted)]
    return {str(c): review_lines(rows, schema) for c, rows in part.groupby(part["claim_id"].astype(str))}
