"""The report's content: the gathered figures laid out as sections of blocks (text, tiles, charts, tables).

Charts come from mentordash.charts and tables from the same display functions the pages use
(mentordash.ui.*_view and ui.tables, which are pure pandas), so a cell reads the same here as on screen:
'fewer than 5' where suppressed, '–' where there is nothing to compute. This module writes the words
around them: one sentence per headline tile, and the notes a printed page needs in place of hover.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from mentordash import privacy
from mentordash.charts import coverage as coverage_charts
from mentordash.charts import outcomes as outcome_charts
from mentordash.charts import recruitment as recruitment_charts
from mentordash.charts import wellbeing as wellbeing_charts
from mentordash.charts.overview import coverage_by_academic_year
from mentordash.charts.theme import SUBTITLE_LINE_PX, TITLE_LINE_PX, wrap
from mentordash.instruments import BURNOUT_MEASURES, MEASURE_ORDER, MEASURES
from mentordash.metrics import outcomes
from mentordash.metrics.overview import Tile
from mentordash.report.data import EXACT
from mentordash.ui import coverage_view, outcomes_view, recruitment_view, wellbeing_view
from mentordash.ui.tables import COUNT, PERCENT, cell, count, fewer_than, percent
from mentordash.vocabulary import (
    ALL_STAGES,
    ALL_STAGES_LABEL,
    APPLICANT_STAGE_LABELS,
    CAREER_STAGE_LABELS,
    DIMENSION_LABELS,
    GENDER_CHOICE_LABELS,
    RACE_LABELS,
    TRACK_LABELS,
    URIM_FILTER_LABELS,
)

FIGURE_WIDTH = 900  # CSS pixels: the report's column on screen; printed at 0.8 it fills a Letter or A4 page
HALF_WIDTH = 445
TITLE_CHAR_PX, SUBTITLE_CHAR_PX = 9.0, 6.4  # a character's width at the theme's title and fine-print sizes
TITLE_INSET_PX = 30  # the title's padding and a little air at the right edge


@dataclass
class Block:
    kind: str  # "text", "note", "tiles", "figure", "figures", "table", "list"
    title: str = ""
    text: str = ""
    items: list = field(default_factory=list)
    html: str = ""
    table_id: str = ""


@dataclass
class Section:
    id: str
    title: str
    lead: str = ""
    blocks: list[Block] = field(default_factory=list)


class Figures:
    """Figures as JSON for Plotly.newPlot, numbered in order so that the same report is the same file."""

    def json(self) -> str:
        """[{"id": ..., "figure": {...}}, ...], safe inside a <script> element."""
        items = ",".join(f'{{"id":{json.dumps(spec["id"])},"figure":{spec["figure"]}}}' for spec in self.specs)
        return f"[{items}]".replace("</", "<\\/")

    def __init__(self) -> None:
        self.specs: list[dict] = []

    def add(self, fig: go.Figure, width: int = FIGURE_WIDTH) -> Block:
        fig.update_layout(width=width, autosize=False)  # a fresh figure from a chart builder: ours to change
        fit_title(fig, width)
        div_id = f"figure-{len(self.specs) + 1}"
        self.specs.append({"id": div_id, "figure": fig.to_json(validate=False)})
        height = int(fig.layout.height or 420)
        return Block(
            "figure", html=f'<div class="chart" id="{div_id}" style="width:{width}px;height:{height}px"></div>'
        )

    def pair(self, left: go.Figure, right: go.Figure) -> Block:
        return Block("figures", items=[self.add(left, HALF_WIDTH), self.add(right, HALF_WIDTH)])


def _title_parts(text: str) -> tuple[list[str], list[str]]:
    """(title lines, fine-print lines) of a title as charts.theme writes it: 'a<br>b<br><sup>c</sup><br><sup>d</sup>'."""
    head, _, tail = text.partition("<br><sup>")
    sub = tail.removesuffix("</sup>").split("</sup><br><sup>") if tail else []
    return head.split("<br>"), sub


def fit_title(fig: go.Figure, width: int) -> None:
    """The chart's title and fine print wrapped for the width it has in the report (the pages wrap them
    for the width a chart has on screen, which may be wider or narrower), the figure made taller (or
    shorter) by a line's height for each line more (or fewer), so that no title runs off the chart's
    right edge or over its plot."""
    text = fig.layout.title.text or ""
    if not text:
        return
    title_lines, sub_lines = _title_parts(text)
    title_chars = int((width - TITLE_INSET_PX) / TITLE_CHAR_PX)
    sub_chars = int((width - TITLE_INSET_PX) / SUBTITLE_CHAR_PX)
    pinned = fig.layout.title.yref == "container"  # theme.finish: the title's lines already sized the figure
    too_long = any(len(line) > title_chars for line in title_lines) or any(len(line) > sub_chars for line in sub_lines)
    if not pinned and not too_long:
        return
    new_title = wrap(" ".join(title_lines), title_chars)
    new_sub = wrap(" ".join(sub_lines), sub_chars)
    if (new_title, new_sub) == (title_lines, sub_lines):
        return

    def extra(t: list[str], s: list[str]) -> int:
        return TITLE_LINE_PX * max(len(t) - 1, 0) + SUBTITLE_LINE_PX * max(len(s) - 1, 0)

    change = extra(new_title, new_sub) - (extra(title_lines, sub_lines) if pinned else 0)
    text = "<br>".join(new_title) + ("<br><sup>" + "</sup><br><sup>".join(new_sub) + "</sup>" if new_sub else "")
    height = int(fig.layout.height or 420)
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
    fig.update_layout(
        height=height + change,
        margin_t=top + change,
        title={"text": text, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
    )


def numbers_as_text(frame: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """A page's numbers_table (numbers left as numbers, a 'Note' on hidden rows) as printed text: a hidden
    row reads 'fewer than N' in every number column, a missing number '–', whole numbers as counts."""
    out = frame.copy().astype(object)
    hidden = out["Note"].astype(str).str.len() > 0 if "Note" in out else pd.Series(False, index=out.index)
    for col in out.columns:
        if col == "Note" or not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in out[col]):
            continue
        out[col] = [
            fewer_than(min_cell)
            if h
            else "–"
            if v is None or v != v
            else count(v)
            if float(v).is_integer() and not col.endswith("%")
            else f"{float(v):.1f}"
            for v, h in zip(out[col], hidden)
        ]
    return out


def table(frame: pd.DataFrame, table_id: str, title: str = "") -> Block:
    html = frame.to_html(index=False, escape=True, border=0, classes="numbers", table_id=table_id, na_rep="–")
    return Block("table", title=title, html=html, table_id=table_id)


# --- words -----------------------------------------------------------------------------------------


def filters_text(filters) -> str:
    parts = []
    for key, values in filters.as_dict().items():
        if key == "urim":
            parts.append(URIM_FILTER_LABELS["urim" if values else "not_urim"])
            continue
        if key == "career_stage":  # in career order, not alphabetical
            values = sorted(values, key=list(CAREER_STAGE_LABELS).index)
        names = [
            CAREER_STAGE_LABELS.get(v, v)
            if key == "career_stage"
            else RACE_LABELS.get(v, v)
            if key == "race_ethnicity"
            else GENDER_CHOICE_LABELS.get(v, v)
            if key == "gender"
            else str(v)
            for v in values
        ]
        parts.append(f"{DIMENSION_LABELS[key]}: {', '.join(names)}")
    return "; ".join(parts) if parts else "none (everyone)"


def _change(tile: Tile, unit_word: str) -> str:
    if tile.previous is None or tile.value is None:
        return ""
    when = {"last wave": "the wave before"}.get(tile.compared_with, tile.compared_with)
    if (
        tile.compared_with
        and tile.compared_with[:1].isalpha()
        and "cycle" not in tile.compared_with
        and tile.compared_with != "last wave"
    ):
        when = f"a year earlier ({tile.compared_with})"
    elif "cycle" in tile.compared_with:
        when = f"the {tile.compared_with}"
    delta = tile.delta
    if delta == 0:
        return f", unchanged from {when}"
    direction = "up" if delta > 0 else "down"
    amount = f"{abs(delta):.1f} points" if tile.unit == "%" else f"{abs(int(delta))}{unit_word}"
    return f", {direction} {amount} from {when}"


def tile_sentence(tile: Tile, min_cell: int) -> str:
    """One sentence that states the tile's finding (or why it has none)."""
    if tile.suppressed:
        return f"Hidden: fewer than {min_cell} people in this group, so the figure is not shown."
    if tile.value is None or not tile.n:
        return tile.note if tile.note and not tile.n and tile.value is None else "No data for this selection."
    value = percent(tile.value) if tile.unit == "%" else count(tile.value)
    n = count(tile.n)
    key = tile.key
    if key == "trainee_coverage":
        lead = f"{value} of the {n} active trainees (students, residents, fellows) have an active mentor"
    elif key == "junior_faculty_coverage":
        lead = f"{value} of the {n} active junior faculty have an active mentor"
    elif key == "engaged_coverage":
        lead = f"{value} of the {n} active people met an active mentor in the engaged window"
    elif key == "active_relationships":
        lead = f"{value} mentor relationships are active"
    elif key == "over_capacity":
        lead = f"{value} of {n} mentors carry more mentees than the capacity setting"
    elif key == "burnout":
        lead = f"{value} of {n} scoreable responses meet the burnout rule ({tile.note.rstrip('.')})"
        return lead + _change(tile, "") + "."
    elif key.endswith("_applied") or key.endswith("_matched"):
        who = "women" if key.startswith("women") else "URiM"
        stage = "applicants" if key.endswith("_applied") else "matched applicants"
        lead = f"{value} of {stage} (of those whose status is known) were {who}, {tile.note.split(';')[0]}"
    else:
        lead = f"{tile.label}: {value}"
    return lead + _change(tile, " relationships" if key == "active_relationships" else "") + "."


def tile_block(tiles: list[Tile], min_cell: int) -> Block:
    items = []
    for tile in tiles:
        if tile.suppressed:
            value, change = "Hidden", f"{fewer_than(min_cell)} people"
        elif tile.value is None:
            value, change = "No data", ""
        else:
            value = percent(tile.value) if tile.unit == "%" else count(tile.value)
            delta = tile.delta
            change = (
                ""
                if delta is None
                else (
                    f"no change vs {tile.compared_with}"
                    if delta == 0
                    else (f"{delta:+.1f} pts" if tile.unit == "%" else f"{int(delta):+d}") + f" vs {tile.compared_with}"
                )
            )
        items.append(
            {
                "section": tile.section,
                "label": tile.label,
                "value": value,
                "change": change,
                "sentence": tile_sentence(tile, min_cell),
                "key": tile.key,
            }
        )
    sections = list(dict.fromkeys(item["section"] for item in items))  # in reading order, as the overview
    return Block(
        "tiles", items=[{"title": name, "tiles": [i for i in items if i["section"] == name]} for name in sections]
    )


def too_small(total: dict, min_cell: int, who: str = "people") -> Block | None:
    """docs/privacy.md: when the filters leave fewer than min_cell, the section says so and shows nothing else."""
    if total.get("suppressed"):
        return Block(
            "note",
            text=f"The filters leave fewer than {min_cell} {who}: nothing in this section can be "
            "shown without identifying someone.",
        )
    if not total.get("n"):
        return Block("note", text=f"No {who} match these filters.")
    return None


# --- sections --------------------------------------------------------------------------------------


def summary_section(data: dict, figs: Figures) -> Section:
    min_cell = data["min_cell"]
    section = Section(
        "summary",
        "Summary",
        f"As of {data['as_of']:%d %B %Y}. Each figure is set against the same "
        "figure a year (a survey wave, an application cycle) earlier.",
    )
    gate = too_small(data["coverage_total"], min_cell)
    if gate:
        section.blocks.append(gate)
        return section
    section.blocks.append(tile_block(data["summary"]["tiles"], min_cell))
    return section


def coverage_section(data: dict, figs: Figures) -> Section:
    min_cell, settings = data["min_cell"], data["settings"]
    section = Section(
        "coverage",
        "Coverage and mentor load",
        "A person is covered when they are mentee in a mentor relationship active on the as-of date; "
        f"engaged when they met that mentor in the {settings['engaged_window_days']} days before it.",
    )
    gate = too_small(data["coverage_total"], min_cell)
    if gate:
        section.blocks.append(gate)
        return section
    part = data["coverage"]
    mentor_rows = coverage_view.role_rows(part["by_role"], "mentor")
    section.blocks.append(figs.add(coverage_by_academic_year(data["summary"]["by_year"], min_cell)))
    section.blocks.append(figs.add(coverage_charts.coverage_by_stage(mentor_rows, "mentor", min_cell)))
    by_stage = pd.concat(
        [part["by_stage"], pd.DataFrame([{"career_stage": ALL_STAGES, **data["coverage_total"]}])],
        ignore_index=True,
    )
    section.blocks.append(table(_coverage_table(by_stage, min_cell), "coverage-by-stage", "Coverage by career stage"))
    bench = part["benchmark"]
    section.blocks.append(
        figs.add(coverage_charts.resident_benchmark(bench["department"], bench["benchmark"], min_cell))
    )
    if bench["benchmark"]:
        section.blocks.append(
            Block(
                "note",
                text="Like with like: the national figure is residents who said in a "
                "survey that they had a mentor; here, residents with an active mentor "
                "relationship on the as-of date. " + citation(bench["benchmark"]),
            )
        )
    groups = part["groups"]
    if len(groups):
        total_pct = part["group_total"]["pct"]
        section.blocks.append(
            figs.pair(
                coverage_charts.coverage_by_group(groups, "gender", min_cell, "mentor", total_pct),
                coverage_charts.coverage_by_group(groups, "urim", min_cell, "mentor", total_pct),
            )
        )
        section.blocks.append(
            Block(
                "note",
                text="Dots: the share covered; whiskers: the 95% Wilson interval. "
                "Where two groups' whiskers do not overlap, the gap is larger than chance.",
            )
        )
    load = part["load"]
    section.blocks.append(table(_load_table(load, min_cell), "mentor-load", "Mentor load"))
    section.blocks.append(
        figs.pair(
            coverage_charts.load_distribution(part["distribution"], load["capacity"], min_cell),
            coverage_charts.minority_tax(part["tax"], min_cell),
        )
    )
    section.blocks.append(
        Block(
            "note",
            text="The minority tax: grey bars are each group's share of the active "
            "faculty; coloured bars its share of the mentoring. Row-level lists (unmatched "
            "people, mentors over capacity) are never part of a report.",
        )
    )
    section.blocks.append(
        table(
            numbers_as_text(coverage_view.match_table(part["match"], min_cell), min_cell),
            "time-to-match",
            "How long newcomers wait for a first mentor",
        )
    )
    return section


def _coverage_table(rows: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    out = []
    for row in rows.to_dict("records"):
        hidden = bool(row.get("suppressed"))
        out.append(
            {
                "Career stage": CAREER_STAGE_LABELS.get(row["career_stage"], ALL_STAGES_LABEL),
                **{
                    header: cell(row.get(key), hidden, min_cell, fmt)
                    for key, header, fmt in (
                        ("n", "People", COUNT),
                        ("covered", "Covered", COUNT),
                        ("pct", "Covered %", PERCENT),
                        ("engaged", "Engaged", COUNT),
                        ("engaged_pct", "Engaged %", PERCENT),
                    )
                },
            }
        )
    return pd.DataFrame(out, columns=["Career stage", "People", "Covered", "Covered %", "Engaged", "Engaged %"])


def _load_table(load: dict, min_cell: int) -> pd.DataFrame:
    hidden = bool(load.get("suppressed"))

    def shown(key, fmt):
        return fewer_than(min_cell) if hidden else fmt(load.get(key))

    return pd.DataFrame(
        [
            {
                "Mentors": shown("mentors", count),
                "Mean mentees per mentor": shown("mean", lambda v: "–" if v is None else f"{v:.2f}"),
                "Most mentees": shown("max", count),
                f"Over capacity (more than {load['capacity']})": shown("over_capacity", count),
            }
        ]
    )


def recruitment_section(data: dict, figs: Figures) -> Section:
    min_cell = data["min_cell"]
    part = data["recruitment"]
    section = Section(
        "recruitment",
        "Recruitment and diversity",
        "Each applicant counts at every stage they reached. Shares of women and URiM are of those "
        "whose gender or URiM status is known.",
    )
    if part["ignored"]:
        section.blocks.append(Block("note", text=recruitment_view.ignored_note(part["ignored"])))
    gate = too_small(part["total"], min_cell, "applicants")
    if gate:
        section.blocks.append(gate)
    else:
        track, cycle = part["track"], part["cycle"]
        note = recruitment_view.context_note(track, cycle)
        groups = part["groups"]
        section.blocks.append(Block("text", title=f"The funnel: {note}"))
        if recruitment_view.tiny_track(groups):
            section.blocks.append(
                Block("note", text=f"Fewer than {min_cell} applicants in this track and cycle: the funnel is hidden.")
            )
        else:
            section.blocks.append(figs.add(recruitment_charts.funnel_figure(groups, "all", min_cell, note)))
            section.blocks.append(figs.add(recruitment_charts.funnel_figure(groups, "urim", min_cell, note)))
            section.blocks.append(
                table(
                    recruitment_view.conversion_table(part["conversions"], "urim", min_cell),
                    "conversion-urim",
                    "Conversion by URiM status (95% Wilson intervals)",
                )
            )
            section.blocks.append(
                table(
                    recruitment_view.conversion_table(part["conversions"], "gender", min_cell),
                    "conversion-gender",
                    "Conversion by gender",
                )
            )
        benchmarks = part["benchmarks"]
        section.blocks.append(
            Block("text", title="Women and URiM at each stage, cycle by cycle, against national figures")
        )
        section.blocks.append(
            figs.add(recruitment_charts.share_trend_figure(part["women_funnel"], track, "women", benchmarks, min_cell))
        )
        section.blocks.append(
            figs.add(recruitment_charts.share_trend_figure(part["urim_funnel"], track, "urim", benchmarks, min_cell))
        )
        section.blocks.append(
            Block(
                "list",
                title="National figures beside the department's (dashed lines)",
                items=_share_benchmark_notes(track, benchmarks),
            )
        )
        section.blocks.append(
            table(
                recruitment_view.share_table(part["funnel"], track, min_cell),
                "shares",
                f"Shares and unknowns, {TRACK_LABELS[track].lower()}, every cycle",
            )
        )
        section.blocks.append(Block("text", title="Pipeline programs"))
        if recruitment_view.tiny_track(groups):
            section.blocks.append(Block("note", text=f"Hidden: fewer than {min_cell} applicants in this cycle."))
        else:
            section.blocks.append(figs.add(recruitment_charts.pipeline_figure(part["pipeline"], min_cell, note)))
            section.blocks.append(
                table(
                    recruitment_view.conversion_table(part["conversions"], "pipeline", min_cell),
                    "conversion-pipeline",
                    "Pipeline programs: conversion",
                )
            )
    people = part["people"]
    section.blocks.append(Block("text", title=f"The department on {data['as_of']:%d %B %Y}"))
    if people.empty:
        section.blocks.append(Block("note", text="No active people in the roster on this date."))
    else:
        benchmarks = part["benchmarks"]
        section.blocks.append(figs.add(recruitment_charts.representation_figure(people, benchmarks, min_cell)))
        section.blocks.append(
            table(
                recruitment_view.representation_table(people, benchmarks, min_cell),
                "representation",
                "Representation by career stage, with national figures",
            )
        )
    return section


def _share_benchmark_notes(track: str, benchmarks: dict) -> list[str]:
    if track != "residency":
        return ["National figures describe orthopaedic residency only: none is drawn for this track."]
    notes = []
    for share in ("women", "urim"):
        for key, stage in recruitment_charts.RESIDENCY_BENCHMARKS[share]:
            bench = benchmarks.get(key)
            if bench:
                notes.append(
                    f"Beside the {APPLICANT_STAGE_LABELS[stage].lower()} stage: "
                    f"{bench['figure']}, {bench['value']:g}% ({bench['year']}). {comparison_note(bench)}"
                    f"{citation(bench)}"
                )
    return notes or ["No national figure is set for these stages (Settings, Benchmarks)."]


def comparison_note(bench: dict) -> str:
    note = str(bench.get("note") or "").strip()
    return f"{note} " if note else ""


def citation(bench: dict) -> str:
    return f"Source: {bench.get('source', '')}."


def wellbeing_section(data: dict, figs: Figures) -> Section:
    min_cell = data["min_cell"]
    part = data["wellbeing"]
    section = Section(
        "wellbeing",
        "Wellbeing",
        "From the department's wellbeing surveys: complete responses only, scored for each instrument "
        "whose items they answer in full. Instruments are never mixed; answers are shown only as "
        "aggregates. Survey waves do not depend on the as-of date.",
    )
    gate = too_small(part["total"], min_cell, "survey responses")
    if gate:
        section.blocks.append(gate)
        return section
    by_wave, prevalence, benchmarks = part["by_wave"], part["prevalence"], part["benchmarks"]
    waves = list(part["rates"]["survey"])
    burnout_keys = wellbeing_view.present(BURNOUT_MEASURES, prevalence["instrument"])
    section.blocks.append(Block("text", title="Burnout by survey wave, per instrument"))
    for key in burnout_keys:
        section.blocks.append(figs.add(wellbeing_view.trend(by_wave, key, waves, benchmarks, min_cell)))
    note = wellbeing_view.benchmark_note(burnout_keys, benchmarks)
    if note:
        section.blocks.append(Block("note", text=note))
    drawn = [b for key in burnout_keys for b in benchmarks["by_instrument"].get(key, [])]
    if drawn:
        section.blocks.append(
            Block(
                "list",
                title="Burnout benchmarks drawn",
                items=[
                    f"{b['figure']}: {b['value']:g}% ({b['year']}). {comparison_note(b)}{citation(b)}" for b in drawn
                ],
            )
        )
    section.blocks.append(
        table(
            wellbeing_view.prevalence_table(prevalence, min_cell),
            "burnout",
            "Burnout prevalence (95% Wilson intervals)",
        )
    )
    section.blocks.append(table(wellbeing_view.rate_table(part["rates"], min_cell), "response-rates", "Response rate"))
    by_group = part["by_group"]
    mentored_rows = by_group[by_group["dimension"] == "mentored"]
    measures = wellbeing_view.present(MEASURE_ORDER, mentored_rows["measure"])
    chosen = wellbeing_view.default_measure(measures)
    section.blocks.append(Block("text", title="Mentored and not mentored"))
    if chosen is None:
        section.blocks.append(Block("note", text="No response can be scored for this selection."))
        return section
    m = MEASURES[chosen]
    rows = mentored_rows[mentored_rows["measure"] == chosen]
    rules = wellbeing_view.rules(by_wave)
    section.blocks.append(
        figs.add(
            wellbeing_charts.mentored_comparison(
                rows, waves, m.label, m.source, m.positive_word, rules[chosen], min_cell
            )
        )
    )
    section.blocks.append(
        table(
            wellbeing_view.mentored_table(rows, m.positive_word, min_cell),
            "burnout-mentored",
            f"{wellbeing_view.measure_name(chosen)}: mentored and not mentored",
        )
    )
    section.blocks.append(
        Block(
            "note",
            text="A response linked to the roster counts as mentored when the person "
            "was mentee in an active mentor relationship on the day they answered; otherwise the "
            "respondent's own answer. The comparison shows association, not cause.",
        )
    )
    return section


def outcomes_section(data: dict, figs: Figures) -> Section:
    min_cell = data["min_cell"]
    part = data["outcomes"]
    window = part["window"]
    section = Section(
        "outcomes",
        "Outcomes",
        f"Window: {window['first_day']:%d %B %Y} to {window['last_day']:%d %B %Y} (the "
        f"{window['years']} years ending at the as-of date). Mentored means mentee in an active mentor "
        "relationship on at least half of one's days in the department within the window.",
    )
    section.blocks.append(Block("note", text=f"Association, not cause. {outcomes.ASSOCIATION_NOTE}"))
    gate = too_small(part["total"], min_cell)
    if gate:
        section.blocks.append(gate)
        return section
    section.blocks.append(figs.add(outcome_charts.publication_rates(part["publications"], min_cell)))
    section.blocks.append(
        table(
            outcomes_view.rates_table(part["publications"], min_cell),
            "publications",
            "Publications per person-year (exact Poisson intervals)",
        )
    )
    promotion = part["promotion"]
    section.blocks.append(
        figs.add(outcome_charts.promotion_curves(promotion["curves"], promotion["summary"], min_cell))
    )
    section.blocks.append(
        table(
            outcomes_view.promotion_table(promotion["summary"], min_cell),
            "promotion",
            "Time to first promotion, junior faculty (Kaplan-Meier)",
        )
    )
    section.blocks.append(figs.add(outcome_charts.early_departure(part["departures"], min_cell)))
    section.blocks.append(
        table(
            outcomes_view.departure_table(part["departures"], min_cell, None),
            "departure",
            "Early departure (left early or dismissed), 95% Wilson intervals",
        )
    )
    if len(part["satisfaction"]):
        section.blocks.append(figs.add(outcome_charts.satisfaction(part["satisfaction"], min_cell)))
        section.blocks.append(
            table(
                outcomes_view.satisfaction_table(part["satisfaction"], min_cell), "satisfaction", "Career satisfaction"
            )
        )
    section.blocks.append(
        table(
            outcomes_view.rates_table(part["mentors"], min_cell, flag="mentors"),
            "mentors",
            "The mentors' side: publications of faculty who mentor",
        )
    )
    return section


def definitions_section(data: dict) -> Section:
    settings = data["settings"]
    cutoffs = settings["cutoffs"]
    min_cell = data["min_cell"]
    urim = ", ".join(RACE_LABELS.get(v, v) for v in settings["urim_list"])
    section = Section("definitions", "Definitions, instruments and the privacy rule")
    section.blocks.append(
        Block(
            "list",
            title="Definitions",
            items=[
                "Active: a person whose start date is on or before the as-of date and whose end date is blank or later.",
                "Coverage: among active people, the share who are mentee in at least one mentor relationship active on "
                "the as-of date.",
                f"Engaged: the share who met such a mentor in the {settings['engaged_window_days']} days ending at the "
                "as-of date.",
                f"Mentor load: distinct active mentees per mentor; over capacity means more than {settings['capacity']}.",
                f"URiM (under-represented in medicine): race/ethnicity includes any of {urim} (a setting). Shares use as "
                "denominator those whose value is known, and the unknown are counted beside them.",
                "Recruitment: each applicant counts at every stage reached (applied, interviewed, ranked, matched); "
                "conversion from one stage to the next is the share of those at the first who reach the second.",
                "Burnout prevalence: burned-out scoreable responses over scoreable responses, per survey wave and "
                "instrument; a response missing any item of an instrument is not scoreable for it.",
                f"Outcomes window: the {settings['outcomes_window_years']} years ending at the as-of date; publications "
                "per person-year, time to first promotion (Kaplan-Meier), early departure and satisfaction, mentored "
                "against not. These are associations, not causes.",
                "Intervals: 95% Wilson intervals for shares, exact Poisson intervals for rates.",
            ],
        )
    )
    section.blocks.append(
        Block(
            "list",
            title="Instruments and cut-offs in use",
            items=[MEASURES[k].describe(cutoffs) for k in MEASURE_ORDER],
        )
    )
    protected = data["audience"] != EXACT
    privacy_items = [
        f"Any figure about fewer than {min_cell} people, responses or applicants is hidden and reads "
        f"'{fewer_than(min_cell)}'; a chart leaves the point out and says how many are hidden.",
        "Where a total is shown beside its parts, a lone hidden part takes the next smallest with it, so it "
        "cannot be worked out by subtraction.",
        "When the filters leave fewer than the threshold, a section says so and shows nothing else.",
        "No list of individuals appears in a report, and individual survey answers are never shown.",
    ]
    if protected:
        privacy_items.append("This report holds a viewer's figures. " + privacy.protection_note())
    else:
        privacy_items.append(
            "This report holds exact figures (a coordinator's, or the command line's): share it "
            "only with people entitled to them."
        )
    section.blocks.append(Block("list", title="The privacy rule", items=privacy_items))
    section.blocks.append(
        table(
            _benchmark_table(settings.get("benchmarks") or []),
            "benchmarks",
            "National reference figures (Settings, Benchmarks)",
        )
    )
    dates = data["latest_dates"]
    recency = pd.DataFrame(
        {
            "Dataset": [str(d).capitalize() for d in dates["dataset"]],
            "Latest record": [
                "no data" if pd.isna(v) else pd.Timestamp(v).strftime("%d %b %Y") for v in dates["latest"]
            ],
        }
    )
    if "rows" in dates:  # whole-table counts: exact figures only (overview.data_freshness)
        recency["Records"] = [count(v) for v in dates["rows"]]
    section.blocks.append(table(recency, "recency", "How recent each dataset is"))
    return section


def _benchmark_table(benchmarks: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Figure": b.get("figure", ""),
                "Value": f"{float(b['value']):g}%",
                "Year": b.get("year", ""),
                "Compared with": b.get("note", "") or "–",
                "Source": b.get("source", ""),
            }
            for b in benchmarks
        ],
        columns=["Figure", "Value", "Year", "Compared with", "Source"],
    )


def build_sections(data: dict) -> tuple[list[Section], Figures]:
    figs = Figures()
    sections = [
        summary_section(data, figs),
        coverage_section(data, figs),
        recruitment_section(data, figs),
        wellbeing_section(data, figs),
        outcomes_section(data, figs),
        definitions_section(data),
    ]
    return sections, figs


def header(data: dict, generated: date) -> dict[str, Any]:
    settings = data["settings"]
    filters = data["filters"]
    department = str(settings.get("department_name") or "").strip()
    if filters.institution:
        department = ": ".join(p for p in (department, ", ".join(filters.institution)) if p)
    return {
        "department": department or "Mentorship programs",
        "as_of": f"{data['as_of']:%d %B %Y}",
        "as_of_iso": data["as_of"].isoformat(),
        "filters": filters_text(filters),
        "audience": "exact figures" if data["audience"] == EXACT else "protected figures (viewer)",
        "generated": f"{generated:%d %B %Y}",
        "min_cell": data["min_cell"],
    }
