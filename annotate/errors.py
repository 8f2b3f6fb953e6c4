"""claimkit's exceptions: one root, specific subclasses, messages that name the input and the fix.

The CLI turns any ``ClaimkitError`` into a one-line message and exit code 2, so a user never sees a
traceback for bad input. Anything that is not a ``ClaimkitError`` is a bug.
"""


class ClaimkitError(Exception):
    """Base class of every error claimkit raises on purpose."""


class SchemaError(ClaimkitError):
    """The label schema file is malformed or a value is not in it."""


class InputError(ClaimkitError):
    """An input file or record cannot be read as an article (empty, binary, not UTF-8, HTML...)."""


class CorpusError(ClaimkitError):
    """A corpus directory (BRAT, PropSegmEnt) is missing files or holds malformed entries."""


class ModelError(ClaimkitError):
    """A model or spaCy pipeline cannot be found or loaded."""


class StudioError(ClaimkitError):
    """Label Studio is unreachable, rejects the token, or a project is missing."""
