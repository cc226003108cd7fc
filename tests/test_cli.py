"""The command line: the summary contract on a database whose answers are known, and --help."""

import json
import subprocess
import sys
from datetime import date

import pytest

from mentordash.cli import main
from tests.builders import add_mentorships, add_people, new_db, person

AS_OF = "2026-06-30"


@pytest.fixture
def db_path(tmp_path):
    db = new_db(tmp_path, "summary.duckdb")
    add_people(
        db,
        *[person(f"R{i}", "resident", date(2024, 7, 1), gender="woman" if i < 4 else "man") for i in range(10)],
        *[person(f"J{i}", "junior_faculty", date(2020, 7, 1)) for i in range(6)],
        *[person(f"S{i}", "senior_faculty", date(2010, 7, 1)) for i in range(2)],
    )
    add_mentorships(
        db,
        *[dict(mentor_id=f"J{i % 6}", mentee_id=f"R{i}", start_date=date(2025, 1, 1)) for i in range(8)],
        *[dict(mentor_id="S0", mentee_id=f"J{i}", start_date=date(2025, 1, 1)) for i in range(3)],
    )
    db.close()
    return str(tmp_path / "summary.duckdb")


def run_summary(capsys, *args):
    assert main(["summary", "--db", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_contract(db_path, capsys):
    result = run_summary(capsys, db_path, "--as-of", AS_OF, "--json")
    assert result["as_of"] == AS_OF and result["filters"] == {} and result["min_cell"] == 5
    assert result["coverage"]["all"] == {"n": 18, "covered": 11, "pct": 61.1, "engaged": 0, "engaged_pct": 0.0}
    by_stage = result["coverage"]["by_stage"]
    assert by_stage["resident"] == {"n": 10, "covered": 8, "pct": 80.0, "engaged": 0, "engaged_pct": 0.0}
    # Senior faculty (2) are hidden, and so is the next smallest stage, since the total is shown.
    hidden = {"n": None, "covered": None, "pct": None, "engaged": None, "engaged_pct": None, "suppressed": True}
    assert by_stage["senior_faculty"] == hidden and by_stage["junior_faculty"] == hidden
    # Mentors: J0 (R0, R6), J1 (R1, R7), J2..J5 (one each), S0 (J0..J2): 7 mentors, 11 mentees.
    assert result["mentor_load"] == {"mentors": 7, "mean": 1.57, "max": 3, "over_capacity": 0, "capacity": 4}
    assert result["burnout"] == [] and result["recruitment"] == []


def test_summary_filters(db_path, capsys):
    result = run_summary(capsys, db_path, "--as-of", AS_OF, "--json", "--stage", "resident", "--gender", "man")
    assert result["filters"] == {"career_stage": ["resident"], "gender": ["man"]}
    assert result["coverage"]["all"]["n"] == 6 and result["coverage"]["all"]["covered"] == 4
    narrow = run_summary(capsys, db_path, "--as-of", AS_OF, "--json", "--stage", "resident", "--gender", "woman")
    assert narrow["coverage"]["all"]["suppressed"] is True and narrow["coverage"]["all"]["pct"] is None


def test_summary_text(db_path, capsys):
    assert main(["summary", "--db", db_path, "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "61.1% of 18 active people" in out and "fewer than 5" in out


@pytest.mark.parametrize("bad", [["--as-of", "30/06/2026"], ["--stage", "intern"], ["--urim", "maybe"]])
def test_bad_arguments_exit_2_with_a_message(db_path, capsys, bad):
    with pytest.raises(SystemExit) as exit_info:
        main(["summary", "--db", db_path, *bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "error: argument" in err and bad[1] in err


def test_demo_refuses_to_overwrite(db_path, capsys):
    assert main(["demo", "--db", db_path]) == 1
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["demo", "summary"])
def test_help(command):
    out = subprocess.run([sys.executable, "-m", "mentordash", command, "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--db" in out.stdout


def test_a_database_held_by_another_process_gets_a_clear_message(db_path, capsys):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)",
            db_path,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert main(["summary", "--db", db_path, "--as-of", AS_OF]) == 1
        err = capsys.readouterr().err
        assert "in use by another program" in err and "Traceback" not in err
    finally:
        holder.kill()
        holder.wait()


def test_an_import_and_its_undo_leave_the_first_view_its_summaries_kept(db_path, tmp_path, capsys, monkeypatch):
    """After a command line import (and after undoing it) the summaries a first view needs are in the file:
    the next process shows the wellbeing figures without scoring a response, the figures the import made."""
    from mentordash.db import connect
    from mentordash.metrics import wellbeing
    from mentordash.metrics.filters import Filters

    wave = tmp_path / "wave.csv"
    wave.write_text(
        "response_id,survey,submitted_at,mini_z_burnout\n"
        + "".join(f"w-{i},Spring 2026,2026-03-0{1 + i % 5} 10:00:00,{1 + i % 5}\n" for i in range(30))
    )
    assert main(["import", str(wave), "--db", str(db_path), "--json"]) == 0
    import_id = json.loads(capsys.readouterr().out)["import_id"]

    def first_view() -> tuple[list, int]:
        db = connect(db_path)
        builds = []
        derived = db.derived
        monkeypatch.setattr(
            db,
            "derived",
            lambda key, compute, recipe=None: derived(key, lambda: builds.append(key) or compute(), recipe),
        )
        try:
            burnout = wellbeing.burnout_prevalence(db, Filters())
            wellbeing.response_rates(db, Filters())
            return builds, int(burnout["n"].sum())
        finally:
            db.close()

    assert first_view() == ([], 30)  # 30 scoreable Mini-Z answers, read from the kept summary
    assert main(["undo", import_id, "--db", str(db_path)]) == 0
    assert first_view() == ([], 0)
