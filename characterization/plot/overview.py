"""Overview figures of a batch: the headline numbers of one step over many spectra.

One panel per headline quantity of the step (the columns of the run's ``summary.csv``,
``<step>.<variable>[<label>] (<units>)``): with up to :data:`POINTS_UP_TO` spectra every value
is a point with its ``_stderr`` as an error bar against the spectrum's key, readable as a
trend along a series; with more, a histogram with the median and the number of finite values,
which stays readable at 10,000 spectra where one panel per file does not.
"""

from __future__ import annotations

import re

import numpy as np

from .style import FIT_COLOR, MAIN_COLOR, OKABE_ITO

#: Largest number of spectra drawn as labelled points; more become a histogram.
POINTS_UP_TO = 40
#: Largest number of panels in one overview figure.
MAX_PANELS = 9

_COLUMN = re.compile(r"^(?P<step>[^.]+)\.(?P<var>[^\[ ]+)(?P<label>\[[^\]]*\])?"
                     r"(?: \((?P<units>.*)\))?$")


def sample_colors(n: int) -> list:
    """``n`` distinct colours: the Okabe–Ito set up to eight, a perceptual colormap beyond
    (the cycle would repeat and make two samples look like one)."""
    import matplotlib as mpl

    if n <= len(OKABE_ITO):
        return list(OKABE_ITO[:n])
    cmap = mpl.colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.92, n)]


def headline_columns(columns, step: str) -> list[tuple[str, str | None, str]]:
    """(value column, stderr column or None, axis label) of ``step``'s numeric headlines."""
    columns = list(columns)
    out = []
    for col in columns:
        m = _COLUMN.match(col)
        if not m or m["step"] != step or m["var"].endswith("_stderr") or m["var"] in (
                "success", "n_points", "in_regime", "model", "message"):
            continue
        err = next((c for c in columns if (mm := _COLUMN.match(c)) and mm["step"] == step
                    and mm["var"] == f"{m['var']}_stderr" and mm["label"] == m["label"]), None)
        units = m["units"]
        label = f"{m['var']}{m['label'] or ''}" + (f" ({units})" if units not in (None, "", "1")
                                                    else "")
        out.append((col, err, label))
    return out


def _typeset(label: str) -> str:
    """``"bet_area (m^2/g)"`` -> ``"bet area (m$^2$ g$^{-1}$)"`` for an axis."""
    from ._labels import pretty_name, pretty_units

    name, sep, units = label.partition(" (")
    if "[" not in name:
        # subscripts first (``I_D/I_G`` -> I$_D$/I$_G$), then snake_case words -> spaces
        parts = pretty_name(name).split("$")
        name = "$".join(p if i % 2 else p.replace("_", " ") for i, p in enumerate(parts))
    if sep and units.endswith(")") and pretty_units(units[:-1]):
        return f"{name} ({pretty_units(units[:-1])})"
    return name


def _numeric(values) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def step_overview(rows, step: str, *, width="double"):
    """Overview figure of ``step`` from summary rows (dicts with a ``sample`` key).

    Parameters
    ----------
    rows : list of dict
        Rows of the run's summary table (one per spectrum).
    step : str
        Step label (``"bet"``, ``"fit_carbon"``).
    width : str or float
        Figure width (journal column name or inches).

    Returns
    -------
    matplotlib.figure.Figure or None
        None when the step has no numeric headline with a finite value.
    """
    from .figure import figure

    columns = []
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    panels = []
    for col, err, label in headline_columns(columns, step):
        values = _numeric([r.get(col) for r in rows])
        if np.isfinite(values).any():
            errors = _numeric([r.get(err) for r in rows]) if err else None
            panels.append((values, errors, label))
    panels = panels[:MAX_PANELS]
    if not panels:
        return None
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = figure(nrows, ncols, width=width, aspect=0.75)
    names = [str(r.get("sample", i)) for i, r in enumerate(rows)]
    for ax, (values, errors, label) in zip(axes, panels):
        finite = np.isfinite(values)
        if len(rows) <= POINTS_UP_TO:
            x = np.arange(len(rows))
            ax.errorbar(x[finite], values[finite],
                        yerr=None if errors is None else np.where(
                            np.isfinite(errors), errors, 0.0)[finite],
                        fmt="o", ms=3, lw=0.8, capsize=1.5, color=MAIN_COLOR)
            ax.set_xticks(x, names, rotation=90, fontsize=5 if len(rows) > 15 else 6)
            ax.set_xlim(-0.5, len(rows) - 0.5)
        else:
            data = values[finite]
            ax.hist(data, bins=min(60, max(10, int(np.sqrt(data.size)))), color=MAIN_COLOR,
                    alpha=0.8)
            med = float(np.median(data))
            ax.axvline(med, color=FIT_COLOR, lw=0.8)
            ax.text(0.98, 0.95, f"median {med:.4g}\nn = {data.size} of {values.size}",
                    transform=ax.transAxes, ha="right", va="top", fontsize=6)
            ax.set_xlabel(_typeset(label))
            ax.set_ylabel("spectra")
            continue
        ax.set_ylabel(_typeset(label))
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(f"{step}: {len(rows)} spectra", fontsize=8)
    return fig
