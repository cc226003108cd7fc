"""Where the database lives and what every setting is before anyone changes it."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "mentordash.duckdb"

# Every setting a coordinator can change, with its default (docs/privacy.md, docs/metrics.md, docs/instruments.md).
DEFAULT_SETTINGS: dict = {
    # The department the leadership report is about, named in its header (blank: the report says
    # "Mentorship programs", or the institutions filtered).
    "department_name": "",
    "min_cell": 5,
    # Viewers see counts perturbed by the cell key method (docs/privacy.md); a department that accepts
    # the risk of differencing may turn it off (an audited setting like every other).
    "protect_viewer_figures": True,
    "capacity": 4,
    "engaged_window_days": 180,
    "outcomes_window_years": 3,
    "urim_list": ["black", "hispanic_latino", "american_indian_alaska_native", "native_hawaiian_pacific_islander"],
    "cutoffs": {
        "mini_z_burnout": 3,
        "mbi_single": 4,
        "mbi_ee_sum": 27,
        "mbi_dp_sum": 10,
        "mbi_pa_sum": 33,
        "pfi_burnout_mean": 1.33,
        "pfi_fulfilled_mean": 3.0,
        "satisfied": 4,
        "high_stress": 4,
    },
    # National reference figures (docs/metrics.md, National reference figures), each with its full
    # citation (`source`) and what it counts (`note`), so that a page or the report compares like with
    # like and says when it cannot.
    # Migration 006 replaced the defaults before issue 17 where a database still held them unedited.
    "benchmarks": [
        {
            "key": "women_residents",
            "figure": "women among orthopaedic surgery residents (AAMC census)",
            "value": 15.5,
            "year": "2018",
            "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148",
            "note": "All US orthopaedic residents, every year of training (8.8% in 2001). Beside one cycle's "
            "matched applicants it is the closest national figure, not the same population.",
        },
        {
            "key": "women_residents_2021",
            "figure": "women among orthopaedic residents (programme websites)",
            "value": 16.6,
            "year": "2021",
            "source": "Ranson R, et al. J Orthop Exp Innov 2023. doi:10.60118/001c.57307",
            "note": "679 of 4,095 residents listed on programme websites.",
        },
        {
            "key": "women_applicants",
            "figure": "women among orthopaedic residency applicants (ERAS)",
            "value": 23.0,
            "year": "2022",
            "source": "Pinpin C, et al. JBJS Open Access 2023. PMC10226613",
            "note": "All ERAS applicants to orthopaedic residency (11.8% in 2007): like with like for the applied "
            "stage of a residency cycle.",
        },
        {
            "key": "women_faculty",
            "figure": "women among orthopaedic faculty at ACGME programmes",
            "value": 10.0,
            "year": "2021",
            "source": "Ranson R, et al. J Orthop Exp Innov 2023. doi:10.60118/001c.57673",
            "note": "About 10% (432 of 4,325) of faculty at ACGME-accredited residency programmes: academic "
            "faculty, like with like for junior and senior faculty.",
        },
        {
            "key": "urim_residents",
            "figure": "URiM among orthopaedic residents (AAMC census)",
            "value": 11.3,
            "year": "2018",
            "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148",
            "note": "All US orthopaedic residents (9.5% in 2001). Beside one cycle's matched applicants it is the "
            "closest national figure, not the same population.",
        },
        {
            "key": "urim_resigned",
            "figure": "URiM share of orthopaedic residents who resigned or were dismissed",
            "value": 19.5,
            "year": "2001-2018",
            "source": "Haruno LS, et al. JBJS Open Access 2023. doi:10.2106/JBJS.OA.22.00148",
            "note": "Against 10.1% of all residents over the same years: context for early departure, not drawn.",
        },
        {
            "key": "residents_with_mentor",
            "figure": "orthopaedic residents with a mentor (self-reported)",
            "value": 74.7,
            "year": "2015",
            "source": "Hart RA, et al. JBJS Am 2020 (2015 AOA Resident Leadership Forum survey, 146 answered)",
            "note": "Residents who said they had a mentor (51% in 2008). The department's figure counts residents "
            "with an active mentor relationship on the as-of date.",
        },
        {
            "key": "formal_mentoring_programs",
            "figure": "orthopaedic residents who said their programme has a formal mentoring program",
            "value": 34.9,
            "year": "2015",
            "source": "Hart RA, et al. JBJS Am 2020 (2015 AOA Resident Leadership Forum survey, 146 answered)",
            "note": "A share of residents' answers, not of programmes: context only, not drawn.",
        },
        {
            "key": "residents_current_mentor",
            "figure": "residents with a current mentor (11 programmes)",
            "value": 61.3,
            "year": "2017",
            "source": "Miller EM, et al. J Surg Educ 2021",
            "note": "Self-reported, residents of 11 orthopaedic programmes: context only, not drawn.",
        },
        {
            "key": "faculty_current_mentor",
            "figure": "faculty with a current mentor (11 programmes)",
            "value": 61.1,
            "year": "2017",
            "source": "Miller EM, et al. J Surg Educ 2021",
            "note": "Self-reported, faculty of 11 orthopaedic programmes: context only, not drawn.",
        },
        {
            "key": "rjos_jrgos_with_mentor",
            "figure": "RJOS and JRGOS members with a mentor",
            "value": 85.0,
            "year": "2020-21",
            "source": "Winfrey SR, et al. JBJS Open Access 2022. doi:10.2106/JBJS.OA.22.00053",
            "note": "Students, residents and attendings who belong to RJOS or JRGOS: a self-selected group, "
            "context only.",
        },
        {
            "key": "students_with_mentor",
            "figure": "medical students interested in orthopaedics who have a mentor",
            "value": 50.0,
            "year": "2023",
            "source": "Survey of medical students reached by social media and e-mail, 2023 (215 answered). "
            "PMID 37938911",
            "note": "Over 50% of 215 respondents (a lower bound): context only.",
        },
        {
            "key": "burnout_residents_mbi",
            "figure": "high burnout, orthopaedic residents (MBI)",
            "value": 56.0,
            "year": "2009",
            "source": "Sargent MC, et al. JBJS Am 2009. doi:10.2106/JBJS.H.00665",
            "instrument": "mbi_full",
            "note": "Maslach Burnout Inventory, drawn beside MBI-HSS figures only: check the study's rule against "
            "the cut-offs in use before reading the two together.",
        },
        {
            "key": "burnout_faculty_mbi",
            "figure": "high burnout, orthopaedic faculty (MBI)",
            "value": 28.0,
            "year": "2009",
            "source": "Sargent MC, et al. JBJS Am 2009. doi:10.2106/JBJS.H.00665",
            "instrument": "mbi_full",
            "note": "Maslach Burnout Inventory, drawn beside MBI-HSS figures only, with the same caveat.",
        },
        {
            "key": "burnout_surgeons_pfi",
            "figure": "burnout, orthopaedic surgeons and trainees in five countries (PFI)",
            "value": 38.9,
            "year": "2019",
            "source": "Bone Joint Open 2021. doi:10.1302/2633-1462.211.BJO-2021-0153",
            "instrument": "pfi",
            "note": "Stanford Professional Fulfillment Index: drawn beside PFI figures only.",
        },
        {
            "key": "burnout_surgeons_pooled",
            "figure": "burnout, orthopaedic surgeons (pooled, mixed definitions)",
            "value": 43.0,
            "year": "2024",
            "source": "Meta-analysis, IJCMPH 2024. doi:10.18203/2394-6040.ijcmph20242996",
            "note": "95% CI 33-53%. Studies with different instruments and rules pooled: context only, never drawn.",
        },
    ],
}
MIN_CELL_FLOOR = 3


# DuckDB's working memory for the app's one connection; beyond it, large queries spill to disk
# (next to the database file) instead of growing the process. $MENTORDASH_MEMORY_LIMIT overrides.
APP_MEMORY_LIMIT = os.environ.get("MENTORDASH_MEMORY_LIMIT", "400MB")

# Whether the app computes the views one URiM click away once a page has loaded (mentordash/ui/ahead.py):
# on unless $MENTORDASH_WORK_AHEAD is 0 (a server short of CPU or memory; the benchmark's comparison).
WORK_AHEAD = os.environ.get("MENTORDASH_WORK_AHEAD", "1").strip() != "0"


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db wins, then $MENTORDASH_DB, then data/mentordash.duckdb (docs/command-line.md)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MENTORDASH_DB")
    return Path(env) if env else DEFAULT_DB
