"""Benchmark: 100 first-shell EXAFS fits of a series — a plain larch ``feffit`` loop against
``exafs.fit_shells(engine="batched")`` on the whole batch (and ``engine="larch"``, our wrapper).

Data: 100 synthetic β-Sn χ(k) (``synthetic.exafs_chi``) from a Sn–Sn path (4 Sn at 3.02 Å)
computed here with larch's bundled ``feff6l`` on a small β-Sn cluster (I4_1/amd, a = 5.8318,
c = 3.1819 Å, Sn at the origin, built with pymatgen) in a temporary folder; known N = 4,
S0² = 0.9, ΔE0 = 2 eV, ΔR ∈ ±0.03 Å, σ² ∈ 0.005–0.012 Å², white noise 0.001 in χ. Model:
S0²·N (``amp``), ΔE0, ΔR, σ² free; k = 3–14 Å⁻¹, kw 2, Kaiser dk 4, R = 1.8–3.4 Å.

Checks that both give the same parameters (|Δ| in units of larch's stderr) and prints the
speed ratio measured in the same run. Run from the repository root:
``PYTHONPATH=. python benchmarks/exafs_fits.py [--n 100]``; writes
``benchmarks/results/exafs_fits.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np


def beta_sn_path(folder: Path) -> Path:
    from larch.xafs.feffrunner import feff6l
    from pymatgen.core import Lattice, Structure

    s = Structure.from_spacegroup("I4_1/amd", Lattice.tetragonal(5.8318, 3.1819), ["Sn"],
                                  [[0, 0, 0]])
    lines = ["TITLE beta-Sn", "HOLE 1 1.0", "CONTROL 1 1 1 1", "PRINT 0 0 0 0", "RMAX 3.1",
             "NLEG 2", "POTENTIALS", " 0 50 Sn", " 1 50 Sn", "ATOMS",
             " 0.00000 0.00000 0.00000 0 Sn"]
    c0 = s[0].coords
    for nb in s.get_neighbors(s[0], 5.0):
        x, y, z = nb.coords - c0
        lines.append(f" {x:.5f} {y:.5f} {z:.5f} 1 Sn")
    lines.append("END")
    (folder / "feff.inp").write_text("\n".join(lines) + "\n")
    feff6l(folder=str(folder), feffinp="feff.inp", verbose=False)
    return folder / "feff0001.dat"


def larch_loop(path_file, k, chi, opts):
    from larch import Group
    from larch.fitting import param
    from larch.xafs import feffit, feffit_dataset, feffit_transform, feffpath

    values, errs = [], []
    for row in chi:
        pars = Group(amp=param(3.0, vary=True), de0=param(0.0, vary=True),
                     delr=param(0.0, vary=True), sigma2=param(0.005, vary=True))
        path = feffpath(str(path_file), degen=1, s02="amp", e0="de0", deltar="delr",
                        sigma2="sigma2")
        tr = feffit_transform(kmin=opts["k_range"][0], kmax=opts["k_range"][1], kw=2,
                              dk=opts["dk"], window="kaiser", rmin=opts["r_range"][0],
                              rmax=opts["r_range"][1])
        ds = feffit_dataset(data=Group(k=k, chi=row), paths={"p": path}, transform=tr)
        out = feffit(pars, ds)
        values.append([out.params[n].value for n in ("amp", "de0", "delr", "sigma2")])
        errs.append([out.params[n].stderr for n in ("amp", "de0", "delr", "sigma2")])
    return np.array(values), np.array(errs, dtype=float)


def main():
    import characterization as ch
    from characterization.synthetic import exafs_chi

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    n = args.n
    rng = np.random.default_rng(2026)
    opts = {"k_range": (3.0, 14.0), "r_range": (1.8, 3.4), "dk": 4.0}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path_file = beta_sn_path(Path(tmp))
        t_feff = time.perf_counter() - t0
        paths = ch.read(path_file)
        truth = {"delr": rng.uniform(-0.03, 0.03, n), "sigma2": rng.uniform(0.005, 0.012, n)}
        data = exafs_chi(paths, n=4.0, s02=0.9, de0=2.0, delr=truth["delr"][:, None],
                         sigma2=truth["sigma2"][:, None], noise=0.001, seed=7)
        k, chi = data.k.values, data.chi.values
        model = {"params": {"amp": 3.0, "de0": 0.0, "delr": 0.0, "sigma2": 0.005},
                 "paths": {"*": {"n": "1", "s02": "amp"}}}

        t0 = time.perf_counter()
        ref_val, ref_err = larch_loop(path_file, k, chi, opts)
        t_larch = time.perf_counter() - t0

        t0 = time.perf_counter()
        ours = ch.exafs.fit_shells(data, paths=paths, model=model, engine="batched", **opts)
        t_batched = time.perf_counter() - t0

        sub = min(n, 20)
        t0 = time.perf_counter()
        ch.exafs.fit_shells(data.isel(sample=slice(0, sub)), paths=paths, model=model,
                            engine="larch", **opts)
        t_wrap = (time.perf_counter() - t0) * n / sub

    names = ["amp", "de0", "delr", "sigma2"]
    val = ours.value.sel(param=names).values
    dev = np.abs(val - ref_val) / ref_err
    rec = {
        "n_spectra": n, "machine": platform.platform(), "python": platform.python_version(),
        "feff6l_seconds": t_feff,
        "larch_loop_seconds": t_larch, "batched_seconds": t_batched,
        "fit_shells_larch_engine_seconds_scaled": t_wrap,
        "speedup_batched_vs_larch_loop": t_larch / t_batched,
        "all_success": bool(ours.success.all()),
        "max_abs_deviation_in_larch_stderr": dict(zip(names, dev.max(0).round(4).tolist())),
        "median_abs_deviation_in_larch_stderr": dict(zip(names,
                                                         np.median(dev, 0).round(5).tolist())),
        "recovery_vs_truth": {
            "delr_max_abs_error_angstrom": float(np.abs(val[:, 2] - truth["delr"]).max()),
            "sigma2_max_abs_error_angstrom2": float(np.abs(val[:, 3] - truth["sigma2"]).max()),
            "amp_median_rel_error": float(np.median(np.abs(val[:, 0] / 3.6 - 1)))},
    }
    print(json.dumps(rec, indent=2))
    print(f"\n{n} first-shell fits: larch loop {t_larch:.2f} s, batched {t_batched:.2f} s -> "
          f"{t_larch / t_batched:.1f}x (goal >= 10x); fit_shells(engine='larch') "
          f"~{t_wrap:.2f} s")
    out = Path(__file__).parent / "results" / "exafs_fits.json"
    out.write_text(json.dumps(rec, indent=2) + "\n")


if __name__ == "__main__":
    main()
