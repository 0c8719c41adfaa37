"""Tests of the XRDML (PANalytical) and Rigaku (.ras, .rasx) readers.

Real files are read in place from ``../shared/data/xrd`` (skipped when absent). Expected values
come from ``shared/data/xrd/MANIFEST.md`` (ranges, point counts, wavelengths), from the
independent ``XRD-918-16_10.xrdml.json`` sidecar (shape 5027, kAlpha1/kAlpha2/kBeta/ratio), or
from the file's own header as parsed in the test. Malformed inputs are written to ``tmp_path``.
"""

from __future__ import annotations

import bz2
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

import characterization as ch
from characterization import ReadError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "xrd"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real XRD data absent: {DATA}")
DL = DATA / "datalab/pydatalab/example_data/XRD"


def _read(path, **kw):
    return ch.read(path, **kw)


# ------------------------------------------------------------------------------------- XRDML
@needs_data
def test_empyrean_xrdml_manifest():
    ds = _read(DATA / "xylib/samples/empyrean.xrdml")
    assert ds.attrs["reader"] == "xrdml"
    assert ds.sizes["two_theta"] == 196
    assert ds.two_theta[0] == pytest.approx(30.05) and ds.two_theta[-1] == pytest.approx(41.75)
    assert np.allclose(np.diff(ds.two_theta), (41.75 - 30.05) / 195)
    assert float(ds.wavelength) == pytest.approx(1.5405980)
    assert float(ds.wavelength_alpha2) == pytest.approx(1.5444260)
    assert float(ds.wavelength_beta) == pytest.approx(1.39225)
    assert float(ds.alpha2_ratio) == pytest.approx(0.5)
    assert str(ds.radiation.values) == "Cu"
    assert float(ds.counting_time) == pytest.approx(0.44)
    assert ds.intensity.attrs["units"] == "count"
    assert ds.counting_time.attrs["units"] == "s"
    assert ds.intensity.values[:5].tolist() == [8, 11, 6, 10, 10]  # first values in the file
    assert "Fine Calibration Offset for 2Theta = -0.0589 deg" in \
        json.loads(ds.attrs["original_metadata"])["comments"]
    cps = ds.intensity / ds.counting_time  # counts/s is an explicit user step
    assert float(cps[0]) == pytest.approx(8 / 0.44)


@needs_data
def test_counts_variant_xrdml_v2():
    f = DL / "HL1-2_5-90_60min.xrdml"
    ds = _read(f)
    text = f.read_text()
    n = len(re.search(r"<counts[^>]*>([^<]*)</counts>", text).group(1).split())
    assert ds.sizes["two_theta"] == n > 1000
    assert ds.two_theta[0] == pytest.approx(5.00116514)
    assert ds.two_theta[-1] == pytest.approx(89.99348491)
    assert float(ds.counting_time) == pytest.approx(133.62)
    assert float(ds.wavelength) == pytest.approx(1.5405980)
    assert ds.intensity.values[:3].tolist() == [1426, 1457, 1459]


@needs_data
def test_cg20396_and_scan_c_batch():
    ds = _read(DL / "CG20396_jdb12-1.xrdml")
    assert ds.sizes["two_theta"] == 7181
    assert ds.two_theta[0] == pytest.approx(5.00835563)
    assert ds.two_theta[-1] == pytest.approx(124.99526689)
    both = ch.read_many([DL / "Scan_C1.xrdml", DL / "Scan_C2.xrdml"])
    assert both.sizes == {"sample": 2, "two_theta": 7181}
    assert not np.array_equal(both.intensity[0], both.intensity[1])
    assert float(both.two_theta[0]) == pytest.approx(5.00475563)


@needs_data
def test_xrd_918_against_sidecar():
    f = DATA / "readers-xrd/tests/data/XRD-918-16_10.xrdml"
    side = json.loads(Path(str(f) + ".json").read_text())
    ds = _read(f)
    assert (ds.sizes["two_theta"],) == tuple(int(v) for v in
                                             side["intensity"].strip("(),").split(",") if v)
    assert ds.sizes["two_theta"] == 5027
    src = side["metadata"]["source"]
    assert float(ds.wavelength) == pytest.approx(float(src["kAlpha1"]))
    assert float(ds.wavelength_alpha2) == pytest.approx(float(src["kAlpha2"]))
    assert float(ds.wavelength_beta) == pytest.approx(float(src["kBeta"]))
    assert float(ds.alpha2_ratio) == pytest.approx(float(src["ratioKAlpha2KAlpha1"]))
    assert str(ds.radiation.values) == src["anode_material"]
    assert round(float(ds.two_theta[0])) == 4 and round(float(ds.two_theta[-1])) == 70
    meta = json.loads(ds.attrs["original_metadata"])
    assert meta["scan_axis"] == side["scanmotname"] == "Gonio"


def _xrdml(body_scans, wl="1.5405980"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/2.0">
 <sample type="To be analyzed"><id>1</id><name>S1</name></sample>
 <xrdMeasurement measurementType="Scan">
  <usedWavelength intended="K-Alpha 1"><kAlpha1 unit="Angstrom">{wl}</kAlpha1>
   <kAlpha2 unit="Angstrom">1.5444260</kAlpha2><ratioKAlpha2KAlpha1>0.5</ratioKAlpha2KAlpha1>
  </usedWavelength>
  <incidentBeamPath><xRayTube><anodeMaterial>Cu</anodeMaterial></xRayTube></incidentBeamPath>
  {body_scans}
 </xrdMeasurement>
</xrdMeasurements>
"""


SCAN_A = """<scan scanAxis="Gonio"><dataPoints>
 <positions axis="2Theta" unit="deg"><startPosition>10</startPosition><endPosition>12</endPosition></positions>
 <commonCountingTime unit="seconds">2.0</commonCountingTime>
 <intensities unit="counts">1 2 3 4 5</intensities></dataPoints></scan>"""
SCAN_B = """<scan scanAxis="2Theta"><dataPoints>
 <positions axis="2Theta" unit="deg"><listPositions>30 30.1 30.3</listPositions></positions>
 <countingTimes unit="seconds">1 2 3</countingTimes>
 <counts unit="cps">7 8 9</counts></dataPoints></scan>"""


def test_synthetic_multiscan_xrdml(tmp_path):
    f = tmp_path / "two.xrdml"
    f.write_text(_xrdml(SCAN_A + SCAN_A.replace(">10<", ">20<").replace(">12<", ">22<")))
    ds = _read(f)
    assert ds.sizes["range"] == 2
    r1 = ds.intensity.sel(range=1).dropna("two_theta")
    assert r1.two_theta.values.tolist() == [20, 20.5, 21, 21.5, 22]
    assert str(ds.sample.values) == "S1"


def test_listpositions_counts_cps_perpoint_time(tmp_path):
    f = tmp_path / "l.xrdml"
    f.write_text(_xrdml(SCAN_B))
    ds = _read(f)
    assert ds.two_theta.values.tolist() == [30, 30.1, 30.3]
    assert ds.intensity.attrs["units"] == "count/s"
    assert ds.counting_time.values.tolist() == [1, 2, 3]


def test_xrdml_gz(tmp_path):
    import gzip
    f = tmp_path / "a.xrdml.gz"
    f.write_bytes(gzip.compress(_xrdml(SCAN_A).encode()))
    assert _read(f).sizes["two_theta"] == 5


@pytest.mark.parametrize("text, match", [
    (_xrdml(SCAN_A)[:-200], "malformed XRDML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY big "aaaa">]>\n' +
     _xrdml(SCAN_A).split("\n", 1)[1], "DOCTYPE"),
    (_xrdml(SCAN_A.replace("1 2 3 4 5", "1 2 x 4")), "expected numbers"),
    (_xrdml(SCAN_B.replace("30 30.1 30.3", "30 30.1")), "listPositions has 2"),
    (_xrdml(SCAN_A.replace("<intensities", "<foo").replace("</intensities", "</foo")),
     "no <intensities> or <counts>"),
])
def test_malformed_xrdml(tmp_path, text, match):
    f = tmp_path / "bad.xrdml"
    f.write_text(text)
    with pytest.raises(ReadError, match=match) as exc:
        _read(f)
    assert "bad.xrdml" in str(exc.value)


def test_entity_without_expansion(tmp_path):
    f = tmp_path / "ent.xrdml"
    f.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>'
                 "<xrdMeasurements>&b;</xrdMeasurements>")
    with pytest.raises(ReadError, match="DOCTYPE"):
        _read(f, format="xrdml")


# ---------------------------------------------------------------------------------------- RAS
@needs_data
def test_ras_bz2_two_scans():
    f = DATA / "xrayutilities/examples/data/inas_layer_radial_002_004.ras.bz2"
    ds = _read(f)
    assert ds.attrs["reader"] == "rigaku_ras"
    assert ds.sizes["range"] == 2
    s0 = ds.intensity.sel(range=0).dropna("two_theta")
    s1 = ds.intensity.sel(range=1).dropna("two_theta")
    assert s0.sizes["two_theta"] == 1501 and s1.sizes["two_theta"] == 2501  # MEAS_DATA_COUNT
    assert float(s0.two_theta[0]) == 26.5 and float(s0.two_theta[-1]) == pytest.approx(32.5)
    assert float(s1.two_theta[0]) == 56.0 and float(s1.two_theta[-1]) == pytest.approx(66.0)
    assert float(s0[0]) == pytest.approx(51.4986)  # first row "26.5000 51.4986 1.0000"
    assert float(s1[0]) == pytest.approx(23.9509)
    assert float(ds.wavelength) == 1.540593 and float(ds.wavelength_alpha2) == 1.544414
    assert float(ds.wavelength_beta) == 1.392250
    assert np.allclose(ds.counting_time, 0.004 / 0.040111 * 60)


RAS_BLOCK = """*RAS_HEADER_START
*FILE_SAMPLE "Si"
*HW_XG_TARGET_NAME "Cu"
*HW_XG_WAVE_LENGTH_ALPHA1 "1.540593"
*MEAS_SCAN_AXIS_X_INTERNAL "TwoThetaTheta"
*MEAS_SCAN_SPEED "2.0"
*MEAS_SCAN_SPEED_UNIT "deg/min"
*MEAS_SCAN_STEP "0.02"
*MEAS_SCAN_UNIT_Y "cps"
*RAS_HEADER_END
*RAS_INT_START
10.00 5 1
10.02 6 10
10.04 7 1
*RAS_INT_END
"""


def test_ras_synthetic_attenuation(tmp_path):
    f = tmp_path / "a.ras"
    f.write_bytes(("*RAS_DATA_START\n" + RAS_BLOCK + "*RAS_DATA_END\n").encode("latin-1"))
    ds = _read(f)
    assert ds.intensity.values.tolist() == [5, 60, 7]
    assert ds.attenuation_factor.values.tolist() == [1, 10, 1]
    assert ds.intensity.attrs["units"] == "count/s"
    assert float(ds.counting_time) == pytest.approx(0.6)
    assert str(ds.sample.values) == "Si"


@pytest.mark.parametrize("mutate, match", [
    (lambda t: t.replace("*RAS_INT_END\n", ""), "RAS_INT_END missing"),
    (lambda t: t.replace("10.02 6 10", "10.02 six 10"), "expected numbers"),
    (lambda t: t.replace("TwoThetaTheta", "Omega"), "expected a 2θ scan"),
])
def test_malformed_ras(tmp_path, mutate, match):
    f = tmp_path / "bad.ras.bz2"
    f.write_bytes(bz2.compress(mutate("*RAS_DATA_START\n" + RAS_BLOCK).encode("latin-1")))
    with pytest.raises(ReadError, match=match):
        _read(f)


# --------------------------------------------------------------------------------------- RASX
@needs_data
@pytest.mark.parametrize("rel, lo, hi, step, a1, a2, beta, n_sample", [
    ("datalab/pydatalab/example_data/XRD/JO_KL_16_ZF_3_60deg_0.02step_12degpermin_001.rasx",
     3.0, 60.0, 0.02, 1.540593, 1.544414, 1.392246, "JO_KL_16_ZF"),
    ("geddes/tests/data/rasx/sample.rasx", 10.0, 80.0, 0.03, 1.540593, 1.544414, None, None),
    ("readers-xrd/tests/data/TwoTheta_scan_powder.rasx", 10.0, 119.0, 0.04, 1.540593, 1.544414,
     None, None),
])
def test_rasx_manifest(rel, lo, hi, step, a1, a2, beta, n_sample):
    ds = _read(DATA / rel)
    assert ds.attrs["reader"] == "rigaku_rasx"
    x = ds.two_theta.values
    assert x[0] == pytest.approx(lo) and x[-1] == pytest.approx(hi, abs=step)
    assert np.allclose(np.diff(x), step, atol=1e-6)
    assert float(ds.wavelength) == a1 and float(ds.wavelength_alpha2) == a2
    if beta is not None:
        assert float(ds.wavelength_beta) == beta
    if n_sample:
        assert str(ds.sample.values) == n_sample
        assert float(ds.counting_time) == pytest.approx(0.02 / 12 * 60)  # 12 deg/min
    assert str(ds.radiation.values) == "Cu"
    assert np.all(np.isfinite(ds.intensity))


def _rasx(tmp_path, members):
    f = tmp_path / "bad.rasx"
    with zipfile.ZipFile(f, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return f


PROFILE = "10.0\t5\t1\r\n10.1\t6\t1\r\n10.2\t7\t1\r\n"
COND = ("<?xml version='1.0'?><MeasurementConditions><ScanInformation><AxisName>TwoTheta"
        "</AxisName><Step>0.1</Step><Speed>6</Speed><SpeedUnit>deg/min</SpeedUnit>"
        "</ScanInformation></MeasurementConditions>")


def test_rasx_synthetic_two_profiles(tmp_path):
    f = _rasx(tmp_path, {"Data0/Profile0.txt": PROFILE, "Data0/MesurementConditions0.xml": COND,
                         "Data0/Profile1.txt": PROFILE.replace("10.", "20."),
                         "Data0/MesurementConditions1.xml": COND})
    with pytest.warns(UserWarning, match="no wavelength"):
        ds = _read(f)
    assert ds.sizes["range"] == 2
    assert float(ds.counting_time) == pytest.approx(1.0)


@pytest.mark.parametrize("members, match", [
    ({"Data0/Profile0.txt": PROFILE, "../evil.txt": "x"}, "path traversal"),
    ({"Data0/Profile0.txt": PROFILE,
      "Data0/MesurementConditions0.xml": '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]>'
                                         "<MeasurementConditions>&e;</MeasurementConditions>"},
     "DOCTYPE"),
    ({"Data0/Profile0.txt": PROFILE, "Data0/MesurementConditions0.xml": COND[:-20]},
     "malformed"),
    ({"Data0/Other.txt": PROFILE}, "no Data\\*/Profile"),
])
def test_malformed_rasx(tmp_path, members, match):
    f = _rasx(tmp_path, members)
    with pytest.raises(ReadError, match=match):
        _read(f, format="rigaku_rasx")


def test_rasx_not_zip(tmp_path):
    f = tmp_path / "x.rasx"
    f.write_bytes(b"PK\x03\x04 truncated Data0/Profile0.txt")
    with pytest.raises(ReadError):
        _read(f)
