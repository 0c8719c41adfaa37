"""Panels for EXAFS fits: |χ(R)| and Re[χ(R)] data vs fit, k^n·χ(k) data vs fit, and LCF with
its weighted components and residual.

Every panel is ``panel(result, *, data=None, index=None, ax=None) -> Axes`` like the other
techniques' panels; the drawing uses only what the result holds (``exafs.fit_shells`` keeps
data and model χ(k) and χ(R); ``exafs.fit_lcf`` keeps data, best fit and components).
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one

DATA_COLOR = "#222222"
FIT_COLOR = "#EE6677"
REAL_COLOR = "#4477AA"


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _k_weight(result) -> int:
    import json

    try:
        kw = json.loads(result.attrs.get("parameters", "{}")).get("k_weight", 2)
    except (TypeError, ValueError):
        kw = 2
    return int(kw[0] if isinstance(kw, (list, tuple)) else kw)


def _fit_window(result):
    import json

    try:
        params = json.loads(result.attrs.get("parameters", "{}"))
    except (TypeError, ValueError):
        params = {}
    return params.get("k_range"), params.get("r_range")


def _title(result, sel, ax):
    bits = [f"{d}={result[d].values[i]}" for d, i in sel.items() if d in result.coords]
    if "r_factor" in result:
        r = float(result["r_factor"].isel(sel)) if result["r_factor"].ndim else float(
            result["r_factor"])
        bits.append(f"R-factor {r:.4f}")
    if "success" in result and not bool(result["success"].isel(sel)):
        reason = str(result["reason"].isel(sel).values) if "reason" in result else ""
        bits.append(f"FLAGGED: {reason}")
    if bits:
        ax.set_title(", ".join(bits), fontsize="small")


def shell_fit_r(result, *, data=None, index=None, ax=None, r_max: float = 6.0,
                real_part: bool = True):
    """|χ(R)| (and Re[χ(R)]) of the data with the shell-fit model, fit range shaded.

    Parameters
    ----------
    result : xarray.Dataset
        Output of ``exafs.fit_shells``.
    data : ignored
        Accepted for the batch-run panel signature.
    index : int or dict, optional
        Which spectrum of a batch (default the first).
    ax : matplotlib Axes, optional
    r_max : float
        Upper R limit of the plot (Å).
    real_part : bool
        Also draw Re[χ(R)] (data dotted, model dashed).
    """
    ax = _axes(ax)
    sel = select_one(result["chir_mag"], "r", index)
    r = result["r"].values
    keep = r <= r_max
    ax.plot(r[keep], result["chir_mag"].isel(sel).values[keep], color=DATA_COLOR,
            label="|χ(R)| data")
    ax.plot(r[keep], result["chir_mag_fit"].isel(sel).values[keep], color=FIT_COLOR,
            label="|χ(R)| fit")
    if real_part:
        ax.plot(r[keep], result["chir_re"].isel(sel).values[keep], color=REAL_COLOR, ls=":",
                label="Re[χ(R)] data")
        ax.plot(r[keep], result["chir_re_fit"].isel(sel).values[keep], color=FIT_COLOR,
                ls="--", lw=1, label="Re[χ(R)] fit")
    _, r_range = _fit_window(result)
    if r_range:
        ax.axvspan(*r_range, color="0.9", zorder=0)
    ax.set_xlabel(axis_label(result["r"]))
    kw = _k_weight(result)
    ax.set_ylabel(f"χ(R) (Å$^{{-{kw + 1}}}$)")
    ax.legend(fontsize="small")
    _title(result, sel, ax)
    return ax


def shell_fit_k(result, *, data=None, index=None, ax=None, k_weight: int | None = None):
    """k^n·χ(k) of the data and of the shell-fit model, FT window range shaded."""
    ax = _axes(ax)
    sel = select_one(result["chi"], "k", index)
    kw = _k_weight(result) if k_weight is None else int(k_weight)
    k = result["k"].values
    ax.plot(k, k ** kw * result["chi"].isel(sel).values, color=DATA_COLOR, label="data")
    ax.plot(k, k ** kw * result["chi_fit"].isel(sel).values, color=FIT_COLOR, label="fit")
    k_range, _ = _fit_window(result)
    if k_range:
        ax.axvspan(*k_range, color="0.9", zorder=0)
    ax.set_xlabel(axis_label(result["k"]))
    ax.set_ylabel(f"k$^{kw}$χ(k) (Å$^{{-{kw}}}$)")
    ax.legend(fontsize="small")
    _title(result, sel, ax)
    return ax


def lcf_fit(result, *, data=None, index=None, ax=None, residual: bool = True):
    """LCF: data, best fit, weighted components and (offset below) the residual."""
    ax = _axes(ax)
    dim = result["best_fit"].dims[-1]          # the signal dim (batch dims come first)
    sel = select_one(result["best_fit"], dim, index)
    x = result[dim].values
    y = result["data"].isel(sel).values
    best = result["best_fit"].isel(sel).values
    ax.plot(x, y, color=DATA_COLOR, label="data")
    ax.plot(x, best, color=FIT_COLOR, ls="--", label="fit")
    comps = result["components"].isel(sel)
    weights = result["weight"].isel(sel)
    for i, name in enumerate(result["component"].values):
        w = float(weights.isel(component=i))
        ax.plot(x, comps.isel(component=i).values, lw=1,
                label=f"{name}: {w:.3f}" if np.isfinite(w) else str(name))
    if residual:
        res = y - best
        offset = -0.1 * np.nanmax(np.abs(y)) if np.isfinite(y).any() else 0.0
        ax.plot(x, res + offset, color="0.4", lw=0.8, label="residual (offset)")
        ax.axhline(offset, color="0.7", lw=0.5)
    ax.set_xlabel(axis_label(result[dim]))
    ax.set_ylabel(axis_label(result["data"], "signal"))
    ax.legend(fontsize="small")
    _title(result, sel, ax)
    return ax


def pca_scree(result, *, data=None, index=None, ax=None):
    """Eigenvalues (log scale) and IND of a PCA, the chosen number of components marked."""
    ax = _axes(ax)
    pc = result["pc"].values
    ax.semilogy(pc, result["eigenvalue"].values, "o-", color=DATA_COLOR, label="eigenvalue")
    ax2 = ax.twinx()
    ax2.semilogy(pc, result["ind"].values, "s--", color=FIT_COLOR, label="IND")
    ax.axvline(int(result["n_components"]), color="0.6", lw=0.8)
    ax.set_xlabel("Principal component")
    ax.set_ylabel("Eigenvalue")
    ax2.set_ylabel("IND")
    return ax
