"""Argument checking of :func:`~characterization.fit.fit_peaks`: models, range, weights, units."""

from __future__ import annotations

import json
import math
from typing import Mapping

import numpy as np
import xarray as xr

from ..errors import AnalysisError
from .._steps import units_of
from .model import Model


def as_model(model) -> Model:
    """A :class:`Model` from a Model, its dict form or its JSON."""
    if isinstance(model, Model):
        return model
    if isinstance(model, dict):
        try:
            return Model.from_dict(model)
        except (KeyError, TypeError, ValueError) as exc:
            raise AnalysisError(f"model dict is not a Model's to_dict() form: {exc}") from None
    if isinstance(model, str):
        try:
            return Model.from_json(model)
        except json.JSONDecodeError as exc:
            raise AnalysisError(f"model string is not valid JSON: {exc}") from None
    raise AnalysisError(f"model must be a characterization.fit.Model, a dict or a JSON string, "
                        f"got {type(model).__name__}")


def _is_model_dict(value) -> bool:
    return isinstance(value, Mapping) and "peaks" in value and not isinstance(
        value.get("peaks"), (Model, Mapping))


def as_models(model) -> tuple[tuple[str, ...], tuple[Model, ...]] | None:
    """Candidates ``(names, models)`` when ``model`` is a list or a ``{name: model}`` mapping of
    several models; None when it is a single model (Model, its dict or JSON)."""
    if isinstance(model, (list, tuple)):
        if not model:
            raise AnalysisError("model: an empty list of candidate models")
        models = tuple(as_model(m) for m in model)
        return tuple(f"model{k}" for k in range(len(models))), models
    if isinstance(model, Mapping) and not _is_model_dict(model):
        if not model:
            raise AnalysisError("model: an empty mapping of candidate models")
        names = tuple(str(k) for k in model)
        if any(not n for n in names):
            raise AnalysisError("model: candidate names must be non-empty strings")
        return names, tuple(as_model(m) for m in model.values())
    return None


def check_range(rng):
    """``(lo, hi)`` sorted, both finite and different."""
    try:
        lo, hi = (float(v) for v in rng)
    except (TypeError, ValueError):
        raise AnalysisError(f"range must be two numbers (lo, hi), got {rng!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise AnalysisError(f"range must be two different finite numbers, got {rng!r}")
    return (min(lo, hi), max(lo, hi))


def units(obj, name) -> str:
    """``attrs["units"]`` of a variable or coordinate; AnalysisError when it has none."""
    return units_of(obj, name, "fit_peaks")


COUNT_UNITS = ("count", "counts", "cts", "ct")


def _poisson_weights(ds, da, dim):
    """1/σ with σ² = N the counted events. ``y`` in counts: σ = √max(y, 1). ``y`` a rate or
    otherwise scaled (XPS counts/s): σ = √max(N, 1)/t from a ``counts`` variable with
    t = dwell_time·scans from the coordinates (right also after a background was subtracted),
    or, without them, t = N/y taken per spectrum as the median over points with N > 0. Anything else is refused: Poisson
    weights on a rate would weight every point wrongly by the same unknown factor per point."""
    units = str(da.attrs.get("units", "")).strip().lower()
    if units in COUNT_UNITS:
        return 1.0 / np.sqrt(np.maximum(da, 1.0)), "poisson: 1/sqrt(max(y, 1))"
    if "counts" in ds.data_vars and dim in ds["counts"].dims and da.name != "counts":
        n = ds["counts"].sel({dim: da[dim]})
        if "dwell_time" in ds.coords:        # y = counts / (dwell · scans), possibly minus a
            t = ds["dwell_time"] * (ds["scans"] if "scans" in ds.coords else 1)   # background
            return t / np.sqrt(np.maximum(n, 1.0)), \
                "poisson: dwell_time*scans/sqrt(max(counts, 1))"
        scale = (da / n).where(n > 0).median(dim)
        return 1.0 / (np.sqrt(np.maximum(n, 1.0)) * scale), \
            "poisson: 1/(sqrt(max(counts, 1)) * median(y/counts))"
    raise AnalysisError(f"weights='poisson' needs intensities in counts, but {da.name!r} is in "
                        f"{da.attrs.get('units')!r} and the Dataset has no 'counts' variable; "
                        "pass weights=None or an array of 1/sigma")


def weights_of(ds, da, weights, dim):
    """Residual weights broadcast to ``da`` (or None) and a description for the provenance."""
    if weights is None:
        return None, "none"
    if isinstance(weights, str) and weights == "poisson":
        return _poisson_weights(ds, da, dim)
    if isinstance(weights, str):
        if weights not in ds.data_vars:
            raise AnalysisError(f"weights {weights!r} is neither 'poisson' nor a variable of the "
                                f"Dataset ({list(ds.data_vars)})")
        desc, weights = f"variable {weights!r}", ds[weights]
    elif isinstance(weights, xr.DataArray):
        desc = f"DataArray {weights.name!r}"
    else:
        raise AnalysisError(f"weights must be None, 'poisson', a variable name or a DataArray, "
                            f"got {type(weights).__name__}")
    extra = set(weights.dims) - set(da.dims)
    if extra:
        raise AnalysisError(f"weights have dims {sorted(extra)} that {da.name!r} has not")
    if dim in weights.dims:
        weights = weights.sel({dim: da[dim]})
    return xr.broadcast(weights, da)[0], desc


def residual_weights(ds: xr.Dataset, weights, *, dim: str, var: str):
    """The residual weights ``1/sigma`` :func:`~characterization.fit.fit_peaks` uses for
    ``ds[var]`` (None for ``weights=None``), broadcast to it: ``"poisson"`` from counts (or raw
    ``counts`` with ``dwell_time``/``scans``), a variable name or a DataArray. For callers that
    combine several fits (a joint fit's per-region chi-square) and need the same numbers.

    >>> import numpy as np, xarray as xr
    >>> y = xr.DataArray([4.0, 9.0], dims="x", attrs={"units": "count"})
    >>> residual_weights(xr.Dataset({"y": y}), "poisson", dim="x", var="y").values.tolist()
    [0.5, 0.3333333333333333]
    """
    return weights_of(ds, ds[var], weights, dim)[0]
