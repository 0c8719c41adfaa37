"""Example inputs of the EXAFS functions (one block per engineer; the integrator merges)."""

from __future__ import annotations

EXAMPLES: dict = {}

# --- exafs_fit block: fit_shells, fit_lcf, pca ---
import numpy as np  # noqa: E402

from characterization.synthetic import exafs_chi, feff_path_example  # noqa: E402


def _shells():
    paths = feff_path_example()
    ds = exafs_chi(paths, sigma2=[[0.005], [0.007], [0.009], [0.006]],
                   delr=[[0.0], [0.01], [-0.01], [0.02]], s02=0.9, de0=1.0, noise=0.002, seed=3)
    return ds, {"paths": paths, "engine": "batched", "k_range": (3.0, 14.0)}


EXAMPLES.update({"exafs.fit_shells": _shells})
# --- end exafs_fit block ---
