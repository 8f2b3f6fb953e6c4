"""claimkit's model layer: datasets from annotations and corpora, the NLI classifier, evaluation.

Imports flow ``annotate → models``: nothing in ``annotate`` imports this package.
"""
