"""Known-answer tests of characterization.xrd.kalpha2.strip_kalpha2 (Rachinger stripping)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.fit.lineshapes import get_lineshape
from characterization.xray_lines import ANODES, CU_KALPHA1, CU_KALPHA2
from characterization.xray_lines import KALPHA2_RATIO as CU_RATIO
from characterization.xrd.kalpha2 import strip_kalpha2

CENTERS = (28.44, 47.30, 56.12, 88.03, 114.09)
FWHM = (0.10, 0.12, 0.14, 0.20, 0.30)


def _doublets(x, lam1=CU_KALPHA1, lam2=CU_KALPHA2, ratio=CU_RATIO, scale=1.0, eta=0.5):
    dbl, pv = get_lineshape("kalpha_pseudo_voigt"), get_lineshape("pseudo_voigt")
    both, alpha1 = np.zeros(x.size), np.zeros(x.size)
    for c, f in zip(CENTERS, FWHM):
        both += dbl.evaluate(x, 100.0 * scale, c, [f, eta, lam2 / lam1, ratio])
        alpha1 += pv.evaluate(x, 100.0 * scale, c, [f, eta])
    return both, alpha1


def _dataset(y, x, lam1=CU_KALPHA1, lam2=CU_KALPHA2, ratio=CU_RATIO, dims=("two_theta",)):
    return xr.Dataset(
        {"intensity": (dims, y, {"units": "count", "long_name": "Intensity"})},
        coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"}),
                "wavelength": ((), lam1, {"units": "angstrom"}),
                "wavelength_alpha2": ((), lam2, {"units": "angstrom"}),
                "alpha2_ratio": ((), ratio, {"units": "1"})},
        attrs={"technique": "xrd"})


X = np.round(np.arange(20.0, 120.0, 0.01), 6)


def test_stripped_equals_kalpha1_pattern():
    both, alpha1 = _doublets(X)
    out = strip_kalpha2(_dataset(both, X))
    for c in CENTERS:                         # within 1 % of each peak's height
        near = np.abs(X - c) < 1.0
        err = np.abs(out.intensity.values[near] - alpha1[near]).max()
        assert err < 0.01 * alpha1[near].max(), c
    np.testing.assert_allclose(out.kalpha2.values, both - out.intensity.values, atol=1e-9)
    assert float(out.alpha2_ratio) == 0.0
    assert out.attrs["alpha2_ratio_stripped"] == CU_RATIO
    assert out.attrs["wavelength_ratio"] == pytest.approx(CU_KALPHA2 / CU_KALPHA1)
    params = json.loads(out.attrs["parameters"])
    assert params["wavelength_alpha2"] == CU_KALPHA2
    assert out.intensity.attrs["units"] == out.kalpha2.attrs["units"] == "count"


def test_coarse_step_uses_implicit_steps():
    x = np.round(np.arange(20.0, 60.0, 0.04), 6)   # 2θ − 2θ' ≈ 0.05° at 28° ≈ one step
    both, alpha1 = _doublets(x, eta=0.0)
    out = strip_kalpha2(_dataset(both, x))
    assert np.abs(out.intensity.values - alpha1).max() < 0.03 * alpha1.max()


def test_ratio_zero_is_identity_and_strip_twice_is_identity():
    both, _ = _doublets(X)
    ds = _dataset(both, X)
    np.testing.assert_allclose(strip_kalpha2(ds, alpha2_ratio=0.0).intensity.values, both,
                               rtol=0, atol=0)
    once = strip_kalpha2(ds)
    np.testing.assert_array_equal(strip_kalpha2(once).intensity.values, once.intensity.values)


def test_flat_background_scaled_by_one_plus_ratio():
    both, alpha1 = _doublets(X)
    out = strip_kalpha2(_dataset(both + 30.0, X))
    np.testing.assert_allclose(out.intensity.values, alpha1 + 30.0 / (1 + CU_RATIO),
                               atol=0.01 * alpha1.max())


def test_batch_per_sample_lines_descending_and_dask():
    cu_both, cu1 = _doublets(X)
    co = ANODES["Co"]
    co_both, co1 = _doublets(X, co[0], co[1], 0.45, scale=0.5)
    ds = _dataset(np.stack([cu_both, co_both]), X, dims=("sample", "two_theta"))
    ds = ds.assign_coords(
        wavelength=("sample", [CU_KALPHA1, co[0]], {"units": "angstrom"}),
        wavelength_alpha2=("sample", [CU_KALPHA2, co[1]], {"units": "angstrom"}),
        alpha2_ratio=("sample", [CU_RATIO, 0.45], {"units": "1"}))
    before = ds.copy(deep=True)
    out = strip_kalpha2(ds)
    xr.testing.assert_identical(ds, before)
    for i, truth in enumerate((cu1, co1)):
        assert np.abs(out.intensity.values[i] - truth).max() < 0.01 * truth.max()
        single = strip_kalpha2(ds.isel(sample=[i]))
        np.testing.assert_allclose(single.intensity.values[0], out.intensity.values[i])
    desc = strip_kalpha2(ds.isel(two_theta=slice(None, None, -1)))
    np.testing.assert_allclose(desc.intensity.values[:, ::-1], out.intensity.values)
    assert (np.diff(desc.two_theta.values) < 0).all()
    pytest.importorskip("dask")
    lazy = strip_kalpha2(ds.chunk({"sample": 1}))
    assert lazy.intensity.chunks is not None
    np.testing.assert_allclose(lazy.intensity.values, out.intensity.values)


def test_overrides_and_errors():
    both, alpha1 = _doublets(X)
    bare = _dataset(both, X).drop_vars(["wavelength_alpha2", "alpha2_ratio"])
    with pytest.raises(AnalysisError, match="'wavelength_alpha2', 'alpha2_ratio'"):
        strip_kalpha2(bare)
    out = strip_kalpha2(bare, wavelength_alpha2=CU_KALPHA2, alpha2_ratio=CU_RATIO)
    assert np.abs(out.intensity.values - alpha1).max() < 0.01 * alpha1.max()
    assert json.loads(out.attrs["parameters"])["sources"]["alpha2_ratio"] == "argument"
    ds = _dataset(both, X)
    with pytest.raises(AnalysisError, match="alpha2_ratio"):
        strip_kalpha2(ds, alpha2_ratio=1.5)
    with pytest.raises(AnalysisError, match="longer"):
        strip_kalpha2(ds, wavelength_alpha2=1.5)
    with pytest.raises(AnalysisError, match="duplicate"):
        strip_kalpha2(ds.isel(two_theta=[0, 1, 1, 2]))
    with pytest.raises(AnalysisError, match="intensity"):
        strip_kalpha2(ds.rename(intensity="counts"))
    with pytest.raises(AnalysisError, match="xarray.Dataset"):
        strip_kalpha2(ds.intensity)
