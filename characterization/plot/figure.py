"""Multi-panel figure layout with panel letters."""

from __future__ import annotations

import string

import numpy as np

from .style import RC, width_inch


def figure(nrows: int = 1, ncols: int = 1, *, width="single", aspect: float = 0.75,
           letters: bool = True, letter_format: str = "({})", sharex=False, sharey=False,
           **subplot_kw):
    """A figure of ``nrows × ncols`` panels at a journal column width.

    Parameters
    ----------
    width : {"single", "onehalf", "double"} or float
        Figure width as a journal column name or in inches.
    aspect : float
        Height/width of one panel.
    letters : bool
        Put panel letters (a), (b) ... in the top-left corner of each panel.

    Returns
    -------
    fig, axes
        ``axes`` is a flat numpy array of Axes (length nrows*ncols).
    """
    import matplotlib.pyplot as plt

    w = width_inch(width)
    h = w / ncols * aspect * nrows
    with plt.rc_context(RC):
        fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), sharex=sharex, sharey=sharey,
                                 layout="constrained", squeeze=False, **subplot_kw)
    axes = np.asarray(axes).ravel()
    if letters and axes.size > 1:
        label_panels(axes, letter_format)
    return fig, axes


def new_figure(width="single", aspect: float = 0.75):
    """One-panel figure; returns ``(fig, ax)``."""
    fig, axes = figure(1, 1, width=width, aspect=aspect, letters=False)
    return fig, axes[0]


def label_panels(axes, letter_format: str = "({})", *, x: float = 0.02, y: float = 0.98):
    """Write panel letters a, b, c ... in axes coordinates (top left)."""
    for letter, ax in zip(string.ascii_lowercase, np.ravel(axes)):
        ax.text(x, y, letter_format.format(letter), transform=ax.transAxes, ha="left",
                va="top", fontweight="bold")
    return axes
