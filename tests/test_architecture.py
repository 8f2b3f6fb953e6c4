"""The one direction of imports (docs/architecture.md): annotate → models → commands/cli → scripts.

Checked on the source, imports inside functions included, so a lazy import cannot sneak a cycle in.
"""

import ast
from pathlib import Path

from tests.paths import REPO


def _imports(folder: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        found[path.relative_to(REPO)] = names
    return found


def _offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path}: {name}"
        for path, names in _imports(folder).items()
        for name in sorted(names)
        if name.startswith(forbidden)
    ]


def test_architecture_annotate_never_imports_models_or_the_cli():
    forbidden = ("claimkit.models", "claimkit.commands", "claimkit.cli", "claimkit.backend", "models", "scripts")
    assert _offenders("annotate", forbidden) == []


def test_architecture_training_never_imports_the_evaluation():
    assert (
        _offenders("models/nli", ("claimkit.models.evaluation", "claimkit.models.predictor_spec", "claimkit.commands"))
        == []
    )


def test_architecture_models_never_import_the_cli():
    assert _offenders("models", ("claimkit.commands", "claimkit.cli", "claimkit.backend", "scripts")) == []


def test_architecture_the_backend_never_imports_the_cli():
    """The ML backend sits beside the commands: it uses annotate and models, and only commands use it."""
    assert _offenders("claimkit/backend", ("claimkit.commands", "claimkit.cli", "scripts")) == []


def test_architecture_only_the_namespace_is_imported():
    """Every first-party import goes through ``claimkit.``: a bare ``annotate``/``models`` import would
    work in a checkout and fail in the installed wheel."""
    bare = [
        f"{path}: {name}"
        for folder in ("annotate", "models", "claimkit", "scripts", "tests")
        for path, names in _imports(folder).items()
        for name in names
        if name.split(".")[0] in ("annotate", "models")
    ]
    assert bare == []
