"""The import benchmark: a large generic-format survey export through the full import pipeline
(`python -m mentordash import FILE`, into a fresh copy of a database) against DuckDB's own read_csv of
the same file into a table of the same copy.

Each operation runs in its own fresh Python process, which reports its own time and its peak resident
set (VmHWM of /proc/self/status, which starts afresh at exec; ru_maxrss would carry over the forking
parent's peak), so the memory figures are per operation. The file
is generated once (seeded) under data/bench/ and reused.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from mentordash.vocabulary import CAREER_STAGES

ROOT = Path(__file__).resolve().parents[1]

WAVES = ("Pulse 2026-01", "Pulse 2026-02", "Pulse 2026-03", "Pulse 2026-04", "Wellbeing 2026 Spring")
RACES = (
    "white",
    "asian",
    "black",
    "hispanic_latino",
    "another",
    "undisclosed",
    "white;asian",
    "black;white",
    "american_indian_alaska_native",
    "native_hawaiian_pacific_islander",
)
RACE_WEIGHTS = (0.58, 0.16, 0.07, 0.06, 0.03, 0.04, 0.02, 0.02, 0.01, 0.01)


def survey_csv(path: Path, rows: int, roster_ids: list[str], seed: int = 8) -> Path:
    """A realistic survey export in the generic format (canonical headers, one row per response): a
    fortnightly Mini-Z pulse plus a spring wave that adds the single-item MBI and the PFI; about a fifth
    anonymous (self-reported groups), some answers skipped, yes/no and multi-select answers as people
    type them. Written once; the name carries the row count."""
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    wave = rng.integers(0, len(WAVES), rows)
    spring = wave == len(WAVES) - 1
    month = np.where(spring, 4, wave + 1)
    day = rng.integers(1, 28, rows)
    seconds = rng.integers(7 * 3600, 23 * 3600, rows)
    submitted = [
        f"2026-{m:02d}-{d:02d} {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
        for m, d, s in zip(month, day, seconds)
    ]
    linked = rng.random(rows) < 0.8
    ids = np.array(roster_ids or ["P00001"], dtype=object)
    person = np.where(linked, ids[rng.integers(0, len(ids), rows)], "")
    anonymous = ~linked

    def answers(low: int, high: int, missing: float, only: np.ndarray | None = None) -> pa.Array:
        values = rng.integers(low, high + 1, rows).astype(str).astype(object)
        blank = rng.random(rows) < missing
        if only is not None:
            blank |= ~only
        values[blank] = ""
        return pa.array(values, pa.string())

    def choice(options, weights, missing: float, only: np.ndarray | None = None) -> pa.Array:
        values = np.array(options, dtype=object)[rng.choice(len(options), rows, p=np.array(weights) / sum(weights))]
        blank = rng.random(rows) < missing
        if only is not None:
            blank |= ~only
        values[blank] = ""
        return pa.array(values, pa.string())

    columns: dict[str, pa.Array] = {
        "response_id": pa.array([f"R{i:08d}" for i in range(1, rows + 1)], pa.string()),
        "survey": pa.array(np.array(WAVES, dtype=object)[wave], pa.string()),
        "submitted_at": pa.array(submitted, pa.string()),
        "person_id": pa.array(person, pa.string()),
        "career_stage": choice(CAREER_STAGES, (0.2, 0.3, 0.05, 0.25, 0.2), 0.02, anonymous),
        "gender": choice(("woman", "man", "nonbinary", "undisclosed"), (0.25, 0.7, 0.01, 0.04), 0.02, anonymous),
        "race_ethnicity": choice(RACES, RACE_WEIGHTS, 0.03, anonymous),
        "has_mentor": choice(("Yes", "No"), (0.6, 0.4), 0.05, anonymous),
        "mini_z_burnout": answers(1, 5, 0.01),
        "mini_z_satisfaction": answers(1, 5, 0.02),
        "mini_z_stress": answers(1, 5, 0.02),
        "mbi_ee_item": answers(0, 6, 0.03, spring),
        "mbi_dp_item": answers(0, 6, 0.03, spring),
        **{
            f"pfi_{part}_{i}": answers(0, 4, 0.02, spring)
            for part, count in (("pf", 6), ("we", 4), ("id", 6))
            for i in range(1, count + 1)
        },
        "career_satisfaction": answers(1, 5, 0.03),
        "mentorship_satisfaction": answers(1, 5, 0.05),
        "intent_to_leave": choice(("Yes", "No"), (0.15, 0.85), 0.05),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pacsv.write_csv(pa.table(columns), partial, pacsv.WriteOptions(quoting_style="needed"))
    partial.replace(path)
    return path


# The two operations, each run by a fresh interpreter; each prints one JSON line.
_PIPELINE = r"""
import contextlib, io, json, sys, time
from mentordash.cli import main
def rss_mb(key="VmRSS"):
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0]) / 1024
before = rss_mb()
out = io.StringIO()
start = time.perf_counter()
with contextlib.redirect_stdout(out):
    code = main(["import", sys.argv[1], "--db", sys.argv[2], "--json"])
seconds = time.perf_counter() - start
report = json.loads(out.getvalue())
print(json.dumps({"seconds": seconds, "exit": code, "status": report["status"], "rows": report["rows_imported"],
                  "warnings": report["warnings"][:3], "errors": report["errors"][:3],
                  "base_rss_mb": before, "peak_rss_mb": rss_mb("VmHWM")}))
"""

_READ_CSV = r"""
import json, sys, time
import duckdb
def rss_mb(key="VmRSS"):
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0]) / 1024
before = rss_mb()
start = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE survey_read_csv AS SELECT * FROM read_csv(?)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM survey_read_csv").fetchall()[0][0]
con.close()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "base_rss_mb": before,
                  "peak_rss_mb": rss_mb("VmHWM")}))
"""


def _run(script: str, csv_path: Path, db_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, str(csv_path), str(db_path)], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_import(base_db: Path, db_dir: Path, rows: int, log: Callable[[str], None], repeat: int = 1) -> dict:
    """The pipeline against read_csv on the same file, each into its own fresh copy of base_db."""
    import duckdb

    con = duckdb.connect(str(base_db), read_only=True)
    try:
        roster = [r[0] for r in con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]
    finally:
        con.close()
    csv_path = survey_csv(Path(db_dir) / f"survey_export_{rows}.csv", rows, roster)
    size_mb = csv_path.stat().st_size / 2**20
    pipeline, read_csv = [], []
    with tempfile.TemporaryDirectory(prefix="mentordash-bench-") as tmp:
        for attempt in range(repeat):
            for name, script, sink in (("pipeline", _PIPELINE, pipeline), ("read_csv", _READ_CSV, read_csv)):
                copy = Path(tmp) / f"{name}_{attempt}.duckdb"
                shutil.copyfile(base_db, copy)
                result = _run(script, csv_path, copy)
                sink.append(result)
                log(f"  {name}: {result['seconds']:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
                copy.unlink(missing_ok=True)
    seconds = statistics.median(r["seconds"] for r in pipeline)
    read_seconds = statistics.median(r["seconds"] for r in read_csv)
    last = pipeline[-1]
    if last["status"] != "imported":
        log(f"  the pipeline did not import the file: {last['status']} {last['errors']}")
    return {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "format": "generic",
        "into": f"a fresh copy of {Path(base_db).name}",
        "seconds": round(seconds, 3),
        "read_csv_seconds": round(read_seconds, 3),
        "ratio": round(seconds / read_seconds, 2) if read_seconds else None,
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in pipeline), 1),
        "base_rss_mb": round(last["base_rss_mb"], 1),
        "read_csv_peak_rss_mb": round(max(r["peak_rss_mb"] for r in read_csv), 1),
        "read_csv_base_rss_mb": round(read_csv[-1]["base_rss_mb"], 1),
        "status": last["status"],
        "rows_imported": last["rows"],
        "read_csv_rows": read_csv[-1]["rows"],
        "warnings": last["warnings"],
        "runs": repeat,
    }
