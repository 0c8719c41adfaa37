"""Benchmark: ``characterize run`` over a folder of single-spectrum exports.

Cases, each written as synthetic instrument exports to a temporary folder:

* **Raman carbon, 4band** (``--raman`` files, 1000-point two-column text exports, one cosmic
  ray each): despike -> ``fit_carbon(model="4band")`` -> ``crystallite_size``, figures off,
  through the batched run with one process and with ``--workers 2`` (LocalCluster); against an
  lmfit per-file loop doing the same steps the way a script (or raman-fitting) processes a
  folder: ``np.loadtxt``, a median-filter despike, an lmfit fit of four Lorentzians on a
  linear background, I_D/I_G and La (Cançado), timed on ``--subset`` files and scaled.
* **Raman carbon, auto model**: the ``characterize demo`` carbon recipe (BIC choice among
  2band/4band/5band/bwf), one process and two workers; the lmfit ratio is against the
  4-Lorentzian loop (a lower bound: the loop does one model, the recipe four).
* **XRD series** (``--xrd`` ``.xy`` patterns, the XRD demo recipe) and **sorption**
  (``--sorption`` CSV isotherms, the sorption demo recipe): batched (1024 files per batch) against
  the same run with ``--batch-size 1`` (the per-file engine calls), on ``--single-subset``
  files.

Peak RSS is the benchmark process's own (``ru_maxrss``; the serial runs and, with
``--workers 2``, one of the two working processes run in it). The cluster worker's is not
measured (``RUSAGE_CHILDREN`` reports the RSS a spawned child inherits at its fork). Each
run's stores are opened with ``xarray.open_mfdataset`` as a check that the outputs read.

Run from the repository root: ``PYTHONPATH=. python benchmarks/batch_run.py [--raman 2000]``;
writes ``benchmarks/results/batch_run.txt``. The issue's full size is 10,000 files; on a shared
2-core machine use fewer and say so (the per-file times do not depend on the count once the
batches are full).
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import resource
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

RECIPE_4BAND = """
[read]
technique = "raman"

[raman.remove_spikes]

[raman.fit_carbon]
input = "remove_spikes"
model = "4band"
weights = "poisson"

[raman.crystallite_size]
input = "fit_carbon"
formula = "cancado"

[output]
figures = false
store = "results"
"""


def _no_figures(recipe: str) -> str:
    """Figures off, and no store of a transform that only feeds a later step (the lmfit loop
    writes nothing at all)."""
    return recipe.replace("figures = true", 'figures = false\nstore = "results"')


def stage_costs(folder: Path, n: int = 1024) -> dict:
    """Per-file cost of each stage of the 4band recipe on ``n`` files, in this process:
    reading and stacking (shared header), despike, fit, crystallite size, one store write."""
    from characterization import raman
    from characterization.cli import _batching, _fastread
    from characterization.cli._output import write_netcdf

    files = sorted(folder.iterdir())[:n]
    out = {}
    t = time.perf_counter()
    reader = _fastread.FolderReader({"technique": "raman"})
    rows = [reader.read(f)[0] for f in files]
    batch = _batching.stack_rows(rows[0].template, [r.values for r in rows],
                                 [f.stem for f in files], [str(f) for f in files])
    out["read + stack"] = time.perf_counter() - t
    t = time.perf_counter()
    clean = raman.remove_spikes(batch)
    out["remove_spikes"] = time.perf_counter() - t
    t = time.perf_counter()
    fit = raman.fit_carbon(clean, model="4band", weights="poisson")
    out["fit_carbon 4band"] = time.perf_counter() - t
    t = time.perf_counter()
    size = raman.crystallite_size(fit, formula="cancado")
    out["crystallite_size"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_netcdf(fit, Path(tmp) / "fit.nc")
        write_netcdf(size, Path(tmp) / "size.nc")
        out["write 2 stores"] = time.perf_counter() - t
    return {k: v / len(files) * 1e3 for k, v in out.items()}


def write_raman(folder: Path, n: int, seed: int = 0) -> None:
    from characterization.cli.demos._common import write_text_export
    from characterization.synthetic.raman_carbon import carbon_spectra

    done, chunk = 0, 500
    while done < n:
        k = min(chunk, n - done)
        ds = carbon_spectra(k, model="4band", id_ig=(0.1, 1.2), laser_wavelength=514.0,
                            counts=4000.0, n_points=1000, seed=seed + done)
        x = ds["raman_shift"].values
        rng = np.random.default_rng(seed + done)
        for i in range(k):
            y = ds["intensity"].isel(sample=i).values.copy()
            j = rng.integers(20, y.size - 20)
            y[j] += 25 * np.sqrt(max(y[j], 1.0))
            write_text_export(folder / f"carbon_{done + i:05d}.txt", x, y,
                              columns="Raman shift (cm-1)\tIntensity (counts)",
                              metadata=["Laser wavelength: 514 nm"])
        done += k


def write_xrd(folder: Path, n: int) -> None:
    from characterization.cli.demos import xrd as demo
    from characterization.synthetic.xrd import xrd_patterns

    stem, sizes = demo.SAMPLES[1]
    phases = list(sizes)
    ds = xrd_patterns(phases, n_samples=n, size_nm=[sizes[p] for p in phases],
                      instrument=tuple(demo.INSTRUMENT[c] for c in "UVW"),
                      two_theta=(20.0, 80.0, 0.01), peak_counts=4000, background=(150.0,),
                      seed=5)
    x = ds["two_theta"].values
    for i in range(n):
        y = ds["intensity"].isel(sample=i).values
        body = "\n".join(f"{a:.4f} {b:.0f}" for a, b in zip(x, y))
        (folder / f"pattern_{i:05d}.xy").write_text(body + "\n", encoding="utf-8")


def write_sorption(folder: Path, n: int) -> None:
    from characterization.synthetic.isotherms import isotherms

    ds = isotherms(n, kind="IV", surface_area=350.0, c=110.0, mesopore_volume=0.45,
                   mesopore_width=6.0, seed=2)
    x = ds["relative_pressure"].values
    for i in range(n):
        q = ds["amount"].isel(sample=i).values * 22.414
        lines = ["Relative Pressure (P/Po),Quantity Adsorbed (cm3/g STP)"]
        lines += [f"{p:.6e},{v:.6f}" for p, v in zip(x, q)]
        (folder / f"iso_{i:05d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(recipe_text: str, inputs: Path, out: Path, **kw) -> tuple[float, object]:
    from characterization.cli.recipe import parse_recipe
    from characterization.cli.run import run_recipe

    import tomllib

    recipe = parse_recipe(tomllib.loads(recipe_text), text=recipe_text)
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    report = run_recipe(recipe, [inputs], out, progress=False, **kw)
    return time.perf_counter() - t, report


def check_outputs(out: Path, step: str) -> int:
    import xarray as xr

    paths = sorted(glob.glob(str(out / "batches" / "*" / f"{step}.nc")))
    with xr.open_mfdataset(paths, combine="nested", concat_dim="sample",
                           data_vars="minimal", coords="minimal", compat="override") as ds:
        return ds.sizes["sample"]


# ----------------------------------------------------------------------------- lmfit loop
def _despike(y: np.ndarray) -> np.ndarray:
    from scipy.signal import medfilt

    base = medfilt(y, 7)
    resid = y - base
    mad = np.median(np.abs(resid - np.median(resid))) * 1.4826
    spikes = resid > 6 * max(mad, 1e-12)
    out = y.copy()
    out[spikes] = base[spikes]
    return out


def lmfit_loop(files: list[Path]) -> tuple[float, list[tuple[float, float]]]:
    """np.loadtxt + despike + lmfit 4 Lorentzians and a line + I_D/I_G + La, per file."""
    from lmfit.models import LinearModel, LorentzianModel

    values = []
    t = time.perf_counter()
    for f in files:
        x, y = np.loadtxt(f, comments="#", skiprows=3, unpack=True)
        y = _despike(y)
        model = LinearModel(prefix="bg_")
        params = model.make_params(slope=0.0, intercept=float(np.min(y)))
        for name, c, w in (("D4", 1200, 150), ("D1", 1350, 120), ("D3", 1500, 150),
                           ("G", 1590, 70)):
            peak = LorentzianModel(prefix=f"{name}_")
            model = model + peak
            params.update(peak.make_params())
            params[f"{name}_center"].set(value=c, min=c - 60, max=c + 60)
            params[f"{name}_sigma"].set(value=w / 2, min=2, max=200)
            params[f"{name}_amplitude"].set(value=float(np.ptp(y)) * w, min=0)
        weights = 1 / np.sqrt(np.clip(y, 1, None))
        res = model.fit(y, params, x=x, weights=weights)
        h = {n: res.params[f"{n}_height"].value for n in ("D1", "G")}
        a = {n: res.params[f"{n}_amplitude"].value for n in ("D1", "G")}
        ratio = h["D1"] / h["G"]
        la = 2.4e-10 * 514.0 ** 4 / (a["D1"] / a["G"])   # Cançado, nm
        values.append((ratio, la))
    return time.perf_counter() - t, values


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raman", type=int, default=2000)
    ap.add_argument("--subset", type=int, default=40)
    ap.add_argument("--xrd", type=int, default=200)
    ap.add_argument("--sorption", type=int, default=200)
    ap.add_argument("--single-subset", type=int, default=10,
                    help="files run one per batch in the XRD and sorption cases")
    ap.add_argument("--skip-workers", action="store_true")
    ap.add_argument("--pairs", type=int, default=1,
                    help="repeat the 4band one-process / two-worker pair this many more times")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    from characterization.cli.demos import raman_carbon, sorption, xrd
    from characterization.cli.run import AUTO_PARALLEL_FROM

    lines = [f"batch_run benchmark, {platform.machine()} Python {platform.python_version()}, "
             f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start; "
             f"{args.raman} Raman, {args.xrd} XRD, {args.sorption} sorption files (the issue: "
             f"10,000 Raman, 1000 XRD and 1000 sorption)", ""]

    def say(text):
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        raman_in = tmp / "raman"
        raman_in.mkdir()
        t = time.perf_counter()
        write_raman(raman_in, args.raman)
        say(f"wrote {args.raman} Raman exports in {time.perf_counter() - t:.1f} s")
        files = sorted(raman_in.iterdir())
        subset = files[:args.subset]
        costs = stage_costs(raman_in)
        say("per-file cost by stage (1024 files, one batch, this process): " + ", ".join(
            f"{k} {v:.2f} ms" for k, v in costs.items()))
        t_lmfit, _ = lmfit_loop(subset)
        per_lmfit = t_lmfit / len(subset) * 1e3
        say(f"lmfit per-file loop (loadtxt, despike, 4 Lorentzians + line, La): "
            f"{per_lmfit:.1f} ms/file on {len(subset)} files")
        for name, recipe in (("4band", RECIPE_4BAND),
                             ("auto", _no_figures(raman_carbon.RECIPE))):
            dt, rep = run(recipe, raman_in, tmp / f"out_{name}", workers=1)
            per = dt / args.raman * 1e3
            n = check_outputs(tmp / f"out_{name}", "fit_carbon")
            say(f"raman {name:<5} 1 process : {dt:7.1f} s, {per:6.2f} ms/file, "
                f"{per_lmfit / per:6.1f}x the lmfit loop, {rep.n_batches} batches, "
                f"{len(rep.errors)} errors, stores open ({n} spectra), "
                f"peak RSS {rss_mb():.0f} MB")
            if args.skip_workers:
                continue
            dt2, rep2 = run(recipe, raman_in, tmp / f"out_{name}_w2", workers=2)
            per2 = dt2 / args.raman * 1e3
            say(f"raman {name:<5} 2 workers : {dt2:7.1f} s, {per2:6.2f} ms/file, "
                f"{dt / dt2:4.2f}x one process (cluster start included), "
                f"{per_lmfit / per2:6.1f}x the lmfit loop, {len(rep2.errors)} errors, "
                f"{rep2.n_batches} batches (2 workers is the default on a 2-core machine "
                f"from {AUTO_PARALLEL_FROM} files)")
        if args.pairs > 1 and not args.skip_workers:
            # the 2-worker ratio of a short run moves by +-5 % from run to run on a shared
            # machine: repeat the 4band pair (one process, then two workers) and take medians
            ones, twos = [], []
            for _ in range(args.pairs):
                ones.append(run(RECIPE_4BAND, raman_in, tmp / "out_pair1", workers=1)[0])
                twos.append(run(RECIPE_4BAND, raman_in, tmp / "out_pair2", workers=2)[0])
            ratios = sorted(a / b for a, b in zip(ones, twos))
            say(f"raman 4band, {args.pairs} more pairs: one process "
                + ", ".join(f"{t / args.raman * 1e3:.2f}" for t in ones) + " ms/file; 2 workers "
                + ", ".join(f"{t / args.raman * 1e3:.2f}" for t in twos) + " ms/file; ratios "
                + ", ".join(f"{r:.2f}" for r in ratios)
                + f" (median {np.median(ratios):.2f}x; median vs the lmfit loop "
                f"{per_lmfit / (np.median(ones) / args.raman * 1e3):.1f}x one process, "
                f"{per_lmfit / (np.median(twos) / args.raman * 1e3):.1f}x two workers)")
        shutil.rmtree(raman_in)
        for name, writer, n_files, recipe, step in (
                ("xrd", write_xrd, args.xrd, _no_figures(xrd.RECIPE), "fit_pattern"),
                ("sorption", write_sorption, args.sorption, _no_figures(sorption.RECIPE),
                 "bet")):
            folder = tmp / name
            folder.mkdir()
            writer(folder, n_files)
            dt, rep = run(recipe, folder, tmp / f"out_{name}", workers=1)
            per = dt / n_files * 1e3
            sub = tmp / f"{name}_subset"
            sub.mkdir()
            for f in sorted(folder.iterdir())[:args.single_subset]:
                shutil.copy(f, sub / f.name)
            dt1, _ = run(recipe, sub, tmp / f"out_{name}_single", workers=1, batch_size=1)
            per1 = dt1 / args.single_subset * 1e3
            n = check_outputs(tmp / f"out_{name}", step)
            say(f"{name:<8} batched: {per:6.2f} ms/file ({n_files} files, {rep.n_batches} "
                f"batches, {len(rep.errors)} errors, {n} spectra in the stores); one file "
                f"per batch: {per1:6.2f} ms/file ({args.single_subset} files): {per1 / per:4.1f}x")
    say(f"peak RSS of this process {rss_mb():.0f} MB; load average {os.getloadavg()[0]:.2f} "
        "at the end")
    out = Path(__file__).parent / "results" / "batch_run.txt"
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
