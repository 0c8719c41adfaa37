"""Bruker RAW (v1, v3, v4), UXD and BRML readers on real files and malformed inputs."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from characterization import ReadError, read
from characterization.io._registry import select_reader
from characterization.io.xrd.bruker_raw import read_bruker_raw
from characterization.io.xrd.brml import read_brml
from characterization.io.xrd.uxd import read_uxd

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "xrd"


def _real(rel: str) -> Path:
    p = DATA / rel
    if not p.exists():
        pytest.skip(f"{p} not available")
    return p


BT86 = "xylib/samples/BT86.raw"
BT86_UXD = "xylib/samples/BT86_.UXD"
FORMAT1 = "xylib/samples/format1.raw"
KEOKUK = "GSAS-II-tutorials/StackingFaults-II/data/Keokuk kaolinite.RAW"
CU3AU = "xylib/samples/Cu3Au-1.raw"
LAB6 = "GSAS-II-tutorials/MDtutorials/CWInstDemo/data/LaB6_Jan2018.raw"
TIO2 = "datalab/pydatalab/example_data/XRD/TiO2.raw"
V5CONV = "geddes/tests/data/bruker_raw/bruker4_v5converter.raw"
EVA = "geddes/tests/data/bruker_raw/bruker4_diffrac_eva.raw"
TIOF = "datalab/pydatalab/example_data/XRD/TiOF.brml"
AG = "readers-xrd/tests/data/23-012-AG_2thomegascan_long.brml"


def _peak(ds, lo, hi):
    s = ds.intensity.sel(two_theta=slice(lo, hi))
    return float(s.two_theta[int(np.argmax(s.values))])


# ---------------------------------------------------------------- RAW v3 (RAW1.01)

def test_bt86_raw_v3():
    ds = read(_real(BT86))
    assert ds.attrs["reader"] == "bruker_raw"
    assert ds.sizes["two_theta"] == 2374
    assert float(ds.two_theta[0]) == 3.0
    assert float(ds.two_theta[1] - ds.two_theta[0]) == pytest.approx(0.0155922, abs=1e-7)
    assert float(ds.two_theta[-1]) == pytest.approx(40.0, abs=1e-3)
    assert float(ds.wavelength) == pytest.approx(1.5406)
    assert float(ds.wavelength_alpha2) == pytest.approx(1.54439)
    assert float(ds.alpha2_ratio) == 0.5
    assert str(ds.radiation.values) == "Cu"
    assert str(ds["sample"].values) == "BT86"
    assert float(ds.counting_time) == 0.5
    assert ds.intensity.attrs["units"] == "count"


def test_bt86_raw_equals_uxd():
    raw = read_bruker_raw(_real(BT86))
    uxd = read(_real(BT86_UXD))
    assert uxd.attrs["reader"] == "uxd"
    np.testing.assert_array_equal(uxd.intensity.values, raw.intensity.values)
    # UXD header keeps the step to 6 decimals (0.015592 vs 0.0155922 in RAW)
    np.testing.assert_allclose(uxd.two_theta.values, raw.two_theta.values, atol=5e-4)
    assert float(uxd.wavelength) == pytest.approx(1.5406)
    assert float(uxd.wavelength_alpha2) == pytest.approx(1.54439)
    assert float(uxd.alpha2_ratio) == 0.5
    assert float(uxd.counting_time) == 0.5
    assert str(uxd.radiation.values) == "Cu"
    assert str(uxd["sample"].values) == "BT86"


def test_format1_keeps_three_ranges():
    ds = read(_real(FORMAT1))
    assert ds.sizes["range"] == 3
    spans = []
    for k in range(3):
        s = ds.intensity.sel(range=k).dropna("two_theta")
        spans.append((float(s.two_theta[0]), float(s.two_theta[-1]), s.sizes["two_theta"]))
    assert spans[0][:2] == pytest.approx((10.0, 20.0))
    assert spans[1][:2] == pytest.approx((30.0, 35.0))
    assert spans[2][:2] == pytest.approx((40.0, 45.0))
    assert [n for *_, n in spans] == [101, 26, 51]
    assert float(ds.intensity.max()) == 58.0
    np.testing.assert_allclose(ds.counting_time.values, [0.1, 0.2, 0.1])


def test_keokuk_two_overlapping_ranges():
    ds = read(_real(KEOKUK))
    assert ds.sizes["range"] == 2
    r0 = ds.intensity.sel(range=0).dropna("two_theta")
    r1 = ds.intensity.sel(range=1).dropna("two_theta")
    assert (float(r0.two_theta[0]), float(r0.two_theta[-1])) == pytest.approx((10, 90))
    assert (float(r1.two_theta[0]), float(r1.two_theta[-1])) == pytest.approx((80, 150))
    assert (r0.sizes["two_theta"], r1.sizes["two_theta"]) == (4001, 3501)
    assert str(ds.radiation.values) == "Cu"
    assert float(ds.wavelength) == pytest.approx(1.5406)
    assert str(ds["sample"].values).startswith("Kaolinite, Keokuk, Bish#1")


def test_gzipped_raw(tmp_path):
    import gzip
    p = tmp_path / "lab6.raw.gz"
    p.write_bytes(gzip.compress(_real(LAB6).read_bytes()))
    ds = read(p)
    assert ds.attrs["reader"] == "bruker_raw" and ds.sizes["two_theta"] == 3040


def test_cu3au_peaks():
    ds = read(_real(CU3AU))
    assert float(ds.two_theta[0]) == 22.0
    assert float(ds.two_theta[-1]) == pytest.approx(100.0, abs=1e-3)
    assert float(ds.intensity.max()) == 138.0
    assert 41.4 <= _peak(ds, 40, 43) <= 41.8


def test_lab6_step_and_peak():
    ds = read(_real(LAB6))
    assert ds.sizes["two_theta"] == 3040
    assert float(ds.two_theta[1] - ds.two_theta[0]) == pytest.approx(0.0197448, abs=1e-9)
    assert float(ds.two_theta[0]) == 10.0
    assert float(ds.wavelength) == pytest.approx(1.5406)
    # LaB6 (110) at 30.38° for Cu Kα1 (a = 4.157 Å)
    assert _peak(ds, 29.5, 31.0) == pytest.approx(30.38, abs=0.05)


# ---------------------------------------------------------------- RAW v4

def test_tio2_v4():
    ds = read(_real(TIO2))
    assert ds.sizes["two_theta"] == 1647
    assert float(ds.two_theta[0]) == 10.0
    assert float(ds.two_theta[-1]) == pytest.approx(70.04, abs=0.01)
    assert str(ds["sample"].values) == "TiO2"
    assert float(ds.wavelength) == pytest.approx(1.5406)
    assert _peak(ds, 26.5, 28.5) == pytest.approx(27.44, abs=0.06)  # rutile (110)
    assert _peak(ds, 53.5, 55.0) == pytest.approx(54.32, abs=0.06)  # rutile (211)


def test_v5converter_v4():
    ds = read(_real(V5CONV))
    assert ds.sizes["two_theta"] == 4059
    assert float(ds.two_theta[0]) == pytest.approx(37.0, abs=1e-3)
    assert float(ds.two_theta[-1]) == pytest.approx(120.0, abs=0.01)
    assert str(ds["sample"].values) == "Cu-12%Ag_500C1700h_P5n5rpm1_RT"
    assert _peak(ds, 42, 44) == pytest.approx(42.99, abs=0.05)


def test_diffrac_eva_v4():
    ds = read(_real(EVA))
    assert ds.sizes["two_theta"] == 7134
    assert float(ds.two_theta[0]) == 10.0
    assert float(ds.two_theta[-1]) == pytest.approx(85.04, abs=0.01)
    assert str(ds["sample"].values) == "HeOx-1001-nsp-sps-900C-10min-01-poliert"
    # the file stores Kα1 as float32 1.5406 (not 1.540598); Kα2 and ratio are 0 (unset)
    assert float(ds.wavelength) == pytest.approx(1.5406, abs=1e-6)
    assert "wavelength_alpha2" not in ds.coords
    assert str(ds.radiation.values) == "Cu"
    assert float(ds.counting_time) == pytest.approx(0.310003, abs=1e-6)
    assert str(ds["scan_type"].values) == "Locked Coupled"


def test_gsas_raw_not_claimed_by_bruker():
    p = DATA / "geddes/tests/data/gsas_raw/gsas.raw"
    if not p.exists():
        pytest.skip("gsas.raw not available")
    assert select_reader(p).name != "bruker_raw"


# ---------------------------------------------------------------- BRML

def test_tiof_brml():
    ds = read(_real(TIOF))
    assert ds.attrs["reader"] == "brml"
    assert ds.sizes["two_theta"] == 2469
    assert float(ds.two_theta[0]) == pytest.approx(10.0, abs=0.01)
    assert float(ds.two_theta[-1]) == pytest.approx(60.0, abs=0.02)
    assert float(ds.wavelength) == 1.5406
    assert float(ds.wavelength_alpha2) == 1.54439
    assert float(ds.alpha2_ratio) == 0.5
    assert str(ds["sample"].values) == "TiOF 18F.2"
    assert float(ds.intensity[0]) == 4471.0
    meta = ds.attrs["original_metadata"]
    assert '"kv": 30.0' in meta and '"ma": 10.0' in meta


def test_ag_brml_matches_sidecar():
    import json
    p = _real(AG)
    side = json.loads(Path(str(p) + ".json").read_text())
    ds = read(p)
    assert (ds.sizes["two_theta"],) == tuple(int(n) for n in
                                            side["intensity"].strip("(,)").split(",") if n)
    src = side["metadata"]["source"]
    assert float(ds.wavelength) == float(src["kAlpha1"])
    assert float(ds.wavelength_alpha2) == float(src["kAlpha2"])
    assert float(ds.wavelength_beta) == float(src["kBeta"])
    assert float(ds.alpha2_ratio) == float(src["ratioKAlpha2KAlpha1"])
    assert str(ds.radiation.values) == src["anode_material"]
    assert str(ds["scan_type"].values) == side["metadata"]["scan_axis"]
    assert float(ds.two_theta[0]) == 44.0 and float(ds.two_theta[-1]) == 48.0
    assert 44 < _peak(ds, 44, 48) < 48


# ---------------------------------------------------------------- synthetic v1 and UXD

def _v1_range(steps, start, step, sample=b"S1", magic=True):
    h = bytearray(156)
    h[0:4] = b"RAW "
    struct.pack_into("<Iff", h, 4, len(steps), 1.5, step)
    struct.pack_into("<f", h, 24, start)
    h[40:40 + len(sample)] = sample
    struct.pack_into("<ff", h, 72, 1.5406, 1.54439)
    body = bytes(h) + np.asarray(steps, "<f4").tobytes()
    return body if magic else body[4:]


def test_raw_v1_two_ranges(tmp_path):
    p = tmp_path / "v1.raw"
    p.write_bytes(_v1_range([1, 2, 3], 10.0, 0.5) + _v1_range([4, 5], 20.0, 0.25, magic=False))
    ds = read(p)
    assert ds.sizes["range"] == 2
    np.testing.assert_array_equal(ds.intensity.sel(range=0).dropna("two_theta"), [1, 2, 3])
    np.testing.assert_array_equal(ds.intensity.sel(range=1).dropna("two_theta").two_theta,
                                  [20.0, 20.25])
    assert float(ds.wavelength) == pytest.approx(1.5406)
    assert float(ds.counting_time) == 1.5


def test_uxd_counts_blocks_two_ranges(tmp_path):
    p = tmp_path / "a.uxd"
    p.write_text("_FILEVERSION=1\n_SAMPLE='X'\n_WL1=1.788970\n_WL2=1.792850\n"
                 "_WLRATIO=0.5\n_ANODE='Co'\n; (Data for Range number 1)\n_STEPTIME=2.0\n"
                 "_STEPSIZE=0.1\n_START=5.0\n_COUNTS\n 1 2 3 4\n 5\n"
                 "; (Data for Range number 2)\n_STEPTIME=4.0\n_STEPSIZE=0.2\n_START=10.0\n"
                 "_COUNTS\n 7 8 9\n")
    ds = read(p)
    assert ds.sizes["range"] == 2
    r0 = ds.intensity.sel(range=0).dropna("two_theta")
    np.testing.assert_allclose(r0.two_theta, [5.0, 5.1, 5.2, 5.3, 5.4])
    np.testing.assert_array_equal(r0, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(ds.counting_time, [2.0, 4.0])
    assert float(ds.wavelength) == pytest.approx(1.78897)
    assert str(ds.radiation.values) == "Co"


# ---------------------------------------------------------------- malformed inputs

def test_truncated_raw(tmp_path):
    data = _real(LAB6).read_bytes()
    for cut in (20, 700, 900, len(data) - 10):
        p = tmp_path / f"t{cut}.raw"
        p.write_bytes(data[:cut])
        with pytest.raises(ReadError, match="byte"):
            read_bruker_raw(p)


def test_truncated_v4(tmp_path):
    data = _real(TIO2).read_bytes()
    for cut in (100, 600, len(data) - 3):
        p = tmp_path / f"t{cut}.raw"
        p.write_bytes(data[:cut])
        with pytest.raises(ReadError):
            read_bruker_raw(p)


def test_wrong_magic(tmp_path):
    p = tmp_path / "x.raw"
    p.write_bytes(b"XYZ1.01\0" + bytes(800))
    with pytest.raises(ReadError, match="magic"):
        read_bruker_raw(p)


def _zip(tmp_path, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    p = tmp_path / "x.brml"
    p.write_bytes(buf.getvalue())
    return p


def test_brml_path_traversal(tmp_path):
    p = _zip(tmp_path, {"../evil.xml": "x", "Experiment0/RawData0.xml": "<RawData/>"})
    with pytest.raises(ReadError, match="traversal"):
        read_brml(p)


def test_brml_entity_refused(tmp_path):
    xml = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
           "<RawData>&b;</RawData>")
    p = _zip(tmp_path, {"Experiment0/RawData0.xml": xml})
    with pytest.raises(ReadError, match="DOCTYPE|ENTITY"):
        read_brml(p)


def test_brml_not_zip_and_no_rawdata(tmp_path):
    p = tmp_path / "y.brml"
    p.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(ReadError):
        read_brml(p)
    with pytest.raises(ReadError, match="RawData"):
        read_brml(_zip(tmp_path, {"Experiment0/Other.xml": "<a/>"}))


def test_uxd_bad_number(tmp_path):
    p = tmp_path / "b.uxd"
    p.write_text("_FILEVERSION=1\n_START=5\n_STEPSIZE=0.1\n_COUNTS\n1 2 x\n")
    with pytest.raises(ReadError, match="line 5"):
        read_uxd(p)
