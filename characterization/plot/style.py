"""Figure style for journal panels: sizes, fonts and line widths that survive print.

Column widths follow the common publisher guides (Elsevier, ACS, RSC, Wiley): single column
about 85–90 mm, one-and-a-half about 140 mm, double about 175–180 mm. Fonts 7–8 pt at print
size; lines 0.8–1 pt. :func:`style` is a context manager, so nothing global is changed on import.
"""

from __future__ import annotations

import contextlib

MM = 1 / 25.4
JOURNAL_WIDTHS_INCH = {"single": 85 * MM, "onehalf": 140 * MM, "double": 178 * MM}

RC = {
    "font.size": 8,
    "axes.labelsize": 8,
    "axes.titlesize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.0,
    "lines.markersize": 3,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "legend.frameon": False,
    "savefig.dpi": 600,
    "pdf.fonttype": 42,   # TrueType in PDFs: editable text, as journals ask
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def style(**overrides):
    """Context manager applying the journal style (plus ``overrides``) to figures made inside."""
    import matplotlib as mpl

    with mpl.rc_context({**RC, **overrides}):
        yield


def width_inch(width) -> float:
    """A width given as a journal column name or in inches."""
    if isinstance(width, str):
        try:
            return JOURNAL_WIDTHS_INCH[width]
        except KeyError:
            raise ValueError(f"width must be inches or one of {list(JOURNAL_WIDTHS_INCH)}") from None
    return float(width)
