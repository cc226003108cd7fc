"""The domain's words, once: every value the data may hold, and what a person reads for it.

The schema takes its allowed values from here, the demo generates them, metrics count them, charts,
tables and the sidebar label them. Nothing else defines these lists or labels (docs/datasets.md lists
the values; docs/CONTRIBUTING.md, "Words"). Labels are plural where they name a group of people
("Residents", "Women").
"""

from __future__ import annotations

# --- people ----------------------------------------------------------------------------------------

CAREER_STAGES = ("student", "resident", "fellow", "junior_faculty", "senior_faculty")
TRAINEE_STAGES = ("student", "resident", "fellow")
FACULTY_STAGES = ("junior_faculty", "senior_faculty")
CAREER_STAGE_LABELS = {
    "student": "Students",
    "resident": "Residents",
    "fellow": "Fellows",
    "junior_faculty": "Junior faculty",
    "senior_faculty": "Senior faculty",
}

GENDERS = ("woman", "man", "nonbinary", "another", "undisclosed")
GENDER_LABELS = {
    "woman": "Women",
    "man": "Men",
    "nonbinary": "Nonbinary",
    "another": "Another",
    "undisclosed": "Undisclosed",
}

RACE_ETHNICITIES = (
    "american_indian_alaska_native",
    "asian",
    "black",
    "hispanic_latino",
    "native_hawaiian_pacific_islander",
    "white",
    "another",
    "undisclosed",
)
RACE_LABELS = {
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black": "Black or African American",
    "hispanic_latino": "Hispanic or Latino",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "white": "White",
    "another": "Another",
    "undisclosed": "Undisclosed",
}

# URiM status as a group: derived (docs/metrics.md, "Groups and filters"), never stored as a word.
URIM_LABELS = {"urim": "URiM", "not_urim": "Not URiM"}

DEPARTURE_REASONS = ("completed", "left_early", "dismissed", "retired", "other")

# --- relationships and meetings --------------------------------------------------------------------

ROLES = ("mentor", "sponsor", "advisor", "coach", "peer")
ANY_ROLE = "any"  # a relationship of any of the roles, where a figure counts them together
ROLE_LABELS = {
    "mentor": "Mentor",
    "sponsor": "Sponsor",
    "advisor": "Advisor",
    "coach": "Coach",
    "peer": "Peer mentor",
    ANY_ROLE: "Any role",
}
ROLE_NOUNS = {
    "mentor": "mentor",
    "sponsor": "sponsor",
    "advisor": "advisor",
    "coach": "coach",
    "peer": "peer mentor",
    ANY_ROLE: "mentor of any role",
}

SOURCES = ("formal_program", "research", "society", "alumni", "social_media", "meeting", "other")
NOT_RECORDED = "not_recorded"  # a relationship (or a person) whose value was left blank
SOURCE_LABELS = {
    "formal_program": "Formal program",
    "research": "Research",
    "society": "Society (RJOS, JRGOS, Nth Dimensions, Perry...)",
    "alumni": "Alumni",
    "social_media": "Social media",
    "meeting": "Meeting or conference",
    "other": "Other",
    NOT_RECORDED: "Not recorded",
}

MEETING_KINDS = (
    "one_on_one",
    "group",
    "research",
    "shadowing",
    "journal_club",
    "grand_rounds",
    "society_meeting",
    "other",
)

# Mentored against not mentored (surveys, outcomes): docs/metrics.md defines each.
MENTORED_LABELS = {"mentored": "Mentored", "not_mentored": "Not mentored"}

# --- recruitment -----------------------------------------------------------------------------------

TRACKS = ("residency", "fellowship", "faculty", "student_rotation")
TRACK_LABELS = {
    "residency": "Residency",
    "fellowship": "Fellowship",
    "faculty": "Faculty",
    "student_rotation": "Student rotations",
}

APPLICANT_STAGES = ("applied", "interviewed", "ranked", "matched")  # ordinal: each implies the ones before
APPLICANT_STAGE_LABELS = {"applied": "Applied", "interviewed": "Interviewed", "ranked": "Ranked", "matched": "Matched"}

PIPELINES = ("perry_initiative", "nth_dimensions", "rjos", "jrgos", "other")
PIPELINE_LABELS = {
    "perry_initiative": "Perry Initiative",
    "nth_dimensions": "Nth Dimensions",
    "rjos": "RJOS",
    "jrgos": "JRGOS",
    "other": "Other program",
}

# --- outcomes --------------------------------------------------------------------------------------

OUTCOME_KINDS = ("publication", "promotion", "grant", "award")

# --- the filters and breakdowns --------------------------------------------------------------------

DIMENSION_LABELS = {
    "career_stage": "Career stage",
    "gender": "Gender",
    "race_ethnicity": "Race/ethnicity",
    "urim": "URiM",
    "division": "Division",
    "institution": "Institution",
    "mentored": "Mentored",
}
