"""The synthetic demo database (docs/command-line.md "demo data"): a realistic orthopaedic department, or many.

Everything is drawn from one ``numpy.random.default_rng(seed)`` and never from the clock, so a seed
always gives the same database. The data covers the academic years 2020-21 (DATA_START) to the
current one, up to END_DATE; people and relationships that started earlier are kept with their
real start dates, and anything still running on END_DATE has no end date.

Every generator works on whole columns for all departments at once (no per-person Python loops),
so the national scale (about 500 departments) builds in minutes. Ids are integers until DuckDB
formats them while inserting.

Modelling choices worth knowing:
- The roster holds one row per person in its latest state, as a re-uploaded roster would. A junior
  faculty member promoted to associate professor is ``senior_faculty`` with their department start
  date, and a ``promotion`` outcome dates the step; nobody is promoted twice. So "time to first
  promotion" is measured on people hired junior: junior faculty plus senior faculty with a
  promotion row. Residents keep the PGY they had when they left (5 when they completed).
- Demographic shares are spread evenly through each department's stage in start-date order
  (systematic sampling, ``_spread``), so the people active on a date match the orthopaedic mix
  closely even in a single department, where independent draws would swing by several points.
  Survey noise is stratified the same way (``_stratified_uniform``) so that one department's
  few dozen respondents still show the mentoring effect; what remains is person-level variation.
- Whether someone ever looks for a mentor is decided first (``seeks_mentor``); early departure,
  promotion speed, publications, burnout and the relationships themselves follow from it, which is
  how the modest effects the literature reports get into the data.
- At consortium and national scale, a fortnightly Mini-Z pulse survey joins the four spring waves:
  that is where the millions of survey responses for performance work come from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mentordash.config import DEFAULT_SETTINGS
from mentordash.db import Database
from mentordash.vocabulary import (
    APPLICANT_STAGES,
    CAREER_STAGES,
    DEPARTURE_REASONS,
    GENDERS,
    MEETING_KINDS,
    OUTCOME_KINDS,
    PIPELINES,
    RACE_ETHNICITIES,
    ROLES,
    SOURCES,
    TRACKS,
)

DEMO_SCALES = ("department", "consortium", "national")
DEPARTMENTS = {"department": 1, "consortium": 50, "national": 500}
PULSE_EVERY_DAYS = {"department": None, "consortium": 14, "national": 14}


def _day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


DATA_START = _day("2020-07-01")
END_DATE = _day("2026-10-31")
OPEN = 10**6  # "no end yet" while generating; written as NULL
YEAR = 365.25
IMPORTED_AT = np.datetime64("2026-10-31T00:00:00")  # fixed, so that a seed gives identical content

STUDENT, RESIDENT, FELLOW, JUNIOR, SENIOR = range(5)
FACULTY = (JUNIOR, SENIOR)
DIVISIONS = ("Sports Medicine", "Spine", "Hand", "Arthroplasty", "Trauma", "Pediatrics", "Foot and Ankle", "Oncology")
DIVISION_WEIGHTS = (0.18, 0.14, 0.13, 0.14, 0.14, 0.11, 0.09, 0.07)
COMPLETED, LEFT_EARLY, DISMISSED, RETIRED, OTHER = (
    DEPARTURE_REASONS.index(r) for r in ("completed", "left_early", "dismissed", "retired", "other")
)

# Per career stage (student, resident, fellow, junior, senior faculty).
WOMEN_SHARE = np.array([0.33, 0.18, 0.15, 0.20, 0.09])
URIM_SHARE = np.array([0.14, 0.065, 0.06, 0.08, 0.05])
FIRST_GENERATION_SHARE = np.array([0.20, 0.12, 0.10, 0.10, 0.06])
SEEKS_MENTOR = np.array([0.62, 0.95, 0.90, 0.88, 0.35])

URIM_RACES = {
    "black": 0.50,
    "hispanic_latino": 0.42,
    "american_indian_alaska_native": 0.05,
    "native_hawaiian_pacific_islander": 0.03,
}
OTHER_RACES = {"white": 0.73, "asian": 0.18, "another": 0.03, "undisclosed": 0.06}
SECOND_RACES = ("white", "asian", "another")  # never URiM, so a second value keeps the allocated URiM status


# --- small vectorised helpers --------------------------------------------------------------------
def _rank_within(sorted_groups: np.ndarray) -> np.ndarray:
    """0, 1, 2.. within each run of equal values of an already sorted array."""
    index = np.arange(len(sorted_groups))
    run_start = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    return index - np.maximum.accumulate(np.where(run_start, index, 0))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-parent counts, (parent index, ordinal 0..count-1) of every child."""
    parent = np.repeat(np.arange(len(counts)), counts)
    return parent, _rank_within(parent)


def _choice(rng: np.random.Generator, weights, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def _spread(rng: np.random.Generator, group: np.ndarray, order: np.ndarray, share: np.ndarray) -> np.ndarray:
    """True for `share` of each group, evenly spaced along `order` (systematic sampling).

    Any run of consecutive members (a residency class, the people present on a date) then holds
    within one person of its expected count, so one small department still looks typical.
    """
    n = len(group)
    perm = np.lexsort((rng.random(n), order, group))
    g, p = group[perm], share[perm]
    run_start = np.r_[True, g[1:] != g[:-1]]
    run = np.cumsum(run_start) - 1
    cumulative = np.cumsum(p)
    before_run = (cumulative - p)[run_start][run]
    position = cumulative - before_run + rng.random(run_start.sum())[run]
    chosen = np.empty(n, dtype=bool)
    chosen[perm] = np.floor(position) > np.floor(position - p)
    return chosen


def _stratified_uniform(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """Uniform(0, 1) draws, one in each of the k equal slices of (0, 1) within each group of k."""
    n = len(group)
    perm = np.lexsort((rng.random(n), group))
    g = group[perm]
    run = np.cumsum(np.r_[True, g[1:] != g[:-1]]) - 1
    u = np.empty(n)
    u[perm] = (_rank_within(g) + rng.random(n)) / np.bincount(run)[run]
    return u


def _july_first(years: np.ndarray) -> np.ndarray:
    """The day number of 1 July, when the academic year starts, of each year."""
    months = (np.asarray(years) - 1970) * 12 + 6
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _academic_year(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return 1970 + (months - 6) // 12


def _dates(days: np.ndarray) -> pa.Array:
    """Day numbers as a DATE column; OPEN and anything after END_DATE become NULL."""
    missing = days > END_DATE
    return pa.array(np.where(missing, 0, days).astype("datetime64[D]"), mask=missing)


def _codes(codes: np.ndarray, names: tuple[str, ...]) -> pa.Array:
    """Codes as text; -1 is NULL."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32), mask=codes < 0), list(names))


def _nullable_bool(values: np.ndarray) -> pa.Array:
    """-1/0/1 as NULL/false/true."""
    return pa.array(values == 1, mask=values < 0)


def _lists(flags: np.ndarray, names: tuple[str, ...]) -> pa.Array:
    """A boolean matrix (rows x names) as a list column; a row with no flag is NULL."""
    rows, cols = np.nonzero(flags)
    counts = flags.sum(axis=1)
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    values = pa.array(np.asarray(names)[cols])
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(counts == 0))


def _race_flags(rng: np.random.Generator, urim: np.ndarray) -> np.ndarray:
    """One race/ethnicity per person drawn within their URiM status, plus a second for about 7%."""
    n = len(urim)
    column = {name: i for i, name in enumerate(RACE_ETHNICITIES)}
    urim_pick = np.array([column[r] for r in URIM_RACES])[_choice(rng, list(URIM_RACES.values()), n)]
    other_pick = np.array([column[r] for r in OTHER_RACES])[_choice(rng, list(OTHER_RACES.values()), n)]
    primary = np.where(urim, urim_pick, other_pick)
    flags = np.zeros((n, len(RACE_ETHNICITIES)), dtype=bool)
    flags[np.arange(n), primary] = True
    second = np.array([column[r] for r in SECOND_RACES])[rng.integers(0, len(SECOND_RACES), n)]
    add_second = (rng.random(n) < 0.07) & (primary != column["undisclosed"])
    flags[np.flatnonzero(add_second), second[add_second]] = True
    return flags


def _gender_codes(rng: np.random.Generator, woman: np.ndarray) -> np.ndarray:
    """Women as allocated; the rest mostly men, with a few undisclosed and nonbinary."""
    rest = np.array([GENDERS.index(g) for g in ("man", "undisclosed", "nonbinary")])
    return np.where(woman, GENDERS.index("woman"), rest[_choice(rng, (0.975, 0.02, 0.005), len(woman))])


# --- the roster ----------------------------------------------------------------------------------
@dataclass
class Roster:
    """One entry per person; dates are day numbers, OPEN when there is no end (yet)."""

    dept: np.ndarray
    stage: np.ndarray
    division: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    cohort: np.ndarray  # residents' entry year, else 0
    promoted_on: np.ndarray  # OPEN unless promoted from junior to senior faculty
    senior_since: np.ndarray  # when they became senior faculty, else OPEN
    seeks_mentor: np.ndarray
    # Set by _demographics.
    gender: np.ndarray | None = None
    race: np.ndarray | None = None  # people x RACE_ETHNICITIES flags
    urim: np.ndarray | None = None
    mentor_weight: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.stage)


def _block(
    rng,
    dept,
    stage,
    start,
    end,
    division=None,
    cohort=None,
    promoted_on=None,
    senior_since=None,
    reason=None,
    seeks_mentor=None,
) -> dict:
    """One stage's people as roster columns, with the defaults that most stages share."""
    n = len(dept)
    none = np.full(n, -1)
    return dict(
        dept=dept,
        stage=np.full(n, stage),
        start=start,
        end=end,
        seeks_mentor=rng.random(n) < SEEKS_MENTOR[stage] if seeks_mentor is None else seeks_mentor,
        division=none if division is None else division,
        cohort=np.zeros(n, dtype=int) if cohort is None else cohort,
        promoted_on=np.full(n, OPEN) if promoted_on is None else promoted_on,
        senior_since=np.full(n, OPEN) if senior_since is None else senior_since,
        reason=np.where(end <= END_DATE, COMPLETED, -1) if reason is None else reason,
    )


def _residents(rng, n_depts: int) -> dict:
    """Seven per class; the classes that were PGY1-5 in 2020-21 up to the current interns.

    Interns start in the second half of June for orientation, before their PGY1 year begins."""
    cohorts = np.arange(2016, _academic_year(np.array([END_DATE]))[0] + 1)
    dept = np.repeat(np.arange(n_depts), len(cohorts) * 7)
    cohort = np.tile(np.repeat(cohorts, 7), n_depts)
    start = _july_first(cohort) - rng.integers(5, 12, len(dept))
    end = _july_first(cohort + 5) - 1
    return _block(rng, dept, RESIDENT, start, end, cohort=cohort)


def _fellows(rng, n_depts: int) -> dict:
    """Four to six one-year fellows a year, August to July."""
    years = np.arange(2019, 2027)
    per_year = rng.integers(4, 7, (n_depts, len(years)))
    dept = np.repeat(np.repeat(np.arange(n_depts), len(years)), per_year.ravel())
    year = np.repeat(np.tile(years, n_depts), per_year.ravel())
    start = _july_first(year) + 31
    end = _july_first(year + 1) + 30
    keep = end > DATA_START
    division = _choice(rng, DIVISION_WEIGHTS, keep.sum())
    return _block(rng, dept[keep], FELLOW, start[keep], end[keep], division=division)


def _arrivals(rng, n_depts: int, per_year: float, since: int) -> tuple[np.ndarray, np.ndarray]:
    """(dept, start day) of arrivals from `since` to END_DATE at a steady rate, each at a random
    day of its own slot: steadier than a Poisson stream, so headcounts stay near their target."""
    span = END_DATE - since
    per_dept = int(round(per_year * span / YEAR))
    dept = np.repeat(np.arange(n_depts), per_dept)
    slot = np.tile(np.arange(per_dept), n_depts)
    return dept, since + ((slot + rng.random(len(dept))) * span / per_dept).astype(int)


def _students(rng, n_depts: int) -> dict:
    """About 40 at a time: students interested in orthopaedics stay one to two years."""
    dept, start = _arrivals(rng, n_depts, 30, DATA_START - 2 * 365)
    end = start + rng.integers(300, 731, len(dept))
    reason = np.where(rng.random(len(dept)) < 0.95, COMPLETED, OTHER)
    keep = end > DATA_START
    return _block(rng, dept[keep], STUDENT, start[keep], end[keep], reason=np.where(end <= END_DATE, reason, -1)[keep])


def _faculty(rng, n_depts: int) -> dict:
    """Hires at about four and a half a year since the 1980s; who is there since 2020 forms the faculty.

    A third leave within a few years, the rest stay 8-25 years; most are hired junior and are
    promoted after four years or more (sooner with a mentor) unless they leave first. That keeps
    about 25 junior and 30 senior faculty in a steady state."""
    dept, start = _arrivals(rng, n_depts, 4.5, _day("1986-07-01"))
    n = len(dept)
    short_stay = rng.random(n) < 0.35
    tenure = np.where(short_stay, rng.uniform(1, 8, n), rng.uniform(8, 25, n)) * YEAR
    end = start + tenure.astype(int)
    hired_senior = rng.random(n) < 0.1
    seeks = rng.random(n) < np.where(hired_senior, SEEKS_MENTOR[SENIOR], SEEKS_MENTOR[JUNIOR])
    to_promotion = (5 + rng.exponential(3.5, n)) * np.where(seeks, 0.85, 1.0) * YEAR
    promoted_on = np.where(
        ~hired_senior & (start + to_promotion < np.minimum(end, END_DATE)), start + to_promotion.astype(int), OPEN
    )
    senior_since = np.where(hired_senior, start, promoted_on)
    stage = np.where(senior_since < OPEN, SENIOR, JUNIOR)
    retired = (stage == SENIOR) & (end - start > 18 * YEAR)
    reason = np.where(retired, RETIRED, np.where(rng.random(n) < 0.75, LEFT_EARLY, OTHER))
    keep = (end > DATA_START) & (start <= END_DATE)
    block = _block(
        rng,
        dept[keep],
        JUNIOR,
        start[keep],
        end[keep],
        division=_choice(rng, DIVISION_WEIGHTS, keep.sum()),
        promoted_on=promoted_on[keep],
        senior_since=senior_since[keep],
        reason=np.where(end <= END_DATE, reason, -1)[keep],
        seeks_mentor=seeks[keep],
    )
    block["stage"] = stage[keep]
    return block


def _roster(rng, n_depts: int) -> Roster:
    blocks = [_students(rng, n_depts), _residents(rng, n_depts), _fellows(rng, n_depts), _faculty(rng, n_depts)]
    columns = {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}
    order = np.lexsort((columns["start"], columns["dept"]))
    roster = Roster(**{key: value[order] for key, value in columns.items()})
    _demographics(rng, roster, n_depts)
    _resident_departures(rng, roster)
    return roster


def _demographics(rng, roster: Roster, n_depts: int) -> None:
    """Gender and race/ethnicity by stage; in a consortium departments differ somewhat.

    The people still present at END_DATE are allocated apart from those who left, so that the
    current department, which users see first, holds its share within one person."""
    present = roster.end > END_DATE
    group = (roster.dept * len(CAREER_STAGES) + roster.stage) * 2 + present
    spread = 0.0 if n_depts == 1 else 0.2
    dept_factor = np.exp(rng.normal(0, spread, (2, n_depts)))
    woman = _spread(rng, group, roster.start, WOMEN_SHARE[roster.stage] * dept_factor[0][roster.dept])
    roster.urim = _spread(rng, group, roster.start, URIM_SHARE[roster.stage] * dept_factor[1][roster.dept])
    roster.gender = _gender_codes(rng, woman)
    roster.race = _race_flags(rng, roster.urim)
    # The "minority tax": women and URiM faculty are asked to mentor more often (and see _affinity).
    roster.mentor_weight = (
        rng.lognormal(0, 0.3, len(roster))
        * np.where(woman, 1.5, 1.0)
        * np.where(roster.urim, 1.5, 1.0)
        * np.where(roster.stage == SENIOR, 1.2, 1.0)
    )


def _resident_departures(rng, roster: Roster) -> None:
    """A few residents resign or are dismissed, URiM residents more often (17.5% of those who
    leave against 6% of residents in program-director surveys), mentored ones less often."""
    residents = np.flatnonzero(roster.stage == RESIDENT)
    risk = np.where(roster.urim[residents], 3.0, 1.0) * np.where(roster.seeks_mentor[residents], 0.7, 1.4)
    draw = rng.random(len(residents))
    leaves = draw < 0.045 * risk
    dismissed = draw < 0.012 * risk
    left = residents[leaves]
    roster.end[left] = roster.start[left] + (rng.random(len(left)) * (roster.end[left] - roster.start[left])).astype(
        int
    )
    roster.reason[left] = np.where(dismissed[leaves], DISMISSED, LEFT_EARLY)
    roster.reason[residents] = np.where(roster.end[residents] <= END_DATE, roster.reason[residents], -1)


def _pgy(roster: Roster) -> np.ndarray:
    """Residents' PGY in their latest state (when they left, or now); fellows are PGY6."""
    last_day = np.minimum(roster.end, END_DATE)
    resident_pgy = np.clip(_academic_year(last_day) - roster.cohort + 1, 1, 5)
    return np.select([roster.stage == RESIDENT, roster.stage == FELLOW], [resident_pgy, 6], -1)


# --- mentorships ---------------------------------------------------------------------------------
@dataclass
class Relationships:
    mentor: np.ndarray  # person index, or -1 for an external mentor
    external: np.ndarray  # external mentor number, or -1
    mentee: np.ndarray
    role: np.ndarray
    source: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _pool(roster: Roster, members: np.ndarray, n_depts: int) -> np.ndarray:
    """Departments x candidates matrix of person indices (-1 pads)."""
    dept = roster.dept[members]
    rank = _rank_within(dept)  # the roster is sorted by department
    pool = np.full((n_depts, rank.max() + 1 if len(rank) else 1), -1)
    pool[dept, rank] = members
    return pool


def _pick_mentors(
    rng, roster: Roster, pool: np.ndarray, mentee: np.ndarray, start: np.ndarray, need_senior: np.ndarray
) -> np.ndarray:
    """For each relationship, a mentor from the mentee's department who is there at its start and
    for at least a year more (programs avoid matching with someone on the way out), drawn in
    proportion to mentor_weight (Gumbel-max); -1 when nobody fits."""
    chosen = np.full(len(mentee), -1)
    for block in np.array_split(np.arange(len(mentee)), max(1, len(mentee) // 50_000)):
        candidates = pool[roster.dept[mentee[block]]]
        safe = np.maximum(candidates, 0)
        day = start[block][:, None]
        fits = (
            (candidates >= 0)
            & (roster.start[safe] <= day)
            & (roster.end[safe] > day + 365)
            & (safe != mentee[block][:, None])
            & (~need_senior[block][:, None] | (roster.senior_since[safe] <= day))
        )
        score = (
            np.log(roster.mentor_weight[safe])
            + _affinity(roster, mentee[block][:, None], safe)
            + rng.gumbel(size=candidates.shape)
        )
        best = np.where(fits, score, -np.inf).argmax(axis=1)
        chosen[block] = np.where(fits.any(axis=1), safe[np.arange(len(block)), best], -1)
    return chosen


def _affinity(roster: Roster, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """Log-weight bonus when women and URiM mentees find mentors like themselves, which piles
    more of the load on the few women and URiM faculty."""
    woman = roster.gender == GENDERS.index("woman")
    return np.log(1.5) * (woman[mentee] & woman[mentor]) + np.log(2.0) * (roster.urim[mentee] & roster.urim[mentor])


def _time_to_match(rng, n: int) -> np.ndarray:
    """Many are matched at orientation, most within 90 days, a tail takes up to two years."""
    kind = _choice(rng, (0.4, 0.4, 0.2), n)
    return np.choose(kind, [np.zeros(n), rng.exponential(30, n), rng.uniform(90, 720, n)]).astype(int)


def _primary_mentorships(rng, roster: Roster, faculty_pool, first: np.ndarray, start: np.ndarray) -> Relationships:
    """Role `mentor` relationships that decide whether someone is mentored."""
    n = len(first)
    need_senior = np.isin(roster.stage[first], FACULTY)
    mentor = _pick_mentors(rng, roster, faculty_pool, first, start, need_senior)
    source = _choice(rng, (0.55, 0.20, 0.08, 0.05, 0.03, 0.04, 0.05), n)
    # Society, alumni, social-media and meeting mentors are often from outside the department.
    outside = np.isin(source, [2, 3, 4, 5]) & (rng.random(n) < 0.6) | (mentor < 0)
    natural_end = np.where(
        rng.random(n) < np.where(np.isin(roster.stage[first], FACULTY), 0.4, 0.2),
        start + (rng.uniform(0.5, 4, n) * YEAR).astype(int),
        OPEN,
    )
    mentor_end = np.where(outside, OPEN, roster.end[np.maximum(mentor, 0)])
    end = np.minimum.reduce([natural_end, roster.end[first], mentor_end])
    return Relationships(
        np.where(outside, -1, mentor),
        np.where(outside, 0, -1),
        first,
        np.full(n, ROLES.index("mentor")),
        source,
        start,
        end,
    )


def _mentorships(rng, roster: Roster, n_depts: int) -> tuple[Relationships, np.ndarray]:
    """All relationships, and each person's (up to two) spells of being mentored.

    The spells are the first mentor relationship and, when it ends early, a rematch for three
    in four. Extra concurrent mentors sit inside the first spell, so the spells alone say whether
    someone is mentored on a date."""
    faculty_pool = _pool(roster, np.flatnonzero(np.isin(roster.stage, FACULTY)), n_depts)
    seekers = np.flatnonzero(roster.seeks_mentor)
    first = _primary_mentorships(
        rng, roster, faculty_pool, seekers, roster.start[seekers] + _time_to_match(rng, len(seekers))
    )
    first = _subset(first, first.start < first.end)
    ended_early = first.end < roster.end[first.mentee]
    rematch_pick = ended_early & (rng.random(len(first.mentee)) < 0.75)
    rematch = _primary_mentorships(
        rng,
        roster,
        faculty_pool,
        first.mentee[rematch_pick],
        first.end[rematch_pick] + rng.integers(30, 200, rematch_pick.sum()),
    )
    rematch = _subset(rematch, rematch.start < rematch.end)
    spells = np.full((len(roster), 4), OPEN)
    spells[first.mentee, 0], spells[first.mentee, 1] = first.start, first.end
    spells[rematch.mentee, 2], spells[rematch.mentee, 3] = rematch.start, rematch.end
    extra = _extra_mentors(rng, roster, faculty_pool, first)
    others = _other_roles(rng, roster, n_depts, faculty_pool)
    everything = _concat([first, rematch, extra, others])
    everything = _subset(everything, everything.start <= END_DATE)
    return _number_externals(rng, everything, roster), spells


def _extra_mentors(rng, roster: Roster, faculty_pool, first: Relationships) -> Relationships:
    """A second mentor for about a fifth of the mentored, inside their first spell."""
    pick = rng.random(len(first.mentee)) < 0.2
    base = _subset(first, pick)
    last = np.minimum(base.end, END_DATE)
    start = base.start + (rng.uniform(0, 0.6, len(base.mentee)) * (last - base.start)).astype(int)
    extra = _primary_mentorships(rng, roster, faculty_pool, base.mentee, start)
    extra.end = np.minimum(extra.end, base.end)
    return _subset(extra, extra.start < extra.end)


# Other roles: (who may have one, how often, mentor pool, source weights)
OTHER_ROLES = {
    "sponsor": ((RESIDENT, FELLOW, JUNIOR, SENIOR), 0.20, "senior", (0.30, 0.20, 0.20, 0.10, 0.0, 0.10, 0.10)),
    "advisor": ((STUDENT, RESIDENT, FELLOW), 0.30, "faculty", (0.50, 0.35, 0.0, 0.05, 0.0, 0.0, 0.10)),
    "coach": ((RESIDENT, JUNIOR, SENIOR), 0.08, "external", (0.50, 0.0, 0.10, 0.0, 0.0, 0.15, 0.25)),
    "peer": ((STUDENT, RESIDENT, JUNIOR), 0.30, "peers", (0.40, 0.05, 0.15, 0.05, 0.15, 0.05, 0.15)),
}


def _other_roles(rng, roster: Roster, n_depts: int, faculty_pool) -> Relationships:
    """Sponsors, advisors, coaches and peers: independent of being mentored, one to three years."""
    parts = []
    for role, (stages, share, pool_kind, source_weights) in OTHER_ROLES.items():
        mentee = np.flatnonzero(np.isin(roster.stage, stages) & (rng.random(len(roster)) < share))
        n = len(mentee)
        span = np.minimum(roster.end[mentee], END_DATE) - roster.start[mentee]
        start = roster.start[mentee] + (rng.uniform(0.05, 0.7, n) * np.maximum(span, 1)).astype(int)
        if pool_kind == "external":
            mentor = np.full(n, -1)
        elif pool_kind == "peers":
            mentor = _pick_peers(rng, roster, n_depts, mentee, start)
        else:
            mentor = _pick_mentors(rng, roster, faculty_pool, mentee, start, np.full(n, pool_kind == "senior"))
        mentor_end = np.where(mentor >= 0, roster.end[np.maximum(mentor, 0)], OPEN)
        end = np.minimum.reduce([start + (rng.uniform(1, 3, n) * YEAR).astype(int), roster.end[mentee], mentor_end])
        found = (mentor >= 0) | (pool_kind == "external")
        parts.append(
            _subset(
                Relationships(
                    mentor,
                    np.where(mentor < 0, 0, -1),
                    mentee,
                    np.full(n, ROLES.index(role)),
                    _choice(rng, source_weights, n),
                    start,
                    end,
                ),
                found & (start < end),
            )
        )
    return _concat(parts)


def _pick_peers(rng, roster: Roster, n_depts: int, mentee: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Residents are peer mentors to students and to other residents, junior faculty to junior faculty."""
    mentor = np.full(len(mentee), -1)
    junior = roster.stage[mentee] == JUNIOR
    for peer_stage, mentees in ((RESIDENT, ~junior), (JUNIOR, junior)):
        pool = _pool(roster, np.flatnonzero(roster.stage == peer_stage), n_depts)
        mentor[mentees] = _pick_mentors(
            rng, roster, pool, mentee[mentees], start[mentees], np.zeros(mentees.sum(), dtype=bool)
        )
    return mentor


def _number_externals(rng, relationships: Relationships, roster: Roster) -> Relationships:
    """External mentors: about a dozen per department, some with several mentees, numbered EXT001.."""
    is_external = relationships.external >= 0
    dept = roster.dept[relationships.mentee[is_external]]
    slot = dept * 12 + rng.integers(0, 12, is_external.sum())
    relationships.external[is_external] = np.unique(slot, return_inverse=True)[1]
    return relationships


def _subset(r: Relationships, keep: np.ndarray) -> Relationships:
    return Relationships(*(getattr(r, f)[keep] for f in Relationships.__dataclass_fields__))


def _concat(parts: list[Relationships]) -> Relationships:
    return Relationships(*(np.concatenate([getattr(p, f) for p in parts]) for f in Relationships.__dataclass_fields__))


def _mentored_on(spells: np.ndarray, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each person had an active mentor relationship on the day (end dates inclusive)."""
    s = spells[person]
    return ((s[:, 0] <= day) & (day <= s[:, 1])) | ((s[:, 2] <= day) & (day <= s[:, 3]))


# --- meetings ------------------------------------------------------------------------------------
CADENCE_DAYS = {"mentor": (30, 90), "sponsor": (60, 150), "advisor": (45, 120), "coach": (21, 45), "peer": (30, 90)}


def _meetings(rng, r: Relationships) -> dict:
    """Meetings every one to three months from DATA_START; about 30% of relationships lapse (stop
    meeting while still on the books), which is why engaged coverage trails coverage."""
    n = len(r.mentee)
    bounds = np.array([CADENCE_DAYS[role] for role in ROLES])[r.role]
    cadence = rng.uniform(bounds[:, 0], bounds[:, 1])
    first = np.maximum(r.start, DATA_START)
    last = np.minimum(r.end, END_DATE)
    lapse = rng.random(n) < 0.3
    last = np.where(lapse, first + (rng.random(n) * (last - first)).astype(int), last)
    counts = np.maximum((last - first) / cadence, 0).astype(int)
    rel, k = _expand(counts)
    day = first[rel] + ((k + 0.5 + rng.normal(0, 0.15, len(rel))) * cadence[rel]).astype(int)
    day = np.clip(day, first[rel], last[rel])
    kind = _choice(rng, (0.60, 0.08, 0.12, 0.06, 0.04, 0.03, 0.04, 0.03), len(rel))
    minutes = np.array([15, 20, 30, 45, 60, 90])[_choice(rng, (0.10, 0.10, 0.35, 0.20, 0.20, 0.05), len(rel))]
    return dict(
        mentor=r.mentor[rel], external=r.external[rel], mentee=r.mentee[rel], date=day, minutes=minutes, kind=kind
    )


# --- survey --------------------------------------------------------------------------------------
MAIN_WAVES = (
    ("Wellbeing 2023 Spring", "2023-04-03", ("mini_z", "mbi_single")),
    ("Wellbeing 2024 Spring", "2024-04-01", ("mini_z", "pfi")),
    ("Wellbeing 2025 Spring", "2025-04-07", ("mini_z", "mbi_single", "pfi")),
    ("Wellbeing 2026 Spring", "2026-04-06", ("mini_z", "mbi_single", "pfi")),
)
SURVEYED = (RESIDENT, FELLOW, JUNIOR, SENIOR)
# Latent burnout by stage (student unused); Mini-Z burnout >= 3 exactly when the latent is > 0.
BURNOUT_MEAN = np.array([0.0, 0.18, 0.05, -0.16, -0.16])
MENTORED_SHIFT = -0.25
MINI_Z_CUTS = (-1.1, 0.0, 0.9, 1.7)
ITEMS = {
    "mini_z": ("mini_z_burnout", "mini_z_satisfaction", "mini_z_stress"),
    "mbi_single": ("mbi_ee_item", "mbi_dp_item"),
    "pfi": tuple(f"pfi_pf_{i}" for i in range(1, 7))
    + tuple(f"pfi_we_{i}" for i in range(1, 5))
    + tuple(f"pfi_id_{i}" for i in range(1, 7)),
    "wellbeing": ("career_satisfaction", "mentorship_satisfaction", "intent_to_leave"),
}


@dataclass(frozen=True)
class Wave:
    name: str
    opens: int
    days_open: int
    instruments: tuple[str, ...]
    response_rate: float


def _waves(scale: str) -> list[Wave]:
    # About 74% respond; with 15% answering anonymously, the roster can credit about 63%.
    waves = [Wave(name, _day(opens), 28, instruments + ("wellbeing",), 0.74) for name, opens, instruments in MAIN_WAVES]
    every = PULSE_EVERY_DAYS[scale]
    if every:
        for opens in range(_day("2020-07-06"), END_DATE - 7, every):
            name = f"Pulse {np.datetime64(opens, 'D')}"
            waves.append(Wave(name, opens, 7, ("mini_z",), 0.62))
    return waves


def _survey(rng, roster: Roster, spells: np.ndarray, waves: list[Wave]) -> dict:
    """Responses of active residents, fellows and faculty, their items drawn from a latent burnout
    that persists per person, drifts down a little over the years and is lower when mentored."""
    surveyed = np.isin(roster.stage, SURVEYED)
    person_level = rng.normal(0, 0.3, len(roster))
    parts = []
    for code, wave in enumerate(waves):
        present = surveyed & (roster.start <= wave.opens) & (roster.end > wave.opens)
        person = np.flatnonzero(present & (rng.random(len(roster)) < wave.response_rate))
        day = np.minimum(wave.opens + rng.integers(0, wave.days_open, len(person)), roster.end[person] - 1)
        parts.append((np.full(len(person), code), person, day))
    wave_code, person, day = (np.concatenate(column) for column in zip(*parts))
    n = len(person)
    mentored = _mentored_on(spells, person, day)
    year_drift = -0.03 * (day - _day("2023-01-01")) / YEAR
    # Logistic noise (sd about 0.85) from stratified uniforms: each wave's mentored and unmentored
    # residents, fellows.. get a near-exact spread of noise, so a small department shows the
    # modest mentoring effect instead of whatever 20 independent draws happen to say.
    stratum = (wave_code * len(CAREER_STAGES) + roster.stage[person]) * 2 + mentored
    u = _stratified_uniform(rng, stratum)
    latent = (
        BURNOUT_MEAN[roster.stage[person]]
        + person_level[person]
        + year_drift
        + MENTORED_SHIFT * mentored
        + 0.47 * np.log(u / (1 - u))
    )
    seconds = rng.integers(8 * 3600, 22 * 3600, n)
    response = dict(
        wave=wave_code,
        person=person,
        submitted_at=day.astype("datetime64[D]") + seconds.astype("timedelta64[s]"),
        anonymous=rng.random(n) < 0.15,
        hide_gender=rng.random(n) < 0.05,
        hide_race=rng.random(n) < 0.08,
        has_mentor=np.where(rng.random(n) < 0.05, ~mentored, mentored),
        complete=rng.random(n) >= 0.04,
    )
    response["items"] = _items(rng, latent, mentored, wave_code, waves, response["complete"])
    return response


def _items(rng, latent, mentored, wave_code, waves: list[Wave], complete) -> dict[str, pa.Array]:
    """Every item column: NULL where the wave did not ask it, and after the Mini-Z for incomplete
    responses (people who gave up partway)."""
    n = len(latent)

    def scale(centre, slope, noise, low, high):
        return np.clip(np.rint(centre + slope * latent + rng.normal(0, noise, n)), low, high).astype(np.int8)

    values = {
        "mini_z_burnout": (1 + np.searchsorted(MINI_Z_CUTS, latent)).astype(np.int8),
        "mini_z_satisfaction": scale(3.6, -0.7, 0.7, 1, 5),
        "mini_z_stress": scale(3.0, 0.8, 0.7, 1, 5),
        "mbi_ee_item": scale(2.8, 1.5, 0.9, 0, 6),
        "mbi_dp_item": scale(2.0, 1.3, 1.0, 0, 6),
        "career_satisfaction": scale(3.7, -0.6, 0.8, 1, 5),
        "mentorship_satisfaction": np.where(mentored, scale(3.9, -0.3, 0.8, 1, 5), scale(2.6, 0.0, 0.9, 1, 5)),
        "intent_to_leave": rng.random(n) < 1 / (1 + np.exp(1.6 - 0.8 * latent)),
    }
    for column in ITEMS["pfi"]:
        centre, slope = {"pf": (2.6, -0.6), "we": (1.4, 0.8), "id": (0.9, 0.7)}[column.split("_")[1]]
        values[column] = scale(centre, slope, 0.6, 0, 4)
    asked = {key: np.array([key in w.instruments for w in waves])[wave_code] for key in ITEMS}
    columns = {}
    for instrument, names in ITEMS.items():
        missing = ~asked[instrument] | (~complete if instrument != "mini_z" else False)
        for name in names:
            columns[name] = pa.array(values[name], mask=missing)
    return columns


# --- applicants ----------------------------------------------------------------------------------
# track: applicants per cycle, then how many reach each later stage (ranges), women, URiM.
TRACK_PLAN = {
    "residency": ((550, 650), (60, 80), (50, 60), (7, 7), 0.22, 0.12),
    "fellowship": ((30, 50), (10, 14), (8, 11), (4, 5), 0.18, 0.09),
    "faculty": ((15, 25), (5, 7), (2, 4), (1, 3), 0.25, 0.09),
    "student_rotation": ((120, 180), (40, 60), (32, 45), (20, 30), 0.32, 0.14),
}
CYCLES = np.arange(2022, 2027)


def _applicants(rng, n_depts: int) -> dict:
    parts = [_track_applicants(rng, n_depts, TRACKS.index(track), plan) for track, plan in TRACK_PLAN.items()]
    applicants = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((applicants["track"], applicants["cycle"]))
    applicants = {key: value[order] for key, value in applicants.items()}
    applicants["seq"] = _rank_within(applicants["cycle"] * 10 + applicants["track"]) + 1
    return applicants


def _track_applicants(rng, n_depts: int, track: int, plan) -> dict:
    """One track's applicants over the five cycles: women rise slowly; at each stage the program
    takes its usual number, favouring pipeline-program alumni and, at interview, a little less
    often URiM applicants (the question a committee asks of its funnel)."""
    (low, high), *later_stages, women, urim_share = plan
    counts = rng.integers(low, high + 1, n_depts * len(CYCLES))
    search = np.repeat(np.arange(len(counts)), counts)  # one department's cycle of this track
    cycle = np.tile(CYCLES, n_depts)[search]
    n = len(cycle)
    woman = rng.random(n) < women + 0.008 * (cycle - CYCLES[0])
    urim = rng.random(n) < urim_share
    pipeline = np.column_stack(
        [
            rng.random(n) < np.where(woman, 0.25, 0.005),  # Perry Initiative: women
            rng.random(n) < np.where(urim, 0.35, 0.01),  # Nth Dimensions: URiM
            rng.random(n) < np.where(woman, 0.08, 0.0),  # RJOS
            rng.random(n) < np.where(urim, 0.08, 0.0),  # JRGOS
            rng.random(n) < 0.02,
        ]
    )
    in_pipeline = pipeline.any(axis=1)
    pulls = (
        np.where(in_pipeline, 1.8, 1.0) * np.where(urim, 0.8, 1.0),
        np.where(in_pipeline, 1.2, 1.0),
        np.where(in_pipeline, 1.3, 1.0),
    )
    reached = np.zeros(n, dtype=int)
    for stage, ((least, most), pull) in enumerate(zip(later_stages, pulls), start=1):
        takes = rng.integers(least, most + 1, len(counts))
        reached += _top_k(rng, search, reached == stage - 1, pull, takes)
    return dict(
        cycle=cycle,
        track=np.full(n, track),
        dept=search // len(CYCLES),
        gender=_gender_codes(rng, woman),
        race=_race_flags(rng, urim),
        urim=urim,
        explicit_urim=rng.random(n) < 0.05,
        pipeline=pipeline,
        stage=reached,
    )


def _top_k(rng, group: np.ndarray, eligible: np.ndarray, pull: np.ndarray, k: np.ndarray) -> np.ndarray:
    """In each group, the k eligible members drawn with probability growing with pull (Gumbel top-k)."""
    score = np.where(eligible, np.log(pull) + rng.gumbel(size=len(group)), -np.inf)
    order = np.lexsort((-score, group))
    chosen = np.zeros(len(group), dtype=bool)
    chosen[order] = (_rank_within(group[order]) < k[group[order]]) & eligible[order]
    return chosen


# --- outcomes ------------------------------------------------------------------------------------
# Rows a year by stage (student, resident, fellow, junior, senior) and the boost while mentored.
OUTCOME_RATES = {
    "publication": (np.array([0.35, 1.0, 1.6, 1.8, 2.6]), 1.3),
    "grant": (np.array([0.0, 0.03, 0.05, 0.25, 0.35]), 1.25),
    "award": (np.array([0.10, 0.15, 0.20, 0.15, 0.20]), 1.15),
}


def _outcomes(rng, roster: Roster, spells: np.ndarray) -> dict:
    """Publications, grants and awards while present since DATA_START, more often while mentored
    (drawn at the boosted rate, then thinned outside mentored days), plus every promotion."""
    first = np.maximum(roster.start, DATA_START)
    years = np.maximum(np.minimum(roster.end, END_DATE + 1) - first, 0) / YEAR
    # People who look for mentors are a little more productive anyway (self-selection: part of the
    # association the outcomes page shows is not caused by mentoring, as it says).
    productivity = rng.lognormal(-0.08, 0.4, len(roster)) * np.where(roster.seeks_mentor, 1.1, 1.0)
    parts = []
    for kind, (rates, boost) in OUTCOME_RATES.items():
        # Randomly rounded rather than Poisson: people differ through productivity, and the small
        # groups of one department are not swamped by counting noise.
        counts = (rates[roster.stage] * productivity * boost * years + rng.random(len(roster))).astype(int)
        person, _ = _expand(counts)
        day = first[person] + (rng.random(len(person)) * years[person] * YEAR).astype(int)
        keep = rng.random(len(person)) * boost < np.where(_mentored_on(spells, person, day), boost, 1.0)
        size = 1 + rng.binomial(2, 0.3, len(person)) if kind == "publication" else np.ones(len(person), dtype=int)
        parts.append((person[keep], day[keep], np.full(keep.sum(), OUTCOME_KINDS.index(kind)), size[keep]))
    promoted = np.flatnonzero(roster.promoted_on <= END_DATE)
    parts.append(
        (
            promoted,
            roster.promoted_on[promoted],
            np.full(len(promoted), OUTCOME_KINDS.index("promotion")),
            np.ones(len(promoted), dtype=int),
        )
    )
    person, day, kind, count = (np.concatenate(column) for column in zip(*parts))
    return dict(person=person, date=day, kind=kind, count=count)


# --- writing -------------------------------------------------------------------------------------
def _width(n: int, at_least: int) -> int:
    return max(at_least, len(str(n)))


def _person_id(column: str, width: int) -> str:
    """SQL that formats a 0-based person index as P00001.. (indices come from code, not input;
    printf pads to the width and, unlike lpad, never cuts a longer number)."""
    return f"'P' || printf('%0{width}d', {column} + 1)"


def _mentor_id(width: int) -> str:
    """SQL for the mentor's id: EXT001.. for someone outside the roster, else their person id."""
    return f"CASE WHEN external >= 0 THEN 'EXT' || printf('%03d', external + 1) ELSE {_person_id('mentor', width)} END"


def _insert(cur, name: str, table: pa.Table, sql: str) -> int:
    """Run an INSERT .. SELECT over an Arrow table; the number of rows inserted."""
    cur.register(name, table)
    inserted = cur.execute(sql).fetchall()[0][0]
    cur.unregister(name)
    return inserted


def _record_key_sql(seed: int, table: str, *columns: str) -> str:
    """A record key (docs/privacy.md) drawn from the seed and the row's identity, so that the same seed
    gives the same demo, protected figures included (imports draw keys at random instead)."""
    return f"(hash({int(seed)}, '{table}', {', '.join(columns)}) % 4294967296)::UINTEGER"


# The default URiM definition, for anonymous respondents who state their race but not URiM.
URIM_SQL_LIST = "[" + ", ".join(f"'{race}'" for race in DEFAULT_SETTINGS["urim_list"]) + "]"


def _write_people(cur, rng, roster: Roster, n_depts: int, width: int, seed: int) -> int:
    """urim is left blank (derived from race/ethnicity downstream) except for about 4% of people
    who state it; institution only names departments when there are several."""
    n = len(roster)
    disclosed = ~roster.race[:, RACE_ETHNICITIES.index("undisclosed")]
    explicit_urim = np.where(disclosed & (rng.random(n) < 0.04), roster.urim.astype(int), -1)
    first_generation = np.where(
        rng.random(n) < 0.15, -1, (rng.random(n) < FIRST_GENERATION_SHARE[roster.stage]).astype(int)
    )
    pgy = _pgy(roster)
    table = pa.table(
        {
            "person": np.arange(n),
            "dept": roster.dept,
            "career_stage": _codes(roster.stage, CAREER_STAGES),
            "pgy": pa.array(pgy, pa.int16(), mask=pgy < 0),
            "division": _codes(roster.division, DIVISIONS),
            "gender": _codes(roster.gender, GENDERS),
            "race_ethnicity": _lists(roster.race, RACE_ETHNICITIES),
            "urim": _nullable_bool(explicit_urim),
            "first_generation": _nullable_bool(first_generation),
            "start_date": _dates(roster.start),
            "end_date": _dates(roster.end),
            "departure_reason": _codes(roster.reason, DEPARTURE_REASONS),
        }
    )
    return _insert(
        cur,
        "demo_people",
        table,
        f"""
        INSERT INTO people BY NAME
        SELECT {_person_id("person", width)} AS person_id, career_stage::VARCHAR AS career_stage, pgy,
               division::VARCHAR AS division, gender::VARCHAR AS gender, race_ethnicity, urim, first_generation,
               start_date, end_date, departure_reason::VARCHAR AS departure_reason,
               {_institution_sql(n_depts)} AS institution, 'demo' AS import_id,
               {_record_key_sql(seed, "people", "person")} AS record_key
        FROM demo_people""",
    )


def _institution_sql(n_depts: int) -> str:
    """The department's name from its index column `dept`; blank for a single department."""
    return f"'Dept ' || printf('%0{_width(n_depts, 2)}d', dept + 1)" if n_depts > 1 else "NULL"


def _write_mentorships(cur, rng, r: Relationships, width: int) -> int:
    """Formal for every match made through a program, plus a few others that a program recorded."""
    formal = (r.source == SOURCES.index("formal_program")) | (rng.random(len(r.mentee)) < 0.08)
    table = pa.table(
        {
            "mentor": r.mentor,
            "external": r.external,
            "mentee": r.mentee,
            "role": _codes(r.role, ROLES),
            "formal": formal,
            "source": _codes(r.source, SOURCES),
            "start_date": _dates(r.start),
            "end_date": _dates(r.end),
        }
    )
    # The same mentor can be drawn twice for one mentee on one day: that is one relationship.
    return _insert(
        cur,
        "demo_mentorships",
        table,
        f"""
        INSERT INTO mentorships BY NAME
        SELECT DISTINCT ON (mentor_id, mentee_id, role, start_date) *
        FROM (SELECT {_mentor_id(width)} AS mentor_id, {_person_id("mentee", width)} AS mentee_id,
                     role::VARCHAR AS role, formal, source::VARCHAR AS source, start_date, end_date,
                     'demo' AS import_id
              FROM demo_mentorships)""",
    )


def _write_meetings(cur, rng, r: Relationships, width: int) -> int:
    m = _meetings(rng, r)
    table = pa.table(
        {
            "mentor": m["mentor"],
            "external": m["external"],
            "mentee": m["mentee"],
            "date": _dates(m["date"]),
            "minutes": m["minutes"].astype(np.int32),
            "kind": _codes(m["kind"], MEETING_KINDS),
        }
    )
    return _insert(
        cur,
        "demo_meetings",
        table,
        f"""
        INSERT INTO meetings BY NAME
        SELECT {_mentor_id(width)} AS mentor_id, {_person_id("mentee", width)} AS mentee_id, date, minutes,
               kind::VARCHAR AS kind, 'demo' AS import_id
        FROM demo_meetings""",
    )


def _write_survey(cur, rng, roster: Roster, spells: np.ndarray, waves: list[Wave], width: int, seed: int) -> int:
    """Linked responses carry the roster's demographics; anonymous ones (about 15%) report their
    own, sometimes leaving gender or race blank, and state URiM themselves."""
    s = _survey(rng, roster, spells, waves)
    table = pa.table(
        {
            "wave": _codes(s["wave"], tuple(w.name for w in waves)),
            "seq": np.arange(1, len(s["person"]) + 1),
            "person": s["person"],
            "submitted_at": s["submitted_at"],
            "anonymous": s["anonymous"],
            "hide_gender": s["hide_gender"],
            "hide_race": s["hide_race"],
            "has_mentor": s["has_mentor"],
            "complete": s["complete"],
            **s["items"],
        }
    )
    items = ", ".join(s["items"])
    return _insert(
        cur,
        "demo_survey",
        table,
        f"""
        INSERT INTO survey BY NAME
        SELECT s.wave::VARCHAR AS survey, 'R' || printf('%0{_width(table.num_rows, 6)}d', s.seq) AS response_id,
               s.submitted_at, CASE WHEN NOT s.anonymous THEN p.person_id END AS person_id, p.career_stage,
               CASE WHEN NOT (s.anonymous AND s.hide_gender) THEN p.gender END AS gender,
               CASE WHEN NOT (s.anonymous AND s.hide_race) THEN p.race_ethnicity END AS race_ethnicity,
               CASE WHEN NOT s.anonymous THEN p.urim
                    WHEN NOT s.hide_race AND p.race_ethnicity <> ['undisclosed']
                    THEN list_has_any(p.race_ethnicity, {URIM_SQL_LIST}) END AS urim,
               s.has_mentor, s.complete, {items}, 'demo' AS import_id,
               {_record_key_sql(seed, "survey", "s.seq")} AS record_key
        FROM demo_survey s JOIN people p ON p.person_id = {_person_id("s.person", width)}""",
    )


def _write_applicants(cur, rng, n_depts: int, seed: int) -> int:
    a = _applicants(rng, n_depts)
    urim = np.where(a["explicit_urim"], a["urim"].astype(int), -1)
    table = pa.table(
        {
            "cycle": a["cycle"].astype(np.int32),
            "track": _codes(a["track"], TRACKS),
            "seq": a["seq"],
            "dept": a["dept"],
            "gender": _codes(a["gender"], GENDERS),
            "race_ethnicity": _lists(a["race"], RACE_ETHNICITIES),
            "urim": _nullable_bool(urim),
            "pipeline": _lists(a["pipeline"], PIPELINES),
            "stage_reached": _codes(a["stage"], APPLICANT_STAGES),
        }
    )
    prefix = "CASE track::VARCHAR WHEN 'residency' THEN 'RES' WHEN 'fellowship' THEN 'FEL' WHEN 'faculty' THEN 'FAC' ELSE 'ROT' END"
    return _insert(
        cur,
        "demo_applicants",
        table,
        f"""
        INSERT INTO applicants BY NAME
        SELECT {prefix} || '-' || cycle || '-' || printf('%05d', seq) AS applicant_id, cycle,
               track::VARCHAR AS track, gender::VARCHAR AS gender, race_ethnicity, urim, pipeline,
               stage_reached::VARCHAR AS stage_reached, {_institution_sql(n_depts)} AS institution,
               'demo' AS import_id, {_record_key_sql(seed, "applicants", "seq", "cycle", "track")} AS record_key
        FROM demo_applicants""",
    )


def _write_outcomes(cur, rng, roster: Roster, spells: np.ndarray, width: int) -> int:
    o = _outcomes(rng, roster, spells)
    table = pa.table(
        {
            "person": o["person"],
            "date": _dates(o["date"]),
            "kind": _codes(o["kind"], OUTCOME_KINDS),
            "count": o["count"].astype(np.int32),
        }
    )
    return _insert(
        cur,
        "demo_outcomes",
        table,
        f"""
        INSERT INTO outcomes BY NAME
        SELECT {_person_id("person", width)} AS person_id, date, kind::VARCHAR AS kind, count, 'demo' AS import_id
        FROM demo_outcomes""",
    )


def build_demo(db: Database, scale: str = "department", seed: int = 42) -> dict:
    """Fill an empty database with a synthetic department (or consortium, or nation) in one
    transaction, registered as import "demo"; returns the number of rows per dataset."""
    if scale not in DEMO_SCALES:
        raise ValueError(f"unknown demo scale {scale!r}: one of {', '.join(DEMO_SCALES)}")
    _refuse_if_not_empty(db.rows)
    rng = np.random.default_rng(seed)
    n_depts = DEPARTMENTS[scale]
    roster = _roster(rng, n_depts)
    relationships, spells = _mentorships(rng, roster, n_depts)
    width = _width(len(roster), 5)
    file_name = f"demo:{scale}:{seed}"
    with db.transaction() as cur:
        _refuse_if_not_empty(lambda sql: cur.execute(sql).fetchall())
        # Generated table by table inside the transaction, so that only one is in memory at a time.
        counts = {
            "people": _write_people(cur, rng, roster, n_depts, width, seed),
            "mentorships": _write_mentorships(cur, rng, relationships, width),
            "meetings": _write_meetings(cur, rng, relationships, width),
            "survey": _write_survey(cur, rng, roster, spells, _waves(scale), width, seed),
            "applicants": _write_applicants(cur, rng, n_depts, seed),
            "outcomes": _write_outcomes(cur, rng, roster, spells, width),
        }
        cur.execute(
            "INSERT INTO imports (import_id, imported_at, imported_by, file_name, sha256, dataset, format, rows)"
            " VALUES ('demo', ?, 'demo', ?, ?, 'demo', 'demo', ?)",
            [
                IMPORTED_AT.astype(object),
                file_name,
                hashlib.sha256(file_name.encode()).hexdigest(),
                sum(counts.values()),
            ],
        )
        Database.bump_data_version(cur)
    return counts


def _refuse_if_not_empty(rows) -> None:
    if rows("SELECT count(*) FROM people")[0][0]:
        raise ValueError("the demo needs an empty database: people already has rows")
