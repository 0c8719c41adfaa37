"""Panels for raw spectra/patterns of any technique."""

from __future__ import annotations

import numpy as np

from ._labels import axis_label


def stacked(ds, *, var: str | None = None, dim: str | None = None, offset: float | None = None,
            labels=None, normalize: bool = False, ax=None, legend: str = "ends", **line_kw):
    """Spectra of a batch stacked with a vertical offset.

    Parameters
    ----------
    ds : xarray.Dataset
        One batch dim (``sample``, ``spot`` ...) plus the signal dim.
    offset : float, optional
        Vertical step between curves (default: 1.1 × the largest curve range).
    labels : sequence of str or str, optional
        Curve labels, or the name of a coordinate on the batch dim (default: ``sample`` or
        ``source_file`` when present).
    normalize : bool
        Scale each curve to [0, 1] first.
    legend : {"ends", "box", "none"}
        Name each curve at its right end in its colour (default: never covers a curve), in a
        legend box, or not at all.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from pathlib import Path

    from .. import conventions

    tech = ds.attrs.get("technique")
    conv = conventions.TABLE.get(tech) if tech != "spectrum" else None
    dim = dim or (conv.signal.name if conv else ds.attrs.get("signal_dim"))
    var = var or (conv.main.name if conv else list(ds.data_vars)[0])
    da = ds[var]
    batch = [d for d in da.dims if d != dim]
    if len(batch) > 1:
        raise ValueError(f"stacked() takes one batch dim, {var!r} has {batch}")
    curves = [da] if not batch else [da.isel({batch[0]: i}) for i in range(da.sizes[batch[0]])]
    if labels is None and batch:
        for name in ("sample", "source_file"):
            if name in ds.coords and ds[name].dims == (batch[0],):
                labels = [Path(str(v)).name for v in ds[name].values]
                break
    elif isinstance(labels, str):
        labels = [str(v) for v in ds[labels].values]
    ys = []
    for c in curves:
        y = np.asarray(c.values, dtype=float)
        if normalize:
            lo, hi = np.nanmin(y), np.nanmax(y)
            y = (y - lo) / (hi - lo) if hi > lo else y - lo
        ys.append(y)
    if offset is None:
        offset = 1.1 * max(float(np.nanmax(y) - np.nanmin(y)) for y in ys) if ys else 0.0
    if ax is None:
        _, ax = plt.subplots()
    for i, (c, y) in enumerate(zip(curves, ys)):
        label = labels[i] if labels is not None else None
        ax.plot(c[dim].values, y + i * offset, label=label, **line_kw)
    ax.set_xlabel(axis_label(da[dim], dim))
    if normalize:
        name = axis_label(da, var).split(" (")[0]
        ax.set_ylabel(f"{name} (norm." + (", offset)" if len(curves) > 1 else ")"))
        if len(curves) > 1 and offset:
            ax.set_yticks([])          # offset normalised curves: tick values mean nothing
            ax.minorticks_off()
            ax.xaxis.set_minor_locator(_auto_minor())
    else:
        ax.set_ylabel(axis_label(da, var) + (", offset" if len(curves) > 1 else ""))
    if labels is not None and legend == "box":
        ax.legend(loc="best")
    elif labels is not None and legend == "ends":
        label_curve_ends(ax)
    return ax


def _auto_minor():
    from matplotlib.ticker import AutoMinorLocator

    return AutoMinorLocator()


def label_curve_ends(ax, *, fontsize: float = 5.5):
    """Write each labelled line's name above its right end, in its colour."""
    for line in ax.get_lines():
        name = line.get_label()
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
        if name.startswith("_") or not np.isfinite(y).any():
            continue
        right = int(np.nanargmax(x))
        tail = y[np.abs(np.arange(y.size) - right) <= max(1, y.size // 4)]
        ax.annotate(name, (float(x[right]), float(np.nanmax(tail))), xytext=(-1, 1),
                    textcoords="offset points", ha="right", va="bottom",
                    color=line.get_color(), fontsize=fontsize)
