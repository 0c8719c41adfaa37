"""XPS panels: a fitted region, spectra stacked along a depth profile, profiles of derived values.

Binding-energy axes run from high to low, as XPS is shown. Panels only draw: every number comes
from the analysis result passed in.
"""

from __future__ import annotations

import numpy as np

from ._labels import axis_label
from ._layout import legend_with_headroom
from ._select import select_one
from .style import OKABE_ITO

__all__ = ["region_fit", "regions_fit", "stack", "profile", "composition"]

_BE = "binding_energy"


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _invert(ax, dim):
    if dim == _BE and not ax.xaxis_inverted():
        ax.invert_xaxis()


def _signal_dim(result):
    dim = result.attrs.get("dim")
    if isinstance(dim, str) and dim in result["best_fit"].dims:
        return dim
    return _BE if _BE in result["best_fit"].dims else result["best_fit"].dims[-1]


def region_fit(result, *, data=None, var: str = "intensity", index=None, ax=None,
               residual: bool = True, legend: bool = True):
    """One fitted XPS region: data, components on the background, background, envelope, residual.

    Parameters
    ----------
    result : xarray.Dataset
        A peak-fit result (``best_fit(..., binding_energy)`` and
        ``components(..., component, binding_energy)``; a component named ``"background"``, or a
        ``background`` variable, is drawn as the background and the other components on top of
        it, as CasaXPS shows them; the two lines of a doublet, ``X`` and ``X_so``, share a
        colour and one legend entry).
    data : xarray.Dataset, optional
        The fitted input, for the measured points and the residual.
    var : str
        Variable of ``data`` that was fitted.
    index : int or dict, optional
        Spectrum of a batch (default: the first).
    ax : matplotlib Axes, optional
    residual : bool
        Draw the residual (data − fit) below the spectrum, around its own zero line.
    legend : bool
        Label the components.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    dim = _signal_dim(result)
    sel = select_one(result["best_fit"], dim, index)
    best = result["best_fit"].isel(sel)
    x = best[dim].values
    background = None
    names = []
    if "components" in result:
        comps = result["components"].isel({d: i for d, i in sel.items()
                                           if d in result["components"].dims})
        names = [str(c) for c in comps["component"].values]
        if "background" in names:
            background = comps.sel(component="background").values
    if background is None and "background" in result and dim in result["background"].dims:
        background = result["background"].isel(
            {d: i for d, i in sel.items() if d in result["background"].dims}).values
    base = background if background is not None else np.zeros_like(x, dtype=float)
    y = None
    if data is not None:
        raw = data[var].isel({d: i for d, i in sel.items() if d in data[var].dims})
        raw = raw.sel({dim: x}, method="nearest")
        y = raw.values
        ax.plot(x, y, ".", ms=2.5, color="0.35", label="data")
    colors = {}
    for name in names:
        if name == "background":
            continue
        group = name[:-3] if name.endswith("_so") else name     # a doublet's two lines
        first = group not in colors
        if first:
            colors[group] = OKABE_ITO[len(colors) % len(OKABE_ITO)]
        part = comps.sel(component=name).values
        ax.fill_between(x, base, base + part, alpha=0.35, lw=0.6, color=colors[group],
                        label=group if first else None)
    if background is not None:
        ax.plot(x, background, "--", lw=0.8, color="0.4", label="background")
    ax.plot(x, best.values, "-", lw=1.0, color="k", label="envelope")
    ax.set_xlabel(axis_label(best[dim], "Binding energy (eV)"))
    ax.set_ylabel(axis_label(data[var] if data is not None else best, "Intensity"))
    _invert(ax, dim)
    if residual and y is not None:
        # drawn below the spectrum in the same axes (robust in any figure layout)
        resid = y - best.values
        span = float(np.nanmax(np.abs(resid))) if np.isfinite(resid).any() else 0.0
        low = float(np.nanmin(np.concatenate([y, best.values, base])))
        zero = low - 1.2 * span
        ax.axhline(zero, color="0.6", lw=0.5)
        ax.plot(x, resid + zero, "-", lw=0.6, color="0.3", label="residual")
    if legend:
        legend_with_headroom(ax, loc="upper left", fontsize=5, frameon=False,
                             ncol=3 if len(colors) > 4 else 2)
    return ax


def regions_fit(result, *, data=None, var: str = "intensity", index=None, axes=None,
                residual: bool = True, legend: bool = True):
    """Every region of an ``xps.fit_regions`` result, one :func:`region_fit` panel each.

    Parameters
    ----------
    result : xarray.Dataset
        A :func:`characterization.xps.fit_regions` result (``best_fit(..., region,
        binding_energy)``, ``components(..., component, binding_energy)``, ``peak_region``).
    data : xarray.Dataset or xarray.DataTree, optional
        The fitted regions (a :func:`~characterization.xps.stack_regions` Dataset or the tree),
        for the measured points and the residuals.
    var, index, residual, legend
        As :func:`region_fit`.
    axes : sequence of matplotlib Axes, optional
        One per region (default: a row of new panels).

    Returns
    -------
    list of matplotlib.axes.Axes
    """
    regions = [str(r) for r in result["region"].values]
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(regions), squeeze=False)
        axes = list(axes[0])
    if len(axes) != len(regions):
        raise ValueError(f"regions_fit: {len(regions)} regions, {len(axes)} axes")
    owner = [str(r) for r in result["peak_region"].values]
    out = []
    for ax, region in zip(axes, regions):
        part = result[["best_fit", "background"]].sel(region=region, drop=True)
        keep = part["best_fit"].notnull()
        keep = keep.any([d for d in keep.dims if d != _BE])
        part = part.isel({_BE: keep.values.nonzero()[0]})
        names = [p for p, r in zip(result["peak"].values, owner) if r == region]
        if "components" in result:
            comps = result["components"].sel(component=names)
            comps = comps.isel({_BE: keep.values.nonzero()[0]})
            labels = [str(n).split("/", 1)[-1] for n in names]
            part["components"] = comps.assign_coords(component=labels)
        node = None
        if data is not None:
            node = data[region].to_dataset() if hasattr(data, "children") \
                else data.sel(region=region, drop=True)
        region_fit(part, data=node, var=var, index=index, ax=ax, residual=residual,
                   legend=legend)
        ax.set_title(region, fontsize=7)
        out.append(ax)
    return out


def stack(ds, *, dim: str = "sputter_time", var: str = "intensity", select=None,
          offset: float | None = None, normalize: bool = False, ax=None, cmap: str = "viridis"):
    """Spectra of one region stacked along a batch dim (a Si 2p depth profile, say).

    Parameters
    ----------
    ds : xarray.Dataset
        XPS data with the batch dim ``dim`` (other batch dims are chosen with ``select``).
    dim : str
        Batch dim along which to stack (``sputter_time``, ``emission_angle`` ...).
    var : str
        Variable to draw.
    select : dict, optional
        ``isel`` positions of the other batch dims (default: the first of each).
    offset : float, optional
        Vertical step (default: 0.9 × the largest curve range, or 1 when ``normalize``).
    normalize : bool
        Scale each spectrum to [0, 1] (shape comparison).
    ax : matplotlib Axes, optional
    cmap : str
        Colormap along ``dim``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib

    ax = _axes(ax)
    da = ds[var]
    signal = _BE if _BE in da.dims else da.dims[-1]
    others = {d: 0 for d in da.dims if d not in (dim, signal)}
    others.update(select or {})
    da = da.isel(others)
    if dim not in da.dims:
        raise ValueError(f"stack(): {var!r} has no dim {dim!r} (dims: {list(ds[var].dims)})")
    curves = np.asarray(da.transpose(dim, signal).values, dtype=float)
    if normalize:
        lo = np.nanmin(curves, axis=1, keepdims=True)
        hi = np.nanmax(curves, axis=1, keepdims=True)
        curves = (curves - lo) / np.where(hi > lo, hi - lo, 1.0)
    if offset is None:
        offset = 1.0 if normalize else 0.9 * float(np.nanmax(np.ptp(curves, axis=1)))
    colors = matplotlib.colormaps[cmap](np.linspace(0, 0.9, len(curves)))
    x = da[signal].values
    coord = da[dim] if dim in da.coords else None
    units = coord.attrs.get("units", "") if coord is not None else ""
    for i, (curve, color) in enumerate(zip(curves, colors)):
        ax.plot(x, curve + i * offset, lw=0.8, color=color)
        label = f"{coord.values[i]:g} {units}".strip() if coord is not None else str(i)
        ax.text(x.min() if x[0] > x[-1] else x.max(), curve[-1] + i * offset, " " + label,
                fontsize=5, va="center")
    ax.set_xlabel(axis_label(da[signal], "Binding energy (eV)"))
    ax.set_ylabel("Intensity (norm., offset)" if normalize else "Intensity (offset)")
    ax.set_yticks([])
    _invert(ax, signal)
    return ax


def profile(result, *, var: str = "atomic_percent", dim: str = "sputter_time",
            average: str | None = "site", ax=None, marker: str = "o"):
    """A derived value versus a batch coordinate with error bars (composition or valence profile).

    Parameters
    ----------
    result : xarray.Dataset
        A result with ``var`` along ``dim`` (e.g. ``xps.quantify`` on a depth profile:
        ``atomic_percent(site, sputter_time, peak)``, or an average-valence result).
    var : str
        Variable to draw; its error bars come from ``<var>_stderr`` when present.
    dim : str
        The abscissa (``sputter_time``, ``emission_angle`` ...).
    average : str or None
        A batch dim to average over (default ``site``): the points are the mean over it and the
        error bars its standard deviation (site-to-site scatter); without it, each curve gets
        its own ``<var>_stderr``.
    ax : matplotlib Axes, optional
    marker : str
        Marker of the points.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from characterization.synthetic.xps_survey import survey
    >>> from characterization.xps import quantify
    >>> from characterization.plot.xps import profile
    >>> ds = survey({"O": [40, 20], "Si": [40, 60], "C": 20}, dim="sputter_time",
    ...             coord=[0.0, 120.0], seed=0)
    >>> ax = profile(quantify(ds, peaks=["O 1s", "Si 2p", "C 1s"]), average=None)
    """
    ax = _axes(ax)
    da = result[var]
    err = result[f"{var}_stderr"] if f"{var}_stderr" in result else None
    if average is not None and average in da.dims:
        err = da.std(average, ddof=1) if da.sizes[average] > 1 else None
        da = da.mean(average)
        how = f"mean ± s.d. over {da.attrs.get('long_name', average) and average}"
    else:
        how = "± standard error"
    if dim not in da.dims:
        raise ValueError(f"profile(): {var!r} has no dim {dim!r} (dims: {list(da.dims)})")
    rest = [d for d in da.dims if d != dim]
    extra = [d for d in rest if da.sizes[d] > 1]
    if len(extra) > 1:
        raise ValueError(f"profile(): {var!r} has several non-{dim} dims {rest}; select or "
                         "average first")
    label_dim = extra[0] if extra else None
    keys = da[label_dim].values if label_dim else [None]
    t = da[dim].values
    for key in keys:
        one = da.sel({label_dim: key}) if label_dim else da.squeeze(drop=True)
        e = None
        if err is not None:
            e = (err.sel({label_dim: key}) if label_dim else err.squeeze(drop=True)).values
        ax.errorbar(t, one.values, yerr=e, marker=marker, ms=3, lw=0.8, capsize=2,
                    label=str(key) if key is not None else None)
    ax.set_xlabel(axis_label(result[dim], dim))
    ax.set_ylabel(axis_label(result[var], var))
    if label_dim:
        # beside the panel: a profile fills its axes, a legend inside would cover points
        ax.legend(title=how, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                  handlelength=1.2)
    else:
        ax.set_title(how, fontsize=6)
    return ax


def composition(result, *, data=None, index=None, ax=None):
    """Atomic % of one spectrum as bars with their standard errors (``xps.quantify`` result).

    Parameters
    ----------
    result : xarray.Dataset
        Output of :func:`characterization.xps.quantify`.
    data : xarray.Dataset, optional
        Unused (accepted so the ``characterize`` command can pass it).
    index : int or dict, optional
        Spectrum of a batch (default: the first).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    sel = select_one(result["atomic_percent"], "peak", index)
    one = result.isel(sel)
    labels = [str(p) for p in one["peak"].values]
    values = one["atomic_percent"].values
    errors = one["atomic_percent_stderr"].values
    pos = np.arange(len(labels))
    ax.bar(pos, np.nan_to_num(values), yerr=np.nan_to_num(errors), capsize=2, color="0.6")
    for p, v, e, detected in zip(pos, values, errors, one["detected"].values):
        top = (0 if np.isnan(v) else v) + (0 if not np.isfinite(e) else e)
        ax.annotate(f"{v:.1f}" if detected else "n.d.", (p, top), xytext=(0, 1.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=6)
    finite = np.isfinite(values)
    if finite.any():
        ax.set_ylim(0, 1.15 * float(np.nanmax(np.where(finite, values + np.nan_to_num(errors),
                                                        np.nan))))
    ax.set_xticks(pos, labels)
    ax.set_ylabel(axis_label(result["atomic_percent"], "Atomic concentration (%)"))
    return ax
