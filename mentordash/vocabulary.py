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
ALL_STAGES = "all"  # a figure's row for every career stage together
ALL_STAGES_LABEL = "All stages"

GENDERS = ("woman", "man", "nonbinary", "another", "undisclosed")
GENDER_LABELS = {
    "woman": "Women",
    "man": "Men",
    "nonbinary": "Nonbinary",
    "another": "Another",
    "undisclosed": "Undisclosed",
}
# One gender value as a filter names it ("Gender: Woman"), where GENDER_LABELS names a group of people.
GENDER_CHOICE_LABELS = {
    "woman": "Woman",
    "man": "Man",
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
# The sidebar's URiM filter (and the report's line naming it): everyone, or one side.
URIM_FILTER_LABELS = {"all": "Everyone", "urim": "URiM only", "not_urim": "Not URiM only"}

DEPARTURE_REASONS = ("completed", "left_early", "dismissed", "retired", "other")
# The reasons that count as an early departure (docs/metrics.md, "early departure").
EARLY_DEPARTURE_REASONS = ("left_early", "dismissed")

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
NOT_RECORDED_LABEL = "Not recorded"
SOURCE_LABELS = {
    "formal_program": "Formal program",
    "research": "Research",
    "society": "Society (RJOS, JRGOS, Nth Dimensions, Perry...)",
    "alumni": "Alumni",
    "social_media": "Social media",
    "meeting": "Meeting or conference",
    "other": "Other",
    NOT_RECORDED: NOT_RECORDED_LABEL,
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
# The same dimensions as a sentence names them ("the gap between URiM status groups").
DIMENSION_NOUNS = {
    "career_stage": "career stage",
    "gender": "gender",
    "race_ethnicity": "race/ethnicity",
    "urim": "URiM status",
    "division": "division",
    "institution": "institution",
}
# The shares of representation the pages report, each of those whose value is known: share -> (the
# group it counts, what must be known about a person to count them).
REPRESENTATION_SHARES = {
    "women": (GENDER_LABELS["woman"], DIMENSION_NOUNS["gender"]),
    "urim": (URIM_LABELS["urim"], DIMENSION_NOUNS["urim"]),
}
