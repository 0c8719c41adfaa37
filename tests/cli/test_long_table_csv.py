"""The batches' long-table fragments: the fast writer gives pandas' ``to_csv`` bytes."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from characterization.cli import _summary


def _pandas_bytes(result, dims, files, tmp_path) -> bytes:
    path = tmp_path / "pandas.csv"
    _summary.long_table(result, dims, files).to_csv(path, index=False, na_rep="nan")
    return path.read_bytes()


def _check(result, dims, files, tmp_path):
    path = tmp_path / "fast.csv"
    _summary.write_long_table(result, dims, files, path)
    assert path.read_bytes() == _pandas_bytes(result, dims, files, tmp_path)


def _samples(n):
    return ['a,1', 'b "quoted"', "c\nnew line", "café µ", "plain", "e\r"][:n]


def _tricky(n, kinds, rng):
    values = {
        "f": np.concatenate([[np.nan, np.inf, -np.inf, 0.0, -0.0, 1e16, 1e-5, 123456789.125,
                              1 / 3, 5e-324, 1.7976931348623157e308, 1e-4, 1e15]],
                            axis=None),
        "i": np.array([0, -1, 2**62, 7]),
        "b": np.array([True, False]),
        "U": np.array(["x", "with,comma", 'q"uote', "ünï", ""]),
    }
    ds = xr.Dataset(coords={"sample": _samples(n), "peak": ["D", "G,2", 'x"y']})
    for k in kinds:
        v = values[k]
        ds[f"v_{k}"] = ("sample", np.resize(v, n))
        if k in "fi":
            ds[f"p_{k}"] = (("sample", "peak"), np.resize(rng.permutation(np.resize(v, 3 * n)),
                                                          (n, 3)))
            ds[f"p_{k}"].attrs["units"] = "cm-1, \"a.u.\""
    ds["big"] = (("sample", "x"), np.zeros((n, 100)))          # too long for the table
    return ds


@pytest.mark.parametrize("kinds", ["f", "i", "fi", "fb", "fU", "fibU", "b", "U", "iU"])
def test_dtype_mixes_give_pandas_bytes(kinds, tmp_path):
    rng = np.random.default_rng(1)
    ds = _tricky(6, kinds, rng)
    files = {s: f"/data/{s}.txt" for s in ds["sample"].values}
    _check(ds, ["sample"], files, tmp_path)


def test_random_floats_give_pandas_bytes(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(5000) * 10.0 ** rng.integers(-30, 30, 5000)
    ds = xr.Dataset({"v": (("sample",), x)}, coords={"sample": [f"s{i}" for i in range(5000)]})
    _check(ds, ["sample"], {f"s{i}": f"f{i}.txt" for i in range(5000)}, tmp_path)


def test_fallback_dtypes_and_empty_and_multi_dims(tmp_path):
    ds = xr.Dataset({"a": ("sample", np.float32([0.1, np.nan])),
                     "b": ("sample", np.float64([0.1, 2]))}, coords={"sample": ["s0", "s1"]})
    _check(ds, ["sample"], {"s0": "f0", "s1": "f1"}, tmp_path)        # float32: pandas writes
    _check(xr.Dataset({"big": (("sample", "x"), np.zeros((2, 100)))},
                      coords={"sample": ["a", "b"]}), ["sample"], {"a": "f", "b": "g"},
           tmp_path)                                                  # nothing: header only
    grid = xr.Dataset({"h": (("y", "x"), np.arange(6.0).reshape(2, 3)),
                       "ok": (("y", "x"), np.ones((2, 3), bool))},
                      coords={"y": [0, 1], "x": [0.5, 1.5, 2.5]})
    _check(grid, ["y", "x"], {"map,1": "map 1.txt"}, tmp_path)         # no sample dim


def _fit(k):
    from characterization import raman, sorption, synthetic

    if k == 0:
        return raman.fit_carbon(synthetic.carbon_spectra(12, seed=0), model="4band")
    return sorption.bet(synthetic.isotherms(3))


@pytest.mark.parametrize("k", range(2))
def test_results_of_several_techniques_give_pandas_bytes(k, tmp_path):
    result = _fit(k)
    dims = [d for d in ("sample",) if d in result.dims]
    labels = [str(s) for s in result["sample"].values] if dims else ["one"]
    files = {s: f"/in/{s}, \"x\" ü.txt" for s in labels}
    _check(result, dims, files, tmp_path)
