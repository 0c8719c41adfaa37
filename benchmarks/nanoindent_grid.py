"""Nanoindentation grid: energies + Oliver–Pharr on 10,000 indents vs micromechanics per indent.

Synthetic Berkovich indents (``characterization.synthetic.indentation_curves``: 5 s loading,
1 s hold, 3 s unloading at 20 Hz = 180 points, 3 % spread in H and E, noise 0.002 mN /
0.05 nm). Ours: ``nanoindent.energies`` + ``nanoindent.oliver_pharr`` on the whole batch (one
call each). micromechanics (``Indentation.stiffnessFromUnloading`` + ``OliverPharrMethod``, the
way its own pipeline does it per indent; it has no energy calculation, so a numpy trapezoid per
indent is added to its loop to do the same work) runs in a loop over a subset and is scaled
to the full grid. Agreement of the stiffness on that subset is reported.

The second part times reading the KLA InView workbook of the shared data (FusedSilica.xlsx,
16 tests) with ``characterization.read`` (python-calamine) vs pandas ``read_excel`` with
openpyxl (every sheet, the common way).

micromechanics is not a dependency: install it into a separate folder and name it with
``--micromechanics`` (``pip install --target DIR micromechanics``); its folder is appended to
``sys.path`` so the project's numpy/scipy stay the ones used.

Run:  .venv/bin/python benchmarks/nanoindent_grid.py [--n 10000] [--subset 300]
      [--micromechanics DIR]
Writes the printed report to benchmarks/results/nanoindent_grid.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "nanoindent_grid.txt"
INVIEW = (ROOT.parent / "shared" / "data" / "nanoindent" / "indentationGUI" /
          "micromechanics_indentationGUI" / "Examples" / "Example1" / "FusedSilica.xlsx")


def _indents(n):
    from characterization.synthetic import indentation_curves

    return indentation_curves(n, loading_time=5.0, hold_time=1.0, unloading_time=3.0,
                              sampling_rate=20.0, variation=0.03, noise_load=0.002,
                              noise_displacement=0.05, seed=7)


def ours(ds):
    import characterization.nanoindent as ni

    t0 = time.perf_counter()
    en = ni.energies(ds)
    op = ni.oliver_pharr(ds)
    elapsed = time.perf_counter() - t0
    return elapsed, en, op


def theirs(ds, subset):
    from micromechanics.indentation import Indentation
    from micromechanics.indentation.definitions import Method

    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        ind = Indentation(nuMat=0.17)      # opens its bundled example file; replaced below
    ind.output["verbose"] = 0
    ind.method = Method.ISO                # one unloading per test, as the synthetic indents
    ind.model["unloadPMax"] = 1.0          # same window as ours: 50-100 % of P_max
    ind.model["unloadPMin"] = 0.5
    stiff = np.full(subset, np.nan)
    t0 = time.perf_counter()
    for i in range(subset):
        one = ds.isel(indent=i)
        p = one["load"].values
        h = one["displacement"].values
        seg = one["segment"].values
        ok = np.isfinite(p)
        p, h, seg = p[ok], h[ok], seg[ok]
        load_end = int(np.flatnonzero(seg == "loading")[-1])
        unload = np.flatnonzero(seg == "unloading")
        ind.iLHU = [[0, load_end, int(unload[0]), int(unload[-1])]]
        with contextlib.redirect_stdout(quiet):
            s = np.asarray(ind.stiffnessFromUnloading(p, h)[0], float)
            ind.OliverPharrMethod(s, p[[load_end]], h[[load_end]])
        # energies (micromechanics has none): trapezoids of loading and unloading
        np.trapezoid(p[:load_end + 1], h[:load_end + 1])
        np.trapezoid(p[unload], h[unload])
        stiff[i] = s[0]
    return time.perf_counter() - t0, stiff


def read_inview():
    from characterization.io import read

    t0 = time.perf_counter()
    ds = read(INVIEW)
    ours_s = time.perf_counter() - t0
    import pandas as pd

    t0 = time.perf_counter()
    sheets = pd.read_excel(INVIEW, sheet_name=None, engine="openpyxl")
    pandas_s = time.perf_counter() - t0
    return ours_s, pandas_s, ds.sizes.get("indent", 1), len(sheets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--subset", type=int, default=300)
    parser.add_argument("--micromechanics", default=os.environ.get("MICROMECHANICS_DIR"))
    args = parser.parse_args(argv)
    if args.micromechanics:
        sys.path.append(args.micromechanics)
    sys.path.insert(0, str(ROOT))
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, "
             f"{os.cpu_count()} CPUs, {platform.machine()}"]
    ds = _indents(args.n)
    lines.append(f"{args.n} synthetic Berkovich indents, {ds.sizes['point']} points each")
    t_ours, en, op = ours(ds)
    ok = int(op.success.sum())
    truth = ds.attrs["ground_truth"]
    err_h = np.nanmax(np.abs(op.hardness.values / np.asarray(truth["hardness"]) - 1))
    err_e = np.nanmax(np.abs(op.modulus.values / np.asarray(truth["modulus"]) - 1))
    lines.append(f"ours: energies + oliver_pharr on the batch: {t_ours:.2f} s "
                 f"({1e3 * t_ours / args.n:.3f} ms/indent), {ok}/{args.n} succeeded, "
                 f"max |H/H_true - 1| = {err_h:.4f}, max |E/E_true - 1| = {err_e:.4f}")
    try:
        import micromechanics  # noqa: F401
    except ImportError:
        lines.append("micromechanics not importable: give --micromechanics DIR (pip install "
                     "--target DIR micromechanics)")
    else:
        subset = min(args.subset, args.n)
        t_mm, s_mm = theirs(ds, subset)
        per = t_mm / subset
        ours_sub = op.stiffness.values[:subset] * 1e-6          # N/m -> mN/nm
        agree = np.nanmedian(np.abs(s_mm / ours_sub - 1))
        lines.append(f"micromechanics {micromechanics.__version__ if hasattr(micromechanics, '__version__') else ''}: "  # noqa: E501
                     f"loop over {subset} indents {t_mm:.2f} s ({1e3 * per:.3f} ms/indent), "
                     f"scaled to {args.n}: {per * args.n:.1f} s")
        lines.append(f"speed-up (per indent): {per * args.n / t_ours:.1f}x; median |S_mm/S_ours"
                     f" - 1| on the subset = {agree:.2e}")
    if INVIEW.exists():
        r_ours, r_pd, n_tests, n_sheets = read_inview()
        lines.append(f"InView workbook {INVIEW.name}: characterization.read {r_ours:.2f} s "
                     f"({n_tests} tests) vs pandas.read_excel(openpyxl, all {n_sheets} sheets) "
                     f"{r_pd:.2f} s: {r_pd / r_ours:.1f}x")
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
