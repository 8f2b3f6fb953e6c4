"""``claimkit push --annotators-per-task N`` against a real Label Studio: the project's own overlap settings."""

from __future__ import annotations

import pytest

from claimkit.annotate.errors import InputError
from claimkit.annotate.studio.client import Studio, connect
from claimkit.annotate.studio.overlap import overlap_fields, read_overlap, set_annotators_per_task
from tests.annotate.studio.test_round_trip import _choice, _cli, _user

pytestmark = pytest.mark.studio


def _labeled(studio: Studio, task_id: int) -> bool:
    return bool(studio.client.tasks.get(id=task_id).is_labeled)


def test_push_sets_annotators_per_task_on_new_and_existing_projects(studio_home, studio_conn, seed_path):
    done = _cli(["push", str(seed_path), "--project", "overlap push", "--predictor", "none",
                 "--annotators-per-task", "3"], studio_home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "labelled by 3 annotators" in done.stderr
    studio = connect(studio_conn)
    project = studio.project("overlap push")
    overlap = read_overlap(project)
    assert (overlap.annotators_per_task, overlap.cohort_percentage, overlap.show_overlap_first) == (3, 100, True)

    # The server now counts a claim as done only after three people labelled it.
    tasks = sorted(t[0][0] for t in studio.claim_tasks(project.id).values())
    first, second = tasks[:2]
    users = [_user(studio, f"overlap{i}@claimkit.test") for i in range(3)]
    for n, user in enumerate(users):
        studio.client.annotations.create(id=first, result=[_choice("attribution", "asserted")], completed_by=user)
        assert _labeled(studio, first) is (n == 2)
    for user in users[:2]:
        studio.client.annotations.create(id=second, result=[_choice("attribution", "asserted")], completed_by=user)
    assert not _labeled(studio, second)

    # On the existing project: two per claim from now on; the server recomputes each task's state.
    again = _cli(["push", str(seed_path), "--project", "overlap push", "--predictor", "none",
                  "--annotators-per-task", "2"], studio_home)  # fmt: skip
    assert again.returncode == 0, again.stderr
    project = studio.project("overlap push")
    assert read_overlap(project).annotators_per_task == 2
    assert _labeled(studio, second) and _labeled(studio, first) and not _labeled(studio, tasks[2])
    # Idempotent: the same setting again sends nothing and reads the same.
    assert set_annotators_per_task(studio, project, 2) == read_overlap(project)
    # A push without the option leaves the setting alone.
    plain = _cli(["push", str(seed_path), "--project", "overlap push", "--predictor", "none"], studio_home)
    assert plain.returncode == 0, plain.stderr
    assert read_overlap(studio.project("overlap push")).annotators_per_task == 2


def test_annotators_per_task_is_checked():
    assert overlap_fields(1) == {
        "maximum_annotations": 1,
        "overlap_cohort_percentage": 100,
        "show_overlap_first": False,
    }
    with pytest.raises(InputError, match="--annotators-per-task 0"):
        overlap_fields(0)


def _next_task(as_user: Studio, project_id: int) -> int | None:
    """The task Label Studio's queue serves this user next (the editor's "next task"), or ``None``."""
    wrapper = as_user.client._client_wrapper
    resp = wrapper.httpx_client.httpx_client.get(
        f"{wrapper.get_base_url()}/api/projects/{project_id}/next", headers=wrapper.get_headers()
    )
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return int(resp.json()["id"])


def test_each_annotator_is_served_only_claims_they_have_not_done(studio_home, studio_conn, tmp_path):
    """Three real accounts take tasks from the queue as the editor does; two annotations per claim."""
    users = pytest.importorskip("claimkit.annotate.studio.users", reason="needs `claimkit studio add-user`")
    from claimkit.annotate.studio.client import Connection

    article = tmp_path / "queue-2026-03-01.txt"
    article.write_text("The port reopened on Monday.\n\nOfficials said the cranes were repaired.\n", encoding="utf-8")
    done = _cli(["push", str(article), "--project", "overlap queue", "--predictor", "none",
                 "--annotators-per-task", "2"], studio_home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    admin = connect(studio_conn)
    project = admin.project("overlap queue")
    all_tasks = {t for pairs in admin.claim_tasks(project.id).values() for t, _ in pairs}
    assert len(all_tasks) >= 2
    served: dict[str, list[int]] = {}
    for name in ("q1", "q2", "q3"):
        user = users.add_user(studio_conn, f"{name}@overlap.test")
        as_user = connect(Connection(studio_conn.url, users.user_token(studio_conn.url, user.email, user.password)))
        served[name] = []
        while (task := _next_task(as_user, project.id)) is not None:
            assert task not in served[name], f"{name} was served task {task} again"
            served[name].append(task)
            as_user.call(as_user.client.annotations.create, id=task, result=[_choice("attribution", "asserted")])
            assert len(served[name]) <= len(all_tasks)
    # The first two annotators label every claim; the third finds nothing left: each claim has its two.
    assert set(served["q1"]) == set(served["q2"]) == all_tasks and served["q3"] == []
