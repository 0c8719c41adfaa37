"""Tests of characterization.xrd.axes: conversions, wavelength change, 2θ corrections."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.xray_lines import ANODES, CU_KALPHA1
from characterization.xrd import (add_axis_coords, convert_wavelength, correct_two_theta,
                                  d_spacing, displacement_shift, fit_two_theta_correction,
                                  peak_table, q_from_two_theta, two_theta_from_d,
                                  two_theta_from_q)
from characterization.synthetic import kalpha_patterns as _example_pattern

#: Si SRM 640 reflections 111 ... 533 for Cu Kα1 (deg) and the lattice parameter (Å).
SI_A = 5.431179
SI_HKL = [(1, 1, 1), (2, 2, 0), (3, 1, 1), (4, 0, 0), (3, 3, 1), (4, 2, 2), (5, 1, 1),
          (4, 4, 0), (5, 3, 1), (6, 2, 0), (5, 3, 3)]
SI_D = np.array([SI_A / np.sqrt(h * h + k * k + l * l) for h, k, l in SI_HKL])
SI_REF = two_theta_from_d(SI_D, CU_KALPHA1)
R = 240.0


# ----------------------------------------------------------------------------- conversions

def test_bragg_conversions_round_trip():
    # Si 111 with Cu Kα1: d = 5.431179/√3 = 3.135693 Å, 2θ = 2 asin(1.540598 / 6.271386)
    assert SI_REF[0] == pytest.approx(28.4411, abs=1e-4)
    np.testing.assert_allclose(d_spacing(SI_REF, CU_KALPHA1), SI_D, rtol=1e-12)
    q = q_from_two_theta(SI_REF, CU_KALPHA1)
    np.testing.assert_allclose(q, 2 * np.pi / SI_D, rtol=1e-12)
    np.testing.assert_allclose(two_theta_from_q(q, CU_KALPHA1), SI_REF, rtol=1e-12)
    assert np.isnan(two_theta_from_d(0.5, CU_KALPHA1))        # λ/2d > 1: not observable
    assert np.isnan(two_theta_from_q(10.0, CU_KALPHA1))
    da = xr.DataArray(SI_REF, dims="peak")
    assert isinstance(d_spacing(da, CU_KALPHA1), xr.DataArray)


def test_add_axis_coords():
    ds = _example_pattern(n_sample=2)
    out = add_axis_coords(ds)
    assert out.d_spacing.dims == out.q.dims == ("two_theta",)
    assert out.d_spacing.attrs["units"] == "angstrom" and out.q.attrs["units"] == "1/angstrom"
    np.testing.assert_allclose(out.q.values * out.d_spacing.values, 2 * np.pi)
    assert float(out.d_spacing.sel(two_theta=28.44)) == pytest.approx(3.1357, abs=1e-3)
    assert "d_spacing" not in ds.coords
    # wavelength along a batch dim gives 2-D coords
    multi = ds.assign_coords(wavelength=("sample", [CU_KALPHA1, ANODES["Co"][0]],
                                         {"units": "angstrom"}))
    assert add_axis_coords(multi).d_spacing.dims == ("sample", "two_theta")
    with pytest.raises(AnalysisError, match="wavelength"):
        add_axis_coords(ds.drop_vars("wavelength"))


def test_convert_wavelength_keeps_d_and_drops_impossible_points():
    ds = add_axis_coords(_example_pattern(n_sample=2))
    mo = convert_wavelength(ds, "Mo")
    assert float(mo.wavelength) == ANODES["Mo"][0]
    assert mo.wavelength.attrs["converted_from"] == float(ds.wavelength)
    np.testing.assert_allclose(d_spacing(mo.two_theta.values, float(mo.wavelength)),
                               ds.d_spacing.values, rtol=1e-12)
    np.testing.assert_array_equal(mo.intensity.values, ds.intensity.values)
    back = convert_wavelength(mo, float(ds.wavelength))
    np.testing.assert_allclose(back.two_theta.values, ds.two_theta.values, atol=1e-9)
    # to 4 Å: points with d < 2 Å (2θ_Cu > 45.3°) are not observable and are dropped
    cr = convert_wavelength(ds, 4.0)
    assert cr.sizes["two_theta"] < ds.sizes["two_theta"]
    assert (ds.d_spacing.values[:cr.sizes["two_theta"]] >= 2.0).all()
    assert ds.d_spacing.values[cr.sizes["two_theta"]] < 2.0
    assert json.loads(cr.attrs["parameters"])["n_dropped"] == \
        ds.sizes["two_theta"] - cr.sizes["two_theta"]
    k_old = float(ds.wavelength_alpha2) / float(ds.wavelength)
    assert float(mo.wavelength_alpha2) / float(mo.wavelength) == pytest.approx(k_old)
    with pytest.raises(AnalysisError, match="anode"):
        convert_wavelength(ds, "Xx")
    with pytest.raises(AnalysisError, match="> 0"):
        convert_wavelength(ds, -1.0)
    with pytest.raises(AnalysisError, match="no point"):
        convert_wavelength(ds.sel(two_theta=slice(50, 60)), 20.0)


# ----------------------------------------------------------------------------- corrections

def _observed(z, s, noise=0.0, seed=0, n_sample=None):
    shape = (SI_REF.size,) if n_sample is None else (n_sample, SI_REF.size)
    z = np.asarray(z, dtype=float)[..., None] if n_sample else z
    s = np.asarray(s, dtype=float)[..., None] if n_sample else s
    obs = SI_REF + z + displacement_shift(SI_REF, s, R)
    return obs + noise * np.random.default_rng(seed).standard_normal(shape)


def test_displacement_sign_convention():
    # s > 0 (specimen below the goniometer axis) shifts peaks to lower 2θ
    assert (displacement_shift(SI_REF, 0.1, R) < 0).all()
    # size: 2 s cos θ / R rad at 2θ = 90° with s = 0.1 mm, R = 240 mm
    assert displacement_shift(90.0, 0.1, R) == pytest.approx(
        -np.degrees(2 * 0.1 * np.cos(np.radians(45)) / R))


def test_fit_recovers_known_correction_exactly_without_noise():
    obs = _observed(0.031, 0.087)
    table = peak_table(obs, np.full(obs.size, 0.05), center_stderr=np.full(obs.size, 0.001))
    fit = fit_two_theta_correction(table, reference=SI_REF, radius=R)
    assert float(fit.zero_shift) == pytest.approx(0.031, abs=1e-6)
    assert float(fit.displacement) == pytest.approx(0.087, abs=1e-6)
    assert np.abs(fit.residual.values).max() < 1e-9
    assert fit.zero_shift.attrs["units"] == "deg" and fit.displacement.attrs["units"] == "mm"
    # round trip: the correction puts the peaks on the reference positions
    corrected = correct_two_theta(table, zero_shift=fit.zero_shift,
                                  displacement=fit.displacement, radius=R)
    np.testing.assert_allclose(corrected.center.values, SI_REF, atol=1e-6)
    assert table.center.values[0] == obs[0]            # input unchanged


def test_fit_with_noise_within_three_sigma_batched():
    z = np.array([0.02, -0.015, 0.0, 0.05])
    s = np.array([0.10, -0.05, 0.2, 0.0])
    obs = _observed(z, s, noise=0.002, seed=11, n_sample=4)
    table = peak_table(obs, np.full(obs.shape, 0.05), center_stderr=np.full(obs.shape, 0.002))
    table = table.assign_coords(sample=("sample", list("abcd")))
    fit = fit_two_theta_correction(table, reference=xr.Dataset({"two_theta": ("peak", SI_REF)}),
                                   radius=R)
    assert fit.zero_shift.dims == ("sample",) and fit.residual.dims == ("sample", "peak")
    assert (np.abs(fit.zero_shift.values - z) < 3 * fit.zero_shift_stderr.values).all()
    assert (np.abs(fit.displacement.values - s) < 3 * fit.displacement_stderr.values).all()
    assert (fit.r_squared[:3] > 0.9).all()       # sample d: no displacement, y ≈ constant
    for i in range(4):
        single = fit_two_theta_correction(table.isel(sample=[i]), reference=SI_REF, radius=R)
        np.testing.assert_allclose(single.zero_shift.values, fit.zero_shift.values[[i]])
    corrected = correct_two_theta(table, zero_shift=fit.zero_shift,
                                  displacement=fit.displacement, radius=R)
    assert np.abs(corrected.center.values - SI_REF).max() < 5 * 0.002
    pytest.importorskip("dask")
    lazy = fit_two_theta_correction(table.chunk({"sample": 2}), reference=SI_REF, radius=R)
    np.testing.assert_allclose(lazy.displacement.values, fit.displacement.values)


def test_single_term_models_and_radius_from_coord():
    obs = _observed(0.04, 0.0)
    table = peak_table(obs, np.full(obs.size, 0.05))
    zero = fit_two_theta_correction(table, reference=SI_REF, model="zero")     # no radius needed
    assert float(zero.zero_shift) == pytest.approx(0.04, abs=1e-9)
    assert np.isnan(float(zero.displacement))
    obs = _observed(0.0, 0.15)
    table = peak_table(obs, np.full(obs.size, 0.05)).assign_coords(
        goniometer_radius=((), R, {"units": "mm"}))
    disp = fit_two_theta_correction(table, reference=SI_REF, model=["displacement"])
    assert float(disp.displacement) == pytest.approx(0.15, abs=1e-9)
    assert np.isnan(float(disp.zero_shift))


def test_correct_pattern_axis():
    ds = _example_pattern(n_sample=2, noise=False)
    out = correct_two_theta(ds, zero_shift=0.02, displacement=0.1, radius=R)
    x = ds.two_theta.values
    expected = x - 0.02 - displacement_shift(out.two_theta.values, 0.1, R)
    np.testing.assert_allclose(out.two_theta.values, expected, atol=1e-12)
    assert out.two_theta.attrs["units"] == "deg"
    np.testing.assert_array_equal(out.intensity.values, ds.intensity.values)
    np.testing.assert_array_equal(ds.two_theta.values, x)             # input unchanged
    only_zero = correct_two_theta(ds, zero_shift=-0.01)
    np.testing.assert_allclose(only_zero.two_theta.values, x + 0.01)
    # a fit_pattern-like result (pattern + peak table) gets both corrected
    both = ds.assign(center=("peak", [28.46, 47.32], {"units": "deg", "long_name": "2θ"}))
    out = correct_two_theta(both, zero_shift=0.02)
    np.testing.assert_allclose(out.center.values, [28.44, 47.30])
    np.testing.assert_allclose(out.two_theta.values, x - 0.02)


def test_errors():
    ds = _example_pattern(n_sample=2, noise=False)
    table = peak_table(SI_REF, np.full(SI_REF.size, 0.05))
    with pytest.raises(AnalysisError, match="radius"):
        correct_two_theta(ds, displacement=0.1)
    with pytest.raises(AnalysisError, match="radius"):
        fit_two_theta_correction(table, reference=SI_REF)
    with pytest.raises(AnalysisError, match="radius must be > 0"):
        correct_two_theta(ds, displacement=0.1, radius=-3)
    with pytest.raises(AnalysisError, match="numbers"):
        correct_two_theta(ds, zero_shift=xr.DataArray([0.1, 0.2], dims="sample"))
    with pytest.raises(AnalysisError, match="zero_shift must be a number"):
        correct_two_theta(ds, zero_shift="a")
    with pytest.raises(AnalysisError, match="pattern"):
        correct_two_theta(xr.Dataset({"a": ("x", [1.0])}))
    with pytest.raises(AnalysisError, match="values but the peak table has"):
        fit_two_theta_correction(table, reference=SI_REF[:3], radius=R)
    with pytest.raises(AnalysisError, match="model"):
        fit_two_theta_correction(table, reference=SI_REF, radius=R, model=("zero", "tilt"))
    with pytest.raises(AnalysisError, match="'center'"):
        fit_two_theta_correction(ds, reference=SI_REF, radius=R)
    with pytest.raises(AnalysisError, match="two_theta"):
        fit_two_theta_correction(table, reference=xr.Dataset({"center": ("peak", SI_REF)}),
                                 radius=R)
