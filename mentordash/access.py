"""Roles (docs/privacy.md): who may do what. Knows no screen; the app hands it the secrets and the user."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

VIEWER = "viewer"
COORDINATOR = "coordinator"
LOCAL_USER = "local"


@dataclass(frozen=True)
class User:
    email: str
    role: str | None  # None: signed in but not listed, may see nothing
    verified: bool = True  # False: the provider says the e-mail address is not verified

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR

    @property
    def may_view(self) -> bool:
        return self.role in (VIEWER, COORDINATOR)


def auth_configured(secrets: Mapping) -> bool:
    return "auth" in secrets


def role_for(email: str, roles: Mapping) -> str | None:
    """The role of an e-mail address under a [roles] table; a bare domain admits its whole domain.

    An address listed under both roles is a coordinator (docs/privacy.md)."""
    email = (email or "").strip().lower()
    if "@" not in email:
        return None
    domain = email.rsplit("@", 1)[-1]

    def listed(entries) -> bool:
        for entry in entries or ():
            entry = str(entry).strip().lower()
            if entry == email or ("@" not in entry and entry == domain):
                return True
        return False

    if listed(roles.get("coordinators")):
        return COORDINATOR
    if listed(roles.get("viewers")):
        return VIEWER
    return None


def local_user() -> User:
    """With no [auth], the app serves on 127.0.0.1 only and its one user is a coordinator."""
    return User(email=LOCAL_USER, role=COORDINATOR)


# --- Signed-in mode: is the configuration complete, and is the user who they say they are? --------------

AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
SECRET_KEYS = ("cookie_secret", "client_secret")  # never repeated on screen
MIN_COOKIE_SECRET = 32  # characters; the cookie it signs is the sign-in, so it must not be guessable
AUTH_PACKAGES = (("authlib", "Authlib", (1, 3, 2)), ("httpx", "httpx", (0, 24, 1)))  # Streamlit's `auth` extra
PLACEHOLDERS = ("...", "a long random string")  # the README's examples, not values
# Microsoft's endpoints that accept accounts of every tenant (or personal accounts) rather than one
MICROSOFT_SHARED_TENANTS = ("common", "organizations", "consumers")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@functools.cache  # a package installed later needs a restart anyway; checking costs ms on every run
def missing_auth_packages() -> tuple[str, ...]:
    """What `st.login` needs and this Python lacks: 'Authlib>=1.3.2', 'httpx>=0.24.1' (requirements.txt)."""
    from importlib import metadata

    missing = []
    for module, dist, minimum in AUTH_PACKAGES:
        want = f"{dist}>={'.'.join(map(str, minimum))}"
        try:
            __import__(module)
            version = tuple(int(part) for part in metadata.version(dist).split(".")[:3] if part.isdigit())
        except (ImportError, metadata.PackageNotFoundError, ValueError):
            missing.append(want)
            continue
        if version < minimum:
            missing.append(f"{want} (found {metadata.version(dist)})")
    return tuple(missing)


def _url_problem(key: str, value: str, *, path_end: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        url = urlsplit(value)
        url.port  # noqa: B018 (validates the port)
    except ValueError:
        return f"`{key}` = {value!r} is not a URL."
    if url.scheme not in ("http", "https") or not url.hostname:
        return f"`{key}` = {value!r} must be a full address starting with https://."
    if url.scheme == "http" and url.hostname not in LOOPBACK_NAMES:
        return (
            f"`{key}` = {value!r} uses http://: sign-in needs https:// (plain http is accepted only for "
            "localhost, for testing)."
        )
    if not url.path.endswith(path_end):
        return f"`{key}` = {value!r} must end with {path_end}."
    return None


def auth_problems(auth, roles=None, missing_packages=()) -> list[str]:
    """Everything wrong with an [auth] (and [roles]) configuration, one sentence each; [] when usable.

    Checked when the app starts a session, so that a deployment with a gap says so on its first page
    instead of failing when someone presses "Sign in"."""
    problems = [
        f"The Python package {name} is not installed (signed-in mode needs it): run "
        "`.venv/bin/pip install -r requirements.txt`."
        for name in missing_packages
    ]
    if not isinstance(auth, Mapping):
        return problems + [
            "`[auth]` in .streamlit/secrets.toml must be a table (a line `[auth]` followed by "
            "its keys), not a single value."
        ]
    for key in AUTH_KEYS:
        value = auth.get(key)
        if value is None:
            problems.append(f"`{key}` is missing from [auth] in .streamlit/secrets.toml.")
        elif not isinstance(value, str) or not value.strip():
            shown = repr(value) if key not in SECRET_KEYS else f"a {type(value).__name__}"
            problems.append(f"`{key}` in [auth] must be a non-empty text in quotes, not {shown}.")
        elif value.strip() in PLACEHOLDERS:
            problems.append(f"`{key}` in [auth] still holds the README's placeholder {value!r}: put in the real value.")
    redirect_uri, metadata_url = auth.get("redirect_uri"), auth.get("server_metadata_url")
    if isinstance(redirect_uri, str) and redirect_uri.strip():
        problem = _url_problem("redirect_uri", redirect_uri.strip(), path_end="/oauth2callback")
        problems += [problem] if problem else []
    if isinstance(metadata_url, str) and metadata_url.strip():
        problem = _url_problem(
            "server_metadata_url", metadata_url.strip(), path_end="/.well-known/openid-configuration"
        )
        problems += [problem] if problem else []
        problems += _shared_tenant_problem(metadata_url.strip())
    secret = auth.get("cookie_secret")
    if (
        isinstance(secret, str)
        and secret.strip()
        and secret.strip() not in PLACEHOLDERS
        and len(secret) < MIN_COOKIE_SECRET
    ):
        problems.append(
            f"`cookie_secret` in [auth] has {len(secret)} characters; use at least "
            f'{MIN_COOKIE_SECRET} random ones (python -c "import secrets; '
            'print(secrets.token_hex(32))"): whoever can guess it can sign in as anyone.'
        )
    problems += roles_problems(roles)
    return problems


def _shared_tenant_problem(metadata_url: str) -> list[str]:
    from urllib.parse import urlsplit

    url = urlsplit(metadata_url)
    tenant = url.path.strip("/").split("/", 1)[0].lower()
    if (url.hostname or "").lower() == "login.microsoftonline.com" and tenant in MICROSOFT_SHARED_TENANTS:
        return [
            f"`server_metadata_url` uses Microsoft's shared endpoint '{tenant}', which lets anyone with an "
            "account in any organisation sign in, with whatever e-mail address their own organisation "
            "gives them: use your tenant's ID (https://login.microsoftonline.com/TENANT-ID/v2.0/"
            ".well-known/openid-configuration)."
        ]
    return []


def roles_problems(roles) -> list[str]:
    if roles is None:
        return [
            "There is no [roles] table in .streamlit/secrets.toml: nobody who signs in may see anything. "
            "List coordinators and viewers (README)."
        ]
    if not isinstance(roles, Mapping):
        return ["`[roles]` in .streamlit/secrets.toml must be a table with `coordinators` and `viewers`."]
    problems = []
    for key, value in roles.items():
        if key not in ("coordinators", "viewers"):
            problems.append(f"`{key}` in [roles] is not a role: the roles are `coordinators` and `viewers`.")
        elif not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            problems.append(
                f"`{key}` in [roles] must be a list of addresses or domains in quotes, "
                f'like {key} = ["someone@hospital.example.org"], not {value!r}.'
            )
    if not problems and not (roles.get("coordinators") or roles.get("viewers")):
        problems.append("[roles] lists nobody: nobody who signs in may see anything.")
    return problems


def email_verified(claims: Mapping) -> bool:
    """False when the provider says the address is not verified; providers that send no
    `email_verified` (Microsoft Entra ID) vouch for the addresses of their own tenant."""
    if "email_verified" not in claims:
        return True
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def user_from_claims(claims: Mapping, roles: Mapping) -> User:
    """The signed-in user from the provider's claims: no role unless the e-mail is verified and listed."""
    email = str(claims.get("email") or "").strip()
    if not email_verified(claims):
        return User(email=email, role=None, verified=False)
    return User(email=email, role=role_for(email, roles if isinstance(roles, Mapping) else {}))


# --- Local mode: only this computer, by the name the browser used -----------------------------------------

PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "x-real-ip", "forwarded")


def loopback_host(host: str | None, port: int) -> bool:
    """Whether an HTTP Host header names this computer at the served port.

    A web page whose own name has been pointed at 127.0.0.1 (DNS rebinding) reaches a local server
    with its own name in Host ("evil.example:8501"), which this refuses."""
    from urllib.parse import urlsplit

    if not host:
        return False
    try:
        url = urlsplit(f"//{host.strip()}")
        served = url.port if url.port is not None else 80
    except ValueError:
        return False
    if url.username is not None or url.password is not None or url.path or url.query or url.fragment:
        return False
    return (url.hostname or "").lower() in LOOPBACK_NAMES and served == port


def local_request_problem(headers: Mapping, port: int) -> str | None:
    """Why a request may not use local mode, or None. `headers` are the browser's (lower-case names).

    No headers at all means no browser request (AppTest, bare script runs)."""
    if not headers:
        return None
    host = headers.get("host")
    if not loopback_host(host, port):
        named = host if host and re.fullmatch(r"[A-Za-z0-9.:\[\]-]{1,100}", host) else "no usable host name"
        return (
            f"This address ({named}) is not this computer. Local mode answers only "
            f"http://localhost:{port} and http://127.0.0.1:{port}."
        )
    if any(name in headers for name in PROXY_HEADERS):
        return (
            "This request came through a proxy. Local mode (no sign-in) serves this computer only: to "
            "serve others, configure [auth] in .streamlit/secrets.toml (README)."
        )
    return None
