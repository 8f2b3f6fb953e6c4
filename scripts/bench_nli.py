"""Benchmark a trained attribution model on a PolNeAR-layout corpus: quality beside the baselines, and speed.

    python scripts/bench_nli.py --model runs/nli --corpus ../shared/corpora/polnear --out runs/bench_nli.json

Prints one JSON object (also written to ``--out``):

- ``quality``: ``models.evaluate.evaluate_attribution`` on ``--split`` with the model at each precision,
  the rules, and the majority / TF-IDF + LR baselines, all in this process on the same claims:
  claim macro-F1 and content char-F1 (``--report-dir`` also writes the full Markdown/JSON/PNG report);
- ``speed``: claims per second on the split's claims, model-only and end to end, for a *plain fp32
  pipeline* (one encoder pass per claim over its own premise, batches of 64 in document order, padded to
  the batch's longest) and for the predictor at each precision (shared premises, length-sorted
  batches). Speeds are reported as ratios to the plain pipeline measured in the same run, because the
  machine is shared: the load average before and after each measurement is recorded beside it;
- ``agreement``: each reduced precision's labels against fp32 on every claim of the split;
- ``training`` (with ``--train-speed PAIRS_DIR``, a saved ``nli-pairs-*`` folder): training claims per
  second of the recipe ``claimkit train`` uses (shared premises, bf16 autocast where the CPU has it,
  frozen word embeddings) against plain fp32 pair training (one premise per claim) from the same
  initial weights, alternating short bursts of steps so that both see the same machine load; and the
  full-training time this implies.

Performance is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimkit.annotate.corpora.brat_claims import DEFAULT_CACHE_DIR


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any, list[dict[str, Any]]]:
    """Best wall time of ``repeats`` runs (the least disturbed by other processes), with each run's load."""
    best, result, runs = float("inf"), None, []
    for _ in range(repeats):
        before = load_average()
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        runs.append({"seconds": round(seconds, 3), "load_before": before, "load_after": load_average()})
        best = min(best, seconds)
    return best, result, runs


def plain_pipeline(
    predictor: Any, items: Sequence[Any], batch_size: int = 64
) -> tuple[Callable[[], list[np.ndarray]], Callable[[], list[np.ndarray]]]:
    """The naive way to run the same fp32 model: every claim encoded on its own premise, fixed batches
    in document order, no sorting. Returns (end-to-end run, model-only run on pre-encoded inputs)."""
    import torch

    from claimkit.models.nli.data import premise_text, windows
    from claimkit.models.nli.model import EncodedWindow, WindowCollator, claim_logits, encode_windows

    model = predictor.scorer.model
    collator = WindowCollator(predictor.tokenizer.pad_token_id or 0, pad_to_multiple_of=None)

    def encode() -> list[EncodedWindow]:
        premises, spans = [], []
        for item in items:
            for window in windows(item, predictor.meta.window):
                premise = premise_text(item.article.text, window.start, window.end)
                for c in window.claims:
                    premises.append(premise)
                    spans.append([[[s.start - window.start, s.end - window.start] for s in item.claims[c].spans]])
        return encode_windows(predictor.tokenizer, premises, spans, predictor.meta.max_length)

    def run(encoded: list[EncodedWindow]) -> list[np.ndarray]:
        out = []
        with torch.inference_mode():
            for i in range(0, len(encoded), batch_size):
                batch = collator(
                    [{"input_ids": e.input_ids, "claim_tokens": e.claim_tokens} for e in encoded[i : i + batch_size]]
                )
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                out.extend(claim_logits(logits.float(), batch["claim_mask"])[:, 0].numpy())
        return out

    encoded = encode()
    return (lambda: run(encode())), (lambda: run(encoded))


def training_speed(pairs_dir: str, steps: int, rounds: int = 3) -> dict[str, Any]:
    """Claims per second trained: ``claimkit train``'s recipe against plain fp32 pair training."""
    import torch
    from datasets import load_from_disk

    from claimkit.models.nli.data import attribution_labels
    from claimkit.models.nli.model import (
        WindowCollator,
        claim_logits,
        default_base_model,
        encode_windows,
        group_windows,
        load_encoder,
        load_tokenizer,
    )
    from claimkit.models.nli.precision import fast_bf16

    pairs = load_from_disk(pairs_dir)["train"]
    groups = group_windows(pairs.select(range(min(len(pairs), 4000))))
    tokenizer = load_tokenizer(default_base_model())
    collator = WindowCollator(tokenizer.pad_token_id or 0)
    shared = encode_windows(
        tokenizer,
        [g["premise"] for g in groups],
        [g["claim_spans"] for g in groups],
        384,
        [g["content_spans"] for g in groups],
    )
    shared_labels = [g["labels"] for g in groups]
    per_claim = encode_windows(
        tokenizer,
        [g["premise"] for g in groups for _ in g["claim_spans"]],
        [[c] for g in groups for c in g["claim_spans"]],
        384,
    )
    per_claim_labels = [[y] for g in groups for y in g["labels"]]

    def trainer(
        frozen: bool, bf16: bool, encoded: list[Any], labels: list[list[int]], batch: int
    ) -> Callable[[int], tuple[int, int, float]]:
        torch.manual_seed(13)
        model = load_encoder(default_base_model(), attribution_labels())
        if frozen:
            model.get_input_embeddings().weight.requires_grad_(False)
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-5)
        position = 0

        def run(n: int) -> tuple[int, int, float]:
            nonlocal position
            claims = tokens = 0
            start = time.perf_counter()
            for _ in range(n):
                idx = [(position + i) % len(encoded) for i in range(batch)]
                position += batch
                inputs = collator(
                    [
                        {
                            "input_ids": encoded[i].input_ids,
                            "claim_tokens": encoded[i].claim_tokens,
                            "labels": labels[i],
                        }
                        for i in idx
                    ]
                )
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    out = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]).logits
                logits = claim_logits(out.float(), inputs["claim_mask"])
                loss = torch.nn.functional.cross_entropy(
                    logits.flatten(0, 1), inputs["labels"].flatten(), ignore_index=-100
                )
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
                claims += int((inputs["labels"] != -100).sum())
                tokens += int(inputs["attention_mask"].sum())
            return claims, tokens, time.perf_counter() - start

        run(2)  # warm-up
        return run

    systems = {
        "plain_fp32_pairs": trainer(False, False, per_claim, per_claim_labels, 32),
        "claimkit_train": trainer(True, fast_bf16(), shared, shared_labels, 8),
    }
    totals = {name: [0, 0, 0.0] for name in systems}
    loads = []
    for _ in range(rounds):
        for name, run in systems.items():
            loads.append(load_average())
            claims, tokens, seconds = run(steps)
            totals[name] = [totals[name][0] + claims, totals[name][1] + tokens, totals[name][2] + seconds]
    out: dict[str, Any] = {"load_averages": loads, "bf16": fast_bf16(), "train_claims": len(pairs)}
    for name, (claims, tokens, seconds) in totals.items():
        out[name] = {
            "claims_per_s": round(claims / seconds, 1),
            "tokens_per_s": round(tokens / seconds, 1),
            "seconds": round(seconds, 1),
        }
    ratio = out["claimkit_train"]["claims_per_s"] / out["plain_fp32_pairs"]["claims_per_s"]
    out["ratio_to_plain"] = round(ratio, 2)
    out["minutes_per_epoch_at_this_speed"] = round(len(pairs) / out["claimkit_train"]["claims_per_s"] / 60, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="A model directory from `claimkit train`.")
    parser.add_argument("--corpus", required=True, help="PolNeAR-layout corpus directory.")
    parser.add_argument("--split", default="dev", help="Corpus split to score and time (default: dev).")
    parser.add_argument("--precisions", default="fp32,bf16,int8", help="Comma-separated precisions to score and time.")
    parser.add_argument("--batch-size", type=int, default=16, help="Premises per batch for the predictor.")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice).")
    parser.add_argument("--repeats", type=int, default=3, help="Timing repeats; the best is reported.")
    parser.add_argument("--limit", type=int, default=None, help="Score at most this many articles.")
    parser.add_argument(
        "--speed-limit", type=int, default=40, help="Time on at most this many articles (evenly spread; 0: all)."
    )
    parser.add_argument("--no-quality", action="store_true", help="Skip the quality comparison.")
    parser.add_argument(
        "--no-inference", action="store_true", help="Skip the inference speed and agreement measurements."
    )
    parser.add_argument("--report-dir", default=None, help="Also write the evaluation report (Markdown/JSON/PNG) here.")
    parser.add_argument(
        "--cache-dir", default=str(DEFAULT_CACHE_DIR), help="Split-claims cache shared with `claimkit eval`."
    )
    parser.add_argument(
        "--train-speed", default=None, metavar="PAIRS_DIR", help="Also measure training speed on these saved pairs."
    )
    parser.add_argument("--train-steps", type=int, default=10, help="Training steps per burst (3 bursts per system).")
    parser.add_argument("--out", default=None, help="Write the JSON here too.")
    args = parser.parse_args(argv)

    import torch

    from claimkit.annotate.corpora.brat_claims import load_split_articles, read_documents
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.sourcing import RulePredictor
    from claimkit.models.nli.predictor import NLIPredictor

    if args.threads:
        torch.set_num_threads(args.threads)
    precisions = [p for p in args.precisions.split(",") if p]
    started = time.perf_counter()
    result: dict[str, Any] = {
        "model": args.model,
        "split": args.split,
        "machine": {
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "platform": platform.platform(),
            "load_average_start": load_average(),
        },
    }
    nlp = load_nlp()
    predictors = {p: NLIPredictor(args.model, precision=p, batch_size=args.batch_size) for p in precisions}
    result["model_version"] = predictors[precisions[0]].meta.model_version
    result["auto_precision"] = NLIPredictor(args.model).precision

    # Quality: every system on the same claims, in one run.
    if not args.no_quality:
        from claimkit.models.evaluation.attribution import evaluate_attribution

        named = {f"nli_{p}": pred for p, pred in predictors.items()}
        report = evaluate_attribution(
            args.corpus,
            args.split,
            {**named, "rules": RulePredictor(nlp)},
            nlp,
            limit=args.limit,
            cache_dir=args.cache_dir,
            progress=True,
        )
        if args.report_dir:
            from claimkit.models.evaluation.report import write_report

            write_report(report, Path(args.report_dir))
        result["quality"] = {
            "claims": report["corpus"]["claims"],
            "systems": {
                name: {
                    "claim_macro_f1": s["claim_macro_f1"],
                    "char_f1": s["char_f1"],
                    "content_char_f1": s["content_char_f1"],
                    "predict_seconds": s.get("predict_seconds"),
                    **({"slices": {k: v["macro_f1"] for k, v in s["slices"].items()}} if "slices" in s else {}),
                }
                for name, s in report["systems"].items()
            },
        }

    # Speed: the split's claims, plain fp32 pipeline first, then the predictor at each precision.
    if not args.no_inference:
        docs = read_documents(args.corpus, args.split, args.speed_limit or None)
        items, _ = load_split_articles(
            docs, args.split, nlp, cache_dir=Path(args.cache_dir) if args.cache_dir else None
        )
        claims = sum(len(i.claims) for i in items)
        fp32 = predictors.get("fp32") or NLIPredictor(args.model, precision="fp32", batch_size=args.batch_size)
        plain_e2e, plain_model = plain_pipeline(fp32, items)
        plain_model()  # warm-up
        speed: dict[str, Any] = {"claims": claims, "articles": len(items)}
        seconds, _, runs = timed(plain_model, max(1, args.repeats - 1))
        speed["plain_fp32"] = {"model_claims_per_s": round(claims / seconds, 1), "model_runs": runs}
        seconds, _, runs = timed(plain_e2e, 1)
        speed["plain_fp32"].update({"end_to_end_claims_per_s": round(claims / seconds, 1), "end_to_end_runs": runs})
        base_model, base_e2e = speed["plain_fp32"]["model_claims_per_s"], speed["plain_fp32"]["end_to_end_claims_per_s"]
        labels: dict[str, np.ndarray] = {}
        for p, predictor in predictors.items():
            encoded, _ = predictor.encode(items)
            predictor.scorer.logits(encoded[:64])  # warm-up
            seconds, logits, runs = timed(lambda: predictor.scorer.logits(encoded), args.repeats)  # noqa: B023
            e2e_seconds, probs, e2e_runs = timed(lambda: predictor.probabilities(items), args.repeats)  # noqa: B023
            labels[p] = np.concatenate([x.argmax(-1) for x in probs])
            speed[p] = {
                "model_claims_per_s": round(claims / seconds, 1),
                "model_ratio_to_plain_fp32": round(claims / seconds / base_model, 2),
                "end_to_end_claims_per_s": round(claims / e2e_seconds, 1),
                "end_to_end_ratio_to_plain_fp32": round(claims / e2e_seconds / base_e2e, 2),
                "premises": len(encoded),
                "tokens": sum(len(e.input_ids) for e in encoded),
                "model_runs": runs,
                "end_to_end_runs": e2e_runs,
            }
        result["speed"] = speed
        if "fp32" in labels:
            result["agreement_with_fp32"] = {
                p: {
                    "agreement": round(float((labels[p] == labels["fp32"]).mean()), 5),
                    "flips": int((labels[p] != labels["fp32"]).sum()),
                }
                for p in labels
                if p != "fp32"
            }
    if args.train_speed:
        result["training"] = training_speed(args.train_speed, args.train_steps)
    result["machine"]["load_average_end"] = load_average()
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
