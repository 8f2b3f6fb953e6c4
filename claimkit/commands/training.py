"""``claimkit train``: the NLI attribution model."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    """Add the model subcommands to ``claimkit``."""

    @app.command(
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
        add_help_option=False,
    )
    def train(ctx: typer.Context) -> None:
        """Train the attribution model (asserted vs attributed). Options: `claimkit train --help`.

        The flags are those of scripts/train_nli.py (one parser, from claimkit.models.train.TrainConfig), e.g.
        `claimkit train --corpus_dir ../shared/corpora/polnear --output_dir runs/nli`.
        """
        from claimkit.models.evaluation.comparison import compare_with_baselines
        from claimkit.models.nli.train import parse_args
        from claimkit.models.nli.train import train as run_training

        config = parse_args(list(ctx.args), prog="claimkit train")
        result = run_training(config, compare=compare_with_baselines)
        summary = {k: v for k, v in result.metrics.items() if not isinstance(v, dict)}
        typer.echo(json.dumps(summary, indent=2, default=float))
        typer.echo(f"model written to {result.output_dir}", err=True)
