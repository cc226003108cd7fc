"""Roles (privacy.md): who may do what. Knows no screen; the app hands it the secrets and the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

VIEWER = "viewer"
COORDINATOR = "coordinator"
LOCAL_USER = "local"


@dataclass(frozen=True)
class User:
    email: str
    role: str | None  # None: signed in but not listed, may see nothing

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

    An address listed under both roles is a coordinator (privacy.md)."""
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
