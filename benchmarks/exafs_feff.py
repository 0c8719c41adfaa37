"""Benchmark: FEFF paths computed cold vs read from the cache (goal: cache hit ≥ 100× faster).

For beta-Sn and SnO2 (built-in structures, Sn K edge, the default 6 Å cluster) it times, in the
same run:

* **cold**: ``exafs.feff_paths`` with an empty cache folder (cluster, feff.inp, feff6l in a
  subprocess, parsing, writing the netCDF cache file);
* **disk hit**: the same call after the in-process copy is dropped, so the netCDF file is read
  back (what a new Python session or another dask worker pays);
* **memory hit**: the same call again in this process (the file is only ``stat``-ed).

Also reported: a plain larch run for comparison (``larch.xafs.feff6l`` on the same feff.inp in
a temporary folder, which ``chdir``s the process and returns nothing parsed).

Run from the repository root: ``PYTHONPATH=. python benchmarks/exafs_feff.py [--repeat 5]``;
writes ``benchmarks/results/exafs_feff.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from characterization import exafs
from characterization.exafs import feff

CASES = (("beta-Sn", "Sn"), ("SnO2", "Sn"))


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _larch_run(inp: str) -> float:
    """Seconds for larch's own feff6l runner on ``inp`` (prints suppressed)."""
    from larch.xafs import feff6l

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "feff.inp").write_text(inp)
        here = os.getcwd()
        t = time.perf_counter()
        try:
            with open(os.devnull, "w", encoding="utf-8") as null, \
                    contextlib.redirect_stdout(null):
                feff6l(folder=tmp, feffinp="feff.inp", verbose=False)
        finally:
            os.chdir(here)                       # larch's runner changes the working directory
        return time.perf_counter() - t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--radius", type=float, default=6.0)
    args = parser.parse_args(argv)
    exafs.feff_paths("Cu", absorber="Cu", radius=4.0, r_max=2.6, cache=False)   # warm imports
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for name, absorber in CASES:
            kw = dict(absorber=absorber, radius=args.radius)
            colds = []
            for i in range(args.repeat):
                folder = Path(root, f"{name}-{i}")
                feff._MEMO.clear()
                t = time.perf_counter()
                paths = exafs.feff_paths(name, cache=folder, **kw)
                colds.append(time.perf_counter() - t)
            cold = statistics.median(colds)

            def disk_hit(folder=folder):
                feff._MEMO.clear()
                exafs.feff_paths(name, cache=folder, **kw)

            disk = _median_time(disk_hit, args.repeat * 4)
            exafs.feff_paths(name, cache=folder, **kw)
            memory = _median_time(lambda folder=folder: exafs.feff_paths(name, cache=folder, **kw),
                                  args.repeat * 20)
            larch = statistics.median(_larch_run(paths.attrs["feff_inp"])
                                      for _ in range(args.repeat))
            rows.append({"structure": name, "absorber": absorber, "radius": args.radius,
                         "paths": int(paths.sizes["path"]), "cold_s": cold, "disk_hit_s": disk,
                         "memory_hit_s": memory, "larch_feff6l_run_s": larch,
                         "ratio_cold_over_disk_hit": cold / disk,
                         "ratio_cold_over_memory_hit": cold / memory})
    header = (f"exafs_feff benchmark, {platform.machine()} Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, median of {args.repeat} cold runs")
    print(header)
    print(f"{'structure':10s} {'paths':>5s} {'cold s':>8s} {'larch s':>8s} {'disk ms':>8s} "
          f"{'mem ms':>8s} {'cold/disk':>10s} {'cold/mem':>10s}")
    for r in rows:
        print(f"{r['structure']:10s} {r['paths']:5d} {r['cold_s']:8.3f} "
              f"{r['larch_feff6l_run_s']:8.3f} {1e3 * r['disk_hit_s']:8.2f} "
              f"{1e3 * r['memory_hit_s']:8.3f} {r['ratio_cold_over_disk_hit']:10.0f} "
              f"{r['ratio_cold_over_memory_hit']:10.0f}")
    out = Path(__file__).parent / "results" / "exafs_feff.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"description": header, "goal": "cache hit >= 100x faster than "
                               "a cold run", "results": rows}, indent=2) + "\n")
    print(f"wrote {out.name}")


if __name__ == "__main__":
    main()
