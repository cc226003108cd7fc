"""Where the database lives and what every setting is before anyone changes it."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "mentordash.duckdb"

CAREER_STAGES = ("student", "resident", "fellow", "junior_faculty", "senior_faculty")
TRAINEE_STAGES = ("student", "resident", "fellow")
FACULTY_STAGES = ("junior_faculty", "senior_faculty")
ROLES = ("mentor", "sponsor", "advisor", "coach", "peer")
GENDERS = ("woman", "man", "nonbinary", "another", "undisclosed")
RACE_ETHNICITIES = (
    "american_indian_alaska_native", "asian", "black", "hispanic_latino",
    "native_hawaiian_pacific_islander", "white", "another", "undisclosed",
)
TRACKS = ("residency", "fellowship", "faculty", "student_rotation")
APPLICANT_STAGES = ("applied", "interviewed", "ranked", "matched")
DATASETS = ("people", "mentorships", "meetings", "survey", "applicants", "outcomes")

STAGE_LABELS = {
    "student": "Students", "resident": "Residents", "fellow": "Fellows",
    "junior_faculty": "Junior faculty", "senior_faculty": "Senior faculty",
}

# Every setting a coordinator can change, with its default (privacy.md, metrics.md, instruments.md).
DEFAULT_SETTINGS: dict = {
    "min_cell": 5,
    "capacity": 4,
    "engaged_window_days": 180,
    "outcomes_window_years": 3,
    "urim_list": ["black", "hispanic_latino", "american_indian_alaska_native",
                  "native_hawaiian_pacific_islander"],
    "cutoffs": {
        "mini_z_burnout": 3, "mbi_single": 4, "mbi_ee_sum": 27, "mbi_dp_sum": 10,
        "mbi_pa_sum": 33, "pfi_burnout_mean": 1.33, "pfi_fulfilled_mean": 3.0,
        "satisfied": 4, "high_stress": 4,
    },
    "benchmarks": [
        {"key": "women_residents", "figure": "women among orthopaedic surgery residents", "value": 15.4,
         "year": "2018-19", "source": "AAMC data, via Weber (British Orthopaedic Association)"},
        {"key": "women_residents_2021", "figure": "women among orthopaedic residents", "value": 16.0,
         "year": "2021", "source": "Harbold et al., Curr Rev Musculoskelet Med 2021"},
        {"key": "women_applicants", "figure": "women among orthopaedic residency applicants", "value": 23.0,
         "year": "2022", "source": "PMC10226613"},
        {"key": "women_board_certified", "figure": "women among AAOS board-certified surgeons", "value": 6.0,
         "year": "2019", "source": "AAOS membership data, via Weber"},
        {"key": "black_residents", "figure": "Black residents in orthopaedics", "value": 4.1,
         "year": "2017", "source": "Rao et al., JAAOS 2017"},
        {"key": "hispanic_residents", "figure": "Hispanic residents in orthopaedics", "value": 2.7,
         "year": "2017", "source": "Rao et al., JAAOS 2017"},
        {"key": "urm_residents", "figure": "URM share of orthopaedic residents (decade)", "value": 6.0,
         "year": "2018-19", "source": "program-director survey"},
        {"key": "residents_with_mentor", "figure": "orthopaedic residents with a mentor", "value": 74.7,
         "year": "2015", "source": "AOA survey of residents"},
        {"key": "formal_mentoring_programs", "figure": "orthopaedic residencies with a formal mentoring program",
         "value": 34.9, "year": "2015", "source": "AOA survey"},
        {"key": "rjos_jrgos_with_mentor", "figure": "RJOS and JRGOS members with a mentor", "value": 85.0,
         "year": "2022", "source": "PMC9699573"},
        {"key": "students_with_mentor", "figure": "medical students interested in orthopaedics who have a mentor",
         "value": 50.0, "year": "2023", "source": "PMID 37938911"},
        {"key": "burnout_residents_mbi", "figure": "high burnout, orthopaedic residents (MBI)", "value": 56.0,
         "year": "2009", "source": "Sargent et al., JBJS 2009", "instrument": "mbi_full"},
        {"key": "burnout_faculty_mbi", "figure": "high burnout, orthopaedic faculty (MBI)", "value": 28.0,
         "year": "2009", "source": "Sargent et al., JBJS 2009", "instrument": "mbi_full"},
        {"key": "burnout_surgeons_pooled", "figure": "burnout, orthopaedic surgeons (pooled)", "value": 43.0,
         "year": "2024", "source": "meta-analysis, IJCMPH 2024"},
        {"key": "burnout_surgeons_pfi", "figure": "burnout, orthopaedic surgeons, PFI", "value": 38.9,
         "year": "2019", "source": "five-country survey, Bone Joint Open 2021", "instrument": "pfi"},
    ],
}
MIN_CELL_FLOOR = 3


# DuckDB's working memory for the app's one connection; beyond it, large queries spill to disk
# (next to the database file) instead of growing the process. $MENTORDASH_MEMORY_LIMIT overrides.
APP_MEMORY_LIMIT = os.environ.get("MENTORDASH_MEMORY_LIMIT", "400MB")


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db wins, then $MENTORDASH_DB, then data/mentordash.duckdb (cli.md)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MENTORDASH_DB")
    return Path(env) if env else DEFAULT_DB
