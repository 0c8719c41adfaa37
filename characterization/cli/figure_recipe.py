"""``[figure.<name>]`` sections of a recipe: named multi-panel figures built from batch results.

::

    [figure.S3]
    title = "Si/CoSi2 after milling"      # optional suptitle
    width = "double"                      # "single", "onehalf", "double" or inches
    columns = 2                           # panels per row (default: up to 3)
    formats = ["pdf", "png"]              # any of pdf, png, svg (default pdf and png)
    panels = [
      { panel = "xrd.pattern_fit", step = "fit_pattern", select = { sample = "*10h*" } },
      { panel = "raman.carbon_fit", step = "fit_carbon", options = { residual = false } },
    ]

Each panel entry names a panel function ``characterization.plot.<kind>.<function>`` and the
recipe step whose results it draws. A panel function that draws one spectrum (it has an
``index`` parameter) gives one panel per file whose key matches ``select.sample`` (a glob,
default ``"*"``; at most ``max`` panels, default 6); any other panel function draws all the
selected results at once (``nanoindent.energy_bars``). ``options`` are passed to the panel
function. Everything is checked before a run starts: unknown keys, panels, steps and options
fail with a :class:`~.recipe.RecipeError` naming the section.
"""

from __future__ import annotations

import dataclasses
import inspect
from importlib import import_module

#: Modules of characterization.plot whose public functions can be figure panels.
PANEL_MODULES = ("fit", "xrd", "raman", "sorption", "xps", "nanoindent", "spectra")
FORMATS = ("pdf", "png", "svg")
FIGURE_KEYS = {"title", "width", "columns", "formats", "panels"}
PANEL_KEYS = {"panel", "step", "select", "options", "max"}


@dataclasses.dataclass
class PanelSpec:
    panel: str
    step: str
    select: dict
    options: dict
    max: int = 6

    @property
    def function(self):
        kind, name = self.panel.split(".", 1)
        return getattr(import_module(f"characterization.plot.{kind}"), name)

    @property
    def per_file(self) -> bool:
        """True when the panel draws one spectrum of a result (it takes ``index``)."""
        return "index" in inspect.signature(self.function).parameters


@dataclasses.dataclass
class FigureSpec:
    name: str
    panels: list
    title: str | None = None
    width: object = "double"
    columns: int | None = None
    formats: tuple = ("pdf", "png")


def _panel_function(name: str, where: str, error):
    if not isinstance(name, str) or name.count(".") != 1:
        raise error(f"{where}: panel = {name!r} must be '<kind>.<function>', e.g. "
                    "'xrd.pattern_fit'")
    kind, func = name.split(".")
    if kind not in PANEL_MODULES:
        raise error(f"{where}: panel {name!r}: no panel module {kind!r}; known: "
                    f"{', '.join(PANEL_MODULES)}")
    module = import_module(f"characterization.plot.{kind}")
    f = getattr(module, func, None)
    if func.startswith("_") or not callable(f) or "ax" not in inspect.signature(f).parameters:
        names = sorted(n for n, v in vars(module).items() if not n.startswith("_")
                       and inspect.isfunction(v) and v.__module__ == module.__name__
                       and "ax" in inspect.signature(v).parameters)
        raise error(f"{where}: panel {name!r} is not a panel function; {kind} has: "
                    f"{', '.join(names)}")
    return f


def _known_keys(table: dict, known: set, where: str, error) -> None:
    unknown = set(table) - known
    if unknown:
        raise error(f"{where}: unknown keys {sorted(unknown)}; known: {', '.join(sorted(known))}")


def parse_figures(table: dict, step_labels, *, source: str = "<recipe>", error=ValueError):
    """Check the ``[figure]`` table of a recipe and return a list of :class:`FigureSpec`.

    Parameters
    ----------
    table : dict
        ``data["figure"]`` of the parsed TOML: figure name -> section.
    step_labels : sequence of str or None
        Step labels a panel may name (None: not checked here, e.g. ``characterize figure``
        on results whose recipe is unknown).
    error : exception class
        Raised with a message naming the section (the recipe's ``RecipeError``).
    """
    if not isinstance(table, dict):
        raise error(f"{source}: [figure] must hold [figure.<name>] sections")
    out = []
    for name, section in table.items():
        where = f"{source}: [figure.{name}]"
        if not isinstance(section, dict):
            raise error(f"{where} must be a section")
        _known_keys(section, FIGURE_KEYS, where, error)
        width = section.get("width", "double")
        from ..plot.style import JOURNAL_WIDTHS_INCH

        if not (width in JOURNAL_WIDTHS_INCH or (isinstance(width, (int, float))
                                                 and not isinstance(width, bool)
                                                 and 1 <= width <= 20)):
            raise error(f"{where}: width = {width!r}; use {', '.join(JOURNAL_WIDTHS_INCH)} "
                        "or inches (1-20)")
        formats = section.get("formats", ["pdf", "png"])
        if (not isinstance(formats, list) or not formats
                or any(f not in FORMATS for f in formats)):
            raise error(f"{where}: formats = {formats!r}; a list of {', '.join(FORMATS)}")
        columns = section.get("columns")
        if columns is not None and (not isinstance(columns, int) or columns < 1):
            raise error(f"{where}: columns = {columns!r} must be a positive integer")
        panels = section.get("panels")
        if not isinstance(panels, list) or not panels:
            raise error(f"{where}: panels = [...] is missing or empty; e.g. panels = "
                        "[{ panel = \"xrd.pattern_fit\", step = \"fit_pattern\" }]")
        specs = []
        for k, p in enumerate(panels, 1):
            pwhere = f"{where} panel {k}"
            if not isinstance(p, dict):
                raise error(f"{pwhere} must be an inline table {{ panel = ..., step = ... }}")
            _known_keys(p, PANEL_KEYS, pwhere, error)
            for key in ("panel", "step"):
                if key not in p:
                    raise error(f"{pwhere}: {key} = ... is missing")
            func = _panel_function(p["panel"], pwhere, error)
            step = p["step"]
            if step_labels is not None and step not in step_labels:
                raise error(f"{pwhere}: step {step!r} is not a step of the recipe "
                            f"({', '.join(step_labels) or 'none'})")
            select = p.get("select", {})
            if not isinstance(select, dict) or set(select) - {"sample"} or not all(
                    isinstance(v, str) for v in select.values()):
                raise error(f"{pwhere}: select = {select!r}; use {{ sample = \"<glob>\" }}")
            options = p.get("options", {})
            params = inspect.signature(func).parameters
            if not isinstance(options, dict):
                raise error(f"{pwhere}: options must be an inline table")
            bad = sorted(set(options) - (set(params) - {"ax", "data", "index", "result"}))
            if bad:
                raise error(f"{pwhere}: {p['panel']} has no option(s) {bad}")
            limit = p.get("max", 6)
            if not isinstance(limit, int) or limit < 1:
                raise error(f"{pwhere}: max = {limit!r} must be a positive integer")
            specs.append(PanelSpec(p["panel"], step, dict(select), dict(options), limit))
        out.append(FigureSpec(name, specs, section.get("title"), width, columns,
                              tuple(formats)))
    return out
