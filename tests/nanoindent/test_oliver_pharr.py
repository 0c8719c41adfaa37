"""Oliver–Pharr: exact synthetic ground truth, failure paths, real NanoSuite vendor values."""

from __future__ import annotations

import json

import numpy as np
import pytest

from characterization.errors import AnalysisError
from characterization.nanoindent import oliver_pharr
from characterization.nanoindent.area import area_function, polynomial_area
from characterization.synthetic import indentation_curves
from conftest import shared_data


def _truth(ds, key):
    return np.asarray(ds.attrs["ground_truth"][key], float)


def _unmarked(ds):
    return ds.drop_vars(["segment", "cycle"])


@pytest.mark.parametrize("tip, options, extra", [
    ("berkovich", {}, {}),
    ("sphere", {"hardness": 4.0, "modulus": 150.0, "max_load": 5.0}, {"tip_radius": 5000.0}),
    ("flat_punch", {"max_depth": 500.0, "modulus": 100.0}, {"punch_diameter": 100_000.0}),
])
def test_noiseless_exact_without_markers(tip, options, extra):
    # without segment labels the branch starts at the end of the hold: the generator's P_max
    ds = indentation_curves(2, tip=tip, seed=1, **options)
    op = oliver_pharr(_unmarked(ds), tip=tip, **extra)
    assert op.success.all()
    for ours, key in [("hardness", "hardness"), ("modulus", "modulus"),
                      ("stiffness", "stiffness"), ("contact_depth", "contact_depth"),
                      ("unloading_exponent", "unloading_exponent"),
                      ("final_depth", "final_depth"), ("max_load", "max_load")]:
        np.testing.assert_allclose(op[ours].values, _truth(ds, key), rtol=1e-6, err_msg=ours)
    stiffness_units = op.stiffness.attrs["units"]
    assert stiffness_units == "N/m"


def test_with_markers_starts_at_first_unloading_point():
    ds = indentation_curves(2, seed=1)
    op = oliver_pharr(ds)
    first = (ds.segment == "unloading").argmax("point")
    np.testing.assert_allclose(op.max_load.values, ds["load"].isel(point=first).values)
    # one sample below the peak: within 0.5 % of the truth
    np.testing.assert_allclose(op.hardness.values, 9.0, rtol=5e-3)
    np.testing.assert_allclose(op.modulus.values, 72.0, rtol=5e-3)


def test_noisy_drifting_batch_within_two_percent():
    ds = indentation_curves(6, seed=3, noise_load=0.01, noise_displacement=0.2,
                            drift_hold_time=5.0, popin_load=[np.nan, 20.0, np.nan, np.nan,
                                                             30.0, np.nan],
                            variation=0.05)
    op = oliver_pharr(ds)
    assert op.success.all()
    np.testing.assert_allclose(op.hardness.values, _truth(ds, "hardness"), rtol=0.02)
    np.testing.assert_allclose(op.modulus.values, _truth(ds, "modulus"), rtol=0.02)
    np.testing.assert_allclose(op.stiffness.values, _truth(ds, "stiffness"), rtol=0.02)
    assert (op.unloading_r2 > 0.999).all()
    # the drift hold at 10 % ends the branch: the window stays within 50-100 % of P_max
    assert (op.window_load_min >= 0.5 * op.max_load - 1e-9).all()


def test_reduced_modulus_definition():
    ds = indentation_curves(1, seed=0)
    op = oliver_pharr(ds, beta=1.0)
    s = op.stiffness.values * 1.0
    a = op.contact_area.values * 1e-18
    np.testing.assert_allclose(op.reduced_modulus.values,
                               np.sqrt(np.pi) / 2 * s / np.sqrt(a) * 1e-9, rtol=1e-12)
    params = json.loads(op.attrs["parameters"])
    assert params["beta"] == 1.0 and params["epsilon"] == 0.75
    assert params["area_function"].startswith("polynomial")  # the generator's [24.5]


def test_area_choice_recorded_and_applied():
    ds = indentation_curves(1, seed=0)
    ds.attrs["area_coefficients"] = [24.5, 500.0]
    calibrated = oliver_pharr(ds)
    ideal = oliver_pharr(ds, area="ideal")
    h_c = calibrated.contact_depth.values
    np.testing.assert_allclose(calibrated.contact_area.values, 24.5 * h_c ** 2 + 500.0 * h_c)
    assert json.loads(ideal.attrs["parameters"])["area_function"] == "ideal"
    assert (calibrated.hardness < ideal.hardness).all()
    with pytest.raises(AnalysisError, match="area"):
        oliver_pharr(ds, area="conical")


def test_area_functions():
    assert float(area_function(100.0)) == pytest.approx(245_000.0)
    assert float(area_function(100.0, "cone")) == pytest.approx(24.5 * 1e4, rel=5e-3)
    assert float(area_function(100.0, "sphere", tip_radius=1000.0)) == \
        pytest.approx(np.pi * (2e5 - 1e4))
    assert float(area_function(7.0, "flat_punch", punch_diameter=2.0)) == pytest.approx(np.pi)
    # vendor convention: C0 h^2 + C1 h + C2 h^(1/2) + C3 h^(1/4)
    np.testing.assert_allclose(polynomial_area(16.0, [1.0, 2.0, 3.0, 4.0]),
                               256 + 32 + 12 + 8)
    assert np.isnan(polynomial_area(-1.0, [24.5]))
    with pytest.raises(ValueError, match="tip_radius"):
        area_function(1.0, "sphere")


def test_failures_are_nan_with_reason():
    ds = indentation_curves(3, seed=0)
    load = ds["load"].values.copy()
    load[1] = np.nan                          # an empty (all-padding) test
    ds["load"] = (ds["load"].dims, load, ds["load"].attrs)
    op = oliver_pharr(ds, unloading_range=(0.995, 1.0))  # window too narrow everywhere
    assert not op.success.any()
    assert np.isnan(op.hardness).all() and np.isnan(op.modulus).all()
    assert op.reason.values[1] == "no valid points"
    assert "fewer than 4" in op.reason.values[0]
    good = oliver_pharr(ds)
    assert bool(good.success[0]) and not bool(good.success[1])


def test_missing_poisson_ratio_gives_nan_modulus_not_a_guess():
    ds = indentation_curves(1, seed=0).drop_vars("sample_poisson_ratio")
    op = oliver_pharr(ds)
    assert np.isnan(op.modulus).all() and np.isfinite(op.reduced_modulus).all()
    assert "sample_poisson_ratio" in op.reason.values[0]
    given = oliver_pharr(ds, sample_poisson_ratio=0.17)
    np.testing.assert_allclose(given.modulus.values, 72.0, rtol=5e-3)


def test_bad_arguments():
    ds = indentation_curves(1, seed=0)
    with pytest.raises(AnalysisError, match="unloading_range"):
        oliver_pharr(ds, unloading_range=(0.5, 1.5))
    with pytest.raises(AnalysisError, match="punch_diameter"):
        oliver_pharr(ds, tip="flat_punch")
    with pytest.raises(ValueError, match="unknown tip"):
        oliver_pharr(ds, tip="vickers_pyramid")
    with pytest.raises(AnalysisError, match="cycle"):
        oliver_pharr(ds.drop_vars("cycle"), cycle=2)


def test_fq_cycles_reproduce_vendor_stiffness_load_and_depth():
    """KLA NanoSuite FQ.xls (fused quartz, 10 tests x 5 cycles): vendor S, P, h per cycle."""
    io = pytest.importorskip("characterization.io")
    path = shared_data("nanoindent") / "micromechanics/examples/Agilent/FQ.xls"
    ds = io.read(path)
    for k in range(1, 6):
        op = oliver_pharr(ds, cycle=k, beta=1.0)
        vendor = ds.sel(vendor_cycle=k)
        assert op.success.all()
        np.testing.assert_allclose(op.stiffness.values, vendor.vendor_cycle_stiffness.values,
                                   rtol=5e-3)
        np.testing.assert_allclose(op.max_load.values, vendor.vendor_cycle_load.values,
                                   rtol=1e-3)
        np.testing.assert_allclose(op.max_depth.values,
                                   vendor.vendor_cycle_displacement.values, rtol=1e-3)
        # modulus with the vendor's contact area A = P / H_vendor (the tip calibration of the
        # file is not exported): within 1 % of the vendor's E
        area = op.max_load.values / vendor.vendor_cycle_hardness.values * 1e6   # nm²
        e_r = np.sqrt(np.pi) / 2 * op.stiffness.values / np.sqrt(area * 1e-18) * 1e-9
        e = (1 - 0.18 ** 2) / (1 / e_r - (1 - 0.07 ** 2) / 1141.0)
        np.testing.assert_allclose(e, vendor.vendor_cycle_modulus.values, rtol=0.01)


def test_final_depth_at_bound_is_flagged():
    """A window down to zero load holds the point P = 0 at h = h_f: the best h_f is the
    window's smallest depth, where the constraint h_f < min h stops it. NaN, not a number."""
    from characterization.nanoindent._unloading import REASONS, unloading_kernel

    h = np.r_[np.linspace(0, 100, 50), np.linspace(100, 60, 40)]
    p = np.r_[np.linspace(0, 10, 50), 10 * ((np.linspace(100, 60, 40) - 60) / 40) ** 1.5]
    out = unloading_kernel(p[None], h[None], np.zeros((1, h.size), bool), lo=0.0, hi=1.0)
    status = int(out[-1][0])
    assert status == 7, REASONS[status]
    assert np.isnan(out[2][0])
