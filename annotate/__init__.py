"""claimkit's annotation layer: articles, claims, the label schema, rules and Label Studio.

Import what you need from the submodules (``annotate.schema``, ``annotate.split`` ...); this package
does not import spaCy or the Label Studio SDK at import time so that ``import claimkit.annotate`` stays cheap.
"""

__version__ = "0.1.0"
