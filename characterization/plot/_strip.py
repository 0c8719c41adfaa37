"""A residual strip under a panel that every layout engine respects."""

from __future__ import annotations

import numpy as np


def residual_strip(ax, x, resid, *, height: float = 0.25, pad: float = 0.04):
    """Draw ``resid`` against ``x`` in a thin axes under ``ax`` sharing its x axis.

    The strip is a child (inset) axes placed below ``ax`` in axes coordinates, so constrained
    layout (and ``bbox_inches="tight"``) makes room for it and its labels, in a lone panel as in
    a composed figure. The x label moves from ``ax`` to the strip.

    Returns
    -------
    matplotlib.axes.Axes
        The strip.
    """
    strip = ax.inset_axes([0.0, -pad - height, 1.0, height], sharex=ax)
    strip.axhline(0, color="0.6", lw=0.6)
    strip.plot(x, resid, color="0.3", lw=0.6)
    r = np.asarray(resid, dtype=float)
    if np.isfinite(r).any():
        span = float(np.nanmax(np.abs(r))) or 1.0
        strip.set_ylim(-1.15 * span, 1.15 * span)
        strip.set_yticks([0.0])
    strip.set_ylabel("resid.", fontsize="small")
    strip.set_xlabel(ax.get_xlabel())
    strip.tick_params(labelsize="small", which="both", direction="in", top=True, right=True)
    ax.tick_params(labelbottom=False)
    ax.set_xlabel("")
    return strip
