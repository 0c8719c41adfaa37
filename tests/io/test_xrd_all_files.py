"""Every XRD pattern file in ../shared/data/xrd reads through characterization.read, with the
reader expected for its format (issue #3 validation: "every pattern file reads")."""

from __future__ import annotations

import warnings

import pytest

import characterization as ch

from conftest import shared_data

# (path relative to shared/data/xrd, reader, technique to pass or None, number of ranges)
PATTERNS = [
    ("Dioptas/dioptas/tests/data/CeO2_Pilatus1M.xy", "delimited", None, 1),
    ("GSAS-II-tutorials/CWCombined/data/PBSO4.XRA", "gsas", None, 1),
    ("GSAS-II-tutorials/LabData/data/FAP.XRA", "gsas", None, 1),
    ("GSAS-II-tutorials/MDtutorials/CWInstDemo/data/LaB6_Jan2018.raw", "bruker_raw", None, 1),
    ("GSAS-II-tutorials/MDtutorials/CWInstDemo/data/NIST660CBI.gsas", "gsas", None, 1),
    ("GSAS-II-tutorials/StackingFaults-II/data/Keokuk kaolinite.RAW", "bruker_raw", None, 2),
    ("GSAS-II-tutorials/StackingFaults-III/data/KGA1-CONT.RAW", "bruker_raw", None, 1),
    ("datalab/pydatalab/example_data/XRD/CG20396_jdb12-1.xrdml", "xrdml", None, 1),
    ("datalab/pydatalab/example_data/XRD/HL1-2_5-90_60min.xrdml", "xrdml", None, 1),
    ("datalab/pydatalab/example_data/XRD/JO_KL_16_ZF_3_60deg_0.02step_12degpermin_001.rasx",
     "rigaku_rasx", None, 1),
    ("datalab/pydatalab/example_data/XRD/Scan_C1.xrdml", "xrdml", None, 1),
    ("datalab/pydatalab/example_data/XRD/TiO2.raw", "bruker_raw", None, 1),
    ("datalab/pydatalab/example_data/XRD/TiOF.brml", "brml", None, 1),
    ("datalab/pydatalab/example_data/XRD/example_evadiffract.xy", "eva_xy", None, 1),
    ("datalab/pydatalab/example_data/XRD/example_ocx.xy", "delimited", None, 1),
    ("fityk/samples/nacl01.dat", "delimited", "xrd", 1),
    ("geddes/tests/data/bruker_raw/bruker4_diffrac_eva.raw", "bruker_raw", None, 1),
    ("geddes/tests/data/bruker_raw/bruker4_v5converter.raw", "bruker_raw", None, 1),
    ("geddes/tests/data/gsas_raw/gsas.raw", "gsas", None, 1),
    ("geddes/tests/data/rasx/sample.rasx", "rigaku_rasx", None, 1),
    ("readers-xrd/tests/data/23-012-AG_2thomegascan_long.brml", "brml", None, 1),
    ("readers-xrd/tests/data/TwoTheta_scan_powder.rasx", "rigaku_rasx", None, 1),
    ("readers-xrd/tests/data/XRD-918-16_10.xrdml", "xrdml", None, 1),
    ("xrayutilities/examples/data/LaB6_d500_si_psd.xye.bz2", "delimited", "xrd", 1),
    ("xrayutilities/examples/data/inas_layer_radial_002_004.ras.bz2", "rigaku_ras", None, 2),
    ("xylib/samples/1517474.cif", "pdcif", None, 1),
    ("xylib/samples/BT86.raw", "bruker_raw", None, 1),
    ("xylib/samples/BT86_.UXD", "uxd", None, 1),
    ("xylib/samples/Cu3Au-1.raw", "bruker_raw", None, 1),
    ("xylib/samples/empyrean.xrdml", "xrdml", None, 1),
    ("xylib/samples/format1.raw", "bruker_raw", None, 3),
]


@pytest.mark.parametrize("rel, reader, technique, n_ranges", PATTERNS,
                         ids=[p[0].split("/")[-1] for p in PATTERNS])
def test_every_pattern_file_reads(rel, reader, technique, n_ranges):
    path = shared_data("xrd") / rel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = ch.read(path, technique=technique)
    assert ds.attrs["reader"] == reader
    assert ds.attrs["technique"] == "xrd"
    assert ds.sizes.get("range", 1) == n_ranges
    assert ds["two_theta"].attrs["units"] == "deg" and "wavelength" in ds.coords
    assert int(ds["intensity"].notnull().sum()) > 20


def test_raw_and_uxd_twins_agree():
    folder = shared_data("xrd") / "xylib" / "samples"
    raw, uxd = ch.read(folder / "BT86.raw"), ch.read(folder / "BT86_.UXD")
    assert (raw.intensity.values == uxd.intensity.values).all()
    assert abs(raw.two_theta.values - uxd.two_theta.values).max() < 5e-4
    assert float(raw.wavelength) == float(uxd.wavelength) == pytest.approx(1.5406)


def test_text_export_wavelength_from_header_or_default():
    folder = shared_data("xrd")
    ds = ch.read(folder / "Dioptas/dioptas/tests/data/CeO2_Pilatus1M.xy")
    assert float(ds.wavelength) == pytest.approx(0.4066, rel=1e-6)  # the .poni's λ (MANIFEST)
    assert ds.wavelength.attrs["source"] == "file"
    with pytest.warns(UserWarning, match="no wavelength in the file; assuming Cu"):
        nacl = ch.read(folder / "fityk/samples/nacl01.dat", technique="xrd")
    assert float(nacl.wavelength) == pytest.approx(1.540598)
    assert "default" in nacl.wavelength.attrs["source"]
