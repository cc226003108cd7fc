"""The synthetic demo database: deterministic, valid against docs/datasets.md, and realistic enough to
show the effects the literature reports.

Realism bounds are loose on purpose: one department is small, and the bounds hold for other seeds
too, not only for 42. The direction of the mentoring effects (less burnout, more load on women and
URiM faculty) is checked on the default demo (seed 42), which is what users see, and on the
consortium, where chance cannot hide it; a single department with another seed can show a
reversed difference now and then (a few URiM faculty, a few dozen unmentored respondents)."""

from __future__ import annotations

import hashlib

import pytest

from mentordash.db import connect
from mentordash.demo import DEMO_SCALES, build_demo

TABLES = ("people", "mentorships", "meetings", "survey", "applicants", "outcomes")
AS_OF = "DATE '2026-06-30'"
URIM = (
    "coalesce(urim, list_has_any(race_ethnicity, ['black', 'hispanic_latino', "
    "'american_indian_alaska_native', 'native_hawaiian_pacific_islander']))"
)
ACTIVE = f"start_date <= {AS_OF} AND (end_date IS NULL OR end_date > {AS_OF})"

# Allowed values, copied from docs/datasets.md rather than imported, so the test checks the spec.
ALLOWED = {
    ("people", "career_stage"): {"student", "resident", "fellow", "junior_faculty", "senior_faculty"},
    ("people", "gender"): {"woman", "man", "nonbinary", "another", "undisclosed"},
    ("people", "departure_reason"): {"completed", "left_early", "dismissed", "retired", "other"},
    ("mentorships", "role"): {"mentor", "sponsor", "advisor", "coach", "peer"},
    ("mentorships", "source"): {"formal_program", "research", "society", "alumni", "social_media", "meeting", "other"},
    ("meetings", "kind"): {
        "one_on_one",
        "group",
        "research",
        "shadowing",
        "journal_club",
        "grand_rounds",
        "society_meeting",
        "other",
    },
    ("survey", "career_stage"): {"student", "resident", "fellow", "junior_faculty", "senior_faculty"},
    ("survey", "gender"): {"woman", "man", "nonbinary", "another", "undisclosed"},
    ("applicants", "track"): {"residency", "fellowship", "faculty", "student_rotation"},
    ("applicants", "gender"): {"woman", "man", "nonbinary", "another", "undisclosed"},
    ("applicants", "stage_reached"): {"applied", "interviewed", "ranked", "matched"},
    ("outcomes", "kind"): {"publication", "promotion", "grant", "award"},
}
ALLOWED_LISTS = {
    ("people", "race_ethnicity"): {
        "american_indian_alaska_native",
        "asian",
        "black",
        "hispanic_latino",
        "native_hawaiian_pacific_islander",
        "white",
        "another",
        "undisclosed",
    },
    ("applicants", "pipeline"): {"perry_initiative", "nth_dimensions", "rjos", "jrgos", "other"},
}
ALLOWED_LISTS[("survey", "race_ethnicity")] = ALLOWED_LISTS[("people", "race_ethnicity")]
ALLOWED_LISTS[("applicants", "race_ethnicity")] = ALLOWED_LISTS[("people", "race_ethnicity")]
ITEM_RANGES = {
    "mini_z_burnout": (1, 5),
    "mini_z_satisfaction": (1, 5),
    "mini_z_stress": (1, 5),
    "mbi_ee_item": (0, 6),
    "mbi_dp_item": (0, 6),
    "career_satisfaction": (1, 5),
    "mentorship_satisfaction": (1, 5),
    **{f"pfi_{part}_{i}": (0, 4) for part, n in (("pf", 6), ("we", 4), ("id", 6)) for i in range(1, n + 1)},
}


def _build(tmp_path, name: str, scale: str = "department", seed: int = 42):
    db = connect(tmp_path / f"{name}.duckdb")
    counts = build_demo(db, scale, seed)
    return db, counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db, counts = _build(tmp_path_factory.mktemp("demo"), "demo")
    yield db, counts
    db.close()


def _table(db, table: str):
    return db.df(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL")


def test_same_seed_same_database_other_seed_differs(tmp_path, demo):
    db, _ = demo
    again, _ = _build(tmp_path, "again")
    other, _ = _build(tmp_path, "other", seed=7)
    for table in TABLES:
        assert _table(db, table).equals(_table(again, table)), table
    assert db.rows("SELECT * FROM imports") == again.rows("SELECT * FROM imports")
    assert not _table(db, "people").equals(_table(other, "people"))


def test_refuses_a_database_with_people_and_unknown_scales(tmp_path, demo):
    db, _ = demo
    with pytest.raises(ValueError, match="empty"):
        build_demo(db)
    with pytest.raises(ValueError, match="scale"):
        build_demo(connect(tmp_path / "x.duckdb"), "planet")
    assert DEMO_SCALES == ("department", "consortium", "national")


def test_counts_and_the_demo_import(demo):
    db, counts = demo
    for table in TABLES:
        assert counts[table] == db.scalar(f"SELECT count(*) FROM {table}") > 0
        assert db.scalar(f"SELECT count(*) FROM {table} WHERE import_id IS DISTINCT FROM 'demo'") == 0
    row = db.rows("SELECT imported_by, file_name, sha256, dataset, format, rows FROM imports")
    assert row == [
        (
            "demo",
            "demo:department:42",
            hashlib.sha256(b"demo:department:42").hexdigest(),
            "demo",
            "demo",
            sum(counts.values()),
        )
    ]
    assert db.data_version() >= 2
    assert 350 <= counts["people"] <= 480


def test_every_enumerated_value_is_allowed(demo):
    db, _ = demo
    for (table, column), allowed in ALLOWED.items():
        found = {v for (v,) in db.rows(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")}
        assert found <= allowed, (table, column, found - allowed)
    for (table, column), allowed in ALLOWED_LISTS.items():
        found = {v for (v,) in db.rows(f"SELECT DISTINCT unnest({column}) FROM {table}")}
        assert found <= allowed, (table, column, found - allowed)
    every_role = {v for (v,) in db.rows("SELECT DISTINCT role FROM mentorships")}
    every_source = {v for (v,) in db.rows("SELECT DISTINCT source FROM mentorships")}
    assert every_role == ALLOWED[("mentorships", "role")]
    assert every_source == ALLOWED[("mentorships", "source")]


def test_values_in_range(demo):
    db, _ = demo
    checks = [
        "SELECT count(*) FROM people WHERE pgy NOT BETWEEN 1 AND 7",
        "SELECT count(*) FROM people WHERE pgy IS NOT NULL AND career_stage NOT IN ('resident', 'fellow')",
        "SELECT count(*) FROM people WHERE career_stage = 'resident' AND pgy IS NULL",
        "SELECT count(*) FROM people WHERE (end_date IS NULL) <> (departure_reason IS NULL)",
        "SELECT count(*) FROM people WHERE institution IS NOT NULL OR person_id NOT SIMILAR TO 'P[0-9]{5,}'",
        "SELECT count(*) FROM meetings WHERE minutes <= 0",
        "SELECT count(*) FROM outcomes WHERE count < 1",
        "SELECT count(*) FROM mentorships WHERE source = 'formal_program' AND NOT formal",
        "SELECT count(*) FROM mentorships WHERE mentor_id = mentee_id",
        *(
            f"SELECT count(*) FROM survey WHERE {item} NOT BETWEEN {low} AND {high}"
            for item, (low, high) in ITEM_RANGES.items()
        ),
    ]
    for sql in checks:
        assert db.scalar(sql) == 0, sql


def test_dates_stay_within_the_demo_period(demo):
    db, _ = demo
    end = "DATE '2026-10-31'"
    checks = [
        f"SELECT count(*) FROM people WHERE start_date > {end} OR end_date > {end} OR end_date <= start_date",
        f"SELECT count(*) FROM mentorships WHERE start_date > {end} OR end_date > {end} OR end_date <= start_date",
        f"SELECT count(*) FROM meetings WHERE date < DATE '2020-07-01' OR date > {end}",
        f"SELECT count(*) FROM survey WHERE submitted_at < DATE '2020-07-01' OR submitted_at >= {end} + 1",
        f"SELECT count(*) FROM outcomes WHERE date > {end}",
        "SELECT count(*) FROM applicants WHERE cycle NOT BETWEEN 2022 AND 2026",
        # Relationships and meetings only while the mentee is in the department.
        """SELECT count(*) FROM mentorships r JOIN people p ON p.person_id = r.mentee_id
           WHERE r.start_date < p.start_date OR r.end_date > p.end_date""",
        """SELECT count(*) FROM meetings m JOIN people p ON p.person_id = m.mentee_id
           WHERE m.date < p.start_date OR m.date > p.end_date""",
    ]
    for sql in checks:
        assert db.scalar(sql) == 0, sql


def test_ids_refer_to_the_roster_and_some_mentors_are_external(demo):
    db, _ = demo
    assert db.scalar("SELECT count(*) FROM mentorships WHERE mentee_id NOT IN (SELECT person_id FROM people)") == 0
    assert db.scalar("SELECT count(*) FROM meetings WHERE mentee_id NOT IN (SELECT person_id FROM people)") == 0
    assert db.scalar("SELECT count(*) FROM outcomes WHERE person_id NOT IN (SELECT person_id FROM people)") == 0
    outside = "mentor_id NOT IN (SELECT person_id FROM people)"
    assert db.scalar(f"SELECT count(*) FROM mentorships WHERE {outside} AND mentor_id NOT LIKE 'EXT%'") == 0
    assert db.scalar(f"SELECT count(DISTINCT mentor_id) FROM mentorships WHERE {outside}") >= 5
    faculty_share = db.scalar("""
        SELECT avg((p.career_stage IN ('junior_faculty', 'senior_faculty'))::INT)
        FROM mentorships r JOIN people p ON p.person_id = r.mentor_id WHERE r.role = 'mentor'""")
    assert faculty_share > 0.95


def _share(db, condition: str, among: str) -> float:
    return db.scalar(f"SELECT avg(({condition})::INT) FROM people WHERE {among}")


def test_the_roster_looks_like_an_orthopaedic_department(demo):
    db, _ = demo
    residents = f"career_stage = 'resident' AND {ACTIVE}"
    known_gender = "gender IN ('woman', 'man', 'nonbinary', 'another')"
    assert 30 <= db.scalar(f"SELECT count(*) FROM people WHERE {residents}") <= 40
    women_residents = _share(db, "gender = 'woman'", f"{residents} AND {known_gender}")
    women_seniors = _share(db, "gender = 'woman'", f"career_stage = 'senior_faculty' AND {ACTIVE} AND {known_gender}")
    women_students = _share(db, "gender = 'woman'", f"career_stage = 'student' AND {ACTIVE} AND {known_gender}")
    assert 0.10 <= women_residents <= 0.25
    assert women_seniors < women_residents < women_students
    assert (
        db.scalar(f"SELECT avg({URIM}::INT) FROM people WHERE {residents} AND race_ethnicity <> ['undisclosed']") < 0.10
    )
    assert db.scalar("SELECT count(*) FROM people WHERE len(race_ethnicity) = 2") > 0
    assert db.scalar("SELECT count(*) FROM people WHERE urim IS NOT NULL") > 0
    assert _share(db, "urim IS NULL", "true") > 0.9
    assert (
        db.scalar(
            "SELECT count(*) FROM people WHERE departure_reason IN ('left_early', 'dismissed') "
            "AND career_stage = 'resident'"
        )
        > 0
    )


def _coverage(db, stage: str, engaged: bool = False) -> float:
    relationship = f"""r.mentee_id = p.person_id AND r.role = 'mentor' AND r.start_date <= {AS_OF}
                       AND (r.end_date IS NULL OR r.end_date >= {AS_OF})"""
    met = (
        f"""AND EXISTS (SELECT 1 FROM meetings m WHERE m.mentor_id = r.mentor_id AND m.mentee_id = r.mentee_id
                          AND m.date > {AS_OF} - 180 AND m.date <= {AS_OF})"""
        if engaged
        else ""
    )
    return db.scalar(f"""SELECT avg((EXISTS (SELECT 1 FROM mentorships r WHERE {relationship} {met}))::INT)
                         FROM people p WHERE career_stage = '{stage}' AND {ACTIVE}""")


def test_coverage_is_realistic(demo):
    db, _ = demo
    residents = _coverage(db, "resident")
    assert 0.6 <= residents <= 0.95
    assert _coverage(db, "resident", engaged=True) < residents
    assert _coverage(db, "student") < residents
    assert _coverage(db, "senior_faculty") < _coverage(db, "junior_faculty")
    loads = db.rows(f"""SELECT count(DISTINCT mentee_id) FROM mentorships WHERE role = 'mentor'
                        AND start_date <= {AS_OF} AND (end_date IS NULL OR end_date >= {AS_OF}) GROUP BY mentor_id""")
    assert max(load for (load,) in loads) > 4


def _burnout_by_mentoring(db) -> dict:
    """Mini-Z burnout among complete responses, by mentored as docs/metrics.md defines it."""
    return dict(
        db.rows("""
        WITH scored AS (
            SELECT s.mini_z_burnout >= 3 AS burned_out,
                   CASE WHEN s.person_id IS NULL THEN s.has_mentor
                        ELSE EXISTS (SELECT 1 FROM mentorships r WHERE r.mentee_id = s.person_id AND r.role = 'mentor'
                                     AND r.start_date <= s.submitted_at::DATE
                                     AND (r.end_date IS NULL OR r.end_date >= s.submitted_at::DATE)) END AS mentored
            FROM survey s WHERE s.complete AND s.mini_z_burnout IS NOT NULL)
        SELECT mentored, avg(burned_out::INT) FROM scored GROUP BY mentored""")
    )


def test_mentored_respondents_report_less_burnout(demo):
    db, _ = demo
    rates = _burnout_by_mentoring(db)
    assert rates[True] < rates[False]
    residents = db.scalar("""SELECT avg((mini_z_burnout >= 3)::INT) FROM survey
                             WHERE complete AND career_stage = 'resident'""")
    faculty = db.scalar("""SELECT avg((mini_z_burnout >= 3)::INT) FROM survey
                           WHERE complete AND career_stage IN ('junior_faculty', 'senior_faculty')""")
    assert 0.25 <= faculty < residents <= 0.6


def test_survey_waves_instruments_and_linkage(demo):
    db, _ = demo
    waves = [w for (w,) in db.rows("SELECT DISTINCT survey FROM survey ORDER BY 1")]
    assert waves == [f"Wellbeing {year} Spring" for year in range(2023, 2027)]
    assert db.scalar("SELECT count(DISTINCT survey) FROM survey WHERE pfi_we_1 IS NOT NULL") >= 2
    assert db.scalar("SELECT count(DISTINCT survey) FROM survey WHERE mbi_ee_item IS NOT NULL") >= 2
    anonymous = db.scalar("SELECT avg((person_id IS NULL)::INT) FROM survey")
    assert 0.05 < anonymous < 0.3
    assert db.scalar("SELECT count(*) FROM survey WHERE NOT complete") > 0
    assert db.scalar("SELECT count(*) FROM survey WHERE person_id IS NULL AND career_stage IS NULL") == 0
    # Linked responses carry the respondent's roster demographics.
    assert (
        db.scalar("""SELECT count(*) FROM survey s JOIN people p USING (person_id)
                        WHERE s.career_stage <> p.career_stage OR s.gender IS DISTINCT FROM p.gender""")
        == 0
    )


def _mentees_per_faculty_member(db, group: str, known: str) -> dict:
    """Active mentees (role mentor) per active faculty member, averaged over each 1 July."""
    return dict(
        db.rows(f"""
        WITH snapshot AS (
            SELECT d.day, p.person_id, {group} AS grp
            FROM (SELECT make_date(y::INT, 7, 1) AS day FROM range(2020, 2027) t(y)) d
            JOIN people p ON p.start_date <= d.day AND (p.end_date IS NULL OR p.end_date > d.day)
            WHERE p.career_stage IN ('junior_faculty', 'senior_faculty') AND {known})
        SELECT grp, avg((SELECT count(DISTINCT r.mentee_id) FROM mentorships r
                         WHERE r.mentor_id = snapshot.person_id AND r.role = 'mentor' AND r.start_date <= snapshot.day
                           AND (r.end_date IS NULL OR r.end_date >= snapshot.day)))
        FROM snapshot GROUP BY grp""")
    )


def _assert_minority_tax(db) -> None:
    women = _mentees_per_faculty_member(db, "gender = 'woman'", "gender IN ('woman', 'man')")
    urim = _mentees_per_faculty_member(db, URIM, "race_ethnicity <> ['undisclosed']")
    assert women[True] > women[False]
    assert urim[True] > urim[False]


def test_women_and_urim_faculty_carry_more_mentees_per_capita(demo):
    _assert_minority_tax(demo[0])


def test_recruitment_funnel(demo):
    db, _ = demo
    funnels = db.rows("""
        SELECT cycle, track, count(*),
               count(*) FILTER (stage_reached IN ('interviewed', 'ranked', 'matched')),
               count(*) FILTER (stage_reached IN ('ranked', 'matched')),
               count(*) FILTER (stage_reached = 'matched')
        FROM applicants GROUP BY ALL ORDER BY ALL""")
    assert len(funnels) == 5 * 4
    for cycle, track, *stages in funnels:
        assert stages == sorted(stages, reverse=True) and stages[-1] > 0, (cycle, track, stages)
        if track == "residency":
            assert 500 <= stages[0] <= 700 and 3 <= stages[-1] <= 12
    pipeline = db.scalar("SELECT avg((pipeline IS NOT NULL)::INT) FROM applicants")
    assert 0.08 <= pipeline <= 0.2
    perry_women = db.scalar(
        "SELECT avg((gender = 'woman')::INT) FROM applicants WHERE list_contains(pipeline, 'perry_initiative')"
    )
    assert perry_women > 0.8


def test_outcomes(demo):
    db, _ = demo
    kinds = dict(db.rows("SELECT kind, count(*) FROM outcomes GROUP BY 1"))
    assert set(kinds) == {"publication", "promotion", "grant", "award"}
    assert (
        db.scalar("""SELECT count(*) FROM outcomes o JOIN people p USING (person_id)
                        WHERE o.kind = 'promotion' AND p.career_stage <> 'senior_faculty'""")
        == 0
    )
    assert (
        db.scalar("""SELECT count(*) FROM outcomes o JOIN people p USING (person_id)
                        WHERE o.date < p.start_date OR o.date > p.end_date""")
        == 0
    )


def test_consortium_scale_smoke_and_the_effects_at_scale(tmp_path):
    """One department is small enough for chance to hide an effect in some seeds; fifty are not."""
    db, counts = _build(tmp_path, "consortium", "consortium")
    assert 15_000 <= counts["people"] <= 25_000
    assert 400_000 <= counts["survey"] <= 600_000
    assert db.scalar("SELECT count(DISTINCT institution) FROM people") == 50
    assert db.scalar("SELECT count(*) FROM people WHERE institution IS NULL") == 0
    rates = _burnout_by_mentoring(db)
    assert 0.03 <= rates[False] - rates[True] <= 0.12
    _assert_minority_tax(db)
    for stage, (unmentored, mentored) in _publications_per_year(db).items():
        assert 1.05 < mentored / unmentored < 1.6, stage
    years_to_promotion = dict(
        db.rows("""
        SELECT p.person_id IN (SELECT mentee_id FROM mentorships WHERE role = 'mentor'),
               median(o.date - p.start_date)
        FROM people p JOIN outcomes o ON o.person_id = p.person_id AND o.kind = 'promotion' GROUP BY 1""")
    )
    assert years_to_promotion[True] < years_to_promotion[False]


def _publications_per_year(db) -> dict:
    """Publications a year from mid-2023 to mid-2026 of people present throughout, by stage and by
    whether they had a mentor halfway through (a simple stand-in for docs/metrics.md's definition)."""
    rows = db.rows("""
        SELECT p.career_stage,
               EXISTS (SELECT 1 FROM mentorships r WHERE r.mentee_id = p.person_id AND r.role = 'mentor'
                       AND r.start_date <= DATE '2025-01-01' AND (r.end_date IS NULL OR r.end_date >= DATE '2025-01-01')),
               sum(coalesce(o.count, 0)) / count(DISTINCT p.person_id) / 3
        FROM people p LEFT JOIN outcomes o ON o.person_id = p.person_id AND o.kind = 'publication'
             AND o.date > DATE '2023-06-30' AND o.date <= DATE '2026-06-30'
        WHERE p.start_date <= DATE '2023-06-30' AND (p.end_date IS NULL OR p.end_date > DATE '2026-06-30')
          AND p.career_stage IN ('resident', 'junior_faculty', 'senior_faculty')
        GROUP BY ALL""")
    by_stage: dict = {}
    for stage, mentored, rate in rows:
        by_stage.setdefault(stage, [0.0, 0.0])[mentored] = rate
    return by_stage
