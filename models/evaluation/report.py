"""Writing an attribution report to disk: ``report.json``, ``report.md``, PNG plots, ``predictions.jsonl``.

Everything here reads the report dict that ``models.evaluate.evaluate_attribution`` returns and
nothing else, so a report saved as JSON can be re-rendered later (``write_report(json.load(...), dir)``)
and the scoring code never imports matplotlib.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from claimkit.annotate.markdown import fmt, table
from claimkit.annotate.schema import Schema, default_schema

PLOT_DPI = 120


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "system"


def _counts_table(systems: Mapping[str, Any], key: str, names: Sequence[str]) -> list[str]:
    """Precision, recall, F1 and raw counts of ``systems[name][key]`` (a ``Counts.to_dict``), one row a system."""
    columns = ("precision", "recall", "f1", "tp", "fp", "fn")
    rows = [[n, *(systems[n][key][c] for c in columns)] for n in names]
    return table(["system", "precision", "recall", "F1", "tp", "fp", "fn"], rows)


def render_markdown(
    report: Mapping[str, Any], plots: Mapping[str, str] | None = None, schema: Schema | None = None
) -> str:
    """The report as Markdown: summary table first, then the detail a reader needs to trust it."""
    schema = schema or default_schema()
    asserted, attributed = schema["attribution"].negative, schema["attribution"].positive
    plots = plots or {}
    corpus, systems = report["corpus"], report["systems"]
    out = [
        f"# Attribution evaluation — {corpus['split']} split",
        "",
        f"Corpus `{corpus['path']}`, split `{corpus['split']}`: {corpus['articles']} articles, "
        f"{corpus['sentences']} sentences, "
        f"{corpus['claims']} claims ({fmt(corpus['claims_per_sentence'], 2)} per sentence); gold {attributed} share "
        f"{fmt(corpus['gold_attributed_share'])}. Primary metric: `{report['primary_metric']}` (higher is better).",
        "",
        "## Summary",
        "",
    ]
    rows = []
    for entry in report["ranking"]:
        s = systems[entry["system"]]
        source = s["spans"].get("source", {})
        rows.append(
            [
                entry["system"],
                s["kind"],
                s["claim"]["macro_f1"],
                s["claim"][attributed]["f1"],
                s["claim"][asserted]["f1"],
                s["char"]["f1"],
                s["content_char"]["f1"],
                source.get("exact", {}).get("f1"),
                source.get("overlap", {}).get("f1"),
                s["pr_curve"]["average_precision"],
            ]
        )
    out += table(
        [
            "system",
            "kind",
            "claim macro-F1",
            f"F1 {attributed}",
            f"F1 {asserted}",
            "char F1",
            "content char F1",
            "source F1 exact",
            "source F1 overlap",
            "AP",
        ],
        rows,
    )
    out += ["", "`–`: not applicable (the system predicts no source spans, or the slice is empty).", ""]

    out += ["## Claim level", ""]
    rows = []
    for name, s in systems.items():
        c = s["claim"]
        rows.append(
            [
                name,
                c[attributed]["precision"],
                c[attributed]["recall"],
                c[attributed]["f1"],
                c[asserted]["precision"],
                c[asserted]["recall"],
                c[asserted]["f1"],
                c["accuracy"],
            ]
        )
    out += table(
        [
            "system",
            f"P {attributed}",
            f"R {attributed}",
            f"F1 {attributed}",
            f"P {asserted}",
            f"R {asserted}",
            f"F1 {asserted}",
            "accuracy",
        ],
        rows,
    )
    out += ["", "## Character level (non-space characters, gold = Content)", ""]
    out += _counts_table(systems, "char", list(systems))
    marking = [n for n, s in systems.items() if s["content_char"]["source"] == "attributed_content"]
    if marking:
        out += [
            "",
            "Content marked character by character (`attributed_content`, independent of claim boundaries; "
            "systems that mark none are scored on their claims, as above):",
            "",
        ]
        out += _counts_table(systems, "content_char", marking)
    out += [
        "",
        f"Oracle (every claim given its gold value): char F1 {fmt(corpus['oracle_char_f1'])} — "
        "the ceiling the splitter's "
        f"claim boundaries leave. Claims cover {fmt(corpus['coverage']['text'])} of the text and "
        f"{fmt(corpus['coverage']['gold_content'])} of the gold Content characters.",
        "",
        "## Source and cue spans",
        "",
    ]
    rows = []
    for name, s in systems.items():
        for f, modes in s["spans"].items():
            for mode, v in modes.items():
                rows.append([name, f, mode, v["precision"], v["recall"], v["f1"], v["tp"], v["fp"], v["fn"]])
    if rows:
        out += table(["system", "field", "match", "precision", "recall", "F1", "tp", "fp", "fn"], rows)
    else:
        out += ["No system predicts source or cue spans."]
    gold_counts = ", ".join(f"{n} {f}" for f, n in corpus["gold_entities"].items())
    out += ["", f"Gold: {gold_counts} spans (distinct per article)."]
    agreement = report.get("span_agreement")
    if agreement:
        figures = "; ".join(
            f"{f} exact {fmt(agreement[f]['exact'])}, overlap {fmt(agreement[f]['overlap'])}"
            for f in ("source", "cue")
            if f in agreement
        )
        out += [
            "",
            f"PolNeAR's annotators agree with each other at: {figures} (pairwise F1, same matching; "
            f"`{agreement['split']}`, {agreement['articles']} articles, {agreement['pairs']} annotator pairs).",
        ]
    out += ["", "## Slices (claim macro-F1)", ""]
    slice_names = list(corpus["slices"])
    out += table(
        ["system", *slice_names],
        [[n, *(s["slices"][k]["macro_f1"] for k in slice_names)] for n, s in systems.items()],
    )
    first = next(iter(systems.values()), None)
    if first is not None:
        out += [
            "",
            "Claims per slice: "
            + ", ".join(
                f"{k} {first['slices'][k]['claims']} "
                f"(gold {attributed} {fmt(first['slices'][k]['gold_attributed_share'])})"
                for k in slice_names
            )
            + ".",
        ]
    out += ["", "## By publisher (claim macro-F1 / char F1)", ""]
    publishers = list(corpus["publishers"])
    out += table(
        ["publisher", "articles", "claims", f"gold {attributed}", *systems],
        [
            [
                p,
                corpus["publishers"][p],
                first["by_publisher"][p]["claims"] if first else None,
                first["by_publisher"][p]["gold_attributed_share"] if first else None,
                *(
                    f"{fmt(s['by_publisher'][p]['macro_f1'])} / {fmt(s['by_publisher'][p]['char_f1'])}"
                    for s in systems.values()
                ),
            ]
            for p in publishers
        ],
    )
    if plots:
        out += ["", "## Plots", ""] + [f"- [{label}]({path})" for label, path in plots.items()]
    train = report.get("train")
    out += ["", "## Run", ""]
    if train:
        out += [
            f"Baselines trained on `{train['split']}`: {train['articles']} articles, {train['claims']} claims, "
            f"gold {attributed} "
            f"share {fmt(train['gold_attributed_share'])} (claims cache {'hit' if train['cache_hit'] else 'miss'}).",
            "",
        ]
    env, timing = report["environment"], report["timing"]
    out += [
        f"- Machine: {env['cpu']} ({env['cpu_count']} CPUs), {env['platform']}, Python {env['python']}",
        f"- spaCy pipeline: {env['spacy_pipeline']}; packages: "
        + ", ".join(f"{k} {v}" for k, v in env["packages"].items()),
        f"- Splitter fingerprint `{report['config']['splitter_fingerprint']}`, "
        f"granularity `{report['config']['granularity']}`, "
        f"limit {report['config']['limit']}, train limit {report['config']['train_limit']}",
        f"- Time: total {fmt(timing['total_seconds'], 1)} s; "
        f"parse + split {fmt(timing['split_seconds'], 1)} s; labelling "
        + "; ".join(f"{n} {fmt(s['predict_seconds'], 2)} s" for n, s in systems.items())
        + " (rule predictors reuse the splitter's parse, so their time excludes it)",
        f"- Created {report['created']}",
        "",
        "## Reference figures (context, not targets)",
        "",
    ]
    out += _reference_lines(report["reference"])
    return "\n".join(out)


def _reference_lines(reference: Mapping[str, Any]) -> list[str]:
    """The reference figures as a short list (nested dicts flattened to ``a / b: value``)."""
    lines = [str(reference.get("note", "")), ""]

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix} / {k}" if prefix else str(k), v)
        elif isinstance(value, list | tuple):
            lines.append(f"- {prefix}: " + "–".join(fmt(v) for v in value))
        else:
            lines.append(f"- {prefix}: {fmt(value)}")

    walk("", {k: v for k, v in reference.items() if k != "note"})
    return [*lines, ""]


def _plot_confusion(system: str, confusion: Mapping[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt

    labels, matrix = confusion["labels"], confusion["matrix"]
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    ax.imshow(matrix, cmap="Blues")
    peak = max((v for row in matrix for v in row), default=0)
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > peak / 2 else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{system}: claims")
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def _plot_pr(systems: Mapping[str, Any], prevalence: float | None, attributed: str, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for name, s in systems.items():
        curve = s["pr_curve"]
        if not curve["recall"]:
            continue
        # a system with few distinct scores gives few points: draw them as steps with markers
        ax.step(
            curve["recall"],
            curve["precision"],
            where="post",
            marker="." if len(curve["recall"]) < 10 else None,
            label=f"{name} (AP {fmt(curve['average_precision'])})",
        )
    if prevalence is not None:
        ax.axhline(prevalence, color="grey", linestyle=":", linewidth=1, label=f"prevalence {prevalence:.2f}")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"recall ({attributed})")
    ax.set_ylabel(f"precision ({attributed})")
    ax.set_title("Precision–recall, claim level")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def _plot_publishers(systems: Mapping[str, Any], publishers: Sequence[str], path: Path) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(systems)
    x = np.arange(len(publishers))
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(publishers)), 4.0))
    for k, name in enumerate(names):
        values = [systems[name]["by_publisher"][p]["macro_f1"] or 0.0 for p in publishers]
        ax.bar(x + (k - (len(names) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x, publishers, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("claim macro-F1")
    ax.set_title("By publisher")
    ax.legend(fontsize=8, ncols=min(len(names), 4))
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def write_plots(report: Mapping[str, Any], out_dir: Path, schema: Schema | None = None) -> dict[str, str]:
    """PNG plots next to the report; returns {description: file name} (relative, for report.md links)."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    schema = schema or default_schema()
    attributed = schema["attribution"].positive
    systems = report["systems"]
    plots: dict[str, str] = {}
    if systems:
        _plot_pr(systems, report["corpus"]["gold_attributed_share"], attributed, out_dir / "pr-curve.png")
        plots["precision–recall curves"] = "pr-curve.png"
        if report["corpus"]["publishers"]:
            _plot_publishers(systems, list(report["corpus"]["publishers"]), out_dir / "by-publisher.png")
            plots["macro-F1 by publisher"] = "by-publisher.png"
    for name, s in systems.items():
        file = f"confusion-{_slug(name)}.png"
        _plot_confusion(name, s["confusion"], out_dir / file)
        plots[f"confusion matrix: {name}"] = file
    return plots


def write_report(report: Mapping[str, Any], out_dir: str | Path, *, plots: bool = True) -> dict[str, str]:
    """Write ``report.json`` (without per-claim rows), ``report.md``, the plots and, when the report holds
    them, ``predictions.jsonl``. Returns {kind: path} of everything written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    body = {k: v for k, v in report.items() if k != "predictions"}
    (out / "report.json").write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written["json"] = str(out / "report.json")
    if report.get("predictions") is not None:
        with (out / "predictions.jsonl").open("w", encoding="utf-8") as fh:
            for row in report["predictions"]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        written["predictions"] = str(out / "predictions.jsonl")
    plot_files = write_plots(body, out) if plots else {}
    written.update({f"plot:{label}": str(out / file) for label, file in plot_files.items()})
    (out / "report.md").write_text(render_markdown(body, plot_files), encoding="utf-8")
    written["markdown"] = str(out / "report.md")
    return written
