"""Annotator accounts on a Label Studio server: ``claimkit studio add-user`` and each user's own API token.

Label Studio Community's ``POST /api/users/`` makes a member without a password (nobody can log in as
it) and has no API to set one. What does make a member with a password is the organisation's own
invite link: the signup form accepts ``?token=<organisation token>`` even with signup otherwise disabled
(``LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true``, how ``claimkit studio start`` runs the server), and
joins the new user to the first organisation, the one the admin owns. So ``add_user`` asks the admin's
API for the invite token, fills in the signup form over HTTP (CSRF cookie and all, as a browser would),
and sets the names through the admin's API.

The password is random, returned once to the caller (the command prints it once) and never logged,
stored or put in an error message. ``user_token`` logs in with the e-mail and password and reads the
user's legacy API token, so a test or a load script can act as several real users through the API;
on a server whose organisation has legacy tokens off it mints a personal access token (a JWT refresh
token the SDK exchanges itself) instead.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claimkit.annotate.errors import InputError, StudioError
from claimkit.annotate.studio.client import Connection, Studio, connect

if TYPE_CHECKING:
    import httpx

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FORM_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class NewUser:
    """An account ``add_user`` made. The password never appears in ``repr``."""

    id: int
    email: str
    password: str = field(repr=False)
    first_name: str = ""
    last_name: str = ""


def check_email(email: str) -> str:
    """The e-mail as Label Studio stores it (lower case); an ``InputError`` when it is not an address."""
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) >= 256:
        raise InputError(f"{email!r} is not an e-mail address (e.g. ana@desk.example)")
    return cleaned


def new_password() -> str:
    """24 random URL-safe characters: passes Django's validators and survives copy and paste."""
    return secrets.token_urlsafe(18)


def _http(url: str) -> httpx.Client:
    """A cookie-keeping client; never a proxy for a loopback server (a proxy cannot reach our 127.0.0.1)."""
    import httpx

    loopback = urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")
    return httpx.Client(base_url=url, timeout=_FORM_TIMEOUT_S, follow_redirects=False, trust_env=not loopback)


def _form_errors(page: str) -> str:
    """The error lines a Label Studio form page shows (never the submitted values)."""
    found = re.findall(r'class="[^"]*(?:field_errors|error)[^"]*"[^>]*>(.*?)</', page, re.DOTALL)
    texts = [re.sub(r"<[^>]+>|\s+", " ", t).strip() for t in found]
    return "; ".join(t for t in texts if t)[:300] or "no reason shown"


def _post_form(http: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    """GET a form page (for its CSRF cookie), then POST the form to it as a browser would."""
    import httpx

    try:
        http.get(path).raise_for_status()
        csrf = http.cookies.get("csrftoken")
        if not csrf:
            raise StudioError(
                f"{http.base_url}{urlsplit(path).path} set no CSRF cookie: is this a Label Studio server?"
            )
        return http.post(path, data={**data, "csrfmiddlewaretoken": csrf}, headers={"Referer": str(http.base_url)})
    except httpx.HTTPError as exc:
        raise StudioError(
            f"Label Studio at {http.base_url} form {urlsplit(path).path}: {exc.__class__.__name__}"
        ) from None


def _whoami(http: httpx.Client) -> dict[str, Any]:
    resp = http.get("/api/current-user/whoami")
    if resp.status_code != 200:
        raise StudioError(f"Label Studio at {http.base_url}: whoami answered {resp.status_code} after logging in")
    return dict(resp.json())


def add_user(
    conn: Connection,
    email: str,
    first_name: str = "",
    last_name: str = "",
    *,
    password: str | None = None,
    studio: Studio | None = None,
) -> NewUser:
    """Create a member of the admin's organisation who can log in with ``email`` and a random password.

    ``conn`` must be an organisation owner's or administrator's token (the one ``claimkit studio start``
    records is). A ``StudioError`` when the e-mail is taken or the server refuses the signup.
    """
    email = check_email(email)
    studio = studio or connect(conn)
    taken = studio.call(lambda: [u.email for u in studio.client.users.list()])
    if email in {str(e).lower() for e in taken}:
        raise StudioError(f"Label Studio at {conn.url} already has a user {email}; choose another e-mail")
    invite = studio.call(studio.client.organizations.invites.get_invite_link)
    token = str(getattr(invite, "token", "") or "")
    if not token:
        raise StudioError(f"Label Studio at {conn.url} gave no organisation invite token; is the API key an admin's?")
    password = password or new_password()
    http = _http(conn.url)
    try:
        resp = _post_form(http, f"/user/signup/?token={token}", {"email": email, "password": password})
        if resp.status_code == 403:
            raise StudioError(
                f"Label Studio at {conn.url} refused the signup with the organisation's invite token (403)"
            )
        if resp.status_code not in (301, 302, 303):
            raise StudioError(
                f"Label Studio at {conn.url} did not create {email} ({resp.status_code}): {_form_errors(resp.text)}"
            )
        user_id = int(_whoami(http)["id"])
    finally:
        http.close()
    if first_name or last_name:
        names = {k: v for k, v in (("first_name", first_name), ("last_name", last_name)) if v}
        studio.call(studio.client.users.update, id=user_id, **names)
    return NewUser(user_id, email, password, first_name, last_name)


def login(url: str, email: str, password: str) -> httpx.Client:
    """An HTTP client logged in to Label Studio as ``email`` (session cookie), as the login form does."""
    http = _http(url.rstrip("/"))
    resp = _post_form(http, "/user/login/", {"email": email, "password": password})
    if resp.status_code not in (301, 302, 303):
        http.close()
        raise StudioError(f"Label Studio at {url} refused the login of {email}: {_form_errors(resp.text)}")
    return http


def user_token(url: str, email: str, password: str) -> str:
    """``email``'s own API token: the legacy token, else a new personal access token (JWT refresh token).

    Either works as ``Connection.api_key``; requests made with it are that user's (``completed_by``).
    """
    http = login(url, email, password)  # already used, so closed explicitly rather than with ``with``
    try:
        resp = http.get("/api/current-user/token")
        if resp.status_code == 200 and resp.json().get("token"):
            return str(resp.json()["token"])
        csrf = http.cookies.get("csrftoken") or ""
        resp = http.post("/api/token/", headers={"X-CSRFToken": csrf, "Referer": url})
        if resp.status_code in (200, 201) and resp.json().get("token"):
            return str(resp.json()["token"])
    finally:
        http.close()
    raise StudioError(f"Label Studio at {url} gave {email} no API token ({resp.status_code}); enable API tokens")
