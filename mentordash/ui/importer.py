"""Streamlit widgets of the data page: upload, detection, mapping, problems, preview, commit, history, undo.

Every decision is made by mentordash.ingest; these widgets only collect choices and show results.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from mentordash.access import User
from mentordash.db import Database
from mentordash.ingest import schema
from mentordash.ingest.commit import UndoError, commit, history, save_mapping, saved_mappings, undo
from mentordash.ingest.formats import FORMAT_LABELS, FORMATS
from mentordash.ingest.mapping import MappingError, dumps, fits, loads, suggest_values
from mentordash.ingest.pipeline import Options, Plan, prepare, read_dictionary
from mentordash.ingest.problems import Rejected
from mentordash.ingest.read import DELIMITERS, ENCODINGS
from mentordash.ui import workbook
from mentordash.ui.downloads import csv_bytes
from mentordash.ui.safe import file_name, plain, quoted

NOT_MAPPED = "(not mapped)"
MAPPING_COLUMNS = 3
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
    _show_problems(plan, key)
    _show_preview(plan)
    _commit_button(db, user, plan, key)


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
    choice = st.selectbox("Saved mapping", ["(suggest one)", *fitting], key=f"{key}_saved", index=1 if fitting else 0)
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
    """One select per canonical column (suggested), the values each choice maps to, the TOML."""
    layout, mapping = plan.layout, plan.mapping
    labels = {
        c.name: f"{c.name} — {c.question}" if c.question and c.question != c.name else c.name for c in layout.columns
    }
    sources = [NOT_MAPPED, *labels]
    with st.expander("Mapping: which column holds what", expanded=expanded):
        grid = st.columns(MAPPING_COLUMNS)  # some fifty survey fields: a grid, not one long column
        for index, col in enumerate(schema.columns(mapping.dataset)):
            current = mapping.columns.get(col.name, NOT_MAPPED)
            with grid[index % MAPPING_COLUMNS]:
                _column_choice(layout, mapping, col, current, sources, labels, dictionary, key)
    edited = _edited(options, key).mapping
    with st.expander("Mapping file (TOML): edit value mappings here, save it for the next wave"):
        st.text_area("TOML", dumps(edited), key=f"{key}_toml", height=240)
        st.download_button("Download mapping", dumps(edited), file_name="mapping.toml", key=f"{key}_download_toml")
        name = st.text_input("Save as", key=f"{key}_mapping_name")
        if st.button("Save mapping", key=f"{key}_save_mapping", disabled=not name):
            save_mapping(db, name, edited, user.email)
            st.success(f"Mapping {quoted(name)} saved.")


def _column_choice(layout, mapping, col, current: str, sources: list, labels: dict, dictionary, key: str) -> None:
    st.selectbox(
        f"{col.name}{' (required)' if col.required else ''}",
        sources,
        key=f"{key}_col_{col.name}",
        index=sources.index(current) if current in sources else 0,
        format_func=lambda s: labels.get(s, s),
    )
    chosen = st.session_state[f"{key}_col_{col.name}"]
    if chosen != NOT_MAPPED and col.kind in ("enum", "list", "bool", "int"):
        _value_table(layout, mapping, col.name, chosen, dictionary, key)


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
    meanings = [NOT_MAPPED, *_canonical_values(schema.column(mapping.dataset, canonical))]
    chosen = st.session_state.setdefault(f"{key}_value_widgets", {})
    for value, label in unmapped:
        widget = f"{key}_val_{canonical}_{hashlib.sha1(value.encode()).hexdigest()[:10]}"
        chosen[widget] = (canonical, value)
        st.selectbox(
            plain(value, 200) if value == label else f"{plain(value, 200)} ({plain(label, 200)})", meanings, key=widget
        )


def _canonical_values(col) -> list[str]:
    if col.kind == "bool":
        return ["true", "false"]
    if col.kind == "int":
        return [str(n) for n in range(col.low, col.high + 1)]
    return list(col.choices)


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
    """The options with the coordinator's choices of columns, and the TOML when edited by hand."""
    text = st.session_state.get(f"{key}_toml")
    plan_mapping = options.mapping
    if text:
        try:
            plan_mapping = loads(text)
        except MappingError as error:
            st.error(plain(error))
    if plan_mapping is None:
        return options
    columns = dict(plan_mapping.columns)
    for col in schema.columns(plan_mapping.dataset):
        chosen = st.session_state.get(f"{key}_col_{col.name}")
        if chosen == NOT_MAPPED:
            columns.pop(col.name, None)
        elif chosen:
            columns[col.name] = chosen
    mapping = _with_chosen_values(replace(plan_mapping, columns=columns), key)
    return replace(options, dataset=plan_mapping.dataset, mapping=mapping)


def _show_problems(plan: Plan, key: str) -> None:
    for warning in plan.warnings:
        (st.info if "Mind Garden" in warning else st.warning)(plain(warning))
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
    if not st.button("Import", key=f"{key}_commit", type="primary", disabled=not plan.ok):
        return
    bar = st.progress(0.0, text="Importing…")
    report = commit(db, plan, user.email, progress=lambda fraction, text: bar.progress(fraction, text=text))
    if report["status"] == "imported":
        st.success(
            f"Imported {report['rows_imported']} rows as {report['import_id']} "
            f"({report['rows_skipped']} skipped). Every page shows them now."
        )
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
