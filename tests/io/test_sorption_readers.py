"""Tests of the gas-sorption isotherm readers (aif, micromeritics, bel, quantachrome,
pygaps_json, threep, sorption_csv) and their shared builder ``characterization.io.sorption._build``.

Real files are read in place from ``../shared/data/sorption`` (never copied into the repository);
tests needing them skip when that folder is absent. Each expected value says where it comes from:

* ``MANIFEST`` — a value listed in ``shared/data/sorption/MANIFEST.md`` (instrument report values
  are the [INSTR] entries there);
* ``file`` — read independently from the file in the test itself (plain text splitting, ``json``,
  ``xlrd`` cells of a *different* report page, ``openpyxl`` cells), not through the reader.

Malformed inputs are made in ``tmp_path`` from the real files or written from scratch.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import characterization as ch
from characterization import ReadError
from characterization.conventions import validate
from characterization.io import _registry
from characterization.io.sorption import _build as _isotherm

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sorption"
AFP = DATA / "adsorption-file-parser"
STP = 22.414

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real sorption data absent: {DATA} "
                                "(shared/data beside the repository)")


@functools.lru_cache(maxsize=None)
def _read_cached(path: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ch.read(path)


def read(rel: str):
    """Read ``DATA/rel`` once per session (warnings silenced; tests of warnings call ch.read)."""
    return _read_cached(str(DATA / rel))


def meta(ds) -> dict:
    return json.loads(ds.attrs["original_metadata"])


def branch(ds, name):
    sel = ds.branch.values == name
    return ds.relative_pressure.values[sel], ds.amount.values[sel]


def close(a, b, rtol=1e-12):
    return np.isclose(a, b, rtol=rtol, atol=0)


# =============================================================================================
# reader selection: every file, right reader, sniffs mutually exclusive
# =============================================================================================

EXPECTED_READER = {
    "adsorption-file-parser/bel/DUT-32-N2_77K(BelMax).csv": "bel_csv",
    "adsorption-file-parser/bel/DUT-49_N2_77K.DAT": "bel_dat",
    "adsorption-file-parser/bel/DUT-67-N2_77K.DAT": "bel_dat",
    **{f"adsorption-file-parser/mic/Sample_{s}.xls": "micromeritics" for s in "ADEHL"},
    "adsorption-file-parser/qnt/DUT-6_LP_N2 (Raw Analysis Data).txt": "quantachrome",
    "adsorption-file-parser/qnt/DUT-75_N2 (Raw Analysis Data).txt": "quantachrome",
    **{f"pygaps/{m} N2 77K.json": "pygaps_json"
       for m in ("MCM-41", "NaY", "SiO2", "Takeda 5A", "UiO-66(Zr)")},
    "pygaps/MOF_N2_77K.xlsx": "threep",
}

# MANIFEST: BETSI files — points and p/p0 range (adsorption only, strictly increasing)
BETSI = {
    "Al fumarate": (57, 6.5e-5, 0.971), "DMOF-1": (70, 4.8e-5, 0.983),
    "EXP_ZIF-8powder": (65, 4.2e-5, 0.994), "HKUST-1": (70, 4.6e-7, 0.998),
    "MCM-41": (38, 0.0098, 0.938), "MIL-100": (99, 0.0010, 0.938), "MIL-101": (62, 7.2e-5, 0.966),
    "MOF-5": (74, 4.9e-5, 0.988), "Mg-MOF-74": (57, 3.4e-5, 0.968),
    "NU-1000": (52, 0.0038, 0.9998), "NU-1102": (68, 0.0096, 0.945),
    "NU-1104": (167, 0.0025, 0.993), "NU-1105": (106, 1.5e-4, 0.994),
    "PCN-777": (50, 0.0029, 0.900), "TPB-DMTP-COF": (49, 0.0017, 0.998),
    "UiO-66-NH2": (62, 8.5e-7, 0.993), "UiO-66": (152, 1.2e-7, 0.992),
    "ZIF-8": (65, 4.2e-5, 0.994), "Zeolite-13X": (59, 2.0e-5, 0.968),
}
EXPECTED_READER.update({f"betsi/{name}.csv": "sorption_csv" for name in BETSI})


@needs_data
def test_manifest_files_all_covered():
    # MANIFEST: 35 data files; every one has an expected reader here
    files = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file()
                   and p.name != "MANIFEST.md")
    assert len(files) == 35
    assert sorted(EXPECTED_READER) == files


@needs_data
@pytest.mark.parametrize("rel", sorted(EXPECTED_READER))
def test_reader_chosen_automatically(rel):
    ds = read(rel)
    assert ds.attrs["reader"] == EXPECTED_READER[rel]
    assert ds.attrs["technique"] == "sorption"
    validate(ds, "sorption")
    assert ds.amount.attrs["units"] == "mmol/g"
    assert ds.relative_pressure.attrs["units"] == "1"
    assert set(np.unique(ds.branch.values)) <= {"adsorption", "desorption"}
    assert "original_units" in ds.amount.attrs
    meta(ds)  # valid JSON


@needs_data
@pytest.mark.parametrize("rel", sorted(EXPECTED_READER))
def test_exactly_one_sorption_sniff_accepts(rel):
    """Specific readers' sniffs are mutually exclusive on every real file."""
    path = DATA / rel
    head = path.read_bytes()[:8192]
    accepting = [r.name for r in _registry.formats().values()
                 if not r.generic and r.sniff is not None and r.sniff(head, path)]
    assert accepting == [EXPECTED_READER[rel]]


# =============================================================================================
# Micromeritics
# =============================================================================================

def _linear_plot_branches(path):
    """(file) ads/des p/p0 and amounts from the 'Isotherm Linear Plot' page, via xlrd."""
    import xlrd

    sh = xlrd.open_workbook(str(path)).sheet_by_index(0)
    hit = next((r, c) for r in range(sh.nrows) for c in range(sh.ncols)
               if sh.cell_value(r, c) == "Isotherm Linear Plot")
    r0, c0 = hit
    hr = next(r for r in range(r0, sh.nrows)
              if str(sh.cell_value(r, c0)).startswith("Relative Pressure"))
    out = []
    for c in (c0, c0 + 2):
        x, y = [], []
        for r in range(hr + 1, sh.nrows):
            v = sh.cell_value(r, c)
            if v == "":
                break
            x.append(v)
            y.append(sh.cell_value(r, c + 1))
        out.append((np.array(x), np.array(y)))
    return out


# MANIFEST: points (ads + des), mass (g), temperature (K, °C converted), amount unit
MIC = {
    "A": dict(n=(48, 36), mass=0.1013, T=77.300, sample="Sample A", units="cm³/g STP",
              p_units="mmHg", rp=(0.0067, 0.9985)),
    "D": dict(n=(45, 21), mass=0.0625, T=-195.780 + 273.15, sample="TEST", units="mmol/g",
              p_units="kPa", rp=(0.0098, 0.9949)),
    "E": dict(n=(45, 21), mass=0.0898, T=-195.640 + 273.15, sample="TEST", units="mmol/g",
              p_units="kPa", rp=(0.0096, 0.9932)),
    "H": dict(n=(25, 23), mass=0.9813, T=77.500, sample="Ryan_p56-b3", units="cm³/g STP",
              p_units="mmHg", rp=(0.0286, 1.0)),
    "L": dict(n=(100, 34), mass=0.0832, T=-195.850 + 273.15, sample="XXXXinXXXX",
              units="cm³/g STP", p_units="mmHg", rp=(2.2e-7, 0.99501)),
}


@needs_data
@pytest.mark.parametrize("s", sorted(MIC))
def test_micromeritics_isotherm(s):
    ref = MIC[s]
    path = AFP / "mic" / f"Sample_{s}.xls"
    ds = read(f"adsorption-file-parser/mic/Sample_{s}.xls")
    validate(ds, "sorption", strict=True)
    ads_x, ads_y = branch(ds, "adsorption")
    des_x, des_y = branch(ds, "desorption")
    assert (ads_x.size, des_x.size) == ref["n"]                          # MANIFEST
    assert ads_x[0] == pytest.approx(ref["rp"][0], rel=0.02)            # MANIFEST (rounded)
    assert ads_x.max() == pytest.approx(ref["rp"][1], abs=1e-4)         # MANIFEST (rounded)
    assert ds.sample_mass.item() == ref["mass"]                          # MANIFEST
    assert ds.temperature.item() == pytest.approx(ref["T"], abs=1e-9)   # MANIFEST, °C -> K
    assert ds.temperature.attrs["units"] == "K"
    assert ds.adsorbate.item() == "N2"
    assert ds["sample"].item() == ref["sample"]
    assert ds.amount.attrs["original_units"] == ref["units"]
    # (file) branches and values equal the separate 'Isotherm Linear Plot' page
    (px, py), (qx, qy) = _linear_plot_branches(path)
    factor = 1 / STP if "cm³" in ref["units"] else 1.0
    np.testing.assert_array_equal(ads_x, px)
    np.testing.assert_allclose(ads_y, py * factor, rtol=1e-15, atol=0)
    if qx[0] == px[-1] and qy[0] == py[-1]:   # some plots repeat the turning point
        qx, qy = qx[1:], qy[1:]
    np.testing.assert_array_equal(des_x, qx)
    np.testing.assert_allclose(des_y, qy * factor, rtol=1e-15, atol=0)
    if ref["p_units"] == "mmHg":   # per-point p0 present in these files (MANIFEST)
        assert ds.pressure.attrs["original_units"] == "mmHg"
        np.testing.assert_allclose(ds.pressure / ds.saturation_pressure, ds.relative_pressure,
                                   rtol=1e-5)   # float32 cells
    else:                          # D, E: p0 only on separate rows -> measurements, not points
        assert "saturation_pressure" not in ds.coords
        assert meta(ds)["saturation_pressure_measurements"]
        assert ds.pressure.attrs["original_units"] == "kPa"


@needs_data
def test_micromeritics_conversions_exact():
    ds = read("adsorption-file-parser/mic/Sample_A.xls")
    # (file) Isotherm Tabular Report row 30: p/p0, p (mmHg), Q (cm³/g STP), p0 (mmHg)
    assert ds.relative_pressure.values[1] == 0.05231728433951517
    assert ds.amount.values[1] == pytest.approx(40.31975001064183 / STP, rel=1e-15)
    assert ds.pressure.values[1] == pytest.approx(38.408668518066406 * 0.133322387415, rel=1e-15)
    assert ds.saturation_pressure.values[1] == pytest.approx(734.1487426757812 * 0.133322387415,
                                                             rel=1e-15)
    assert ds.pressure.attrs["units"] == "kPa"
    # (file) the first table row is a p0 measurement only, not a point
    assert meta(ds)["saturation_pressure_measurements"][0] == {
        "elapsed_time": "01:50", "value": 734.0831298828125}
    d = read("adsorption-file-parser/mic/Sample_D.xls")
    assert d.amount.values[0] == 2.4404238659481523      # (file) already mmol/g: unchanged
    assert d.pressure.values[0] == 0.9981544193447114    # (file) already kPa


def _q(entry, value, units=None, stderr=None):
    assert entry["value"] == pytest.approx(value, rel=1e-12, abs=1e-15), entry
    if units is not None:
        assert entry["units"] == units, entry
    if stderr is not None:
        assert entry["stderr"] == pytest.approx(stderr, rel=1e-12), entry


@needs_data
def test_micromeritics_report_sample_a():
    r = meta(read("adsorption-file-parser/mic/Sample_A.xls"))["report"]
    bet = r["bet"]                                             # MANIFEST [INSTR] BET
    _q(bet["area"], 194.7493, "m²/g", 0.5313)
    _q(bet["slope"], 0.022141, "g/cm³ STP", 0.000060)
    _q(bet["intercept"], 0.000208, "g/cm³ STP", 0.000011)
    _q(bet["c"], 107.292458)
    _q(bet["qm"], 44.7434, "cm³/g STP")
    _q(bet["r"], 0.9999634)
    _q(bet["cross_sectional_area"], 0.1620, "nm²")
    assert bet["n_points"] == 12
    assert bet["relative_pressure_range"] == pytest.approx([0.05232, 0.30041], abs=5e-6)
    assert bet["points"]["point_index"] == list(range(1, 13))   # (file) rows 31-42 of the table
    _q(r["single_point_bet"]["area"], 189.6954, "m²/g")
    assert r["single_point_bet"]["relative_pressure"] == 0.298722410
    t = r["t_plot"]                                            # MANIFEST [INSTR] t-plot
    assert t["thickness_equation"] == "SIO2OH.THK"
    assert len(t["thickness_curve"]["relative_pressure"]) == 66
    assert (t["thickness_range"]["min"], t["thickness_range"]["max"]) == (3.0, 5.0)
    assert t["thickness_range"]["units"] == "Å"
    assert t["n_points"] == 4
    fp = t["fitted_points"]
    assert [round(x, 4) for x in (fp["relative_pressure"][0], fp["relative_pressure"][-1])] == \
        [0.0523, 0.1092]
    assert [round(x, 2) for x in (fp["thickness"][0], fp["thickness"][-1])] == [4.25, 4.94]
    _q(t["micropore_volume"], 0.003026, "cm³/g")
    _q(t["micropore_area"], 55.0882, "m²/g")
    _q(t["external_area"], 139.6612, "m²/g")
    _q(t["slope"], 9.029038, "cm³/g·Å STP", 0.055874)
    _q(t["intercept"], 1.956116, "cm³/g STP", 0.257582)
    _q(t["r"], 0.999962)
    _q(t["surface_area_correction_factor"], 1.000)
    _q(t["density_conversion_factor"], 0.0015468)
    s = r["summary"]                                           # MANIFEST [INSTR] BJH / D-H
    _q(s["Surface Area"]["BJH Adsorption cumulative surface area of pores between 17.000 Å and "
                         "3,000.000 Å diameter"], 224.787)
    _q(s["Surface Area"]["BJH Desorption cumulative surface area of pores between 17.000 Å and "
                         "3,000.000 Å diameter"], 308.8467)
    _q(s["Pore Volume"]["BJH Adsorption cumulative volume of pores between 17.000 Å and "
                        "3,000.000 Å diameter"], 0.641678)
    _q(s["Pore Volume"]["BJH Desorption cumulative volume of pores between 17.000 Å and "
                        "3,000.000 Å diameter"], 0.699796)
    _q(s["Pore Size"]["BJH Adsorption average pore diameter (4V/A)"], 114.184, "Å")
    _q(s["Pore Size"]["BJH Desorption average pore diameter (4V/A)"], 90.633, "Å")
    _q(s["Pore Size"]["D-H Adsorption average pore diameter (4V/A)"], 114.786, "Å")
    _q(s["Pore Size"]["D-H Desorption average pore diameter (4V/A)"], 90.526, "Å")
    bjh = r["sections"]["BJH Adsorption Pore Distribution Report"]["values"]
    _q(bjh["Adsorbate Property Factor"], 9.53, "Å")
    _q(bjh["Density Conversion Factor"], 0.0015468)
    _q(bjh["Fraction of Pores Open at Both Ends"], 0.00)
    dft = r["sections"]["Porosity Distribution by"]            # MANIFEST [INSTR] DFT
    _q(dft["values"]["Total Volume in Pores <= 261.16 Å"], 0.49993, "cm³/g")
    _q(dft["values"]["Total Area in Pores >= 16.66 Å"], 164.313, "m²/g")
    assert "Standard Deviation of Fit: 1.17809 cm³/g STP" in dft["lines"]


@needs_data
def test_micromeritics_report_sample_d_and_e():
    d = meta(read("adsorption-file-parser/mic/Sample_D.xls"))
    bet = d["report"]["bet"]                                   # MANIFEST [INSTR] BET
    _q(bet["area"], 935.5162, "m²/g", 32.5347)
    _q(bet["slope"], 0.098327, "g/mmol", 0.003620)
    _q(bet["intercept"], 0.005971, "g/mmol", 0.000225)
    _q(bet["c"], 17.466619)
    _q(bet["qm"], 9.58786, "mmol/g")
    _q(bet["r"], 0.9952890)
    assert bet["n_points"] == 9
    assert bet["relative_pressure_range"] == pytest.approx([0.05223, 0.07251], abs=5e-6)
    _q(d["report"]["single_point_bet"]["area"], 536.2098, "m²/g")
    assert d["report"]["single_point_bet"]["relative_pressure"] == pytest.approx(0.072510,
                                                                                 abs=5e-7)
    assert "t_plot" not in d["report"] and "langmuir" not in d["report"]
    msgs = d["report"]["messages"]
    assert "4052-  Fewer than two points are selected for this report." in msgs
    assert "4053-  At least two data points must be selected for t-Plot calculations." in msgs
    assert any(m.startswith("1043-") for m in msgs) and any(m.startswith("1045-") for m in msgs)
    opts = d["report"]["sections"]["Options Report"]["values"]  # MANIFEST: options report
    _q(opts["Density conversion factor"], 0.0015468)
    _q(opts["Non-ideality factor"], 0.0000620)
    _q(opts["Molecular cross-sectional area"], 0.162, "nm²")
    # (file) header dates kept verbatim (dd.mm.yyyy, not reinterpreted)
    assert d["header"]["fields"]["Started"]["text"] == "09.02.2021 13:46:34"

    e = meta(read("adsorption-file-parser/mic/Sample_E.xls"))   # MANIFEST: edge case, no BET
    assert "bet" not in e["report"] and "single_point_bet" not in e["report"]
    msgs = e["report"]["messages"]
    assert "No summary reports could be produced." in msgs
    assert "1089- Fewer than 2 points available for BET calculations." in msgs
    assert "1023- Preparations failed in primary data." in msgs
    assert "4055-  A positive BET surface area was not calculated." in msgs
    ds = read("adsorption-file-parser/mic/Sample_E.xls")       # MANIFEST: 0.12–1.93 mmol/g
    assert ds.amount.min().item() == pytest.approx(0.12, abs=0.005)
    assert ds.amount.max().item() == pytest.approx(1.93, abs=0.005)


@needs_data
def test_micromeritics_report_sample_h():
    m = meta(read("adsorption-file-parser/mic/Sample_H.xls"))
    r = m["report"]
    bet = r["bet"]                                             # MANIFEST [INSTR] BET
    _q(bet["area"], 0.2795, "m²/g", 0.0137)
    _q(bet["slope"], 15.196070, "g/cm³ STP", 0.752399)
    _q(bet["intercept"], 0.378838, "g/cm³ STP", 0.143773)
    _q(bet["c"], 41.112356)
    _q(bet["qm"], 0.0642, "cm³/g STP")
    _q(bet["r"], 0.9891475)
    assert bet["n_points"] == 11
    assert bet["relative_pressure_range"] == pytest.approx([0.04992, 0.29851], abs=5e-6)
    _q(r["single_point_bet"]["area"], 0.2471, "m²/g")
    assert r["single_point_bet"]["relative_pressure"] == pytest.approx(0.298513, abs=5e-7)
    t = r["t_plot"]                                            # MANIFEST [INSTR] t-plot
    assert t["thickness_equation"] == "Harkins and Jura"
    assert t["thickness_formula"] == "t = [ 13.99 / ( 0.034 - log(P/Po) ) ] ^ 0.5"
    assert (t["thickness_range"]["min"], t["thickness_range"]["max"]) == (3.5, 5.0)
    assert t["n_points"] == 8
    fp = t["fitted_points"]["relative_pressure"]
    assert (round(fp[0], 4), round(fp[-1], 4)) == (0.0994, 0.2736)
    _q(t["micropore_volume"], -0.000014, "cm³/g")
    assert t["micropore_area"]["value"] is None and t["micropore_area"]["text"] == "*"
    _q(t["external_area"], 0.2996, "m²/g")
    _q(t["slope"], 0.019309, stderr=0.002418)
    _q(t["intercept"], -0.009086, stderr=0.010369)
    _q(t["r"], 0.956046)
    _q(t["density_conversion_factor"], 0.0015518)
    tpv = r["total_pore_volume"]                               # MANIFEST [INSTR] pore volume
    _q(tpv["adsorption"], 0.000561, "cm³/g")
    _q(tpv["desorption"], 0.001118, "cm³/g")
    assert tpv["relative_pressure"] == pytest.approx(0.994489, abs=5e-7)
    assert tpv["pore_diameter_limit"] == {"value": 3488.086, "units": "Å"}
    size = r["summary"]["Pore Size"]
    _q(size["Adsorption average pore diameter (4V/A by BET)"], 80.261, "Å")
    _q(size["Desorption average pore diameter (4V/A by BET)"], 160.041, "Å")
    assert any(x.startswith("4070-") for x in r["messages"])   # MANIFEST: DFT failed
    # MANIFEST: overlay isotherms of two other samples on the plot pages are not read
    ds = read("adsorption-file-parser/mic/Sample_H.xls")
    assert ds.amount.max().item() * STP == pytest.approx(8.2958, abs=1e-4)   # ~0.02–8.3 cm³/g
    assert branch(ds, "adsorption")[0][-1] == 1.0                            # p = p0 exactly


@needs_data
def test_micromeritics_report_sample_l():
    r = meta(read("adsorption-file-parser/mic/Sample_L.xls"))["report"]
    bet = r["bet"]                                             # MANIFEST [INSTR] BET
    _q(bet["area"], 1596.4627, "m²/g", 0.6426)
    _q(bet["slope"], 0.002726, stderr=0.000001)
    _q(bet["intercept"], 0.0)
    _q(bet["c"], 10182.764984)
    _q(bet["qm"], 366.7855, "cm³/g STP")
    _q(bet["r"], 0.9999998)
    assert [round(x, 6) for x in bet["points"]["relative_pressure"]] == \
        [0.002926, 0.005291, 0.008508, 0.012029, 0.030891]
    _q(r["single_point_bet"]["area"], 1591.6081, "m²/g")
    lg = r["langmuir"]                                         # MANIFEST [INSTR] Langmuir
    _q(lg["area"], 1761.1721, "m²/g", 3.0412)
    _q(lg["b"], 0.413217, "1/mmHg")
    _q(lg["qm"], 404.6273, "cm³/g STP")
    _q(lg["r"], 0.999993)
    assert lg["n_points"] == 7
    assert (round(lg["points"]["pressure"][0], 1), round(lg["points"]["pressure"][-1], 1)) == \
        (43.0, 132.0)
    t = r["t_plot"]                                            # MANIFEST [INSTR] t-plot
    assert t["thickness_equation"] == "Harkins and Jura"
    assert (t["thickness_range"]["min"], t["thickness_range"]["max"]) == (3.5, 5.0)
    assert t["n_points"] == 11
    fp = t["fitted_points"]
    assert (round(fp["relative_pressure"][0], 4), round(fp["relative_pressure"][-1], 4)) == \
        (0.0914, 0.2900)
    assert (round(fp["thickness"][0], 2), round(fp["thickness"][-1], 2)) == (3.61, 4.95)
    _q(t["micropore_volume"], 0.556628, "cm³/g")
    _q(t["micropore_area"], 1455.5099, "m²/g")
    _q(t["external_area"], 140.9528, "m²/g")
    _q(t["slope"], 9.093710, stderr=0.527579)
    _q(t["intercept"], 359.113859, stderr=2.276181)
    _q(t["r"], 0.985189)
    _q(t["density_conversion_factor"], 0.0015500)
    tpv = r["total_pore_volume"]                               # MANIFEST [INSTR] pore volume
    _q(tpv["adsorption"], 0.747695, "cm³/g")
    _q(tpv["desorption"], 0.748172, "cm³/g")
    assert tpv["relative_pressure"] == 0.995
    assert tpv["pore_diameter_limit"] == {"value": 3841.792, "units": "Å"}
    s = r["summary"]                                           # MANIFEST [INSTR] BJH / D-H ...
    area = {k.split(" cumulative")[0]: v["value"] for k, v in s["Surface Area"].items()
            if "cumulative" in k}
    assert area == {"BJH Adsorption": 83.9430, "BJH Desorption": 90.5757,
                    "D-H Adsorption": 78.2134, "D-H Desorption": 86.6922}
    vol = {k.split(" cumulative")[0]: v["value"] for k, v in s["Pore Volume"].items()
           if "cumulative" in k}
    assert vol == {"BJH Adsorption": 0.085453, "BJH Desorption": 0.166343,
                   "D-H Adsorption": 0.090510, "D-H Desorption": 0.163716}
    size = {k: v["value"] for k, v in s["Pore Size"].items()}
    assert size == {"Adsorption average pore diameter (4V/A by BET)": 18.734,
                    "Desorption average pore diameter (4V/A by BET)": 18.746,
                    "BJH Adsorption average pore diameter (4V/A)": 40.720,
                    "BJH Desorption average pore diameter (4V/A)": 73.460,
                    "D-H Adsorption average pore diameter (4V/A)": 46.289,
                    "D-H Desorption average pore diameter (4V/A)": 75.539}
    _q(s["Horvath-Kawazoe"]["Maximum pore volume at P/Po = 0.170088112"], 0.616573, "cm³/g")
    _q(s["Horvath-Kawazoe"]["Median pore width"], 6.717, "Å")
    _q(s["Dubinin-Astakhov"]["Micropore surface area"], 1548.2620, "m²/g")
    _q(s["Dubinin-Astakhov"]["Limiting micropore volume"], 0.575373, "cm³/g")
    mp = s["MP-Method"]
    _q(mp["Cumulative surface area of pores between 1.9972 Å and 19.6000 Å hydraulic radius"],
       2474.7244, "m²/g")
    _q(mp["Cumulative pore volume of pores between 1.9972 Å and 19.6000 Å hydraulic radius"],
       0.610481, "cm³/g")
    _q(mp["Average pore hydraulic radius (V/A)"], 2.4669, "Å")
    _q(s["DFT Pore Size"]["Total Volume in Pores <= 387.34 Å"], 0.60350, "cm³/g")
    _q(s["DFT Pore Size"]["Total Area in Pores >= 5.58 Å"], 2533.592, "m²/g")
    _q(s["DFT Pore Size"]["Average Particle Size"], 37.583, "Å")
    _q(s["Freundlich"]["Qm·C"], 217.1310, "cm³/g STP", 4.3615)
    _q(s["Freundlich"]["m"], 7.7950, stderr=0.5361)
    _q(s["Temkin"]["q·alpha/Qm"], 0.026317, stderr=0.000820)
    _q(s["Temkin"]["A"], 83930.7357, "mmHg", 32651.7443)


# =============================================================================================
# 3P Instruments
# =============================================================================================

@needs_data
def test_threep_isotherm_and_report():
    path = DATA / "pygaps" / "MOF_N2_77K.xlsx"
    with pytest.warns(UserWarning, match="does not store the analysis temperature"):
        ds = ch.read(path)
    assert "temperature" not in ds.coords                     # MANIFEST: not stored
    ads_x, ads_y = branch(ds, "adsorption")
    des_x, _ = branch(ds, "desorption")
    assert (ads_x.size, des_x.size) == (109, 10)                # MANIFEST
    np.testing.assert_array_equal(ads_x[:4], [4e-08, 4e-08, 5e-08, 4e-08])   # MANIFEST quirk
    assert ads_x.max() == pytest.approx(0.962, abs=5e-4)        # MANIFEST
    assert ds.sample_mass.item() == 0.1747                      # MANIFEST "0.1747(g)"
    assert ds.adsorbate.item() == "N2"
    assert ds["sample"].item() == "HM-172_25%_CO2-195K"         # MANIFEST charge name
    # MANIFEST: last adsorption point 526.09 cm³/g; 0.814 = 526.09 × 0.0015468
    assert ads_y[-1] * STP == pytest.approx(526.0856, rel=1e-12)
    assert ads_y[-1] * STP * 0.0015468 == pytest.approx(0.814, abs=5e-4)
    # (file) Isotherm sheet rows, read with openpyxl
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb["Isotherm"].iter_rows(min_row=2, max_row=3, values_only=True))
    wb.close()
    assert ds.pressure.values[0] == rows[0][1] and ds.amount.values[1] == \
        pytest.approx(rows[1][3] / STP, rel=1e-15)
    r = meta(ds)["report"]                                      # MANIFEST [INSTR] 3P
    _q(r["bet"]["area"], 1534.746, "m²/g")
    assert r["bet"]["n_points"] == 22
    assert r["bet"]["points"]["id"] == list(range(54, 76))
    assert r["bet"]["relative_pressure_range"] == [0.05449, 0.28359]
    assert r["bet"]["points"]["point_index"] == list(range(53, 75))
    assert r["bet"]["points"]["relative_pressure_isotherm"][0] == 0.05448807
    _q(r["single_point_bet"]["area"], 1647.117, "m²/g")
    assert r["single_point_bet"]["relative_pressure"] == 0.20
    _q(r["total_pore_volume"], 0.814, "cm³/g")
    assert r["total_pore_volume"]["relative_pressure"] == 0.99
    _q(r["average_pore_diameter"], 2.121, "nm")


@needs_data
def test_threep_temperature_option():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(DATA / "pygaps" / "MOF_N2_77K.xlsx", temperature=77.35)
    assert ds.temperature.item() == 77.35


# =============================================================================================
# BEL
# =============================================================================================

def _dat_tables(path):
    """(file) adsorption/desorption rows of a .DAT by plain splitting."""
    lines = path.read_text().splitlines()
    out = {}
    for name in ("Adsorption data", "Desorption data"):
        i = next(k for k, ln in enumerate(lines) if ln.strip() == name) + 3
        rows = []
        while not set(lines[i].split("\t")) == {"0"}:
            rows.append([float(x) for x in lines[i].split("\t")])
            i += 1
        out[name] = np.array(rows)
    return out


@needs_data
@pytest.mark.parametrize("name, n, mass, T, sample", [
    ("DUT-49_N2_77K.DAT", (89, 45), 0.01700, 77.40, "SKDM017_SCD5dEtOH+act150C22h_N277K_run1"),
    ("DUT-67-N2_77K.DAT", (49, 37), 0.03870, 77.00, "DUT67Zr"),
])
def test_bel_dat(name, n, mass, T, sample):
    ds = read(f"adsorption-file-parser/bel/{name}")
    validate(ds, "sorption", strict=True)
    assert [int((ds.branch == b).sum()) for b in ("adsorption", "desorption")] == list(n)  # MAN.
    assert ds.sample_mass.item() == mass and ds.temperature.item() == T               # MAN.
    assert ds["sample"].item() == sample and ds.adsorbate.item() == "N2"
    tab = _dat_tables(AFP / "bel" / name)                                              # file
    both = np.vstack([tab["Adsorption data"], tab["Desorption data"]])
    np.testing.assert_allclose(ds.amount.values, both[:, 4] / STP, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(ds.pressure.values, both[:, 1])         # kPa in the file
    np.testing.assert_array_equal(ds.saturation_pressure.values, both[:, 2])
    np.testing.assert_allclose(ds.relative_pressure.values, both[:, 1] / both[:, 2], rtol=1e-15)
    assert ds.amount.attrs["original_units"] == "ml(STP) g-1"


@needs_data
def test_bel_dat_quirks():
    d49 = read("adsorption-file-parser/bel/DUT-49_N2_77K.DAT")
    x, y = branch(d49, "adsorption")
    assert (x[0], x.max()) == (pytest.approx(6.8e-6, rel=0.01), pytest.approx(0.947, abs=5e-4))
    assert (y[50] * STP, y[51] * STP) == (pytest.approx(982.45), pytest.approx(922.50))  # MAN.
    with pytest.warns(UserWarning, match="4 point.*negative pressure"):
        d67 = ch.read(AFP / "bel" / "DUT-67-N2_77K.DAT")
    p = d67.pressure.values                                     # MANIFEST: kept, not dropped
    np.testing.assert_array_equal(p[:4], [-3.3975e-3, -3.3975e-3, -6.7950e-3, -4.0983e-19])
    assert branch(d67, "adsorption")[0].max() == pytest.approx(0.989, abs=5e-4)


@needs_data
def test_bel_csv():
    with pytest.warns(UserWarning, match="p/p0 > 1"):
        ds = ch.read(AFP / "bel" / "DUT-32-N2_77K(BelMax).csv")
    validate(ds, "sorption", strict=True)
    x, y = branch(ds, "adsorption")
    dx, _ = branch(ds, "desorption")
    assert (x.size, dx.size) == (293, 4)                                    # MANIFEST
    assert ds.sample_mass.item() == 0.0184 and ds.temperature.item() == 77.0  # MANIFEST
    assert ds["sample"].item() == "RGE-343_DUT-32-7d"
    np.testing.assert_array_equal(ds.saturation_pressure.values, 101.33)   # MANIFEST: fixed p0
    assert x[0] == pytest.approx(3.1e-4, rel=0.01) and x[-1] == pytest.approx(0.981, abs=5e-4)
    assert y.max() * STP == pytest.approx(2027.3, abs=0.05)                 # MANIFEST peak
    assert x[np.argmax(y)] == pytest.approx(0.503, abs=5e-4)
    assert y[-1] * STP == pytest.approx(1764.3)                             # MANIFEST decline
    assert dx.max() == pytest.approx(1.0007, abs=5e-5)                      # MANIFEST p/p0 > 1
    # (file) first data row: pe 3.1344E-02 kPa, p0 101.33, Va 4.9793E-02
    assert ds.pressure.values[0] == 3.1344e-2
    assert ds.relative_pressure.values[0] == 3.1344e-2 / 101.33
    assert ds.amount.values[0] == pytest.approx(4.9793e-2 / STP, rel=1e-15)
    m = meta(ds)
    assert m["header"]["Saturated vapor pressure"] == {"value": "101.33", "units": "kPa"}
    assert "Vacuum degree" in m["header"]["COMMENT4"]["value"]   # not dropped


# =============================================================================================
# Quantachrome
# =============================================================================================

def _qnt_rows(path):
    text = path.read_bytes().decode("cp1252")
    rows = [ln.split() for ln in text.splitlines()
            if re.fullmatch(r"\s*[\d.eE+-]+(\s+[\d.eE+-]+){5}\s*", ln)]
    return np.array(rows, dtype=float)


@needs_data
@pytest.mark.parametrize("name, n, mass, p0, sample", [
    ("DUT-6_LP_N2 (Raw Analysis Data).txt", (82, 24), 0.0339, 764.02, "nk_DUT-6_LP_N2_114pkt"),
    ("DUT-75_N2 (Raw Analysis Data).txt", (100, 32), 0.0539, 754.27, "US_540_DUT75_N2"),
])
def test_quantachrome(name, n, mass, p0, sample):
    ds = read(f"adsorption-file-parser/qnt/{name}")
    validate(ds, "sorption", strict=True)
    assert [int((ds.branch == b).sum()) for b in ("adsorption", "desorption")] == list(n)  # MAN.
    assert ds.sample_mass.item() == mass                                                # MAN.
    assert ds.temperature.item() == 77.3 and ds.adsorbate.item() == "N2"                 # MAN.
    assert ds["sample"].item() == sample
    torr = 101.325 / 760
    np.testing.assert_allclose(ds.saturation_pressure.values, p0 * torr, rtol=1e-15)    # MAN.
    rows = _qnt_rows(AFP / "qnt" / name)                                                 # file
    assert rows.shape[0] == sum(n)
    np.testing.assert_allclose(ds.amount.values, rows[:, 2] / STP / mass, rtol=1e-15, atol=0)
    np.testing.assert_allclose(ds.pressure.values, rows[:, 0] * torr, rtol=1e-15, atol=0)
    np.testing.assert_allclose(ds.relative_pressure.values, rows[:, 0] / rows[:, 1], rtol=1e-15)
    assert ds.amount.attrs["original_units"] == "cc"
    assert "per sample" in ds.amount.attrs["conversion"]
    m = meta(ds)
    assert m["encoding"] == "cp1252" and m["header"]["Outgas Temp"].endswith("°C")


@needs_data
def test_quantachrome_ranges():
    ds = read("adsorption-file-parser/qnt/DUT-6_LP_N2 (Raw Analysis Data).txt")
    x, y = branch(ds, "adsorption")
    assert x[0] == pytest.approx(2.6e-6, rel=0.02) and x[-1] == pytest.approx(0.985, abs=5e-4)
    assert y.max() * STP == pytest.approx(1299, abs=1)          # MANIFEST ≈ 1299 cm³/g
    ds = read("adsorption-file-parser/qnt/DUT-75_N2 (Raw Analysis Data).txt")
    x, _ = branch(ds, "adsorption")
    assert x[0] == pytest.approx(5.0e-4, rel=0.01) and x[-1] == pytest.approx(0.998, abs=5e-4)


# =============================================================================================
# pyGAPS JSON
# =============================================================================================

@needs_data
@pytest.mark.parametrize("material, n", [("MCM-41", (41, 26)), ("NaY", (67, 35)),
                                         ("SiO2", (27, 15)), ("Takeda 5A", (96, 35)),
                                         ("UiO-66(Zr)", (90, 23))])
def test_pygaps_json(material, n):
    path = DATA / "pygaps" / f"{material} N2 77K.json"
    ds = read(f"pygaps/{material} N2 77K.json")
    validate(ds, "sorption", strict=True)
    assert [int((ds.branch == b).sum()) for b in ("adsorption", "desorption")] == list(n)  # MAN.
    assert ds.temperature.item() == 77.355 and ds.adsorbate.item() == "N2"            # MAN.
    assert ds["sample"].item() == material
    raw = json.loads(path.read_text())                                                  # file
    loading = np.array([p["loading"] for p in raw["isotherm_data"]])
    pressure = np.array([p["pressure"] for p in raw["isotherm_data"]])
    des = np.array([p.get("branch") == "des" for p in raw["isotherm_data"]])
    np.testing.assert_array_equal(ds.amount.values, loading)        # mmol/g: no conversion
    np.testing.assert_array_equal(ds.branch.values == "desorption", des)
    if material == "MCM-41":                                        # MANIFEST: relative mode
        np.testing.assert_array_equal(ds.relative_pressure.values, pressure)
        assert "pressure" not in ds.coords
    else:                                                           # MANIFEST: bar, no p0
        np.testing.assert_allclose(ds.pressure.values, pressure * 100.0, rtol=1e-15)
        p0 = ds.relative_pressure.attrs["p0"]
        assert p0 == pytest.approx(101.325, rel=1e-4)               # N2 at its boiling point
        np.testing.assert_allclose(ds.relative_pressure.values, pressure * 100.0 / p0,
                                   rtol=1e-15)


@needs_data
def test_pygaps_json_p0_warning_and_override():
    path = DATA / "pygaps" / "NaY N2 77K.json"
    with pytest.warns(UserWarning, match="assuming p0 = 101.32 kPa.*N2 at 77.355 K"):
        ch.read(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(path, saturation_pressure=101.325)
    assert ds.relative_pressure.values[0] == pytest.approx(1.35041659341e-07 * 100 / 101.325,
                                                           rel=1e-15)   # MANIFEST 1.35e-7 bar


# =============================================================================================
# BETSI CSV
# =============================================================================================

@needs_data
@pytest.mark.parametrize("name", sorted(BETSI))
def test_betsi_csv(name):
    n, lo, hi = BETSI[name]
    ds = read(f"betsi/{name}.csv")
    validate(ds, "sorption")
    x = ds.relative_pressure.values
    assert x.size == n                                                           # MANIFEST
    assert (ds.branch == "adsorption").all()                                     # MANIFEST
    assert x[0] == pytest.approx(lo, rel=0.05) and x[-1] == pytest.approx(hi, abs=5e-4)
    assert (np.diff(x) > 0).all()
    raw = (DATA / "betsi" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                                       # MANIFEST
    rows = [ln.split(",") for ln in raw[3:].decode().splitlines()[1:] if ln.strip()]  # file
    np.testing.assert_array_equal(x, [float(a) for a, _ in rows])
    np.testing.assert_allclose(ds.amount.values, [float(b) / STP for _, b in rows],
                               rtol=1e-15, atol=0)
    assert ds["sample"].item() == name
    assert "adsorbate" not in ds.coords and "temperature" not in ds.coords   # not in the file


@needs_data
def test_betsi_options_and_superscript_header():
    ds = ch.read(DATA / "betsi" / "EXP_ZIF-8powder.csv", adsorbate="nitrogen",
                 temperature=77.35)
    assert ds.amount.attrs["original_units"] == "cm³/g STP"     # MANIFEST: superscript ³, LF
    assert ds.adsorbate.item() == "N2" and ds.temperature.item() == 77.35
    validate(ds, "sorption", strict=True)


@needs_data
def test_read_many_betsi():
    files = [DATA / "betsi" / "MCM-41.csv", DATA / "betsi" / "PCN-777.csv"]
    ds = ch.read_many(files, join="outer")
    assert ds.sizes["sample"] == 2 and ds.sizes["point"] == 50
    assert list(ds["sample"].values) == ["MCM-41", "PCN-777"]
    assert np.isnan(ds.amount.values[0, 38:]).all()


# =============================================================================================
# AIF (files written here following the AIF dictionary)
# =============================================================================================

AIF = """# AIF written for the tests
data_test_isotherm
_audit_aif_version '0.1'
_exptl_operator 'J. Doe'
_exptl_date 2024-01-01
_exptl_adsorptive Nitrogen
_exptl_temperature {T}
_adsnt_sample_id 'NMC-811 #3'
_adsnt_sample_mass 0.2500
_units_temperature {T_units}
_units_pressure {p_units}
_units_mass {m_units}
_units_loading '{l_units}'
_adsnt_info
;
calcined 5 h at 900 C;
multi-line note
;
loop_
_adsorp_pressure
_adsorp_p0
_adsorp_amount
{ads}
loop_
_desorp_pressure
_desorp_p0
_desorp_amount
{des}
"""


def write_aif(tmp_path, name="test.aif", T="77.35", T_units="K", p_units="kPa", m_units="g",
              l_units="cm3(STP)/g", ads=None, des=None, **replace):
    ads = ads or "1.0 101.325 22.414\n10.0 101.325 44.828\n50.0 101.325 67.242"
    des = des or "40.0 101.325 66.0\n5.0 101.325 40.0"
    text = AIF.format(T=T, T_units=T_units, p_units=p_units, m_units=m_units, l_units=l_units,
                      ads=ads, des=des)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_aif_basic(tmp_path):
    ds = ch.read(write_aif(tmp_path))
    assert ds.attrs["reader"] == "aif"
    validate(ds, "sorption", strict=True)
    np.testing.assert_array_equal(ds.branch.values, ["adsorption"] * 3 + ["desorption"] * 2)
    np.testing.assert_allclose(ds.amount.values[:3], [1.0, 2.0, 3.0], rtol=1e-15)  # ÷ 22.414
    np.testing.assert_array_equal(ds.relative_pressure.values,
                                  np.array([1.0, 10.0, 50.0, 40.0, 5.0]) / 101.325)
    assert ds.temperature.item() == 77.35 and ds.adsorbate.item() == "N2"
    assert ds["sample"].item() == "NMC-811 #3" and ds.sample_mass.item() == 0.25
    items = meta(ds)["items"]
    assert items["_adsnt_info"] == "calcined 5 h at 900 C;\nmulti-line note"
    assert items["_exptl_operator"] == "J. Doe"


def test_aif_unit_conversions(tmp_path):
    # °C -> K, mbar -> kPa, mol/kg = mmol/g, mg -> g
    ds = ch.read(write_aif(tmp_path, T="-195.8", T_units="C", p_units="mbar", m_units="mg",
                           l_units="mol/kg", **{"_adsnt_sample_mass 0.2500":
                                                "_adsnt_sample_mass 250.0"}))
    assert ds.temperature.item() == pytest.approx(77.35, abs=1e-12)
    assert ds.pressure.values[1] == pytest.approx(1.0, rel=1e-15)     # 10 mbar = 1 kPa
    np.testing.assert_array_equal(ds.amount.values[:3], [22.414, 44.828, 67.242])
    assert ds.sample_mass.item() == pytest.approx(0.25, rel=1e-15)
    # per-sample amounts (mmol) are divided by the mass in g
    ds = ch.read(write_aif(tmp_path, l_units="mmol"))
    np.testing.assert_allclose(ds.amount.values[:3], np.array([22.414, 44.828, 67.242]) / 0.25,
                               rtol=1e-15)
    # torr and bar
    ds = ch.read(write_aif(tmp_path, p_units="torr"))
    assert ds.pressure.values[0] == pytest.approx(101.325 / 760, rel=1e-15)
    ds = ch.read(write_aif(tmp_path, p_units="bar"))
    assert ds.pressure.values[0] == pytest.approx(100.0, rel=1e-15)


def test_aif_newer_tag_names(tmp_path):
    text = """data_x
_adsorptive_name 'Argon'
_exptl_temperature 87.3
_adsnt_material_name UiO-66
_units_temperature K
_units_pressure Pa
_units_sorbed_amount mmol/g
loop_
_adsorp_index
_adsorp_pressure
_adsorp_loading
1 1000.0 1.0
2 20000.0 2.0
"""
    path = tmp_path / "new.aif"
    path.write_text(text)
    with pytest.warns(UserWarning, match="vapour pressure of Ar at 87.3 K"):
        ds = ch.read(path)
    assert ds.adsorbate.item() == "Ar" and ds["sample"].item() == "UiO-66"
    # Ar boils at 87.30 K: p0 ≈ 101.30 kPa at 87.3 K
    assert ds.relative_pressure.attrs["p0"] == pytest.approx(101.30, abs=0.01)
    np.testing.assert_array_equal(ds.amount.values, [1.0, 2.0])


def test_aif_errors(tmp_path):
    # a loop whose values are not a multiple of its columns (truncated)
    bad = write_aif(tmp_path, "trunc.aif", des="40.0 101.325 66.0\n5.0 101.325")
    with pytest.raises(ReadError, match=r"trunc\.aif.*line \d+.*not a multiple of 3"):
        ch.read(bad)
    # per-sample amounts without a sample mass
    nomass = write_aif(tmp_path, "nomass.aif", l_units="mmol",
                       **{"_adsnt_sample_mass 0.2500\n": ""})
    with pytest.raises(ReadError, match=r"nomass\.aif.*no sample mass"):
        ch.read(nomass)
    # no loading units
    nounits = write_aif(tmp_path, "nounits.aif", **{"_units_loading 'cm3(STP)/g'\n": ""})
    with pytest.raises(ReadError, match=r"nounits\.aif.*_units_loading"):
        ch.read(nounits)
    assert ch.read(nounits, amount_units="mmol/g").amount.values[0] == 22.414
    # unterminated quote
    quote = write_aif(tmp_path, "quote.aif", **{"'J. Doe'": "'J. Doe"})
    with pytest.raises(ReadError, match=r"quote\.aif at line 4: unterminated"):
        ch.read(quote)


# =============================================================================================
# malformed real files -> ReadError naming the file (copies made in tmp_path only)
# =============================================================================================

@needs_data
def test_truncated_bel_dat_raises_and_does_not_hang(tmp_path):
    lines = (AFP / "bel" / "DUT-49_N2_77K.DAT").read_text().splitlines(keepends=True)
    p = tmp_path / "cut.DAT"
    p.write_text("".join(lines[:100]))            # inside the adsorption table
    with pytest.raises(ReadError, match=r"cut\.DAT.*'Adsorption data'.*truncated"):
        ch.read(p)
    p.write_text("".join(lines[:20]))             # inside the header
    with pytest.raises(ReadError, match=r"cut\.DAT.*Adsorption data"):
        ch.read(p)


@needs_data
def test_truncated_bel_csv(tmp_path):
    lines = (AFP / "bel" / "DUT-32-N2_77K(BelMax).csv").read_text().splitlines(keepends=True)
    p = tmp_path / "cut.csv"
    p.write_text("".join(lines[:200]))
    with pytest.raises(ReadError, match=r"cut\.csv.*declares 293 adsorption points.*holds 174"):
        ch.read(p)


@needs_data
def test_truncated_excel_files(tmp_path):
    data = (AFP / "mic" / "Sample_D.xls").read_bytes()
    p = tmp_path / "cut.xls"
    p.write_bytes(data[:len(data) // 2])
    with pytest.raises(ReadError, match=r"cut\.xls.*not a readable \.xls"):
        ch.read(p)
    data = (DATA / "pygaps" / "MOF_N2_77K.xlsx").read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[:100_000])
    with pytest.raises(ReadError, match=r"cut\.xlsx.*not a readable \.xlsx"):
        ch.read(p)


def test_threep_wrong_sheet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.append(["ID", "p (kPa)", "p/p0", "V (cm³/g STP)"])
    p = tmp_path / "other.xlsx"
    wb.save(p)
    with pytest.raises(ReadError, match=r"other\.xlsx at sheet 'Isotherm'.*expected a sheet"):
        ch.read(p, format="threep")
    with pytest.raises(ReadError, match=r"other\.xlsx"):     # not claimed by the 3P sniff
        ch.read(p, technique="sorption")


@needs_data
def test_quantachrome_missing_mass(tmp_path):
    src = AFP / "qnt" / "DUT-6_LP_N2 (Raw Analysis Data).txt"
    raw = src.read_bytes()
    cut = raw.replace(b"Sample Weight: 0.0339 g", b"                       ")
    assert cut != raw
    p = tmp_path / "nomass (Raw Analysis Data).txt"
    p.write_bytes(cut)
    with pytest.raises(ReadError, match=r"nomass.*per sample \('cc'\).*no sample mass"):
        ch.read(p)
    ds = ch.read(p, sample_mass=0.0339)
    np.testing.assert_array_equal(ds.amount.values,
                                  read("adsorption-file-parser/qnt/" + src.name).amount.values)
    # a damaged data row names the line
    bad = raw.replace(b"0.00205131", b"0.0020x131")
    p = tmp_path / "bad (Raw Analysis Data).txt"
    p.write_bytes(bad)
    with pytest.raises(ReadError, match=r"bad .*at line 20: expected numbers"):
        ch.read(p)


@needs_data
def test_pygaps_json_truncated(tmp_path):
    text = (DATA / "pygaps" / "SiO2 N2 77K.json").read_text()
    p = tmp_path / "cut.json"
    p.write_text(text[: len(text) // 2])
    with pytest.raises(ReadError, match=r"cut\.json at line \d+, column \d+: invalid JSON"):
        ch.read(p)


def test_sorption_csv_variants_and_errors(tmp_path):
    # semicolon + decimal comma, p/p0 + mmol/g + branch column
    p = tmp_path / "eu.csv"
    p.write_text("p/p0;n (mmol/g);Branch\n0,05;1,5;ads\n0,30;2,5;ads\n0,20;2,4;des\n")
    ds = ch.read(p, adsorbate="Ar", temperature=87.3)
    assert ds.attrs["reader"] == "sorption_csv"
    np.testing.assert_array_equal(ds.relative_pressure.values, [0.05, 0.30, 0.20])
    np.testing.assert_array_equal(ds.amount.values, [1.5, 2.5, 2.4])
    np.testing.assert_array_equal(ds.branch.values, ["adsorption", "adsorption", "desorption"])
    assert meta(ds)["decimal"] == ","
    # absolute pressure (torr) with p0 column; rising-then-falling list split at the maximum
    p = tmp_path / "abs.csv"
    p.write_text("Pressure (torr),P0 (torr),Quantity Adsorbed (cm3/g STP)\n"
                 "76,760,22.414\n380,760,44.828\n700,760,67.242\n300,760,50\n")
    ds = ch.read(p)
    np.testing.assert_allclose(ds.relative_pressure.values, [0.1, 0.5, 700 / 760, 300 / 760],
                               rtol=1e-15)
    np.testing.assert_array_equal(ds.branch.values, ["adsorption"] * 3 + ["desorption"])
    np.testing.assert_allclose(ds.amount.values[:3], [1.0, 2.0, 3.0], rtol=1e-15)
    # errors name the file and line
    p = tmp_path / "bad.csv"
    p.write_text("Relative Pressure (P/Po), Quantity Adsorbed (cm3/g STP)\n0.1,10\n0.2,abc\n")
    with pytest.raises(ReadError, match=r"bad\.csv at line 3: .*expected a number"):
        ch.read(p)
    p = tmp_path / "nounits.csv"
    p.write_text("p/p0,amount\n0.1,1\n0.2,2\n")
    with pytest.raises(ReadError, match=r"nounits\.csv at line 1: .*gives no units"):
        ch.read(p)
    assert ch.read(p, amount_units="mmol/g").amount.values[1] == 2.0
    p = tmp_path / "persample.csv"
    p.write_text("p/p0,V (cm3 STP)\n0.1,1\n0.2,2\n")
    with pytest.raises(ReadError, match=r"persample\.csv: amounts are per sample"):
        ch.read(p)


# =============================================================================================
# the shared builder and unit helpers
# =============================================================================================

def test_amount_conversions_exact():
    f = _isotherm.amount_conversion
    assert f("cm³/g STP")[:2] == (1 / 22.414, False)
    assert f("cm^3(STP) g^-1")[:2] == (1 / 22.414, False)
    assert f("ml(STP) g-1")[:2] == (1 / 22.414, False)
    assert f("cc")[:2] == (1 / 22.414, True)
    assert f("mmol/g")[:2] == (1.0, False)
    assert f("mol/kg")[:2] == (1.0, False)
    assert f("mmol g-1")[:2] == (1.0, False)
    assert f("mmol")[:2] == (1.0, True)
    assert f("mg/g", "N2")[0] == pytest.approx(1 / 28.0134, rel=1e-15)
    with pytest.raises(ValueError):
        f("mg/g", None)
    with pytest.raises(ValueError):
        f("cm3/mL")


def test_pressure_and_temperature_helpers():
    assert _isotherm.pressure_factor("mmHg") == (0.133322387415, "mmHg")
    assert _isotherm.pressure_factor("Torr") == (101.325 / 760, "torr")
    assert _isotherm.pressure_factor("Pa")[0] == 1e-3
    assert _isotherm.pressure_factor("bar")[0] == 100.0
    assert _isotherm.pressure_factor("mbar")[0] == 0.1
    assert _isotherm.temperature_to_kelvin(-195.85, "°C") == pytest.approx(77.3, abs=1e-12)
    with pytest.raises(ValueError):
        _isotherm.temperature_to_kelvin(77, "F")
    p0, _ = _isotherm.saturation_pressure("N2", 77.355)          # normal boiling point
    assert p0 == pytest.approx(101.325, rel=1e-4)
    p0, _ = _isotherm.saturation_pressure("Ar", 87.302)
    assert p0 == pytest.approx(101.325, rel=1e-4)
    with pytest.raises(ValueError, match="no vapour-pressure equation"):
        _isotherm.saturation_pressure("Kr", 77.35)


def test_parse_quantity():
    pq = _isotherm.parse_quantity
    assert pq("1,596.4627 ± 0.6426 m²/g") == {"value": 1596.4627, "units": "m²/g",
                                              "stderr": 0.6426,
                                              "text": "1,596.4627 ± 0.6426 m²/g"}
    assert pq("10,182.764984 ")["value"] == 10182.764984
    assert pq("-195.780 °C")["value"] == -195.78
    assert pq("6/17/2017 12:27:21 PM")["value"] is None
    assert pq("*")["value"] is None


def test_builder_rejects_bad_input(tmp_path):
    p = tmp_path / "x.txt"
    with pytest.raises(ReadError, match="no isotherm points"):
        _isotherm.build_isotherm(p, reader="t", amount=[], amount_units="mmol/g",
                                 relative_pressure=[])
    with pytest.raises(ReadError, match="not a finite number"):
        _isotherm.build_isotherm(p, reader="t", amount=[1.0, np.nan], amount_units="mmol/g",
                                 relative_pressure=[0.1, 0.2])
    with pytest.raises(ReadError, match="unknown amount unit"):
        _isotherm.build_isotherm(p, reader="t", amount=[1.0], amount_units="furlongs",
                                 relative_pressure=[0.1])
    with pytest.raises(ReadError, match="cannot be computed.*Kr"):
        _isotherm.build_isotherm(p, reader="t", amount=[1.0], amount_units="mmol/g",
                                 pressure=[0.1], pressure_units="torr", adsorbate="krypton",
                                 temperature=77.35)


def test_split_branches():
    b = _isotherm.split_branches([0.1, 0.5, 0.9, 0.9, 0.4])
    assert b.tolist() == ["adsorption"] * 3 + ["desorption"] * 2
    assert _isotherm.split_branches([0.1, 0.2]).tolist() == ["adsorption"] * 2


# =============================================================================================
# optional cross-check against adsorption-file-parser (not a dependency; skipped without it)
# =============================================================================================

@needs_data
@pytest.mark.parametrize("rel, maker, fmt", [
    ("adsorption-file-parser/mic/Sample_L.xls", "mic", "xl"),
    ("adsorption-file-parser/bel/DUT-49_N2_77K.DAT", "bel", "dat"),
    ("adsorption-file-parser/bel/DUT-32-N2_77K(BelMax).csv", "bel", "csv"),
    ("adsorption-file-parser/qnt/DUT-75_N2 (Raw Analysis Data).txt", "qnt", "txt-raw"),
])
def test_cross_check_adsorption_file_parser(rel, maker, fmt):
    afp = pytest.importorskip("adsorption_file_parser")
    _, data = afp.read(str(DATA / rel), maker, fmt)
    ds = read(rel)
    np.testing.assert_allclose(ds.pressure.values / _isotherm.pressure_factor(
        ds.pressure.attrs["original_units"])[0], np.asarray(data["pressure"], float), rtol=1e-15)
    raw = ds.amount.values * STP
    if maker == "qnt":
        raw = raw * ds.sample_mass.item()
    np.testing.assert_allclose(raw, np.asarray(data["loading"], float), rtol=1e-13)
