"""A Streamlit session over its WebSocket, as the browser's frontend opens one: it asks for page runs
(a page and the query string that carries the filters) and collects what each run drew.

What a run drew is reduced to a signature: every figure, table, tile and text of the run (widgets left
out), in order. Two runs on the same data with the same filters draw identical signatures; a run that
mixed two versions of the data matches neither version's signature."""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field

import pyarrow as pa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

WIDGETS = {
    "button",
    "button_group",
    "checkbox",
    "color_picker",
    "date_input",
    "date_time_input",
    "download_button",
    "file_uploader",
    "multiselect",
    "number_input",
    "radio",
    "selectbox",
    "slider",
    "text_area",
    "text_input",
    "time_input",
    "page_link",
    "chat_input",
    "camera_input",
    "audio_input",
    "link_button",
    "menu_button",
    "spinner",
    "skeleton",
    "empty",
    "progress",
}
ERROR_ALERT = 1


@dataclass
class Run:
    page: str
    query: str
    seconds: float
    signature: str = ""
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # alert and metric texts, for reports


def _clear_ids(message) -> None:
    """Element ids are made per session and per run, not from the data: leave them out of the signature."""
    for descriptor, value in message.ListFields():
        if descriptor.name == "id" and descriptor.type == descriptor.TYPE_STRING:
            message.ClearField("id")
        elif descriptor.type == descriptor.TYPE_MESSAGE:
            if descriptor.is_repeated:
                for item in value:
                    _clear_ids(item)
            else:
                _clear_ids(value)


def _rows(arrow_ipc: bytes) -> bytes:
    """A table's rows in a canonical order: a table whose query does not fix its row order (a UNION
    ALL) may list the same rows in another order from run to run, which is not a change of data."""
    table = pa.ipc.open_stream(arrow_ipc).read_all()
    lines = sorted(repr(row) for row in table.to_pylist())
    return (repr(table.schema.names) + "\n" + "\n".join(lines)).encode()


class Session:
    """One user's session on the server at ws_url (ws://127.0.0.1:PORT/_stcore/stream)."""

    def __init__(self, ws_url: str, timeout: float = 300):
        self.ws_url = ws_url
        self.timeout = timeout
        self.socket = None

    async def __aenter__(self) -> Session:
        self.socket = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(self, page: str, query: str) -> Run:
        """Ask for a run of `page` ("" is the default page) with `query` and wait until it has finished."""
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        message.rerun_script.page_script_hash = ""
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        digest = hashlib.sha256()
        run = Run(page=page, query=query, seconds=0.0)
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), self.timeout)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun the page asked for itself (st.rerun): the next run is the answer
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.errors.append("compile error")
                break
            if kind == "page_not_found":
                run.errors.append(f"page not found: {page!r}")
            if kind != "delta" or forward.delta.WhichOneof("type") != "new_element":
                continue
            element = forward.delta.new_element
            what = element.WhichOneof("type")
            if what == "exception":
                run.errors.append(f"{element.exception.type}: {element.exception.message}")
            elif what == "alert":
                run.texts.append(element.alert.body)
                if element.alert.format == ERROR_ALERT:
                    run.errors.append(element.alert.body)
            elif what == "metric":
                run.texts.append(f"{element.metric.label}: {element.metric.body}")
            if what in WIDGETS:
                continue
            _clear_ids(element)
            digest.update(what.encode())
            if what == "dataframe" and element.dataframe.arrow_data.data:
                digest.update(_rows(element.dataframe.arrow_data.data))
                element.dataframe.arrow_data.ClearField("data")
            digest.update(element.SerializeToString(deterministic=True))
        run.seconds = time.perf_counter() - started
        run.signature = digest.hexdigest()
        return run


async def one_run(ws_url: str, page: str, query: str) -> Run:
    async with Session(ws_url) as session:
        return await session.run(page, query)
