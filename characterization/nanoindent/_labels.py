"""Segment labels and units shared by the nanoindentation functions."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import AnalysisError

_LOAD_TO_N = {"N": 1.0, "mN": 1e-3, "uN": 1e-6, "µN": 1e-6, "μN": 1e-6, "nN": 1e-9}
_DEPTH_TO_M = {"m": 1.0, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "μm": 1e-6, "nm": 1e-9}


def canonical(label) -> str:
    """The package's segment name for a (vendor) label: loading, hold, unloading, drift_hold,
    approach, or the label itself when it names none of them."""
    text = str(label).strip().lower()
    if not text:
        return ""
    if "drift" in text:
        return "drift_hold"
    if "approach" in text or "surface" in text:
        return "approach"
    if "unload" in text:
        return "unloading"
    if "hold" in text:
        return "hold"
    if "load" in text:
        return "loading"
    return text


def canonical_labels(values) -> np.ndarray:
    """Vectorised :func:`canonical` (object/str arrays of any shape)."""
    values = np.asarray(values)
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    mapped = np.array([canonical(u) for u in uniq], dtype="<U12")
    return mapped[inverse].reshape(values.shape)


def labels_of(ds: xr.Dataset, function: str) -> xr.DataArray:
    """Segment labels broadcast on the dims of ``load`` (AnalysisError when absent); kernels
    map them with :func:`canonical_labels`."""
    if "segment" not in ds.coords and "segment" not in ds.data_vars:
        raise AnalysisError(f"{function}: no 'segment' labels; run "
                            "characterization.nanoindent.segment(ds) first")
    return ds["segment"].broadcast_like(ds["load"])


def cycles_of(ds: xr.Dataset) -> xr.DataArray:
    """The ``cycle`` numbers on the dims of ``load`` (all 1 where the data have none)."""
    if "cycle" in ds.coords or "cycle" in ds.data_vars:
        return ds["cycle"].broadcast_like(ds["load"])
    return xr.ones_like(ds["load"], dtype=np.int64)


def require(ds: xr.Dataset, function: str, names=("load", "displacement")) -> None:
    """AnalysisError naming the missing variables."""
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise AnalysisError(f"{function}: variable(s) {missing} not in Dataset "
                            f"(variables: {list(ds.data_vars)})")


def work_factor(ds: xr.Dataset, function: str) -> float:
    """Joules per (load unit × displacement unit) from the ``units`` attrs (mN·nm = 1e-12 J)."""
    lu = ds["load"].attrs.get("units")
    du = ds["displacement"].attrs.get("units")
    if lu not in _LOAD_TO_N or du not in _DEPTH_TO_M:
        raise AnalysisError(f"{function}: load units {lu!r} / displacement units {du!r} not "
                            f"understood (load: {sorted(_LOAD_TO_N)}; displacement: "
                            f"{sorted(_DEPTH_TO_M)})")
    return _LOAD_TO_N[lu] * _DEPTH_TO_M[du]


def load_to_mn(ds: xr.Dataset, function: str) -> float:
    lu = ds["load"].attrs.get("units")
    if lu not in _LOAD_TO_N:
        raise AnalysisError(f"{function}: load units {lu!r} not understood")
    return _LOAD_TO_N[lu] / 1e-3


def depth_to_nm(ds: xr.Dataset, function: str) -> float:
    du = ds["displacement"].attrs.get("units")
    if du not in _DEPTH_TO_M:
        raise AnalysisError(f"{function}: displacement units {du!r} not understood")
    return _DEPTH_TO_M[du] / 1e-9
