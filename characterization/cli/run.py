"""``characterize run RECIPE.toml FILES... -o OUT``: a recipe over a batch of files.

Layout of ``OUT``::

    results/<input>/<step>.nc     one netCDF per input and step (written atomically)
    results/<input>/<step>.png    default panel per step when [output] figures = true
    results/<input>/_complete.json   marker: recipe digest, input size and mtime, summary rows
    summary.csv                   one row per input (and batch element) with the small results
    errors.csv                    file, stage, message for every failure

One file's failure (unreadable, a step that raises) goes to ``errors.csv`` and never stops the
batch; the exit code is 1 when anything failed. Re-running skips inputs whose marker matches the
recipe and the input file, so an interrupted batch resumes where it stopped. Inputs are only
read.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import traceback
import warnings
from pathlib import Path

from .. import _api
from ..errors import ReadError
from ..io import expand_paths, read
from . import _output
from .recipe import Recipe, RecipeError, load_recipe

MARKER = "_complete.json"


@dataclasses.dataclass
class RunReport:
    n_inputs: int = 0
    n_done: int = 0
    n_skipped: int = 0
    n_cleaned: int = 0
    errors: list = dataclasses.field(default_factory=list)
    summary: list = dataclasses.field(default_factory=list)

    @property
    def n_failed_files(self) -> int:
        return len({e["file"] for e in self.errors})


def _keys(files: list[Path]) -> dict[Path, str]:
    """Readable, unique output folder names for the inputs."""
    keys: dict[Path, str] = {}
    seen: dict[str, int] = {}
    for f in files:
        base = f.name.replace(" ", "_")
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys[f] = base if n == 0 else f"{base}.{n}"
    return keys


def _fingerprint(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _batch_dims(ds) -> list[str]:
    from .. import conventions

    tech = ds.attrs.get("technique")
    sig = (conventions.TABLE[tech].signal.name if tech in conventions.TABLE
           and tech != "spectrum" else ds.attrs.get("signal_dim"))
    main = (conventions.TABLE[tech].main.name if tech in conventions.TABLE
            and tech != "spectrum" else None)
    dims = ds[main].dims if main in ds.data_vars else tuple(ds.dims)
    return [d for d in dims if d != sig]


def _figure(result, data, step, path, fmt):
    from ..plot import default_panel, new_figure, style

    panel = default_panel(step.qualname)
    if panel is None:
        return None
    import matplotlib.pyplot as plt

    with style():
        fig, ax = new_figure()
        try:
            panel(result, data=data, ax=ax)
            _output.atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=300,
                                                               bbox_inches="tight"))
        finally:
            plt.close(fig)
    return path


def process_file(path: Path, recipe: Recipe, out_dir: Path) -> tuple[list[dict], list[dict]]:
    """Run every step of ``recipe`` on one file; returns (summary rows, error rows)."""
    errors: list[dict] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = read(path, **recipe.read)
    except ReadError as exc:
        return [], [{"file": str(path), "stage": "read", "message": str(exc)}]
    except Exception as exc:  # noqa: BLE001 - never let one file stop the batch
        return [], [{"file": str(path), "stage": "read",
                     "message": f"{type(exc).__name__}: {exc}"}]
    read_warnings = "; ".join(sorted({str(w.message) for w in caught}))
    batch_dims = _batch_dims(ds)
    rows: list[dict] | None = None
    results: dict = {}
    step_warnings: dict = {}
    for step in recipe.steps:
        func = _api.get(step.qualname).func
        if step.input is not None and step.input not in results:
            errors.append({"file": str(path), "stage": step.qualname,
                           "message": f"skipped: its input step {step.input!r} failed"})
            continue
        try:
            with warnings.catch_warnings(record=True) as step_caught:
                warnings.simplefilter("always")
                result = func(ds if step.input is None else results[step.input], **step.args)
            step_warnings[step.label] = "; ".join(sorted({str(w.message) for w in step_caught}))
            results[step.label] = result
            _output.write_netcdf(result, out_dir / f"{step.label}.nc")
            if recipe.output.get("figures"):
                fmt = recipe.output.get("figure_format", "png")
                _figure(result, ds, step, out_dir / f"{step.label}.{fmt}", fmt)
        except Exception as exc:  # noqa: BLE001
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
            errors.append({"file": str(path), "stage": step.qualname,
                           "message": f"{type(exc).__name__}: {exc}{where}"})
            continue
        step_rows = _output.summary_rows(result, batch_dims, step.label)
        if rows is None:
            rows = [{"file": str(path)} for _ in step_rows]
            if read_warnings:
                for r in rows:
                    r["read_warnings"] = read_warnings
        for r, s in zip(rows, step_rows):
            r.update(s)
            if step_warnings.get(step.label):
                r[f"{step.label}.warnings"] = step_warnings[step.label]
    return rows or [], errors


def run_recipe(recipe: Recipe, inputs, out, *, force: bool = False,
               progress: bool = True) -> RunReport:
    """Run ``recipe`` over ``inputs`` (files, globs, folders) into folder ``out``."""
    out = Path(out)
    files = expand_paths(inputs)
    report = RunReport(n_inputs=len(files))
    # an interrupted earlier run (killed while writing) leaves hidden partial files: remove them
    report.n_cleaned = len(_output.clean_partial_writes(out))
    missing = [f for f in files if not f.exists()]
    for f in missing:
        report.errors.append({"file": str(f), "stage": "read", "message": f"{f}: no such file"})
    files = [f for f in files if f.exists()]
    keys = _keys(files)
    bar = _progress(len(files), progress)
    for f in files:
        folder = out / "results" / keys[f]
        marker = folder / MARKER
        finger = _fingerprint(f)
        if marker.exists() and not force:
            try:
                done = json.loads(marker.read_text())
                if done.get("recipe") == recipe.digest and done.get("input") == finger:
                    report.n_skipped += 1
                    report.summary.extend(done.get("summary", []))
                    bar.update(1)
                    continue
            except (ValueError, OSError):
                pass  # unreadable marker: recompute
        rows, errors = process_file(f, recipe, folder)
        report.errors.extend(errors)
        report.summary.extend(rows)
        if not errors:
            report.n_done += 1
            _output.atomic_write_text(marker, json.dumps(
                {"file": str(f), "recipe": recipe.digest, "input": finger, "summary": rows},
                default=str))
        bar.update(1)
    bar.close()
    out.mkdir(parents=True, exist_ok=True)
    _output.write_csv(report.summary, out / "summary.csv")
    _output.write_csv(report.errors, out / "errors.csv", columns=["file", "stage", "message"])
    return report


class _NoBar:
    def update(self, n):  # noqa: D401
        pass

    def close(self):
        pass


def _progress(total, enabled):
    if not enabled or total < 2:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _NoBar()
    return tqdm(total=total, unit="file", file=sys.stderr, leave=False,
                disable=not sys.stderr.isatty() and os.environ.get("CI") == "true")


def print_report(report: RunReport, out) -> None:
    print(f"{report.n_inputs} input(s): {report.n_done} processed, {report.n_skipped} already "
          f"complete, {report.n_failed_files} failed")
    if report.n_cleaned:
        print(f"removed {report.n_cleaned} partial file(s) left by an interrupted run")
    if report.errors:
        print(f"{len(report.errors)} error(s), see {Path(out) / 'errors.csv'}:")
        for e in report.errors[:10]:
            print(f"  {e['stage']}: {e['message']}")
    print(f"summary: {Path(out) / 'summary.csv'}")


def run_recipe_file(recipe_path, inputs, out, *, force=False, progress=True) -> int:
    """CLI entry: returns 0 when every input succeeded, 1 otherwise, 2 for a bad recipe."""
    try:
        recipe = load_recipe(recipe_path)
    except RecipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = run_recipe(recipe, inputs, out, force=force, progress=progress)
    print_report(report, out)
    if report.errors:
        print(f"error: {report.n_failed_files} of {report.n_inputs} input(s) failed",
              file=sys.stderr)
        return 1
    return 0
