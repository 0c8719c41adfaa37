"""Recipe arguments that name data (a table of argument kinds), resolved once per recipe.

A step argument whose parameter is a Dataset (``paths=`` of ``exafs.fit_shells``,
``reference=`` of ``exafs.fit_lcf``) cannot be written as a TOML value; a recipe names the
data instead with an inline table of one of these kinds:

==========================  ===============================================================
key                         builds
==========================  ===============================================================
``structure = "SnO2"``      ``exafs.feff_paths(structure, **rest)`` (a built-in phase; the
                            other keys are ``feff_paths`` keywords: ``absorber``, ``radius``,
                            ``r_max``, ``edge``, ``site``, ``max_paths`` ...)
``cif = "Li7Sn2.cif"``      the same from a CIF file (relative to the recipe)
``files = ["a", "b"]``      ``read_many(files, dim=...)`` (relative to the recipe; ``dim``
                            default ``"path"`` for ``paths=``, else ``"component"``)
``files = {name = "a"}``    each file read, put through the recipe steps listed in
                            ``steps`` (with the recipe's arguments, so references are
                            processed like the inputs) and stacked along ``dim``
                            (default ``"component"``) with the names as coordinate
==========================  ===============================================================

``files`` tables also take ``technique``/``format`` (default: detected from the file, or the
recipe's ``[read]`` options when ``steps`` is given). Files on differing signal grids are
interpolated (linearly) onto the first file's grid. Everything is resolved when the recipe is
loaded, before any input is read; a bad table, a missing file or a failing read/FEFF run is a
:class:`~.recipe.RecipeError` naming the section and the argument. The bytes of every named
file enter the recipe digest, so an edited reference re-runs a batch instead of skipping it.
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

KINDS = ("structure", "cif", "files")
_DEFAULT_DIM = {"paths": "path"}
_FILE_KEYS = {"files", "dim", "steps", "technique", "format"}


def data_parameters(func) -> set[str]:
    """Keyword parameters of ``func`` annotated as an xarray Dataset (after the data argument)."""
    params = list(inspect.signature(func).parameters.values())[1:]
    return {p.name for p in params if "Dataset" in str(p.annotation)}


def is_spec(value) -> bool:
    return isinstance(value, dict) and any(k in value for k in KINDS)


def check(spec: dict, *, where: str, base: Path, labels: list[str], error) -> list[Path]:
    """Check a data table without reading anything; returns the files it names."""
    kinds = [k for k in KINDS if k in spec]
    if len(kinds) != 1:
        raise error(f"{where}: give exactly one of {', '.join(KINDS)} (got {kinds})")
    kind = kinds[0]
    if kind == "structure":
        if not isinstance(spec["structure"], str):
            raise error(f"{where}: structure = {spec['structure']!r} must be a name such as "
                        "\"SnO2\" (use cif = \"file.cif\" for a file)")
        return []
    if kind == "cif":
        return [_existing(spec["cif"], where=where, base=base, error=error)]
    unknown = set(spec) - _FILE_KEYS
    if unknown:
        raise error(f"{where}: unknown keys {sorted(unknown)} in a files table; known: "
                    f"{', '.join(sorted(_FILE_KEYS))}")
    files = spec["files"]
    if isinstance(files, dict):
        names = list(files.values())
    elif isinstance(files, list):
        names = files
    else:
        raise error(f"{where}: files must be a list of file names or a table "
                    "{ name = \"file\" }")
    if not names:
        raise error(f"{where}: files is empty")
    steps = spec.get("steps", [])
    if not isinstance(steps, list) or any(s not in labels for s in steps):
        raise error(f"{where}: steps = {steps!r} must list earlier recipe steps "
                    f"({', '.join(labels) or 'none'})")
    return [_existing(n, where=where, base=base, error=error) for n in names]


def _existing(name, *, where, base: Path, error) -> Path:
    if not isinstance(name, str):
        raise error(f"{where}: {name!r} is not a file name")
    path = Path(name) if Path(name).is_absolute() else base / name
    if not path.is_file():
        raise error(f"{where}: no such file {name!r} (relative to {base})")
    return path


def digest(files: list[Path]) -> str:
    """A hash of the named files' bytes."""
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def resolve(spec: dict, *, name: str, base: Path, steps: dict, read_options: dict):
    """Build the Dataset a checked table names.

    ``steps`` maps the recipe's step labels to ``(function, args)``.
    """
    if "structure" in spec or "cif" in spec:
        from ..exafs import feff_paths

        rest = {k: v for k, v in spec.items() if k not in ("structure", "cif")}
        structure = spec["structure"] if "structure" in spec else base / spec["cif"]
        return feff_paths(structure, **rest)
    import xarray as xr

    from ..io import read, read_many

    chain = spec.get("steps", [])
    options = {k: spec[k] for k in ("technique", "format") if k in spec}
    if chain and not options:
        options = dict(read_options)
    files = spec["files"]
    dim = spec.get("dim", _DEFAULT_DIM.get(name, "component"))
    if isinstance(files, list) and not chain:
        return read_many([base / f for f in files], dim=dim, **options)
    named = files if isinstance(files, dict) else {Path(f).stem: f for f in files}
    parts = []
    for label, fname in named.items():
        ds = read(base / fname, **options)
        for step in chain:
            func, args = steps[step]
            ds = func(ds, **args)
        parts.append(ds)
    first = parts[0]
    grid = [d for d in first.dims if d in first.coords and first[d].dtype.kind == "f"]
    for i, ds in enumerate(parts[1:], 1):
        for d in grid:
            if d in ds.dims and not ds[d].equals(first[d]):
                parts[i] = ds.interp({d: first[d].values})
    import numpy as np

    labels = xr.DataArray(np.array(list(named), dtype=str), dims=dim, name=dim)
    return xr.concat(parts, dim=labels, coords="different",
                     compat="equals", combine_attrs="drop_conflicts")
