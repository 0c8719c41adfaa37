"""Panels for mapped results of any technique: image with a scale bar, and histogram."""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from .style import FIT_COLOR, MAIN_COLOR

_NICE = (1, 2, 5)


def nice_length(span: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k) close to a fifth of ``span``."""
    target = abs(span) / 5.0
    if not np.isfinite(target) or target <= 0:
        return 1.0
    exponent = np.floor(np.log10(target))
    base = target / 10**exponent
    factor = min(_NICE, key=lambda f: abs(f - base))
    return float(factor * 10**exponent)


def _scale_bar(ax, length: float, units: str, x0: float, x1: float, y0: float, y1: float):
    """Draw a horizontal scale bar of ``length`` (data units) in the lower left corner."""
    pad_x = 0.05 * (x1 - x0)
    pad_y = 0.07 * (y1 - y0)
    xs = x0 + pad_x
    ys = y0 + pad_y
    ax.plot([xs, xs + length], [ys, ys], color="white", lw=3, solid_capstyle="butt")
    ax.plot([xs, xs + length], [ys, ys], color="black", lw=1.2, solid_capstyle="butt")
    label = f"{length:g} {units}".strip()
    ax.text(xs + length / 2, ys + 0.6 * pad_y, label, ha="center", va="bottom", fontsize=6,
            color="black", bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1})


def map_image(ds, var: str, *, ax=None, cmap: str = "viridis", robust: bool = True,
              scale_bar: bool = True, colorbar: bool = True, vmin=None, vmax=None):
    """Image of a mapped variable on its (y, x) stage coordinates.

    Parameters
    ----------
    ds : xarray.Dataset
        A result (or data) with ``var`` on dims ``("y", "x")`` (other dims must be selected
        first) and numeric ``x``/``y`` coordinates (µm).
    robust : bool
        Colour limits from the 2nd and 98th percentiles (outliers such as failed fits do not
        wash out the map); NaN pixels (failed fits) are shown transparent.
    scale_bar : bool
        Draw a scale bar in the units of the ``x`` coordinate instead of relying on ticks.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    da = ds[var]
    if set(da.dims) != {"y", "x"}:
        raise ValueError(f"map_image needs {var!r} on dims ('y', 'x'); it has {da.dims}: "
                         "select the other dims first")
    da = da.transpose("y", "x")
    values = np.asarray(da.values, dtype=float)
    xs = np.asarray(ds["x"].values, dtype=float) if "x" in ds.coords else np.arange(da.sizes["x"])
    ys = np.asarray(ds["y"].values, dtype=float) if "y" in ds.coords else np.arange(da.sizes["y"])
    finite = values[np.isfinite(values)]
    if robust and finite.size:
        lo, hi = np.percentile(finite, [2, 98])
        vmin = lo if vmin is None else vmin
        vmax = hi if vmax is None else vmax
    dx = (xs[1] - xs[0]) if xs.size > 1 else 1.0
    dy = (ys[1] - ys[0]) if ys.size > 1 else 1.0
    extent = (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)
    if ax is None:
        _, ax = plt.subplots()
    image = ax.imshow(np.ma.masked_invalid(values), origin="lower", extent=extent, cmap=cmap,
                      vmin=vmin, vmax=vmax, aspect="equal", interpolation="nearest")
    units = ds["x"].attrs.get("units", "") if "x" in ds.coords else "px"
    if scale_bar:
        x0, x1 = sorted(extent[:2])
        y0, y1 = sorted(extent[2:])
        _scale_bar(ax, nice_length(x1 - x0), "µm" if units in ("um", "µm", "micrometer")
                   else units, x0, x1, y0, y1)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        ax.set_xlabel(axis_label(ds["x"], "x"))
        ax.set_ylabel(axis_label(ds["y"], "y"))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=axis_label(da, var), shrink=0.85)
    return ax


def histogram(ds, var: str, *, ax=None, bins="auto", stats: bool = True, **hist_kw):
    """Histogram of a variable over all its batch elements (map pixels, samples).

    NaN values (failed fits) are excluded and counted in the annotation, together with the
    median and the interquartile range.
    """
    import matplotlib.pyplot as plt

    da = ds[var]
    values = np.asarray(da.values, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    if ax is None:
        _, ax = plt.subplots()
    counts, _, _ = ax.hist(finite, bins=bins, color=MAIN_COLOR, alpha=0.8, **hist_kw)
    if stats and finite.size:
        ax.set_ylim(0, 1.45 * float(np.max(counts)))          # headroom for the statistics
    ax.set_xlabel(axis_label(da, var))
    ax.set_ylabel("Count")
    if stats and finite.size:
        q1, med, q3 = np.percentile(finite, [25, 50, 75])
        ax.axvline(med, color=FIT_COLOR, lw=0.8)
        text = f"median {med:.3g}\nIQR {q1:.3g}–{q3:.3g}\nn = {finite.size}"
        if finite.size < values.size:
            text += f" ({values.size - finite.size} NaN)"
        ax.text(0.97, 0.95, text, transform=ax.transAxes, ha="right", va="top", fontsize=6)
    return ax
