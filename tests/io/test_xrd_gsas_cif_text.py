"""Tests of the GSAS, pdCIF and DIFFRAC.EVA xy readers, and of the generic reader on XRD text.

Synthetic files are written in tmp_path; real files come from ../shared/data/xrd (skipped when
absent).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import characterization as ch
from characterization import ReadError
from characterization.io.xrd import pdcif

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "xrd"


def real(rel):
    p = DATA / rel
    if not p.is_file():
        pytest.skip(f"{p} not present")
    return p


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def std_records(values):
    lines = []
    for k in range(0, len(values), 10):
        lines.append("".join(f"{v:8d}" for v in values[k:k + 10]).ljust(80))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- GSAS synthetic
def test_gsas_std_axis_is_centidegrees(tmp_path):
    vals = list(range(100, 125))
    p = write(tmp_path, "a.gsa", "title\nBANK 1 25 3 CONST 1000.0 2.5 0 0 STD\n"
              + std_records(vals))
    with pytest.warns(UserWarning, match="no wavelength"):
        ds = ch.read(p)
    assert ds.attrs["reader"] == "gsas"
    # two_theta = (bcoef1 + i*bcoef2)/100
    np.testing.assert_allclose(ds.two_theta, (1000.0 + np.arange(25) * 2.5) / 100)
    np.testing.assert_array_equal(ds.intensity, vals)


def test_gsas_std_with_counter_field_and_prm(tmp_path):
    rec = "".join(f" 2{v:6d}" for v in (10, 20, 30)) + "\n"
    write(tmp_path, "inst.prm", "INS  1 ICONS  0.709300  0.713590       0.0    0   0.7 0  0.4\n")
    p = write(tmp_path, "b.gsas", "t\nBANK 1 3 1 CONST 500 1 0 0 STD\n" + rec)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(p)
    np.testing.assert_array_equal(ds.intensity, [10, 20, 30])
    assert float(ds.wavelength) == 0.7093 and float(ds.wavelength_alpha2) == 0.71359
    assert float(ds.alpha2_ratio) == 0.4 and str(ds.radiation.values) == "Mo"


def test_gsas_esd_fxye_alt_and_two_banks(tmp_path):
    esd = "".join(f"{v:8.1f}{e:8.1f}" for v, e in ((100, 10), (400, 20), (900, 30))) + "\n"
    fxye = "1000.0 5.0 1.0\n1010.0 6.0 1.5\n1020.0 7.0 2.0\n"
    p = write(tmp_path, "c.gsas", "t\nBANK 1 3 1 CONST 2000 5 0 0 ESD\n" + esd
              + "BANK 2 3 3 CONST 0 0 0 0 FXYE\n" + fxye)
    ds = ch.read(p, wavelength=1.0)
    assert ds.sizes["range"] == 2
    b1 = ds.isel(range=0).dropna("two_theta")
    np.testing.assert_allclose(b1.two_theta, [20.0, 20.05, 20.1])
    np.testing.assert_allclose(b1.intensity_uncertainty, [10, 20, 30])
    b2 = ds.isel(range=1).dropna("two_theta", subset=["intensity"])
    np.testing.assert_allclose(b2.two_theta, [10.0, 10.1, 10.2])
    np.testing.assert_allclose(b2.intensity, [5, 6, 7])
    alt = "".join(f"{x:8.1f}{y:7.1f}{e:5.1f}" for x, y, e in
                  ((1500, 1, .1), (1502, 2, .2), (1504, 3, .3), (1506, 4, .4))) + "\n"
    p = write(tmp_path, "d.gsas", "t\nBANK 1 4 1 CONST 0 0 0 0 ALT\n" + alt)
    ds = ch.read(p, wavelength=1.0)
    np.testing.assert_allclose(ds.two_theta, [15.0, 15.02, 15.04, 15.06])


def test_gsas_malformed(tmp_path):
    p = write(tmp_path, "e.gsas", "t\nBANK 1 30 3 CONST 1000 2 0 0 STD\n" + std_records([1] * 12))
    with pytest.raises(ReadError, match="declares 30 points"):
        ch.read(p, wavelength=1.0)
    p = write(tmp_path, "f.gsas", "t\nBANK 1 30 3 RALF 1000 2 0 0 ALT\n" + std_records([1] * 30))
    with pytest.raises(ReadError, match="time-of-flight"):
        ch.read(p)
    p = write(tmp_path, "g.gsas", "t\nBANK 1 3 1 CONST 1000 2 0 0 STD\n   12   abc  14\n")
    with pytest.raises(ReadError):
        ch.read(p, wavelength=1.0)


def test_gsas_sniff_rejects_binary_raw(tmp_path):
    p = tmp_path / "x.raw"
    p.write_bytes(b"RAW1.01\x00\x00BANK 1 3 1 CONST" + bytes(200))
    from characterization.io.xrd import gsas
    assert not gsas._sniff(p.read_bytes(), p)
    assert gsas._sniff(b"Co\nBANK       1    4941     494   CONST  1600.0  1.7\n", p)
    assert not gsas._sniff(b"title\nno bank here\n 1 2 3\n", p)


# --------------------------------------------------------------------------- GSAS real files
def test_gsas_nist660():
    p = real("GSAS-II-tutorials/MDtutorials/CWInstDemo/data/NIST660CBI.gsas")
    with pytest.warns(UserWarning, match="no wavelength"):
        ds = ch.read(p)
    assert ds.sizes["two_theta"] == 8378
    assert float(ds.two_theta[0]) == pytest.approx(15.0066)
    assert float(ds.two_theta[1] - ds.two_theta[0]) == pytest.approx(0.0131303)
    assert float(ds.two_theta[-1]) == pytest.approx(15.0066 + 8377 * 0.0131303)
    assert ds.intensity.values[:3].tolist() == [2364, 2382, 2386]
    assert ds.intensity.values[-1] == 370
    assert "default" in ds.wavelength.attrs["source"]


def test_gsas_fap_with_prm_sidecar():
    p = real("GSAS-II-tutorials/LabData/data/FAP.XRA")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(p)
    assert ds.sizes["two_theta"] == 5753
    assert float(ds.two_theta[0]) == pytest.approx(15.0)
    assert float(ds.two_theta[-1]) == pytest.approx(130.04)
    np.testing.assert_allclose(np.diff(ds.two_theta), 0.02, atol=1e-9)
    assert float(ds.wavelength) == 1.5405 and float(ds.wavelength_alpha2) == 1.5443
    assert float(ds.alpha2_ratio) == 0.5 and str(ds.radiation.values) == "Cu"
    assert ds.intensity.values[:2].tolist() == [609, 612]
    assert json.loads(ds.attrs["original_metadata"])["instrument_parameter_file"] == \
        "INST_XRY.PRM"


def test_gsas_pbso4_and_geddes_raw():
    p = real("GSAS-II-tutorials/CWCombined/data/PBSO4.XRA")
    with pytest.warns(UserWarning):
        ds = ch.read(p)
    assert ds.sizes["two_theta"] == 6001
    assert float(ds.two_theta[0]) == pytest.approx(10.0)
    assert float(ds.two_theta[-1]) == pytest.approx(160.0)
    assert ds.intensity.values[0] == 179 and ds.intensity.values[-1] == 368
    p = real("geddes/tests/data/gsas_raw/gsas.raw")
    with pytest.warns(UserWarning):
        ds = ch.read(p)
    assert ds.attrs["reader"] == "gsas"
    assert ds.sizes["two_theta"] == 4941
    assert float(ds.two_theta[0]) == pytest.approx(16.0)
    assert float(ds.two_theta[-1]) == pytest.approx(16.0 + 4940 * 0.017)   # 99.98
    assert ds.intensity.values[0] == 1163 and ds.intensity.values[-1] == 1206


def test_gsas_sniff_rejects_bruker_raw():
    p = real("GSAS-II-tutorials/MDtutorials/CWInstDemo/data/LaB6_Jan2018.raw")
    from characterization.io import _source
    from characterization.io.xrd import gsas
    assert not gsas._sniff(_source.head(p), p)


# --------------------------------------------------------------------------- pdCIF
CIF = """data_test
_diffrn_radiation_wavelength 1.5406
_diffrn_radiation_type 'Cu K\\a'
_pd_meas_2theta_range_min 10.0
_pd_meas_2theta_range_max 10.2
_pd_meas_2theta_range_inc 0.1
loop_
_pd_proc_ls_weight
_pd_meas_counts_total
_pd_calc_intensity_total
0.01 100(10) 98.
0.02 225(15) .
0.03 1.5e2(2) 151.
"""


def test_pdcif_synthetic_range_axis_esd_and_calc(tmp_path):
    ds = ch.read(write(tmp_path, "a.cif", CIF))
    np.testing.assert_allclose(ds.two_theta, [10.0, 10.1, 10.2])
    np.testing.assert_allclose(ds.intensity, [100, 225, 150])
    np.testing.assert_allclose(ds.intensity_uncertainty, [10, 15, 20])
    np.testing.assert_allclose(ds.intensity_calc, [98, np.nan, 151])
    np.testing.assert_allclose(ds.weight, [0.01, 0.02, 0.03])
    assert float(ds.wavelength) == 1.5406 and str(ds.radiation.values) == "Cu"


def test_pdcif_two_theta_column_by_name(tmp_path):
    text = ("data_x\n_diffrn_radiation_wavelength 0.5\nloop_\n_pd_proc_intensity_total\n"
            "_pd_proc_2theta_corrected\n_pd_meas_intensity_total\n"
            "1 5.0 10\n2 5.1 20\n3 5.2 30\n")
    ds = ch.read(write(tmp_path, "b.cif", text))
    np.testing.assert_allclose(ds.two_theta, [5.0, 5.1, 5.2])
    np.testing.assert_allclose(ds.intensity, [10, 20, 30])   # meas preferred over proc


def test_pdcif_value_esd():
    assert pdcif._value_esd("1.234(5)") == pytest.approx((1.234, 0.005))
    assert pdcif._value_esd("5540(160)") == (5540, 160)
    assert pdcif._value_esd("1.2e3(4)") == pytest.approx((1200, 400))


def test_pdcif_malformed(tmp_path):
    with pytest.raises(ReadError, match="truncated"):
        ch.read(write(tmp_path, "t.cif", CIF[:-5]))   # last row cut: 8 values in 3 columns
    bad = CIF.replace("_pd_meas_2theta_range_max 10.2", "_pd_meas_2theta_range_max 12")
    with pytest.raises(ReadError, match="disagree"):
        ch.read(write(tmp_path, "r.cif", bad))
    neut = "data_n\n_diffrn_radiation_probe neutron\n" + CIF.split("\n", 3)[3]
    with pytest.raises(ReadError, match="neutron"):
        ch.read(write(tmp_path, "n.cif", neut))
    with pytest.raises(ReadError):
        ch.read(write(tmp_path, "s.cif", "data_s\n_cell_length_a 5\n_pd_x 1\n"))


def test_pdcif_real_neutron():
    p = real("xylib/samples/1517474.cif")
    ds = ch.read(p)
    assert ds.attrs["reader"] == "pdcif"
    assert str(ds.radiation.values) == "neutron" and float(ds.wavelength) == 2.0785
    assert ds.sizes["two_theta"] == 3296
    assert float(ds.two_theta[0]) == pytest.approx(1.5)
    assert float(ds.two_theta[-1]) == pytest.approx(166.25)
    assert float(ds.intensity[0]) == 5540 and float(ds.intensity_uncertainty[0]) == 160
    assert int(np.isnan(ds.intensity_calc).sum()) == 333
    assert float(ds.background_calc[0]) == 833


# --------------------------------------------------------------------------- xy text
def test_eva_xy_real():
    p = real("datalab/pydatalab/example_data/XRD/example_evadiffract.xy")
    ds = ch.read(p)   # no technique= needed: the header sniff identifies it
    assert ds.attrs["reader"] == "eva_xy"
    assert ds.sizes["two_theta"] == 28
    assert float(ds.two_theta[0]) == 5.0001 and float(ds.intensity[0]) == 4.852
    assert float(ds.two_theta[-1]) == 5.2743
    assert str(ds.radiation.values) == "Cu" and float(ds.wavelength) == 1.540598
    assert json.loads(ds.attrs["original_metadata"])["Operator"] == "Emmy Noether"


def test_eva_sniff_exclusive(tmp_path):
    from characterization.io.xrd import eva_xy
    assert not eva_xy._sniff(b"theta,intensity\n5,1\n", tmp_path / "a.xy")
    assert eva_xy._sniff(b"'Id: \"\" Anode: \"Co\"\n5 1\n", tmp_path / "a.xy")
    p = write(tmp_path, "co.xy", "'Id: \"\" Anode: \"Co\" Scantype: \"x\"\n10 1\n10.1 2\n")
    assert float(ch.read(p).wavelength) == 1.788965


def test_generic_reader_on_xrd_text():
    # theta,intensity header and Dioptas '#' header: xrd inferred from the header
    ds = ch.read(real("datalab/pydatalab/example_data/XRD/example_ocx.xy"))
    assert ds.attrs["technique"] == "xrd" and ds.sizes["two_theta"] == 1876
    assert float(ds.two_theta[0]) == 5.0 and float(ds.two_theta[-1]) == 80.0
    assert float(ds.intensity[0]) == 2.732
    ds = ch.read(real("Dioptas/dioptas/tests/data/CeO2_Pilatus1M.xy"))
    assert ds.attrs["technique"] == "xrd" and ds.sizes["two_theta"] == 1512
    # headerless numeric columns: technique="xrd" needed
    ds = ch.read(real("fityk/samples/nacl01.dat"), technique="xrd")
    assert ds.sizes["two_theta"] == 840
    assert float(ds.two_theta[0]) == 19.9143 and float(ds.two_theta[-1]) == 52.3751
    assert float(ds.intensity[0]) == 31
    ds = ch.read(real("xrayutilities/examples/data/LaB6_d500_si_psd.xye.bz2"), technique="xrd")
    assert ds.sizes["two_theta"] == 17381
    assert float(ds.two_theta[0]) == 4.57208 and float(ds.two_theta[-1]) == 150.5783
    assert float(ds.intensity[0]) == pytest.approx(950.18403)
    assert float(ds.intensity_uncertainty[0]) == pytest.approx(548.589)


# --------------------------------------------------------------------------- XRD recognised
@pytest.mark.parametrize("rel, n", [("fityk/samples/nacl01.dat", 840),
                                    ("fityk/samples/SiC_Zn.dat", 4001),
                                    ("xrayutilities/examples/data/LaB6_d500_si_psd.xye.bz2",
                                     17381)])
def test_headerless_2theta_scan_read_as_xrd_with_a_warning(rel, n):
    p = real(rel)
    with pytest.warns(UserWarning, match="read as XRD without a header") as record:
        ds = ch.read(p)
    assert any("assuming Cu" in str(w.message) for w in record)     # the usual wavelength rule
    assert ds.attrs["technique"] == "xrd" and ds.sizes["two_theta"] == n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ch.read(p, technique="xrd")
    np.testing.assert_array_equal(ds.two_theta.values, ref.two_theta.values)
    np.testing.assert_array_equal(ds.intensity.values, ref.intensity.values)


RAMAN = DATA.parent / "raman"


@pytest.mark.parametrize("rel", ["raman-fitting/Si_spectrum01.txt",
                                 "raman-fitting/testDW38C_pos2.txt",
                                 "ramanchada2/datasets2/TOP_Ho633/Si_HLR633_Z010_100_40sx5.txt",
                                 "ramanchada2/experimental/Horiba/PST10_iR785_OP01_8000msx8.txt",
                                 "datalab/raman_example.txt"])
def test_raman_text_never_taken_for_xrd(rel):
    p = RAMAN / rel
    if not p.is_file():
        pytest.skip(f"{p} not present")
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no "read as XRD" warning either
        ds = ch.read(p)
    assert ds.attrs["technique"] != "xrd"


def _scan(start=10.0, step=0.02, n=200):
    x = start + step * np.arange(n)
    return x, 100 + 50 * np.exp(-0.5 * ((x - x.mean()) / 0.1) ** 2)


def _rows(x, y, fmt="{:.4f} {:.1f}\n"):
    return "".join(fmt.format(a, b) for a, b in zip(x, y))


@pytest.mark.parametrize("header, wavelength, radiation", [
    ("Wavelength: 1.5406\n", 1.5406, "unknown"),
    ("# lambda = 0.7093 A\n", 0.7093, "unknown"),
    ("# Wavelength: 4.066e-11 m\n", 0.4066, "unknown"),
    ("Anode: Co\n", 1.788965, "Co"),
    ("Radiation = MoKa1\n", 0.7093, "Mo"),
    ("Start 2Theta: 10\n", 1.540598, "Cu"),
])
def test_xray_header_lines_make_xrd(tmp_path, header, wavelength, radiation):
    x, y = _scan(n=20)                         # too short for the axis rule: the header decides
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = ch.read(write(tmp_path, "s.txt", header + _rows(x, y)))
    assert ds.attrs["technique"] == "xrd"
    assert float(ds.wavelength) == pytest.approx(wavelength, abs=1e-4)
    assert str(ds.radiation.values) == radiation
    np.testing.assert_allclose(ds.two_theta.values, np.round(x, 4))


def test_highscore_2theta_column_header(tmp_path):
    x, y = _scan(n=20)
    text = "Pos. [°2Th.],Iobs [cts]\n" + _rows(x, y, "{:.4f},{:.1f}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = ch.read(write(tmp_path, "hs.csv", text))
    assert ds.attrs["technique"] == "xrd" and ds.sizes["two_theta"] == 20


@pytest.mark.parametrize("x, y, why", [
    (np.linspace(100, 3000, 400), np.ones(400), "Raman range"),
    (10 + 0.5 * np.arange(200), np.ones(200), "step too coarse for 2θ"),
    (10 + 0.02 * np.arange(200) + 1e-5 * np.arange(200) ** 2, np.ones(200),
     "varying step (CCD polynomial)"),
    (10 + 0.02 * np.arange(200), -np.ones(200), "negative counts"),
    (10 + 0.02 * np.arange(200)[::-1], np.ones(200), "descending"),
    (10 + 0.02 * np.arange(30), np.ones(30), "too few points"),
    (10 + 0.02 * np.arange(300), np.ones(300), "span 6 < 10"),
])
def test_axis_rule_needs_a_2theta_like_axis(tmp_path, x, y, why):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(write(tmp_path, "a.txt", _rows(x, y)))
    assert ds.attrs["technique"] == "spectrum", why


def test_named_non_angle_axis_is_not_xrd(tmp_path):
    x, y = _scan(n=600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = ch.read(write(tmp_path, "e.csv", "Energy (eV),Counts\n"
                           + _rows(x, y, "{:.4f},{:.1f}\n")))
    assert ds.attrs["technique"] == "spectrum"
