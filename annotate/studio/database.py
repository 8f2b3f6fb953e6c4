"""Which database the local Label Studio uses: its embedded SQLite (the default) or a PostgreSQL on this machine.

``claimkit studio start --database postgresql://USER@HOST:PORT/DB`` hands Label Studio its own database
settings (``DJANGO_DB=default`` and ``POSTGRE_NAME / _USER / _PASSWORD / _HOST / _PORT``, read by
``label_studio/core/settings/base.py``); claimkit adds no database code of its own. Why the rules below:

- The password never travels in argv (the process list and shell history show argv): a URL that holds
  one is refused, and the password comes from ``--database-password-file``, else ``$CLAIMKIT_PG_PASSWORD``,
  else ``$PGPASSWORD`` (what ``psql`` reads). ``studio.json`` records the URL without it, so every
  start needs it again from the same places; the server gets it in its environment, as Label Studio reads it.
- Loopback hosts only: the server itself listens on 127.0.0.1 only, and a database elsewhere means a
  network path claimkit cannot secure for the user (TLS, ``pg_hba.conf``); such a setup belongs in the
  user's own deployment of Label Studio, which claimkit can talk to with ``--url``.
- One database per claimkit home: Label Studio's admin, tokens and SECRET_KEY live partly in the database
  and partly in the home, and they must stay a pair.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from claimkit.annotate.errors import InputError, StudioError

SCHEMES = ("postgresql", "postgres")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PASSWORD_ENV = ("CLAIMKIT_PG_PASSWORD", "PGPASSWORD")
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database on this machine. The password never appears in ``repr``, ``url`` or messages."""

    user: str
    host: str
    port: int
    name: str
    password: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        """``postgresql://USER@HOST:PORT/DB``: what ``studio.json`` records (never the password)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{self.user}@{host}:{self.port}/{self.name}"

    def server_env(self) -> dict[str, str]:
        """Label Studio's own database settings for this database."""
        return {
            "DJANGO_DB": "default",
            "POSTGRE_NAME": self.name,
            "POSTGRE_USER": self.user,
            "POSTGRE_PASSWORD": self.password,
            "POSTGRE_HOST": self.host,
            "POSTGRE_PORT": str(self.port),
        }


def parse_database_url(url: str) -> Database:
    """The database a ``postgresql://USER@HOST:PORT/DB`` URL names (no password yet); ``InputError`` otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise InputError(
            f"--database {_shown(url)}: not a URL; e.g. postgresql://claimkit@127.0.0.1:5432/claimkit"
        ) from None
    if parts.scheme not in SCHEMES:
        raise InputError(
            f"--database {_shown(url)}: only PostgreSQL is supported (postgresql://USER@HOST:PORT/DB); "
            "leave --database out for the embedded SQLite"
        )
    if parts.password is not None:
        raise InputError(
            "--database: the URL holds a password, which would show in the process list and shell history; "
            f"drop it and set {PASSWORD_ENV[0]} or pass --database-password-file FILE"
        )
    host = (parts.hostname or "").lower()
    user = unquote(parts.username or "")
    name = unquote(parts.path.lstrip("/"))
    if not host or not user or not name or "/" in name or parts.query or parts.fragment:
        raise InputError(
            f"--database {_shown(url)}: needs a user, a host and a database name, nothing else "
            "(postgresql://USER@HOST:PORT/DB)"
        )
    if host not in LOOPBACK_HOSTS:
        raise InputError(
            f"--database {_shown(url)}: host {host!r} is not this machine; claimkit runs Label Studio on a "
            f"loopback PostgreSQL only ({', '.join(LOOPBACK_HOSTS)}). For a database elsewhere, deploy Label Studio "
            "there yourself and point claimkit at it with --url"
        )
    return Database(user=user, host=host, port=port, name=name)


def _shown(url: str) -> str:
    """A URL for a message, with anything between ``:`` and ``@`` of its user part blanked out."""
    head, sep, tail = url.partition("@")
    if sep and ":" in head.split("//", 1)[-1]:
        scheme, _, userinfo = head.rpartition("//")
        return f"{scheme}//{userinfo.split(':', 1)[0]}:***@{tail}"
    return repr(url)


def read_password(password_file: Path | None = None, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(password, where it came from)``: ``--database-password-file``, else the first of ``PASSWORD_ENV`` set."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc.__class__.__name__
            raise InputError(f"--database-password-file {password_file}: cannot read ({reason})") from None
        password = text.rstrip("\r\n")
        if not password or "\n" in password:
            raise InputError(f"--database-password-file {password_file}: should hold the password alone, on one line")
        return password, f"--database-password-file {password_file}"
    env = os.environ if environ is None else environ
    for name in PASSWORD_ENV:
        if env.get(name):
            return env[name], f"${name}"
    raise InputError(
        f"no PostgreSQL password: set {PASSWORD_ENV[0]} (or {PASSWORD_ENV[1]}) or pass --database-password-file FILE"
    )


def resolve_database(
    url: str | None, recorded: str | None, password_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Database | None:
    """The database a start uses: ``url`` (``--database``), else the one ``studio.json`` recorded, else SQLite (``None``).

    A home that runs on one database refuses another: its admin and tokens live in the first.
    """
    if url is None and recorded is None:
        return None
    chosen = parse_database_url(url if url is not None else str(recorded))
    if recorded is not None and parse_database_url(recorded).url != chosen.url:
        raise InputError(
            f"--database {chosen.url}: this claimkit home's Label Studio runs on {recorded}; "
            "use another CLAIMKIT_HOME for another database"
        )
    password, _ = read_password(password_file, environ)
    return Database(chosen.user, chosen.host, chosen.port, chosen.name, password)


def check_connection(db: Database) -> None:
    """Connect once, so a wrong password or a stopped PostgreSQL is a one-line error before Label Studio starts."""
    try:
        import psycopg
    except ImportError:
        raise StudioError(
            "psycopg is not installed; it comes with the Label Studio server (`pip install 'claimkit[server]'`)"
        ) from None
    try:
        with psycopg.connect(
            host=db.host, port=db.port, user=db.user, password=db.password, dbname=db.name,
            connect_timeout=CONNECT_TIMEOUT_S,
        ):  # fmt: skip
            pass
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__
        if db.password and db.password in reason:  # never happens with libpq's messages; belt and braces
            reason = reason.replace(db.password, "***")
        raise StudioError(f"cannot connect to PostgreSQL {db.url}: {reason[:300]}") from None
