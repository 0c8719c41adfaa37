"""Panels for XRD: doublet fits with residual, stacked patterns with reference-phase ticks,
Williamson–Hall and size–strain plots.

The reference ticks take the output of :func:`characterization.xrd.reference_pattern`
(``two_theta`` and ``intensity`` over (``phase``, ``reflection``), ``hkl`` labels): one row of
ticks per phase under the patterns, tick height proportional to the line intensity.
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._select import select_one
from .style import FIT_COLOR, MAIN_COLOR, OKABE_ITO


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _phase_rows(references):
    """[(phase name, two_theta array, relative intensity array, hkl list)] of a reference set."""
    two_theta = references["two_theta"]
    if "phase" not in two_theta.dims:
        two_theta = two_theta.expand_dims(phase=[str(references.coords.get("phase", "phase")
                                                     .values)])
    rows = []
    for i, name in enumerate(two_theta["phase"].values):
        tt = np.asarray(two_theta.isel(phase=i).values, dtype=float)
        inten = (np.asarray(references["intensity"].values, dtype=float).reshape(
            two_theta.shape)[i] if "intensity" in references else np.full(tt.shape, 100.0))
        hkl = (np.asarray(references["hkl"].values).reshape(two_theta.shape)[i]
               if "hkl" in references.variables else np.full(tt.shape, ""))
        ok = np.isfinite(tt)
        rows.append((str(name), tt[ok], inten[ok], [str(h) for h in hkl[ok]]))
    return rows


def reference_ticks(references, *, ax, y0: float, row_height: float, label_hkl: bool = False,
                    min_intensity: float = 0.0, colors=None, xlim=None):
    """Draw one row of ticks per reference phase below ``y0`` (data units).

    Parameters
    ----------
    references : xarray.Dataset
        :func:`characterization.xrd.reference_pattern` output.
    ax : matplotlib Axes
    y0 : float
        Top of the first tick row.
    row_height : float
        Height of one row; ticks scale with ``sqrt(intensity / 100)`` so weak lines stay visible.
    label_hkl : bool
        Write the hkl of the lines above 20 % intensity next to their ticks.
    min_intensity : float
        Leave out lines weaker than this (% of the strongest line of the phase).
    colors : sequence, optional
        One colour per phase (default: the colour cycle after the patterns).

    Returns
    -------
    float
        The y value below the last row (to set the lower axis limit).
    """
    rows = _phase_rows(references)
    lo, hi = ax.get_xlim() if xlim is None else xlim
    for i, (name, tt, inten, hkl) in enumerate(rows):
        color = colors[i] if colors is not None else OKABE_ITO[(i + 3) % len(OKABE_ITO)]
        top = y0 - i * row_height
        keep = (inten >= min_intensity) & (tt >= lo) & (tt <= hi)
        scale = 0.4 if label_hkl else 0.8          # labels take the lower half of the row
        heights = scale * row_height * np.sqrt(np.clip(inten[keep], 0, 100) / 100.0)
        ax.vlines(tt[keep], top - heights, top, color=color, lw=0.8)
        ax.text(hi, top - 0.4 * row_height, f" {name}", color=color, fontsize=6, va="center",
                ha="left", clip_on=False)
        if label_hkl:
            for t, h, s in zip(tt[keep], heights, np.asarray(hkl, dtype=object)[keep]):
                if h >= scale * row_height * np.sqrt(0.2):
                    ax.text(t, top - h, s, fontsize=4.5, color=color, rotation=90,
                            ha="center", va="top", clip_on=True)
    return y0 - len(rows) * row_height


def stacked_patterns(ds, *, references=None, offset=None, labels=None, normalize: bool = True,
                     sqrt: bool = False, label_hkl: bool = False, min_intensity: float = 1.0,
                     ax=None, **line_kw):
    """XRD patterns of a batch stacked with an offset, with reference-phase ticks underneath.

    Parameters
    ----------
    ds : xarray.Dataset
        Patterns: dim ``two_theta`` and one batch dim (``sample``, ``time`` ...).
    references : xarray.Dataset, optional
        :func:`characterization.xrd.reference_pattern` output for the ticks.
    offset : float, optional
        Vertical step between patterns (default 1.05 for normalised patterns).
    labels : sequence of str or str, optional
        As in :func:`characterization.plot.spectra.stacked`.
    normalize : bool
        Scale each pattern to [0, 1] (default) so weak and strong patterns share the panel.
    sqrt : bool
        Plot the square root of the intensity (weak reflections visible next to strong ones).
    label_hkl : bool
        hkl labels next to the strong ticks.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from .spectra import stacked

    ax = _axes(ax)
    data = ds
    if sqrt:
        data = ds.assign(intensity=np.sqrt(ds["intensity"].clip(min=0)).assign_attrs(
            ds["intensity"].attrs, long_name="√Intensity"))
    if offset is None and normalize:
        offset = 1.05
    stacked(data, var="intensity", dim="two_theta", offset=offset, labels=labels,
            normalize=normalize, ax=ax, lw=0.7, legend="ends", **line_kw)
    x = ds["two_theta"].values
    ax.set_xlim(float(np.nanmin(x)), float(np.nanmax(x)))
    if references is not None:
        ymin, ymax = ax.get_ylim()
        row = ((0.2 if label_hkl else 0.12) * (ymax - ymin)
               / max(1.0, 0.5 * len(_phase_rows(references))))
        bottom = reference_ticks(references, ax=ax, y0=ymin, row_height=row,
                                 label_hkl=label_hkl, min_intensity=min_intensity)
        ax.set_ylim(bottom, ymax)
    ax.set_yticks([])
    return ax


def pattern_fit(result, *, data, index=None, ax=None, residual: bool = True,
                references=None, annotate=None):
    """Measured pattern, doublet components, background, best fit and residual of one fit.

    Parameters
    ----------
    result : xarray.Dataset
        :func:`characterization.xrd.fit_pattern` output.
    data : xarray.Dataset
        The fitted patterns.
    index : int or dict, optional
        Which pattern of a batch (default: the first).
    references : xarray.Dataset, optional
        Reference ticks (:func:`characterization.xrd.reference_pattern`) under the pattern.
    annotate : str, optional
        Text for the upper right corner.

    Returns
    -------
    matplotlib.axes.Axes
        The main panel.
    """
    from .fit import fit_result

    ax = _axes(ax)
    fit_result(result, data=data, index=index, ax=ax, residual=residual, components=True,
               legend=False)
    sel = select_one(result["best_fit"], "two_theta", index)
    one = result.isel({d: i for d, i in sel.items() if d in result.dims})
    if "center" in one and "peak" in one.dims:
        _peak_names(ax, one)
    if references is not None:
        ymin, ymax = ax.get_ylim()
        row = 0.1 * (ymax - ymin)
        bottom = reference_ticks(references, ax=ax, y0=ymin, row_height=row,
                                 xlim=ax.get_xlim())
        ax.set_ylim(bottom, ymax)
        ticks = [t for t in ax.get_yticks() if 0 <= t <= ymax]   # no negative counts
        ax.set_yticks(ticks)
        ax.set_ylim(bottom, ymax)
    if annotate:
        ax.text(0.98, 0.97, annotate, transform=ax.transAxes, ha="right", va="top", fontsize=7,
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1.5})
    return ax


def _peak_names(ax, one):
    """Peak names above the fit, horizontal; names of peaks closer than 4 % of the axis span
    are stacked one above the other over their group, and a group whose names would reach
    its left neighbour's (their widths at the panel's size) is raised above that neighbour's
    stack instead of overprinting it."""
    y = np.asarray(one["best_fit"].values, dtype=float)
    top = float(np.nanmax(y)) if np.isfinite(y).any() else 1.0
    centers = np.asarray(one["center"].values, dtype=float)
    names = [str(n) for n in one["peak"].values]
    order = [i for i in np.argsort(centers) if np.isfinite(centers[i])]
    lo, hi = ax.get_xlim()
    gap = 0.04 * abs(hi - lo)
    groups: list[list[int]] = []
    for i in order:
        if groups and centers[i] - centers[groups[-1][-1]] < gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    # label half-widths in data units: ~0.6 em per character at 5.5 pt over the axes width
    width_pt = max(ax.get_position().width * ax.figure.get_figwidth() * 72.0, 1.0)
    per_pt = abs(hi - lo) / width_pt
    half = [max(0.5 * (0.6 * 5.5 * len(names[i]) + 3.0) * per_pt for i in g) for g in groups]
    mid = [float(np.mean(centers[g])) for g in groups]
    level = [0] * len(groups)
    for g in range(1, len(groups)):
        if mid[g] - half[g] < mid[g - 1] + half[g - 1]:
            level[g] = level[g - 1] + len(groups[g - 1])
    x = one["best_fit"][one["best_fit"].dims[-1]].values
    for g, group in enumerate(groups):
        xc = mid[g]
        near = np.abs(x - xc) <= max(gap, 1e-9)
        base = float(np.nanmax(y[near])) if near.any() else top
        for k, i in enumerate(group):
            ax.annotate(names[i], (xc, base), xytext=(0, 2 + 6.5 * (level[g] + k)),
                        textcoords="offset points", ha="center", va="bottom", fontsize=5.5,
                        color="0.15")
    tallest = max((level[g] + len(grp) for g, grp in enumerate(groups)), default=1)
    ax.set_ylim(top=(1.2 + 0.12 * tallest) * top)


def _line_panel(result, x_name, y_name, index, ax, xlabel, ylabel, intercept, slope, text):
    ax = _axes(ax)
    ref = result["crystallite_size"]
    sel = select_one(ref.expand_dims(_s=1), "_s", index) if ref.ndim else {}
    one = result.isel({d: i for d, i in sel.items() if d in result.dims})
    x = np.asarray(one[x_name].values, dtype=float)
    y = np.asarray(one[y_name].values, dtype=float)
    err = (np.asarray(one[f"{y_name}_stderr"].values, dtype=float)
           if f"{y_name}_stderr" in one else None)
    limited = (np.asarray(one["instrument_limited"].values, dtype=bool)
               if "instrument_limited" in one else np.zeros(x.shape, bool))
    ok = np.isfinite(x) & np.isfinite(y)
    ax.errorbar(x[ok & ~limited], y[ok & ~limited],
                yerr=None if err is None else err[ok & ~limited], fmt="o", ms=3, color=MAIN_COLOR,
                capsize=1.5, lw=0.7, label="peaks")
    if "peak" in one.dims:
        for name, xi, yi in zip(one["peak"].values, x, y):
            if np.isfinite(xi) and np.isfinite(yi):
                ax.annotate(str(name), (xi, yi), xytext=(2, 2), textcoords="offset points",
                            fontsize=5)
    a, b = intercept(one), slope(one)
    if np.isfinite(a) and np.isfinite(b) and ok.any():
        xs = np.linspace(0.0, 1.05 * np.nanmax(x[ok]), 50)
        ax.plot(xs, a + b * xs, color=FIT_COLOR, lw=0.9, label="fit")
    ax.set_xlim(left=0.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.text(0.03, 0.97, text(one), transform=ax.transAxes, ha="left", va="top", fontsize=7,
            bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1.5})
    return ax


def _size_strain_text(one):
    size, s_err = float(one["crystallite_size"]), float(one["crystallite_size_stderr"])
    eps, e_err = float(one["microstrain"]), float(one["microstrain_stderr"])
    return (f"D = {size:.1f} ± {s_err:.1f} nm\n"
            f"ε = {eps * 1e3:.2f} ± {e_err * 1e3:.2f} × 10$^{{-3}}$")


def williamson_hall_plot(result, *, data=None, index=None, ax=None):
    """β cos θ against 4 sin θ with error bars, the fitted line, size and strain.

    Parameters
    ----------
    result : xarray.Dataset
        :func:`characterization.xrd.williamson_hall` output (``wh_x``, ``wh_y``).
    data : ignored
        Accepted so that every panel takes ``(result, data=...)``.
    index : int or dict, optional
        Which batch entry (default: the first).
    """
    k = float(result.attrs.get("k", 0.9))
    wl_nm = float(result["wavelength"]) / 10.0 if "wavelength" in result.coords else np.nan

    def intercept(one):
        return k * wl_nm / float(one["crystallite_size"])

    def slope(one):
        return float(one["microstrain"])

    return _line_panel(result, "wh_x", "wh_y", index, ax, "4 sin θ", "β cos θ (rad)",
                       intercept, slope, _size_strain_text)


def size_strain_plot(result, *, data=None, index=None, ax=None):
    """(β*/d*)² against β*/d*² (Halder–Wagner) with the fitted line, size and strain.

    Parameters
    ----------
    result : xarray.Dataset
        :func:`characterization.xrd.size_strain_plot` output (``ssp_x``, ``ssp_y``).
    """
    k = float(result.attrs.get("k", 1.0))

    def intercept(one):
        return (2.0 * float(one["microstrain"])) ** 2 if np.isfinite(
            float(one["microstrain"])) else 0.0

    def slope(one):
        return k / float(one["crystallite_size"])

    return _line_panel(result, "ssp_x", "ssp_y", index, ax, "β*/d*² (nm)", "(β*/d*)²",
                       intercept, slope, _size_strain_text)


def scherrer_sizes(result, *, data=None, index=None, ax=None):
    """Scherrer size per reflection (bar chart with error bars; instrument-limited ones hatched
    at zero).

    Parameters
    ----------
    result : xarray.Dataset
        :func:`characterization.xrd.scherrer` output.
    """
    ax = _axes(ax)
    size = result["crystallite_size"]
    sel = select_one(size, "peak", index) if size.ndim > 1 else {}
    one = result.isel({d: i for d, i in sel.items() if d in result.dims})
    names = [str(p) for p in one["peak"].values]
    values = np.asarray(one["crystallite_size"].values, dtype=float)
    errors = np.asarray(one["crystallite_size_stderr"].values, dtype=float)
    pos = np.arange(len(names))
    ok = np.isfinite(values)
    ax.bar(pos[ok], values[ok], yerr=errors[ok], color=MAIN_COLOR, alpha=0.7, capsize=2)
    if (~ok).any():
        ax.bar(pos[~ok], np.zeros((~ok).sum()), color="none", edgecolor="0.5", hatch="//")
        for p in pos[~ok]:
            ax.text(p, 0, "inst.\nlimited", ha="center", va="bottom", fontsize=5, color="0.4")
    ax.set_xticks(pos, names, rotation=90 if len(names) > 6 else 0, fontsize=6)
    ax.set_ylabel(axis_label(one["crystallite_size"], "crystallite size"))
    return ax
