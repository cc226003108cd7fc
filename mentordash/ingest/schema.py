"""The canonical datasets of docs/datasets.md as data: columns, kinds, allowed values and their synonyms.

Everything the importer knows about what a column may hold lives here, so the mapping suggestion,
the validation and the commit read one description. Names here are also the only identifiers that
ever reach SQL.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mentordash import vocabulary


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | enum | list | bool | int | date | datetime
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    sql_type: str = "VARCHAR"


def _text(name, required=False):
    return Column(name, "text", required)


def _enum(name, choices, required=False):
    return Column(name, "enum", required, tuple(choices))


def _list(name, choices):
    return Column(name, "list", False, tuple(choices), sql_type="VARCHAR[]")


def _int(name, low, high, required=False, sql_type="SMALLINT"):
    return Column(name, "int", required, (), low, high, sql_type)


def _bool(name):
    return Column(name, "bool", sql_type="BOOLEAN")


def _date(name, required=False):
    return Column(name, "date", required, sql_type="DATE")


_DEMOGRAPHICS = (
    _enum("gender", vocabulary.GENDERS),
    _list("race_ethnicity", vocabulary.RACE_ETHNICITIES),
    _bool("urim"),
)


def _survey_items() -> tuple[Column, ...]:
    """The instrument items of docs/instruments.md with their ranges."""
    items = [_int(f"mini_z_{k}", 1, 5) for k in ("burnout", "satisfaction", "stress")]
    items += [_int("mbi_ee_item", 0, 6), _int("mbi_dp_item", 0, 6)]
    items += [_int(f"mbi_ee_{i}", 0, 6) for i in range(1, 10)]
    items += [_int(f"mbi_dp_{i}", 0, 6) for i in range(1, 6)]
    items += [_int(f"mbi_pa_{i}", 0, 6) for i in range(1, 9)]
    items += [_int(f"pfi_pf_{i}", 0, 4) for i in range(1, 7)]
    items += [_int(f"pfi_we_{i}", 0, 4) for i in range(1, 5)]
    items += [_int(f"pfi_id_{i}", 0, 4) for i in range(1, 7)]
    return tuple(items)


DATASETS: dict[str, tuple[Column, ...]] = {
    "people": (
        _text("person_id", True),
        _enum("career_stage", vocabulary.CAREER_STAGES, True),
        _int("pgy", 1, 7),
        _text("division"),
        *_DEMOGRAPHICS,
        _bool("first_generation"),
        _date("start_date", True),
        _date("end_date"),
        _enum("departure_reason", vocabulary.DEPARTURE_REASONS),
        _text("institution"),
    ),
    "mentorships": (
        _text("mentor_id", True),
        _text("mentee_id", True),
        _enum("role", vocabulary.ROLES, True),
        _bool("formal"),
        _enum("source", vocabulary.SOURCES),
        _date("start_date", True),
        _date("end_date"),
    ),
    "meetings": (
        _text("mentor_id", True),
        _text("mentee_id", True),
        _date("date", True),
        _int("minutes", 1, 100_000, sql_type="INTEGER"),
        _enum("kind", vocabulary.MEETING_KINDS),
    ),
    "survey": (
        _text("response_id", True),
        _text("survey", True),
        Column("submitted_at", "datetime", True, sql_type="TIMESTAMP"),
        _text("person_id"),
        _enum("career_stage", vocabulary.CAREER_STAGES),
        *_DEMOGRAPHICS,
        _bool("has_mentor"),
        *_survey_items(),
        _int("career_satisfaction", 1, 5),
        _int("mentorship_satisfaction", 1, 5),
        _bool("intent_to_leave"),
    ),
    "applicants": (
        _text("applicant_id", True),
        _int("cycle", 1900, 2200, True, "INTEGER"),
        _enum("track", vocabulary.TRACKS, True),
        *_DEMOGRAPHICS,
        _list("pipeline", vocabulary.PIPELINES),
        _enum("stage_reached", vocabulary.APPLICANT_STAGES, True),
        _text("institution"),
    ),
    "outcomes": (
        _text("person_id", True),
        _date("date", True),
        _enum("kind", vocabulary.OUTCOME_KINDS, True),
        _int("count", 1, 1_000_000, sql_type="INTEGER"),
    ),
}

# How a re-import meets rows already there: the identity of a row, and whether a newer row with the
# same identity replaces the stored one (rosters, docs/datasets.md) or is skipped as already imported.
KEYS: dict[str, tuple[str, ...]] = {
    "people": ("person_id",),
    "mentorships": ("mentor_id", "mentee_id", "role", "start_date"),
    "meetings": ("mentor_id", "mentee_id", "date", "kind"),
    "survey": ("survey", "response_id"),
    "applicants": ("cycle", "track", "applicant_id"),
    "outcomes": ("person_id", "date", "kind"),
}
UPSERT = frozenset({"people", "mentorships", "applicants"})

DEFAULTS = {("mentorships", "formal"): True, ("outcomes", "count"): 1}

# Datasets whose rows carry a permanent random record key (docs/privacy.md; migration 005). Never mapped
# from a file: drawn once, when the row is first stored, and kept by updates and undo.
RECORD_KEYED = ("people", "survey", "applicants")
NEW_RECORD_KEY = "(floor(random() * 4294967296))::UINTEGER"

MBI_PREFIX = "mbi_"
MBI_NOTE = (
    "MBI items are mapped. The Maslach Burnout Inventory is copyrighted by Mind Garden, which "
    "licenses its administration: MentorDash ships no MBI item text, forms or norms, and only adds "
    "up the responses a licensed department uploads."
)


def columns(dataset: str) -> tuple[Column, ...]:
    return DATASETS[dataset]


def column(dataset: str, name: str) -> Column:
    return next(c for c in DATASETS[dataset] if c.name == name)


@functools.lru_cache(maxsize=65536)  # suggestion folds each header once per canonical column
def norm(text: str) -> str:
    """Case, punctuation and spacing folded away, so 'Non-binary ' and 'non binary' meet."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


# --- column synonyms: header, question text or dictionary label -> canonical column ---------------
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": ("person id", "personid", "pid", "employee id", "staff id", "trainee id", "faculty id"),
    "response_id": ("response id", "responseid", "respondent id", "record id", "submission id", "participant id", "id"),
    "submitted_at": (
        "submitted at",
        "recordeddate",
        "recorded date",
        "completion time",
        "timestamp",
        "survey timestamp",
        "submission time",
        "date submitted",
        "end date",
        "enddate",
    ),
    "survey": ("survey name", "wave"),
    "career_stage": (
        "career stage",
        "stage",
        "position",
        "academic rank",
        "rank",
        "training level",
        "level of training",
        "current position",
        "what is your current position",
    ),
    "gender": ("gender", "sex", "gender identity", "what is your gender", "what is your gender identity"),
    "race_ethnicity": (
        "race ethnicity",
        "race and ethnicity",
        "race or ethnicity",
        "race",
        "ethnicity",
        "what is your race",
        "what is your race or ethnicity",
    ),
    "urim": ("urim", "urm", "underrepresented in medicine"),
    "has_mentor": ("has mentor", "do you have a mentor", "have a mentor", "do you currently have a mentor"),
    "pgy": ("pgy", "pgy level", "postgraduate year", "post graduate year"),
    "division": ("division", "section", "subspecialty"),
    "first_generation": ("first generation", "first gen", "first generation college student"),
    "departure_reason": ("departure reason", "reason for leaving"),
    "mentor_id": ("mentor id", "mentor"),
    "mentee_id": ("mentee id", "mentee", "protege"),
    "role": ("role", "relationship", "relationship type"),
    "source": ("source", "how matched", "how did you meet"),
    "minutes": ("minutes", "duration minutes", "length minutes"),
    "kind": ("kind", "meeting type", "type"),
    "applicant_id": ("applicant id", "aamc id", "eras id"),
    "cycle": ("cycle", "match year", "application cycle"),
    "track": ("track", "program"),
    "pipeline": ("pipeline", "pipeline program", "pipeline programs"),
    "stage_reached": ("stage reached", "status", "outcome"),
    "mini_z_burnout": ("burnout", "using your own definition of burnout"),
    "mini_z_satisfaction": ("overall i am satisfied with my current job", "job satisfaction"),
    "mini_z_stress": ("i feel a great deal of stress because of my job", "job stress"),
    "career_satisfaction": ("career satisfaction", "how satisfied are you with your career"),
    "mentorship_satisfaction": ("mentorship satisfaction", "how satisfied are you with your mentorship"),
    "intent_to_leave": ("intent to leave", "do you plan to leave the department within 2 years"),
}

# --- value synonyms: a label a tool writes -> canonical value, per column ------------------------
BOOL_WORDS = {
    True: ("true", "yes", "y", "1", "checked", "t"),
    False: ("false", "no", "n", "0", "unchecked", "f"),
}

VALUE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "career_stage": {
        "student": ("medical student", "med student", "ms"),
        "resident": ("residents", "house officer", "trainee resident"),
        "fellow": ("fellows", "clinical fellow"),
        "junior_faculty": ("instructor", "assistant professor", "junior faculty"),
        "senior_faculty": ("associate professor", "full professor", "professor", "chair", "senior faculty"),
    },
    "gender": {
        "woman": ("female", "f", "women", "cisgender woman", "transgender woman"),
        "man": ("male", "m", "men", "cisgender man", "transgender man"),
        "nonbinary": ("non binary", "genderqueer", "gender non conforming"),
        "another": ("other", "another gender", "self describe", "prefer to self describe"),
        "undisclosed": (
            "prefer not to say",
            "prefer not to answer",
            "decline to answer",
            "unknown",
            "not reported",
            "unknown not reported",
        ),
    },
    "race_ethnicity": {
        "american_indian_alaska_native": (
            "american indian or alaska native",
            "american indian alaska native",
            "american indian",
            "alaska native",
            "native american",
        ),
        "asian": ("asian american",),
        "black": ("black or african american", "african american", "black african american"),
        "hispanic_latino": (
            "hispanic latino or of spanish origin",
            "hispanic",
            "latino",
            "latina",
            "latinx",
            "hispanic or latino",
            "hispanic latino",
        ),
        "native_hawaiian_pacific_islander": (
            "native hawaiian or other pacific islander",
            "pacific islander",
            "native hawaiian",
            "native hawaiian or pacific islander",
        ),
        "white": ("caucasian", "white or caucasian"),
        "another": ("other", "another race", "more than one race", "multiracial", "self describe"),
        "undisclosed": (
            "prefer not to say",
            "prefer not to answer",
            "unknown",
            "not reported",
            "unknown not reported",
            "decline to answer",
        ),
    },
    "departure_reason": {
        "completed": ("graduated", "finished training", "graduation", "completed training"),
        "left_early": ("resigned", "transferred", "left", "resignation"),
        "dismissed": ("terminated", "dismissal"),
        "retired": ("retirement",),
    },
    "source": {
        "society": ("rjos", "jrgos", "nth dimensions", "perry initiative", "other societies", "professional society"),
        "formal_program": ("formal", "program", "formal mentoring program"),
        "social_media": ("twitter", "x", "linkedin"),
    },
    "kind": {"one_on_one": ("1 1", "one on one", "individual"), "journal_club": ("journal club",)},
    "track": {"student_rotation": ("away rotation", "sub internship", "sub i", "student rotation", "rotation")},
    "stage_reached": {"matched": ("hired", "match"), "interviewed": ("interview",), "applied": ("applicant",)},
    "pipeline": {"perry_initiative": ("perry", "the perry initiative"), "nth_dimensions": ("nth dimensions",)},
}

# Answer labels of the instruments' scales (Google Forms, SurveyMonkey and Microsoft Forms write the
# label, not the number); matched by their opening words, since tools trim or reword the tail.
SCALE_LABELS: dict[str, tuple[tuple[str, int], ...]] = {
    "mbi": (
        ("never", 0),
        ("a few times a year", 1),
        ("once a month", 2),
        ("a few times a month", 3),
        ("once a week", 4),
        ("a few times a week", 5),
        ("every day", 6),
    ),
    "pfi": (
        ("not at all true", 0),
        ("somewhat true", 1),
        ("moderately true", 2),
        ("very true", 3),
        ("completely true", 4),
    ),
    # The PFI's work-exhaustion and disengagement items answer "not at all" .. "extremely" (Trockel et al. 2018);
    # the fulfillment items' "true" labels are read there too, with the same numbers.
    "pfi_burnout": (
        ("not at all", 0),
        ("very little", 1),
        ("moderately", 2),
        ("a lot", 3),
        ("extremely", 4),
        ("not at all true", 0),
        ("somewhat true", 1),
        ("moderately true", 2),
        ("very true", 3),
        ("completely true", 4),
    ),
    "satisfaction": (
        ("very dissatisfied", 1),
        ("dissatisfied", 2),
        ("neither", 3),
        ("satisfied", 4),
        ("very satisfied", 5),
    ),
    "agree": (("strongly disagree", 1), ("disagree", 2), ("neither", 3), ("agree", 4), ("strongly agree", 5)),
    "mini_z_burnout": (
        ("i enjoy my work", 1),
        ("occasionally i am under stress", 2),
        ("i am definitely burning out", 3),
        ("the symptoms of burnout", 4),
        ("i feel completely burned out", 5),
    ),
}


def scale_of(name: str) -> str | None:
    if name == "mini_z_burnout":
        return "mini_z_burnout"
    if name.startswith("mini_z_"):
        return "agree"
    if name.startswith("mbi_"):
        return "mbi"
    if name.startswith(("pfi_we_", "pfi_id_")):
        return "pfi_burnout"
    if name.startswith("pfi_"):
        return "pfi"
    if name.endswith("_satisfaction"):
        return "satisfaction"
    return None


def scale_value(name: str, label: str) -> int | None:
    """The number of an answer label on the column's scale: the longest label the answer starts with."""
    scale = scale_of(name)
    if not scale:
        return None
    text = norm(label)
    matches = [(len(key), value) for key, value in SCALE_LABELS[scale] if text == key or text.startswith(key + " ")]
    return max(matches)[1] if matches else None


def enum_value(name: str, raw: str, choices: tuple[str, ...]) -> str | None:
    """The canonical value a label means through the synonyms of docs/datasets.md, or None."""
    text = norm(raw)
    for choice in choices:
        if text == norm(choice):
            return choice
    for choice, words in VALUE_SYNONYMS.get(name, {}).items():
        if choice in choices and text in {norm(w) for w in words}:
            return choice
    return None


def bool_value(raw: str) -> bool | None:
    text = norm(raw)
    for value, words in BOOL_WORDS.items():
        if text in words:
            return value
    return None
