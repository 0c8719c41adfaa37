"""Helpers shared by the XPS analysis modules (weights from raw counts, exposure)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import AnalysisError


def poisson_weights(ds: xr.Dataset, var: str, dim: str) -> xr.DataArray:
    """Residual weights ``1/σ`` of ``var`` from Poisson statistics of the raw counts.

    With a ``counts`` variable (raw counts, kept by :func:`subtract_background`),
    ``σ(intensity) = sqrt(max(counts, 1)) / t`` with ``t = dwell_time · scans`` taken from the
    ``dwell_time``/``scans`` coordinates, so a background-subtracted intensity gets the
    variance of the counts actually measured. Without counts the intensity itself is taken as
    counts (``1/sqrt(max(y, 1))``), which is only right when ``var`` is in counts.
    """
    if "counts" in ds.data_vars and var != "counts":
        t = None
        if "dwell_time" in ds.coords:
            t = ds["dwell_time"] * (ds["scans"] if "scans" in ds.coords else 1)
        if t is None:
            raise AnalysisError("weights='poisson' on an intensity in counts/s needs the "
                                "dwell_time (and scans) coordinates to convert counts")
        counts = ds["counts"]
        return (t / np.sqrt(np.maximum(counts, 1.0))).broadcast_like(ds[var])
    units = ds[var].attrs.get("units", "")
    if units not in ("count", "counts", "ct"):
        raise AnalysisError(f"weights='poisson' needs raw counts: {var!r} is in {units!r} and "
                            "the Dataset has no 'counts' variable")
    return 1.0 / np.sqrt(np.maximum(ds[var], 1.0))


def weights_for(ds: xr.Dataset, var: str, dim: str, weights):
    """The engine's ``weights`` argument for an XPS spectrum ("poisson" resolved from counts)."""
    if isinstance(weights, str) and weights == "poisson":
        return poisson_weights(ds, var, dim)
    return weights
