"""Files sharing a header are read block-only (SharedHeader) and stacked straight from the
parsed columns; the batch must equal the per-file reads stacked, and anything unusual must
fall back to the full read."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.cli import _batching, _fastread
from characterization.io import read
from characterization.io.delimited import SharedHeader

HEADER = "# Synthetic export\nLaser wavelength: 514 nm\nRaman shift (cm-1)\tIntensity (counts)\n"


def _write(path, y, x=None, header=HEADER):
    x = np.linspace(800.0, 2000.0, y.size) if x is None else x
    path.write_text(header + "".join(f"{a:.3f}\t{b:.2f}\n" for a, b in zip(x, y)))
    return path


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(3)
    return [_write(tmp_path / f"s{i}.txt", rng.normal(1000, 30, 200)) for i in range(5)]


def test_rows_stack_to_the_per_file_reads(files):
    dss = [read(f, technique="raman") for f in files]
    t = SharedHeader(files[0], dss[0], {"technique": "raman"})
    assert t.ok and set(t.columns) == {"intensity"}
    rows = [t.read_row(f) for f in files]
    for f, row, ds in zip(files, rows, dss):
        xr.testing.assert_identical(t.dataset(row, f), ds)
    labels = [f.stem for f in files]
    xr.testing.assert_identical(_batching.stack_rows(t, rows, labels, [str(f) for f in files]),
                                _batching.stack(dss, labels))


@pytest.mark.parametrize("change", ["header", "axis", "nan", "comment", "shape"])
def test_anything_unusual_is_read_in_full(files, tmp_path, change):
    t = SharedHeader(files[0], read(files[0], technique="raman"), {"technique": "raman"})
    y = np.full(200, 900.0)
    other = {"header": lambda p: _write(p, y, header=HEADER.replace("514", "633")),
             "axis": lambda p: _write(p, y, x=np.linspace(801.0, 2000.0, 200)),
             "nan": lambda p: p.write_text(_nan_text(files[1])),
             "comment": lambda p: p.write_text(files[1].read_text() + "# end\n"),
             "shape": lambda p: _write(p, np.full(199, 900.0))}[change]
    path = tmp_path / "other.txt"
    other(path)
    assert t.read_row(path) is None


def _nan_text(path):
    lines = path.read_text().splitlines(keepends=True)
    lines[5] = lines[5].split("\t")[0] + "\tnan\n"
    return "".join(lines)


def test_folder_reader_returns_rows_and_keeps_warnings(tmp_path):
    x = np.round(np.arange(20.0, 40.0, 0.02), 4)
    paths = []
    for i in range(3):
        y = 100 + 50 * np.exp(-0.5 * ((x - 30 - 0.01 * i) / 0.1) ** 2)
        p = tmp_path / f"p{i}.xy"
        p.write_text("".join(f"{a:.4f} {b:.3f}\n" for a, b in zip(x, y)))
        paths.append(p)
    reader = _fastread.FolderReader({})
    out = [reader.read(p) for p in paths]
    assert all(isinstance(d, _fastread.Row) for d, *_ in out)
    full = [_fastread._read(p, {}) for p in paths]
    for (d, warn, sig, msg), (ds, warn_full, _), p in zip(out, full, paths):
        assert msg is None and warn == warn_full and sig == _batching.signature(ds)
        xr.testing.assert_identical(_fastread.materialize(d, str(p)), ds)


def test_semicolon_files_with_decimal_point_use_the_template(tmp_path):
    x = np.linspace(800.0, 2000.0, 50)
    paths = []
    for i in range(3):
        p = tmp_path / f"s{i}.csv"
        p.write_text("Raman shift (cm-1);Intensity (counts)\n"
                     + "".join(f"{a:.3f};{100 + i + a / 1000:.3f}\n" for a in x))
        paths.append(p)
    ds0 = read(paths[0], technique="raman")
    t = SharedHeader(paths[0], ds0, {"technique": "raman"})
    for p in paths[1:]:
        row = t.read_row(p)
        assert row is not None
        xr.testing.assert_identical(t.dataset(row, p), read(p, technique="raman"))
