"""Many users during an import (issue 19), at the small size `make test` runs: four WebSocket sessions and
a real browser work through pages and filters while a coordinator, in another browser, imports a roster
and undoes it. The full size (20 sessions for four minutes) is `python -m tests.load.run` (README,
"Running under load"); both run tests/load/run.py."""

import pytest

from tests.load.run import load_test

pytestmark = pytest.mark.browser


def test_five_sessions_during_an_import_and_its_undo_see_no_error_and_no_mixed_page():
    result = load_test(sessions=5, browsers=1, minutes=0.35, rows=2000, filters=["", "urim=urim"], quiet=True)
    assert result["problems"] == []
    assert result["runs_with_errors"] == 0
    assert result["import_seconds"] is not None and result["undo_seconds"] is not None  # both happened
    changed, views = result["page_views_the_import_changes"].split(" of ")
    assert int(changed) >= int(views) // 2  # the import moves most pages' figures, so a mix would show
    shown = result["runs_showing"]
    assert shown["old"] > 0 and shown["new"] > 0  # pages were drawn on both sides of the import
    assert result["page_seconds"]["browser"]["runs"] > 0
