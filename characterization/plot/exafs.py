"""EXAFS panels: normalised μ(E) stack, k-weighted χ(k), |χ(R)| and Re[χ(R)] (with a fit).

Every spectrum of the batch is drawn (batch dims flattened, labelled by their coordinates),
optionally offset vertically. Panels only draw: every number comes from the processing result.
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label, pretty_units

__all__ = ["mu_stack", "chi_k", "chi_r", "overview"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _spectra(da, dim):
    """[(label, 1-D DataArray)] over the flattened batch dims of ``da``."""
    batch = [d for d in da.dims if d != dim]
    if not batch:
        return [("", da)]
    stacked = da.stack(_spectrum=batch).transpose("_spectrum", dim)
    out = []
    for i in range(stacked.sizes["_spectrum"]):
        one = stacked.isel(_spectrum=i)
        label = ", ".join(str(one[d].values) for d in batch)
        out.append((label, one))
    return out


def _units(units):
    return pretty_units(units).replace("angstrom", "Å")


def _first(result, names):
    return next((n for n in names if n in result.data_vars), None)


def mu_stack(result, *, data=None, var: str | None = None, offset: float = 0.0, range=None,
             ax=None, legend: bool = True):
    """Normalised μ(E) of every spectrum, stacked (``offset`` between spectra).

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.exafs.normalize` (``flat``/``norm``) or any μ(E).
    data : xarray.Dataset, optional
        Unused (the result holds the spectra); accepted for the batch command.
    var : str, optional
        Variable drawn (default ``flat``, else ``norm``, else ``mu``).
    offset : float
        Vertical offset between successive spectra.
    range : (float, float), optional
        Energy window drawn (eV).
    ax : matplotlib Axes, optional
    legend : bool

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    var = var or _first(result, ("flat", "norm", "mu"))
    da = result[var]
    if range is not None:
        da = da.sel(energy=slice(*sorted(range)))
    for i, (label, one) in enumerate(_spectra(da, "energy")):
        ax.plot(one["energy"].values, one.values + i * offset, lw=1, label=label or None)
    if "e0" in result.data_vars and result["e0"].size == 1:
        ax.axvline(float(result["e0"].values.ravel()[0]), color="0.6", lw=0.6, ls=":")
    ax.set_xlabel(axis_label(result["energy"], "Energy"))
    ax.set_ylabel(da.attrs.get("long_name", var) + (" (offset)" if offset else ""))
    if legend and len(ax.lines) > 1:
        _legend_in_headroom(ax)
    return ax


def _legend_in_headroom(ax, fraction: float = 0.45, title: str | None = None):
    """Legend at the top right, above the curves: the y range grows by ``fraction``."""
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + fraction * (hi - lo))
    ax.legend(frameon=False, fontsize="small", loc="upper right", title=title,
              title_fontsize="small",
              ncol=2 if len(ax.get_legend_handles_labels()[1]) > 3 else 1)


def chi_k(result, *, data=None, k_weight: int = 2, offset: float = 0.0, range=None,
          ax=None, legend: bool = True, window: bool = True):
    """k-weighted χ(k)·k^n of every spectrum (and the FT window when the result has one).

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.exafs.subtract_background` (``chi`` on ``k``).
    data : xarray.Dataset, optional
        Unused; accepted for the batch command.
    k_weight : int
        n of χ(k)·k^n.
    offset : float
        Vertical offset between spectra.
    range : (float, float), optional
        k window drawn (1/angstrom).
    ax : matplotlib Axes, optional
    legend, window : bool
        Draw the legend; draw the FT window Ω(k) (``k_window``) scaled to the data.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    da = result["chi"] * result["k"] ** k_weight
    if range is not None:
        da = da.sel(k=slice(*sorted(range)))
    top = float(np.nanmax(np.abs(da.values))) if da.size else 1.0
    for i, (label, one) in enumerate(_spectra(da, "k")):
        ax.plot(one["k"].values, one.values + i * offset, lw=1, label=label or None)
    if window and "k_window" in result.data_vars:
        w = result["k_window"]
        w = w.isel({d: 0 for d in w.dims if d != "k"})
        if range is not None:
            w = w.sel(k=slice(*sorted(range)))
        ax.plot(w["k"].values, w.values * top, color="0.5", lw=0.8, ls="--", label="window")
    ax.set_xlabel(axis_label(result["k"], "k"))
    units = _units(f"angstrom^-{k_weight}") if k_weight else ""
    ax.set_ylabel(f"k$^{{{k_weight}}}$χ(k)" + (f" ({units})" if units else ""))
    if legend and len(ax.lines) > 1:
        _legend_in_headroom(ax)
    return ax


def chi_r(result, *, data=None, fit=None, parts=("mag", "re"), offset: float = 0.0,
          range=(0, 6), ax=None, legend: bool = True):
    """|χ(R)| (solid) and Re[χ(R)] (thin) of every spectrum, with a fit overlaid (dashed).

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.exafs.fourier_transform` (``chir_mag``,
        ``chir_re`` on ``r``).
    data : xarray.Dataset, optional
        Unused; accepted for the batch command.
    fit : xarray.Dataset, optional
        A model's transform with the same variable names (e.g. a shell-fit result passed
        through the same transform), drawn dashed over the data.
    parts : sequence of {"mag", "re", "im"}
        Parts drawn.
    offset : float
        Vertical offset between spectra.
    range : (float, float)
        R window drawn (angstrom).
    ax : matplotlib Axes, optional
    legend : bool

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    styles = {"mag": dict(lw=1.2), "re": dict(lw=0.7, alpha=0.7), "im": dict(lw=0.7, alpha=0.5)}
    names = {"mag": "|χ(R)|", "re": "Re[χ(R)]", "im": "Im[χ(R)]"}
    colors = {}
    for part in parts:
        da = result[f"chir_{part}"].sel(r=slice(*sorted(range)))
        for i, (label, one) in enumerate(_spectra(da, "r")):
            kw = dict(styles[part])
            if label in colors:
                kw["color"] = colors[label]
            text = (label + " " if label else "") + names[part]
            line, = ax.plot(one["r"].values, one.values + i * offset, label=text, **kw)
            colors.setdefault(label, line.get_color())
            if fit is not None and f"chir_{part}" in fit:
                f = fit[f"chir_{part}"].sel(r=slice(*sorted(range)))
                sel = {d: one[d].values for d in f.dims if d != "r" and d in one.coords}
                fv = f.sel(sel) if sel else f
                fv = fv.isel({d: 0 for d in fv.dims if d != "r"})
                ax.plot(fv["r"].values, fv.values + i * offset, ls="--", color="k", lw=0.8,
                        label="fit" if i == 0 and part == parts[0] else None)
    ax.axhline(0, color="0.7", lw=0.5)
    ax.set_xlabel(axis_label(result["r"], "R"))
    units = _units(result["chir_mag"].attrs.get("units", ""))
    name = "|χ(R)|" if tuple(parts) == ("mag",) else "χ(R)"
    ax.set_ylabel(name + (f" ({units})" if units else ""))
    if legend:
        _legend_in_headroom(ax, title="phase uncorrected")
    else:
        ax.set_title("phase uncorrected", loc="right", fontsize="small")
    return ax


def overview(result, *, axes=None):
    """Three panels side by side: μ(E) stack, χ(k)·k², |χ(R)| of a processed series."""
    if axes is None:
        from .figure import figure

        _, axes = figure(1, 3, width="double", aspect=0.35)
    mu_stack(result, offset=0.0, ax=axes[0])
    if "chi" in result:
        chi_k(result, ax=axes[1], legend=False)
    if "chir_mag" in result:
        chi_r(result, parts=("mag",), ax=axes[2], legend=False)
    return axes
