"""Basic-auth credentials of the backend: the ones Label Studio sends to an ML backend.

Label Studio can send HTTP basic auth to a backend (``auth_method=BASIC_AUTH`` with ``basic_auth_user``
and ``basic_auth_pass``) and nothing else, so that is what guards a backend that listens beyond
loopback. Credentials come from the environment (``CLAIMKIT_BACKEND_USER`` and
``CLAIMKIT_BACKEND_PASSWORD``) or a file holding ``user:password`` on one line, never from the
command line (which the process list and shell history show), and never appear in ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from claimkit.annotate.errors import InputError

USER_ENV = "CLAIMKIT_BACKEND_USER"
PASSWORD_ENV = "CLAIMKIT_BACKEND_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A basic-auth user and password (the password never shows in ``repr``)."""

    user: str
    password: str = field(repr=False)

    def accepts(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries these credentials (constant-time comparison)."""
        if not header or not header.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        ok_password = hmac.compare_digest(password.encode(), self.password.encode())
        return bool(sep) and ok_user and ok_password


def read_credentials(auth_file: Path | None = None) -> Credentials | None:
    """Credentials from ``auth_file`` (``user:password``), else from the environment, else ``None``."""
    if auth_file is not None:
        try:
            line = auth_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(
                f"--auth-file {auth_file}: cannot read ({exc.strerror or exc.__class__.__name__})"
            ) from None
        except UnicodeDecodeError:
            raise InputError(f"--auth-file {auth_file}: not a text file; it should hold user:password") from None
        user, sep, password = line.partition(":")
        if not sep or not user or not password or "\n" in line:
            raise InputError(f"--auth-file {auth_file}: should hold user:password on one line")
        return Credentials(user, password)
    env_user, env_password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if env_user and env_password:
        return Credentials(env_user, env_password)
    if env_user or env_password:
        raise InputError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address or a URL's host name) stays on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
