"""The review project where an adjudicator settles the claims a team disagreed on (``claimkit adjudicate``).

One review project per annotation project, titled ``<project> · review`` (cut to Label Studio's 50
characters) and tied to it by the project id in its description. Its labeling config is the
annotation project's, with one block on top: every annotator's answers, one line each, side by side;
below it the adjudicator answers the same questions with the same choices. Its tasks carry the
original task data (so a pull reads them exactly like the project's own) plus that block's text.
Sending is idempotent by claim id; reading the picks back is an ordinary ``pull`` of the review project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimkit.annotate.adjudication import AdjudicationOptions, decide, review_texts, rule_counts
from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Schema
from claimkit.annotate.studio.client import Connection, Studio
from claimkit.annotate.studio.config import check_config, instructions_html, label_config

if TYPE_CHECKING:
    import pandas as pd

ANSWERS_FIELD = "annotator_answers"
"""Task data key (and ``Text`` object name) of the annotators' answers shown to the adjudicator."""
REVIEW_SUFFIX = " · review"
TITLE_MAX = 50
"""Label Studio 1.23's ``PROJECT_TITLE_MAX_LEN``."""
_IMPORT_BATCH = 500


def review_title(project: str) -> str:
    """The review project's title: ``<project> · review``, the project part cut to fit 50 characters."""
    return project[: TITLE_MAX - len(REVIEW_SUFFIX)] + REVIEW_SUFFIX


def review_config(schema: Schema) -> str:
    """The project's config with the annotators' answers on top (a ``Text`` block, one line per annotator)."""
    config = label_config(schema)
    block = (
        '<View style="background: #f3f4f6; padding: 8px; border-radius: 4px; white-space: pre-wrap">'
        '<Header value="What each annotator answered (pick the gold answer below)" size="4"/>'
        f'<Text name="{ANSWERS_FIELD}" value="${ANSWERS_FIELD}"/></View>'
    )
    head, sep, rest = config.partition("<View>")
    if not sep:
        raise StudioError("the generated labeling config has no <View>; check annotate/studio/config.py")
    merged = f"{head}<View>{block}{rest}"
    check_config(merged)
    return merged


def _description(project: Any, schema: Schema, options: AdjudicationOptions) -> str:
    """Ties the review project to its project (by id) and records the rule that filled it (``min_share``)."""
    return (
        f"claimkit claims; review of project {project.id}; schema {schema.name} v{schema.version}; "
        f"min_share {options.min_share:g}"
    )


def review_options(review: Any) -> AdjudicationOptions:
    """The adjudication options a review project was last filled with (so ``pull`` decides gold the same way)."""
    found = re.search(r"min_share ([0-9.]+)", str(review.description or ""))
    return AdjudicationOptions(min_share=float(found.group(1))) if found else AdjudicationOptions()


def find_review_project(studio: Studio, project: Any) -> Any | None:
    """The review project of ``project`` (an SDK project), or ``None``; a same-titled stranger is an error."""
    found = studio.find_project(review_title(str(project.title)))
    if found is None:
        return None
    if f"review of project {project.id};" not in str(found.description or ""):
        raise StudioError(
            f"project {found.title!r} (id {found.id}) exists but is not the review project of {project.title!r}; "
            "rename it so `claimkit adjudicate` can make its own"
        )
    return found


def ensure_review_project(
    studio: Studio, project: Any, schema: Schema, options: AdjudicationOptions | None = None
) -> tuple[Any, bool]:
    """The review project of ``project``, created (or its config brought up to date) as needed."""
    settings = {
        "label_config": review_config(schema),
        "expert_instruction": "<p>Each task is a claim the annotators disagreed on. Their answers are listed on top; "
        "answer the questions as the gold answer.</p>" + instructions_html(schema),
        "show_instruction": True,
        "description": _description(project, schema, options or AdjudicationOptions()),
    }
    found = find_review_project(studio, project)
    if found is None:
        return studio.call(studio.client.projects.create, title=review_title(str(project.title)), **settings), True
    changed = {k: v for k, v in settings.items() if getattr(found, k, None) != v}
    if changed:
        found = studio.call(studio.client.projects.update, id=found.id, **changed)
    return found, False


def task_data_by_claim(studio: Studio, project_id: int, claim_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """claim id → the task data of ``claim_ids`` in a project (the first task of a claim)."""
    wanted = set(claim_ids)

    def every_task() -> list[Any]:
        return list(studio.client.tasks.list(project=project_id, page_size=1000, fields="task_only", include="id,data"))

    out: dict[str, dict[str, Any]] = {}
    for task in sorted(studio.call(every_task), key=lambda t: int(t.id)):
        claim_id = str((task.data or {}).get("claim_id"))
        if claim_id in wanted and claim_id not in out:
            out[claim_id] = dict(task.data)
    return out


def send_for_review(
    studio: Studio, project: Any, schema: Schema, answers: Mapping[str, str], options: AdjudicationOptions | None = None
) -> tuple[Any, int, int]:
    """Add a review task for each claim of ``answers`` (claim id → the annotators' answers text) that the
    review project lacks. Returns the review project, tasks added, tasks already there."""
    review, _ = ensure_review_project(studio, project, schema, options)
    existing = studio.claim_tasks(int(review.id))
    new = [c for c in answers if c not in existing]
    data = task_data_by_claim(studio, int(project.id), new)
    missing = [c for c in new if c not in data]
    if missing:
        raise StudioError(f"claims {missing[:3]} are not in project {project.title!r} any more; pull again and retry")
    tasks = [{"data": {**data[c], ANSWERS_FIELD: answers[c], "review_of": str(project.title)}} for c in new]
    for start in range(0, len(tasks), _IMPORT_BATCH):
        studio.call(studio.client.projects.import_tasks, id=review.id, request=tasks[start : start + _IMPORT_BATCH])
    return review, len(tasks), len(answers) - len(new)


def collect_picks(conn: Connection, studio: Studio, project: Any, schema: Schema) -> pd.DataFrame | None:
    """The adjudicators' annotations in the review project (a pull table), or ``None`` without one."""
    from claimkit.annotate.annotations import to_dataframe
    from claimkit.annotate.studio.pull import pull

    review = find_review_project(studio, project)
    if review is None:
        return None
    return to_dataframe(pull(conn, str(review.title), schema, studio), schema)


def review_url(conn: Connection, review: Any) -> str:
    return f"{conn.url}/projects/{review.id}/data"


@dataclass(frozen=True)
class Adjudication:
    """What ``adjudicate`` did: the gold table, its rule counts, and the review project's state."""

    gold: pd.DataFrame
    rules: dict[str, int]
    review_project_id: int | None
    review_url: str | None
    sent: int
    already_in_review: int


def gold_of_project(
    conn: Connection, studio: Studio, project: Any, schema: Schema, df: pd.DataFrame,
    options: AdjudicationOptions | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The gold table of a pulled project: the annotators' answers plus any picks in its review project."""
    return decide(df, schema, options, collect_picks(conn, studio, project, schema))


def adjudicate(
    conn: Connection, studio: Studio, project_title: str, schema: Schema, options: AdjudicationOptions | None = None
) -> Adjudication:
    """Pull ``project``, read the adjudicators' picks, decide gold, and send what is still pending to review.

    Run it again after the adjudicator has worked: the picks come back as ``adjudicated``. Nothing is
    sent twice; a claim already in the review project but not picked yet stays ``pending``.
    """
    from claimkit.annotate.annotations import to_dataframe
    from claimkit.annotate.studio.pull import pull

    project = studio.project(project_title)
    df = to_dataframe(pull(conn, project_title, schema, studio), schema)
    gold = gold_of_project(conn, studio, project, schema, df, options)
    pending = gold.loc[gold["gold_rule"] == "pending", "claim_id"].astype(str).tolist()
    review, sent, already = None, 0, 0
    if pending:
        review, sent, already = send_for_review(studio, project, schema, review_texts(df, pending, schema), options)
    elif (found := find_review_project(studio, project)) is not None:
        review = found
    return Adjudication(
        gold=gold,
        rules=rule_counts(gold),
        review_project_id=int(review.id) if review is not None else None,
        review_url=review_url(conn, review) if review is not None else None,
        sent=sent,
        already_in_review=already,
    )


def team_gold(
    conn: Connection, studio: Studio, project_title: str, schema: Schema, df: pd.DataFrame
) -> pd.DataFrame | None:
    """The gold table of a team project for ``claimkit pull`` (its ``gold_*`` columns), else ``None``.

    A team project has a claim with two or more annotators, or a review project; a single annotator's
    pull gets no gold columns, so nothing changes for a single user. Gold is decided with the
    ``min_share`` the review project was last filled with, so pull and ``adjudicate`` agree.
    """
    if df.empty:
        return None
    project = studio.project(project_title)
    review = find_review_project(studio, project)
    if review is None and int(df.groupby("claim_id")["annotator"].nunique().max()) < 2:
        return None
    picks = collect_picks(conn, studio, project, schema) if review is not None else None
    return decide(df, schema, review_options(review) if review is not None else None, picks)
