"""Writing an agreement report to disk: ``agreement.json``, ``agreement.md``, ``agreement.html``, heatmap PNGs.

Everything here reads the dict that ``annotate.agreement.agreement_report`` returns and nothing else,
so a saved ``agreement.json`` can be re-rendered later, and the scoring never imports matplotlib.
The HTML page embeds its heatmaps (base64) so it can be mailed or attached as one file.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimkit.annotate.markdown import table

PLOT_DPI = 110


@dataclass(frozen=True)
class AgreementFiles:
    """Where ``write_agreement`` put things."""

    json: Path
    markdown: Path
    html: Path
    plots: dict[str, Path]


def _interval(ci: Sequence[float | None]) -> str:
    return "–" if ci[0] is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _reading(alpha: float | None) -> str:
    """Krippendorff's own thresholds, in words."""
    if alpha is None:
        return "undefined (no variation)"
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"


def render_markdown(report: Mapping[str, Any], plots: Mapping[str, str] | None = None) -> str:
    """The report as Markdown: the per-field summary first, then the detail a reader needs to trust it."""
    plots = plots or {}
    confidence = report["options"]["confidence"]
    out = [
        "# Annotator agreement",
        "",
        f"{report['annotations']} annotations of {report['claims']} claims by {len(report['annotators'])} annotators "
        f"({report['claims_with_2plus']} claims with two or more annotators); source: `{report['source'] or '-'}`.",
        "",
        "## Choice fields",
        "",
        f"Krippendorff's alpha (nominal) with a {confidence:.0%} bootstrap interval over claims "
        f"({report['options']['bootstrap']} resamples, seed {report['options']['seed']}); mean pairwise Cohen's "
        "kappa, raw agreement and macro-F1. Alpha >= 0.8: reliable; >= 0.667: tentative conclusions only.",
        "",
    ]
    rows = [
        [name, f["alpha"], _interval(f["alpha_ci"]), _reading(f["alpha"]), f["kappa_mean"], f["agreement_mean"],
         f["macro_f1_mean"], f["answers"], f["claims_pairable"]]
        for name, f in report["fields"].items()
    ]  # fmt: skip
    out += table(
        ["field", "alpha", "CI", "reading", "kappa (mean)", "agreement", "macro-F1", "answers", "pairable claims"], rows
    )
    out += ["", "## Spans", "", "Pairwise F1 between annotators, pooled over the claims both annotated.", ""]
    out += table(
        ["field", "exact F1", "overlap F1", "spans"],
        [[name, s["exact_f1"], s["overlap_f1"], s["spans"]] for name, s in report["spans"].items()],
    )
    out += ["", "## Annotators", ""]
    out += table(
        ["annotator", "annotations", "claims", "median lead time (s)", "mean lead time (s)", "hours"],
        [[a["annotator"], a["annotations"], a["claims"], a["lead_time_median_s"], a["lead_time_mean_s"], a["hours"]]
         for a in report["annotators"]],
    )  # fmt: skip
    for name, f in report["fields"].items():
        pw = f["pairwise"]
        if not _has_kappa(pw):
            continue
        out += ["", f"## Cohen's kappa: {name}", ""]
        if name in plots:
            out += [f"![kappa {name}]({plots[name]})", ""]
        out += table(["", *pw["annotators"]], [[a, *row] for a, row in zip(pw["annotators"], pw["kappa"], strict=True)])
    out += ["", "## Claims with the most disagreement", ""]
    if report["most_disagreement"]:
        rows = []
        for c in report["most_disagreement"]:
            answers = "; ".join(
                f"{who}: " + ", ".join(f"{k}={v}" for k, v in sorted(a.items()))
                for who, a in sorted(c["answers"].items())
            )
            rows.append([c["claim_id"], c["disagreement"], (c["claim_text"] or "")[:120], answers])
        out += table(["claim", "disagreement", "text", "answers"], rows)
    else:
        out += ["No claim has disagreeing answers."]
    out.append("")
    return "\n".join(out)


def _has_kappa(pw: Mapping[str, Any]) -> bool:
    """Whether any pair of annotators has a defined kappa (else the matrix says nothing worth a plot)."""
    return any(p["kappa"] is not None for p in pw["pairs"])


def _plot_kappa(name: str, pw: Mapping[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = pw["annotators"]
    matrix = np.array([[np.nan if v is None else v for v in row] for row in pw["kappa"]], dtype=float)
    size = max(3.5, 0.55 * len(names) + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    im = ax.imshow(matrix, vmin=-0.2, vmax=1.0, cmap="viridis")
    short = [n.split("@")[0][:14] for n in names]
    ax.set_xticks(range(len(names)), short, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), short, fontsize=8)
    if len(names) <= 12:
        for i in range(len(names)):
            for j in range(len(names)):
                if not np.isnan(matrix[i, j]):
                    ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=7, color="w")
    ax.set_title(f"Cohen's kappa: {name}")
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=PLOT_DPI)
    plt.close(fig)


def write_plots(report: Mapping[str, Any], out_dir: Path) -> dict[str, str]:
    """One kappa heatmap per field with a defined kappa; field → file name (relative to ``out_dir``)."""
    plots: dict[str, str] = {}
    for name, f in report["fields"].items():
        if _has_kappa(f["pairwise"]):
            file = f"kappa_{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.png"
            _plot_kappa(name, f["pairwise"], out_dir / file)
            plots[name] = file
    return plots


def render_html(markdown: str, out_dir: Path, plots: Mapping[str, str]) -> str:
    """A self-contained HTML page of the Markdown report: tables as tables, heatmaps embedded."""
    body: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", lines[i].strip())[1:-1]])
                i += 1
            header, data = rows[0], rows[2:]
            body.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in header) + "</tr>")
            body += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in data]
            body.append("</table>")
            continue
        if line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif m := re.fullmatch(r"!\[(.*)\]\((.*)\)", line):
            png = base64.b64encode((out_dir / m.group(2)).read_bytes()).decode("ascii")
            body.append(f'<img alt="{html.escape(m.group(1))}" src="data:image/png;base64,{png}">')
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
        i += 1
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f4f6}"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Annotator agreement</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_agreement(report: Mapping[str, Any], out_dir: str | Path, *, plots: bool = True) -> AgreementFiles:
    """Write ``agreement.json``, ``agreement.md``, ``agreement.html`` and the kappa heatmaps under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made = write_plots(report, out) if plots else {}
    markdown = render_markdown(report, made)
    files = AgreementFiles(out / "agreement.json", out / "agreement.md", out / "agreement.html",
                           {k: out / v for k, v in made.items()})  # fmt: skip
    files.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files.markdown.write_text(markdown, encoding="utf-8")
    files.html.write_text(render_html(markdown, out, made), encoding="utf-8")
    return files
