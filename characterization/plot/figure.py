"""Multi-panel figures: a grid of empty panels, or a layout of panel functions composed into one
figure at a journal column width, with panel letters and shared axes where asked.

Two ways to call :func:`figure`:

* ``figure(nrows, ncols, ...)`` -> ``(fig, axes)``: an empty grid to draw into (the historical
  form, kept for existing callers);
* ``figure(layout, ...)`` -> ``fig``: ``layout`` is a mosaic string (``"AB;CC"``) or nested lists
  of panel specs; each spec names a panel function and its data, the composer creates the axes
  and calls the function with ``ax=``. ``fig.panels`` maps panel names to their Axes.
"""

from __future__ import annotations

import string
from importlib import import_module

import numpy as np

from .style import rc, width_inch

#: Panel modules that :func:`resolve_panel` searches for a ``"module.function"`` name.
PANEL_MODULES = ("fit", "maps", "nanoindent", "raman", "sorption", "spectra", "xps", "xrd",
                 "exafs", "exafs_fit", "overview")
LETTER_STYLES = {"paren": "({})", "bold": "{}", "upper": "{}", "plain": "{}"}


def _letter_text(i: int, letter_format: str) -> str:
    letter = string.ascii_lowercase[i % 26] * (1 + i // 26)
    if letter_format == "upper":
        return letter.upper()
    return LETTER_STYLES.get(letter_format, letter_format).format(letter)


def figure(layout=1, ncols: int | None = None, *, panels=None, width="single",
           aspect: float = 0.75, height=None, letters: bool = True,
           letter_format: str = "({})", sharex=False, sharey=False, style: bool = True,
           errors: str = "raise", **subplot_kw):
    """A multi-panel figure at a journal column width.

    Parameters
    ----------
    layout : int, str or list
        * an int: the number of rows of an empty grid (with ``ncols``); returns ``(fig, axes)``;
        * a mosaic string such as ``"AB;CC"`` (``;`` or newline between rows, ``.`` for an empty
          cell); the panel specs are given in ``panels`` keyed by the letters;
        * nested lists of panel specs, one list per row; the same spec object in neighbouring
          cells spans them, ``None`` leaves a cell empty.

        A panel spec is ``{"panel": name_or_callable, "data": ds, **kwargs}`` (the panel is
        called as ``panel(data, ax=ax, **kwargs)``; with a ``"result"`` key it is called as
        ``panel(result, data=data, ax=ax, **kwargs)``, the form of the result panels), a tuple
        ``(callable, ds, kwargs)``, or a bare callable ``f(ax)``. ``"name"`` sets the key in
        ``fig.panels`` (default the mosaic letter or ``a``, ``b`` ...), ``"title"`` a title.
        Panel names are ``"<module>.<function>"`` of :mod:`characterization.plot`
        (``"xrd.pattern_fit"``), resolved lazily by :func:`resolve_panel`.
    ncols : int, optional
        Columns of the empty grid (with an int ``layout``).
    panels : dict, optional
        Panel specs per mosaic letter (with a mosaic string ``layout``).
    width : {"single", "onehalf", "double"}, "NNmm" or float
        Figure width: a journal column (85, 114, 174 mm), millimetres, or inches.
    aspect : float
        Height/width of one cell; the figure height is ``rows × width / columns × aspect``.
    height : float or str, optional
        Figure height (inches or ``"NNmm"``) instead of the one from ``aspect``.
    letters : bool
        Panel letters in reading order; only for more than one panel.
    letter_format : str
        ``"({})"`` for (a), ``"bold"`` for a bold a, ``"upper"`` for A, or any format string.
    sharex, sharey : bool or list of tuple
        Share the x (y) axis of all panels (True), or of each group of panel names given.
    style : bool
        Draw under the journal style (:func:`characterization.plot.style`).
    errors : {"raise", "nan"}
        A panel function that raises: re-raise (default), or, with ``"nan"`` (a batch report
        that must not die on one panel), leave its axes empty with ``"panel not drawn:
        <reason>"`` written in it and the reason in ``fig.panel_errors``. An unknown panel
        name always raises.

    Returns
    -------
    (matplotlib.figure.Figure, numpy.ndarray of Axes) or matplotlib.figure.Figure
        With an int ``layout``: the figure and the flat array of its axes. Otherwise the
        figure, with ``fig.panels`` ``{name: Axes}`` and ``fig.panel_results`` ``{name: what
        the panel function returned}`` and ``fig.panel_errors`` ``{name: reason}``.

    Raises
    ------
    ValueError
        An unknown panel name (the message lists the panels there are), a mosaic letter with
        no spec, or an unknown width.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from characterization.plot import figure
    >>> from characterization.synthetic import isotherms
    >>> from characterization.sorption import bet
    >>> ds = isotherms(2, kind="IV", seed=0)
    >>> fig = figure([[{"panel": "sorption.isotherm", "data": ds},
    ...                {"panel": "sorption.bet_plot", "result": bet(ds), "data": ds}]],
    ...              width="double")
    >>> sorted(fig.panels)
    ['a', 'b']
    """
    if isinstance(layout, (int, np.integer)) and not isinstance(layout, bool):
        return _grid(int(layout), 1 if ncols is None else int(ncols), width=width,
                     aspect=aspect, height=height, letters=letters,
                     letter_format=letter_format, sharex=sharex, sharey=sharey, style=style,
                     **subplot_kw)
    return compose(layout, panels=panels, width=width, aspect=aspect, height=height,
                   letters=letters, letter_format=letter_format, sharex=sharex,
                   sharey=sharey, style=style, errors=errors, **subplot_kw)


def _context(style: bool):
    import contextlib

    import matplotlib as mpl

    return mpl.rc_context(rc()) if style else contextlib.nullcontext()


def _height(height, w, n_rows, n_cols, aspect):
    if height is not None:
        return width_inch(height)
    return w / n_cols * aspect * n_rows


def _grid(nrows, ncols, *, width, aspect, height, letters, letter_format, sharex, sharey,
          style, **subplot_kw):
    import matplotlib.pyplot as plt

    w = width_inch(width)
    h = _height(height, w, nrows, ncols, aspect)
    with _context(style):
        fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), sharex=sharex, sharey=sharey,
                                 layout="constrained", squeeze=False, **subplot_kw)
    from ._layout import use_panel_layout

    use_panel_layout(fig)
    axes = np.asarray(axes).ravel()
    if letters and axes.size > 1:
        label_panels(axes, letter_format)
    fig.panels = {string.ascii_lowercase[i % 26]: ax for i, ax in enumerate(axes)}
    return fig, axes


def _mosaic_rows(layout: str) -> list[list[str]]:
    rows = [r.strip() for r in layout.replace("\n", ";").split(";") if r.strip()]
    grid = [list(r.replace(" ", "")) for r in rows]
    if len({len(r) for r in grid}) != 1:
        raise ValueError(f"mosaic {layout!r}: every row needs the same number of cells")
    return grid


def _normalise_layout(layout, panels):
    """(grid of names with '.' for empty, {name: spec}) from a mosaic string or nested lists."""
    if isinstance(layout, str):
        grid = _mosaic_rows(layout)
        specs = dict(panels or {})
        names = [c for row in grid for c in row if c != "."]
        missing = [n for n in dict.fromkeys(names) if n not in specs]
        extra = [k for k in specs if k not in names]
        if extra:
            raise ValueError(f"panels {extra} are not in the mosaic {layout!r}")
        for n in missing:
            specs[n] = None                       # an empty axes to draw into
        return grid, specs
    items = list(layout) if isinstance(layout, list) else [layout]
    if items and all(isinstance(r, list) for r in items):
        rows = [list(r) for r in items]           # nested lists: one list per row
    else:
        rows = [items]                            # a flat list (or one spec) is one row
    if len({len(r) for r in rows}) != 1:
        raise ValueError("layout: every row needs the same number of cells (repeat a spec to "
                         "span cells, None for an empty one)")
    ids, specs, grid, auto = {}, {}, [], 0
    for row in rows:
        names = []
        for spec in row:
            if spec is None:
                names.append(".")
                continue
            key = id(spec)
            if key not in ids:
                name = spec.get("name") if isinstance(spec, dict) else None
                if name is None:
                    name = string.ascii_lowercase[auto % 26] * (1 + auto // 26)
                    auto += 1
                if str(name) in specs or str(name) == ".":
                    raise ValueError(f"layout: two panels are named {name!r}")
                ids[key] = str(name)
                specs[str(name)] = spec
            names.append(ids[key])
        grid.append(names)
    return grid, specs


def resolve_panel(name):
    """The panel function for ``"module.function"`` (``"xrd.pattern_fit"``), or a callable.

    Raises
    ------
    ValueError
        When the module or function does not exist; the message lists the panels available.
    """
    if callable(name):
        return name
    if not isinstance(name, str) or name.count(".") != 1:
        raise ValueError(f"panel must be a callable or 'module.function', got {name!r}; "
                         f"panels: {', '.join(available_panels())}")
    module, func = name.split(".")
    try:
        mod = import_module(f"characterization.plot.{module}")
    except ImportError:
        mod = None
    target = getattr(mod, func, None) if mod is not None and not func.startswith("_") else None
    if not callable(target):
        raise ValueError(f"unknown panel {name!r}; panels: {', '.join(available_panels())}")
    return target


def available_panels() -> list[str]:
    """Names ``"module.function"`` of the public panel functions."""
    import inspect

    out = []
    for module in PANEL_MODULES:
        try:
            mod = import_module(f"characterization.plot.{module}")
        except ImportError:
            continue
        public = getattr(mod, "__all__", None)
        for name, obj in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ != mod.__name__ or (public is not None and name not in public):
                continue
            params = list(inspect.signature(obj).parameters.values())
            required_kw = [q.name for q in params if q.kind is q.KEYWORD_ONLY
                           and q.default is q.empty and q.name != "data"]
            if ("ax" in inspect.signature(obj).parameters and params[0].name != "ax"
                    and not required_kw):            # helpers such as reference_ticks are not
                out.append(f"{module}.{name}")       # panels

    return sorted(out)


def _draw(spec, ax):
    """Call one panel spec on ``ax``; returns what the panel returned."""
    if spec is None:
        return ax
    if callable(spec) and not isinstance(spec, dict):
        return spec(ax)
    if isinstance(spec, tuple):
        func, data, *rest = spec
        kwargs = dict(rest[0]) if rest else {}
        return resolve_panel(func)(data, ax=ax, **kwargs)
    if not isinstance(spec, dict) or "panel" not in spec:
        raise ValueError(f"a panel spec is a dict with a 'panel' key, a (callable, data, "
                         f"kwargs) tuple or a callable; got {spec!r}")
    kwargs = {k: v for k, v in spec.items() if k not in ("panel", "name", "title", "result",
                                                         "data")}
    func = resolve_panel(spec["panel"])
    if "result" in spec:
        out = func(spec["result"], data=spec.get("data"), ax=ax, **kwargs)
    else:
        out = func(spec.get("data"), ax=ax, **kwargs)
    if spec.get("title"):
        ax.set_title(spec["title"])
    return out


def compose(layout, *, panels=None, width="single", aspect: float = 0.75, height=None,
            letters: bool = True, letter_format: str = "({})", sharex=False, sharey=False,
            style: bool = True, errors: str = "raise", **subplot_kw):
    """Compose panel functions into one figure; see :func:`figure` (which calls this)."""
    import matplotlib.pyplot as plt

    if errors not in ("raise", "nan"):
        raise ValueError(f"errors must be 'raise' or 'nan', got {errors!r}")

    grid, specs = _normalise_layout(layout, panels)
    n_rows, n_cols = len(grid), len(grid[0])
    w = width_inch(width)
    h = _height(height, w, n_rows, n_cols, aspect)
    with _context(style):
        fig = plt.figure(figsize=(w, h), layout="constrained")
        from ._layout import use_panel_layout

        use_panel_layout(fig)
        axd = fig.subplot_mosaic(grid, empty_sentinel=".",
                                 sharex=sharex is True, sharey=sharey is True,
                                 subplot_kw=subplot_kw or None)
        order = [n for row in grid for n in row if n != "."]
        order = list(dict.fromkeys(order))
        _share_groups(axd, sharex, "x")
        _share_groups(axd, sharey, "y")
        results, failures = {}, {}
        for name in order:
            spec = specs.get(name)
            if isinstance(spec, dict) and "panel" in spec:
                resolve_panel(spec["panel"])               # unknown names always raise
            try:
                results[name] = _draw(spec, axd[name])
            except Exception as err:                       # noqa: BLE001 (reported per panel)
                if errors == "raise":
                    raise
                failures[name] = f"{type(err).__name__}: {err}"
                results[name] = None
                _failed_panel(axd[name], failures[name])
        if letters and len(order) > 1:
            label_panels([axd[n] for n in order], letter_format)
    fig.panels = {n: axd[n] for n in order}
    fig.panel_results = results
    fig.panel_errors = failures
    return fig


def _failed_panel(ax, reason: str):
    """Clear ``ax`` and say why its panel is missing (``errors="nan"``)."""
    import textwrap

    for child in list(ax.child_axes):
        child.remove()
    ax.clear()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.minorticks_off()
    ax.text(0.5, 0.5, "panel not drawn:\n" + textwrap.fill(reason, 40), ha="center",
            va="center", transform=ax.transAxes, fontsize=6, color="0.3")


def _share_groups(axd, share, which):
    if share is True or not share:
        return
    for group in share:
        group = list(group)
        unknown = [g for g in group if g not in axd]
        if unknown:
            raise ValueError(f"share{which}: no panels {unknown} (panels: {list(axd)})")
        first = axd[group[0]]
        for other in group[1:]:
            getattr(axd[other], f"share{which}")(first)


def new_figure(width="single", aspect: float = 0.75):
    """One-panel figure under the journal style; returns ``(fig, ax)``."""
    fig, axes = figure(1, 1, width=width, aspect=aspect, letters=False)
    return fig, axes[0]


def label_panels(axes, letter_format: str = "({})", *, x: float | None = None,
                 y: float | None = None, fontsize=None):
    """Panel letters a, b, c ... at the top left of each panel, outside the data area.

    The letter is the left-aligned title of the axes (so constrained layout keeps room for it
    and it never covers data); ``letter_format`` ``"({})"`` gives (a), ``"bold"`` a bold a,
    ``"upper"`` A.
    """
    for i, ax in enumerate(np.ravel(axes)):
        text = _letter_text(i, letter_format)
        weight = "bold" if letter_format in ("bold", "upper") else "normal"
        kw = {k: v for k, v in (("x", x), ("y", y), ("fontsize", fontsize)) if v is not None}
        ax.set_title(text, loc="left", fontweight=weight, **kw)
    return axes


def panel_letters(fig) -> list[str]:
    """The panel letters drawn on ``fig`` (for checks)."""
    return [t for t in (ax.get_title(loc="left") for ax in fig.axes) if t]
