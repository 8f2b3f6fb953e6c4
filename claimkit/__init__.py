"""claimkit: news articles → atomic claims with sourcing status, Label Studio round trips, NLI models.

Subpackages: ``claimkit.annotate`` (articles, claims, schema, splitter, rules, corpus readers, Label
Studio), ``claimkit.models`` (the attribution model and its evaluation) and ``claimkit.commands`` (the
``claimkit`` command). ``docs/architecture.md`` draws the packages and the one direction of imports.
"""

from pathlib import Path

__version__ = "0.1.0"

# In a source checkout annotate/, models/ and data/ sit beside this folder (the repository's layout);
# the wheel installs them inside it. Searching the checkout root too makes `claimkit.annotate` and
# `claimkit.models` import the same way in both, with no top-level `annotate` or `models` package.
_checkout = Path(__file__).resolve().parent.parent
if not (Path(__file__).resolve().parent / "annotate").is_dir() and (_checkout / "annotate" / "__init__.py").is_file():
    __path__.append(str(_checkout))
