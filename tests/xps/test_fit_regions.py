"""fit_regions: joint fit of several regions with parameters tied across them (issue #12).

Known answers on synthetic regions that share a charge shift, equality with separate fits when
nothing is tied, and the same checks on the real PHI depth profile (MANIFEST §1)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import characterization as ch
from characterization.errors import AnalysisError
from characterization.fit import Param, Peak, Tie
from characterization.synthetic.xps import si2p_spectra
from characterization.xps import doublet, stack_regions
from conftest import shared_data

SI4, O1S = 103.5, 532.9
N = 24
SHIFT = np.random.default_rng(7).uniform(-0.4, 0.4, N)      # one charge shift per spectrum


def _regions(peak_counts=(4e3, 2e4), seed=0):
    si = si2p_spectra(N, fractions=[1.0], shifts=[0.0], fwhm=[1.6], e0=SI4, charge_shift=SHIFT,
                      peak_counts=peak_counts[0], energy=(97.0, 112.0, 0.1), seed=seed)
    o = si2p_spectra(N, fractions=[1.0], shifts=[0.0], fwhm=[1.4], e0=O1S, splitting=0.0,
                     ratio=0.0, charge_shift=SHIFT, peak_counts=peak_counts[1],
                     energy=(526.0, 540.0, 0.1), seed=seed + 1)
    for ds in (si, o):
        ds.attrs.pop("ground_truth")
    return {"Si_2p": si, "O_1s": o}


def _model():
    fw = {"m": Param(30.0, vary=False)}
    return {"Si_2p": doublet("Si4", splitting=0.61, ratio=0.5, center=103.4,
                             fwhm=Param(1.2, min=0.5, max=3.0), **fw),
            "O_1s": [Peak("O", "gl", center=532.8, fwhm=Param(1.2, min=0.5, max=3.0), **fw)]}


SHARED = {"O_1s/O.center": Tie("Si_2p/Si4.center", offset=O1S - SI4)}


def test_shared_charge_shift_is_recovered_with_the_joint_error():
    regions = _regions()
    res = ch.xps.fit_regions(regions, _model(), ties=SHARED)
    assert bool(res.success.all()) and bool(res.region_success.all())
    si_c = res.center.sel(peak="Si_2p/Si4")
    np.testing.assert_allclose(res.center.sel(peak="O_1s/O") - si_c, O1S - SI4, atol=1e-9)
    shift = si_c - SI4
    err = res.center_stderr.sel(peak="Si_2p/Si4")
    z = (shift.values - SHIFT) / err.values
    assert np.all(np.abs(z) < 4.0)
    assert 0.5 < np.std(z) < 1.6                          # errors are calibrated
    # the weak Si 2p alone knows the shift less well than the joint fit with the strong O 1s
    alone = ch.xps.fit_region(regions["Si_2p"], _model()["Si_2p"], background="shirley",
                              n_average=3)
    ratio = err / alone.center_stderr.sel(peak="Si4")
    assert float(ratio.median()) < 0.6
    # a subtracted Shirley from noisy end points leaves chi2/dof ~ 1.3 (docs/xps.md)
    med = res.region_redchi.median("sample")
    assert bool(((med > 0.8) & (med < 1.6)).all())
    assert res.region_redchi.dims == ("sample", "region")


def test_without_ties_the_joint_fit_is_the_separate_fits():
    regions = _regions(seed=3)
    res = ch.xps.fit_regions(regions, _model())
    for region, name in (("Si_2p", "Si4"), ("O_1s", "O")):
        alone = ch.xps.fit_region(regions[region], _model()[region], background="shirley",
                                  n_average=3)
        for v in ("center", "area", "fwhm"):
            np.testing.assert_allclose(res[v].sel(peak=f"{region}/{name}").values,
                                       alone[v].sel(peak=name).values, rtol=1e-4, err_msg=v)
            # ... to within the solver's tolerance: far below the statistical error
            diff = np.abs(res[v].sel(peak=f"{region}/{name}") - alone[v].sel(peak=name))
            assert bool((diff < 0.01 * alone[f"{v}_stderr"].sel(peak=name)).all())
        np.testing.assert_allclose(res.region_chisqr.sel(region=region).values,
                                   alone.chisqr.values, rtol=1e-4)
        got = res.best_fit.sel(region=region).dropna("binding_energy", how="all")
        np.testing.assert_allclose(got.values, alone.best_fit.values, rtol=1e-4)
    # a component is NaN off its region (no leakage onto the other's points)
    assert bool(res.components.sel(component="O_1s/O", binding_energy=slice(112, 97)).isnull().all())


def test_same_width_and_area_ratio_across_regions():
    regions = _regions(seed=5)
    ties = {"O_1s/O.fwhm": "Si_2p/Si4.fwhm",
            "O_1s/O.amplitude": Tie("Si_2p/Si4.amplitude", scale=2.0)}
    res = ch.xps.fit_regions(regions, _model(), ties=ties)
    np.testing.assert_allclose(res.fwhm.sel(peak="O_1s/O"), res.fwhm.sel(peak="Si_2p/Si4"),
                               rtol=1e-9)
    np.testing.assert_allclose(res.area.sel(peak="O_1s/O"), 2 * res.area.sel(peak="Si_2p/Si4"),
                               rtol=1e-9)
    assert "O_1s/O.fwhm" in res.param.values.tolist()


def test_tree_and_stacked_input_agree():
    regions = _regions(seed=2)
    tree = xr.DataTree.from_dict(regions)
    a = ch.xps.fit_regions(tree, _model(), ties=SHARED)
    b = ch.xps.fit_regions(stack_regions(tree), _model(), ties=SHARED)
    np.testing.assert_array_equal(a.value.values, b.value.values)


def test_bad_requests_raise():
    regions = _regions()
    with pytest.raises(AnalysisError, match="no region"):
        ch.xps.fit_regions(regions, {"N_1s": []})
    with pytest.raises(AnalysisError, match="outside its region"):
        ch.xps.fit_regions(regions, {"O_1s": [Peak("O", "gl", center=103.0)]})
    with pytest.raises(AnalysisError, match="no peak"):
        ch.xps.fit_regions(regions, _model(), ties={"O_1s/X.center": "Si_2p/Si4.center"})
    with pytest.raises(AnalysisError, match="background"):
        ch.xps.fit_regions(regions, _model(), background="active")


@pytest.fixture(scope="module")
def phi():
    tree = ch.read(shared_data("xps") / "pynxtools-xps" / "SnO2_10nm_1.pro")
    late = {n: tree[n].to_dataset().isel(sputter_time=slice(-4, None))
            for n in ("C_1s", "Si_2p")}
    model = {"C_1s": [Peak("C", "gl", center=286.5, fwhm=Param(1.5, min=0.5, max=3.5),
                           m=Param(30.0, vary=False))],
             "Si_2p": doublet("Si4", splitting=0.61, ratio=0.5, center=105.0,
                              fwhm=Param(1.6, min=0.5, max=3.0), m=Param(30.0, vary=False))}
    rng = {"C_1s": (280.0, 292.0), "Si_2p": (98.0, 110.0)}
    return late, model, rng


def test_real_profile_two_regions_sharing_the_charge_reference(phi):
    """PHI SnO2_10nm_1.pro (MANIFEST §1), the last 4 cycles: C 1s and Si 2p of one spectrum
    share the charge reference. Untied, the joint fit is the two separate fits; with the
    C 1s - Si 2p distance tied (the shift that references one references the other), the
    distance holds exactly and every spectrum converges."""
    late, model, rng = phi
    tight = {"ftol": 1e-12, "xtol": 1e-12}
    free = ch.xps.fit_regions(late, model, range=rng, weights=None, fit_kwargs=tight)
    for region, name in (("C_1s", "C"), ("Si_2p", "Si4")):
        alone = ch.xps.fit_region(late[region], model[region], background="shirley",
                                  range=rng[region], weights=None, n_average=3, fit_kwargs=tight)
        assert bool(alone.success.all())
        for v in ("center", "area", "fwhm"):          # same optimum, to the solver tolerance
            diff = np.abs(free[v].sel(peak=f"{region}/{name}") - alone[v].sel(peak=name))
            assert bool((diff < 1e-3 * alone[f"{v}_stderr"].sel(peak=name)).all()), v
    dist = float((free.center.sel(peak="C_1s/C") - free.center.sel(peak="Si_2p/Si4")).mean())
    tied = ch.xps.fit_regions(late, model, range=rng, weights=None,
                              ties={"Si_2p/Si4.center": Tie("C_1s/C.center", offset=-dist)})
    assert bool(tied.success.all())
    np.testing.assert_allclose(tied.center.sel(peak="C_1s/C") - tied.center.sel(peak="Si_2p/Si4"),
                               dist, atol=1e-9)
    assert tied.sputter_time.values.tolist() == [510.0, 540.0, 570.0, 600.0]


def test_a_spectrum_missing_a_region_fails_alone():
    regions = _regions(seed=4)
    o = regions["O_1s"].copy(deep=True)
    o["intensity"][0] = np.nan
    o["counts"][0] = np.nan
    regions["O_1s"] = o
    res = ch.xps.fit_regions(regions, _model(), ties=SHARED)
    assert not bool(res.success[0]) and bool(np.isnan(res.center[0]).all())
    assert not bool(res.region_success[0].any())
    assert bool(res.success[1:].all())
