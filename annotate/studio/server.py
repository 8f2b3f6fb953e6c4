"""A local Label Studio server managed by claimkit: ``claimkit studio start | stop | status | credentials``.

The server is the PyPI ``label-studio`` package (the ``server`` extra) run as a child process:
SQLite in a data directory of its own, bound to 127.0.0.1, an admin user and a legacy API token
created non-interactively on the first start, signup disabled, and every outbound call (version
check, analytics, Sentry, converter downloads) switched off.

Everything lives under one *claimkit home* (``$CLAIMKIT_HOME``, else ``$XDG_CONFIG_HOME/claimkit``,
else ``~/.config/claimkit``)::

    studio.json        url, port, pid, admin e-mail, password and API token (mode 0600)
    label-studio/      the server's data directory (SQLite database, uploads, its own HOME)
    label-studio.log   the server's stdout and stderr

Why these choices (see ../shared/docs/label-studio.md for the observations behind them):

- The server's environment is built from an allowlist, not inherited: Label Studio also reads
  un-prefixed names such as ``USERNAME``, ``PASSWORD``, ``HOST`` and ``PORT``, so a user's shell
  would otherwise silently change who the admin is or where the server listens.
- ``--debug`` is passed only for what it does to the port: without it a busy port is silently
  replaced by the next one and we would poll the wrong address; with it the start fails and we
  pick another free port ourselves.
- Legacy tokens are enabled when the organisation is created (the only moment that setting is
  honoured), so the token in ``studio.json`` never expires and needs no refresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from claimkit.annotate.errors import StudioError
from claimkit.annotate.studio.database import Database, check_connection

STATE_FILE = "studio.json"
DATA_DIR = "label-studio"
LOG_FILE = "label-studio.log"
ADMIN_EMAIL = "admin@claimkit.local"
START_TIMEOUT_S = 300.0
"""A first start runs all migrations: 40–70 s on two loaded cores; later starts take 3–8 s."""

_ENV_ALLOWLIST = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
"""The only variables the server inherits; everything else it reads is set explicitly below."""


@dataclass(frozen=True)
class ServerState:
    """What ``studio.json`` records about the local server. Secrets never appear in ``repr``."""

    url: str
    port: int
    username: str
    password: str = field(repr=False)
    api_key: str = field(repr=False)
    label_studio_version: str = ""
    pid: int | None = None
    database: str | None = None
    """``postgresql://USER@HOST:PORT/DB`` (never its password) when not the embedded SQLite; see ``database.py``."""


@dataclass(frozen=True)
class ServerStatus:
    """What ``claimkit studio status`` reports: no secrets."""

    running: bool
    url: str | None
    pid: int | None
    home: Path
    data_dir: Path
    log_file: Path
    label_studio_version: str | None
    database: str | None = None


def studio_home() -> Path:
    """The claimkit home: ``$CLAIMKIT_HOME``, else ``$XDG_CONFIG_HOME/claimkit``, else ``~/.config/claimkit``."""
    if os.environ.get("CLAIMKIT_HOME"):
        return Path(os.environ["CLAIMKIT_HOME"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "claimkit"


def read_state(home: Path | None = None) -> ServerState | None:
    """The recorded server state, or ``None`` when ``claimkit studio start`` never ran here."""
    path = (home or studio_home()) / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return ServerState(**raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise StudioError(
            f"{path}: unreadable ({exc.__class__.__name__}); delete it and run `claimkit studio start`"
        ) from None


def write_state(home: Path, state: ServerState) -> None:
    """Write ``studio.json`` atomically, readable only by the user (it holds the password and token)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / STATE_FILE
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(state), fh, indent=2)
    os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply to a file that already existed
    tmp.replace(path)


def label_studio_version() -> str:
    """The installed ``label-studio`` version; a ``StudioError`` naming the extra when it is missing."""
    try:
        return metadata.version("label-studio")
    except metadata.PackageNotFoundError:
        raise StudioError(
            "the Label Studio server is not installed; `pip install 'claimkit[server]'` "
            "(or point LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY at an existing server)"
        ) from None


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice for an ephemeral bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether a Label Studio answers ``GET /health`` with status UP at ``url``.

    A loopback URL is asked directly, never through ``HTTP(S)_PROXY``: a proxy cannot reach this
    machine's 127.0.0.1, and with a proxy set and no ``NO_PROXY`` every poll would fail until the deadline.
    """
    handlers = [urllib.request.ProxyHandler({})] if urlsplit(url).hostname in _LOOPBACK else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url.rstrip("/") + "/health", timeout=timeout) as resp:
            return json.loads(resp.read().decode("utf-8")).get("status") == "UP"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _pid_is_our_server(pid: int | None, port: int) -> bool:
    """Whether ``pid`` is alive and (where /proc exists) a Label Studio started on ``port``; guards pid reuse."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process now holds this pid
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        return b"label_studio.server" in args and str(port).encode() in args
    return True


def server_env(data_dir: Path, state: ServerState, database: Database | None = None) -> dict[str, str]:
    """The server's whole environment: an allowlist of the parent's, then every setting claimkit relies on."""
    env = {k: v for k, v in os.environ.items() if k in _ENV_ALLOWLIST}
    home = data_dir / "home"  # appdirs config/cache under the data dir, never the user's real home
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "HOME": str(home),
            "PYTHONUNBUFFERED": "1",
            "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
            "LABEL_STUDIO_USERNAME": state.username,
            "LABEL_STUDIO_PASSWORD": state.password,
            "LABEL_STUDIO_USER_TOKEN": state.api_key,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
            "CONVERTER_DOWNLOAD_RESOURCES": "false",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            # claimkit's ML backend runs on this machine (`claimkit backend serve`): Label Studio refuses
            # backends and webhooks on local addresses unless told otherwise. The server itself listens on
            # 127.0.0.1 only, so nobody else can point it at local addresses.
            "ML_BLOCK_LOCAL_IP": "false",
            "SSRF_PROTECTION_ENABLED": "false",
        }
    )
    if database is not None:  # Label Studio's own settings; without them it uses SQLite in data_dir
        env.update(database.server_env())
    return env


def paths(home: Path | None = None) -> tuple[Path, Path, Path]:
    """``(home, data_dir, log_file)`` of a claimkit home."""
    home = home or studio_home()
    return home, home / DATA_DIR, home / LOG_FILE


def start(
    home: Path | None = None,
    port: int | None = None,
    timeout: float = START_TIMEOUT_S,
    database: Database | None = None,
) -> ServerState:
    """Start the local server (or return the running one) and record it in ``studio.json``.

    The first start creates the data directory, the admin user, a random password and API token.
    Later starts reuse them, and the last port when it is still free, so URLs stay valid.
    ``database`` (with its password) runs the server on PostgreSQL; a home keeps the database it started on.
    """
    home, data_dir, log_file = paths(home)
    version = label_studio_version()
    state = read_state(home)
    running = state is not None and _pid_is_our_server(state.pid, state.port) and is_healthy(state.url)
    wanted = database.url if database is not None else None
    if state is not None and state.database != wanted and not (running and database is None):
        fix = (
            f"pass --database {state.database} (its password from the environment or a file)"
            if state.database
            else "use another CLAIMKIT_HOME for PostgreSQL"
        )
        raise StudioError(
            f"{home / STATE_FILE}: this Label Studio runs on {state.database or 'SQLite'}, "
            f"not {wanted or 'SQLite'}; {fix}"
        )
    if running and state is not None:
        return state
    if state is None:
        if (data_dir / "label_studio.sqlite3").exists():
            raise StudioError(
                f"{data_dir} holds a Label Studio database but {home / STATE_FILE} with its credentials is gone; "
                "restore that file, or move the data directory away to start afresh"
            )
        state = ServerState(
            url="",
            port=0,
            username=ADMIN_EMAIL,
            password=secrets.token_urlsafe(18),
            api_key=secrets.token_hex(20),
            database=wanted,
        )
    if database is not None:
        check_connection(database)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    data_dir.mkdir(exist_ok=True, mode=0o700)
    chosen = port or (state.port if state.port and _port_is_free(state.port) else free_port())
    url = f"http://127.0.0.1:{chosen}"
    command = [
        sys.executable, "-m", "label_studio.server", "start", "--no-browser", "--debug",
        "--internal-host", "127.0.0.1", "--port", str(chosen), "--log-level", "WARNING",
    ]  # fmt: skip
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log:
        log.write(f"\n== claimkit: starting Label Studio {version} on {url} ==\n".encode())
        log.flush()
        proc = subprocess.Popen(  # noqa: S603 (fixed command line)
            command,
            env=server_env(data_dir, state, database),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C in the shell does not stop it
            cwd=data_dir,
        )
    state = replace(state, url=url, port=chosen, pid=proc.pid, label_studio_version=version)
    write_state(home, state)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StudioError(
                f"Label Studio exited during start-up (code {proc.returncode}); see {log_file}"
                + (f" (port {chosen} is busy: pass another --port)" if not _port_is_free(chosen) else "")
            )
        if is_healthy(url):
            return state
        time.sleep(0.5)
    _terminate(proc.pid)
    raise StudioError(f"Label Studio did not answer on {url} within {timeout:.0f} s; see {log_file}")


def _terminate(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM, wait, then SIGKILL: the server stops cleanly on SIGTERM in well under a second."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def stop(home: Path | None = None) -> bool:
    """Stop the local server; ``False`` when none was running."""
    home, _, _ = paths(home)
    state = read_state(home)
    if state is None or not _pid_is_our_server(state.pid, state.port):
        if state is not None and state.pid is not None:
            write_state(home, replace(state, pid=None))
        return False
    assert state.pid is not None
    _terminate(state.pid)
    write_state(home, replace(state, pid=None))
    return True


def status(home: Path | None = None) -> ServerStatus:
    """Whether the local server runs, where, and which version; never the credentials."""
    home, data_dir, log_file = paths(home)
    state = read_state(home)
    running = state is not None and _pid_is_our_server(state.pid, state.port) and is_healthy(state.url)
    return ServerStatus(
        running=running,
        url=state.url if state else None,
        pid=state.pid if running and state else None,
        home=home,
        data_dir=data_dir,
        log_file=log_file,
        label_studio_version=state.label_studio_version if state else None,
        database=state.database if state else None,
    )
