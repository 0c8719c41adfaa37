"""Known-answer tests of characterization.xrd.background.subtract_background."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization.errors import AnalysisError
from characterization.xrd.background import snip_kernel, subtract_background
from characterization.synthetic import kalpha_patterns as _example_pattern

CENTERS = (28.44, 47.30, 56.12)


def _pattern(n_sample=2, noise=False, seed=0):
    """Gaussian Kα doublets (no far-reaching Lorentzian tails) on a known curved background."""
    ds = _example_pattern(n_sample=n_sample, background=0.0, noise=False, eta=0.0)
    x = ds.two_theta.values
    peaks = ds.intensity.values.copy()
    bkg = 40.0 + 300.0 * np.exp(-(x - 25.0) / 8.0) + 20.0 * np.sin(x / 6.0)
    y = peaks + bkg
    if noise:
        y = np.random.default_rng(seed).poisson(y).astype(float)
    ds["intensity"] = (ds.intensity.dims, y, {"units": "count", "long_name": "Intensity"})
    return ds, peaks, bkg


def _areas(x, y):
    return np.array([[row[np.abs(x - c) < 1.0].sum() for c in CENTERS] for row in y])


@pytest.mark.parametrize("method, options, tol", [
    ("snip", {"max_half_window": 0.5}, 1.5),
    ("chebyshev", {"order": 8, "threshold": 0.5}, 0.5),
])
def test_background_recovered_and_areas_preserved(method, options, tol):
    ds, peaks, bkg = _pattern()
    out = subtract_background(ds, method=method, **options)
    x = ds.two_theta.values
    far = (peaks < 0.5).all(axis=0)          # where the peaks contribute < 0.5 count
    edge = 51                                # SNIP leaves the window's edge points unclipped
    far[:edge] = far[-edge:] = False
    err = out.background.values - bkg
    # background (60...340 counts) within `tol` counts away from the peaks
    assert np.abs(err[:, far]).max() < tol
    np.testing.assert_allclose(_areas(x, out.intensity.values), _areas(x, peaks), rtol=0.02)
    np.testing.assert_allclose(out.intensity.values + out.background.values,
                               ds.intensity.values, rtol=1e-12)


def test_chebyshev_with_poisson_noise_within_noise():
    ds, peaks, bkg = _pattern(noise=True, seed=3)
    out = subtract_background(ds, method="chebyshev", order=8, threshold=1.5,
                              noise="poisson")
    far = (peaks < 0.5).all(axis=0)
    err = out.background.values - bkg
    sigma = np.sqrt(bkg)
    assert np.abs(err[:, far] / sigma[far]).max() < 1.0
    x = ds.two_theta.values
    np.testing.assert_allclose(_areas(x, out.intensity.values), _areas(x, peaks), rtol=0.03)


def test_snip_kernel_flat_and_batched():
    y = np.full((3, 200), 50.0)
    np.testing.assert_allclose(snip_kernel(y, 10), y, rtol=1e-12)
    rng = np.random.default_rng(1)
    ys = rng.poisson(100.0, size=(4, 300)).astype(float)
    batch = snip_kernel(ys, 20)
    for i in range(4):
        np.testing.assert_array_equal(snip_kernel(ys[i], 20), batch[i])
    assert (batch <= ys + 1e-9).all()        # SNIP never exceeds the data


def test_output_structure_and_provenance():
    ds, _, _ = _pattern()
    before = ds.copy(deep=True)
    out = subtract_background(ds, max_half_window=0.5)
    xr.testing.assert_identical(ds, before)
    assert out.intensity.attrs["units"] == out.background.attrs["units"] == "count"
    np.testing.assert_array_equal(out.two_theta.values, ds.two_theta.values)
    params = json.loads(out.attrs["parameters"])
    assert out.attrs["method"] == "snip"
    assert params["options"]["half_window_points"] == 50
    assert json.loads(out.attrs["preprocessing"])[-1]["function"].endswith("subtract_background")
    cheb = subtract_background(ds, method="chebyshev", order=5)
    assert (cheb.n_iter >= 2).all() and cheb.n_iter.attrs["units"] == "1"


def test_pybaselines_methods_by_name():
    pytest.importorskip("pybaselines")
    ds, peaks, bkg = _pattern(n_sample=1)
    out = subtract_background(ds, method="imodpoly", poly_order=6, num_std=0.5)
    far = (peaks < 0.5).all(axis=0)
    assert np.abs(out.background.values - bkg)[:, far].max() < 3.0
    assert out.attrs["method"] == "pybaselines.imodpoly"
    assert "pybaselines" in json.loads(out.attrs["parameters"])["library"]
    pb = subtract_background(ds, method="pybaselines.snip", max_half_window=50)
    assert pb.attrs["method"] == "pybaselines.snip"


def test_descending_axis_and_nan_pattern():
    ds, _, _ = _pattern(n_sample=3)
    ref = subtract_background(ds, max_half_window=0.5)
    desc = subtract_background(ds.isel(two_theta=slice(None, None, -1)), max_half_window=0.5)
    np.testing.assert_allclose(desc.background.values[:, ::-1], ref.background.values,
                               rtol=1e-12)
    bad = ds.copy(deep=True)
    bad["intensity"][1, 10] = np.nan
    for method in ("snip", "chebyshev"):
        out = subtract_background(bad, method=method)
        assert np.isnan(out.background.values[1]).all()
        np.testing.assert_allclose(out.background.values[[0, 2]],
                                   subtract_background(ds.isel(sample=[0, 2]),
                                                       method=method).background.values)


def test_dask_equals_eager():
    pytest.importorskip("dask")
    ds, _, _ = _pattern(n_sample=4)
    for method, opts in (("snip", {}), ("chebyshev", {"order": 6})):
        eager = subtract_background(ds, method=method, **opts)
        lazy = subtract_background(ds.chunk({"sample": 2}), method=method, **opts)
        assert lazy.background.chunks is not None
        np.testing.assert_allclose(lazy.background.values, eager.background.values, rtol=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "nope"}, "no method"),
    ({"method": 3}, "string"),
    ({"method": "snip", "max_half_window": -1}, "> 0"),
    ({"method": "snip", "lam": 3}, "unknown option"),
    ({"method": "chebyshev", "order": 2.5}, "order"),
    ({"method": "chebyshev", "threshold": 0}, "threshold"),
    ({"method": "chebyshev", "noise": "gauss"}, "noise"),
    ({"method": "collab_pls"}, "not supported"),
])
def test_bad_arguments(kwargs, match):
    ds, _, _ = _pattern(n_sample=1)
    with pytest.raises(AnalysisError, match=match):
        subtract_background(ds, **kwargs)


def test_bad_inputs():
    ds, _, _ = _pattern(n_sample=1)
    with pytest.raises(AnalysisError, match="intensity"):
        subtract_background(ds.rename(intensity="counts"))
    with pytest.raises(AnalysisError, match="xarray.Dataset"):
        subtract_background(ds.intensity)
    x = ds.two_theta.values.copy()
    x[100:] += 0.005
    with pytest.raises(AnalysisError, match="uniform"):
        subtract_background(ds.assign_coords(two_theta=x))
    shuffled = ds.isel(two_theta=np.random.default_rng(0).permutation(ds.sizes["two_theta"]))
    with pytest.raises(AnalysisError, match="monotonic"):
        subtract_background(shuffled)
    # chebyshev accepts non-uniform grids
    subtract_background(ds.assign_coords(two_theta=x), method="chebyshev")


def test_snip_with_smoothing_on_poisson_noise():
    ds, peaks, bkg = _pattern(noise=True, seed=3)
    out = subtract_background(ds, max_half_window=0.5, smooth_half_window=0.1)
    far = (peaks < 0.5).all(axis=0)
    far[:51] = far[-51:] = False
    z = (out.background.values - bkg)[:, far] / np.sqrt(bkg[far])
    assert np.abs(z).max() < 1.5 and abs(z.mean()) < 1.0   # raw SNIP: about -2.5 σ
    x = ds.two_theta.values
    np.testing.assert_allclose(_areas(x, out.intensity.values), _areas(x, peaks), rtol=0.02)
    assert json.loads(out.attrs["parameters"])["options"]["smooth_half_window_points"] == 10
