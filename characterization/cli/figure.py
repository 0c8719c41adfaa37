"""``characterize figure RESULTS... --recipe F``: named figures from ``characterize run`` outputs.

The ``[figure.<name>]`` sections of recipe ``F`` (see :mod:`.figure_recipe`) are built from the
batch stores of one or more run folders (``batches/<batch>/<step>.nc``) and written as
``OUT/figures/<name>.<format>`` (PDF/SVG vector with text as text, PNG at 600 dpi).
``characterize run`` builds the same figures after its steps when its recipe has such
sections. The data a panel draws under a result is the stored result of the step's ``input``
step, or the input file read again (its path is in the batch's marker) with the recipe's
``[read]`` options.

:func:`compose` is the one place that lays panels out on a figure; it uses
:func:`characterization.plot.figure` (letters, journal widths).
"""

from __future__ import annotations

import fnmatch
import inspect
import math
import sys
import warnings
from pathlib import Path

from . import _output, _store
from .recipe import RecipeError, parse_recipe, read_toml

#: PNG resolution of exported figures (dots per inch).
PNG_DPI = 600


def compose(draws, *, width="double", columns: int | None = None, title: str | None = None,
            aspect: float = 0.9):
    """Lay out panels on one figure (panel letters, journal width); returns ``(fig, errors)``.

    ``draws`` is a list of ``(title, draw)`` with ``draw(ax)`` drawing one panel; a draw that
    raises leaves its panel with the message (and an entry in ``errors``) instead of failing
    the figure. Call inside :func:`characterization.plot.style`.
    """
    from ..plot import figure

    n = max(1, len(draws))
    ncols = min(columns or 3, n)
    nrows = math.ceil(n / ncols)
    fig, axes = figure(nrows, ncols, width=width, aspect=aspect, letters=n > 1)
    errors = []
    for ax, (label, draw) in zip(axes, draws):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                draw(ax)
            if label:
                ax.set_title(label, fontsize=7, loc="right")
        except Exception as exc:  # noqa: BLE001 - one panel never stops a figure
            errors.append(f"{label}: {type(exc).__name__}: {exc}")
            ax.clear()
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"{label}\nnot drawn: {type(exc).__name__}", ha="center",
                    va="center", transform=ax.transAxes, fontsize=6, wrap=True)
    for ax in axes[len(draws):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=8)
    return fig, errors


def save(fig, stem: Path, formats) -> list[Path]:
    """Write ``fig`` as ``stem.<format>`` for each format (atomically) and close it."""
    import matplotlib.pyplot as plt

    paths = []
    try:
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            _output.atomic_write(path, lambda tmp, f=fmt: fig.savefig(
                tmp, format=f, dpi=PNG_DPI if f == "png" else None, bbox_inches="tight"))
            paths.append(path)
    finally:
        plt.close(fig)
    return paths


class _Results:
    """Results of the run folders, per step and file key, opened on demand."""

    def __init__(self, folders, read_options: dict, inputs: dict):
        self.read_options = read_options
        self.inputs = inputs                # step label -> input step label or None
        self.entries = []                   # (key, file, batch folder) in run order
        self.steps: set[str] = set()
        self._open: dict = {}
        for out in folders:
            markers = _store.load_markers(out)
            latest = _store.current(markers)
            for m in markers:
                self.steps |= set(m.get("steps", []))
                for e in m["files"]:
                    if latest.get(e["file"], (None,))[0] is m and e.get("status") != "failed":
                        self.entries.append((e["key"], e["file"], m["_folder"]))

    def _store(self, folder: Path, step: str):
        from ..io.netcdf import read_netcdf

        k = (folder, step)
        if k not in self._open:
            path = folder / f"{step}.nc"
            self._open[k] = read_netcdf(path) if path.exists() else None
        return self._open[k]

    @staticmethod
    def _one(ds, key):
        if ds is not None and "sample" in ds.dims:
            keys = [str(v) for v in ds["sample"].values]
            return ds.isel(sample=keys.index(key)) if key in keys else None
        return ds

    def items(self, step: str, pattern: str = "*"):
        """(key, result, data) of every file whose key matches ``pattern``."""
        from ..io import read

        for key, file, folder in self.entries:
            if not fnmatch.fnmatchcase(key, pattern):
                continue
            result = self._one(self._store(folder, step), key)
            if result is None:
                continue
            source = self.inputs.get(step)
            if source:
                data = self._one(self._store(folder, source), key)
            else:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        data = read(file, **self.read_options)
                except Exception:  # noqa: BLE001 - the panel then draws without data
                    data = None
            yield key, result, data


def _stack(datasets, keys):
    import xarray as xr

    parts = []
    for ds, key in zip(datasets, keys):
        if "sample" in ds.coords and ds["sample"].ndim == 0:
            ds = ds.drop_vars("sample")
        parts.append(ds.expand_dims(sample=[key]))
    return xr.concat(parts, dim="sample", join="outer", combine_attrs="drop_conflicts")


def _draws(spec, results: _Results):
    """(title, draw) of every panel of figure ``spec``."""
    draws = []
    for p in spec.panels:
        func = p.function
        first = next(iter(inspect.signature(func).parameters))
        items = list(results.items(p.step, p.select.get("sample", "*")))
        if not items:
            draws.append((f"{p.panel} ({p.step})", _raiser(
                f"no results of step {p.step!r} match sample {p.select.get('sample', '*')!r}")))
            continue
        if p.per_file:
            for key, result, data in items[:p.max]:
                first_arg = data if first == "ds" else result
                draws.append((key, lambda ax, f=func, r=first_arg, d=data, o=p.options,
                              takes_data=first != "ds":
                              f(r, data=d, ax=ax, **o) if takes_data else f(r, ax=ax, **o)))
        else:
            keys = [k for k, _, _ in items]
            src = [d for _, _, d in items] if first == "ds" else [r for _, r, _ in items]
            draws.append((p.panel, lambda ax, f=func, s=src, k=keys, o=p.options:
                          f(_stack(s, k), ax=ax, **o)))
    return draws


def _raiser(message):
    def draw(ax):
        raise LookupError(message)
    return draw


def build_figures(figures, folders, out, *, read_options=None, inputs=None) -> list[dict]:
    """Build ``figures`` (:class:`~.figure_recipe.FigureSpec`) from the run ``folders`` into
    ``out/figures``; returns error rows (``figure``, ``message``), also printed on stderr."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from ..plot import style

    results = _Results([Path(f) for f in folders], read_options or {}, inputs or {})
    errors = []
    for spec in figures:
        with style():
            fig, errs = compose(_draws(spec, results), width=spec.width, columns=spec.columns,
                                title=spec.title)
            paths = save(fig, Path(out) / "figures" / spec.name, spec.formats)
        errors += [{"figure": spec.name, "message": m} for m in errs]
        print(f"figure {spec.name}: " + ", ".join(str(p) for p in paths))
    for e in errors:
        print(f"warning: figure {e['figure']}: {e['message']}", file=sys.stderr)
    return errors


def load_figure_recipe(path, folders):
    """(figures, read options, step inputs) from recipe ``path``: a full ``characterize run``
    recipe, or a file holding only ``[read]`` and ``[figure.<name>]`` sections (steps are then
    checked against the steps found in the run ``folders``)."""
    from .figure_recipe import parse_figures

    p, text, data = read_toml(path)
    if "figure" not in data:
        raise RecipeError(f"{p}: no [figure.<name>] section")
    steps = {k for k in data if k not in ("read", "output", "figure")}
    if steps:
        recipe = parse_recipe(data, text=text, source=str(p))
        return (recipe.figures, recipe.read_options,
                {s.label: s.input for s in recipe.steps})
    found = _Results([Path(f) for f in folders], {}, {}).steps
    if not found:
        raise RecipeError(f"{p}: no committed run results in {', '.join(map(str, folders))}")
    figures = parse_figures(data["figure"], sorted(found), source=str(p), error=RecipeError)
    return figures, {k: v for k, v in data.get("read", {}).items() if k != "resample"}, {}


def figure_command(folders, recipe_path, out=None) -> int:
    """CLI entry: 0 when every panel was drawn, 1 when some were not, 2 for a bad recipe."""
    missing = [f for f in folders if not Path(f).is_dir()]
    if missing:
        print(f"error: not a folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    try:
        figures, read_options, inputs = load_figure_recipe(recipe_path, folders)
    except RecipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = build_figures(figures, folders, Path(out or folders[0]), read_options=read_options,
                           inputs=inputs)
    return 1 if errors else 0
