"""claimkit: news articles → atomic claims with sourcing status, Label Studio round trips, NLI models.

The import packages are ``annotate`` (articles, claims, schema, rules, Label Studio) and ``models``
(datasets, training, prediction, evaluation); this package holds only the ``claimkit`` command.
"""

__version__ = "0.1.0"
