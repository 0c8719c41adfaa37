"""Run a numpy isotherm kernel over a Dataset's batch dims, eager or with dask.

The sorption kernels work on 2-D numpy arrays ``(batch, point)``: relative pressure, amount
(mmol/g) and a branch mask, NaN-padded where isotherms of a batch have different
lengths. :func:`apply_isotherm_kernel` stacks any leading batch dims, broadcasts the point
coordinates (which may be 1-D or per-sample), calls the kernel, and wraps the outputs back into
DataArrays with units. It is the isotherm adapter of the package's one kernel wrapper,
:func:`characterization._apply.apply_kernel`: with dask-chunked input the kernel is mapped
lazily over chunks of the batch dims, and the numbers equal the eager ones.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np
import xarray as xr

from .._apply import apply_kernel
from ..errors import AnalysisError


@dataclasses.dataclass(frozen=True)
class Output:
    """One kernel output: name, extra core dims (with sizes), dtype, units, long name.

    A size of ``None`` means "as many as the input has points" (for per-point outputs on the
    ``point`` dim such as the mask of points used).
    """

    name: str
    units: str
    long_name: str
    dims: tuple[str, ...] = ()
    sizes: tuple[int, ...] = ()
    dtype: type = float
    coords: dict | None = None


def isotherm_arrays(ds: xr.Dataset, branch: str = "adsorption"):
    """``(relative_pressure, amount, mask)`` DataArrays broadcast to ``amount``'s dims.

    ``mask`` is True on the requested branch where both values are finite.
    """
    for name in ("amount",):
        if name not in ds.data_vars:
            raise AnalysisError(f"isotherm Dataset has no {name!r} variable "
                                f"(variables: {list(ds.data_vars)})")
    if "relative_pressure" not in ds.coords and "relative_pressure" not in ds.data_vars:
        raise AnalysisError("isotherm Dataset has no 'relative_pressure' coordinate")
    units = ds["amount"].attrs.get("units")
    if units not in ("mmol/g", "mmol / g", "millimole / gram"):
        raise AnalysisError(f"amount is in {units!r}; the sorption analyses expect mmol/g "
                            "(read files with characterization.read, which converts explicitly)")
    if branch not in ("adsorption", "desorption"):
        raise AnalysisError(f"branch must be 'adsorption' or 'desorption', not {branch!r}")
    amount = ds["amount"]
    x = ds["relative_pressure"].broadcast_like(amount)
    if "branch" in ds.coords or "branch" in ds.data_vars:
        br = ds["branch"].broadcast_like(amount)
        on_branch = br.astype(str) == branch
    else:
        on_branch = xr.ones_like(amount, dtype=bool) if branch == "adsorption" else \
            xr.zeros_like(amount, dtype=bool)
    mask = on_branch & np.isfinite(x) & np.isfinite(amount)
    if branch == "desorption":
        mask = mask | _turning_point(x, amount, on_branch)
    return x, amount, mask


def _turning_point(x, amount, on_desorption):
    """Mask of the highest-pressure adsorption point when it lies above every desorption point.

    Desorption starts from the top of the isotherm: instruments record that point once, on the
    adsorption branch, so the desorption branch used by pore-volume and BJH analyses includes
    it (as Micromeritics' desorption reports do).
    """
    finite = np.isfinite(x) & np.isfinite(amount)
    xa = x.where(~on_desorption & finite)
    xd = x.where(on_desorption & finite)
    top = xa.max("point")
    is_top = (x == top) & ~on_desorption & finite
    above = top > xd.max("point").fillna(-np.inf)
    # only the first point at the top pressure, and only where it is above the branch
    first = is_top & (is_top.cumsum("point") == 1)
    return first & above


def apply_isotherm_kernel(ds: xr.Dataset, kernel: Callable, outputs: list[Output], *,
                          branch: str = "adsorption", per_sample: dict | None = None,
                          **kwargs) -> xr.Dataset:
    """Apply ``kernel(x, n, mask, **kwargs) -> tuple of arrays`` over the batch dims.

    ``x``, ``n``, ``mask`` reach the kernel as ``(B, P)`` float/float/bool arrays (B may be 1);
    the kernel returns one array per :class:`Output`, shaped ``(B, *output.sizes)``.

    ``per_sample`` maps keyword names to DataArrays over (a subset of) the batch dims (e.g. a
    per-sample temperature); each reaches the kernel as a float array of shape ``(B,)``,
    chunked like the isotherms under dask.
    """
    x, n, mask = (a.drop_vars([c for c in a.coords if c not in a.dims])
                  for a in isotherm_arrays(ds, branch))
    batch = [d for d in n.dims if d != "point"]
    names = list(per_sample or {})
    extras = []
    for name in names:
        da = per_sample[name]
        if not isinstance(da, xr.DataArray):
            da = xr.DataArray(da)
        if not set(da.dims) <= set(batch):
            raise AnalysisError(f"per-sample input {name!r} has dims {da.dims}, not a subset "
                                f"of the batch dims {batch}")
        template = n.isel(point=0, drop=True).reset_coords(drop=True)
        extras.append(da.reset_coords(drop=True).astype(float).broadcast_like(template))

    def flat_kernel(xa, na, ma, *ea):
        shape = xa.shape[:-1]
        b = int(np.prod(shape)) if shape else 1
        more = {k: np.asarray(e, dtype=float).reshape(b) for k, e in zip(names, ea)}
        res = kernel(xa.reshape(b, -1).astype(float), na.reshape(b, -1).astype(float),
                     ma.reshape(b, -1).astype(bool), **more, **kwargs)
        arrays = tuple(np.asarray(r, dtype=o.dtype).reshape(
            (*shape, *[xa.shape[-1] if s is None else s for s in o.sizes]))
            for r, o in zip(res, outputs))
        return arrays[0] if len(outputs) == 1 else arrays  # a single output is not a tuple

    result = apply_kernel(
        flat_kernel, x, n, mask, *extras,
        input_core_dims=[["point"], ["point"], ["point"]] + [[] for _ in extras],
        output_core_dims=[list(o.dims) for o in outputs],
        output_dtypes=[o.dtype for o in outputs],
        output_sizes={d: s for o in outputs for d, s in zip(o.dims, o.sizes) if s is not None})
    if len(outputs) == 1:
        result = (result,)
    data = {}
    for o, da in zip(outputs, result):
        da = da.assign_attrs(units=o.units, long_name=o.long_name)
        if o.coords:
            da = da.assign_coords(o.coords)
        data[o.name] = da
    out = xr.Dataset(data)
    allowed = set(batch) | ({"point"} if "point" in out.dims else set())
    keep = {k: v for k, v in ds.coords.items() if set(v.dims) <= allowed}
    return out.assign_coords(keep)
