"""The router and its guards: sign-in, roles, pages refused by URL, local mode, legacy page runs."""

from datetime import date

import pytest
from streamlit.runtime.pages_manager import PagesManager

from mentordash import access
from mentordash.ui.safe import plain
from tests.apptest import AUTH, ROLES, app_test, open_url_path, signed_in, texts
from tests.builders import add_mentorships, add_people, new_db, person

COORDINATOR = "pat.lee@hospital.example.org"
VIEWER = "chair@hospital.example.org"
STRANGER = "someone@elsewhere.example.com"
RESTRICTED = ("data", "settings", "audit")


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "app.duckdb")
    add_people(db, *[person(f"R{i}", "resident", date(2023, 7, 1)) for i in range(10)])
    add_mentorships(db, *[dict(mentor_id="S", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(7)])
    db.close()
    return tmp_path / "app.duckdb"


def nav_labels(at):
    return [link.proto.label for link in at.get("page_link")]


def test_role_for_addresses_and_domains():
    roles = {"coordinators": [COORDINATOR], "viewers": ["chair@hospital.example.org", "hospital.example.org"]}
    assert access.role_for(COORDINATOR, roles) == access.COORDINATOR
    assert access.role_for("Pat.Lee@Hospital.Example.org ", roles) == access.COORDINATOR
    assert access.role_for("nurse@hospital.example.org", roles) == access.VIEWER
    assert access.role_for("nurse@evil-hospital.example.org", roles) is None
    assert access.role_for("hospital.example.org", roles) is None  # a bare domain is not an address
    assert access.role_for("", roles) is None
    both = {"coordinators": ["a@x.org"], "viewers": ["a@x.org"]}
    assert access.role_for("a@x.org", both) == access.COORDINATOR


def test_signed_out_user_sees_only_sign_in(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False}, secrets={"auth": AUTH, "roles": ROLES}).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.metric) == 0 and nav_labels(at) == []


def test_unlisted_user_is_told_whom_to_ask(monkeypatch, db_path):
    at = signed_in(monkeypatch, db_path, STRANGER).run()
    assert "not on the list" in texts(at) and "coordinator" in texts(at)
    assert len(at.metric) == 0 and nav_labels(at) == []


def test_viewer_sees_aggregates_but_no_coordinator_pages(monkeypatch, db_path):
    at = signed_in(monkeypatch, db_path, VIEWER).run()
    assert not at.exception
    assert len(at.metric) > 0
    labels = nav_labels(at)
    assert "Overview" in labels and not {"Data", "Settings", "Audit"} & set(labels)
    assert "Local mode" not in texts(at)


@pytest.mark.parametrize("url_path", RESTRICTED)
def test_viewer_opening_a_coordinator_page_by_url_is_refused(monkeypatch, db_path, url_path):
    at = signed_in(monkeypatch, db_path, VIEWER).run()
    open_url_path(at, url_path).run()
    assert "Not permitted" in texts(at)
    assert len(at.main.button) == 0 and "Sign out" in [b.label for b in at.sidebar.button]  # nothing of the page
    assert len(at.get("file_uploader")) == 0 and len(at.dataframe) == 0


@pytest.mark.parametrize("url_path", RESTRICTED)
def test_tampered_session_state_does_not_make_a_coordinator(monkeypatch, db_path, url_path):
    at = signed_in(monkeypatch, db_path, VIEWER)
    at.session_state["role"] = "coordinator"
    at.session_state["user"] = {"email": COORDINATOR, "role": "coordinator"}
    at.query_params["role"] = "coordinator"
    at.run()
    open_url_path(at, url_path).run()
    assert "Not permitted" in texts(at)


def test_coordinator_sees_every_page(monkeypatch, db_path):
    at = signed_in(monkeypatch, db_path, COORDINATOR).run()
    assert {"Overview", "Settings", "Audit"} <= set(nav_labels(at))
    open_url_path(at, "settings").run()
    assert "Not permitted" not in texts(at)
    assert "Settings" in [t.value for t in at.title] and len(at.get("number_input")) >= 4


def test_local_mode_is_a_coordinator_with_a_banner(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path).run()
    assert "Local mode: no sign-in" in texts(at)
    assert {"Settings", "Audit"} <= set(nav_labels(at))


def test_local_mode_refuses_to_serve_beyond_this_computer(monkeypatch, db_path):
    from mentordash.ui import context

    monkeypatch.setattr(context, "served_on_loopback", lambda: False)
    at = app_test(monkeypatch, db_path).run()
    assert "serves this computer only" in texts(at)
    assert len(at.metric) == 0


def test_first_run_in_legacy_pages_mode_goes_through_the_frame(monkeypatch, db_path):
    """A fresh server runs its first request in Streamlit's pages/-folder mode, which would execute
    the requested page file alone, skipping sign-in; the page must refuse and restart via app.py."""
    at = app_test(
        monkeypatch,
        db_path,
        user={"is_logged_in": False},
        secrets={"auth": AUTH, "roles": ROLES},
        legacy_first_run=True,
    )
    open_url_path(at, "overview").run()
    assert PagesManager.uses_pages_directory is False  # the page switched Streamlit out of legacy mode
    assert len(at.metric) == 0
    assert [b.label for b in at.button] == ["Sign in"]


# --- One identity per run: the secrets and the user read once, afresh on the next run ---------------------


def _counting(monkeypatch, name: str) -> list:
    from mentordash.ui import context

    calls, real = [], getattr(context, name)
    monkeypatch.setattr(context, name, lambda: calls.append(name) or real())
    return calls


@pytest.mark.parametrize("email", [VIEWER, None])
def test_a_run_reads_the_secrets_and_the_user_once(monkeypatch, db_path, email):
    """Every figure asks the user's audience; a run answers them all from one reading (signed in as a viewer,
    and in local mode, where there is no secrets file to keep)."""
    secrets_read, users_read = _counting(monkeypatch, "_read_secrets_now"), _counting(monkeypatch, "_current_user_now")
    at = signed_in(monkeypatch, db_path, email) if email else app_test(monkeypatch, db_path)
    at.switch_page("pages/coverage.py").run()
    assert not at.exception and len(at.metric) == 4
    assert (len(secrets_read), len(users_read)) == (1, 1)
    at.run()
    assert (len(secrets_read), len(users_read)) == (2, 2)  # the next run reads them again


def test_a_reading_ends_with_its_run(monkeypatch):
    """Nested scopes (a fragment inside app.py's run) share the outer reading; after the run nothing is kept,
    even on a script run context that Streamlit reused."""
    import types

    from mentordash.ui import context

    run = types.SimpleNamespace()
    monkeypatch.setattr(context, "get_script_run_ctx", lambda suppress_warning=False: run)
    reads = _counting(monkeypatch, "_read_secrets_now")
    with context.one_identity_per_run():
        context.is_local_mode()
        with context.one_identity_per_run():
            context.is_local_mode()
    assert len(reads) == 1
    context.is_local_mode()
    with context.one_identity_per_run():
        context.is_local_mode()
    assert len(reads) == 3


def test_who_is_signed_in_counts_from_the_next_run(monkeypatch, db_path):
    """A run's reading is never kept for the next: a sign-in as someone else, or an edited roles list, shows
    at once."""
    at = signed_in(monkeypatch, db_path, VIEWER).run()
    assert "Settings" not in nav_labels(at)
    at.user = {"is_logged_in": True, "email": COORDINATOR}
    at.run()
    assert "Settings" in nav_labels(at)
    at.secrets = {"auth": AUTH, "roles": {"coordinators": [], "viewers": [COORDINATOR]}}
    at.run()
    assert "Settings" not in nav_labels(at) and "Overview" in nav_labels(at)


# --- Signed-in mode configured but unusable: said on the first page, not on the first click (issue 20) ---


def _config_error(at) -> str:
    return "\n".join(e.value for e in at.error)


@pytest.mark.parametrize("key", ["redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"])
def test_missing_auth_key_is_said_before_anyone_presses_sign_in(monkeypatch, db_path, key):
    auth = {k: v for k, v in AUTH.items() if k != key}
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False}, secrets={"auth": auth, "roles": ROLES}).run()
    assert not at.exception
    assert f"`{key}` is missing from [auth]" in _config_error(at)
    assert len(at.button) == 0 and len(at.metric) == 0 and nav_labels(at) == []


@pytest.mark.parametrize(
    "key, value, says",
    [
        ("redirect_uri", "https://mentordash.example.org/", "must end with /oauth2callback"),
        ("redirect_uri", "http://mentordash.example.org/oauth2callback", "uses http://"),
        ("server_metadata_url", "login.example.org/.well-known/openid-configuration", "must be a full address"),
        (
            "server_metadata_url",
            "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
            "shared endpoint 'common'",
        ),
        ("cookie_secret", "short", "has 5 characters"),
        ("client_id", "...", "placeholder"),
        ("client_secret", 12345, "not a int"),
    ],
)
def test_malformed_auth_value_is_named(monkeypatch, db_path, key, value, says):
    at = app_test(
        monkeypatch, db_path, user={"is_logged_in": False}, secrets={"auth": {**AUTH, key: value}, "roles": ROLES}
    ).run()
    assert says in _config_error(at) and f"`{key}`" in _config_error(at)
    assert len(at.button) == 0
    if key == "client_secret":
        assert "12345" not in _config_error(at)  # a secret is never repeated on screen


def test_missing_sign_in_package_is_said_at_start(monkeypatch, db_path):
    monkeypatch.setattr(access, "missing_auth_packages", lambda: ("Authlib>=1.3.2",))
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False}, secrets={"auth": AUTH, "roles": ROLES}).run()
    assert "Authlib>=1.3.2 is not installed" in _config_error(at) and "requirements.txt" in _config_error(at)
    assert len(at.button) == 0


def test_sign_in_packages_are_installed():
    """requirements.txt installs Streamlit's `auth` extra: st.login works on a fresh install."""
    assert access.missing_auth_packages.__wrapped__() == ()


def test_roles_that_list_nobody_are_said(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False}, secrets={"auth": AUTH}).run()
    assert "no [roles] table" in _config_error(at)
    at = app_test(
        monkeypatch,
        db_path,
        user={"is_logged_in": False},
        secrets={"auth": AUTH, "roles": {"coordinators": "pat.lee@hospital.example.org"}},
    ).run()
    assert "must be a list" in _config_error(at)


def test_unreadable_secrets_file_never_falls_back_to_local_mode(monkeypatch, db_path, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "https://x.example.org/oauth2callback\n')  # unclosed quote
    import streamlit as st
    from streamlit import config
    from streamlit.runtime.secrets import Secrets

    real_get_option = config.get_option
    monkeypatch.setattr(
        config, "get_option", lambda key: [str(secrets)] if key == "secrets.files" else real_get_option(key)
    )
    monkeypatch.setattr(st, "secrets", Secrets())  # fresh, reading only the file above
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False}).run()
    assert "cannot be read" in _config_error(at) and str(secrets) in _config_error(at)
    assert "Local mode" not in texts(at) and len(at.metric) == 0 and nav_labels(at) == []


# --- email_verified (issue 13, item 11) ----------------------------------------------------------------------


@pytest.mark.parametrize("verified", [False, "false", "False", 0, None])
def test_unverified_email_is_refused_even_when_listed(monkeypatch, db_path, verified):
    at = app_test(
        monkeypatch,
        db_path,
        user={"is_logged_in": True, "email": COORDINATOR, "email_verified": verified},
        secrets={"auth": AUTH, "roles": ROLES},
    ).run()
    assert not at.exception
    assert "has not verified" in texts(at)
    assert len(at.metric) == 0 and nav_labels(at) == []
    assert [b.label for b in at.button] == ["Sign out"]


@pytest.mark.parametrize("verified", [True, "true"])
def test_verified_email_is_let_in(monkeypatch, db_path, verified):
    at = app_test(
        monkeypatch,
        db_path,
        user={"is_logged_in": True, "email": COORDINATOR, "email_verified": verified},
        secrets={"auth": AUTH, "roles": ROLES},
    ).run()
    assert "has not verified" not in texts(at)
    assert {"Overview", "Settings"} <= set(nav_labels(at))


def test_email_shown_as_plain_text(monkeypatch, db_path):
    hostile = "[Sign in again](https://evil.example)@elsewhere.example.com"
    at = signed_in(monkeypatch, db_path, hostile).run()
    shown = _config_error(at)
    assert f"{plain(hostile)} is not on the list" in shown  # every sign escaped: no link, no mailto
    assert hostile not in shown and "](" not in shown


# --- Local mode answers this computer only, by its own name (issue 13, item 9) ------------------------------


def test_local_mode_refuses_another_host_name(monkeypatch, db_path):
    from mentordash.ui import context

    monkeypatch.setattr(
        context, "local_request_problem", lambda: access.local_request_problem({"host": "evil.example:8501"}, 8501)
    )
    at = app_test(monkeypatch, db_path).run()
    assert "is not this computer" in texts(at)
    assert len(at.metric) == 0 and nav_labels(at) == []


def test_the_router_lists_every_page_file_and_no_other():
    """app.py's PAGES and pages/*.py agree both ways: a page is never silently left out of the navigation."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    tree = ast.parse((root / "app.py").read_text())
    listed = [
        elt.elts[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets)
        for elt in node.value.elts
    ]
    assert sorted(listed) == sorted(p.name for p in (root / "pages").glob("*.py"))


def test_the_page_icon_is_drawn_without_a_download():
    """A shortcode such as ":bar_chart:" has every first visit's browser fetch Streamlit's emoji table (250 KB
    of JavaScript, measured: 0.2 s of the overview's first load) to look it up, and a ":material/...:" icon
    is fetched from Google's font servers; a literal emoji is drawn as it is."""
    import ast
    from pathlib import Path

    from streamlit.string_util import is_emoji

    tree = ast.parse((Path(__file__).resolve().parent.parent / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "set_page_config"]
    icons = [ast.literal_eval(k.value) for call in calls for k in call.keywords if k.arg == "page_icon"]
    assert len(icons) == 1 and is_emoji(icons[0]), icons
