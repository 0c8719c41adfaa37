"""Hostile and broken input: every read returns a Dataset or raises ReadError, and memory stays
bounded on crafted files.

* crafted files (``hostile_files``): a corrupted ``.gz``, a ``.gz`` of blanks, an ``.xlsx`` zip
  bomb, a zip member lying about its size, members just under the old per-member cap, netCDF
  files whose ``technique`` is not a string or that declare absurd dimensions;
* a bounded mutation fuzz (fixed seed) of real files from ``../shared/data`` per reader family.

The peak memory of the crafted reads is measured in a child process (``ru_maxrss``), so the
test suite's own memory does not count.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import xarray as xr

import characterization as ch
from characterization import ReadError

import hostile_files as hf

HERE = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _read_or_read_error(path, **kwargs):
    """Read ``path``; a ReadError is an accepted outcome, anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = ch.read(path, **kwargs)
        except ReadError as exc:
            return exc
    assert isinstance(ds, xr.Dataset)
    return ds


# --------------------------------------------------------------------------- crafted: errors
def test_corrupted_gz_is_read_error(tmp_path):
    src = b"".join(f"{10 + 0.02 * i:.2f} {100 + i % 7}\n".encode() for i in range(3000))
    for seed in range(5):
        path = hf.corrupted_gz(tmp_path, src, name=f"p{seed}.xy.gz", seed=seed)
        with pytest.raises(ReadError, match="compressed"):
            ch.read(path)


def test_truncated_gz_is_read_error(tmp_path):
    import gzip

    data = gzip.compress(b"1 2\n" * 5000)
    path = tmp_path / "cut.xy.gz"
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ReadError):
        ch.read(path)


@pytest.mark.parametrize("value", [5, [1, 2], 2.5])
def test_netcdf_technique_not_a_string(tmp_path, value):
    path = hf.netcdf_bad_technique(tmp_path, value, "bad.nc")
    with pytest.raises(ReadError, match="technique"):
        ch.read(path)


def test_netcdf_json_technique_not_a_string(tmp_path):
    path = hf.netcdf_bad_technique(tmp_path, 'json:{"a": 1}', "bad_json.nc")
    with pytest.raises(ReadError, match="technique"):
        ch.read(path)


def test_netcdf3_absurd_dimensions(tmp_path):
    with pytest.raises(ReadError):
        ch.read(hf.netcdf3_absurd_dims(tmp_path))


def test_hdf5_absurd_dimensions(tmp_path):
    pytest.importorskip("h5netcdf")
    with pytest.raises(ReadError, match="declares"):
        ch.read(hf.hdf5_absurd_dims(tmp_path))


def test_spc_sniff_refuses_a_zip(tmp_path):
    """A zip starts with ``PK`` (0x4B: the SPC version byte); the SPC sniff took an ``.xlsx``
    zip bomb and a ``.rasx`` as SPC files. It must refuse them, and headers whose declared
    spectra do not fit in the file."""
    from characterization.io.raman import spc

    for path in (hf.xlsx_bomb(tmp_path, size=4 * hf.MiB),
                 hf.big_member(tmp_path, ".rasx", "Data0/Profile0.txt", size=4 * hf.MiB)):
        assert not spc._sniff(path.read_bytes()[:8192], path), path.name
    real = SHARED / "raman"
    for path in sorted(real.rglob("*.spc")) if real.is_dir() else []:
        renamed = tmp_path / (path.stem + ".bin")
        renamed.write_bytes(path.read_bytes())
        assert spc._sniff(renamed.read_bytes()[:8192], renamed), path.name


# --------------------------------------------------------------------------- crafted: memory
_CRAFTED = r"""
import json, resource, sys, warnings
import characterization as ch
from characterization import ReadError
warnings.simplefilter("ignore")
out = {}
for path in sys.argv[1:]:
    try:
        ch.read(path)
        out[path] = "read"
    except ReadError as exc:
        out[path] = "ReadError: " + str(exc)[:300]
    except BaseException as exc:
        out[path] = "ESCAPED " + type(exc).__name__ + ": " + str(exc)[:300]
# VmHWM is the peak of this process's own address space: unlike ru_maxrss, which Linux keeps
# across fork+exec, it does not inherit the peak of the (possibly large) pytest parent
with open("/proc/self/status") as status:
    hwm = [line for line in status if line.startswith("VmHWM:")]
out["maxrss_mb"] = (int(hwm[0].split()[1]) if hwm
                    else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
"""


def _run_child(paths):
    proc = subprocess.run([sys.executable, "-c", _CRAFTED, *map(str, paths)],
                          capture_output=True, text=True, cwd=HERE.parents[1])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_crafted_files_are_refused_with_bounded_memory(tmp_path):
    pytest.importorskip("h5netcdf")
    paths = [
        hf.gz_of_blanks(tmp_path),
        hf.xlsx_bomb(tmp_path),
        hf.zip_with_members(tmp_path / "workbook_bomb.xlsx", [      # read by the 3P sniff
            ("xl/workbook.xml", b"<sheet name='Isotherm'/>" * 1000, 512 * hf.MiB, None)]),
        hf.lying_rasx(tmp_path),
        hf.big_member(tmp_path, ".rasx", "Data0/Profile0.txt", size=250 * hf.MiB),
        hf.big_member(tmp_path, ".brml", "Experiment0/RawData0.xml"),
        hf.zip_with_members(tmp_path / "lying.brml", [
            ("Experiment0/RawData0.xml", b"<a>" * 4096, 512 * hf.MiB, 64)]),
        hf.netcdf3_absurd_dims(tmp_path),
        hf.hdf5_absurd_dims(tmp_path),
    ]
    assert all(p.stat().st_size <= 10 * hf.MiB for p in paths)
    result = _run_child(paths)
    rss = result.pop("maxrss_mb")
    escaped = {k: v for k, v in result.items() if not v.startswith("ReadError")}
    assert not escaped, escaped
    assert rss < 300, f"peak RSS {rss:.0f} MB reading crafted files: {result}"


# --------------------------------------------------------------------------- fuzz
#: Reader families and seed files (relative to ../shared/data), small enough to fuzz quickly.
FAMILIES = {
    "xrd_xml_zip": ["xrd/**/*.xrdml", "xrd/**/*.rasx", "xrd/**/*.brml"],
    "xrd_binary_text": ["xrd/**/*.raw", "xrd/**/*.RAW", "xrd/**/*.UXD", "xrd/**/*.xy",
                        "xrd/**/*.XRA", "xrd/**/*.cif", "xrd/**/*.bz2", "xrd/**/*.gsas"],
    "raman": ["raman/**/*.wdf", "raman/**/*.spc", "raman/**/*.txt", "raman/**/*.xml"],
    "sorption_text": ["sorption/**/*.csv", "sorption/**/*.json", "sorption/**/*.txt",
                      "sorption/**/*.DAT", "sorption/**/*.aif"],
    "sorption_excel": ["sorption/**/*.xls", "sorption/**/*.xlsx"],
    "exafs": ["exafs/**/*.xdi", "exafs/**/*.xmu", "exafs/**/*.dat"],   # .prj: a DataTree
}
MAX_SEED_BYTES = 2_000_000
SEEDS_PER_PATTERN = 3
MUTANTS_PER_FAMILY = 240


def _seeds(patterns):
    """Up to SEEDS_PER_PATTERN files per pattern (the smallest), so every format is mutated."""
    seeds = []
    for pattern in patterns:
        files = sorted((p for p in SHARED.glob(pattern)
                        if p.is_file() and p.stat().st_size <= MAX_SEED_BYTES),
                       key=lambda p: (p.stat().st_size, str(p)))
        seeds += [p for p in files if p not in seeds][:SEEDS_PER_PATTERN]
    return seeds


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fuzz_real_files_read_or_read_error(family, tmp_path):
    if not SHARED.is_dir():
        pytest.skip(f"real data absent: {SHARED}")
    seeds = _seeds(FAMILIES[family])
    if not seeds:
        pytest.skip(f"no seed file for {family}")
    rng = random.Random(f"fuzz-{family}")
    escaped = []
    import gzip

    for k in range(MUTANTS_PER_FAMILY):
        seed = seeds[k % len(seeds)]
        kind, data = hf.mutate(seed.read_bytes(), rng)
        name = seed.name
        if k % 10 == 9:                  # some mutants are compressed, then damaged
            data = gzip.compress(data)
            kind, data = f"gz+{hf.mutate(data, rng)[0]}", hf.mutate(data, rng)[1]
            name += ".gz"
        path = tmp_path / f"{k:04d}_{name}"
        path.write_bytes(data)
        try:
            _read_or_read_error(path)
        except Exception as exc:  # noqa: BLE001 - the point is to list what escapes
            escaped.append(f"{seed.name} {kind}: {type(exc).__name__}: {exc}"[:300])
        path.unlink()
    assert not escaped, escaped


def test_netcdf_mutants_read_or_read_error(tmp_path):
    import numpy as np

    ds = xr.Dataset({"intensity": ("two_theta", np.linspace(1, 2, 200), {"units": "count"})},
                    coords={"two_theta": ("two_theta", np.linspace(10, 80, 200),
                                          {"units": "deg"})},
                    attrs={"technique": "xrd"})
    sources = []
    for engine, name in (("h5netcdf", "a.nc"), ("scipy", "b.nc")):
        p = tmp_path / name
        ds.to_netcdf(p, engine=engine)
        sources.append(p.read_bytes())
    rng = random.Random("fuzz-netcdf")
    escaped = []
    for k in range(160):
        kind, data = hf.mutate(sources[k % 2], rng)
        path = tmp_path / f"m{k}.nc"
        path.write_bytes(data)
        try:
            _read_or_read_error(path)
        except Exception as exc:  # noqa: BLE001
            escaped.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
    assert not escaped, escaped


# --------------------------------------------------------------------------- budgets
def test_limits_budget_formula_and_session_override(tmp_path):
    import gzip

    from characterization.io import LIMITS, Limits

    lim = Limits(floor=100, ratio=4, ceiling=1000)
    assert [lim.budget(n) for n in (0, 10, 25, 100, 400)] == [100, 100, 100, 400, 1000]
    rows = b"".join(b"%d %d\n" % (i, i % 7) for i in range(200_000))      # 2.2 MB of text
    path = tmp_path / "rows.xy.gz"
    path.write_bytes(gzip.compress(rows))
    old = (LIMITS.floor, LIMITS.ratio)
    try:
        LIMITS.floor, LIMITS.ratio = 1_000_000, 1.0
        with pytest.raises(ReadError, match=r"more than 1000000 bytes.*LIMITS"):
            ch.read(path, technique="xrd")
        LIMITS.floor = 4_000_000
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = ch.read(path, technique="xrd")
    finally:
        LIMITS.floor, LIMITS.ratio = old
    assert ds.sizes["two_theta"] == 200_000
    assert float(ds.intensity[-1]) == 199_999 % 7


def test_zip_member_within_declared_size_is_streamed_and_capped(tmp_path):
    import zipfile

    from characterization.io import _safe_archive

    path = hf.zip_with_members(tmp_path / "a.zip", [("m.txt", b"abc", 3000, None)])
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("m.txt")
        assert _safe_archive.read_member(path, zf, info) == b"abc" * 1000
        with pytest.raises(ReadError, match="above the 2999-byte budget"):
            _safe_archive.read_member(path, zf, info, cap=2999)


@pytest.mark.parametrize("text", [
    "", "a", "a\n", "1 2\n3 4", "1 2\n\n\n3 4\n", "\n\n", "x" * 10 + "\n" + "y" * 5])
def test_lines_view_equals_splitlines(text):
    from characterization.io._text_layout import Lines

    lines = Lines(text)
    expected = text.splitlines(keepends=True)
    assert len(lines) == len(expected)
    assert list(lines) == expected
    assert lines[1:] == expected[1:] and lines[-1:] == expected[-1:]
    if expected:
        assert lines[-1] == expected[-1]


def test_large_text_reads_the_same_through_the_lines_view(tmp_path):
    """A text above the lazy-split threshold reads to exactly the values it holds."""
    from characterization.io import _text_layout

    n = 150_000
    body = "".join(f"{10 + 0.001 * i:.3f} {i % 1000}\n" for i in range(n))
    text = "# Wavelength: 1.5406\n2theta intensity\n" + body + "# end\n"
    assert len(text) > _text_layout._LAZY_FROM
    assert isinstance(_text_layout.split_lines(text), _text_layout.Lines)
    path = tmp_path / "big.xy"
    path.write_text(text)
    ds = ch.read(path, technique="xrd")
    assert ds.sizes["two_theta"] == n
    assert float(ds.two_theta[0]) == 10.0 and float(ds.two_theta[-1]) == pytest.approx(
        10 + 0.001 * (n - 1))
    assert float(ds.intensity[1234]) == 234
    assert float(ds.wavelength) == 1.5406
