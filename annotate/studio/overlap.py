"""Several annotators per claim through Label Studio's own overlap settings (``claimkit push --annotators-per-task``).

Label Studio Community already distributes work to a team: a task is "labeled" (and leaves everyone's
queue) once it holds ``maximum_annotations`` annotations, and the next-task queue never serves a user a
task they have annotated or skipped. So claimkit only sets the project's fields:

- ``maximum_annotations = N``: each claim is labelled by N people;
- ``overlap_cohort_percentage = 100``: all claims, not a sample, get N (agreement is measured on all);
- ``show_overlap_first``: claims still short of N come first, so overlapping claims fill up before
  annotators spread over new ones.

Changing ``maximum_annotations`` on a project with tasks makes the server recompute each task's overlap
and labeled state itself (``Project._update_tasks_states`` in 1.23), so this works on an existing project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimkit.annotate.errors import InputError
from claimkit.annotate.studio.client import Studio

MAX_ANNOTATORS_PER_TASK = 50
"""A sanity bound: more annotators per claim than this is a typo, not a team."""


@dataclass(frozen=True)
class Overlap:
    """A project's overlap settings, as read from the server."""

    project_id: int
    annotators_per_task: int
    cohort_percentage: int
    show_overlap_first: bool


def overlap_fields(annotators_per_task: int) -> dict[str, Any]:
    """The project fields that make every task need ``annotators_per_task`` annotations."""
    if not 1 <= annotators_per_task <= MAX_ANNOTATORS_PER_TASK:
        raise InputError(
            f"--annotators-per-task {annotators_per_task}: give a number from 1 to {MAX_ANNOTATORS_PER_TASK}"
        )
    return {
        "maximum_annotations": annotators_per_task,
        "overlap_cohort_percentage": 100,
        "show_overlap_first": annotators_per_task > 1,
    }


def read_overlap(project: Any) -> Overlap:
    """The overlap settings of a project object the SDK returned."""
    return Overlap(
        project_id=int(project.id),
        annotators_per_task=int(project.maximum_annotations or 1),
        cohort_percentage=int(
            project.overlap_cohort_percentage if project.overlap_cohort_percentage is not None else 100
        ),
        show_overlap_first=bool(project.show_overlap_first),
    )


def set_annotators_per_task(studio: Studio, project: Any, annotators_per_task: int) -> Overlap:
    """Make every task of ``project`` (an SDK project) need ``annotators_per_task`` annotations; idempotent."""
    wanted = overlap_fields(annotators_per_task)
    changed = {k: v for k, v in wanted.items() if getattr(project, k, None) != v}
    if changed:
        project = studio.call(studio.client.projects.update, id=project.id, **changed)
    return read_overlap(project)
