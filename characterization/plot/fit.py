"""Panels for peak-fit results (:func:`characterization.fit.fit_peaks` and the technique fits
built on it)."""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one
from .style import FIT_COLOR


def _signal_dim(result) -> str:
    dim = result.attrs.get("dim")
    if dim and dim in result["best_fit"].dims:
        return dim
    batch = set(result["success"].dims) if "success" in result else set()
    rest = [d for d in result["best_fit"].dims if d not in batch]
    return rest[-1]


def fit_result(result, *, data=None, var=None, index=None, ax=None, residual: bool = True,
               components: bool = True, legend: bool = True):
    """Data, best fit, components and residual of one fitted spectrum.

    Parameters
    ----------
    result : xarray.Dataset
        Output of a peak fit (``best_fit``, ``components`` ...).
    data : xarray.Dataset, optional
        The fitted input, to draw the measured points (the fit range is shown).
    var : str, optional
        Variable of ``data`` that was fitted (default: its technique's main variable).
    index : int or dict, optional
        Which spectrum of a batch (default: the first).
    ax : matplotlib Axes, optional
    residual : bool
        Add a residual strip below the panel.

    Returns
    -------
    matplotlib.axes.Axes
        The main panel.
    """
    import matplotlib.pyplot as plt

    dim = _signal_dim(result)
    sel = select_one(result["best_fit"], dim, index)
    best = result["best_fit"].isel(sel)
    x = best[dim]
    if ax is None:
        _, ax = plt.subplots()
    y = None
    if data is not None:
        from .. import conventions

        tech = data.attrs.get("technique")
        var = var or (conventions.TABLE[tech].main.name if tech in conventions.TABLE
                      and tech != "spectrum" else list(data.data_vars)[0])
        raw = data[var].isel({d: i for d, i in sel.items() if d in data[var].dims})
        y = raw.interp({dim: x.values}) if raw.sizes[dim] != x.size or not np.array_equal(
            raw[dim].values, x.values) else raw
        ax.plot(x, y, ".", color="0.35", ms=2, label="data", zorder=1)
    if components and "components" in result:
        comps = result["components"].isel(sel)
        cdim = [d for d in comps.dims if d != dim][0]
        names = [str(v) for v in comps[cdim].values]
        base = (comps.sel({cdim: "background"}).values if "background" in names
                else np.zeros(x.size))
        for name in names:
            c = comps.sel({cdim: name}).values
            if name == "background":
                ax.plot(x, c, "--", color="0.5", lw=0.8, label="background")
            else:
                ax.fill_between(x, base, base + c, alpha=0.3, lw=0.6, label=name)
    ax.plot(x, best, color=FIT_COLOR, lw=1.0, label="fit", zorder=3)
    ax.set_xlabel(axis_label(x, dim))
    ax.set_ylabel(axis_label(best if data is None else data[var], "intensity"))
    if legend:
        ax.legend(loc="upper left", ncol=1, fontsize="x-small", handlelength=1.2)
    if residual and y is not None:
        from ._strip import residual_strip

        residual_strip(ax, x.values, np.asarray(y) - best.values)
    return ax
