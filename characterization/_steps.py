"""Small helpers of the analysis steps of every technique: units of an input (never guessed)
and the signal dim last in one dask chunk. Signal resolution and provenance are done by the step
decorator (:func:`characterization._api.public`)."""

from __future__ import annotations

import xarray as xr

from .errors import AnalysisError

__all__ = ["units_of", "signal_last"]


def units_of(obj, name: str, function: str) -> str:
    """``attrs["units"]`` of a variable or coordinate; raises if absent (no silent guessing)."""
    units = obj.attrs.get("units")
    if not isinstance(units, str):
        raise AnalysisError(f"{function}: {name!r} has no attrs['units']; set it so the result "
                            "gets correct units")
    return units


def signal_last(da: xr.DataArray, dim: str) -> xr.DataArray:
    """``da`` with ``dim`` last and, when dask-backed, in a single chunk."""
    da = da.transpose(*[d for d in da.dims if d != dim], dim)
    if da.chunks is not None:
        da = da.chunk({dim: -1})
    return da
