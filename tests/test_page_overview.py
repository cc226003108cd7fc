"""AppTest of the overview: tiles from the metrics layer, suppression, filters kept across pages."""

from datetime import date

import pytest

from mentordash.metrics.filters import Filters
from mentordash.metrics.overview import all_tiles
from mentordash.ui.safe import plain
from tests.apptest import app_test, texts
from tests.builders import add_meetings, add_mentorships, add_people, new_db, person

AS_OF = date(2026, 6, 30)


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "overview.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2023, 7, 1), gender="woman" if i < 5 else "man") for i in range(12)],
        *[person(f"J{i}", "junior_faculty", date(2019, 7, 1)) for i in range(8)],
        *[person(f"S{i}", "senior_faculty", date(2005, 7, 1), gender="woman" if i < 2 else "man") for i in range(6)],
    )
    add_mentorships(
        db,
        *[dict(mentor_id=f"S{i % 6}", mentee_id=f"R{i}", start_date=date(2024, 1, 1)) for i in range(9)],
        *[dict(mentor_id=f"S{i % 6}", mentee_id=f"J{i}", start_date=date(2025, 9, 1)) for i in range(4)],
    )
    add_meetings(db, *[dict(mentor_id=f"S{i % 6}", mentee_id=f"R{i}", date=date(2026, 5, 1)) for i in range(3)])
    db.close()
    return tmp_path / "overview.duckdb"


def metrics_shown(at):
    return {m.label: m.value for m in at.metric}


def test_overview_shows_the_metrics_layer_numbers(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    assert not at.exception
    shown = metrics_shown(at)
    assert shown["Trainees mentored"] == "75.0%"  # 9 of 12 residents
    assert shown["Junior faculty mentored"] == "50.0%"  # 4 of 8
    assert shown["Engaged with a mentor"] == "11.5%"  # 3 of 26
    assert shown["Active relationships"] == "13"
    assert shown["Mentors over capacity"] == "0"
    assert "Local mode: no sign-in" in texts(at)
    chart = at.get("plotly_chart")[0].proto.spec
    assert "best mentored" in chart


def test_page_equals_metrics(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    from mentordash.db import connect

    db = connect(db_path)
    expected = {t.label: t for t in all_tiles(db, AS_OF, Filters())}
    db.close()
    for label, value in metrics_shown(at).items():
        tile = expected[label]
        if tile.unit == "%" and tile.value is not None:
            assert value == f"{tile.value:.1f}%"


def test_filter_below_min_cell_shows_nothing_else(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.query_params["stage"] = "senior_faculty"
    at.query_params["gender"] = "woman"
    at.run()
    assert "fewer than 5 people" in texts(at)
    assert len(at.metric) == 0 and len(at.get("plotly_chart")) == 0


def test_filters_survive_a_page_switch_and_reach_the_url(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    at.multiselect(key="f_stage").set_value(["resident"]).run()
    assert metrics_shown(at)["Junior faculty mentored"] == "No data"
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    assert at.multiselect(key="f_stage").value == ["resident"]
    at.switch_page("pages/overview.py").run()
    assert at.multiselect(key="f_stage").value == ["resident"]
    assert metrics_shown(at)["Junior faculty mentored"] == "No data"
    assert at.query_params["stage"] == "resident"


def test_bad_url_parameters_are_ignored_with_a_warning(monkeypatch, db_path):
    at = app_test(monkeypatch, db_path)
    at.query_params["stage"] = ["resident", "x'; DROP TABLE people; --"]
    at.query_params["as_of"] = "yesterday"
    at.run()
    assert not at.exception
    assert at.multiselect(key="f_stage").value == ["resident"]
    warnings = " ".join(w.value for w in at.warning)
    # shown as plain text (issue 13): the Markdown source escapes every sign (mentordash.ui.safe.plain)
    assert plain("stage=x'; DROP TABLE people; --") in warnings and plain("as_of=yesterday") in warnings


HOSTILE = ["x'; DROP TABLE people; --", "1 OR 1=1", "<script>alert(1)</script>", "../../etc/passwd"]


@pytest.mark.parametrize("param", ["stage", "gender", "race", "division", "institution", "urim", "as_of"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_link_values_in_every_filter_change_nothing(monkeypatch, db_path, param, value):
    at = app_test(monkeypatch, db_path)
    at.query_params[param] = value
    at.run()
    assert not at.exception
    assert plain(f"{param}={value}") in " ".join(w.value for w in at.warning)
    assert metrics_shown(at)["Trainees mentored"] != "No data"  # the view is unfiltered, not broken
    from mentordash.db import connect

    db = connect(db_path)
    assert db.scalar("SELECT count(*) FROM people") == 26
    db.close()


def test_hidden_tile_says_fewer_than_min_cell_never_the_number(monkeypatch, db_path):
    from mentordash.db import connect

    db = connect(db_path)
    db.set_setting("min_cell", 7, user="test")  # six mentors: the capacity tile must hide
    db.close()
    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    hidden = [m for m in at.metric if m.value == "Hidden"]
    assert [m.label for m in hidden] == ["Mentors over capacity"]
    assert all(m.delta == "fewer than 7 people" for m in hidden)


def test_dataset_freshness_is_computed_when_its_section_opens(monkeypatch, db_path):
    from mentordash.ui.overview_view import FRESHNESS_KEY

    at = app_test(monkeypatch, db_path)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    assert not at.exception
    (section,) = [e for e in at.expander if e.label == "Latest data in each dataset"]
    assert not section.dataframe  # closed: nothing computed
    at.session_state[FRESHNESS_KEY] = True
    at.run()
    assert not at.exception
    (section,) = [e for e in at.expander if e.label == "Latest data in each dataset"]
    (table,) = [d.value for d in section.dataframe]
    assert "people" in table.to_string()
