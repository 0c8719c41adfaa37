"""EXAFS speed, the three measurements of the EXAFS issue in one command.

Runs, each as its own process so one does not warm the other's caches:

1. ``exafs_processing.py`` — 100 spectra normalise + AUTOBK + FT: a plain larch loop vs ours
   serial vs ours on a 2-worker ``dask.distributed.LocalCluster`` (goal ≥ 1.7× for the cluster),
   and the gain of the batched normalisation + FT over larch per spectrum;
2. ``exafs_fits.py`` — 100 first-shell β-Sn fits: a larch ``feffit`` loop vs
   ``exafs.fit_shells(engine="batched")`` (goal ≥ 10×, same parameters within stderr);
3. ``exafs_feff.py`` — FEFF paths: cold run vs cache hit (goal ≥ 100×).

Each ratio is measured against its peer in the same run; the scripts write their own JSON to
``benchmarks/results/`` and this driver collects the headline ratios into
``benchmarks/results/exafs_batch.json``.

Run from the repository root: ``python benchmarks/exafs_batch.py [--n 100]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PARTS = (("exafs_processing.py", "exafs_processing.json", ["--n"]),
         ("exafs_fits.py", "exafs_fits.json", ["--n"]),
         ("exafs_feff.py", "exafs_feff.json", []))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="spectra / fits (parts 1 and 2)")
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(HERE.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    collected, rc = {}, 0
    for script, result, takes in PARTS:
        cmd = [sys.executable, str(HERE / script)] + (["--n", str(args.n)] if takes else [])
        print(f"== {script}", flush=True)
        done = subprocess.run(cmd, env=env, cwd=HERE.parent)
        rc = rc or done.returncode
        path = RESULTS / result
        collected[script] = json.loads(path.read_text()) if path.exists() else None
    (RESULTS / "exafs_batch.json").write_text(json.dumps(collected, indent=2, default=str))
    print(f"collected into {RESULTS / 'exafs_batch.json'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
