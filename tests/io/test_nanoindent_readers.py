"""Nanoindentation readers on every real file of shared/data/nanoindent (see its MANIFEST)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import characterization as ch
from characterization import conventions
from characterization.errors import ReadError
from conftest import SHARED_DATA

DATA = SHARED_DATA / "nanoindent"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real data absent: {DATA}")
AG = "micromechanics/examples/Agilent/"
GRAIN = "merrypopins/datasets/6microntip_slowloading/"
INVIEW = "indentationGUI/micromechanics_indentationGUI/Examples/"

#: every data file -> (reader, number of tests or None for a single test, points of test 0)
FILES = {
    AG + "FQ.xls": ("nanosuite_xls", 10, 2979),
    AG + "FS_Calibration.xls": ("nanosuite_xls", 16, None),
    AG + "FS_XP.xls": ("nanosuite_xls", 9, 1521),
    AG + "NiAl_250nm_TUIL_max_depth_1000nm_GM3_SM_previousGM1.xls": ("nanosuite_xls", 20, None),
    AG + "Popin.xls": ("nanosuite_xls", 12, 380),
    "PopIn/indentation_data/mts-XP_Indcon5um_Al2O3-40nm.xls": ("nanosuite_xls", 50, None),
    INVIEW + "Example1/FusedSilica.xlsx": ("inview_xlsx", 16, 2867),
    INVIEW + "Example2/Tungsten_FrameStiffness.xlsx": ("inview_xlsx", 8, None),
    "micromechanics/examples/FischerScope/N1_1.hdf5": ("micromechanics_hdf5", 16, 2381),
    "micromechanics/examples/Micromaterials/Sample1_Vac_RT.hdf5": ("micromechanics_hdf5", 6, 602),
    "micromechanics/examples/Micromaterials/multipleIndentations.zip": ("micromaterials", 39,
                                                                        None),
    "micromechanics/examples/Hysitron/Exp-50mN_0000.hld": ("hysitron_hld", None, 1068),
    "micromechanics/examples/Hysitron/RobinSteel0000LC.txt": ("triboscan_txt", None, 5304),
    GRAIN + "grain1_6um_indent01_HL_QS_LC.txt": ("triboscan_txt", None, 16390),
    GRAIN + "grain12_6um_indent02_HL_QS_LC.txt": ("triboscan_txt", None, 16392),
    GRAIN + "grain8_6um_indent01_HL_QS_LC.txt": ("triboscan_txt", None, 16403),
    "nanodent/tests/data/experiment_a.hld": ("hysitron_hld", None, 2800),
    "nanodent/tests/data/experiment_b.hld": ("hysitron_hld", None, None),
}


@needs_data
def test_every_data_file_of_the_manifest_is_listed():
    data = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*")
            if p.suffix.lower() in (".xls", ".xlsx", ".hdf5", ".zip", ".hld")
            or p.name.endswith("LC.txt")}
    assert data == set(FILES)


@needs_data
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_file_and_every_test_reads(name):
    reader, n_tests, n0 = FILES[name]
    ds = ch.read(DATA / name)
    assert ds.attrs["reader"] == reader
    assert ds.attrs["technique"] == "nanoindent"
    conventions.validate(ds)
    assert ds["load"].attrs["units"] == "mN" and ds["displacement"].attrs["units"] == "nm"
    assert ds["time"].attrs["units"] == "s"
    if n_tests is None:
        assert "indent" not in ds.dims
        counts = [ds.sizes["point"]]
        tests = [ds]
    else:
        assert ds.sizes["indent"] == n_tests
        counts = ds["n_points"].values.tolist()
        assert ds.sizes["point"] == max(counts)
        picks = sorted({0, n_tests // 2, n_tests - 1})    # every test is in ds; a few alone
        tests = [ch.read(DATA / name, indent=k) for k in picks]
        for k, t in zip(picks, tests):   # a test alone equals its padded row
            assert t.sizes["point"] == counts[k]
            np.testing.assert_array_equal(
                t["load"].values, ds["load"].isel(indent=k).values[:counts[k]])
            assert (ds["segment"].isel(indent=k).values[counts[k]:] == "").all()
            assert np.isnan(ds["load"].isel(indent=k).values[counts[k]:]).all()
    if n0 is not None:
        assert counts[0] == n0
    tests += [ds.isel(indent=k, point=slice(0, c)) for k, c in enumerate(counts)] \
        if n_tests else []
    for t in tests:     # a curve: finite load and displacement, load reaching a maximum
        assert np.isfinite(t["load"].values).sum() > 0.9 * t.sizes["point"]
        assert np.nanmax(t["load"].values) > 0


@needs_data
def test_nanosuite_fq_vendor_results_per_test_and_cycle():
    ds = ch.read(DATA / AG / "FQ.xls")
    # MANIFEST (vendor): test 1 average E 72.8, H 9.3 GPa; per cycle E, H and S
    assert ds["vendor_modulus"].attrs["units"] == "GPa"
    assert ds["vendor_modulus"].values[0] == 72.8 and ds["vendor_hardness"].values[0] == 9.3
    np.testing.assert_array_equal(ds["vendor_cycle_modulus"].values[0],
                                  [73.5, 72.8, 72.6, 72.5, 72.5])
    np.testing.assert_array_equal(ds["vendor_cycle_hardness"].values[0],
                                  [9.44, 9.29, 9.23, 9.19, 9.16])
    np.testing.assert_allclose(ds["vendor_cycle_stiffness"].values[0],
                               [145949.167, 206192.729, 292061.473, 413630.698, 584588.268])
    assert ds["vendor_cycle_stiffness"].attrs["units"] == "N/m"
    assert ds["vendor_drift_rate"].values[0] == 0.025
    assert (ds["frame_stiffness_correction"].values == 3.6e6).all()
    assert (ds["sample_poisson_ratio"].values == 0.18).all()
    assert ds["tip"].item() == "TB22169 NV"
    assert list(ds["test_name"].values[:2]) == ["Test 001", "Test 002"]
    # five cycles from "Cycle Begin/Unload Marker k"
    one = ch.read(DATA / AG / "FQ.xls", indent="Test 001")
    assert sorted(set(one["cycle"].values.tolist())) == [1, 2, 3, 4, 5]
    begins = np.flatnonzero(np.char.startswith(one["marker"].values.astype(str),
                                               "Cycle Begin Marker"))
    assert len(begins) == 5 and begins[0] == 0
    for k in range(5):    # each cycle loads to the vendor's cycle peak load (MANIFEST)
        peak = one["load"].values[one["cycle"].values == k + 1].max()
        assert abs(peak - ds["vendor_cycle_load"].values[0, k]) < 0.01 * peak
        labels = set(one["segment"].values[one["cycle"].values == k + 1])
        assert labels == {"loading", "unloading"}


@needs_data
def test_nanosuite_csm_file_channels_inputs_and_segments():
    ds = ch.read(DATA / AG / "FS_XP.xls")
    # MANIFEST (vendor): E (100-200 nm) mean 77.722 ± 1.663 GPa, H 10.211; drift 0.013 nm/s
    assert round(float(ds["vendor_modulus"].mean()), 3) == 77.722
    assert round(float(ds["vendor_modulus"].std(ddof=1)), 3) == 1.663
    assert round(float(ds["vendor_hardness"].mean()), 3) == 10.211
    assert round(float(ds["vendor_drift_rate"].mean()), 3) == 0.013
    assert ds.attrs["area_coefficients"] == [24.6954, 395.7700812, -16.13158277]
    assert ds["tip"].item() == "Berk-20210318"
    assert ds["stiffness"].attrs["units"] == "N/m"
    assert ds["hardness"].attrs["units"] == "GPa" and ds["modulus"].attrs["units"] == "GPa"
    assert ds["x"].attrs["units"] == "µm" and ds["x"].values[0] == 113010.597
    one = ch.read(DATA / AG / "FS_XP.xls", indent=0)
    seg = one["segment"].values
    # Load / Hold / Unload From Peak / Thermal Drift Hold markers, in this order
    order = [s for i, s in enumerate(seg) if i == 0 or s != seg[i - 1]]
    assert order == ["loading", "hold", "unloading", "drift_hold"]
    assert np.isnan(one["hardness"].values[0])         # DBL_MAX sentinel -> NaN
    cal = ch.read(DATA / AG / "FS_Calibration.xls")
    assert cal.attrs["area_coefficients"] == [27.3136, 152.6988585, -494.1823171]
    # MANIFEST (vendor): E (100-200 nm) 73.5-77.7 GPa, H 9.13-10.07 GPa per test
    assert 73.4 < cal["vendor_modulus"].min() and cal["vendor_modulus"].max() < 77.8
    assert 9.13 <= cal["vendor_hardness"].min() and cal["vendor_hardness"].max() <= 10.07
    nial = ch.read(DATA / AG / "NiAl_250nm_TUIL_max_depth_1000nm_GM3_SM_previousGM1.xls")
    assert (nial["sample_poisson_ratio"].values == 0.3).all()


@needs_data
def test_popin_and_mts_files():
    ds = ch.read(DATA / AG / "Popin.xls")
    assert ds["vendor_modulus"].values[0] == 330.9 and ds["vendor_hardness"].values[0] == 6.72
    assert (ds["segment"].values[ds["marker"].values == "Surface Marker"] == "loading").all()
    mts = ch.read(DATA / "PopIn/indentation_data/mts-XP_Indcon5um_Al2O3-40nm.xls")
    names = list(mts["test_name"].values)
    # 38 "Test NNN" sheets plus 12 "FeuilN" sheets that hold tests too
    assert sum(n.startswith("Test") for n in names) == 38 and len(names) == 50
    assert names[0] == "Test 001" and names[37] == "Test 049"
    one = ch.read(DATA / "PopIn/indentation_data/mts-XP_Indcon5um_Al2O3-40nm.xls",
                  indent="Test 002")
    seg = one["segment"].values
    order = [s for i, s in enumerate(seg) if i == 0 or s != seg[i - 1]]
    assert order == ["loading", "hold", "unloading", "drift_hold"]
    assert 0.6 < one["load"].max() < 1.0           # MANIFEST: ≈0.7-0.9 mN


@needs_data
def test_inview_markers_cycles_and_positions():
    path = DATA / INVIEW / "Example1/FusedSilica.xlsx"
    ds = ch.read(path)
    assert ds["vendor_max_load"].values[0] == 47.635          # Results "Pmax"
    assert ds["x"].values[0] == 129010.98 and ds["y"].values[0] == 76257.33
    assert ds["x"].attrs["units"] == "µm"
    assert (ds["sample_poisson_ratio"].values == 0.188).all()
    assert (ds["n_cycles"].values == 10).all()
    # Cycles-GroupedByTest, test 1: Eu 13.41, 17.21, 22.36 GPa; Su 7480 N/m (vendor)
    np.testing.assert_array_equal(ds["vendor_cycle_modulus"].values[0, :3], [13.41, 17.21, 22.36])
    assert ds["vendor_cycle_stiffness"].values[0, 0] == 7480.0
    one = ch.read(path, indent="Test 1")
    marks = {m: i for i, m in enumerate(one["marker"].values) if m}
    seg = one["segment"].values
    assert marks["Surface Index"] == 0
    # ten cycles: markers delimit only the last one, the earlier loading is left unknown
    assert set(seg[:marks["End Of Loading Index"]]) == {""}
    assert set(seg[marks["End Of Loading Index"]:marks["End Of Hold At Load Index"]]) == {"hold"}
    assert set(seg[marks["Begin Drift Data Index"]:marks["End Drift Data Index"]]) == {
        "drift_hold"}
    w = ch.read(DATA / INVIEW / "Example2/Tungsten_FrameStiffness.xlsx")
    assert (w["sample_poisson_ratio"].values == 0.3).all()
    np.testing.assert_array_equal(w["vendor_max_load"].values[:4], [44.651, 44.641, 44.638,
                                                                    44.649])


@needs_data
def test_triboscan_text_units_line_ends_and_tdm():
    robin = ch.read(DATA / "micromechanics/examples/Hysitron/RobinSteel0000LC.txt")
    # first row: 0.814723 nm, 1.836146 µN -> 0.001836146 mN
    assert robin["displacement"].values[0] == 0.814723
    assert robin["load"].values[0] == pytest.approx(1.836146e-3, rel=1e-15)
    assert 2.99 < robin["load"].max() < 3.01                 # 3 mN test (MANIFEST)
    assert robin["depth_v"].attrs["units"] == "V"
    assert robin["load"].attrs["original_units"] == "µN"
    assert robin.attrs["start_time"] == "Mon Apr 29 10:41:06 2019"
    g8 = ch.read(DATA / GRAIN / "grain8_6um_indent01_HL_QS_LC.txt")   # CR-only rows
    assert g8.sizes["point"] == 16403
    assert 199 < g8["load"].max() < 201                      # ≈200 mN peak (MANIFEST)
    g1 = ch.read(DATA / GRAIN / "grain1_6um_indent01_HL_QS_LC.txt")
    # starts with ≈2 mN at negative depth (MANIFEST): first row -4.739537 nm, 2061.851134 µN
    assert g1["displacement"].values[0] == -4.739537
    assert g1["load"].values[0] == pytest.approx(2.061851134, rel=1e-15)
    tdm = json.loads(g8.attrs["original_metadata"])["tdm"]
    assert tdm["tdx"] == "grain8_6um_indent01_HL_QS_LC.tdx" and tdm["tdx_present"] is False
    assert tdm["root"]["name"] == "Hysitron Data File"
    assert any(c["name"] == "Test Time" and c["unit_string"] == "s" for c in tdm["channels"])
    with pytest.raises(ReadError, match=r"metadata only.*\.tdx.*missing"):
        ch.read(DATA / GRAIN / "grain8_6um_indent01_HL_QS_LC.tdm")


@needs_data
def test_hld_both_header_styles():
    old = ch.read(DATA / "micromechanics/examples/Hysitron/Exp-50mN_0000.hld")
    assert old.attrs["area_coefficients"] == [24.5, -329697.0, 6.39467e7, -1.09304e9,
                                              3.59765e9, -2.66038e9]
    assert old["drift_rate"].item() == 0.03648 and old["drift_rate"].attrs["units"] == "nm/s"
    # Machine Comp 0.00663947 nm/µN = 6.63947 nm/mN
    assert old["frame_compliance"].item() == pytest.approx(6.63947, rel=1e-12)
    assert old["load"].values[0] == pytest.approx(0.204644060, rel=1e-12)   # 204.64406 µN
    assert 49.5 < old["load"].max() < 50.5                                  # 50 mN test
    assert old.sizes["drift_point"] == 913
    # load function: segment 2 rises 100 -> 50000 µN over 4.67914-5.67914 s, then unloads
    t, seg = old["time"].values, old["segment"].values
    assert set(seg[(t >= 4.68) & (t < 5.679)]) == {"loading"}
    assert set(seg[(t > 5.68) & (t < 6.679)]) == {"unloading"}
    new = ch.read(DATA / "nanodent/tests/data/experiment_a.hld")    # no "File Version" line
    assert new["tip"].item() == "Probe SN"
    assert new.attrs["area_coefficients"] == [24.5, 7749.44, 229988.0, -2.17869e6, 2.49969e6,
                                              0.0]
    assert new["load"].values[0] == pytest.approx(1.906664e-3, rel=1e-12)
    assert new.attrs["start_time"] == "Wed Mar 04 13:56:27 2026"


@needs_data
def test_micromaterials_zip_and_hdf5():
    path = DATA / "micromechanics/examples/Micromaterials/multipleIndentations.zip"
    ds = ch.read(path)
    with zipfile.ZipFile(path) as zf:
        names = [n[:-4] for n in zf.namelist() if n.endswith(".txt")]
    assert list(ds["test_name"].values) == names
    first = ch.read(path, indent="1000nmXX 1 6958 -4555")
    assert first["time"].values[0] == 0.0 and first["displacement"].values[0] == -367.982536
    assert first["load"].values[0] == -0.010298
    assert 1000 < first["displacement"].max() < 1050      # the "1000nm" series
    fs = ch.read(DATA / "micromechanics/examples/FischerScope/N1_1.hdf5")
    # displacement stored in µm (unit attribute) -> nm
    assert fs["displacement"].max() > 1000 and fs["load"].max() < 15.01   # max_load 15
    mm = ch.read(DATA / "micromechanics/examples/Micromaterials/Sample1_Vac_RT.hdf5")
    assert "units_assumed" in mm.attrs
    assert mm["vendor_drift_rate"].values[0] == pytest.approx(15.070717000000059)
    assert mm["y"].attrs["units"] == "µm"


def test_fischerscope_text_decimal_comma_and_units(tmp_path):
    p = tmp_path / "fischer.txt"
    p.write_bytes("Fischerscope HM2000 export\nProbe: A\n"
                  "Zeit [s];Kraft [mN];Eindringtiefe [µm]\n"
                  "0,0;0,000;0,0000\n0,1;1,5;0,1234\n0,2;3,0;0,2500\n".encode("cp1252"))
    ds = ch.read(p)
    assert ds.attrs["reader"] == "fischerscope_text"
    np.testing.assert_allclose(ds["displacement"].values, [0.0, 123.4, 250.0], rtol=1e-15)
    np.testing.assert_array_equal(ds["load"].values, [0.0, 1.5, 3.0])
    np.testing.assert_array_equal(ds["time"].values, [0.0, 0.1, 0.2])
    tab = tmp_path / "fischer_tab.txt"          # tab-separated, English labels, Fischer named
    tab.write_text("FISCHERSCOPE HM2000\nTime [s]\tForce [µN]\tDepth [nm]\tSegment\n"
                   "0\t100\t1,5\tloading\n1\t200\t3\tloading\n2\t50\t2\tunloading\n",
                   encoding="utf-8")
    c = ch.read(tab)
    assert c.attrs["reader"] == "fischerscope_text"
    np.testing.assert_allclose(c["load"].values, [0.1, 0.2, 0.05], rtol=1e-15)
    np.testing.assert_array_equal(c["displacement"].values, [1.5, 3.0, 2.0])
    assert list(c["segment"].values) == ["loading", "loading", "unloading"]
    q = tmp_path / "curve.csv"                  # plain CSV: the generic delimited reader
    q.write_text("time (s),load (uN),depth (nm)\n0,100,1.5\n1,200,3\n2,50,2\n")
    assert ch.read(q).attrs["reader"] == "delimited"
    bad = tmp_path / "bad.txt"
    bad.write_text("Zeit [s];Kraft [furlong];Eindringtiefe [nm]\n0;1;2\n")
    with pytest.raises(ReadError, match="unknown load unit"):
        ch.read(bad)
    cut = tmp_path / "cut.txt"
    cut.write_text("Zeit [s];Kraft [mN];Eindringtiefe [nm]\n0;1;2\n1;2\n")
    with pytest.raises(ReadError, match="expected 3 fields"):
        ch.read(cut)


@needs_data
def test_indent_selection_errors():
    path = DATA / AG / "Popin.xls"
    with pytest.raises(ReadError, match="out of range"):
        ch.read(path, indent=12)
    with pytest.raises(ReadError, match="not in file"):
        ch.read(path, indent="Test 099")
