"""Panels for Raman results: carbon and silicon band fits, baselines, spikes.

Spectra with fitted bands and residuals; stacked spectra are
:func:`characterization.plot.spectra.stacked`; map images and histograms of any result
variable are :mod:`characterization.plot.maps`.
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._layout import legend_with_headroom
from ._select import select_one
from .style import FIT_COLOR, MAIN_COLOR, SECOND_COLOR


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _spectrum(data, sel, dim="raman_shift", var="intensity"):
    da = data[var].isel({d: i for d, i in sel.items() if d in data[var].dims})
    return da[dim].values, np.asarray(da.values, dtype=float), da


def _residual_strip(ax, x, resid):
    from ._strip import residual_strip

    return residual_strip(ax, x, resid)


def band_fit(result, *, data, index=None, ax=None, annotate=None, residual: bool = True):
    """Measured spectrum, best fit, band positions and residual of one fitted spectrum.

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`~characterization.raman.fit_carbon` or
        :func:`~characterization.raman.fit_silicon` (``best_fit``, ``center``, ``peak``).
    data : xarray.Dataset
        The fitted spectra.
    annotate : str, optional
        Text for the upper right corner (the callers put the headline number there).
    """
    ax = _axes(ax)
    ref = result["success"]
    sel = select_one(ref.expand_dims(raman_shift=1), "raman_shift", index) if ref.ndim else {}
    x, y, da = _spectrum(data, sel)
    ax.plot(x, y, ".", color="0.35", ms=1.5, label="data", zorder=1)
    if "best_fit" in result:
        bf = result["best_fit"].isel({d: i for d, i in sel.items()
                                      if d in result["best_fit"].dims})
        xf = bf["raman_shift"].values
        ax.plot(xf, bf.values, color=FIT_COLOR, lw=1.0, label="fit", zorder=3)
        lo, hi = np.nanmin(xf), np.nanmax(xf)
        ax.set_xlim(lo, hi)
    shown = y
    if "best_fit" in result:                       # limits from the fitted range only
        shown = np.concatenate([y[(x >= lo) & (x <= hi)], bf.values])
    shown = shown[np.isfinite(shown)]
    if shown.size:
        ymin, ymax = float(shown.min()), float(shown.max())
        pad = 0.05 * (ymax - ymin) or 1.0
        ax.set_ylim(ymin - pad, ymax + 0.2 * (ymax - ymin) + pad)   # headroom for band names
    if "center" in result and "peak" in result.dims:
        centers = result["center"].isel({d: i for d, i in sel.items()
                                         if d in result["center"].dims})
        for name, c in zip(centers["peak"].values, centers.values):
            if np.isfinite(c):
                ax.axvline(c, color="0.55", lw=0.5, ls=":", zorder=0)
                ax.text(c, 0.985, str(name), transform=ax.get_xaxis_transform(),
                        ha="center", va="top", fontsize=6, color="0.2", clip_on=True)
    ax.set_xlabel(axis_label(data["raman_shift"]))
    ax.set_ylabel(axis_label(da, "intensity"))
    if annotate:
        ax.text(0.03, 0.86, annotate, transform=ax.transAxes, ha="left", va="top",
                fontsize=7)
    if residual and "best_fit" in result:
        on = np.isin(x, xf)
        resid = np.interp(xf, x[on], y[on]) - bf.values if on.any() else None
        if resid is not None:
            _residual_strip(ax, xf, resid)
    return ax


def _carbon_components(one, x):
    """Band and baseline curves of one carbon fit, rebuilt from its model and parameters."""
    import json

    from ..fit import Model

    name = str(one["model"].values)
    models = json.loads(one.attrs.get("models", "{}"))
    if name not in models:
        return {}
    from ..raman.carbon_models import PREFIX_LABELS

    model = Model.from_dict(models[name])
    labelled = {p: f"{PREFIX_LABELS.get(p.split('.')[0], p.split('.')[0])}.{p.split('.', 1)[1]}"
                if "." in p else p for p in model.parameter_names}
    values = {p: float(one["value"].sel(param=labelled[p])) for p in model.parameter_names}
    return model.eval_components(np.asarray(x, dtype=float), values,
                                 domain=(float(np.min(x)), float(np.max(x))))


def carbon_fit(result, *, data, index=None, ax=None, residual: bool = True):
    """:func:`band_fit` of a carbon fit with its bands and baseline, annotated with I_D/I_G
    (height) and the model chosen."""
    sel_res = result
    if result["success"].ndim:
        sel = select_one(result["success"].expand_dims(raman_shift=1), "raman_shift", index)
        sel_res = result.isel(sel)
    text = (f"I$_D$/I$_G$ = {float(sel_res['id_ig_height']):.3f} ± "
            f"{float(sel_res['id_ig_height_stderr']):.3f}\nmodel {str(sel_res['model'].values)}")
    ax = band_fit(result, data=data, index=index, ax=ax, annotate=None, residual=residual)
    if "best_fit" in sel_res and bool(sel_res["success"]):
        x = sel_res["best_fit"]["raman_shift"].values
        from ..raman.carbon_models import PREFIX_LABELS

        try:
            curves = _carbon_components(sel_res, x)
        except (KeyError, ValueError, TypeError):  # a user Model the panel cannot rebuild
            curves = {}
        base = curves.pop("background", np.zeros(x.size))
        if curves:
            ax.plot(x, base, "--", color="0.5", lw=0.7, label="baseline")
            for band, curve in curves.items():
                ax.fill_between(x, base, base + curve, alpha=0.3, lw=0.5,
                                label=PREFIX_LABELS.get(band, band))
    # above the data (band names sit at the top edge): no band or point under the legend
    legend_with_headroom(ax, top=0.9, loc="upper left", ncol=2, handlelength=1.2,
                         columnspacing=0.8, title=text, alignment="left",
                         bbox_to_anchor=(0.0, 0.9))
    return ax


def silicon_fit(result, *, data, index=None, ax=None, residual: bool = True):
    """:func:`band_fit` of a silicon fit, annotated with the phonon position and shift."""
    sel_res = result
    if result["success"].ndim:
        sel = select_one(result["success"].expand_dims(raman_shift=1), "raman_shift", index)
        sel_res = result.isel(sel)
    pos = sel_res["center"] if "center" in sel_res else None
    if pos is not None and "peak" in pos.dims:
        pos = pos.isel(peak=0)
    text = f"ω = {float(pos):.2f} cm$^{{-1}}$" if pos is not None else ""
    if "peak_shift" in sel_res:
        text += f"\nΔω = {float(sel_res['peak_shift']):+.2f} cm$^{{-1}}$"
    return band_fit(result, data=data, index=index, ax=ax, annotate=text, residual=residual)


def background(result, *, data, index=None, ax=None):
    """Raw spectrum with the background (baseline) of :func:`~characterization.raman.subtract_background`,
    and the corrected spectrum."""
    ax = _axes(ax)
    sel = select_one(result["intensity"], "raman_shift", index)
    x, y, da = _spectrum(data, sel)
    b = result["background"].isel({d: i for d, i in sel.items()
                                   if d in result["background"].dims})
    c = result["intensity"].isel(sel)
    ax.plot(x, y, color="0.4", lw=0.7, label="measured")
    ax.plot(b["raman_shift"].values, b.values, color=SECOND_COLOR, lw=1.0, label="baseline")
    ax.plot(c["raman_shift"].values, c.values, color=MAIN_COLOR, lw=0.7, label="corrected")
    ax.set_xlabel(axis_label(data["raman_shift"]))
    ax.set_ylabel(axis_label(da, "intensity"))
    ax.legend(loc="best", fontsize="x-small")
    return ax


def spikes(result, *, data, index=None, ax=None):
    """Measured spectrum with the channels flagged as spikes, and the cleaned spectrum."""
    ax = _axes(ax)
    sel = select_one(result["intensity"], "raman_shift", index)
    x, y, da = _spectrum(data, sel)
    clean = result["intensity"].isel(sel).values
    flags = result["spike"].isel(sel).values.astype(bool)
    ax.plot(x, y, color="0.6", lw=0.7, label="measured")
    ax.plot(x, clean, color=MAIN_COLOR, lw=0.8, label="cleaned")
    if flags.any():
        ax.plot(x[flags], y[flags], "x", color=FIT_COLOR, ms=4, label=f"spikes ({flags.sum()})")
    ax.set_xlabel(axis_label(data["raman_shift"]))
    ax.set_ylabel(axis_label(da, "intensity"))
    ax.legend(loc="best", fontsize="x-small")
    return ax
