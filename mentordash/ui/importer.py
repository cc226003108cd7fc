"""Streamlit widgets of the data page: upload, detection, mapping, problems, preview, commit, history, undo.

Every decision is made by mentordash.ingest; these widgets only collect choices and show results.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from mentordash.access import User
from mentordash.db import Database
from mentordash.ingest import schema
from mentordash.ingest.codes import canonical_choices
from mentordash.ingest.commit import UndoError, commit, history, save_mapping, saved_mappings, undo
from mentordash.ingest.formats import FORMAT_LABELS, FORMATS
from mentordash.ingest.mapping import (
    CERTAIN,
    CONFIDENCES,
    INSTRUMENT_NAMES,
    LIKELY,
    POSSIBLE,
    MappingError,
    dumps,
    fits,
    guess,
    instrument_of,
    loads,
    suggest_values,
)
from mentordash.ingest.pipeline import Options, Plan, prepare, read_dictionary
from mentordash.ingest.problems import Rejected
from mentordash.ingest.read import DELIMITERS, ENCODINGS
from mentordash.metrics.prepared import prepare_summaries
from mentordash.ui import workbook
from mentordash.ui.downloads import csv_bytes
from mentordash.ui.safe import file_name, plain, quoted

NOT_MAPPED = "(not mapped)"  # a value nothing maps yet
NOT_STORED = "(not stored)"  # a column nothing maps: never stored
SUGGEST_ONE = "(suggest one)"
BLOCK_KEEP, BLOCK_DROP = "Store them as recognised", "Do not store them"
APP_ACCEPTS = (CERTAIN, LIKELY)  # pre-selected on the page; possible guesses are only named beside the column
VALUE_TABLE_KINDS = ("enum", "list", "bool", "int")  # fields whose answers get a value table (scales too)
MAX_OTHER_COLUMNS = 80  # more unrecognised columns than this are mapped in the TOML (exports of 10,000 columns)
SAMPLE_ANSWERS = 3
NOT_STORED_WARNING = re.compile(r"^column (?P<name>'.*') not mapped: not stored$", re.DOTALL)
PREVIEW_ROWS = 20


def render(db: Database, user: User) -> None:
    upload, past, mappings = st.tabs(["Import", "Import history", "Saved mappings"])
    with upload:
        render_upload(db, user)
    with past:
        render_history(db, user)
    with mappings:
        render_saved_mappings(db)


# --- upload --------------------------------------------------------------------------------------
def upload_limit_mb() -> int:
    """server.maxUploadSize (.streamlit/config.toml): the browser refuses larger files, and so do we."""
    return int(st.get_option("server.maxUploadSize"))


def render_upload(db: Database, user: User) -> None:
    limit = upload_limit_mb()
    files = st.file_uploader(
        "Exports (CSV or Excel, as the tool wrote it)",
        type=["csv", "tsv", "txt", *workbook.UPLOAD_TYPES],
        accept_multiple_files=True,
        key="import_files",
        help=f"Up to {limit} MB per file; larger exports import with `python -m mentordash import`.",
    )
    dictionary_file = st.file_uploader("REDCap data dictionary (optional)", type=["csv"], key="import_dictionary")
    dictionary = _dictionary(dictionary_file)
    for index, uploaded in enumerate(files or []):
        with st.container(border=True):
            st.subheader(plain(uploaded.name), anchor=False)  # names, headers and cells of uploads: never Markdown
            if uploaded.size > limit * 1024 * 1024:  # checked on the server too: a client can skip its own check
                st.error(
                    f"{plain(uploaded.name)} is {uploaded.size / 1024 / 1024:.1f} MB, over the {limit} MB upload "
                    "limit: nothing was read. Import it from the command line instead "
                    "(`python -m mentordash import FILE`)."
                )
                continue
            render_one_file(db, user, uploaded.name, uploaded.getvalue(), dictionary, f"f{index}")


def _dictionary(uploaded):
    if uploaded is None:
        return None
    try:
        return read_dictionary(uploaded.getvalue(), uploaded.name)
    except Rejected as rejected:
        st.error(f"The data dictionary cannot be read: {plain(rejected)}")
        return None


def render_one_file(db: Database, user: User, name: str, data: bytes, dictionary, key: str) -> None:
    options = replace(_detection_options(key), dictionary=dictionary)
    if workbook.is_workbook(name):
        options = workbook.workbook_options(name, data, options, key)
        if options is None:  # several sheets hold data: the coordinator chooses one first
            return
    plan = prepare(data, name, options, db)
    if plan.layout is None:
        _show_problems(plan, key)
        return
    options = _mapping_options(db, plan, options, key)
    plan = prepare(data, name, options, db)
    _show_detected(plan)
    if plan.mapping:
        chosen_by_user = options.mapping is not None
        options = replace(options, mapping=plan.mapping)
        _mapping_editor(db, user, plan, options, dictionary, key, expanded=not chosen_by_user)
        plan = prepare(data, name, _edited(options, key), db)
        plan = _without_unresolved(data, name, plan, _edited(options, key), db, key)
    _show_problems(plan, key)
    _show_preview(plan)
    _commit_button(db, user, plan, key)


def _without_unresolved(data: bytes, name: str, plan: Plan, options: Options, db: Database, key: str) -> Plan:
    """Optional columns of choices whose values nothing resolves never block the rest (issue 14): the
    coordinator maps their values, or imports without them (the command line's --drop-unresolved)."""
    unresolved = plan.validated.unresolved if plan.validated is not None else {}
    if not unresolved:
        return plan
    listed = ", ".join(f"{quoted(source)} ({column})" for column, source in unresolved.items())
    if st.checkbox(f"Import without {listed}: nothing of them is stored", key=f"{key}_drop_unresolved"):
        return prepare(data, name, replace(options, drop_unresolved=True), db)
    return plan


def _next_wave_name(plan: Plan, key: str) -> str:
    """The name the mapping is saved under when the file is imported: the saved mapping that applied, else
    the file's name and tool (empty: not saved)."""
    applied = st.session_state.get(f"{key}_saved")
    default = applied if applied and applied != SUGGEST_ONE else f"{Path(plan.name).stem[:60]} ({plan.layout.format})"
    return st.text_input(
        "Save the mapping for the next wave as",
        value=default,
        key=f"{key}_next_wave_name",
        help="Saved when you import (leave empty not to save): the next file with the same columns then "
        "imports with it, asking only for the survey's name.",
    )


def _detection_options(key: str) -> Options:
    with st.expander("Reading the file (detected automatically; change only if it looks wrong)"):
        cols = st.columns(3)
        encoding = cols[0].selectbox("Encoding", ["detect", *ENCODINGS], key=f"{key}_encoding")
        delimiter = cols[1].selectbox(
            "Delimiter", ["detect", *DELIMITERS], key=f"{key}_delimiter", format_func=lambda d: DELIMITERS.get(d, d)
        )
        fmt = cols[2].selectbox(
            "Format", ["auto", *FORMATS], key=f"{key}_format", format_func=lambda f: FORMAT_LABELS.get(f, "detect")
        )
    return Options(
        format=fmt,
        encoding=None if encoding == "detect" else encoding,
        delimiter=None if delimiter == "detect" else delimiter,
    )


def _mapping_options(db: Database, plan: Plan, options: Options, key: str) -> Options:
    """A saved mapping that fits the file applies without questions; the coordinator may pick another."""
    saved = saved_mappings(db)
    fitting = [row.name for row in saved.itertuples() if not fits(loads(row.toml), plan.layout)]
    choice = st.selectbox("Saved mapping", [SUGGEST_ONE, *fitting], key=f"{key}_saved", index=1 if fitting else 0)
    mapping = loads(saved.set_index("name").loc[choice, "toml"]) if choice in fitting else None
    cols = st.columns(3)
    datasets = list(schema.DATASETS)
    dataset = cols[0].selectbox(
        "Dataset it fills",
        datasets,
        key=f"{key}_dataset",
        index=datasets.index(mapping.dataset if mapping else plan.dataset or "survey"),
    )
    survey = cols[1].text_input(
        "Survey name (for the whole file)",
        key=f"{key}_survey",
        value=(mapping.constants.get("survey", "") if mapping else ""),
    )
    order = cols[2].radio(
        "Dates like 03/04/2026 are",
        ["ask", "mdy", "dmy"],
        horizontal=True,
        key=f"{key}_order",
        format_func={"ask": "ask me", "mdy": "month first", "dmy": "day first"}.get,
    )
    return Options(
        dataset=dataset,
        format=options.format,
        mapping=mapping,
        dictionary=options.dictionary,
        survey=survey or None,
        date_order=None if order == "ask" else order,
        encoding=options.encoding,
        delimiter=options.delimiter,
        sheet=options.sheet,
        header_row=options.header_row,
        accept=APP_ACCEPTS,
    )


def _show_detected(plan: Plan) -> None:
    raw, layout = plan.raw, plan.layout
    read_as = (
        workbook.detected_caption(raw)
        if workbook.is_workbook(plan.name)
        else f"Encoding **{raw.encoding}** · delimiter **{DELIMITERS.get(raw.delimiter, raw.delimiter)}**"
    )
    st.caption(
        f"{read_as} · "
        f"format **{FORMAT_LABELS[layout.format]}**{' (' + layout.variant + ')' if layout.variant else ''} · "
        f"fills **{plain(plan.dataset)}** · {layout.rows_read} rows read, {len(layout.skipped)} skipped"
    )


def _mapping_editor(db, user, plan: Plan, options: Options, dictionary, key: str, expanded: bool) -> None:
    """The file's columns, each with what it holds (the suggestion pre-selected) and its value choices beside
    it; the items of each recognised instrument as one block; then the mapping file (TOML) to save."""
    layout, mapping = plan.layout, plan.mapping
    guesses = {g.source: g for g in (plan.guesses or guess(layout, mapping.dataset, dictionary))}
    current = {source: canonical for canonical, source in mapping.columns.items()}
    listed = _listed_columns(layout, guesses, current)
    st.markdown("#### What each column holds")
    saved = "" if expanded else "A saved mapping applies: the file imports with it as it is. "
    st.caption(saved + _mapping_summary(layout, guesses, mapping))
    shown = expanded or st.toggle("Show and change the mapping", key=f"{key}_show_mapping")
    # the columns whose choices _edited() reads: none while the mapping is hidden (it applies as it is)
    st.session_state[f"{key}_listed"] = {c.name: inst for c, inst in listed} if shown else {}
    if shown:
        blocks: dict[str, list] = {}
        for column, inst in listed:
            if inst:
                blocks.setdefault(inst, []).append(column)
        for inst, columns in blocks.items():
            _instrument_block(layout, mapping, inst, columns, guesses, current, dictionary, key)
        named = [c for c, inst in listed if not inst and (c.name in guesses or c.name in current)]
        for column in named:
            with st.container(border=True):
                _column_row(layout, mapping, column, guesses.get(column.name), current, dictionary, key)
        others = [c for c, inst in listed if not inst and c.name not in guesses and c.name not in current]
        if others:
            with st.expander(f"Other columns ({len(others)}): not stored unless you say what they hold"):
                for column in others[:MAX_OTHER_COLUMNS]:
                    _column_row(layout, mapping, column, None, current, dictionary, key)
                if len(others) > MAX_OTHER_COLUMNS:
                    st.caption(
                        f"… and {len(others) - MAX_OTHER_COLUMNS:,} more: name them in the mapping file (TOML) below."
                    )
    edited = _edited(options, key).mapping
    for problem in _double_choices(key):
        st.warning(problem)
    with st.expander("Mapping file (TOML): edit value mappings here, save it for the next wave"):
        st.text_area("TOML", dumps(edited), key=f"{key}_toml", height=240)
        st.download_button("Download mapping", dumps(edited), file_name="mapping.toml", key=f"{key}_download_toml")
        name = st.text_input("Save as", key=f"{key}_mapping_name")
        if st.button("Save mapping", key=f"{key}_save_mapping", disabled=not name):
            save_mapping(db, name, _for_next_wave(edited), user.email)
            st.success(f"Mapping {quoted(name)} saved.")


def _listed_columns(layout, guesses: dict, current: dict) -> list:
    """(source column, instrument key or '') in file order: every column a person could map. A checkbox
    group stands for its member columns, unless a member is mapped or guessed on its own (a matrix's rows)."""
    named = guesses.keys() | current.keys()
    split = {c.name for c in layout.columns if c.members and any(m in named for _, m, _ in c.members)}
    group_of = {member: c.name for c in layout.columns for _, member, _ in c.members}
    position = {c.name: i for i, c in enumerate(layout.columns)}
    listed = []
    for column in layout.columns:
        if column.members:
            if column.name in split:
                continue
            at = min(position.get(m, position[column.name]) for _, m, _ in column.members)  # where its first member is
        elif column.name in group_of and group_of[column.name] not in split:
            continue
        else:
            at = position[column.name]
        found = guesses.get(column.name)
        canonical = current.get(column.name) or (found.field if found and found.confidence != POSSIBLE else "")
        listed.append((at, column, instrument_of(canonical) if canonical else ""))
    return [(column, inst) for _, column, inst in sorted(listed, key=lambda item: item[0])]


def _mapping_summary(layout, guesses: dict, mapping) -> str:
    counts = {level: sum(1 for g in guesses.values() if g.confidence == level) for level in CONFIDENCES}
    parts = [f"{counts[CERTAIN]} recognised for certain"]
    if counts[LIKELY]:
        parts.append(f"{counts[LIKELY]} likely (pre-selected: check {'it' if counts[LIKELY] == 1 else 'them'})")
    if counts[POSSIBLE]:
        parts.append(f"{counts[POSSIBLE]} possible (not selected: choose if right)")
    return (
        f"{sum(1 for c in layout.columns if not c.members)} columns in the file: "
        + ", ".join(parts)
        + f"; {len(mapping.columns)} mapped now. "
        "A column left “not stored” is never stored (names, e-mail, free text)."
    )


def _instrument_block(layout, mapping, inst: str, columns: list, guesses: dict, current: dict, dictionary, key):
    """One choice confirms every item of a recognised instrument; single items can still be changed."""
    with st.container(border=True):
        st.markdown(f"**{INSTRUMENT_NAMES[inst]}**: {len(columns)} item{'s' if len(columns) != 1 else ''} recognised")
        reasons = {guesses[c.name].confidence for c in columns if c.name in guesses}
        st.caption(
            "Recognised by each item's wording and its answer scale"
            + ("" if reasons <= {CERTAIN} else " (some only likely: check them)")
            + ". "
            + "; ".join(f"{plain(c.name)} → {plain(current.get(c.name) or guesses[c.name].field)}" for c in columns)
        )
        st.radio(
            f"The {INSTRUMENT_NAMES[inst]} items",
            [BLOCK_KEEP, BLOCK_DROP],
            key=f"{key}_block_{inst}",
            horizontal=True,
            label_visibility="collapsed",
        )
        if st.session_state.get(f"{key}_block_{inst}") == BLOCK_DROP:
            return
        with st.expander("Items one by one"):
            for column in columns:
                _column_row(layout, mapping, column, guesses.get(column.name), current, dictionary, key)


def _column_row(layout, mapping, column, found, current: dict, dictionary, key: str) -> None:
    """A column of the file: its question and a few answers; what it is (suggestion pre-selected); its values."""
    fields = [NOT_STORED, *(c.name for c in schema.columns(mapping.dataset))]
    preset = current.get(column.name) or (found.field if found and found.confidence != POSSIBLE else NOT_STORED)
    question, answers, choice = st.columns([4, 3, 4])
    question.markdown(f"**{plain(column.question or column.name, 160)}**")
    question.caption(
        f"column {plain(column.name, 80)}" + (f" · {len(column.members)} columns" if column.members else "")
    )
    samples = _samples(layout, column)
    answers.caption(("Answers: " + " · ".join(plain(s, 40) for s in samples)) if samples else "No answers")
    with choice:
        st.selectbox(
            "What is this?",
            fields,
            index=fields.index(preset) if preset in fields else 0,
            key=f"{key}_col_{column.name}",
            format_func=lambda f: _field_label(mapping.dataset, f),
        )
        chosen = st.session_state.get(f"{key}_col_{column.name}")
        if found:
            hint = {CERTAIN: "certain", LIKELY: "likely: check it", POSSIBLE: f"possible: is it {found.field}?"}
            st.caption(f"Suggested {plain(found.field)} ({hint[found.confidence]}): {plain(found.reason, 200)}")
        if chosen and chosen != NOT_STORED and schema.column(mapping.dataset, chosen).kind in VALUE_TABLE_KINDS:
            _value_table(layout, mapping, chosen, column.name, dictionary, key)


def _field_label(dataset: str, name: str) -> str:
    if name == NOT_STORED:
        return name
    col = schema.column(dataset, name)
    return f"{name} (required)" if col.required else name


def _samples(layout, column) -> list[str]:
    if column.members:
        return [label for _, _, label in column.members][:SAMPLE_ANSWERS]
    values = pc.unique(pc.utf8_trim_whitespace(layout.data[column.name].slice(0, 500))).to_pylist()
    return [v for v in values if v][:SAMPLE_ANSWERS]


def _double_choices(key: str) -> list[str]:
    """Two columns said to hold the same field: the first in the file is used."""
    seen: dict[str, str] = {}
    problems = []
    for source in st.session_state.get(f"{key}_listed", {}):
        chosen = st.session_state.get(f"{key}_col_{source}")
        if not chosen or chosen == NOT_STORED:
            continue
        if chosen in seen:
            problems.append(
                f"{quoted(seen[chosen])} and {quoted(source)} both say they hold {plain(chosen)}: "
                f"{quoted(seen[chosen])} is used. Set the other to “not stored”, or to what it holds."
            )
        else:
            seen[chosen] = source
    return problems


def _for_next_wave(mapping):
    """What is saved for the next wave: everything but this wave's name, which the next file gets anew."""
    return replace(mapping, constants={k: v for k, v in mapping.constants.items() if k != "survey"})


def _value_table(layout, mapping, canonical: str, source: str, dictionary, key: str) -> None:
    """The suggested value mapping, and a choice for each value that nothing maps yet."""
    table, unmapped = suggest_values(layout, mapping.dataset, canonical, source, dictionary)
    table = {**table, **mapping.values.get(canonical, {})}
    if table:
        st.caption(" · ".join(f"{plain(', '.join(v))} → {plain(k)}" for k, v in table.items()))
    if not unmapped:
        return
    st.warning(
        f"Values of {quoted(source)} nothing maps yet: choose what each means (or leave it, and rows "
        "holding it are listed as problems)."
    )
    meanings = [NOT_MAPPED, *canonical_choices(mapping.dataset, canonical)]
    chosen = st.session_state.setdefault(f"{key}_value_widgets", {})
    for value, label in unmapped:
        widget = f"{key}_val_{canonical}_{hashlib.sha1(value.encode()).hexdigest()[:10]}"
        chosen[widget] = (canonical, value)
        st.selectbox(
            plain(value, 200) if value == label else f"{plain(value, 200)} ({plain(label, 200)})", meanings, key=widget
        )


def _with_chosen_values(mapping, key: str):
    """Add the coordinator's choices for unmapped values to the mapping's [values.*] tables."""
    values = {column: {k: list(v) for k, v in table.items()} for column, table in mapping.values.items()}
    for widget, (canonical, source_value) in st.session_state.get(f"{key}_value_widgets", {}).items():
        meaning = st.session_state.get(widget)
        if meaning and meaning != NOT_MAPPED and canonical in mapping.columns:
            values.setdefault(canonical, {}).setdefault(meaning, [])
            if source_value not in values[canonical][meaning]:
                values[canonical][meaning].append(source_value)
    return replace(mapping, values=values)


def _edited(options: Options, key: str) -> Options:
    """The options with the coordinator's choices: the TOML when edited by hand, then what each listed column
    holds (a block set to "do not store" leaves its items out; of two columns chosen for one field, the
    first in the file), then the values chosen beside the columns."""
    text = st.session_state.get(f"{key}_toml")
    plan_mapping = options.mapping
    if text:
        try:
            plan_mapping = loads(text)
        except MappingError as error:
            st.error(plain(error))
    if plan_mapping is None:
        return options
    decided = {}
    for source, inst in st.session_state.get(f"{key}_listed", {}).items():
        chosen = st.session_state.get(f"{key}_col_{source}")
        if inst and st.session_state.get(f"{key}_block_{inst}") == BLOCK_DROP:
            chosen = NOT_STORED
        if chosen is not None:
            decided[source] = chosen
    columns = {c: s for c, s in plan_mapping.columns.items() if s not in decided}
    claimed: set[str] = set()
    for source, chosen in decided.items():
        if chosen != NOT_STORED and chosen not in claimed:
            columns[chosen] = source
            claimed.add(chosen)
    order = [c.name for c in schema.columns(plan_mapping.dataset)]
    columns = {c: columns[c] for c in order if c in columns}
    mapping = _with_chosen_values(replace(plan_mapping, columns=columns), key)
    return replace(options, dataset=plan_mapping.dataset, mapping=mapping)


def _show_problems(plan: Plan, key: str) -> None:
    not_stored = [w for w in plan.warnings if NOT_STORED_WARNING.match(w)]
    for warning in plan.warnings:
        if warning not in not_stored:
            (st.info if "Mind Garden" in warning else st.warning)(plain(warning))
    if not_stored:  # the mapping above lists them already: one line, not a warning each
        names = ", ".join(NOT_STORED_WARNING.match(w)["name"] for w in not_stored)
        st.caption(plain(f"Not stored ({len(not_stored)} columns no mapping names): {names}", 2000))
    if not plan.problems:
        return
    count = len(plan.problems)
    st.error(
        f"{count} problem{'s' if count != 1 else ''}: nothing will be imported until "
        f"{'they are' if count != 1 else 'it is'} fixed. The table says where (row as your spreadsheet "
        "numbers it, column, value) and what to change."
    )
    frame = pd.DataFrame([p.as_dict() for p in plan.problems], columns=["row", "column", "value", "message"])
    st.dataframe(frame, hide_index=True, key=f"{key}_problems")
    st.download_button(
        "Download the problems (CSV)",
        csv_bytes(frame),
        file_name=file_name(f"problems_{plan.name}"),
        key=f"{key}_download_problems",
    )


def _show_preview(plan: Plan) -> None:
    if plan.validated is not None and plan.validated.table.num_rows:
        st.caption("The first rows as they will be stored")
        st.dataframe(plan.validated.table.slice(0, PREVIEW_ROWS).to_pandas(), hide_index=True)


def _commit_button(db: Database, user: User, plan: Plan, key: str) -> None:
    save_as = _next_wave_name(plan, key).strip() if plan.mapping and plan.layout else ""
    if not st.button("Import", key=f"{key}_commit", type="primary", disabled=not plan.ok):
        return
    bar = st.progress(0.0, text="Importing…")
    report = commit(db, plan, user.email, progress=lambda fraction, text: bar.progress(fraction, text=text))
    if report["status"] == "imported":
        if save_as:
            save_mapping(db, save_as, _for_next_wave(plan.mapping), user.email)
        bar.progress(1.0, text="Preparing the first view…")
        # after the last write (saving a mapping bumps the version too): the next view, anyone's, reads them
        prepare_summaries(db)
        st.success(
            f"Imported {report['rows_imported']} rows as {report['import_id']} "
            f"({report['rows_skipped']} skipped). Every page shows them now."
            + (f" The mapping is saved as {quoted(save_as)} for the next wave." if save_as else "")
        )
    elif report["status"] == "nothing_to_import":  # only tests or previews, say (issue 14)
        st.info(plain(report["warnings"][0]))
    else:
        st.info("Nothing new: this file, or every row in it, was imported before.")


# --- history and undo ----------------------------------------------------------------------------
def render_history(db: Database, user: User) -> None:
    table = history(db)
    if table.empty:
        st.info("No imports yet.")
        return
    st.dataframe(table, hide_index=True, key="import_history")
    active = table.loc[table["status"] == "imported", "import_id"].tolist()
    if not active:
        return
    if st.session_state.get("undo_choices") != active:  # a new import or an undo: start again from the newest,
        st.session_state.pop("undo_choice", None)  # never from a choice made among older imports
        st.session_state["undo_choices"] = active
    chosen = st.selectbox("Undo an import", active, key="undo_choice")
    if st.button("Undo", key="undo_button"):
        try:
            result = undo(db, chosen, user.email)
            prepare_summaries(db)
            st.success(f"Undid {chosen}: {result['rows_removed']} rows removed, {result['rows_restored']} restored.")
        except UndoError as error:
            st.error(plain(error))


def render_saved_mappings(db: Database) -> None:
    saved = saved_mappings(db)
    if saved.empty:
        st.info("No saved mappings yet: build one on the Import tab and save it.")
        return
    for row in saved.itertuples():
        with st.expander(
            f"{plain(row.name)} ({plain(row.dataset)}), saved {row.saved_at:%Y-%m-%d} by {plain(row.saved_by)}"
        ):
            st.code(row.toml, language="toml")
            digest = hashlib.sha1(row.name.encode()).hexdigest()[:8]
            st.download_button(
                "Download", row.toml, file_name=file_name(f"{row.name}.toml"), key=f"dl_mapping_{digest}"
            )
