"""``characterize run RECIPE.toml FILES... -o OUT``: a recipe over a batch of files.

Files are read in chunks of ``batch_size`` consecutive inputs; the files of a chunk whose
signal axes agree exactly are stacked (see :mod:`._batching`) into a batch along a ``sample``
dim whose coordinate is the file key, and every recipe step runs once per batch. Layout of
``OUT``::

    batches/<batch>/<step>.nc        one netCDF per batch and step (see :mod:`._store`)
    batches/<batch>/_complete.json   the batch's marker (written last, committed by a rename)
    figures/<step>.png               overview of each step's headline numbers ([output] figures =
                                     true or "overview"): points per spectrum, or histograms
    figures/<step>/<key>.png         one panel per file and step ([output] figures = "per-file")
    tables/<step>.csv                every small result variable in long form
    index.csv                        file, key, batch, status: where each file's results are
    summary.csv                      one row per spectrum with each step's headline numbers
    errors.csv                       file, stage, message for every failure

One file's failure (unreadable, a step that raises) goes to ``errors.csv`` and never stops its
batch; the exit code is 1 when a file failed. A spectrum a step reports ``success = False`` for
(NaN results) is *flagged*: listed in ``errors.csv`` with the reason, kept in the stores, not
retried on resume, and does not change the exit code. Re-running
skips the files a committed batch lists as done with the same recipe and the same input file
(size and mtime), so an interrupted run resumes where it stopped. Inputs are only read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import time
from pathlib import Path

from ..io import expand_paths
from . import _batching, _fastread, _output, _store, _summary
from .recipe import Recipe, RecipeError, load_recipe

#: Largest number of files stacked into one batch by default.
BATCH_SIZE = 1024
#: Number of files to process from which ``workers=None`` starts a local cluster.
AUTO_PARALLEL_FROM = 2000
#: Suffix of a batch's long-table fragment of a step (``batches/<batch>/<step>.table.csv``).
TABLE_SUFFIX = ".table.csv"


@dataclasses.dataclass
class RunReport:
    n_inputs: int = 0
    n_done: int = 0
    n_skipped: int = 0
    n_cleaned: int = 0
    n_batches: int = 0
    errors: list = dataclasses.field(default_factory=list)
    summary: list = dataclasses.field(default_factory=list)

    @property
    def n_failed_files(self) -> int:
        """Files that could not be read or where a step raised."""
        return len({e["file"] for e in self.errors if not e.get("flagged")})

    @property
    def n_flagged_files(self) -> int:
        """Files with a spectrum a step reported ``success = False`` for (NaN results)."""
        failed = {e["file"] for e in self.errors if not e.get("flagged")}
        return len({e["file"] for e in self.errors if e.get("flagged")} - failed)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bz2", ".xz", ".zip"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[:-len(suffix)]
            break
    p = Path(name)
    return p.stem if p.suffix else p.name


def file_keys(files: list[Path]) -> list[str]:
    """Keys of the inputs along ``sample``: their stems (``LaB6_01`` for ``LaB6_01.xrdml.gz``),
    where stems repeat the path below the common folder without extension (``run1/a``), and
    ``#k`` appended when that still repeats (the same file given twice)."""
    labels = [_stem(f) for f in files]
    if len(set(labels)) < len(labels):
        try:
            root = Path(os.path.commonpath([str(f.parent.resolve()) for f in files]))
            labels = [(f.parent.resolve().relative_to(root) / _stem(f)).as_posix()
                      for f in files]
        except ValueError:                       # different drives: keep the full paths
            labels = [(f.parent / _stem(f)).as_posix() for f in files]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return out


def _fingerprint(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _batch_dims(ds) -> list[str]:
    from .. import conventions

    tech = ds.attrs.get("technique")
    sig = _batching.signal_dim(ds)
    main = (conventions.TABLE[tech].main.name if tech in conventions.TABLE
            and tech != "spectrum" else None)
    dims = ds[main].dims if main in ds.data_vars else tuple(ds.dims)
    return [d for d in dims if d != sig]


def _figure(result, data, qualname, path, fmt):
    from ..plot import default_panel, new_figure, style

    panel = default_panel(qualname)
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


def _batch_id(items: list[dict], digest: str) -> str:
    h = hashlib.sha256((digest + "\0" + "\0".join(i["file"] for i in items)).encode())
    first = items[0]["key"].replace("/", "_").replace("#", "_")[:40]
    return f"{first}-{len(items)}-{h.hexdigest()[:10]}"


def process_batch(items: list[dict], recipe: Recipe, out, datasets: list | None = None) -> dict:
    """Read (unless ``datasets`` are given), run and commit one batch; returns its marker.

    ``items`` are ``{"file", "key", "input"}`` dicts (input: size and mtime). The batch's stores
    and marker are written into a hidden folder and renamed to ``out/batches/<batch>`` as a
    whole (:func:`._store.commit`)."""
    entries = [{"file": it["file"], "key": it["key"], "input": it["input"], "status": "ok"}
               for it in items]
    errors: list[dict] = []
    read_warn: dict[str, str] = {}
    good: list[tuple[dict, object]] = []
    for k, (it, entry) in enumerate(zip(items, entries)):
        if datasets is not None and datasets[k] is not None:
            ds, warn = datasets[k]
            msg = None
        else:
            ds, warn, msg = _fastread._read(Path(it["file"]), recipe.read_options)
        if ds is None:
            entry["status"] = "failed"
            errors.append({"file": it["file"], "stage": "read", "message": msg})
            continue
        read_warn[it["key"]] = warn
        good.append((entry, ds))
    rows_of = _fastread.one_template(ds for _, ds in good)
    if rows_of is None:            # Datasets (files read in full, or rows of several headers)
        good = [(e, _fastread.materialize(ds, e["file"])) for e, ds in good]
    if (recipe.resample and rows_of is None and len(good) > 1
            and _batching.signature(good[0][1]) is not None):
        keys = [e["key"] for e, _ in good]
        resampled, notes, failed = _batching.resample_onto_first([d for _, d in good], keys)
        kept = []
        for (entry, _), new in zip(good, resampled):
            if new is None:
                entry["status"] = "failed"
                errors.append({"file": entry["file"], "stage": "read",
                               "message": failed[entry["key"]]})
                continue
            if entry["key"] in notes:
                w = read_warn.get(entry["key"])
                read_warn[entry["key"]] = "; ".join(x for x in (w, notes[entry["key"]]) if x)
            kept.append((entry, new))
        good = kept
    by_key = {e["key"]: e for e, _ in good}
    results: dict = {}
    rows: dict[str, dict] = {}
    stacked = None
    if (len(good) == 1 and rows_of is None
            and _batching.signature(good[0][1]) is None):
        entry, ds = good[0]
        results, step_errors, step_warn = _batching.run_single(ds, recipe)
        dims = _batch_dims(ds)
        table_dims = dims
        file_rows = None
        for step in recipe.steps:
            if step.label not in results:
                continue
            step_rows = _summary.headline_rows(step.qualname, results[step.label], dims,
                                               step.label)
            if file_rows is None:
                file_rows = [{"file": entry["file"], "sample": entry["key"]} for _ in step_rows]
            for r, s in zip(file_rows, step_rows):
                r.update(s)
                w = step_warn.get(step.label, {}).get(None)
                if w:
                    r[f"{step.label}.warnings"] = w
        for e in step_errors:
            e["sample"] = entry["key"]
        summary = file_rows or []
        for r in summary:
            if read_warn.get(entry["key"]):
                r["read_warnings"] = read_warn[entry["key"]]
    elif good:
        table_dims = [_batching.DIM]
        labels = [e["key"] for e, _ in good]
        if rows_of is not None:    # one header: the batch straight from the parsed columns
            stacked = _batching.stack_rows(rows_of, [ds.values for _, ds in good], labels,
                                           [e["file"] for e, _ in good])
        else:
            stacked = _batching.stack([ds for _, ds in good], labels)
        results, step_errors, step_warn = _batching.run_steps(stacked, recipe)
        for step in recipe.steps:
            if step.label not in results:
                continue
            for s in _summary.headline_rows(step.qualname, results[step.label],
                                            [_batching.DIM], step.label):
                key = str(s.pop(_batching.DIM))
                row = rows.setdefault(key, {"file": by_key[key]["file"], "sample": key})
                if read_warn.get(key) and "read_warnings" not in row:
                    row["read_warnings"] = read_warn[key]
                row.update(s)
                w = step_warn.get(step.label, {}).get(key)
                if w:
                    row[f"{step.label}.warnings"] = w
        summary = [rows[e["key"]] for e, _ in good if e["key"] in rows]
    else:
        step_errors, summary, table_dims = [], [], []
    for e in step_errors:
        entry = by_key[e["sample"]]
        if e.get("flagged"):
            entry["status"] = "flagged" if entry["status"] == "ok" else entry["status"]
        else:
            entry["status"] = "failed"
        errors.append({"file": entry["file"], **{k: v for k, v in e.items() if k != "sample"}})
    batch_id = _batch_id(items, recipe.digest)
    marker = {"batch": batch_id, "recipe": recipe.digest, "created_ns": time.time_ns(),
              "files": entries, "steps": sorted(results), "summary": summary,
              "errors": errors}
    if recipe.output.get("figures") == "per-file" and results:
        if rows_of is not None:
            good = [(e, _fastread.materialize(ds, e["file"])) for e, ds in good]
        _per_file_figures(results, good, stacked, recipe, Path(out))

    files_of = {e["key"]: e["file"] for e in entries}

    kept = stored_steps(recipe)

    def write(folder: Path):
        for label, result in results.items():
            if label in kept:
                _output.write_netcdf(result, folder / f"{label}.nc")
            _summary.write_long_table(result, table_dims, files_of,
                                      folder / f"{label}{TABLE_SUFFIX}")
        _store.write_marker(folder, marker)


    _store.commit(out, batch_id, write)
    return marker


def stored_steps(recipe: Recipe) -> set[str]:
    """Labels of the steps whose results are written as ``batches/<batch>/<step>.nc``: every
    step, or with ``[output] store = "results"`` every step but the transforms
    (``remove_spikes``, ``subtract_background``...) whose output only feeds a later step (their
    tables and summary columns are still written)."""
    from .. import _api

    labels = {s.label for s in recipe.steps}
    if recipe.output.get("store", "all") == "all":
        return labels
    feeding = {s.input for s in recipe.steps if s.input is not None}
    return {s.label for s in recipe.steps
            if not (s.label in feeding and _api.get(s.qualname).transform)}


def _per_file_figures(results, good, stacked, recipe, out: Path):
    fmt = recipe.output.get("figure_format", "png")
    for step in recipe.steps:
        if step.label not in results:
            continue
        res = results[step.label]
        for entry, ds in good:
            key = entry["key"]
            if stacked is not None:
                if key not in set(map(str, res[_batching.DIM].values)):
                    continue
                one_res = res.sel({_batching.DIM: key})
                one_data = stacked.sel({_batching.DIM: key})
            else:
                one_res, one_data = res, ds
            path = out / "figures" / step.label / f"{key.replace('/', '_')}.{fmt}"
            try:
                _figure(one_res, one_data, step.qualname, path, fmt)
            except Exception:  # noqa: BLE001 - a figure never fails a run
                continue


def run_recipe(recipe: Recipe, inputs, out, *, force: bool = False, progress: bool = True,
               batch_size: int = BATCH_SIZE, workers: int | None = None,
               scheduler: str | None = None) -> RunReport:
    """Run ``recipe`` over ``inputs`` (files, globs, folders) into folder ``out``.

    Parameters
    ----------
    recipe : Recipe
        From :func:`~.recipe.load_recipe`.
    inputs : path, glob, folder, or a list of them
    out : path
        Output folder (see the module docstring for its layout).
    force : bool
        Recompute files a committed batch already lists as done.
    progress : bool
        Progress bar over files on stderr.
    batch_size : int
        Largest number of files stacked into one batch.
    workers : int, optional
        1: run in this process. N >= 2: N processes, this one and a local
        ``dask.distributed`` cluster of N - 1 started while this one already works.
        None (default): the machine's cores when at least :data:`AUTO_PARALLEL_FROM` files are
        to be processed (a cluster takes seconds to start), else in this process.
    scheduler : str, optional
        Address of an existing ``dask.distributed`` scheduler (``tcp://host:port``) to run the
        batches on instead; its workers must see ``inputs`` and ``out`` at the same paths.
    """
    out = Path(out)
    files = expand_paths(inputs)
    report = RunReport(n_inputs=len(files))
    # an interrupted earlier run leaves hidden partial files and folders: remove them
    report.n_cleaned = (len(_output.clean_partial_writes(out)) + len(_store.clean_partial(out)))
    missing = [f for f in files if not f.exists()]
    for f in missing:
        report.errors.append({"file": str(f), "stage": "read", "message": f"{f}: no such file"})
    files = [f for f in files if f.exists()]
    keys = file_keys(files) if files else []
    items = [{"file": str(f), "key": k, "input": _fingerprint(f)} for f, k in zip(files, keys)]
    markers = _store.load_markers(out)
    latest = _store.current(markers)
    todo = []
    for it in items:
        m, entry = latest.get(it["file"], (None, None))
        if (not force and m is not None and entry.get("status") in ("ok", "flagged")
                and m.get("recipe") == recipe.digest and entry.get("input") == it["input"]
                and entry.get("key") == it["key"]):
            report.n_skipped += 1
            continue
        todo.append(it)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(todo) >= AUTO_PARALLEL_FROM else 1
    # no process has anything to do beside this one's first chunk: stay in this process
    workers = min(workers, max(1, -(-len(todo) // max(batch_size, 1))))
    bar = _progress(len(todo), progress)
    lost: list[dict] = []
    if todo and scheduler is None and workers >= 2:
        from . import _cluster

        markers, lost = _cluster.run_local(todo, process_chunk, recipe, out, workers, bar,
                                           batch_size)
    elif todo and scheduler is not None:
        from . import _cluster

        client, cluster = _cluster.client_for(workers, scheduler)
        try:
            markers, lost = _cluster.run_batches(_chunks(todo, batch_size), process_chunk,
                                                 recipe, out, client, bar)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        markers = []
        for chunk in _chunks(todo, batch_size):
            markers.extend(process_chunk(chunk, recipe, out))
            bar.update(len(chunk))
    bar.close()
    for marker in markers:
        report.n_batches += 1
        report.n_done += sum(e["status"] != "failed" for e in marker["files"])
    report.errors.extend(lost)
    _finish(report, items, out, recipe)
    if recipe.figures:                       # [figure.<name>] sections: see cli/figure.py
        from .figure import build_figures
        build_figures(recipe.figures, [out], out, read_options=recipe.read_options,
                      inputs={s.label: s.input for s in recipe.steps})
    return report


def process_chunk(items: list[dict], recipe: Recipe, out) -> list[dict]:
    """Read a chunk of consecutive inputs, group them by signal axis and run and commit each
    group as one batch (:func:`process_batch`); returns the batches' markers.

    The unit of work of both the serial and the distributed run: a folder of exports on one
    axis gives batches of ``batch_size`` files (``--workers N``: of up to ``batch_size``
    files, see :class:`._cluster.GuidedQueue`); a chunk
    mixing axes gives one batch per axis. An unreadable file is a batch of one whose marker
    records the failure. Files whose header equals that of a file read before (exports of
    one instrument and method) are read through its
    :class:`~characterization.io.delimited.SharedHeader` (:mod:`._fastread`)."""
    groups: dict[str, tuple[int, list, list]] = {}
    singles: list[tuple[int, list, list | None]] = []
    reader = _fastread.FolderReader(recipe.read_options, resample=recipe.resample)
    for pos, it in enumerate(items):
        ds, warn, sig, msg = reader.read(Path(it["file"]))
        if sig is None:
            singles.append((pos, [it], None if ds is None else [(ds, warn)]))
            continue
        _, members, data = groups.setdefault(sig, (pos, [], []))
        members.append(it)
        data.append((ds, warn))
    order = list(groups.values()) + singles
    return [process_batch(members, recipe, out, data)
            for _, members, data in sorted(order, key=lambda t: t[0])]


def _chunks(todo: list[dict], batch_size: int) -> list[list[dict]]:
    return [todo[k:k + batch_size] for k in range(0, len(todo), batch_size)]


def _finish(report: RunReport, items: list[dict], out: Path, recipe: Recipe) -> None:
    """Write index.csv, summary.csv and errors.csv from the committed markers."""
    markers = _store.load_markers(out)
    latest = _store.current(markers)
    _store.remove_superseded(markers, latest)
    index = []
    rows_of: dict[str, tuple[dict, dict]] = {}     # batch -> rows of each file, in marker order

    def by_file(m):
        if m["batch"] not in rows_of:
            summary, errors = {}, {}
            for r in m.get("summary", []):
                summary.setdefault(r.get("file"), []).append(r)
            for e in m.get("errors", []):
                errors.setdefault(e.get("file"), []).append(e)
            rows_of[m["batch"]] = summary, errors
        return rows_of[m["batch"]]

    for it in items:
        m, entry = latest.get(it["file"], (None, None))
        if m is None:
            continue
        index.append({"file": it["file"], "sample": entry["key"], "batch": m["batch"],
                      "status": entry["status"]})
        summary, errors = by_file(m)
        report.summary.extend(summary.get(it["file"], []))
        report.errors.extend(errors.get(it["file"], []))
    out.mkdir(parents=True, exist_ok=True)
    _write_tables(out, items, latest, recipe)
    _output.write_csv(index, out / "index.csv", columns=["file", "sample", "batch", "status"])
    _output.write_csv(report.summary, out / "summary.csv")
    _output.write_csv(report.errors, out / "errors.csv", columns=["file", "stage", "message"])
    if recipe.output.get("figures") in (True, "overview") and report.summary:
        _overview_figures(report.summary, out, recipe)


def _overview_figures(rows: list[dict], out: Path, recipe: Recipe) -> None:
    """``figures/<step>.<fmt>``: the headline numbers of each step over the whole run."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plot import style
    from ..plot.overview import step_overview

    fmt = recipe.output.get("figure_format", "png")
    with style():
        for step in recipe.steps:
            fig = step_overview(rows, step.label)
            if fig is None:
                continue
            try:
                _output.atomic_write(out / "figures" / f"{step.label}.{fmt}",
                                     lambda tmp, f=fig: f.savefig(tmp, format=fmt, dpi=200,
                                                                  bbox_inches="tight"))
            finally:
                plt.close(fig)


def _write_tables(out: Path, items: list[dict], latest: dict, recipe: Recipe) -> None:
    """``tables/<step>.csv``: the long tables of the current batches of ``items``' files."""
    import pandas as pd

    by_batch: dict[str, tuple[dict, set]] = {}
    for it in items:
        m, _ = latest.get(it["file"], (None, None))
        if m is not None:
            by_batch.setdefault(m["batch"], (m, set()))[1].add(it["file"])
    for step in recipe.steps:
        if _concat_tables(out / "tables" / f"{step.label}.csv", step.label, by_batch.values()):
            continue
        frames = []
        for m, files in by_batch.values():
            path = m["_folder"] / f"{step.label}{TABLE_SUFFIX}"
            if not path.exists():
                continue
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)   # text kept as written
            frames.append(frame[frame["file"].isin(files)])
        if not frames:
            continue
        table = pd.concat(frames, ignore_index=True)
        _output.atomic_write(out / "tables" / f"{step.label}.csv",
                             lambda tmp, t=table: t.to_csv(tmp, index=False))


def _concat_tables(path: Path, label: str, batches) -> bool:
    """The usual case of :func:`_write_tables`, without parsing: every file of every batch is
    current, so the run's table is the batches' tables one after the other (one header).
    Returns False (nothing written) when a batch also holds files superseded since, or the
    headers differ; pandas then filters the rows (the same text: pandas wrote the batch
    tables with the same quoting)."""
    parts, header = [], None
    for m, files in batches:
        table = m["_folder"] / f"{label}{TABLE_SUFFIX}"
        if not table.exists():
            continue
        if any(e["file"] not in files for e in m["files"]):
            return False
        with open(table, "rb") as fh:
            first = fh.readline()
            if header is None:
                header = first
            elif first != header or not first.endswith(b"\n"):
                return False
            parts.append(table)
    if header is None:
        return True                 # no batch wrote this table: nothing to write, as before

    def write(tmp):
        with open(tmp, "wb") as dst:
            dst.write(header)
            for table in parts:
                with open(table, "rb") as src:
                    src.readline()
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)

    _output.atomic_write(path, write)
    return True


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
    return tqdm(total=total, unit="file", file=sys.stderr, leave=False)


def print_report(report: RunReport, out) -> None:
    print(f"{report.n_inputs} input(s): {report.n_done} processed in {report.n_batches} "
          f"batch(es), {report.n_skipped} already complete, {report.n_failed_files} failed, "
          f"{report.n_flagged_files} with flagged results")
    if report.n_cleaned:
        print(f"removed {report.n_cleaned} partial file(s) left by an interrupted run")
    if report.errors:
        print(f"{len(report.errors)} error(s), see {Path(out) / 'errors.csv'}:")
        for e in report.errors[:10]:
            print(f"  {e['stage']}: {e['message']}")
    print(f"summary: {Path(out) / 'summary.csv'}")


def run_recipe_file(recipe_path, inputs, out, *, force=False, progress=True,
                    batch_size=BATCH_SIZE, workers=None, scheduler=None) -> int:
    """CLI entry: returns 0 when every input succeeded, 1 otherwise, 2 for a bad recipe."""
    try:
        recipe = load_recipe(recipe_path)
    except RecipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = run_recipe(recipe, inputs, out, force=force, progress=progress,
                        batch_size=batch_size, workers=workers, scheduler=scheduler)
    print_report(report, out)
    if report.n_failed_files:
        print(f"error: {report.n_failed_files} of {report.n_inputs} input(s) failed",
              file=sys.stderr)
        return 1
    return 0
