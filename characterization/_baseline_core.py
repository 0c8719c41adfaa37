"""Shared pybaselines machinery of the baseline/background subtraction wrappers.

Used by :func:`characterization.raman.subtract_baseline` and
:func:`characterization.xrd.subtract_background`: method-name validation and a kernel that
runs one :class:`pybaselines.Baseline` method on every spectrum of a batch
(:func:`characterization._apply.apply_kernel` over the signal dim, lazy on dask input). pybaselines is imported inside the functions only.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import xarray as xr

from ._apply import apply_kernel
from .errors import AnalysisError

#: pybaselines methods that are not one-spectrum-at-a-time algorithms (they fit a set jointly
#: or need extra inputs this wrapper does not pass).
UNSUPPORTED = {"collab_pls": "fits several spectra jointly", "interp_pts": "needs baseline points",
               "custom_bc": "needs a wrapped method and regions", "optimize_extended_range":
               "needs a wrapped method and side selection"}


def available_methods() -> list[str]:
    """Names of the pybaselines algorithms the wrappers accept."""
    from pybaselines import Baseline

    return sorted(name for name in dir(Baseline) if not name.startswith("_")
                  and callable(getattr(Baseline, name)) and name not in UNSUPPORTED
                  and name not in ("banded_solver", "pentapy_solver"))


def check_method(method, function: str) -> str:
    """Lower-cased pybaselines method name; AnalysisError naming the problem otherwise."""
    from pybaselines import Baseline

    if not isinstance(method, str):
        raise AnalysisError(f"{function}: method must be a string, got {method!r}")
    name = method.lower()
    if name in UNSUPPORTED:
        raise AnalysisError(f"{function}: {method!r} is not supported here "
                            f"({UNSUPPORTED[name]})")
    if name.startswith("_") or not callable(getattr(Baseline, name, None)):
        raise AnalysisError(f"{function}: pybaselines has no method {method!r}; "
                            f"available: {', '.join(available_methods())}")
    return name


def pybaselines_baseline(src: xr.DataArray, x: np.ndarray, dim: str, method: str,
                         options: dict, function: str) -> xr.DataArray:
    """Baseline of every spectrum of ``src`` (signal dim ``dim`` last, one chunk along it).

    ``x`` are the signal-axis values passed to ``pybaselines.Baseline(x_data=x)``; ``method``
    must have been checked with :func:`check_method`. Returns a DataArray with the dims of
    ``src`` and no attrs.
    """
    from pybaselines import Baseline

    x = np.asarray(x, dtype=float)
    if not np.isfinite(x).all():
        raise AnalysisError(f"{function}: coordinate {dim!r} has non-finite values")
    fitter = Baseline(x_data=x, check_finite=False)
    kernel = functools.partial(_kernel, fitter=fitter, method=method, options=dict(options),
                               private=src.chunks is not None)
    return apply_kernel(kernel, src, input_core_dims=[[dim]], output_core_dims=[[dim]])


def _kernel(y, *, fitter, method, options, private):
    """Baselines of ``y`` (..., N): one call of ``fitter.<method>`` per finite spectrum."""
    if private:                      # a dask chunk, possibly in a thread: own copy of the object
        fitter = copy.deepcopy(fitter)
    func = getattr(fitter, method)
    flat = np.asarray(y, dtype=float).reshape(-1, y.shape[-1])
    out = np.full(flat.shape, np.nan)
    for i, row in enumerate(flat):
        if np.isfinite(row).all():
            out[i] = func(row, **options)[0]
    return out.reshape(y.shape)
