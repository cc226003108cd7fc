"""The sidebar's filters and the SQL that applies them, with every value bound as a parameter.

Filters select people (coverage, outcomes), respondents (surveys: roster values where the response
has a known person_id, else what the respondent reported) or applicants (recruitment). The SQL
fragments below are fixed text from this module; only values travel as parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from mentordash.privacy import figure_free
from mentordash.vocabulary import CAREER_STAGES, GENDERS, RACE_ETHNICITIES


class FilterError(ValueError):
    """A filter value outside its whitelist: named, with the value, so the caller can say what is wrong."""


@dataclass(frozen=True)
class Filters:
    career_stage: tuple[str, ...] = ()
    gender: tuple[str, ...] = ()
    race_ethnicity: tuple[str, ...] = ()
    urim: bool | None = None
    division: tuple[str, ...] = ()
    institution: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check("career_stage", self.career_stage, CAREER_STAGES)
        _check("gender", self.gender, GENDERS)
        _check("race_ethnicity", self.race_ethnicity, RACE_ETHNICITIES)
        if self.urim not in (None, True, False):
            raise FilterError(f"urim must be true, false or unset, not {self.urim!r}")

    @classmethod
    def of(cls, **values: Any) -> Filters:
        """Build from lists or tuples (the CLI, the URL), dropping empty ones; order does not matter."""
        clean = {}
        for key, value in values.items():
            if key == "urim":
                clean[key] = value
            elif value:
                clean[key] = tuple(sorted(dict.fromkeys(str(v) for v in value)))
        return cls(**clean)

    def as_dict(self) -> dict:
        """Only the filters that are set, lists for JSON (the summary's `filters`)."""
        out = {}
        for key in _FIELD_NAMES:  # not dataclasses.asdict, which deep-copies every tuple on each query built
            value = getattr(self, key)
            if key == "urim":
                if value is not None:
                    out[key] = value
            elif value:
                out[key] = list(value)
        return out

    def narrowed(self, **changes: Any) -> Filters:
        """A copy with some filters replaced (e.g. career_stage intersected with the trainee stages)."""
        values = asdict(self)
        values.update(changes)
        return Filters.of(**values)

    def for_share_charts(self) -> tuple[Filters, Filters]:
        """(filters for the women's share chart, for the URiM share chart): a share of women among women is
        100% by construction, so each share chart sets its own attribute's filter aside."""
        women = self.narrowed(gender=()) if self.gender else self
        urim = self.narrowed(urim=None) if self.urim is not None else self
        return women, urim

    def key(self) -> tuple:
        """A hashable, order-free key for caches; Filters.from_key turns it back."""
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(self.as_dict().items()))

    @classmethod
    def from_key(cls, key: tuple) -> Filters:
        return cls.of(**dict(key))


_FIELD_NAMES = tuple(field.name for field in fields(Filters))


def _check(name: str, values: tuple, allowed: tuple) -> None:
    for value in values:
        if value not in allowed:
            raise FilterError(f"{name} has no value {value!r}; allowed: {', '.join(allowed)}")


def urim_sql(alias: str) -> str:
    """Effective URiM of a row: its own urim, else derived from race_ethnicity with the settings' list.

    True if any listed group; false if only other known values; NULL if blank or only undisclosed."""
    return (
        f"coalesce({alias}.urim, CASE "
        f"WHEN list_has_any({alias}.race_ethnicity, $urim_list::VARCHAR[]) THEN TRUE "
        f"WHEN len(list_filter(coalesce({alias}.race_ethnicity, []::VARCHAR[]), lambda x: x <> 'undisclosed')) > 0 "
        f"THEN FALSE END)"
    )


def where_sql(filters: Filters, columns: dict[str, str], params: dict) -> str:
    """SQL conditions (each starting with AND) for the filters that are set.

    `columns` maps a filter name to the SQL expression that holds it for this query (fixed text from
    code), so one function serves people, respondents and applicants. Values go into `params`."""
    parts = []
    for name in ("career_stage", "gender", "division", "institution"):
        values = getattr(filters, name)
        if values and name in columns:
            params[f"f_{name}"] = list(values)
            # a scalar test, not `IN (SELECT unnest(...))`: a semi join for DuckDB to plan in every CTE the
            # filter reaches (each query of a filtered view 25-35% slower); the same truth, NULL for a missing value
            parts.append(f"AND list_contains($f_{name}::VARCHAR[], {columns[name]})")
    if filters.race_ethnicity and "race_ethnicity" in columns:
        params["f_race"] = list(filters.race_ethnicity)
        parts.append(f"AND list_has_any({columns['race_ethnicity']}, $f_race::VARCHAR[])")
    if filters.urim is not None and "urim" in columns:
        params["f_urim"] = filters.urim
        parts.append(f"AND {columns['urim']} IS NOT DISTINCT FROM $f_urim")
    return "\n    ".join(parts)


def people_columns(alias: str = "p") -> dict[str, str]:
    return {
        "career_stage": f"{alias}.career_stage",
        "gender": f"{alias}.gender",
        "division": f"{alias}.division",
        "institution": f"{alias}.institution",
        "race_ethnicity": f"{alias}.race_ethnicity",
        "urim": urim_sql(alias),
    }


def settled_people_columns(alias: str) -> dict[str, str]:
    """people_columns of rows built with URiM already settled (the settings' list applied) in their own urim
    column: the tables built once per data version (a settings change builds them again)."""
    return {**people_columns(alias), "urim": f"{alias}.urim"}


@figure_free
def available_values(db) -> dict[str, list[str]]:
    """The divisions and institutions present in the roster, for the sidebar's choices."""
    divisions = [r[0] for r in db.rows("SELECT DISTINCT division FROM people WHERE division IS NOT NULL ORDER BY 1")]
    institutions = [
        r[0] for r in db.rows("SELECT DISTINCT institution FROM people WHERE institution IS NOT NULL ORDER BY 1")
    ]
    return {"division": divisions, "institution": institutions}
