"""A run SIGKILLed at five points: what it leaves never reads as complete, and a rerun gives the
results of an uninterrupted run.

The run is a real ``characterize run`` process; a driver wraps the writing functions so that
the process kills itself with SIGKILL at a precise point (inside a batch's netCDF write, after
the marker is written but before the batch folder is renamed, right after a batch is
committed, while summary.csv is being written, while a long table is being written).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

from test_batched_run import RECIPE, _write_carbon

ROOT = Path(__file__).resolve().parents[2]

DRIVER = r"""
import os, signal, sys
from characterization.cli import _output, _store, main

point, nth = sys.argv[1], int(sys.argv[2])
calls = {"n": 0}

def hit():
    calls["n"] += 1
    if calls["n"] == nth:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "netcdf":
    orig_nc = _output.write_netcdf
    def write_netcdf(ds, path):
        out = orig_nc(ds, path)
        hit()
        return out
    _output.write_netcdf = write_netcdf
elif point == "marker":
    orig_marker = _store.write_marker
    def write_marker(folder, marker):
        orig_marker(folder, marker)
        hit()
    _store.write_marker = write_marker
elif point == "committed":
    orig_commit = _store.commit
    def commit(out, batch_id, write):
        result = orig_commit(out, batch_id, write)
        hit()
        return result
    _store.commit = commit
else:  # a table: kill with the temporary file half written, before the rename
    orig_atomic = _output.atomic_write
    def atomic_write(path, write):
        if os.path.basename(str(path)) == point:
            def half(tmp):
                write(tmp)
                hit()
            return orig_atomic(path, half)
        return orig_atomic(path, write)
    _output.atomic_write = atomic_write
sys.exit(main(sys.argv[3:]))
"""

KILLS = [("netcdf", 3), ("marker", 2), ("committed", 2), ("summary.csv", 1),
         ("fit_peaks.csv", 1)]


def _table(path: Path) -> list:
    with open(path, newline="") as fh:
        return sorted(tuple(r.items()) for r in csv.DictReader(fh))


def _results(out: Path) -> dict:
    got = {"summary": (out / "summary.csv").read_text(),
           "errors": (out / "errors.csv").read_text(),
           "index": [(r[0][1], r[1][1], r[3][1]) for r in _table(out / "index.csv")]}
    for p in sorted((out / "tables").glob("*.csv")):
        got[p.name] = _table(p)
    return got


def _nothing_half_written_reads_as_complete(out: Path) -> None:
    root = out / "batches"
    for folder in (root.iterdir() if root.is_dir() else []):
        if folder.name.startswith("."):
            continue                      # hidden: a partial batch, never read
        marker = json.loads((folder / "_complete.json").read_text())
        keys = [e["key"] for e in marker["files"]]
        for step in marker["steps"]:
            with xr.open_dataset(folder / f"{step}.nc") as ds:
                assert set(map(str, ds["sample"].values)) <= set(keys)
    for p in out.rglob("*"):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts):
            assert not p.name.endswith(".tmp"), p
            if p.suffix == ".csv":
                with open(p, newline="") as fh:
                    rows = list(csv.reader(fh))
                assert rows and len({len(r) for r in rows}) == 1, p   # no torn row


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    folder = tmp / "in"
    folder.mkdir()
    _write_carbon(folder, 8)
    _write_carbon(folder, 3, seed=4, n_points=500, stem="other_axis")
    (folder / "broken.txt").write_text("not a spectrum\n")
    recipe = tmp / "r.toml"
    recipe.write_text(RECIPE)
    ref = tmp / "ref"
    args = ["run", str(recipe), str(folder), "-o", str(ref), "--no-progress",
            "--batch-size", "3", "--workers", "1"]
    from characterization.cli import main

    assert main(args) == 1            # broken.txt
    return tmp, recipe, folder, _results(ref)


@pytest.mark.parametrize("point,nth", KILLS)
def test_sigkill_then_rerun_equals_an_uninterrupted_run(case, point, nth):
    tmp, recipe, folder, expected = case
    out = tmp / f"out_{point}_{nth}"
    args = ["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
            "--batch-size", "3", "--workers", "1"]
    proc = subprocess.run([sys.executable, "-c", DRIVER, point, str(nth), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, (point, proc.returncode, proc.stderr[-2000:])
    _nothing_half_written_reads_as_complete(out)
    from characterization.cli import main

    assert main(args) == 1
    _nothing_half_written_reads_as_complete(out)
    assert _results(out) == expected
    assert not [p for p in (out / "batches").iterdir() if p.name.startswith(".")]
