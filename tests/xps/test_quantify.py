"""xps.quantify: known-answer tests on synthetic surveys, error calibration, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.synthetic.xps_survey import survey
from characterization.xps import quantify
from characterization.xps import _imfp
from characterization.xps.quantify import sensitivity_factors

LINES = ["C 1s", "O 1s", "Si 2p"]


def test_noise_free_survey_gives_the_composition():
    ds = survey({"C": 60.0, "O": 30.0, "Si": 10.0}, n_samples=2, dwell_time=1e7, seed=0)
    res = quantify(ds, peaks=LINES)
    np.testing.assert_allclose(res["atomic_percent"].values, [[60, 30, 10]] * 2, atol=0.01)
    assert res["success"].all() and res["detected"].all()
    gt = np.array([ds.attrs["ground_truth"]["area"][k] for k in LINES]).T
    np.testing.assert_allclose(res["area"].values, gt, rtol=2e-4)


@pytest.mark.parametrize("step", [0.25, 1.0])
def test_end_point_average_spans_one_ev_whatever_the_step(step):
    # a fixed number of end points at 1 eV steps would reach into Si 2p (range starts 7 eV
    # below the line) and bias Si by ~2 at.%
    ds = survey({"O": 40.0, "Si": 40.0, "C": 20.0}, n_samples=1, step=step, dwell_time=1e7)
    res = quantify(ds, peaks=["O 1s", "Si 2p", "C 1s"])
    np.testing.assert_allclose(res["atomic_percent"].values, [[40, 40, 20]], atol=0.01)
    assert f'"n_average": {int(1 / step)}' in res.attrs["parameters"]


def test_battery_survey_with_transition_metals_and_fluorine():
    comp = {"C": 35.0, "O": 30.0, "F": 15.0, "Ni": 8.0, "Co": 4.0, "Mn": 3.0, "P": 5.0}
    ds = survey(comp, n_samples=3, dwell_time=1.0, seed=2)
    res = quantify(ds, peaks=["C 1s", "O 1s", "F 1s", "Ni 2p", "Co 2p", "Mn 2p", "P 2p"])
    truth = np.array(list(comp.values()))
    # stated tolerance: within 1 at.% absolute and within 4 standard errors
    assert np.all(np.abs(res["atomic_percent"].values - truth) < 1.0)
    z = (res["atomic_percent"].values - truth) / res["atomic_percent_stderr"].values
    assert np.all(np.abs(z) < 4)
    np.testing.assert_allclose(res["atomic_percent"].sum("peak"), 100.0)


def test_standard_errors_are_calibrated_on_400_spectra():
    ds = survey({"C": 60.0, "O": 30.0, "Si": 10.0}, n_samples=400, seed=1)
    res = quantify(ds, peaks=LINES)
    z = (res["atomic_percent"] - xr.DataArray([60.0, 30.0, 10.0], dims="peak")) \
        / res["atomic_percent_stderr"]
    assert np.all(np.abs(z.mean("sample").values) < 0.2)
    spread = z.std("sample").values
    assert np.all((spread > 0.85) & (spread < 1.25)), spread


def test_noise_scale_from_dwell_or_scatter_agrees_with_counts():
    ds = survey({"C": 60.0, "O": 30.0, "Si": 10.0}, n_samples=20, seed=3)
    exact = quantify(ds, peaks=LINES)
    dwell = quantify(ds.drop_vars("counts"), peaks=LINES)
    scatter = quantify(ds.drop_vars(["counts", "dwell_time"]), peaks=LINES)
    assert "counts" in exact.attrs["uncertainty"] and "dwell" in dwell.attrs["uncertainty"]
    assert "scatter" in scatter.attrs["uncertainty"]
    ratio_dwell = dwell["atomic_percent_stderr"] / exact["atomic_percent_stderr"]
    ratio_scatter = scatter["atomic_percent_stderr"] / exact["atomic_percent_stderr"]
    np.testing.assert_allclose(ratio_dwell, 1.0, rtol=1e-6)
    assert 0.8 < float(ratio_scatter.median()) < 1.25


def test_depth_profile_per_site_and_sputter_time():
    times = np.arange(0, 600, 120.0)
    oxygen = np.linspace(40, 10, times.size)
    sites = []
    for s in range(3):
        one = survey({"O": oxygen, "Si": 100 - oxygen - 20, "C": np.full(times.size, 20.0)},
                     dim="sputter_time", coord=times, be_range=(50, 600), seed=10 + s)
        sites.append(one)
    ds = xr.concat(sites, dim="site").assign_coords(site=("site", [1, 2, 3]))
    res = quantify(ds, peaks=["O 1s", "Si 2p", "C 1s"])
    assert res["atomic_percent"].dims == ("site", "sputter_time", "peak")
    o = res["atomic_percent"].sel(peak="O 1s")
    err = np.sqrt((res["atomic_percent_stderr"].sel(peak="O 1s") ** 2).mean("site") / 3)
    assert np.all(np.abs(o.mean("site").values - oxygen) < 4 * err.values)
    np.testing.assert_allclose(o.mean("site").values, oxygen, atol=1.0)
    assert res["sputter_time"].attrs["units"] == "s"


def test_absent_element_is_not_detected_and_left_out():
    ds = survey({"C": 70.0, "O": 30.0}, n_samples=2, seed=5)
    res = quantify(ds, peaks=["C 1s", "O 1s", "F 1s"])
    assert not res["detected"].sel(peak="F 1s").any()
    assert res["atomic_percent"].sel(peak="F 1s").isnull().all()
    np.testing.assert_allclose(res["atomic_percent"].sum("peak"), 100.0)
    np.testing.assert_allclose(res["atomic_percent"].sel(peak="C 1s"), 70.0, atol=1.0)


@pytest.mark.parametrize("fill", [0.0, 1000.0])
def test_flat_spectrum_gives_nan_and_no_success(fill):
    ds = survey({"C": 70.0, "O": 30.0}, n_samples=2, seed=5)
    flat = ds.copy(data={"intensity": np.full(ds["intensity"].shape, fill),
                         "counts": np.full(ds["counts"].shape, fill * 0.2)})
    res = quantify(flat, peaks=["C 1s", "O 1s"])
    assert not res["success"].any()
    assert res["atomic_percent"].isnull().all()
    with pytest.raises(AnalysisError, match="no detected peak"):
        quantify(flat, peaks=["C 1s", "O 1s"], errors="raise")


def test_descending_axis_and_user_ranges_give_the_same_answer():
    ds = survey({"C": 60.0, "O": 30.0, "Si": 10.0}, n_samples=2, seed=6)
    regions = {"C1s": (280, 292), "O 1s": (524, 540), "si 2p": (96, 108)}
    a = quantify(ds, regions=regions)
    b = quantify(ds.isel(binding_energy=slice(None, None, -1)), regions=regions)
    np.testing.assert_allclose(a["atomic_percent"], b["atomic_percent"], rtol=1e-10)
    assert list(a["peak"].values) == ["C 1s", "O 1s", "Si 2p"]


def test_thermo_set_is_scofield_times_ke_to_the_075():
    hv = 1486.6
    scof = sensitivity_factors(LINES, sensitivity="scofield")
    thermo = sensitivity_factors(LINES, sensitivity="thermo")
    ke = hv - np.array([284.8, 531.0, 101.0])
    np.testing.assert_allclose(thermo / scof, (ke / ke[0]) ** 0.75)
    ds = survey({"C": 50.0, "O": 40.0, "Si": 10.0}, n_samples=2, sensitivity="thermo",
                dwell_time=1e7, seed=7)
    res = quantify(ds, peaks=LINES, sensitivity="thermo")
    np.testing.assert_allclose(res["atomic_percent"].values, [[50, 40, 10]] * 2, atol=0.02)
    # the same data quantified with plain Scofield differ by the energy term (O 1s lower KE)
    plain = quantify(ds, peaks=LINES, sensitivity="scofield")
    assert float(plain["atomic_percent"].sel(peak="O 1s")[0]) < 40.0 - 1.0


def test_tabulated_values_transcribed_from_their_sources():
    from characterization.xps import sensitivity as tables

    # Scofield (C 1s = 1) as quoted by independent sources; Wagner (F 1s = 1) from the table
    for line, value in {"O 1s": 2.93, "Si 2p": 0.817, "Cl 2p": 2.285, "Fe 2p": 16.42,
                        "Au 4f": 17.12, "N 1s": 1.80, "Na 1s": 8.52}.items():
        assert tables.SCOFIELD_AL[line] == value
    # KherveFitting library (A-ALWAGNER) for Wagner N 1s and Na 1s
    assert {k: tables.WAGNER[k] for k in tables.WAGNER_CHECKED} == {"N 1s": 0.42, "Na 1s": 2.3}
    assert set(tables.PHI) == {"C 1s", "O 1s", "Sn 3d", "In 3d5/2"}   # no guessed lines
    for line, value in {"Li 1s": 0.02, "C 1s": 0.25, "N 1s": 0.42, "O 1s": 0.66,
                        "Si 2p": 0.27, "S 2p": 0.54, "Cl 2p": 0.73, "K 2p": 1.24}.items():
        assert tables.WAGNER[line] == value
    assert set(tables.CHECKED) <= set(tables.SCOFIELD_AL)
    # every whole-doublet default range holds its tabulated line
    for label, (be, (lo, hi)) in tables.LINES.items():
        assert lo < be < hi, label


def test_user_table_and_wagner_set():
    ds = survey({"C": 60.0, "O": 40.0}, n_samples=1, sensitivity={"C 1s": 0.25, "O 1s": 0.66},
                dwell_time=1e7, seed=8)
    for table in ({"C 1s": 0.25, "O 1s": 0.66}, "wagner"):
        res = quantify(ds, peaks=["C 1s", "O 1s"], sensitivity=table)
        np.testing.assert_allclose(res["atomic_percent"].values, [[60, 40]], atol=0.02)


def test_transmission_and_imfp_corrections_divide_out():
    # data made with factors σ·T·λ (T ∝ KE^-1, TPP-2M λ of SiO2) are recovered only with them
    material = {"valence_electrons": 16, "density": 2.2, "molar_mass": 60.08, "band_gap": 9.0}
    hv = 1486.6
    ke = hv - np.array([531.0, 101.0])
    base = sensitivity_factors(["O 1s", "Si 2p"])
    eff = base * (ke / (hv - 284.8)) ** -1 * _imfp.tpp2m(ke, **material)
    ds = survey({"O": 66.7, "Si": 33.3}, n_samples=1, dwell_time=1e7, seed=9,
                sensitivity={"O 1s": eff[0], "Si 2p": eff[1]})
    res = quantify(ds, peaks=["O 1s", "Si 2p"], transmission=1.0, imfp=material)
    np.testing.assert_allclose(res["atomic_percent"].values, [[66.7, 33.3]], atol=0.02)
    ratio = res["sensitivity_factor"].values[0] / eff
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-10)


def test_tpp2m_values():
    si = dict(valence_electrons=4, density=2.33, molar_mass=28.09, band_gap=1.1)
    lam = _imfp.tpp2m(np.array([500.0, 1000.0, 1386.0]), **si)
    assert np.all(np.diff(lam) > 0)
    # Si 2p electrons in Si with Al Kα: about 3 nm (TPP-2M; e.g. NIST SRD 71 gives ~3.0 nm)
    assert 2.6 < lam[-1] < 3.4
    slope = np.log(lam[2] / lam[1]) / np.log(1386.0 / 1000.0)
    assert 0.65 < slope < 0.9
    with pytest.raises(ValueError, match="density"):
        _imfp.tpp2m(1000.0, valence_electrons=4, density=-1, molar_mass=28.09)


@pytest.mark.parametrize("kwargs, message", [
    ({"peaks": ["C 1s"], "regions": {"C 1s": (280, 292)}}, "exactly one"),
    ({}, "exactly one"),
    ({"regions": {"C 1s": (280, 292), "O 1s": (290, 300)}}, "overlap"),
    ({"regions": {"C 1s": (280, 292), "C 2s": (10, 30)}}, "one line per element"),
    ({"regions": {"C 1s": (280, 2000)}}, "outside the data"),
    ({"peaks": ["Xx 1s"]}, "no default range"),
    ({"peaks": ["C 1s"], "sensitivity": "nist"}, "sensitivity must be"),
    ({"peaks": ["C 1s", "N 1s"], "sensitivity": "phi"}, "no phi sensitivity factor"),
    ({"peaks": ["C 1s"], "sensitivity": "thermo", "imfp": 0.75}, "already includes"),
    ({"peaks": ["C 1s"], "background": "tougaard"}, "background must be"),
    ({"peaks": ["C 1s"], "imfp": {"density": 2.0}}, "imfp material"),
    ({"peaks": ["C 1s"], "transmission": "ke"}, "transmission must be"),
    ({"regions": {"C 1s": (280, 281)}}, "fewer than"),
])
def test_bad_input_is_a_clear_error(kwargs, message):
    ds = survey({"C": 60.0, "O": 40.0}, n_samples=1, be_range=(0, 1100), seed=0)
    with pytest.raises(AnalysisError, match=message):
        quantify(ds, **kwargs)


def test_photon_energy_and_transmission_flag_are_checked():
    ds = survey({"C": 60.0, "O": 40.0}, n_samples=1, excitation_energy=1253.6, seed=0,
                sensitivity={"C 1s": 1.0, "O 1s": 2.8})
    with pytest.raises(AnalysisError, match="Mg Kα are not tabulated"):
        quantify(ds, peaks=["C 1s", "O 1s"])
    with pytest.raises(AnalysisError, match="tabulated at"):
        quantify(ds, peaks=["C 1s", "O 1s"], sensitivity="thermo")
    with pytest.raises(AnalysisError, match="excitation_energy"):
        quantify(ds.drop_vars("excitation_energy"), peaks=["C 1s"])
    flagged = survey({"C": 60.0, "O": 40.0}, n_samples=1, seed=0)
    flagged = flagged.assign_coords(transmission_corrected=True)
    with pytest.raises(AnalysisError, match="transmission-corrected"):
        quantify(flagged, peaks=["C 1s", "O 1s"], transmission=1.0)


def test_input_is_not_modified_and_provenance_recorded():
    ds = survey({"C": 60.0, "O": 40.0}, n_samples=1, seed=0)
    before = ds.copy(deep=True)
    res = quantify(ds, peaks=["C 1s", "O 1s"], sensitivity="thermo")
    xr.testing.assert_identical(ds, before)
    assert res.attrs["function"] == "characterization.xps.quantify"
    assert '"sensitivity_set": "thermo"' in res.attrs["parameters"]
