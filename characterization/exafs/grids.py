r"""Energy grids of μ(E) spectra: resample onto a common or a standard EXAFS grid
(``exafs.resample``) and combine spectra measured on different points into one batch
(:func:`combine`).

Interpolation is explicit and recorded (method, grid) — spectra are never put on a shared axis
silently. Points of the new grid outside a spectrum's data are NaN (no extrapolation).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _kernels as K


def standard_grid(e0: float, *, e_min: float, e_max: float, pre_step: float = 5.0,
                  xanes_range=(-30.0, 30.0), xanes_step: float = 0.5,
                  k_step: float = 0.05) -> np.ndarray:
    """The standard EXAFS grid: ``pre_step`` below E0−30, ``xanes_step`` to E0+30, then k_step."""
    lo, hi = xanes_range
    pre = np.arange(e0 + lo - pre_step * np.floor((e0 + lo - e_min) / pre_step), e0 + lo,
                    pre_step)
    xanes = np.arange(e0 + lo, e0 + hi, xanes_step)
    k0 = float(K.etok(hi))
    kmax = float(K.etok(max(e_max - e0, hi)))
    k = np.arange(k0, kmax + 1e-9, k_step)
    grid = np.concatenate([pre, xanes, e0 + K.ktoe(k)])
    return grid[(grid >= e_min - 1e-9) & (grid <= e_max + 1e-9)]


def _interp_kernel(y, *, x, new):
    shape = y.shape[:-1]
    flat = y.reshape(-1, y.shape[-1])
    out = np.full((flat.shape[0], new.size), np.nan)
    for b in range(flat.shape[0]):
        ok = np.isfinite(flat[b]) & np.isfinite(x)
        if ok.sum() < 2:
            continue
        xs, ys = x[ok], flat[b][ok]
        out[b] = np.interp(new, xs, ys, left=np.nan, right=np.nan)
    return out.reshape(shape + (new.size,))


def interpolate(ds: xr.Dataset, dim: str, new: np.ndarray) -> xr.Dataset:
    """Every float variable on ``dim`` linearly interpolated onto ``new`` (NaN outside)."""
    new = np.asarray(new, dtype=float)
    x = np.asarray(ds[dim].values, dtype=float)
    out = ds.drop_dims(dim)
    for name, v in ds.data_vars.items():
        if dim not in v.dims:
            continue
        if v.dtype.kind == "f":
            res = apply_kernel(_interp_kernel, v, input_core_dims=[[dim]],
                               output_core_dims=[[f"{dim}_new"]], exclude_dims={dim},
                               output_sizes={f"{dim}_new": new.size},
                               kwargs={"x": x, "new": new})
            out[name] = res.rename({f"{dim}_new": dim}).assign_attrs(v.attrs)
        # non-float variables on the old axis (masks) have no meaning on the new one
    out = out.assign_coords({dim: (dim, new, dict(ds[dim].attrs))})
    return out.transpose(*[d for d in ds.dims if d in out.dims],
                         *[d for d in out.dims if d not in ds.dims])


@public("exafs", batch_dim="sample", transform=True, headline=())
def resample(ds: xr.Dataset, *, energy=None, e0=None, k_step: float = 0.05,
             dim: str | None = None, var: str | None = None) -> xr.Dataset:
    r"""Resample every variable on energy onto a new grid (linear interpolation, recorded).

    .. math::

        y'(E'_j) = y(E_i) + \frac{y(E_{i+1}) - y(E_i)}{E_{i+1} - E_i}\,(E'_j - E_i),
        \qquad E_i \le E'_j \le E_{i+1}

    Parameters
    ----------
    ds : xarray.Dataset
        Spectra on ``energy`` (any batch dims).
    energy : array_like, optional
        The new grid (eV). None: the standard EXAFS grid around ``e0`` (5 eV below E0−30 eV,
        0.5 eV up to E0+30 eV, then constant ``k_step`` steps in k) over the data's span.
    e0 : float, optional
        Edge energy of the standard grid (default the ``edge_energy`` coordinate).
    k_step : float
        k step of the standard grid (1/angstrom).
    dim, var : str, optional
        Signal dim and main variable (default ``energy``, ``mu``).

    Returns
    -------
    xarray.Dataset
        The input's float variables on the new ``energy`` (NaN outside each spectrum's data;
        never extrapolated); ``attrs["parameters"]`` records the grid and ``"linear"``.

    Notes
    -----
    Assumptions: μ varies smoothly between measured points. Limitations: linear only; a grid
    coarser than the data aliases noise (no binning/averaging, see larch ``rebin_xafs``).

    References
    ----------
    B. Ravel & M. Newville, J. Synchrotron Rad. 12, 537 (2005) (standard EXAFS grids).

    Examples
    --------
    >>> from characterization import exafs, synthetic
    >>> ds = synthetic.xas_spectra(2, seed=0)
    >>> out = exafs.resample(ds, k_step=0.1)
    >>> out.sizes["energy"] < ds.sizes["energy"]
    True
    """
    fname = "exafs.resample"
    x = np.asarray(ds[dim].values, dtype=float)
    if energy is None:
        if e0 is None:
            if "edge_energy" not in ds.coords:
                raise AnalysisError(f"{fname}: give energy= or e0= (the Dataset has no "
                                    "edge_energy coordinate)")
            e0 = float(ds["edge_energy"].values)
        new = standard_grid(float(e0), e_min=float(np.nanmin(x)), e_max=float(np.nanmax(x)),
                            k_step=k_step)
        grid = {"grid": "standard", "e0": float(e0), "k_step": k_step}
    else:
        new = np.asarray(energy, dtype=float)
        if new.ndim != 1 or new.size < 2 or np.any(np.diff(new) <= 0):
            raise AnalysisError(f"{fname}: energy must be a strictly increasing 1-D grid")
        grid = {"grid": "given", "n_points": int(new.size)}
    out = interpolate(ds, dim, new)
    out.attrs["method"] = "linear interpolation"
    out.attrs["parameters"] = {"interpolation": "linear", **grid}
    return out


def combine(spectra, *, dim: str = "sample", energy=None, labels=None) -> xr.Dataset:
    """Spectra with different energy points (a DataTree, a list or a dict of Datasets) as one
    batched Dataset along ``dim``, each linearly interpolated onto one grid.

    Parameters
    ----------
    spectra : xarray.DataTree, list of Dataset or dict of Dataset
        One μ(E) Dataset per spectrum (each with an ``energy`` dim).
    dim : str
        New batch dim.
    energy : array_like, optional
        The common grid (eV); default the points of the first spectrum clipped to the
        energy span all spectra share (interpolation only, never extrapolation).
    labels : sequence, optional
        Coordinate values along ``dim`` (default the DataTree child names / dict keys /
        indices).

    Returns
    -------
    xarray.Dataset
        Float variables present in every spectrum, on the common ``energy``; each spectrum's
        original grid is recorded in ``attrs["combined_from"]`` (JSON: label, number of
        points, first and last energy) and the interpolation in ``attrs["interpolation"]``.

    Examples
    --------
    >>> from characterization import exafs, synthetic
    >>> a = synthetic.xas_spectra(1, seed=0).isel(sample=0)
    >>> b = a.isel(energy=slice(1, None, 2))
    >>> exafs.combine([a, b]).mu.shape[0]
    2
    """
    if isinstance(spectra, xr.DataTree):
        items = [(name, node.to_dataset()) for name, node in spectra.children.items()]
    elif isinstance(spectra, dict):
        items = list(spectra.items())
    else:
        items = list(enumerate(spectra))
    if not items:
        raise AnalysisError("exafs.combine: no spectra")
    for name, ds in items:
        if "energy" not in ds.dims:
            raise AnalysisError(f"exafs.combine: spectrum {name!r} has no energy dim")
    lo = max(float(np.nanmin(ds["energy"].values)) for _, ds in items)
    hi = min(float(np.nanmax(ds["energy"].values)) for _, ds in items)
    if energy is None:
        first = np.asarray(items[0][1]["energy"].values, dtype=float)
        energy = first[(first >= lo) & (first <= hi)]
    energy = np.asarray(energy, dtype=float)
    common = set.intersection(*(
        {n for n, v in ds.data_vars.items() if "energy" in v.dims and v.dtype.kind == "f"}
        for _, ds in items))
    parts = []
    for name, ds in items:
        keep = ds[[n for n in ds.data_vars if n in common]]
        parts.append(interpolate(keep, "energy", energy))
    out = xr.concat(parts, dim=dim, coords="different", compat="equals",
                    combine_attrs="drop_conflicts")
    names = list(labels) if labels is not None else [str(n) for n, _ in items]
    out = out.assign_coords({dim: (dim, names)})
    out.attrs["combined_from"] = json.dumps([
        {"label": str(n), "n_points": int(ds.sizes["energy"]),
         "first": float(ds["energy"].values[0]), "last": float(ds["energy"].values[-1])}
        for n, ds in items])
    out.attrs["interpolation"] = "linear (exafs.combine)"
    return out
