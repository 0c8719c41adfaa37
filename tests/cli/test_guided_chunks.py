"""``--workers N`` sizes its chunks by guided self-scheduling; results equal the serial run's."""

from __future__ import annotations

import csv
import math

import pytest

from characterization.cli import _cluster, main

from test_batched_run import RECIPE, _write_carbon


def _take_all(queue, sides):
    got = []
    for side in sides:
        chunk = queue.popleft() if side == "front" else queue.pop()
        if chunk is None:
            break
        got.append((side, chunk))
    return got


@pytest.mark.parametrize("n,batch,procs,minc", [(10000, 1024, 2, 256), (10000, 1024, 4, 128),
                                                (300, 64, 2, 16), (7, 1024, 2, 256)])
def test_guided_sizes_cover_every_item_once_in_order(n, batch, procs, minc):
    items = list(range(n))
    queue = _cluster.GuidedQueue(items, batch, procs, min_chunk=minc)
    sides = ["front", "back", "back", "front"] * n
    taken = _take_all(queue, sides)
    assert len(queue) == 0 and queue.pop() is None and queue.popleft() is None
    left = n
    front, back = [], []
    for side, chunk in taken:
        k = min(left, batch, max(minc, math.ceil(left / (2 * procs))))
        if side == "back" and k == batch:
            k = (left - 1) % batch + 1                 # the serial run's grid, remainder first
        assert len(chunk) == k
        assert chunk == sorted(chunk) and chunk == list(range(chunk[0], chunk[0] + len(chunk)))
        (front if side == "front" else back).append(chunk)
        left -= len(chunk)
    flat = [i for c in front for i in c] + [i for c in reversed(back) for i in c]
    assert flat == items
    if n >= 4 * procs * batch:
        assert len(taken[0][1]) == batch                     # full batches while much is left
    sizes = [len(c) for _, c in taken if len(c) < batch]
    assert sizes[1:] == sorted(sizes[1:], reverse=True)      # then smaller and smaller


def test_full_size_chunks_are_the_serial_grid():
    queue = _cluster.GuidedQueue(range(13), 4, 2, min_chunk=256)
    got = [queue.popleft(), queue.pop(), queue.pop(), queue.popleft(), queue.pop()]
    assert got == [[0, 1, 2, 3], [12], [8, 9, 10, 11], [4, 5, 6, 7], None]


def test_clear_empties_the_queue():
    queue = _cluster.GuidedQueue(range(10), 4, 2, min_chunk=1)
    queue.clear()
    assert queue.pop() is None and len(queue) == 0


def _table(path):
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], sorted(rows[1:])


def test_local_run_with_guided_chunks_equals_serial(tmp_path, monkeypatch):
    """Chunks of other sizes than the serial run's batches: the same summary, errors, the same
    table rows (a batch's fragment lists variable by variable, so only their order differs) and
    the same stored numbers."""
    pytest.importorskip("distributed")
    import xarray as xr

    folder = tmp_path / "in"
    folder.mkdir()
    _write_carbon(folder, 14)
    _write_carbon(folder, 3, seed=4, n_points=500, stem="other_axis")
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPE)
    monkeypatch.setattr(_cluster, "MIN_CHUNK", 2)
    outs = {}
    for workers in (1, 2):
        out = outs[workers] = tmp_path / f"w{workers}"
        assert main(["run", str(recipe), str(folder), "-o", str(out), "--no-progress",
                     "--batch-size", "8", "--workers", str(workers)]) == 0
    serial, local = outs[1], outs[2]
    for name in ("summary.csv", "errors.csv"):
        assert (local / name).read_text() == (serial / name).read_text()
    index = [_table(out / "index.csv") for out in (serial, local)]
    assert [[r[:2] + r[3:] for r in rows] for _, rows in index][0] == \
        [[r[:2] + r[3:] for r in rows] for _, rows in index][1]
    tables = sorted(p.name for p in (serial / "tables").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (local / "tables").glob("*.csv"))
    for name in tables:
        assert _table(local / "tables" / name) == _table(serial / "tables" / name)
    sizes = [len(set(r[2] for r in rows)) for _, rows in index]
    assert sizes[1] > sizes[0]                 # the local run did form other batches
    for step in {p.stem for p in (serial / "batches").glob("*/*.nc")}:
        a, b = (xr.open_mfdataset(sorted((out / "batches").glob(f"*/{step}.nc")),
                                  combine="nested", concat_dim="sample", join="outer").sortby("sample")
                .load() for out in (serial, local))
        xr.testing.assert_identical(a, b)
