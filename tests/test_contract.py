"""Contract every public analysis function passes (DESIGN §8).

Parametrised over the registry of public functions (``characterization._api``), so a new
function is covered as soon as it is decorated with ``@public``. Each function's registered
example (``tests/example_inputs/<namespace>.py``) builds a small synthetic input with a batch dim.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from characterization import _api
from example_inputs import all_examples

ENTRIES = _api.load_all()
IDS = sorted(ENTRIES)
EXAMPLES = all_examples()


def _example(qualname):
    entry = ENTRIES[qualname]
    make = EXAMPLES.get(qualname)
    if make is None:
        pytest.fail(f"{qualname} has no example input in tests/example_inputs/")
    ds, kwargs = make()
    return entry, ds, kwargs




def _batch_vars(result: xr.Dataset, dim: str) -> list[str]:
    return [n for n, v in result.data_vars.items() if dim in v.dims]


def _attrs_equal(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_attrs_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind
                              == "f")
    return a == b


def _assert_unchanged(ds: xr.Dataset, before: xr.Dataset):
    """Values, coords and attrs (compared recursively, numpy-aware) are unchanged."""
    xr.testing.assert_identical(ds.drop_attrs(), before.drop_attrs())
    assert _attrs_equal(ds.attrs, before.attrs)


def _assert_close(a: xr.Dataset, b: xr.Dataset, rtol=1e-7, atol=1e-10):
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        x, y = a[name], b[name]
        assert x.dims == y.dims, name
        if x.dtype.kind in "fc":
            np.testing.assert_allclose(x.values, y.values, rtol=rtol, atol=atol,
                                       equal_nan=True, err_msg=name)
        else:
            np.testing.assert_array_equal(x.values, y.values, err_msg=name)


def test_every_namespace_has_functions():
    for ns in _api.NAMESPACES:
        assert any(e.namespace == ns for e in ENTRIES.values()), ns


@pytest.mark.parametrize("qualname", IDS)
def test_input_unchanged_and_dataset_returned(qualname):
    entry, ds, kwargs = _example(qualname)
    before = ds.copy(deep=True)
    result = entry.func(ds, **kwargs)
    assert isinstance(result, xr.Dataset)
    _assert_unchanged(ds, before)
    for key in _api.PROVENANCE_KEYS:
        assert isinstance(result.attrs.get(key), str), f"provenance: attrs[{key!r}] missing"
    assert isinstance(json.loads(result.attrs["parameters"]), dict)


@pytest.mark.parametrize("qualname", IDS)
def test_units_on_every_output(qualname):
    entry, ds, kwargs = _example(qualname)
    result = entry.func(ds, **kwargs)
    missing = [n for n, v in {**result.coords, **result.data_vars}.items()
               if v.dtype.kind in "fiuc" and "units" not in v.attrs]
    assert not missing, f"outputs without units: {missing}"
    unnamed = [n for n, v in result.data_vars.items() if "long_name" not in v.attrs]
    assert not unnamed, f"outputs without long_name: {unnamed}"


@pytest.mark.parametrize("qualname", IDS)
def test_units_parse_with_pint(qualname):
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    entry, ds, kwargs = _example(qualname)
    result = entry.func(ds, **kwargs)
    for name, v in {**result.coords, **result.data_vars}.items():
        units = v.attrs.get("units")
        if units:
            ureg.parse_units(units)  # raises on an unparsable unit string


@pytest.mark.parametrize("qualname", IDS)
def test_batch_dims_kept_and_batch_equals_loop(qualname):
    entry, ds, kwargs = _example(qualname)
    dim = entry.batch_dim
    if dim is None:
        pytest.skip(f"{qualname} works on single measurements")
    result = entry.func(ds, **kwargs)
    assert dim in result.dims
    assert result.sizes[dim] == ds.sizes[dim]
    for i in range(min(3, ds.sizes[dim])):
        single = entry.func(ds.isel({dim: [i]}), **kwargs)
        _assert_close(single, result.isel({dim: [i]}), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("qualname", IDS)
def test_dask_equals_eager(qualname):
    pytest.importorskip("dask")
    entry, ds, kwargs = _example(qualname)
    dim = entry.batch_dim
    if dim is None:
        pytest.skip(f"{qualname} works on single measurements")
    eager = entry.func(ds, **kwargs)
    lazy = entry.func(ds.chunk({dim: max(1, ds.sizes[dim] // 2)}), **kwargs)
    computed = [n for n in _batch_vars(lazy, dim) if lazy[n].chunks is None]
    assert not computed, f"chunked input, but these results were computed eagerly: {computed}"
    _assert_close(eager, lazy.compute(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("qualname", IDS)
def test_accessor_equals_function(qualname):
    entry, ds, kwargs = _example(qualname)
    via_function = entry.func(ds, **kwargs)
    method = getattr(getattr(ds, entry.namespace), entry.name)
    assert method.__doc__ == entry.func.__doc__
    xr.testing.assert_identical(method(**kwargs), via_function)


def test_not_a_dataset_is_a_clear_error():
    from characterization.errors import AnalysisError

    for qualname, entry in ENTRIES.items():
        with pytest.raises(AnalysisError, match="xarray.Dataset"):
            entry.func("not data")
