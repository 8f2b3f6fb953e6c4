"""``claimkit agreement`` and ``claimkit adjudicate``: annotating as a team.

``agreement`` measures how far several annotators agree (``annotate.agreement``), from a project or a
folder ``claimkit pull`` wrote; ``adjudicate`` turns several annotations per claim into gold
(``annotate.adjudication``), sending ties and low-agreement claims to a review project in Label Studio.
Results go to stdout, progress and notes to stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claimkit.commands import options

if TYPE_CHECKING:
    import pandas as pd

    from claimkit.annotate.schema import Schema

ProjectOption = Annotated[
    str | None,
    typer.Option("--project", "-p", metavar="NAME", help="Label Studio project to pull.", show_default=False),
]
PullDir = Annotated[
    Path | None,
    typer.Option("--pull-dir", metavar="DIR", help="A folder `claimkit pull --out` wrote.", show_default=False),
]


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _annotations(
    project: str | None, pull_dir: Path | None, url: str | None, api_key: str | None, api_key_file: Path | None
) -> tuple[pd.DataFrame, Schema, str]:
    """The pulled annotations: from a fresh pull of ``project`` or from ``pull_dir``; exactly one of them."""
    from claimkit.annotate.errors import InputError
    from claimkit.annotate.schema import default_schema

    if (project is None) == (pull_dir is None):
        raise InputError("give either --project NAME (pull it now) or --pull-dir DIR (a folder `claimkit pull` wrote)")
    schema = default_schema()
    if pull_dir is not None:
        from claimkit.annotate.agreement import load_pull_dir

        return load_pull_dir(pull_dir), schema, str(pull_dir)
    from claimkit.annotate.annotations import to_dataframe
    from claimkit.annotate.studio.pull import pull

    assert project is not None
    result = pull(options.connection(url, api_key, api_key_file), project, schema)
    return to_dataframe(result, schema), schema, project


def agreement(
    project: ProjectOption = None,
    pull_dir: PullDir = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Folder for agreement.json/.md/.html and the heatmaps."),
    ] = Path("runs/agreement"),
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", metavar="N", min=0, help="Bootstrap resamples of claims for alpha's interval.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the bootstrap.")] = 13,
    top: Annotated[int, typer.Option("--top", metavar="N", min=0, help="Disagreeing claims to list.")] = 20,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
) -> None:
    """Inter-annotator agreement: Krippendorff's alpha, Cohen's kappa, span F1, annotator speed (JSON to stdout)."""
    from claimkit.annotate.agreement import AgreementOptions, agreement_report
    from claimkit.annotate.agreement_report import write_agreement

    df, schema, source = _annotations(project, pull_dir, url, api_key, api_key_file)
    report = agreement_report(df, schema, AgreementOptions(bootstrap=bootstrap, seed=seed, top=top), source=source)
    files = write_agreement(report, out)
    for name, f in report["fields"].items():
        alpha = "undefined" if f["alpha"] is None else f"{f['alpha']:.3f}"
        low, high = f["alpha_ci"]
        ci = "" if low is None else f" [{low:.3f}, {high:.3f}]"
        _say(f"claimkit: {name}: alpha {alpha}{ci} over {f['claims_pairable']} claims with 2+ answers")
    _say(f"claimkit: report in {files.html} (and {files.markdown.name}, {files.json.name})")
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))


def adjudicate(
    project: Annotated[
        str,
        typer.Option("--project", "-p", metavar="NAME", help="Label Studio project with several annotators per claim."),
    ],
    min_share: Annotated[
        float,
        typer.Option(
            "--min-share",
            metavar="SHARE",
            min=0.0,
            max=0.99,
            help="A majority needs more than this share of a claim's answers; below it the claim goes to review.",
        ),
    ] = 0.5,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Also write gold.parquet and gold.csv (one row per claim).",
            show_default=False,
        ),
    ] = None,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
) -> None:
    """Turn several annotations per claim into gold: unanimous and majority claims directly, ties and low
    agreement to a review project in Label Studio. Run again after adjudicating to read the picks back."""
    from claimkit.annotate.adjudication import AdjudicationOptions
    from claimkit.annotate.annotations import check_out_dir
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.review import adjudicate as run_adjudication

    if out is not None:
        check_out_dir(out)
    conn = options.connection(url, api_key, api_key_file)
    done = run_adjudication(conn, connect(conn), project, default_schema(), AdjudicationOptions(min_share=min_share))
    summary = {
        "project": project,
        "claims": len(done.gold),
        "rules": done.rules,
        "review_project_id": done.review_project_id,
        "review_url": done.review_url,
        "sent_to_review": done.sent,
        "already_in_review": done.already_in_review,
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        done.gold.to_parquet(out / "gold.parquet", index=False)
        done.gold.to_csv(out / "gold.csv", index=False)
        summary["out"] = str(out)
    _say("claimkit: " + ", ".join(f"{k} {v}" for k, v in done.rules.items()) + f" of {len(done.gold)} claims")
    if done.review_url:
        _say(f"claimkit: {done.sent} claims sent to review ({done.already_in_review} already there): {done.review_url}")
        if done.rules["pending"]:
            _say(
                "claimkit: after the adjudicator has picked, run this again (or `claimkit pull`) to read the picks back"
            )
    typer.echo(json.dumps(summary, indent=2))


def register(app: typer.Typer) -> None:
    """Add the team commands to ``claimkit``."""
    app.command("agreement")(agreement)
    app.command("adjudicate")(adjudicate)
