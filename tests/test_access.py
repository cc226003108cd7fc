"""Roles, the sign-in configuration, verified e-mail and local mode's host check (mentordash/access.py)."""

import pytest

from mentordash import access

AUTH = {
    "redirect_uri": "https://mentordash.hospital.example.org/oauth2callback",
    "cookie_secret": "0123456789abcdef" * 4,
    "client_id": "mentordash",
    "client_secret": "s3cret-value",
    "server_metadata_url": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0/"
    ".well-known/openid-configuration",
}
ROLES = {"coordinators": ["pat.lee@hospital.example.org"], "viewers": ["hospital.example.org"]}


def test_a_complete_configuration_has_no_problem():
    assert access.auth_problems(AUTH, ROLES) == []
    for url in (
        "https://accounts.google.com/.well-known/openid-configuration",
        "https://hospital.okta.com/oauth2/default/.well-known/openid-configuration",
        "http://127.0.0.1:9400/.well-known/openid-configuration",
    ):  # a provider on this computer (tests)
        assert access.auth_problems({**AUTH, "server_metadata_url": url}, ROLES) == []


@pytest.mark.parametrize("key", access.AUTH_KEYS)
def test_each_missing_key_is_named(key):
    auth = {k: v for k, v in AUTH.items() if k != key}
    assert access.auth_problems(auth, ROLES) == [f"`{key}` is missing from [auth] in .streamlit/secrets.toml."]


@pytest.mark.parametrize(
    "key, value, says",
    [
        ("redirect_uri", "", "must be a non-empty text"),
        ("redirect_uri", "mentordash.hospital.example.org/oauth2callback", "must be a full address"),
        ("redirect_uri", "https://mentordash.hospital.example.org/", "must end with /oauth2callback"),
        ("redirect_uri", "http://mentordash.hospital.example.org/oauth2callback", "uses http://"),
        ("redirect_uri", "https://host:99999/oauth2callback", "is not a URL"),
        (
            "server_metadata_url",
            "https://login.example.org/authorize",
            "must end with /.well-known/openid-configuration",
        ),
        (
            "server_metadata_url",
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
            "shared endpoint 'organizations'",
        ),
        (
            "server_metadata_url",
            "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
            "lets anyone with an account in any organisation sign in",
        ),
        ("cookie_secret", "a long random string", "placeholder"),
        ("cookie_secret", "x" * 31, "has 31 characters"),
        ("client_id", "...", "placeholder"),
        ("client_id", ["a"], "not ['a']"),
    ],
)
def test_malformed_values_are_named(key, value, says):
    problems = access.auth_problems({**AUTH, key: value}, ROLES)
    assert len(problems) == 1 and says in problems[0] and f"`{key}`" in problems[0]


def test_secret_values_are_never_repeated():
    problems = access.auth_problems({**AUTH, "client_secret": 123456789, "cookie_secret": 987654321}, ROLES)
    assert len(problems) == 2 and not any("123456789" in p or "987654321" in p for p in problems)


def test_missing_packages_and_a_non_table_are_said():
    problems = access.auth_problems("yes", ROLES, ["httpx>=0.24.1"])
    assert problems[0].startswith("The Python package httpx>=0.24.1 is not installed")
    assert "must be a table" in problems[1]


def test_packages_for_sign_in_are_installed():
    assert access.missing_auth_packages.__wrapped__() == ()


def test_missing_package_is_detected(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_httpx(name, *args, **kwargs):
        if name == "httpx":
            raise ImportError("No module named 'httpx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_httpx)
    assert access.missing_auth_packages.__wrapped__() == ("httpx>=0.24.1",)


@pytest.mark.parametrize(
    "roles, says",
    [
        (None, "no [roles] table"),
        ("everyone", "must be a table"),
        ({"coordinators": "pat.lee@hospital.example.org"}, "must be a list"),
        ({"coordinators": [1]}, "must be a list"),
        ({"admins": ["a@x.org"], "viewers": ["x.org"]}, "`admins` in [roles] is not a role"),
        ({"coordinators": [], "viewers": []}, "lists nobody"),
    ],
)
def test_roles_problems(roles, says):
    problems = access.auth_problems(AUTH, roles)
    assert len(problems) == 1 and says in problems[0]


@pytest.mark.parametrize(
    "claims, verified",
    [
        ({"email": "a@x.org"}, True),  # Microsoft Entra ID sends no email_verified
        ({"email": "a@x.org", "email_verified": True}, True),
        ({"email": "a@x.org", "email_verified": "true"}, True),
        ({"email": "a@x.org", "email_verified": " TRUE "}, True),
        ({"email": "a@x.org", "email_verified": False}, False),
        ({"email": "a@x.org", "email_verified": "false"}, False),
        ({"email": "a@x.org", "email_verified": None}, False),
        ({"email": "a@x.org", "email_verified": 1}, False),
        ({"email": "a@x.org", "email_verified": "yes"}, False),
    ],
)
def test_email_verified(claims, verified):
    assert access.email_verified(claims) is verified


def test_unverified_address_gets_no_role_even_when_listed():
    user = access.user_from_claims({"email": "pat.lee@hospital.example.org", "email_verified": False}, ROLES)
    assert user.role is None and not user.verified and not user.may_view and not user.is_coordinator
    user = access.user_from_claims({"email": "pat.lee@hospital.example.org", "email_verified": True}, ROLES)
    assert user.is_coordinator and user.verified
    assert access.user_from_claims({"email_verified": True}, ROLES).role is None  # no e-mail: nobody
    assert access.user_from_claims({"email": "nurse@hospital.example.org"}, ROLES).role == access.VIEWER


@pytest.mark.parametrize(
    "host, allowed",
    [
        ("127.0.0.1:8501", True),
        ("localhost:8501", True),
        ("LOCALHOST:8501", True),
        ("[::1]:8501", True),
        ("evil.example:8501", False),
        ("127.0.0.1:8502", False),
        ("localhost", False),
        ("127.0.0.1", False),
        ("localhost.:8501", False),
        ("localhost.evil.example:8501", False),
        ("127.0.0.1.nip.io:8501", False),
        ("user@localhost:8501", False),
        ("localhost:8501/x", False),
        ("localhost:port", False),
        ("", False),
        (None, False),
        ("127.0.0.1:8501,evil.example:8501", False),
        ("0.0.0.0:8501", False),
    ],
)
def test_loopback_host(host, allowed):
    assert access.loopback_host(host, 8501) is allowed


def test_port_80_may_be_left_out():
    assert access.loopback_host("localhost", 80) and access.loopback_host("127.0.0.1:80", 80)


def test_local_request_problem():
    ok = {"host": "127.0.0.1:8501", "upgrade": "websocket"}
    assert access.local_request_problem(ok, 8501) is None
    assert access.local_request_problem({}, 8501) is None  # no HTTP request at all (AppTest)
    assert "evil.example:8501" in access.local_request_problem({**ok, "host": "evil.example:8501"}, 8501)
    assert "no usable host name" in access.local_request_problem({"upgrade": "websocket"}, 8501)
    shown = access.local_request_problem({"host": "[Sign in](https://evil.example)"}, 8501)
    assert "evil" not in shown and "no usable host name" in shown  # the caller's text is not echoed
    for proxy_header in access.PROXY_HEADERS:
        assert "through a proxy" in access.local_request_problem({**ok, proxy_header: "203.0.113.9"}, 8501)
