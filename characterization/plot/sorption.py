"""Panels for gas-sorption isotherms and their analyses."""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one
from .style import FIT_COLOR, MAIN_COLOR, SECOND_COLOR


def _one(ds, index):
    """One isotherm of a batch: (x, n, branch) numpy arrays and the isel dict used."""
    n_da = ds["amount"]
    sel = select_one(n_da, "point", index)
    x = ds["relative_pressure"].broadcast_like(n_da).isel(sel).values
    n = n_da.isel(sel).values
    if "branch" in ds.coords:
        br = ds["branch"].broadcast_like(n_da).isel(sel).values.astype(str)
    else:
        br = np.full(x.shape, "adsorption")
    return x, n, br, sel


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def isotherm(ds, *, data=None, index=None, log: bool = False, ax=None, label=None,
             color=None, marker: str = "o", legend: bool = True):
    """Isotherm of one sample: adsorption (filled, solid) and desorption (open, dashed)
    branches, in one colour (the sample's), so several samples on one axes stay told apart.

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``data`` is accepted as an alias so
        the panel can be called like the result panels).
    log : bool
        Logarithmic p/p0 axis (shows micropore filling).
    color : matplotlib colour, optional
        Colour of both branches; default: the axes' next colour. For more than ten samples on
        one axes use :func:`isotherms` (colours from :func:`characterization.plot.colors_for`).
    marker : str
        Marker of both branches.
    legend : bool
        Draw the legend.
    """
    from .style import state_style

    ds = ds if "amount" in ds else data
    ax = _axes(ax)
    x, n, br, _ = _one(ds, index)
    for name in ("adsorption", "desorption"):
        on = (br == name) & np.isfinite(x) & np.isfinite(n) & (x > 0)
        if on.any():
            order = np.argsort(x[on]) if name == "adsorption" else np.arange(on.sum())
            kw = {} if color is None else {"color": color}
            (line,) = ax.plot(x[on][order], n[on][order], marker=marker, ms=2.5, lw=0.8,
                              label=f"{label + ' ' if label else ''}{name}",
                              **state_style(name), **kw)
            color = line.get_color()
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(axis_label(ds["relative_pressure"]))
    ax.set_ylabel(axis_label(ds["amount"]))
    if legend:
        ax.legend(loc="best")
    return ax


def _sample_names(ds, dim):
    from pathlib import Path

    for name in ("sample", "source_file"):
        if name in ds.coords and ds[name].dims == (dim,):
            return [Path(str(v)).name for v in ds[name].values]
    return [str(i + 1) for i in range(ds.sizes[dim])]


def isotherms(ds, *, labels=None, log: bool = False, ax=None, colors=None):
    """Isotherms of every sample of a batch on one axes: one colour per sample (the same as in
    the other panels of the set, :func:`characterization.plot.colors_for`), adsorption filled
    and solid, desorption open and dashed; the legend names samples and branches once.

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherms with one batch dim (``sample``).
    labels : sequence of str, optional
        Sample names (default the ``sample`` or ``source_file`` coordinate).
    log : bool
        Logarithmic p/p0 axis.
    colors : dict, optional
        ``{label: {"color", "linestyle", "marker"}}`` shared with other panels (default
        ``colors_for(labels)``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.lines import Line2D

    from .style import colors_for, state_style

    ax = _axes(ax)
    batch = [d for d in ds["amount"].dims if d != "point"]
    if len(batch) > 1:
        raise ValueError(f"isotherms() takes one batch dim, 'amount' has {batch}")
    n = ds.sizes[batch[0]] if batch else 1
    labels = list(labels) if labels is not None else (
        _sample_names(ds, batch[0]) if batch else [""])
    colors = colors or colors_for(labels)
    handles = []
    for i, name in enumerate(labels[:n]):
        kw = colors[name]
        isotherm(ds, index=i, log=log, ax=ax, color=kw["color"], marker=kw["marker"],
                 legend=False)
        handles.append(Line2D([], [], color=kw["color"], marker=kw["marker"], ms=2.5, lw=0.8,
                              label=name))
    for branch in ("adsorption", "desorption"):
        handles.append(Line2D([], [], color="0.3", marker="o", ms=2.5, lw=0.8, label=branch,
                              **state_style(branch)))
    ax.legend(handles=handles, loc="upper left", ncol=1)
    return ax


def bet_plot(result, *, data, index=None, ax=None, rouquerol: bool = True):
    """Linear BET plot with the chosen range highlighted, and the Rouquerol plot beside it.

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.sorption.bet`.
    data : xarray.Dataset
        The isotherm(s) analysed.
    rouquerol : bool
        Add an inset with n(1 − p/p0) against p/p0 and the range marked.
    """
    ax = _axes(ax)
    x, n, br, sel = _one(data, index)
    res = result.isel({d: i for d, i in sel.items() if d in result.dims})
    used = res["used"].values.astype(bool) if "used" in res else np.zeros(x.size, bool)
    ads = (br == "adsorption") & (x > 0) & (x < 1) & (n > 0)
    hi = float(res["p_max"]) if np.isfinite(res["p_max"]) else 0.35
    show = ads & (x <= max(0.5, 1.5 * hi))
    y = x / (n * (1 - x))
    ax.plot(x[show & ~used], y[show & ~used], "o", fillstyle="none", color="0.5", ms=3,
            label="not used")
    ax.plot(x[used], y[used], "o", color=MAIN_COLOR, ms=3, label="BET range")
    if bool(res["success"]):
        xx = np.linspace(0, float(res["p_max"]) * 1.1, 50)
        ax.plot(xx, float(res["intercept"]) + float(res["slope"]) * xx, color=FIT_COLOR, lw=0.8,
                label=(f"S = {float(res['bet_area']):.4g} m² g⁻¹, "
                       f"C = {float(res['c_constant']):.3g}"))
    ax.set_xlabel(axis_label(data["relative_pressure"]))
    ax.set_ylabel("p/[n(p$_0$ − p)] (g mmol$^{-1}$)")
    ax.legend(loc="upper left")
    if rouquerol:
        inset = ax.inset_axes([0.6, 0.1, 0.37, 0.37])
        order = np.argsort(x[ads])
        inset.plot(x[ads][order], (n * (1 - x))[ads][order], ".-", color="0.4", ms=2, lw=0.5)
        inset.plot(x[used], (n * (1 - x))[used], "o", color=MAIN_COLOR, ms=2)
        inset.set_xscale("log")
        inset.set_title("n(1 − p/p$_0$)", fontsize=6)
        inset.tick_params(labelsize=5)
    return ax


def tplot_plot(result, *, data, index=None, ax=None, thickness="harkins_jura"):
    """t-plot: amount against film thickness with the fitted line and the range used."""
    from ..sorption.thickness import thickness_function

    ax = _axes(ax)
    x, n, br, sel = _one(data, index)
    res = result.isel({d: i for d, i in sel.items() if d in result.dims})
    ads = (br == "adsorption") & (x > 0) & (x < 1)
    t = np.full(x.shape, np.nan)
    t[ads] = thickness_function(thickness)(x[ads])
    used = res["used"].values.astype(bool)
    ax.plot(t[ads & ~used], n[ads & ~used], "o", fillstyle="none", color="0.5", ms=3)
    ax.plot(t[used], n[used], "o", color=MAIN_COLOR, ms=3, label="fitted")
    if np.isfinite(res["slope"]):
        tt = np.linspace(0, np.nanmax(t), 50)
        ax.plot(tt, float(res["intercept"]) + float(res["slope"]) * tt, color=FIT_COLOR, lw=0.8,
                label=(f"S$_{{ext}}$ = {float(res['external_area']):.4g} m² g⁻¹, V$_µ$ = "
                       f"{float(res['micropore_volume']):.3g} cm³ g⁻¹"))
    ax.set_xlabel("Statistical thickness t (nm)")
    ax.set_ylabel(axis_label(data["amount"]))
    ax.legend(loc="upper left")
    return ax


def psd_plot(result, *, data=None, index=None, ax=None, log_derivative: bool = True,
             cumulative: bool = True, labels=None, colors=None):
    """Pore-size distribution (dV/dlogD or dV/dD) with the cumulative volume on a twin axis.

    Parameters
    ----------
    result : xarray.Dataset
        A pore-size distribution (:func:`~characterization.sorption.bjh`,
        :func:`~characterization.sorption.dollimore_heal`, ``kernel_psd``).
    data : ignored
        Accepted so the panel can be called like the others.
    index : int, dict or "all"
        Which sample of a batch (default the first); ``"all"`` draws every sample in its
        colour (:func:`characterization.plot.colors_for`, the same as in the isotherm panel)
        without the cumulative curves.
    log_derivative : bool
        dV/dlogD (default) rather than dV/dD.
    cumulative : bool
        Cumulative pore volume (dashed, right axis) for a single sample.
    labels, colors : optional
        Sample names and the colour mapping with ``index="all"``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    var = "dv_dlogd" if log_derivative and "dv_dlogd" in result else "dv_dd"
    if var not in result:
        var = next(v for v in result.data_vars if "pore_width" in result[v].dims)
    da = result[var]
    if isinstance(index, str) and index == "all":
        from .style import colors_for

        batch = [d for d in da.dims if d != "pore_width"]
        n = da.sizes[batch[0]] if batch else 1
        labels = list(labels) if labels is not None else (
            _sample_names(result, batch[0]) if batch else [""])
        colors = colors or colors_for(labels)
        for i, name in enumerate(labels[:n]):
            curve = da.isel({batch[0]: i}) if batch else da
            ax.plot(curve["pore_width"], curve, color=colors[name]["color"], lw=1.0,
                    linestyle=colors[name]["linestyle"], label=name)
        ax.set_xscale("log")
        ax.set_xlabel(axis_label(da["pore_width"]))
        ax.set_ylabel(axis_label(da))
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right")
        return ax
    sel = select_one(da, "pore_width", index)
    curve = da.isel(sel)
    w = curve["pore_width"]
    ax.plot(w, curve, color=MAIN_COLOR, lw=1.0, label=axis_label(da).split(" (")[0])
    ax.set_xscale("log")
    ax.set_xlabel(axis_label(w))
    ax.set_ylabel(axis_label(da))
    ax.set_ylim(bottom=0)
    cum_name = next((v for v in ("cumulative_volume",) if v in result), None)
    if cumulative and cum_name:
        twin = ax.twinx()
        cum = result[cum_name].isel({d: i for d, i in sel.items()
                                     if d in result[cum_name].dims})
        twin.plot(cum["pore_width"], cum, color=SECOND_COLOR, lw=0.8, ls="--")
        units = axis_label(result[cum_name]).rpartition(" (")[2]
        twin.set_ylabel(f"Cumulative volume ({units}" if units else "Cumulative volume",
                        color=SECOND_COLOR)
        twin.tick_params(axis="y", colors=SECOND_COLOR, which="both")
        twin.set_ylim(bottom=0)
        ax.tick_params(axis="y", which="both", right=False)
    return ax
