"""The attribution model end to end on a tiny random BERT: training, saving, loading, predicting, the CLI.

A synthetic BRAT corpus (quotations, "according to", plain statements) is written to a temporary
folder, so none of this needs the shared corpora; the seed-article test skips without them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimkit.annotate.errors import ModelError
from claimkit.annotate.output import from_dict, to_dict
from claimkit.annotate.schema import default_schema
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_articles
from claimkit.annotate.types import Article, Span, SplitArticle
from claimkit.models.evaluation.comparison import compare_with_baselines
from claimkit.models.nli.calibration import calibration_report, fit_temperature
from claimkit.models.nli.data import attribution_labels
from claimkit.models.nli.model import ClaimScorer, default_base_model, encode_windows, load_encoder, load_tokenizer
from claimkit.models.nli.precision import prepare_model, resolve_precision
from claimkit.models.nli.predictor import ModelWithRules, NLIPredictor, content_spans, marked_in
from claimkit.models.nli.train import TrainConfig, parse_args, train
from claimkit.models.predictor_spec import load_predictor
from tests.paths import REPO

SCHEMA = default_schema()
ASSERTED, ATTRIBUTED = SCHEMA["attribution"].negative, SCHEMA["attribution"].positive

WHO = ["the mayor", "the minister", "a spokeswoman", "Senator Lee", "the company", "officials"]
WHAT = [
    "the budget will grow next year",
    "taxes are far too high",
    "the bridge is safe to cross",
    "the new plan will cut costs",
    "crime fell sharply in the spring",
    "the factory will close in June",
    "wages rose faster than prices",
    "the election was fair",
]
FACTS = [
    "The council met on Tuesday evening.",
    "The river flooded the lower town twice last year.",
    "Voters will go to the polls in November.",
    "The stadium holds forty thousand people.",
    "Prices at the pump dropped in March.",
    "The school board has nine members.",
]


def write_corpus(root: Path, split: str, n_articles: int, seed: int) -> None:
    """PolNeAR-layout BRAT files: attributed content (quotes, "according to", "X said") and plain facts."""
    rng = random.Random(seed)
    (root / split / "text").mkdir(parents=True, exist_ok=True)
    (root / split / "attributions").mkdir(parents=True, exist_ok=True)
    meta = root / "metadata.tsv"
    if not meta.exists():
        meta.write_text("compartment\tfilename\tpublisher\n", encoding="utf-8")
    for a in range(n_articles):
        name = f"pub{a % 2}_{split}_{a:03d}"
        text, ann, t = "", [], 0

        def add(piece: str, role: str | None = None) -> None:
            nonlocal text, t
            if role:
                t += 1
                ann.append(  # noqa: B023 (called only inside this iteration)
                    f"T{t}\t{role} {len(text)} {len(text) + len(piece)}\t{piece}"
                )
            text += piece

        for p in range(5):
            if p:
                text += "\n\n"
            for s in range(3):
                if s:
                    text += " "
                kind = rng.choice(["fact", "fact", "quote", "according", "said"])
                what, who = rng.choice(WHAT), rng.choice(WHO)
                if kind == "fact":
                    add(rng.choice(FACTS))
                elif kind == "quote":
                    add("“")
                    add(what[0].upper() + what[1:], "Content")
                    add(",” ")
                    add(who, "Source")
                    add(" ")
                    add("said", "Cue")
                    add(".")
                elif kind == "according":
                    add("According to", "Cue")
                    add(" ")
                    add(who, "Source")
                    add(", ")
                    add(what, "Content")
                    add(".")
                else:
                    src = who[0].upper() + who[1:]
                    add(src, "Source")
                    add(" ")
                    add("said", "Cue")
                    add(" ")
                    add(what, "Content")
                    add(".")
        (root / split / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (root / split / "attributions" / f"{name}_ann1.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
        with meta.open("a", encoding="utf-8") as fh:
            fh.write(f"{split}\t{name}\tpub{a % 2}\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, "train", 14, seed=1)
    write_corpus(root, "dev", 3, seed=2)
    return root


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> Path:
    """A random 2-layer BERT (hidden 64) with MiniLM's vocabulary and tokenizer, saved as a checkpoint folder."""
    from transformers import BertConfig, BertModel

    out = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = load_tokenizer(default_base_model())
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
    )
    BertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def tiny_config(output_dir: Path, corpus: Path, base: Path, cache: Path, **overrides) -> TrainConfig:
    settings = dict(
        output_dir=str(output_dir),
        corpus_dir=str(corpus),
        base_model=str(base),
        max_steps=60,
        learning_rate=3e-3,
        warmup_ratio=0.0,
        per_device_train_batch_size=4,
        logging_steps=5,
        evals_per_epoch=1,
        early_stopping_patience=0,
        core_chars=300,
        context_chars=120,
        max_length=160,
        bf16="no",
        cache_dir=str(cache),
        progress=False,
    )
    settings.update(overrides)
    return TrainConfig(**settings)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, corpus, tiny_base) -> Path:
    """The tiny model trained once for this module (about ten seconds), baselines compared on dev."""
    root = tmp_path_factory.mktemp("trained")
    result = train(tiny_config(root / "model", corpus, tiny_base, root / "cache"), compare=compare_with_baselines)
    return Path(result.output_dir)


# --- training ------------------------------------------------------------------------------------------------


def test_nli_training_loss_falls(model_dir):
    log = json.loads((model_dir / "training_log.json").read_text())
    losses = [entry["loss"] for entry in log if "loss" in entry]
    assert len(losses) >= 6
    assert np.mean(losses[-3:]) < 0.7 * np.mean(losses[:2])


def test_nli_model_directory_holds_everything_a_user_needs(model_dir):
    for name in ("config.json", "model.safetensors", "tokenizer.json", "claimkit_nli.json", "calibration.json",
                 "precision.json", "train_config.json", "metrics.json", "training_log.json", "README.md"):  # fmt: skip
        assert (model_dir / name).is_file(), name
    assert not (model_dir / "checkpoints").exists()
    card = (model_dir / "README.md").read_text()
    for system in ("nli", "rules", "tfidf_logreg"):
        assert f"| {system} |" in card
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["comparison"]["split"] == "dev"
    assert 0 <= metrics["dev_macro_f1"] <= 1


def test_nli_label_map_agrees_with_the_schema(model_dir):
    """Claim labels are the schema's ids (``Field.label2id``); the learned span tags follow them."""
    config = json.loads((model_dir / "config.json").read_text())
    labels = list(SCHEMA["attribution"].label2id)
    meta = json.loads((model_dir / "claimkit_nli.json").read_text())
    assert meta["labels"] == labels and meta["span_tags"] == ["source", "cue"]
    model_labels = [*labels, "source", "cue"]
    assert config["label2id"] == {name: i for i, name in enumerate(model_labels)}
    assert config["id2label"] == {str(i): name for i, name in enumerate(model_labels)}


def test_nli_save_load_round_trip_reproduces_validation_scores(model_dir):
    """The reloaded model, tokenizer and premise recipe give the validation macro-F1 measured in training."""
    from datasets import load_from_disk
    from sklearn.metrics import f1_score

    from claimkit.models.nli.model import group_windows

    config = json.loads((model_dir / "train_config.json").read_text())
    cache = next(Path(config["cache_dir"]).glob("nli-pairs-*"))
    groups = group_windows(load_from_disk(str(cache))["validation"])
    predictor = NLIPredictor(model_dir, precision="fp32")
    encoded = encode_windows(
        predictor.tokenizer,
        [g["premise"] for g in groups],
        [g["claim_spans"] for g in groups],
        predictor.meta.max_length,
    )
    predicted = np.concatenate([x.argmax(-1) for x in predictor.scorer.logits(encoded)])
    gold = np.array([y for g in groups for y in g["labels"]])
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert f1_score(gold, predicted, average="macro") == pytest.approx(metrics["eval_macro_f1"], abs=1e-9)


def test_nli_training_stops_at_its_time_budget(corpus, tiny_base, tmp_path):
    config = tiny_config(tmp_path / "model", corpus, tiny_base, tmp_path / "cache", max_steps=500, max_train_minutes=1e-6,
                         compare_baselines=False, check_precisions=False, calibrate=False)  # fmt: skip
    result = train(config)
    log = json.loads((Path(result.output_dir) / "training_log.json").read_text())
    assert max(entry.get("step", 0) for entry in log) <= 2
    assert (Path(result.output_dir) / "model.safetensors").is_file()


def test_nli_train_config_round_trips_through_the_parser(model_dir, tmp_path):
    saved = model_dir / "train_config.json"
    config = parse_args([str(saved)])
    assert config.to_dict() == json.loads(saved.read_text())
    flags = parse_args(["--output_dir", str(tmp_path), "--corpus_dir", "x", "--no_class_weights", "--bf16", "no"])
    assert flags.class_weights is False and flags.bf16 == "no"


def test_nli_train_config_needs_one_data_source(tmp_path):
    with pytest.raises(ValueError, match="exactly one data source"):
        TrainConfig(output_dir=str(tmp_path))
    with pytest.raises(ValueError, match="--articles-path"):
        TrainConfig(output_dir=str(tmp_path), pull_dir=str(tmp_path))


# --- loading -------------------------------------------------------------------------------------------------


def test_nli_packaged_minilm_loads_with_networking_blocked(monkeypatch):
    import torch

    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = default_base_model()
    tokenizer = load_tokenizer(path)
    model = load_encoder(path, attribution_labels())
    with torch.inference_mode():
        out = model(**tokenizer("NSO said it sells only to governments.", return_tensors="pt"))
    assert out.logits.shape[-1] == 2
    assert model.config.hidden_size == 384 and model.config.num_hidden_layers == 6


def test_nli_predictor_refuses_a_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(ModelError, match="claimkit train"):
        NLIPredictor(tmp_path)
    with pytest.raises(ModelError, match="no such model directory"):
        NLIPredictor(tmp_path / "missing")


# --- prediction ----------------------------------------------------------------------------------------------


def _split_text(nlp, text: str, article_id: str = "t1"):
    return list(split_articles([Article(article_id, text)], nlp))


def test_nli_predictor_on_the_seed_article_writes_the_jsonl_format(model_dir, seed_path, nlp):
    from claimkit.annotate.load import load_articles

    items = list(split_articles(load_articles([seed_path]), nlp))
    predictor = NLIPredictor(model_dir)
    out = predictor.predict(items)
    assert [c.id for c in out[0].claims] == [c.id for c in items[0].claims]
    for claim in out[0].claims:
        label = claim.labels["attribution"]
        assert label.value in SCHEMA["attribution"].value_names
        assert 0.5 <= label.score <= 1.0
    raw = json.loads(json.dumps(to_dict(out[0]), ensure_ascii=False))
    assert raw["claims"][0]["labels"]["attribution"]["value"] in SCHEMA["attribution"].value_names
    back = from_dict(raw)
    assert [c.labels["attribution"].value for c in back.claims] == [
        c.labels["attribution"].value for c in out[0].claims
    ]
    content = out[0].attributed_content
    assert content is not None and back.attributed_content == content
    text = out[0].article.text
    for span in content:  # trimmed, in order, disjoint, inside the text and outside its metadata header
        assert 0 <= span.start < span.end <= len(text) and text[span.start] != " " and text[span.end - 1] != " "
        assert not any(span.overlaps(x) for x in out[0].article.excluded)
    assert all(a.end < b.start for a, b in itertools.pairwise(content))
    for claim in out[0].claims:  # the attribution's evidence: the claim's own words the model marks as content
        assert claim.labels["attribution"].spans == marked_in(content, claim.spans)
        assert all(
            any(s.start <= m.start and m.end <= s.end for s in claim.spans) for m in claim.labels["attribution"].spans
        )


def test_marked_in_keeps_the_claims_words_the_model_marks():
    content = (Span(0, 10), Span(20, 30))
    assert marked_in(content, (Span(5, 25),)) == (Span(5, 10), Span(20, 25))
    assert marked_in(content, (Span(10, 20),)) == ()
    assert marked_in(content, (Span(2, 4), Span(8, 22))) == (Span(2, 4), Span(8, 10), Span(20, 22))


def test_nli_int8_with_fixed_batches_is_reproducible(model_dir, nlp):
    items = _split_text(nlp, "“The plan will cut costs,” the mayor said. The council met on Tuesday.\n\n"
                        "According to officials, wages rose faster than prices. Voters will go to the polls.")  # fmt: skip
    predictor = NLIPredictor(model_dir, precision="int8", batch_size=2)
    first = predictor.probabilities(items)
    second = predictor.probabilities(items)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    encoded, _ = predictor.encode(items)
    batches = predictor.scorer.batches(encoded)
    assert batches == predictor.scorer.batches(encoded)
    lengths = [len(encoded[i].input_ids) for batch in batches for i in batch]
    assert lengths == sorted(lengths)


def test_nli_bf16_and_fp32_scores_are_close(model_dir, nlp):
    items = _split_text(nlp, "“Taxes are far too high,” Senator Lee said. The stadium holds forty thousand people.")
    fp32 = NLIPredictor(model_dir, precision="fp32").probabilities(items)[0]
    bf16 = NLIPredictor(model_dir, precision="bf16").probabilities(items)[0]
    np.testing.assert_allclose(fp32, bf16, atol=0.05)


def test_nli_auto_precision_needs_measured_agreement(model_dir, tmp_path, monkeypatch):
    import claimkit.models.nli.precision as precision_module

    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    monkeypatch.setattr(precision_module, "fast_bf16", lambda: True)
    report = {"min_agreement": 0.995, "bf16": {"agreement": 0.999}, "int8": {"agreement": 0.97}}
    (copy / "precision.json").write_text(json.dumps(report))
    assert resolve_precision("auto", copy) == "bf16"
    monkeypatch.setattr(precision_module, "fast_bf16", lambda: False)
    assert resolve_precision("auto", copy) == "fp32"  # int8 disagrees too often
    report["int8"]["agreement"] = 0.998
    (copy / "precision.json").write_text(json.dumps(report))
    assert resolve_precision("auto", copy) == "int8"
    (copy / "precision.json").unlink()
    assert resolve_precision("auto", copy) == "fp32"  # never measured: never used
    assert resolve_precision("int8", copy) == "int8"
    with pytest.raises(ModelError, match="precision"):
        resolve_precision("fp8", copy)


def test_nli_only_a_model_trained_on_content_marks_it(model_dir, nlp, tmp_path):
    import shutil

    items = _split_text(nlp, "“Taxes are far too high,” Senator Lee said. The stadium holds forty thousand people.")
    assert (
        json.loads((model_dir / "claimkit_nli.json").read_text())["marks_content"] is True
    )  # BRAT data, token loss on
    assert NLIPredictor(model_dir).predict(items)[0].attributed_content is not None
    claims_only = tmp_path / "claims-only"
    shutil.copytree(model_dir, claims_only)
    meta = json.loads((claims_only / "claimkit_nli.json").read_text())
    (claims_only / "claimkit_nli.json").write_text(json.dumps({**meta, "marks_content": False}))
    assert NLIPredictor(claims_only).predict(items)[0].attributed_content is None


def test_nli_content_spans_prefer_the_premise_that_reads_a_token_in_its_core():
    text = "Aa bb cc. Dd ee."
    tokens = [  # (start, end, in core, is content)
        (0, 2, True, True), (3, 5, True, True), (6, 8, True, False),
        (6, 8, False, True),  # context of a later premise: the core verdict above stands
        (10, 12, False, True),  # only ever seen as context: the first such verdict is used
        (10, 12, False, False),
        (13, 15, True, False),
    ]  # fmt: skip
    starts, ends, in_core, is_content = (np.array(column) for column in zip(*tokens, strict=True))
    assert content_spans(text, starts, ends, in_core, is_content) == (Span(0, 5), Span(10, 12))  # "Aa bb" bridged
    assert content_spans(text, starts, ends, in_core, is_content, excluded=(Span(0, 3),)) == (Span(3, 5), Span(10, 12))
    core_last = [*tokens[:3], (6, 8, True, True)]  # a later core verdict on the same token: the earlier one wins
    starts, ends, in_core, is_content = (np.array(column) for column in zip(*core_last, strict=True))
    assert content_spans(text, starts, ends, in_core, is_content) == (Span(0, 5),)
    empty = np.zeros(0, dtype=np.int64)
    assert content_spans(text, empty, empty, empty.astype(bool), empty.astype(bool)) == ()


def test_nli_temperature_scaling_recovers_an_overconfident_model():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 2)) * 2.0
    p = np.exp(true_logits) / np.exp(true_logits).sum(-1, keepdims=True)
    labels = (rng.random(4000) < p[:, 1]).astype(int)
    overconfident = true_logits * 3.0
    assert fit_temperature(overconfident, labels) == pytest.approx(3.0, rel=0.15)
    report = calibration_report(overconfident, labels)
    assert report["nll_after"] < report["nll_before"] and report["ece_after"] < report["ece_before"]


def test_nli_scorer_batches_are_sorted_and_deterministic(model_dir):
    from transformers import AutoModelForTokenClassification

    tokenizer = load_tokenizer(str(model_dir))
    premises = [
        "Short one.",
        "A much longer premise with many more words in it than the others.",
        "Medium length premise here.",
    ]
    spans = [[[[0, 5]]], [[[2, 10]], [[11, 20]]], [[[0, 6]]]]
    encoded = encode_windows(tokenizer, premises, spans, 64)
    model = prepare_model(AutoModelForTokenClassification.from_pretrained(model_dir), "fp32")
    scorer = ClaimScorer(model, tokenizer.pad_token_id, batch_size=2, n_labels=2)
    assert scorer.batches(encoded) == [[0, 2], [1]]
    one_by_one = ClaimScorer(model, tokenizer.pad_token_id, batch_size=1, n_labels=2).logits(encoded)
    for a, b in zip(scorer.logits(encoded), one_by_one, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)  # fp32: padding never changes a premise's scores
    assert [x.shape for x in one_by_one] == [(1, 2), (2, 2), (1, 2)]


def test_nli_encoding_trims_context_but_keeps_claim_tokens():
    tokenizer = load_tokenizer(default_base_model())
    premise = "context " * 100 + "The claim itself. " + "more " * 100
    start = premise.index("The claim")
    (enc,) = encode_windows(tokenizer, [premise], [[[[start, start + 17]]]], 32)
    assert len(enc.input_ids) == 32
    kept = tokenizer.decode([enc.input_ids[t] for t in enc.claim_tokens[0]])
    assert kept == "the claim itself."


def test_nli_encoding_labels_tokens_inside_gold_content():
    tokenizer = load_tokenizer(default_base_model())
    premise = "“Taxes will rise,” the mayor said."
    (enc,) = encode_windows(tokenizer, [premise], [[[[1, 16]]]], 64, [[[1, 16]]])
    words = tokenizer.convert_ids_to_tokens(enc.input_ids)
    inside = [w for w, y in zip(words, enc.token_labels, strict=True) if y == 1]
    assert inside == ["taxes", "will", "rise"]
    assert enc.token_labels[0] == enc.token_labels[-1] == -100
    (plain,) = encode_windows(tokenizer, [premise], [[[[1, 16]]]], 64)
    assert plain.token_labels is None


def test_nli_load_predictor_pairs_the_model_with_the_rules(model_dir, nlp):
    predictor = load_predictor(str(model_dir), nlp)
    assert isinstance(predictor, ModelWithRules)
    assert predictor.fields == frozenset(SCHEMA.names)
    assert isinstance(load_predictor("rules", nlp), RulePredictor)
    items = _split_text(nlp, "The council met on Tuesday. “The bridge is safe,” officials said.")
    (out,) = predictor.predict(items)
    for claim in out.claims:
        labels = claim.labels
        assert labels["attribution"].value in SCHEMA["attribution"].value_names
        if labels["attribution"].value == ASSERTED:
            assert labels["source"].value is None and labels["cue"].value is None
            assert "source_type" not in labels
    assert predictor.model_version.endswith("+" + RulePredictor(nlp).model_version)


def test_nli_claimkit_split_with_a_model_predictor(model_dir, tmp_path):
    from typer.testing import CliRunner

    from claimkit.cli import app

    article = tmp_path / "a.txt"
    article.write_text("The council met on Tuesday.\n\n“Taxes are far too high,” the mayor said.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["split", str(article), "--predictor", str(model_dir), "--out", str(tmp_path / "out.jsonl")]
    )
    assert result.exit_code == 0, result.output
    (line,) = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    item = from_dict(json.loads(line))
    assert all("attribution" in c.labels for c in item.claims)


def test_nli_claimkit_train_help_lists_the_options():
    from typer.testing import CliRunner

    from claimkit.cli import app

    result = CliRunner().invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    assert "--corpus-dir" in result.output and "--pull-dir" in result.output and "--base-model" in result.output
    assert "--no-learn-spans" in result.output  # true-by-default switches are --no-* flags with their own help


# --- the script, data-parallel -------------------------------------------------------------------------------


def test_nli_train_script_runs_under_accelerate_with_two_cpu_processes(corpus, tiny_base, tmp_path):
    out = tmp_path / "model"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [
        # `--multi_gpu` is accelerate's torchrun launcher; without GPUs each process trains on CPU (gloo)
        sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
        "--mixed_precision", "no", "--dynamo_backend", "no", str(REPO / "scripts" / "train_nli.py"),
        "--output_dir", str(out), "--corpus_dir", str(corpus), "--base_model", str(tiny_base), "--max_steps", "6",
        "--per_device_train_batch_size", "2", "--core_chars", "300", "--context_chars", "120", "--max_length", "160",
        "--bf16", "no", "--cache_dir", str(tmp_path / "cache"), "--compare_baselines", "false",
        "--check_precisions", "false", "--progress", "false", "--logging_steps", "2",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout[proc.stdout.index('{\n  "output_dir"') :])  # after Trainer's log lines
    assert report["output_dir"] == str(out)
    assert report["metrics"]["world_size"] == 2
    assert (out / "model.safetensors").is_file() and (out / "claimkit_nli.json").is_file()
    log = json.loads((out / "training_log.json").read_text())
    assert any("loss" in entry for entry in log)


def test_nli_span_tags_mark_sources_and_cues_on_attributed_claims(model_dir, corpus, nlp):
    """A model trained with span tags (the default on BRAT data) labels sources and cues itself: each is
    a span of the article whose text is the label's value, and only attributed claims carry one."""
    from claimkit.annotate.corpora.brat import read_brat_corpus

    predictor = NLIPredictor(model_dir, precision="fp32")
    assert {"source", "cue"} <= predictor.fields
    docs = list(read_brat_corpus(corpus, "dev"))
    items = [SplitArticle(d.article, (), (), (), ()) for d in docs]  # no claims: the head still reads
    assert [i.claims for i in predictor.predict(items)] == [(), (), ()]
    from claimkit.annotate.splitter import split_articles

    split = list(split_articles((d.article for d in docs), nlp, "clause"))
    for item in predictor.predict(split):
        for claim in item.claims:
            for tag in ("source", "cue"):
                label = claim.labels.get(tag)
                if label is None:
                    continue
                assert claim.labels["attribution"].value == ATTRIBUTED
                (span,) = label.spans
                assert item.article.text[span.start : span.end] == label.value
