"""Panels for nanoindentation: load–displacement with W_e/W_p, unloading fit, maps, energy bars.

Every panel is ``panel(result, *, data=..., index=None, ax=None) -> Axes`` like the other
techniques' panels; none computes more than the drawing needs (the fitted power law is rebuilt
from the result's m, h_f and S).
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one

#: colours of the elastic and plastic work (colour-blind safe pair)
ELASTIC_COLOR = "#4477AA"
PLASTIC_COLOR = "#EE6677"


def _power_of_ten(scale: float) -> str:
    """``1e-10`` -> ``"10$^{-10}$"``; other numbers as ``:g``."""
    exponent = np.log10(scale) if scale > 0 else np.nan
    if np.isfinite(exponent) and float(exponent).is_integer():
        return f"10$^{{{int(exponent)}}}$"
    return f"{scale:g}"


def _sci(value: float, digits: int = 4) -> str:
    """``191200.0`` -> ``"1.912 × 10$^{5}$"`` (plain ``:.4g`` between 0.01 and 10⁴)."""
    if not np.isfinite(value) or value == 0 or 1e-2 <= abs(value) < 1e4:
        return f"{value:.{digits}g}"
    exponent = int(np.floor(np.log10(abs(value))))
    return f"{value / 10**exponent:.{digits - 1}f} × 10$^{{{exponent}}}$"


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _curve(data, index):
    """load, displacement, segment labels (numpy) of one indent, and the isel dict."""
    load = data["load"]
    sel = select_one(load, "point", index)
    p = load.isel(sel).values.astype(float)
    h = data["displacement"].broadcast_like(load).isel(sel).values.astype(float)
    if "segment" in data.coords:
        seg = data["segment"].broadcast_like(load).isel(sel).values.astype(str)
    else:
        seg = np.full(p.shape, "")
    ok = np.isfinite(p) & np.isfinite(h)
    return p[ok], h[ok], seg[ok], sel


def _branches(p, seg):
    """Index arrays of the loading branch (to the peak) and the unloading branch (after it)."""
    peak = int(np.argmax(p)) if p.size else 0
    if (seg == "unloading").any():
        unload = np.flatnonzero((seg == "unloading") & (np.arange(p.size) >= peak))
        if unload.size and unload[0] > 0:           # start at the end of the hold
            unload = np.r_[unload[0] - 1, unload]
        load_idx = np.flatnonzero((seg == "loading") & (np.arange(p.size) <= peak))
        if load_idx.size == 0:
            load_idx = np.arange(peak + 1)
    else:
        load_idx = np.arange(peak + 1)
        unload = np.arange(peak, p.size)
    return load_idx, unload


def load_displacement(result=None, *, data, index=None, ax=None, events=None,
                      shade: bool = True, energy_scale: float = 1e-10):
    """Load–displacement curve of one indent with the elastic and plastic work shaded.

    W_e is the area under the unloading branch (blue), W_p the area between loading and
    unloading (red); with an :func:`~characterization.nanoindent.energies` ``result`` their
    values are written in the legend (in units of ``energy_scale`` J, 1e-10 J by default as in
    the particle-compression literature).

    Parameters
    ----------
    result : xarray.Dataset, optional
        Output of ``nanoindent.energies`` (``elastic_work``, ``plastic_work`` in J).
    data : xarray.Dataset
        The indentation data (``load`` mN, ``displacement`` nm, optional ``segment``).
    index : int or dict, optional
        Which indent of a batch (default the first).
    events : xarray.Dataset, optional
        Events to mark (pop-ins, load drops): the first variables whose names contain
        ``"load"`` and ``"depth"`` give their positions (NaN entries skipped).
    shade : bool
        Shade W_e and W_p.
    energy_scale : float
        Unit of the energies in the legend, J.
    """
    ax = _axes(ax)
    p, h, seg, sel = _curve(data, index)
    load_idx, unload = _branches(p, seg)
    label_e, label_p = "W$_e$", "W$_p$"
    if result is not None and "elastic_work" in result:
        rsel = {d: v for d, v in sel.items() if d in result.dims}
        we = float(result["elastic_work"].isel(rsel)) / energy_scale
        wp = float(result["plastic_work"].isel(rsel)) / energy_scale
        label_e += f" = {we:.3g}"
        label_p += f" = {wp:.3g}"
        if energy_scale != 1:
            label_e += f" × {_power_of_ten(energy_scale)} J"
            label_p += f" × {_power_of_ten(energy_scale)} J"
    if shade and load_idx.size > 1 and unload.size > 1:
        ax.fill_between(h[load_idx], 0, p[load_idx], color=PLASTIC_COLOR, alpha=0.35, lw=0,
                        label=label_p)
        ax.fill_between(h[unload], 0, p[unload], color="#A5C3E6", alpha=1.0, lw=0,
                        label=label_e)           # opaque: covers the loading fill below it
    ax.plot(h, p, color="k", lw=0.9, label="measured")
    if events is not None:
        esel = {d: v for d, v in sel.items() if d in events.dims}
        ev = events.isel(esel)
        lname = next((n for n in ev.data_vars if "load" in n), None)
        dname = next((n for n in ev.data_vars if "depth" in n), None)
        if lname and dname:
            el, ed = np.ravel(ev[lname].values), np.ravel(ev[dname].values)
            ok = np.isfinite(el) & np.isfinite(ed)
            ax.plot(ed[ok], el[ok], "v", color="#228833", ms=7, label="events")
    ax.set_xlabel(axis_label(data["displacement"], "Displacement"))
    ax.set_ylabel(axis_label(data["load"], "Load"))
    ax.set_xlim(left=min(0.0, float(np.nanmin(h))) if h.size else 0.0)
    ax.set_ylim(bottom=0.0)
    ax.legend(loc="upper left", bbox_to_anchor=(0.08, 1.0), fontsize="small")
    return ax


def unloading_fit(result, *, data, index=None, ax=None):
    """Unloading branch, the fitted window, the power law P = α(h − h_f)^m and the tangent S.

    Parameters
    ----------
    result : xarray.Dataset
        Output of ``nanoindent.oliver_pharr``.
    data : xarray.Dataset
        The indentation data it was computed from.
    index : int or dict, optional
        Which indent of a batch (default the first).
    """
    ax = _axes(ax)
    p, h, seg, sel = _curve(data, index)
    _, unload = _branches(p, seg)
    r = result.isel({d: v for d, v in sel.items() if d in result.dims})
    ax.plot(h[unload], p[unload], ".", color="0.55", ms=3, label="unloading")
    lo, hi = float(r["window_load_min"]), float(r["window_load_max"])
    win = unload[(p[unload] >= lo) & (p[unload] <= hi)]
    ax.plot(h[win], p[win], ".", color=ELASTIC_COLOR, ms=4, label="fit window")
    m, hf = float(r["unloading_exponent"]), float(r["final_depth"])
    s = float(r["stiffness"]) * 1e-6                    # N/m -> mN/nm
    pmax, hmax = float(r["max_load"]), float(r["max_depth"])
    if np.isfinite([m, hf, s, hmax]).all():
        alpha = s / (m * (hmax - hf) ** (m - 1))
        hh = np.linspace(hf, hmax, 200)
        ax.plot(hh, alpha * (hh - hf) ** m, color=PLASTIC_COLOR, lw=1.2,
                label=f"P = α(h − h$_f$)$^{{m}}$, m = {m:.3f}")
        ht = np.array([hmax - pmax / s, hmax])
        ax.plot(ht, pmax + s * (ht - hmax), "--", color="k", lw=0.8,
                label=f"S = {_sci(float(r['stiffness']))} N m$^{{-1}}$")
        hc = float(r["contact_depth"])
        ax.axvline(hc, color="0.4", lw=0.7, ls=":", label=f"h$_c$ = {hc:.1f} nm")
    else:
        ax.text(0.05, 0.9, f"no fit: {r['reason'].item()}", transform=ax.transAxes,
                fontsize="small")
    ax.set_xlabel(axis_label(data["displacement"], "Displacement"))
    ax.set_ylabel(axis_label(data["load"], "Load"))
    ax.set_ylim(0.0, 1.7 * float(np.nanmax(p[unload])) if unload.size else None)
    ax.legend(loc="upper left", fontsize="small")    # above the curve, in the headroom
    return ax


def grid_maps(result, *, data=None, variables=None, axes=None, ax=None, outliers=True):
    """Maps of ``nanoindent.grid_map`` (one axes per variable), outliers circled.

    Parameters
    ----------
    result : xarray.Dataset
        Output of ``nanoindent.grid_map``.
    data : ignored
        Accepted so the panel can be called like the others.
    variables : sequence of str, optional
        Which maps (default every ``map_*``).
    axes : sequence of Axes, optional
        One per variable; ``ax`` alone draws the first variable only.
    outliers : bool
        Circle the outlier indents.
    """
    import matplotlib.pyplot as plt

    names = [n[len("map_"):] for n in result.data_vars if n.startswith("map_")]
    if variables is not None:
        names = [n for n in variables if f"map_{n}" in result]
    if axes is None:
        if ax is not None:
            axes, names = [ax], names[:1]
        else:
            _, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.0),
                                   squeeze=False)
            axes = list(axes[0])
    x, y = result["grid_x"].values, result["grid_y"].values
    for a, name in zip(axes, names):
        da = result[f"map_{name}"]
        mesh = a.pcolormesh(x, y, da.values, shading="nearest", cmap="viridis")
        a.figure.colorbar(mesh, ax=a, label=axis_label(da, name))
        if outliers and "outlier" in result:
            out = result["outlier"].values.astype(bool)
            a.plot(result["x"].values[out], result["y"].values[out], "o", mfc="none",
                   mec="#EE3377", ms=10, mew=1.5)
        a.set_xlabel(axis_label(result["grid_x"], "X"))
        a.set_ylabel(axis_label(result["grid_y"], "Y"))
        a.set_aspect("equal")
    return axes[0] if len(axes) == 1 else axes


def energy_bars(result, *, data=None, dim=None, labels=None, ax=None,
                energy_scale: float = 1e-10):
    """Bar chart of W_e and W_p per sample (stacked; mean ± std when a sample has several
    indents), with the elastic fraction written on each bar.

    Parameters
    ----------
    result : xarray.Dataset
        Output of ``nanoindent.energies`` (``elastic_work``, ``plastic_work`` J) along one dim
        of samples or indents.
    data : ignored
        Accepted so the panel can be called like the others.
    dim : str, optional
        The dim of the bars (default the result's first dim).
    labels : sequence of str or str, optional
        Sample label per entry of ``dim`` (entries with equal labels are pooled: mean ± std),
        or the name of a coordinate holding them (default the ``dim`` values).
    energy_scale : float
        Unit of the axis, J (1e-10 J by default).
    """
    ax = _axes(ax)
    dim = dim or result["elastic_work"].dims[0]
    we = np.asarray(result["elastic_work"].values, float).reshape(-1)
    wp = np.asarray(result["plastic_work"].values, float).reshape(-1)
    if isinstance(labels, str):
        labels = result[labels].values
    if labels is None:
        labels = result[dim].values if dim in result.coords else np.arange(we.size)
    labels = np.asarray(labels).astype(str)
    groups = list(dict.fromkeys(labels))
    pos = np.arange(len(groups))
    stats = []
    for g in groups:
        on = (labels == g) & np.isfinite(we) & np.isfinite(wp)
        e, p = we[on] / energy_scale, wp[on] / energy_scale
        stats.append((np.mean(e) if e.size else np.nan, np.std(e, ddof=1) if e.size > 1 else 0,
                      np.mean(p) if p.size else np.nan, np.std(p, ddof=1) if p.size > 1 else 0))
    st = np.array(stats, float).reshape(-1, 4)
    ax.bar(pos, st[:, 2], yerr=st[:, 3], color=PLASTIC_COLOR, label="W$_p$", capsize=3)
    ax.bar(pos, st[:, 0], bottom=st[:, 2], yerr=st[:, 1], color=ELASTIC_COLOR,
           label="W$_e$", capsize=3)
    for x, (e, _, p, _) in zip(pos, st):
        if np.isfinite(e + p) and e + p > 0:
            ax.text(x, e + p, f"{100 * e / (e + p):.1f} %", ha="center", va="bottom",
                    fontsize="small")
    tops = st[:, 0] + st[:, 1] + st[:, 2]
    if np.isfinite(tops).any():
        ax.set_ylim(0, 1.15 * np.nanmax(tops))
    ax.set_xticks(pos)
    ax.set_xticklabels(groups, rotation=30 if len(groups) > 4 else 0)
    ax.set_ylabel(f"Work ({_power_of_ten(energy_scale)} J)" if energy_scale != 1 else "Work (J)")
    ax.legend(loc="best", fontsize="small")
    return ax
