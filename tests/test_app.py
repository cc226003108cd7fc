"""The router and its guards: sign-in, roles, pages refused by URL, local mode, legacy page runs."""

from datetime import date

import pytest
from streamlit.runtime.pages_manager import PagesManager

from mentordash import access
from tests.apptest import app_test, open_url_path, signed_in, texts
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
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False},
                  secrets={"auth": {"cookie_secret": "x"}, "roles": {"viewers": ["x.org"]}}).run()
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
    assert len(at.button) == 0 and len(at.get("file_uploader")) == 0 and len(at.dataframe) == 0


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
    at = app_test(monkeypatch, db_path, user={"is_logged_in": False},
                  secrets={"auth": {"cookie_secret": "x"}, "roles": {"viewers": ["x.org"]}}, legacy_first_run=True)
    open_url_path(at, "overview").run()
    assert PagesManager.uses_pages_directory is False  # the page switched Streamlit out of legacy mode
    assert len(at.metric) == 0
    assert [b.label for b in at.button] == ["Sign in"]
