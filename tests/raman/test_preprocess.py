"""Crop and normalise: windows, factors, units that never go stale, provenance history."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization.raman.preprocess import crop, normalize

X = np.arange(400.0, 1800.5, 1.0)


def _ds(n=3, x=X, seed=0):
    rng = np.random.default_rng(seed)
    heights = rng.uniform(500, 1500, (n, 1))
    y = 50 + heights / (1 + ((x - 1590) / 30) ** 2) + 0.5 * heights / (1 + ((x - 1350) / 50) ** 2)
    return xr.Dataset(
        {"intensity": (("sample", "raman_shift"), y, {"units": "count", "long_name": "Intensity"}),
         "baseline": (("sample", "raman_shift"), np.full_like(y, 50.0),
                      {"units": "count", "long_name": "Baseline"})},
        coords={"raman_shift": ("raman_shift", x, {"units": "1/cm", "long_name": "Raman shift"}),
                "sample": ("sample", [f"s{i}" for i in range(n)], {"units": "",
                                                                     "long_name": "Sample"})},
        attrs={"technique": "raman"})


def test_crop_ascending_and_descending():
    ds = _ds()
    out = crop(ds, range=(1700, 1200))
    assert out.raman_shift.min() >= 1200 and out.raman_shift.max() <= 1700
    assert out.sizes["raman_shift"] == 501
    assert out.baseline.sizes["raman_shift"] == 501           # every variable along the axis
    desc = crop(ds.isel(raman_shift=slice(None, None, -1)), range=(1200, 1700))
    np.testing.assert_array_equal(desc.raman_shift.values, out.raman_shift.values[::-1])
    assert out.intensity.attrs == ds.intensity.attrs
    assert json.loads(out.attrs["parameters"])["range"] == [1200.0, 1700.0]
    with pytest.raises(ValueError, match="keeps 0 points"):
        crop(ds, range=(2000, 2100))
    with pytest.raises(ValueError, match="two"):
        crop(ds, range=5)


def test_normalize_max_band_area():
    ds = _ds()
    before = ds.copy(deep=True)
    m = normalize(ds)
    xr.testing.assert_identical(ds, before)
    np.testing.assert_allclose(m.intensity.max("raman_shift"), 1.0)
    assert m.intensity.attrs["units"] == "1"
    assert m.normalization.attrs["units"] == "count"
    np.testing.assert_allclose(m.normalization, ds.intensity.max("raman_shift"))
    assert m.baseline.attrs["units"] == "count"                # untouched and still correct

    b = normalize(ds, method="band", range=(1300, 1400))
    np.testing.assert_allclose(b.intensity.sel(raman_shift=slice(1300, 1400)).max("raman_shift"),
                               1.0)
    assert b.intensity.attrs["units"] == "1"

    a = normalize(ds, method="area")
    area = np.trapezoid(a.intensity.values, X, axis=-1)
    np.testing.assert_allclose(area, 1.0)
    assert a.intensity.attrs["units"] == "cm"                   # 1 / (1/cm): integral is 1
    assert a.normalization.attrs["units"] == "count * (1/cm)"
    desc = normalize(ds.isel(raman_shift=slice(None, None, -1)), method="area")
    np.testing.assert_allclose(desc.normalization, a.normalization)


def test_normalize_bad_spectrum_and_arguments():
    ds = _ds()
    y = ds.intensity.values.copy()
    y[1] = -1.0
    bad = ds.assign(intensity=(ds.intensity.dims, y, ds.intensity.attrs))
    out = normalize(bad)
    assert np.isnan(out.intensity.values[1]).all()
    assert np.isfinite(out.intensity.values[[0, 2]]).all()
    with pytest.raises(ValueError, match="band"):
        normalize(ds, method="band")
    with pytest.raises(ValueError, match="no point"):
        normalize(ds, method="band", range=(100, 200))
    with pytest.raises(ValueError, match="method"):
        normalize(ds, method="vector")


def test_history_of_steps_and_dask():
    ds = _ds()
    out = normalize(crop(ds, range=(1200, 1700)), method="band", range=(1550, 1650))
    history = json.loads(out.attrs["preprocessing"])
    assert [h["function"].rsplit(".", 1)[1] for h in history] == ["crop", "normalize"]
    assert out.attrs["method"] == "band"
    pytest.importorskip("dask")
    lazy = normalize(crop(ds.chunk({"sample": 1}), range=(1200, 1700)), method="band",
                     range=(1550, 1650))
    assert lazy.intensity.chunks is not None
    np.testing.assert_allclose(lazy.intensity.values, out.intensity.values)
