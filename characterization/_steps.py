"""Helpers shared by the pre-processing steps of every technique (Raman, XRD ...).

They resolve the signal dim and main variable from the data conventions, put the signal dim
last (one dask chunk), and record each step in the result attrs (``method``/``parameters``/
``characterization_version`` of the last step, plus the JSON list ``preprocessing`` of every
step applied so far).
"""

from __future__ import annotations

import json

import xarray as xr

from ._provenance import provenance
from . import conventions
from .errors import AnalysisError

__all__ = ["signal_and_var", "units_of", "signal_last", "result_attrs"]


def signal_and_var(ds, dim: str | None, var: str | None, function: str) -> tuple[str, str]:
    """:func:`characterization.conventions.signal_and_var` with the Raman convention as default."""
    return conventions.signal_and_var(ds, dim, var, technique="raman", function=function)


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


def result_attrs(ds: xr.Dataset, function: str, method: str, /, **parameters) -> dict:
    """Input attrs plus the provenance of this step, appended to the ``preprocessing`` history."""
    prov = provenance(method, **parameters)
    attrs = {k: v for k, v in ds.attrs.items() if k not in ("result_of", "function")}
    try:
        history = json.loads(ds.attrs.get("preprocessing", "[]"))
    except (TypeError, json.JSONDecodeError):
        history = []
    history.append({"function": function, "method": method,
                    "parameters": json.loads(prov["parameters"])})
    attrs.update(prov)
    attrs["function"] = function
    attrs["preprocessing"] = json.dumps(history)
    return attrs
