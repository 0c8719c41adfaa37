"""Batch recipes: a TOML file mapping sections to public functions and their arguments.

::

    [read]                      # options of characterization.read (optional)
    technique = "raman"
    resample = false            # true: interpolate differing signal axes onto the first
                                # file's of a batch (linear) instead of separate batches

    [fit.fit_peaks]             # one section per step: namespace.function
    range = [1000, 1800]
    model = { background = "linear", peaks = [
        { name = "D", shape = "lorentzian", center = 1350, fwhm = 60 },
        { name = "G", shape = "lorentzian", center = 1590, fwhm = 40 } ] }

    [output]                    # optional
    figures = true              # one overview figure per step ("per-file": a panel per file)
    store = "all"               # "results": no store of a transform only feeding a later step

    [figure.S1]                 # optional named figures built after the run (figure_recipe)
    panels = [{ panel = "raman.carbon_fit", step = "fit_carbon" }]

Every step receives the Dataset read from the input file, unless it names an earlier step with
``input = "<function name>"``, in which case it receives that step's result (pre-processing
chains: ``remove_spikes`` → ``subtract_background`` → ``fit_carbon``). Steps run in the order
written.
A recipe is checked completely (every function exists, every argument is accepted) before any
input is touched, so a typo fails at once rather than after an hour of batch.

Arguments that are data (``paths=`` of ``exafs.fit_shells``, ``reference=`` of
``exafs.fit_lcf``) are named with a small table (see :mod:`._arguments`)::

    [exafs.fit_shells]
    input = "subtract_background"
    paths = { structure = "beta-Sn", absorber = "Sn", radius = 4.0 }   # FEFF (cached)
    # paths = { files = ["feff0001.dat", "feff0002.dat"] }             # relative to the recipe
    # paths = { cif = "Li7Sn2.cif", absorber = "Sn" }

    [exafs.fit_lcf]
    input = "normalize"
    reference = { files = { "Sn metal" = "foil.csv", LiSn = "lisn.csv" }, steps = ["normalize"] }

They are resolved once, when the recipe is loaded (before any input is read).
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import tomllib
from pathlib import Path

from .. import _api

RESERVED = ("read", "output", "figure")


class RecipeError(ValueError):
    """A recipe file is not valid; the message names the file and the section."""


@dataclasses.dataclass
class Step:
    qualname: str
    args: dict
    input: str | None = None

    @property
    def label(self) -> str:
        return self.qualname.split(".", 1)[1]


@dataclasses.dataclass
class Recipe:
    read: dict
    steps: list[Step]
    output: dict
    digest: str
    source: str = "<recipe>"
    #: ``[figure.<name>]`` sections (:mod:`.figure_recipe`), built after the steps.
    figures: list = dataclasses.field(default_factory=list)

    @property
    def read_options(self) -> dict:
        """Options passed to :func:`characterization.read` (``[read]`` without ``resample``)."""
        return {k: v for k, v in self.read.items() if k != "resample"}

    @property
    def resample(self) -> bool:
        """``[read] resample = true``: files whose signal axes differ are interpolated onto
        the first file's axis of their batch instead of forming batches of their own."""
        return bool(self.read.get("resample", False))


def parse_recipe(data: dict, *, text: str = "", source: str = "<recipe>",
                 base=None) -> Recipe:
    """Build and check a :class:`Recipe` from parsed TOML ``data``.

    ``base`` is the folder data arguments' file names are relative to (default: the folder of
    ``source`` when it is a file, else the current folder).
    """
    read_opts = dict(data.get("read", {}))
    if not isinstance(read_opts.get("resample", False), bool):
        raise RecipeError(f"{source}: [read] resample = {read_opts['resample']!r} must be true "
                          "or false")
    output = dict(data.get("output", {}))
    unknown_out = set(output) - {"figures", "figure_format", "store"}
    if unknown_out:
        raise RecipeError(f"{source}: [output] has unknown keys {sorted(unknown_out)}; "
                          "known: figures, figure_format, store")
    if output.get("store", "all") not in ("all", "results"):
        raise RecipeError(f"{source}: [output] store = {output['store']!r}; use \"all\" (a "
                          "store per step) or \"results\" (no store for a transform whose "
                          "output only feeds a later step)")
    if output.get("figures", False) not in (True, False, "overview", "per-file"):
        raise RecipeError(f"{source}: [output] figures = {output['figures']!r}; use true or "
                          "\"overview\" (one overview per step), \"per-file\" (one panel per "
                          "file and step) or false")
    steps: list[Step] = []
    for namespace, table in data.items():
        if namespace in RESERVED:
            continue
        if namespace not in _api.NAMESPACES or not isinstance(table, dict):
            raise RecipeError(f"{source}: section [{namespace}] is not a technique namespace; "
                              f"known: {', '.join(_api.NAMESPACES)} (and [read], [output], "
                              "[figure.<name>])")
        for fname, args in table.items():
            if not isinstance(args, dict):
                raise RecipeError(f"{source}: [{namespace}] key {fname!r} must be a section "
                                  f"[{namespace}.{fname}] holding the function's arguments")
            qualname = f"{namespace}.{fname}"
            try:
                entry = _api.get(qualname)
            except KeyError as exc:
                raise RecipeError(f"{source}: {exc.args[0]}") from None
            args = dict(args)
            source_step = args.pop("input", None)
            if source_step is not None and source_step not in [s.label for s in steps]:
                raise RecipeError(f"{source}: [{qualname}] input = {source_step!r} is not an "
                                  f"earlier step ({', '.join(s.label for s in steps) or 'none'})")
            try:
                inspect.signature(entry.func).bind(None, **args)
            except TypeError as exc:
                raise RecipeError(f"{source}: [{qualname}]: {exc}") from None
            steps.append(Step(qualname, args, source_step))
    if not steps:
        raise RecipeError(f"{source}: no analysis step; add a section such as [fit.fit_peaks]")
    if base is None:
        base = Path(source).parent if Path(source).is_file() else Path.cwd()
    named = _data_arguments(steps, read_opts, Path(base), source)
    digest = hashlib.sha256((text or repr(data)).encode() + named.encode()).hexdigest()[:16]
    figures = []
    if "figure" in data:                     # [figure.<name>] sections: see figure_recipe
        from .figure_recipe import parse_figures
        figures = parse_figures(data["figure"], [s.label for s in steps], source=source,
                                error=RecipeError)
    return Recipe(read_opts, steps, output, digest, source, figures)


def _data_arguments(steps: list[Step], read_opts: dict, base: Path, source: str) -> str:
    """Check, then resolve, the arguments naming data (see :mod:`._arguments`), in place.

    Returns a digest of the files they name."""
    from . import _arguments

    labels, files, todo = [], [], []
    for step in steps:
        func = _api.get(step.qualname).func
        for name in sorted(_arguments.data_parameters(func) & set(step.args)):
            if not isinstance(step.args[name], dict):
                raise RecipeError(f"{source}: [{step.qualname}] {name} must name data with a "
                                  f"table such as {{ files = [...] }}; kinds: "
                                  f"{', '.join(_arguments.KINDS)}")
            where = f"{source}: [{step.qualname}] {name}"
            files += _arguments.check(step.args[name], where=where, base=base, labels=labels,
                                      error=RecipeError)
            todo.append((step, name, where))
        labels.append(step.label)
    funcs = {s.label: (_api.get(s.qualname).func, s.args) for s in steps}
    for step, name, where in todo:
        try:
            step.args[name] = _arguments.resolve(step.args[name], name=name, base=base,
                                                 steps=funcs, read_options=read_opts)
        except Exception as exc:        # a read, FEFF or step failure: name the section
            raise RecipeError(f"{where}: {type(exc).__name__}: {exc}") from None
    return _arguments.digest(files) if files else ""


def read_toml(path) -> tuple[Path, str, dict]:
    """``(path, text, parsed table)`` of a recipe file; ``RecipeError`` naming the file when it
    is missing or not TOML."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        return p, text, tomllib.loads(text)
    except FileNotFoundError:
        raise RecipeError(f"{p}: no such recipe file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RecipeError(f"{p}: not valid TOML: {exc}") from None


def load_recipe(path) -> Recipe:
    """Read and check a recipe file."""
    p, text, data = read_toml(path)
    return parse_recipe(data, text=text, source=str(p), base=p.parent)
