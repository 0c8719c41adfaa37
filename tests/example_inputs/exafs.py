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


def _xanes_refs():
    import xarray as xr

    e = np.linspace(29150.0, 29280.0, 261)
    x = e - 29200.0
    refs = np.stack([1 / (1 + np.exp(-x / 2)) + 0.15 * np.exp(-((x - 8) / 4) ** 2),
                     1 / (1 + np.exp(-(x - 4) / 3)) + 0.4 * np.exp(-((x - 12) / 5) ** 2),
                     1 / (1 + np.exp(-(x + 3) / 1.5))])
    ref = xr.Dataset({"norm": (("component", "energy"), refs, {"units": "1",
                                                              "long_name": "Normalised μ"})},
                     coords={"energy": ("energy", e, {"units": "eV", "long_name": "Energy"}),
                             "component": ["Sn", "SnO2", "LiSn"]})
    w = np.array([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    y = w @ refs + np.random.default_rng(2).normal(0, 0.002, (4, e.size))
    ds = xr.Dataset({"norm": (("sample", "energy"), y, {"units": "1", "long_name": "norm"})},
                    coords={"energy": ref.energy, "sample": ("sample", np.arange(4),
                                                             {"units": "1", "long_name": "Sample"}),
                            "e0": ("sample", np.full(4, 29200.0), {"units": "eV",
                                                                   "long_name": "E0"})},
                    attrs={"technique": "exafs"})
    return ds, ref


def _lcf():
    ds, ref = _xanes_refs()
    return ds, {"reference": ref}


def _pca():
    ds, ref = _xanes_refs()
    return ds, {"reference": ref}


EXAMPLES.update({"exafs.fit_shells": _shells, "exafs.fit_lcf": _lcf, "exafs.pca": _pca})
# --- end exafs_fit block ---
