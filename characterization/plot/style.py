"""Journal style for figure panels: sizes, fonts, line widths, colours and line styles.

Column widths follow the common publisher guides (Elsevier, ACS, RSC, Wiley): single column
85 mm, one-and-a-half column 114 mm, double column 174 mm. Fonts 7–8 pt at print size, lines
about 1 pt, ticks inward with minor ticks. :func:`style` is a context manager, so nothing global
is changed on import.

Colour policy (:func:`colors_for`, :func:`state_style`): one colour per *sample*, the same in
every panel and figure of a set (the mapping follows the order in which samples first appear);
the line style tells apart the *branch* or *state* of one sample (adsorption solid, desorption
dashed; pristine solid, lithiated dashed, delithiated dotted ...). The colours are the
Okabe–Ito set, distinguishable with the common colour-vision deficiencies and in greyscale by
their lightness; beyond eight samples the colours repeat with another marker and dash pattern,
so no two samples ever look the same.

References
----------
.. [1] M. Okabe, K. Ito, "Color Universal Design (CUD): how to make figures and presentations
   that are friendly to colorblind people" (2008), https://jfly.uni-koeln.de/color/
.. [2] Elsevier artwork guide; ACS "Preparing graphics"; RSC author guidelines (figure widths).
"""

from __future__ import annotations

import contextlib
import re

MM = 1 / 25.4

#: Journal column widths in millimetres.
JOURNAL_WIDTHS_MM = {"single": 85.0, "onehalf": 114.0, "double": 174.0}
#: The same widths in inches (matplotlib's unit); kept under the historical name.
JOURNAL_WIDTHS_INCH = {name: mm * MM for name, mm in JOURNAL_WIDTHS_MM.items()}
#: Other spellings accepted by :func:`width_inch`.
_WIDTH_ALIASES = {"one": "single", "column": "single", "one_half": "onehalf",
                  "1.5": "onehalf", "one-and-a-half": "onehalf", "full": "double",
                  "two": "double", "page": "double"}

#: Okabe–Ito colours, ordered so that neighbours differ most (blue, vermillion, green ...);
#: the yellow comes last (weak on white paper).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
             "#F0E442")
#: Semantic colours of the panels (resolved hex, so a figure saved outside :func:`style` keeps
#: them): the main series, a second series (baseline, cumulative curve), the fitted curve.
MAIN_COLOR = OKABE_ITO[0]
SECOND_COLOR = OKABE_ITO[4]
FIT_COLOR = OKABE_ITO[1]

#: Line style and marker of each pass through the colour cycle (more than 8 samples).
CYCLE_PATTERNS = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"),
                  ((0, (1, 2)), "P"))

#: Line style per branch or state: the same sample keeps its colour, the state its dashes.
STATE_LINESTYLES = {
    "adsorption": "-", "desorption": "--",
    "pristine": "-", "lithiated": "--", "delithiated": ":", "cycled": "-.",
    "charged": "--", "discharged": ":",
    "loading": "-", "unloading": "--",
}
_EXTRA_STATES = ("-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (3, 1, 1, 1, 1, 1)))

_SANS = ["Arial", "Helvetica", "Liberation Sans", "Nimbus Sans", "DejaVu Sans"]

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": _SANS,
    "mathtext.default": "regular",     # units and subscripts in the text font, not italic
    "font.size": 8,
    "axes.labelsize": 8,
    "axes.titlesize": 8,
    "legend.fontsize": 6.5,
    "legend.title_fontsize": 6.5,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.linewidth": 0.7,
    "lines.linewidth": 1.0,
    "lines.markersize": 3,
    "patch.linewidth": 0.6,
    "errorbar.capsize": 1.5,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.minor.visible": True,
    "ytick.minor.visible": True,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "xtick.minor.size": 1.6,
    "ytick.minor.size": 1.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.5,
    "ytick.minor.width": 0.5,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "legend.borderaxespad": 0.3,
    "axes.titlepad": 3.0,
    "axes.labelpad": 2.0,
    "figure.dpi": 150,
    "savefig.dpi": 600,
    "savefig.bbox": None,
    "pdf.fonttype": 42,   # TrueType (Type 42) in PDFs: editable, embedded text, as journals ask
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # text stays <text> in SVG
}


def rc() -> dict:
    """The journal rcParams (a new dict; the colour cycle is the Okabe–Ito set)."""
    from cycler import cycler

    return {**RC, "axes.prop_cycle": cycler(color=list(OKABE_ITO))}


@contextlib.contextmanager
def style(**overrides):
    """Context manager applying the journal style (plus ``overrides``) to figures made inside.

    Parameters
    ----------
    **overrides
        rcParams to change, e.g. ``style(**{"font.size": 9})``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from characterization.plot import style
    >>> with style():
    ...     fig, ax = plt.subplots()
    ...     _ = ax.plot([0, 1], [0, 1])
    >>> plt.close(fig)
    """
    import matplotlib as mpl

    with mpl.rc_context({**rc(), **overrides}):
        yield


def width_inch(width) -> float:
    """A figure width in inches from a journal column name, a millimetre string or inches.

    ``"single"`` (85 mm), ``"onehalf"`` (114 mm), ``"double"`` (174 mm), a string such as
    ``"85mm"`` or ``"120 mm"``, or a number in inches.
    """
    if isinstance(width, str):
        key = width.strip().lower()
        key = _WIDTH_ALIASES.get(key, key)
        if key in JOURNAL_WIDTHS_INCH:
            return JOURNAL_WIDTHS_INCH[key]
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*mm", key)
        if m:
            return float(m[1]) * MM
        raise ValueError(f"width must be inches, 'NNmm' or one of {list(JOURNAL_WIDTHS_INCH)}"
                         f" (got {width!r})")
    return float(width)


def colors_for(labels) -> dict:
    """One colour (and line style and marker) per sample label, stable across panels.

    Labels are numbered in order of first appearance (duplicates keep their first entry), so
    calling it with the same list in every panel gives every sample the same colour everywhere.
    The first 8 samples get the 8 Okabe–Ito colours with solid lines and circles; the 9th to
    16th repeat the colours dashed with squares, and so on: ``(color, linestyle, marker)``
    never repeats for two samples.

    Parameters
    ----------
    labels : iterable of str
        Sample names (may repeat, e.g. one entry per branch or indent).

    Returns
    -------
    dict
        ``{label: {"color": ..., "linestyle": ..., "marker": ...}}`` (usable as ``**kw`` of
        ``ax.plot``), in order of first appearance.

    Examples
    --------
    >>> from characterization.plot import colors_for
    >>> c = colors_for(["Si-2h", "Si-5h", "Si-2h"])
    >>> list(c), c["Si-2h"]["color"]
    (['Si-2h', 'Si-5h'], '#0072B2')
    """
    out = {}
    for label in labels:
        key = str(label) if not isinstance(label, str) else label
        if key in out:
            continue
        i = len(out)
        color = OKABE_ITO[i % len(OKABE_ITO)]
        ls, marker = CYCLE_PATTERNS[(i // len(OKABE_ITO)) % len(CYCLE_PATTERNS)]
        out[key] = {"color": color, "linestyle": ls, "marker": marker}
    return out


def state_style(state, states=None) -> dict:
    """Line style (and marker fill) of a branch or state: ``{"linestyle", "fillstyle"}``.

    Adsorption/pristine/loading solid with filled markers, desorption/lithiated dashed with
    open markers, delithiated dotted; other states get further dash patterns in the order of
    ``states`` (the list of all states drawn), so two states never share one.

    Examples
    --------
    >>> from characterization.plot import state_style
    >>> state_style("desorption")
    {'linestyle': '--', 'fillstyle': 'none'}
    """
    name = str(state).strip().lower()
    if name in STATE_LINESTYLES:
        ls = STATE_LINESTYLES[name]
    else:
        unknown = [str(s).strip().lower() for s in (states or [state])
                   if str(s).strip().lower() not in STATE_LINESTYLES]
        unknown = list(dict.fromkeys(unknown))
        i = unknown.index(name) if name in unknown else 0
        ls = _EXTRA_STATES[i % len(_EXTRA_STATES)]
    return {"linestyle": ls, "fillstyle": "full" if ls == "-" else "none"}
