"""Helpers shared by the EXAFS processing steps (per-spectrum inputs, output attrs)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import AnalysisError

#: dtype of the per-spectrum reason strings ("" when the step had nothing to report).
REASON = "<U160"


def per_spectrum(ds: xr.Dataset, value, name: str, *, function: str):
    """A per-spectrum input: None → NaN, a number, a DataArray, or the name of a variable."""
    if value is None:
        return np.nan
    if isinstance(value, str):
        if value not in ds.variables:
            raise AnalysisError(f"{function}: {name}={value!r} names no variable of the Dataset "
                                f"(variables: {', '.join(map(str, ds.variables))})")
        value = ds[value]
    if isinstance(value, xr.DataArray):
        extra = set(value.dims) - set(ds.dims)
        if extra:
            raise AnalysisError(f"{function}: {name} has dims {sorted(extra)} the data lack")
        return value.astype(float).drop_attrs()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AnalysisError(f"{function}: {name} must be a number, a DataArray or a variable "
                            f"name, got {value!r}") from None


def attach(out: xr.Dataset, specs) -> xr.Dataset:
    """Set ``units`` and ``long_name`` of ``out[name]`` for ``(name, units, long_name)`` specs."""
    for name, units, long_name in specs:
        if name in out:
            attrs = {"long_name": long_name}
            if units is not None:
                attrs["units"] = units
            out[name].attrs = attrs
    return out


def check_increasing(ds: xr.Dataset, dim: str, function: str) -> xr.Dataset:
    """``ds`` sorted along ``dim``; duplicated coordinate values are an error."""
    x = np.asarray(ds[dim].values, dtype=float)
    if x.size < 2:
        raise AnalysisError(f"{function}: {dim} has {x.size} point(s)")
    if np.any(np.diff(x) < 0):
        ds = ds.sortby(dim)
        x = np.asarray(ds[dim].values, dtype=float)
    if np.any(np.diff(x) == 0):
        raise AnalysisError(f"{function}: {dim} has repeated values; merge or resample the "
                            "spectra first (exafs.merge, exafs.resample)")
    return ds


def join_reasons(*parts) -> str:
    return "; ".join(p for p in parts if p)[:159]
