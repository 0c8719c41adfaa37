"""Running each sheet row's recipe on its files, in memory.

Every file is read with :func:`characterization.read` and the recipe's steps are called as the
public functions they name (``input = "<step>"`` chains exactly as in ``characterize run``), so
a report number equals what calling the function directly gives. A file that cannot be read, a
step that raises, or a technique without a recipe becomes a row of the run's errors; the other
files go on. A step that reports ``success = False`` for a spectrum is *flagged* (an errors row
with the reason) and its NaN results stay in the table.
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from pathlib import Path

from .. import _api
from ..io import read
from .recipes import DEFAULT_RECIPES, technique_key
from .sheet import READ_KEYWORDS, READ_OPTIONS, SheetError, SheetRow


@dataclasses.dataclass
class FileRun:
    """What one input file gave: the dataset read, each step's input and result."""

    row: SheetRow
    file: Path
    key: str = ""
    recipe: object = None
    data: object = None
    inputs: dict = dataclasses.field(default_factory=dict)
    results: dict = dataclasses.field(default_factory=dict)
    args: dict = dataclasses.field(default_factory=dict)
    step_warnings: dict = dataclasses.field(default_factory=dict)
    warnings: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.results)


def _sections(data: dict):
    """(qualname, args dict) of every step section of parsed recipe TOML ``data``."""
    for namespace, table in data.items():
        if namespace in ("read", "output", "figure") or not isinstance(table, dict):
            continue
        for fname, args in table.items():
            if isinstance(args, dict):
                yield f"{namespace}.{fname}", args


def _params(qualname: str) -> set[str]:
    try:
        return set(inspect.signature(_api.get(qualname).func).parameters)
    except KeyError:
        return set()


def _recipe(text_or_path, source: str, options: dict | None = None):
    """Parse and check a recipe (TOML text or a path) with the sheet row's ``options`` set in
    every step that accepts them."""
    import tomllib

    from ..cli.recipe import RecipeError, parse_recipe

    if isinstance(text_or_path, Path):
        try:
            text = text_or_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RecipeError(f"{text_or_path}: cannot read the recipe ({exc})") from None
        source = str(text_or_path)
    else:
        text = text_or_path
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{source}: not valid TOML: {exc}") from None
    for qualname, args in _sections(data):
        for k, v in (options or {}).items():
            if k not in READ_OPTIONS and k in _params(qualname):
                args[k] = v
    return parse_recipe(data, text=text + repr(sorted((options or {}).items())), source=source)


def _parameters(text_or_path) -> set[str]:
    """Every parameter name of the steps of a recipe (not checked)."""
    import tomllib

    text = (text_or_path.read_text(encoding="utf-8") if isinstance(text_or_path, Path)
            else text_or_path)
    names = set()
    for qualname, _ in _sections(tomllib.loads(text)):
        names |= _params(qualname)
    return names


def check_rows(rows: list[SheetRow], source: str = "<sheet>") -> None:
    """Check every row before anything is read: its technique has a route, its recipe file
    parses, and each option is a read option or a parameter of a step that could run.

    Raises
    ------
    SheetError
        Naming the sheet row.
    """
    from ..cli.recipe import RecipeError

    every = set(READ_OPTIONS)
    for text in DEFAULT_RECIPES.values():
        if text is not None:
            every |= _parameters(text)
    for row in rows:
        allowed = set(every)
        if row.technique:
            try:
                key = technique_key(row.technique)
            except ValueError as exc:
                raise SheetError(f"{source}: {row.where}: {exc}") from None
            if row.recipe is None and DEFAULT_RECIPES.get(key) is None and row.technique != "raman":
                raise SheetError(f"{source}: {row.where}: technique {key!r} has no default "
                                 "recipe yet; give one in a 'recipe' column")
            if row.recipe is None and row.technique != "raman":
                try:
                    _recipe(DEFAULT_RECIPES[key], f"default {key} recipe", row.options)
                except RecipeError as exc:
                    raise SheetError(f"{source}: {row.where}: {exc} (give it in a column of "
                                     "that name)") from None
        if row.recipe is not None:
            try:
                _recipe(Path(row.recipe), str(row.recipe), row.options)
                allowed = set(READ_OPTIONS) | _parameters(Path(row.recipe))
            except (RecipeError, OSError, ValueError) as exc:
                raise SheetError(f"{source}: {row.where}: {exc}") from None
        unknown = sorted(set(row.options) - allowed)
        if unknown:
            raise SheetError(f"{source}: {row.where}: column(s) {unknown} are neither read "
                             "options (format, region, record) nor parameters of a recipe step")


def _flag(label: str, result) -> str | None:
    """The reason text when ``result`` has a ``success`` that is not all true, else None."""
    if "success" not in result.data_vars:
        return None
    ok = result["success"].values
    if ok.all():
        return None
    parts = [f"{label}: success=False for {int((~ok.astype(bool)).sum())} of {ok.size}"]
    for name in ("reason", "status", "message"):
        if name in result.data_vars and result[name].dtype.kind in "USO":
            texts = sorted({str(v) for v in result[name].values.reshape(-1) if str(v)})
            if texts:
                parts.append("; ".join(texts[:3]))
                break
    return " - ".join(parts)


def run_file(row: SheetRow, path: Path, errors: list) -> FileRun:
    """Read ``path`` and run the row's recipe on it; failures go to ``errors`` (dict rows
    ``file, sample, state, stage, message``)."""
    run = FileRun(row=row, file=path)

    def fail(stage, message, flagged=False):
        errors.append({"file": str(path), "sample": row.sample, "state": row.state,
                       "stage": stage, "message": message, "flagged": flagged})

    read_opts = {READ_KEYWORDS.get(k, k): v for k, v in row.options.items()
                 if k in READ_OPTIONS}
    recipe = None
    try:
        if row.recipe is not None:
            recipe = _recipe(Path(row.recipe), str(row.recipe), row.options)
        elif row.technique and row.technique != "raman":
            key = technique_key(row.technique)
            recipe = _recipe(DEFAULT_RECIPES[key], f"default {key} recipe", row.options)
            run.key = key
    except Exception as exc:  # noqa: BLE001 - recorded, the report goes on
        fail("recipe", str(exc))
        return run
    options = {**(recipe.read_options if recipe is not None else {}), **read_opts}
    if recipe is None and row.technique:
        options.setdefault("technique", row.technique)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = read(path, **options)
        run.warnings = "; ".join(sorted({str(w.message) for w in caught}))
    except Exception as exc:  # noqa: BLE001 - ReadError, or a missing file
        fail("read", str(exc) if "ReadError" in type(exc).__name__
             else f"{type(exc).__name__}: {exc}")
        return run
    run.data = ds
    if recipe is None:
        try:
            key = technique_key(row.technique or ds.attrs.get("technique", ""), ds)
            text = DEFAULT_RECIPES[key]
            if text is None:
                raise ValueError(f"technique {key!r} has no default recipe yet; give one in "
                                 "a 'recipe' column")
            recipe = _recipe(text, f"default {key} recipe", row.options)
        except ValueError as exc:
            fail("recipe", str(exc))
            return run
        run.key = key
        extra = {k: v for k, v in recipe.read_options.items()
                 if k != "technique" and k not in options}
        if extra:                               # e.g. region = "Si 2p": read again with it
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ds = read(path, **options, **extra)
            except Exception as exc:  # noqa: BLE001
                fail("read", f"{type(exc).__name__}: {exc}")
                return run
            run.data = ds
    run.key = run.key or _key_of(recipe, ds)
    run.recipe = recipe
    for step in recipe.steps:
        params = inspect.signature(_api.get(step.qualname).func).parameters
        args = {**step.args, **{k: v for k, v in row.options.items()
                                if k in params and k not in READ_OPTIONS}}
        if step.input is not None and step.input not in run.results:
            fail(step.label, f"skipped: input step {step.input!r} failed")
            continue
        source = ds if step.input is None else run.results[step.input]
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = _api.get(step.qualname).func(source, **args)
            run.step_warnings[step.label] = "; ".join(
                dict.fromkeys(str(w.message) for w in caught))
        except Exception as exc:  # noqa: BLE001 - one step never stops the report
            fail(step.label, f"{type(exc).__name__}: {exc}")
            continue
        run.inputs[step.label] = source
        run.args[step.label] = args
        run.results[step.label] = result
        reason = _flag(step.label, result)
        if reason:
            fail(step.label, reason, flagged=True)
    return run


def _key_of(recipe, ds) -> str:
    """Technique key of a user recipe: the reader's technique routed like a default."""
    try:
        return technique_key(ds.attrs.get("technique", ""), ds)
    except ValueError:
        return str(ds.attrs.get("technique", "custom"))


def run_sheet(rows: list[SheetRow], *, source: str = "<sheet>") -> tuple[list, list]:
    """Run every row of a sample sheet; returns ``(file_runs, errors)``.

    Rows are checked first (:func:`check_rows`, raising :class:`SheetError`); a glob that
    matches no file, an unreadable file or a failing step is an errors row instead."""
    check_rows(rows, source)
    runs, errors = [], []
    for row in rows:
        if not row.files or not all(f.exists() for f in row.files):
            missing = [str(f) for f in row.files if not f.exists()] or [row.pattern]
            for m in missing:
                errors.append({"file": m, "sample": row.sample, "state": row.state,
                               "stage": "sheet", "flagged": False,
                               "message": f"{source}: {row.where}: no such file"})
        for path in row.files:
            if path.exists():
                runs.append(run_file(row, path, errors))
    return runs, errors
