"""``claimkit train``: the NLI attribution model.

The options are generated from ``TrainConfig`` (its fields, defaults and help), so ``claimkit train``
and ``scripts/train_nli.py`` can never drift apart, while ``claimkit train`` looks like every other
claimkit command: kebab-case flags, typer's help, ``--no-*`` switches with their own help. A saved
``train_config.json`` repeats a run (``--config``); options given beside it override its values.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from pathlib import Path
from typing import Annotated, Any

import typer

from claimkit.commands import options
from claimkit.models.nli.train import TrainConfig

_METAVARS = {
    "articles_path": "FILE|DIR",
    "claims_path": "FILE",
    "base_model": "DIR|NAME",
    "spacy_model": "NAME|DIR",
    "granularity": "clause|proposition",
    "bf16": "auto|yes|no",
    "corpus_split": "NAME",
    "eval_split": "NAME",
    "project": "NAME",
    "ties": "drop|latest",
}


_NO_HELP = {
    "freeze_word_embeddings": "Train the input word embeddings too (slower; by default they stay fixed).",
    "class_weights": "Plain, unweighted loss (by default it is weighted by inverse class frequency).",
    "calibrate": "Skip fitting the softmax temperature (no calibration.json; scores stay uncalibrated).",
    "check_precisions": "Skip measuring bf16 and int8 agreement with fp32 (no precision.json).",
    "compare_baselines": "Skip scoring the model beside the rules and TF-IDF + LR after training.",
    "learn_spans": "Learn the claim labels only, not the Source and Cue words per token.",
    "progress": "Hide the progress bars.",
}
"""Help of each ``--no-*`` switch: what turning the default off does (TrainConfig's help says what it does on)."""


def _metavar(name: str, kind: Any) -> str:
    if name in _METAVARS:
        return _METAVARS[name]
    if name.endswith("_dir"):
        return "DIR"
    base = next((t for t in typing.get_args(kind) if t is not type(None)), kind)
    return {int: "N", float: "NUM"}.get(base, "TEXT")


def _options() -> list[tuple[str, str, inspect.Parameter]]:
    """(field name, parameter name, typer parameter) for every ``TrainConfig`` field.

    A boolean field that defaults to true becomes a ``--no-<name>`` switch (parameter ``no_<name>``)
    with its own help (``_NO_HELP``); every other field becomes ``--<kebab-name>``.
    """
    hints = typing.get_type_hints(TrainConfig)
    out = []
    for f in dataclasses.fields(TrainConfig):
        kind = hints[f.name]
        flag = f.name.replace("_", "-")
        required = f.default is dataclasses.MISSING
        if kind is bool and f.default is True:
            option = typer.Option(f"--no-{flag}", help=_NO_HELP.get(f.name, f"Turn off: {f.metadata['help']}"))
            out.append((f.name, f"no_{f.name}", _param(f"no_{f.name}", bool, option, False)))
            continue
        if kind is bool:
            option = typer.Option(f"--{flag}", help=f.metadata.get("help", ""))
            out.append((f.name, f.name, _param(f.name, bool, option, False)))
            continue
        option = typer.Option(
            f"--{flag}",
            metavar=_metavar(f.name, kind),
            help=f.metadata.get("help", ""),
            show_default=not required and f.default is not None,
        )
        # A required field is required unless --config gives it: typer sees it as optional, train() checks.
        default = None if required else f.default
        out.append((f.name, f.name, _param(f.name, kind | None if required else kind, option, default)))
    return out


def _param(name: str, kind: Any, option: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[kind, option], default=default)


_OPTIONS = _options()

ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="A saved train_config.json: repeat that run (options given beside it override its values).",
        show_default=False,
    ),
]


def train(
    ctx: typer.Context,
    config: ConfigFile = None,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    **values: Any,
) -> None:
    """Train the attribution model (asserted vs attributed claims); writes the model, its card and metrics.

    For example: claimkit train --corpus-dir polnear --output-dir runs/nli; on a Label Studio project's annotations
    (pulled first into OUTPUT_DIR/pull): claimkit train --project NAME --output-dir runs/nli-project, optionally
    with --corpus-dir polnear beside it. Repeat a run with --config runs/nli/train_config.json.
    """
    from claimkit.models.evaluation.comparison import compare_with_baselines
    from claimkit.models.nli.train import TrainingError
    from claimkit.models.nli.train import train as run_training

    chosen: dict[str, Any] = {}
    if config is not None:
        try:
            chosen = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise TrainingError(f"--config {config}: cannot read ({exc.__class__.__name__})") from None
        except json.JSONDecodeError as exc:
            raise TrainingError(
                f"--config {config}: not valid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})"
            ) from None
        if not isinstance(chosen, dict):
            raise TrainingError(f"--config {config}: expected a JSON object (a saved train_config.json)")
        unknown = sorted(set(chosen) - {f.name for f in dataclasses.fields(TrainConfig)})
        if unknown:
            raise TrainingError(f"--config {config}: unknown keys {', '.join(unknown)}")
    for field_name, param, _ in _OPTIONS:
        source = ctx.get_parameter_source(param)  # typer's own click: compare the source by name
        if config is None or getattr(source, "name", "DEFAULT") not in ("DEFAULT", "DEFAULT_MAP"):
            value = values[param]
            chosen[field_name] = (not value) if param != field_name else value
    if not chosen.get("output_dir"):
        raise TrainingError("--output-dir is required: the folder the model is written to")
    try:
        run_config = TrainConfig(**chosen)
    except (TypeError, ValueError) as exc:
        raise TrainingError(str(exc)) from None
    if run_config.project:
        connection = options.connection(url, None, api_key_file)
        typer.echo(f"claimkit: pulling project {run_config.project!r} first", err=True)
        result = run_training(run_config, compare=compare_with_baselines, connection=connection)
    else:
        result = run_training(run_config, compare=compare_with_baselines)
    summary = {k: v for k, v in result.metrics.items() if not isinstance(v, dict)}
    typer.echo(json.dumps(summary, indent=2, default=float))
    typer.echo(f"model written to {result.output_dir}", err=True)


# typer reads a command's parameters from its signature: ``ctx``, ``--config``, then one per TrainConfig field.
_fixed = [
    inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
    inspect.Parameter("config", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ConfigFile, default=None),
    inspect.Parameter("url", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=options.Url, default=None),
    inspect.Parameter(
        "api_key_file", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=options.ApiKeyFile, default=None
    ),
]
train.__signature__ = inspect.Signature([*_fixed, *(p for *_, p in _OPTIONS)])  # type: ignore[attr-defined]
train.__annotations__ = {p.name: p.annotation for p in train.__signature__.parameters.values()}  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    """Add the model subcommands to ``claimkit``."""
    app.command("train")(train)
