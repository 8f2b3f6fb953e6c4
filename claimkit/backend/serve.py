"""Running the backend: checks before binding, then uvicorn in the foreground.

Loopback by default. Any other address is reachable by other machines, so it needs basic-auth
credentials (``backend.auth``); a backend without them refuses to start there rather than serve
anyone who finds the port.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claimkit.annotate.errors import InputError
from claimkit.backend.app import Served
from claimkit.backend.auth import PASSWORD_ENV, USER_ENV, Credentials, is_loopback
from claimkit.backend.retrain import Retrainer, RetrainOptions

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.backend.predict import TaskPredictor

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9090
"""Label Studio's documentation uses 9090 for ML backends."""


@dataclass(frozen=True)
class ServeOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    credentials: Credentials | None = None


def check_bind(options: ServeOptions) -> None:
    """Refuse a non-loopback address without credentials (``InputError`` naming how to give them)."""
    if not is_loopback(options.host) and options.credentials is None:
        raise InputError(
            f"--host {options.host} is reachable from other machines: set {USER_ENV} and {PASSWORD_ENV} "
            "(or pass --auth-file FILE holding user:password) and give Label Studio the same basic-auth credentials"
        )


def run(app_factory: Callable[[], object], options: ServeOptions) -> None:
    """Serve the app until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    import uvicorn

    check_bind(options)
    uvicorn.run(app_factory(), host=options.host, port=options.port, log_level="warning", access_log=False)  # type: ignore[arg-type]


def attach_retraining(served: Served, nlp: Language, options: RetrainOptions) -> Retrainer:
    """Give ``served`` a retrainer: webhook events reach it, ``/health`` shows its state, a finished training
    is loaded (warmed up while no request uses spaCy) and swapped in."""
    from claimkit.backend.served import ServedSpec, load_task_predictor

    def load(path: Path) -> TaskPredictor:
        new = load_task_predictor(ServedSpec.of(str(path)), nlp, warm=False)
        with served.get().lock:
            new.warm_up()
        return new

    def connection() -> tuple[str, str] | None:
        """claimkit's usual connection (``LABEL_STUDIO_URL``/``_API_KEY``, else the local server's file), else
        the server that sent ``/setup`` (its ``hostname`` and the project owner's token): the first is what the
        user set up; the second can name a host only the server knows itself by (``localhost`` behind a proxy)."""
        from claimkit.annotate.errors import StudioError
        from claimkit.annotate.studio.client import resolve_connection

        try:
            conn = resolve_connection()
            return conn.url, conn.api_key
        except StudioError:
            pass
        setup = served.last_setup
        if setup.get("hostname") and setup.get("access_token"):
            return str(setup["hostname"]), str(setup["access_token"])
        return None

    retrainer = Retrainer(options, load, served.swap, connection)
    served.webhook = retrainer.on_event
    served.training_status = retrainer.status
    return retrainer
