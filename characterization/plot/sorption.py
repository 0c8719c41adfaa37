"""Panels for gas-sorption isotherms and their analyses."""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one


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
             color=None):
    """Isotherm of one sample: adsorption (filled) and desorption (open) branches, in one
    colour (the sample's), so several samples on one axes stay told apart.

    Parameters
    ----------
    ds : xarray.Dataset
        Isotherm(s) following the sorption conventions (``data`` is accepted as an alias so
        the panel can be called like the result panels).
    log : bool
        Logarithmic p/p0 axis (shows micropore filling).
    color : matplotlib colour, optional
        Colour of both branches; default: the axes' next colour. For more than ten samples on
        one axes pass colours from a colormap (the default cycle repeats after ten).
    """
    ds = ds if "amount" in ds else data
    ax = _axes(ax)
    x, n, br, _ = _one(ds, index)
    for name, marker, fill in (("adsorption", "o", "full"), ("desorption", "o", "none")):
        on = (br == name) & np.isfinite(x) & np.isfinite(n) & (x > 0)
        if on.any():
            order = np.argsort(x[on]) if name == "adsorption" else np.arange(on.sum())
            kw = {} if color is None else {"color": color}
            (line,) = ax.plot(x[on][order], n[on][order], marker=marker, fillstyle=fill, ms=3,
                              lw=0.8, label=f"{label + ' ' if label else ''}{name}", **kw)
            color = line.get_color()
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(axis_label(ds["relative_pressure"]))
    ax.set_ylabel(axis_label(ds["amount"]))
    ax.legend(loc="best")
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
    ax.plot(x[used], y[used], "o", color="C0", ms=3, label="BET range")
    if bool(res["success"]):
        xx = np.linspace(0, float(res["p_max"]) * 1.1, 50)
        ax.plot(xx, float(res["intercept"]) + float(res["slope"]) * xx, color="C3", lw=0.8,
                label=(f"S = {float(res['bet_area']):.4g} m² g⁻¹, "
                       f"C = {float(res['c_constant']):.3g}"))
    ax.set_xlabel(axis_label(data["relative_pressure"]))
    ax.set_ylabel("p/[n(p0 − p)] (g mmol$^{-1}$)")
    ax.legend(loc="upper left")
    if rouquerol:
        inset = ax.inset_axes([0.6, 0.1, 0.37, 0.37])
        order = np.argsort(x[ads])
        inset.plot(x[ads][order], (n * (1 - x))[ads][order], ".-", color="0.4", ms=2, lw=0.5)
        inset.plot(x[used], (n * (1 - x))[used], "o", color="C0", ms=2)
        inset.set_xscale("log")
        inset.set_title("n(1 − p/p0)", fontsize=6)
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
    ax.plot(t[used], n[used], "o", color="C0", ms=3, label="fitted")
    if np.isfinite(res["slope"]):
        tt = np.linspace(0, np.nanmax(t), 50)
        ax.plot(tt, float(res["intercept"]) + float(res["slope"]) * tt, color="C3", lw=0.8,
                label=(f"S_ext = {float(res['external_area']):.4g} m² g⁻¹, V_µ = "
                       f"{float(res['micropore_volume']):.3g} cm³ g⁻¹"))
    ax.set_xlabel("Statistical thickness t (nm)")
    ax.set_ylabel(axis_label(data["amount"]))
    ax.legend(loc="upper left")
    return ax


def psd_plot(result, *, data=None, index=None, ax=None, log_derivative: bool = True,
             cumulative: bool = True):
    """Pore-size distribution (dV/dlogD or dV/dD) with the cumulative volume on a twin axis."""
    ax = _axes(ax)
    var = "dv_dlogd" if log_derivative and "dv_dlogd" in result else "dv_dd"
    if var not in result:
        var = next(v for v in result.data_vars if "pore_width" in result[v].dims)
    da = result[var]
    sel = select_one(da, "pore_width", index)
    curve = da.isel(sel)
    w = curve["pore_width"]
    ax.plot(w, curve, color="C0", lw=1.0)
    ax.set_xscale("log")
    ax.set_xlabel(axis_label(w))
    ax.set_ylabel(axis_label(da))
    cum_name = next((v for v in ("cumulative_volume",) if v in result), None)
    if cumulative and cum_name:
        twin = ax.twinx()
        cum = result[cum_name].isel({d: i for d, i in sel.items()
                                     if d in result[cum_name].dims})
        twin.plot(cum["pore_width"], cum, color="C1", lw=0.8, ls="--")
        twin.set_ylabel(axis_label(result[cum_name]))
    return ax
