"""A real Streamlit server for the browser tests (tests/e2e/) and the benchmark (benchmarks/app.py):
the app as deployments run it (`python -m mentordash serve`), any other script with `streamlit run`, on
127.0.0.1 at a free port of a given range, headless, stopped by its own pid."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Debian's Chromium (Playwright cannot download its own browser here), and how it is launched headless.
CHROMIUM = os.environ.get("MENTORDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def run_async(coroutine):
    """asyncio.run in a thread of its own: pytest-playwright's sync API keeps an event loop running in the
    test thread once a browser test has run, and asyncio.run refuses to start inside it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def process_memory_mb(pid: int, key: str) -> float | None:
    """A process's memory from /proc/PID/status in MB: key VmRSS (now) or VmHWM (its peak); None if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _worker_offset() -> int:
    """Under pytest-xdist (`make test` runs two workers), worker gwN takes its ports N * 1000 higher, so
    two workers never pick the same free port at the same moment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return 1000 * int(worker.removeprefix("gw") or 0)


def free_port(ports: tuple[int, int], taken: frozenset[int] | set[int] = frozenset()) -> int:
    """The first port of the range (moved up for a test worker) that nothing listens on and is not `taken`."""
    offset = _worker_offset()
    for port in range(ports[0] + offset, ports[1] + 1 + offset):
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports[0] + offset}-{ports[1] + offset}")


@contextmanager
def streamlit_server(
    script: Path, db_path: Path | None, ports: tuple[int, int], env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """(url, pid) of a server of `script` on 127.0.0.1 with MENTORDASH_DB=db_path (and `env` besides),
    once it answers its health check; stopped (that pid only) on exit. The app is served by
    `python -m mentordash serve`, as the README and docs/deployment.md run it."""
    port = free_port(ports)
    env = {**os.environ, **(env or {})}
    if db_path is not None:
        env["MENTORDASH_DB"] = str(db_path)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *(["mentordash", "serve"] if script == ROOT / "app.py" else ["streamlit", "run", str(script)]),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early ({process.returncode}) serving {script}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in 90 s")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
