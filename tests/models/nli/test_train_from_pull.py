"""Training from Label Studio annotations: the pull carries the articles, the disagreement rule, mixing in a base
corpus, and ``claimkit train --project`` against a real server (PolNeAR gold as annotations, a second and third
annotator changing some labels through the SDK).

The server-free tests build a Label Studio export from split articles with the same payload code ``push`` uses
(``task_data``), so only the server itself is left out; the ``studio`` test runs the whole loop.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pytest

from claimkit.annotate.annotations import ARTICLES_FILE, pulled_articles, write_pull
from claimkit.annotate.corpora.brat import read_brat_corpus
from claimkit.annotate.corpora.brat_claims import brat_split_articles
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.pull import records_from_export
from claimkit.annotate.studio.tasks import task_data
from claimkit.annotate.types import SplitArticle
from claimkit.models.nli.data import WindowConfig, article_pairs, read_pull_output, resolve_claim_label
from claimkit.models.nli.train import TRAINING_CLAIMS_FILE, TrainConfig, train
from tests.models.nli.test_model import tiny_base, tiny_config, write_corpus  # noqa: F401 (tiny_base: a fixture)

SCHEMA = default_schema()
ASSERTED, ATTRIBUTED = SCHEMA["attribution"].negative, SCHEMA["attribution"].positive
NOT_A_CLAIM = "not-a-claim"
Answer = tuple[int, str, str]  # (annotator id, attribution value or NOT_A_CLAIM, timestamp)


def _flip(value: str) -> str:
    return ATTRIBUTED if value == ASSERTED else ASSERTED


def _result(value: str) -> list[dict]:
    if value == NOT_A_CLAIM:
        return [{"from_name": "not_a_claim", "to_name": "paragraph", "type": "choices",
                 "value": {"choices": ["not_a_claim"]}}]  # fmt: skip
    return [{"from_name": "attribution", "to_name": "paragraph", "type": "choices", "value": {"choices": [value]}}]


def export(items: Sequence[SplitArticle], answers: Mapping[str, Sequence[Answer]]) -> list[dict]:
    """A Label Studio JSON export of one task per claim (``push``'s payload) with the given annotations."""
    tasks, annotation_id = [], 0
    for item in items:
        for claim in item.claims:
            annotations = []
            for who, value, when in answers.get(claim.id, ()):
                annotation_id += 1
                annotations.append({"id": annotation_id, "completed_by": who, "result": _result(value),
                                    "created_at": when, "updated_at": when, "lead_time": 3.0})  # fmt: skip
            tasks.append({"id": len(tasks) + 1, "data": task_data(item, claim), "annotations": annotations})
    return tasks


USERS = {1: "gold@claimkit.test", 2: "ann2@claimkit.test", 3: "ann3@claimkit.test"}


def expected_labels(answers: Mapping[str, Sequence[Answer]], ties: str) -> dict[str, str]:
    """claimkit's documented rule, written out independently of ``resolve_claim_label``."""
    out = {}
    for claim_id, given in answers.items():
        latest: dict[int, tuple[str, str]] = {}
        for who, value, when in given:
            if who not in latest or when >= latest[who][1]:
                latest[who] = (value, when)
        if sum(v == NOT_A_CLAIM for v, _ in latest.values()) * 2 > len(latest):
            continue
        votes = [(v, w) for v, w in latest.values() if v != NOT_A_CLAIM]
        counts = {v: sum(1 for x, _ in votes if x == v) for v, _ in votes}
        top = [v for v, n in counts.items() if n == max(counts.values())]
        if len(top) == 1:
            out[claim_id] = top[0]
        elif ties == "latest":
            out[claim_id] = max((w, v) for v, w in votes if v in top)[1]
    return out


def corpus_items(corpus: Path, split: str, nlp, n: int | None = None) -> list[SplitArticle]:
    docs = list(read_brat_corpus(corpus, split))[:n]
    return list(brat_split_articles(docs, nlp, SCHEMA))


def disagreeing_answers(items: Sequence[SplitArticle]) -> dict[str, list[Answer]]:
    """Gold by annotator 1; annotator 2 relabels every third claim (a tie) and confirms every fifth;
    annotator 3 sides with annotator 2 on every sixth (a 2-1 majority against gold) and marks one claim
    not a claim; annotator 2 revises one answer (their latest counts)."""
    answers: dict[str, list[Answer]] = {}
    claims = [c for item in items for c in item.claims]
    for i, c in enumerate(claims):
        gold = str(c.labels["attribution"].value)
        given = [(1, gold, "2026-01-01T10:00:00Z")]
        if i % 3 == 0:
            given.append((2, _flip(gold), "2026-01-02T10:00:00Z"))
        elif i % 5 == 0:
            given.append((2, gold, "2026-01-02T10:00:00Z"))
        if i % 6 == 0:
            given.append((3, _flip(gold), "2026-01-03T10:00:00Z"))
        answers[c.id] = given
    answers[claims[1].id] += [(2, NOT_A_CLAIM, "2026-01-02T10:00:00Z"), (3, NOT_A_CLAIM, "2026-01-03T10:00:00Z")]
    answers[claims[2].id] += [(2, _flip(str(claims[2].labels["attribution"].value)), "2026-01-02T10:00:00Z"),
                              (2, str(claims[2].labels["attribution"].value), "2026-01-04T10:00:00Z")]  # fmt: skip
    return answers


def trained_labels(model_dir: Path, splits: Sequence[str] = ("train", "validation", "test")) -> dict[str, str]:
    lines = (model_dir / TRAINING_CLAIMS_FILE).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return {r["claim_id"]: r["label"] for r in rows if r["split"] in splits}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, "train", 8, seed=1)
    write_corpus(root, "dev", 6, seed=2)
    return root


# --- the pull carries the articles ---------------------------------------------------------------------------


def test_pull_rebuilds_the_articles_around_the_claims_at_their_offsets(nlp, seed_path):
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_articles

    (item,) = split_articles(load_articles([seed_path]), nlp, "clause")
    result = records_from_export(export([item], {}), SCHEMA, USERS)
    (rebuilt,) = pulled_articles(result)
    text, again = item.article.text, rebuilt.article.text
    assert rebuilt.article.id == item.article.id and len(again) <= len(text)
    for claim in item.claims:
        assert [again[s.start : s.end] for s in claim.spans] == [text[s.start : s.end] for s in claim.spans]
        assert rebuilt.paragraphs[claim.paragraph] == item.paragraphs[claim.paragraph]
    shown = {c.paragraph for c in item.claims}
    assert [s for s, p in zip(item.sentences, item.sentence_paragraph, strict=True) if p in shown] == list(
        rebuilt.sentences
    )
    # Text no task shows (the title, the metadata header) is newlines, marked excluded; all else is as pushed.
    for gap in rebuilt.article.excluded:
        assert set(again[gap.start : gap.end]) == {"\n"}
    kept = [i for i, ch in enumerate(again) if not any(g.start <= i < g.end for g in rebuilt.article.excluded)]
    assert all(again[i] == text[i] for i in kept)
    # The premises training builds from the pull are those it builds from the pushed article, less the text no
    # task shows (here the metadata header before the first paragraph and the newline after the last).
    config = WindowConfig()
    original = {p["claim_id"]: p["premise"] for p in article_pairs(item, None, config)}
    from_pull = {p["claim_id"]: p["premise"] for p in article_pairs(rebuilt.with_claims(item.claims), None, config)}
    assert original.keys() == from_pull.keys()
    assert all(from_pull[c].lstrip("¶\n") in original[c] for c in original)
    assert sum(original[c] == from_pull[c] for c in original) >= len(original) / 2


def test_pull_writes_articles_jsonl_beside_the_table(nlp, corpus, tmp_path):
    items = corpus_items(corpus, "dev", nlp, 3)
    answers = {c.id: [(1, str(c.labels["attribution"].value), "2026-01-01T00:00:00Z")] for i in items for c in i.claims}
    files = write_pull(records_from_export(export(items, answers), SCHEMA, USERS), SCHEMA, tmp_path / "pull")
    assert files.articles == tmp_path / "pull" / ARTICLES_FILE and files.articles.is_file()
    table = pd.read_parquet(files.parquet)
    rebuilt, counts, splits = read_pull_output(tmp_path / "pull")  # no articles given: the pull's own
    assert counts["claims"] == len(table) and {a.article.id for a in rebuilt} == set(table.article_id)
    assert {a.article.id: a.article.metadata["split"] for a in rebuilt} == splits


# --- the disagreement rule -----------------------------------------------------------------------------------


def _rows(*answers: tuple[str, str | None, bool, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"annotator": who, "attribution": value, "not_a_claim": bad, "updated_at": pd.Timestamp(when),
          "created_at": pd.Timestamp(when), "annotation_id": i} for i, (who, value, bad, when) in enumerate(answers)]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "ties", "expected"),
    [
        ([("a", ASSERTED, False, "2026-01-01")], "drop", (ASSERTED, 1.0, "claims")),
        ([("a", ASSERTED, False, "2026-01-01"), ("b", ATTRIBUTED, False, "2026-01-02"),
          ("c", ATTRIBUTED, False, "2026-01-01")], "drop", (ATTRIBUTED, 2 / 3, "claims")),
        ([("a", ASSERTED, False, "2026-01-01"), ("b", ATTRIBUTED, False, "2026-01-02")], "drop", (None, 0.0, "ties")),
        ([("a", ASSERTED, False, "2026-01-01"), ("b", ATTRIBUTED, False, "2026-01-02")], "latest",
         (ATTRIBUTED, 0.5, "ties")),
        ([("a", ASSERTED, False, "2026-01-03"), ("b", ATTRIBUTED, False, "2026-01-02")], "latest",
         (ASSERTED, 0.5, "ties")),
        # an annotator counts once, with their latest answer
        ([("a", ATTRIBUTED, False, "2026-01-01"), ("a", ASSERTED, False, "2026-01-05"),
          ("b", ATTRIBUTED, False, "2026-01-02"), ("c", ASSERTED, False, "2026-01-02")], "drop",
         (ASSERTED, 2 / 3, "claims")),
        ([("a", None, True, "2026-01-01"), ("b", None, True, "2026-01-01"), ("c", ASSERTED, False, "2026-01-01")],
         "drop", (None, 0.0, "not_a_claim")),
        ([("a", None, True, "2026-01-01"), ("b", ASSERTED, False, "2026-01-01")], "drop", (ASSERTED, 1.0, "claims")),
        ([("a", None, False, "2026-01-01")], "latest", (None, 0.0, "unanswered")),
    ],
)  # fmt: skip
def test_pull_disagreements_follow_the_documented_rule(answers, ties, expected):
    value, share, outcome = resolve_claim_label(_rows(*answers), ties)
    assert (value, pytest.approx(share), outcome) == expected


def test_pull_rule_refuses_an_unknown_tie_rule():
    with pytest.raises(ValueError, match="ties"):
        resolve_claim_label(_rows(("a", ASSERTED, False, "2026-01-01")), "coin")
    with pytest.raises(ValueError, match="--ties"):
        TrainConfig(output_dir="x", corpus_dir="x", ties="coin")


# --- training on a pull alone, and with a base corpus --------------------------------------------------------


def _pull_dir(tmp_path: Path, items: Sequence[SplitArticle], answers: Mapping[str, Sequence[Answer]]) -> Path:
    out = tmp_path / "pull"
    write_pull(records_from_export(export(items, answers), SCHEMA, USERS), SCHEMA, out)
    return out


@pytest.mark.parametrize("ties", ["drop", "latest"])
def test_train_on_a_pull_alone_sees_exactly_the_resolved_labels(nlp, corpus, tiny_base, tmp_path, ties):  # noqa: F811
    items = corpus_items(corpus, "dev", nlp)
    answers = disagreeing_answers(items)
    pull = _pull_dir(tmp_path, items, answers)
    config = tiny_config(tmp_path / "model", corpus, tiny_base, tmp_path / "cache", corpus_dir=None,
                         pull_dir=str(pull), ties=ties, max_steps=4, compare_baselines=False)  # fmt: skip
    result = train(config)
    expected = expected_labels(answers, ties)
    assert trained_labels(Path(result.output_dir)) == expected
    m = result.metrics
    ties_seen = sum(1 for c, given in answers.items() if c not in expected or len(given) > 1)
    assert m["labels_claims"] == len(expected) and m["labels_ties_rule"] == ties and ties_seen > m["labels_ties"] > 0
    assert m["labels_not_a_claim"] == 1 and m["labels_unanswered"] == 0
    assert m["labels_claims"] + (m["labels_ties"] if ties == "drop" else 0) + m["labels_not_a_claim"] == len(answers)
    splits = json.loads((Path(result.output_dir) / "train_config.json").read_text())
    assert splits["articles_path"] is None and splits["pull_dir"] == str(pull)


def test_train_mixes_a_base_corpus_with_the_annotations_by_weight(nlp, corpus, tiny_base, tmp_path):  # noqa: F811
    # the project annotated three of the corpus's own training articles, flipping every gold label
    items = corpus_items(corpus, "train", nlp, 3)
    answers = {c.id: [(2, _flip(str(c.labels["attribution"].value)), "2026-01-01T00:00:00Z")]
               for i in items for c in i.claims}  # fmt: skip
    pull = _pull_dir(tmp_path, items, answers)
    runs = {}
    for weight in (1.0, 0.5, 2.0):
        config = tiny_config(tmp_path / f"model-{weight}", corpus, tiny_base, tmp_path / "cache", pull_dir=str(pull),
                             corpus_weight=weight, max_steps=2, compare_baselines=False,
                             eval_split="dev" if weight == 1.0 else None)  # fmt: skip
        runs[weight] = train(config).metrics
    assert "dev_macro_f1" in runs[1.0] and "test_macro_f1" in runs[1.0]  # the corpus's dev and the pull's test
    base = runs[1.0]["mix_corpus_train_claims"]
    assert base > 0 and runs[1.0]["mix_annotated_train_claims"] > 0 and runs[1.0]["mix_corpus_articles_replaced"] == 3
    assert runs[2.0]["mix_corpus_train_claims"] == 2 * base and 0 < runs[0.5]["mix_corpus_train_claims"] < base
    # the annotated articles replace their corpus copies: the trainer sees the annotators' labels for their claims
    lines = (tmp_path / "model-1.0" / TRAINING_CLAIMS_FILE).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    flipped = {c.id: _flip(str(c.labels["attribution"].value)) for i in items for c in i.claims}
    own = [r for r in rows if r["claim_id"] in flipped]
    assert len(own) == len(flipped) and all(r["label"] == flipped[r["claim_id"]] for r in own)
    assert len(rows) > len(own)  # the corpus's other articles are there too


def test_train_config_takes_a_pull_without_articles_path_only_when_it_carries_them(tmp_path):
    with pytest.raises(ValueError, match="--articles-path"):
        TrainConfig(output_dir=str(tmp_path), pull_dir=str(tmp_path))
    (tmp_path / ARTICLES_FILE).write_text("", encoding="utf-8")
    assert TrainConfig(output_dir=str(tmp_path), pull_dir=str(tmp_path)).articles_path is None
    assert TrainConfig(output_dir=str(tmp_path), project="demo", corpus_dir="c").project == "demo"
    with pytest.raises(ValueError, match="exactly one data source"):
        TrainConfig(output_dir=str(tmp_path), project="demo", claims_path="x")
    with pytest.raises(ValueError, match="--corpus-weight"):
        TrainConfig(output_dir=str(tmp_path), corpus_dir="c", pull_dir=str(tmp_path), corpus_weight=0)


# --- the whole loop on a real Label Studio -------------------------------------------------------------------


@pytest.mark.studio
@pytest.mark.corpus
def test_train_from_a_real_project_sees_exactly_the_annotators_labels(
    studio_conn,
    studio_home,
    polnear_dir,
    nlp,
    tiny_base,  # noqa: F811
    tmp_path,
):
    """PolNeAR gold imported as annotations (`import-brat --as annotations`); a second annotator relabels some
    claims and a third sides with them on a few, through the SDK as the editor would; `claimkit train --project`
    pulls and trains a tiny model; what it trained on is the annotators' labels after the documented rule."""
    from itertools import islice

    from claimkit.annotate.studio.client import connect
    from tests.annotate.studio.test_round_trip import _choice, _cli, _user

    title, n_articles = "train from annotations", 4
    out = _cli(["import-brat", str(polnear_dir), "--split", "dev", "--limit", str(n_articles), "--project", title,
                "--as", "annotations"], studio_home)  # fmt: skip
    assert out.returncode == 0, out.stderr
    items = list(brat_split_articles(islice(read_brat_corpus(polnear_dir, "dev"), n_articles), nlp, SCHEMA))
    studio = connect(studio_conn)
    tasks = studio.claim_tasks(studio.project(title).id)
    ann2, ann3 = _user(studio, "ann2@claimkit.test"), _user(studio, "ann3@claimkit.test")
    answers: dict[str, list[Answer]] = {}
    claims = [c for item in items for c in item.claims]
    for i, claim in enumerate(claims):
        gold = str(claim.labels["attribution"].value)
        answers[claim.id] = [(1, gold, "1")]  # the import's annotation: the oldest
        if i % 4 == 0:  # annotator 2 disagrees with gold: a tie, the latest answer (theirs) decides
            answers[claim.id].append((ann2, _flip(gold), "2"))
        elif i % 4 == 1 and i % 8 == 1:  # annotator 2 agrees with gold
            answers[claim.id].append((ann2, gold, "2"))
        if i % 8 == 0:  # annotator 3 sides with annotator 2: a majority against gold
            answers[claim.id].append((ann3, _flip(gold), "3"))
    for claim_id, given in answers.items():
        for who, value, _ in given[1:]:
            studio.client.annotations.create(id=tasks[claim_id][0][0], result=[_choice("attribution", value)],
                                             completed_by=who, lead_time=2.0)  # fmt: skip
    model = tmp_path / "model"
    run = _cli(["train", "--project", title, "--output-dir", str(model), "--base-model", str(tiny_base),
                "--ties", "latest", "--max-steps", "3", "--per-device-train-batch-size", "4", "--max-length", "160",
                "--core-chars", "300", "--context-chars", "120", "--bf16", "no", "--cache-dir", str(tmp_path / "cache"),
                "--no-compare-baselines", "--no-progress"], studio_home)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    expected = expected_labels(answers, "latest")
    assert len(expected) == len(claims) and sum(v != str(c.labels["attribution"].value)
                                                for c in claims for v in [expected[c.id]]) > 0  # fmt: skip
    assert trained_labels(model) == expected
    summary = json.loads(run.stdout[run.stdout.rindex("{\n") :])  # after Trainer's log lines
    assert summary["labels_claims"] == len(claims) and summary["labels_ties"] == sum(
        1 for g in answers.values() if len(g) == 2 and g[0][1] != g[1][1]
    )
    assert (model / "pull" / ARTICLES_FILE).is_file() and (model / "pull" / "annotations.parquet").is_file()
    assert json.loads((model / "train_config.json").read_text())["project"] == title


def test_pull_with_team_gold_trains_on_the_gold_not_the_vote(nlp, corpus, tmp_path):
    """`claimkit adjudicate` writes gold_* columns into the pull; training prefers them to its own vote."""
    items = corpus_items(corpus, "dev", nlp, n=1)
    answers = {c.id: [(1, str(c.labels["attribution"].value), "2026-01-01T00:00:00Z")] for i in items for c in i.claims}
    pull = _pull_dir(tmp_path, items, answers)
    table = pd.read_parquet(pull / "annotations.parquet")
    flipped = str(table["claim_id"].iloc[0])
    table["gold_rule"] = "adjudicated"
    table["gold_attribution"] = table["attribution"]
    table.loc[table["claim_id"] == flipped, "gold_attribution"] = _flip(str(table["attribution"].iloc[0]))
    table.to_parquet(pull / "annotations.parquet")
    rebuilt, counts, _ = read_pull_output(pull)
    labels = {c.id: str(c.labels["attribution"].value) for a in rebuilt for c in a.claims}
    assert counts["gold"] == counts["claims"] == table["claim_id"].nunique()
    assert labels[flipped] == _flip(str(table["attribution"].iloc[0]))
