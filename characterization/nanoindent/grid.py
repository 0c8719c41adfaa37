r"""Indentation grids: per-indent quality and robust-outlier flags, and maps on the X/Y grid."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._api import public
from ..errors import AnalysisError

__all__ = ["grid_map"]

#: robust z of the normal distribution: MAD * 1.4826 estimates sigma
_MAD_TO_SIGMA = 1.4826


def _robust_z(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    if finite.sum() < 3:
        return np.full(values.shape, np.nan)
    med = np.median(values[finite])
    mad = np.median(np.abs(values[finite] - med)) * _MAD_TO_SIGMA
    if not mad > 0:
        return np.where(finite, 0.0, np.nan)
    return (values - med) / mad


def _cluster(positions: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Centers of positions closer than ``tolerance`` (1-D) and each position's cluster."""
    order = np.argsort(positions)
    sorted_pos = positions[order]
    breaks = np.r_[True, np.diff(sorted_pos) > tolerance]
    labels_sorted = np.cumsum(breaks) - 1
    labels = np.empty_like(labels_sorted)
    labels[order] = labels_sorted
    centers = np.array([sorted_pos[labels_sorted == k].mean()
                        for k in range(labels_sorted.max() + 1)])
    return centers, labels


@public("nanoindent", batch_dim=None, headline=("outlier", "quality_ok"))
def grid_map(ds: xr.Dataset, *, variables=("hardness", "modulus", "elastic_fraction",
                                            "plastic_work"),
             threshold: float = 3.5, position_tolerance: float = 0.5,
             dim: str = "indent") -> xr.Dataset:
    r"""Maps of per-indent results on the indentation grid, with outlier and quality flags.

    Every indent gets, per variable, the robust z-score

    .. math:: z_i = \frac{v_i - \operatorname{median}(v)}{1.4826\,\operatorname{MAD}(v)}

    (MAD: median absolute deviation; 1.4826 MAD estimates σ for normal scatter, so the score
    is not pulled by the outliers it is meant to find [1]_), and is flagged ``outlier`` when
    :math:`|z| >` ``threshold`` in any variable (3.5 as recommended by Iglewicz and Hoaglin).
    ``quality_ok`` is False for an indent whose analysis failed (``success`` False in the
    input) or whose value is NaN. The indents are then placed on the regular grid of their
    positions (``x``/``y`` coordinates, µm; positions within ``position_tolerance`` are one
    row/column) and every variable becomes a 2-D map ``map_<variable>`` on
    (``grid_y``, ``grid_x``); a grid node with no indent is NaN, several indents on one node
    are averaged.

    Parameters
    ----------
    ds : xarray.Dataset
        Per-indent results along ``dim`` (e.g. :func:`oliver_pharr` merged with
        :func:`energies`), with coordinates ``x`` and ``y`` (µm) on ``dim``; an optional
        ``success`` variable.
    variables : sequence of str
        Result variables to map and screen; the ones absent from ``ds`` are skipped (at least
        one must exist).
    threshold : float
        Robust |z| above which an indent is an outlier.
    position_tolerance : float
        Positions closer than this (µm) are the same grid row/column.
    dim : str
        The indent dim.

    Returns
    -------
    xarray.Dataset
        Along ``dim``: ``robust_z_<variable>``, ``outlier``, ``quality_ok``, ``grid_row`` and
        ``grid_column`` (indices on the maps); ``map_<variable>`` on (``grid_y``, ``grid_x``)
        with those coordinates in µm.

    Notes
    -----
    Limitations: positions are taken as a rectangular (possibly incomplete) grid; a rotated
    or irregular pattern gives a sparse map (use the per-indent values with their x/y). The
    screening is per variable and pooled over the whole grid: a two-phase sample with a
    large second-phase fraction has a wide MAD and few outliers, as it should.

    References
    ----------
    .. [1] B. Iglewicz, D. C. Hoaglin, How to Detect and Handle Outliers, ASQC (1993).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> h = xr.DataArray(np.r_[9.0, 9.1, 8.9, 9.0, 20.0, 9.05], dims="indent")
    >>> ds = xr.Dataset({"hardness": h}, coords={
    ...     "x": ("indent", [0.0, 10, 20, 0, 10, 20]), "y": ("indent", [0.0, 0, 0, 10, 10, 10])})
    >>> out = grid_map(ds, variables=["hardness"])
    >>> out.outlier.values.tolist()
    [False, False, False, False, True, False]
    >>> out.map_hardness.shape
    (2, 3)
    """
    if dim not in ds.dims:
        raise AnalysisError(f"nanoindent.grid_map: dim {dim!r} not in {tuple(ds.dims)}")
    for name in ("x", "y"):
        if name not in ds.coords and name not in ds.data_vars:
            raise AnalysisError(f"nanoindent.grid_map: needs indent positions {name!r} "
                                f"(µm) on {dim!r}")
    names = [v for v in variables if v in ds.data_vars]
    if not names:
        raise AnalysisError(f"nanoindent.grid_map: none of {list(variables)} in the Dataset "
                            f"(has {sorted(ds.data_vars)})")
    if not threshold > 0 or not position_tolerance > 0:
        raise AnalysisError("nanoindent.grid_map: threshold and position_tolerance must be > 0")
    x = np.asarray(ds["x"].values, float)
    y = np.asarray(ds["y"].values, float)
    placed = np.isfinite(x) & np.isfinite(y)
    if not placed.any():
        raise AnalysisError("nanoindent.grid_map: no indent has finite x/y positions")
    xc, col = _cluster(x[placed], position_tolerance)
    yc, row = _cluster(y[placed], position_tolerance)
    rows = np.full(x.shape, -1)
    cols = np.full(x.shape, -1)
    rows[placed], cols[placed] = row, col
    success = (np.asarray(ds["success"].values, bool) if "success" in ds.data_vars
               else np.ones(x.shape, bool))
    quality = success & placed
    outlier = np.zeros(x.shape, bool)
    out = {}
    for name in names:
        values = np.asarray(ds[name].values, float)
        if values.shape != x.shape:
            raise AnalysisError(f"nanoindent.grid_map: {name!r} must be one value per indent")
        values = np.where(success, values, np.nan)
        quality &= np.isfinite(values)
        z = _robust_z(values)
        outlier |= np.abs(np.nan_to_num(z)) > threshold
        grid_sum = np.zeros((yc.size, xc.size))
        grid_n = np.zeros((yc.size, xc.size))
        ok = placed & np.isfinite(values)
        np.add.at(grid_sum, (rows[ok], cols[ok]), values[ok])
        np.add.at(grid_n, (rows[ok], cols[ok]), 1)
        mapped = np.where(grid_n > 0, grid_sum / np.maximum(grid_n, 1), np.nan)
        units = ds[name].attrs.get("units", "")
        long_name = ds[name].attrs.get("long_name", name)
        out[f"robust_z_{name}"] = xr.DataArray(
            z, dims=dim, attrs={"units": "1", "long_name": f"Robust z-score of {long_name}"})
        out[f"map_{name}"] = xr.DataArray(
            mapped, dims=("grid_y", "grid_x"), attrs={"units": units,
                                                      "long_name": f"Map of {long_name}"})
    out["outlier"] = xr.DataArray(outlier, dims=dim, attrs={
        "units": "", "long_name": f"Robust |z| > {threshold:g} in any mapped variable"})
    out["quality_ok"] = xr.DataArray(quality, dims=dim, attrs={
        "units": "", "long_name": "Analysis succeeded and values finite"})
    out["grid_row"] = xr.DataArray(rows, dims=dim, attrs={"units": "1",
                                                          "long_name": "Row on the map (-1: none)"})
    out["grid_column"] = xr.DataArray(cols, dims=dim, attrs={
        "units": "1", "long_name": "Column on the map (-1: none)"})
    coords = {"grid_x": ("grid_x", xc, {"units": "µm", "long_name": "Grid X position"}),
              "grid_y": ("grid_y", yc, {"units": "µm", "long_name": "Grid Y position"})}
    if dim in ds.coords:
        index = ds[dim].variable.copy()
        index.attrs.setdefault("units", "1")
        coords[dim] = index
    result = xr.Dataset(out, coords=coords)
    result = result.assign_coords(x=(dim, x, {"units": "µm", "long_name": "X position"}),
                                  y=(dim, y, {"units": "µm", "long_name": "Y position"}))
    result.attrs["method"] = "robust_z_mad"
    result.attrs["parameters"] = {"variables_mapped": names}
    return result
