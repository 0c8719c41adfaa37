"""Example inputs of the EXAFS functions (one block per EXAFS part; the integrator merges them).

Synthetic Sn K-edge spectra (``characterization.synthetic.xas_spectra``) with a batch dim
``sample``.
"""

from __future__ import annotations

EXAMPLES: dict = {}


# --- FEFF paths (exafs_feff) ---
def feff_paths():
    """A structure Dataset of fcc Cu; one short FEFF run (first shell only), no cache."""
    from characterization.exafs import structures

    return structures.to_dataset(structures.cu()), {"absorber": "Cu", "radius": 4.0,
                                                    "r_max": 2.6, "cache": False}


EXAMPLES["exafs.feff_paths"] = feff_paths
# --- end FEFF paths ---

# --- processing: normalize, subtract_background, fourier/back transform, align, merge,
# --- deglitch, resample -------------------------------------------------------------------
from characterization import exafs as _exafs  # noqa: E402
from characterization.synthetic import xas_spectra as _xas_spectra  # noqa: E402


def _mu():
    return _xas_spectra(3, edge_step=[1.0, 0.8, 1.2], energy_shift=[0.0, 0.7, -0.4], seed=3)


def _normalize():
    return _mu(), {"pre_range": (-150, -30), "post_range": (50, 700), "post_degree": 2}


def _normalized():
    return _exafs.normalize(_mu(), pre_range=(-150, -30), post_range=(50, 700))


def _subtract_background():
    return _normalized(), {"rbkg": 1.0, "k_weight": 2}


def _with_chi():
    return _exafs.subtract_background(_normalized(), rbkg=1.0)


def _fourier_transform():
    return _with_chi(), {"k_range": (2, 12), "k_weight": 2, "dk": 1, "taper": "hanning"}


def _back_transform():
    return _exafs.fourier_transform(_with_chi(), k_range=(2, 12)), {"r_range": (1.5, 3.5)}


def _align():
    ds = _mu()
    reference = _xas_spectra(1, seed=9).mu_reference.isel(sample=0)
    return ds, {"reference": reference, "var": "mu_reference"}


def _merge():
    import xarray as xr
    scans = [_xas_spectra(3, edge_step=[1.0, 0.8, 1.2], seed=s) for s in (1, 2, 3)]
    return xr.concat(scans, dim="scan"), {"dim": "scan"}


def _deglitch():
    return _xas_spectra(3, glitches=2, glitch_size=0.08, noise=0.001, seed=5), {"threshold": 6}


def _resample():
    return _mu(), {"k_step": 0.1}


EXAMPLES.update({
    "exafs.align": _align,
    "exafs.merge": _merge,
    "exafs.deglitch": _deglitch,
    "exafs.resample": _resample,
    "exafs.normalize": _normalize,
    "exafs.subtract_background": _subtract_background,
    "exafs.fourier_transform": _fourier_transform,
    "exafs.back_transform": _back_transform,
})
# --- end processing ------------------------------------------------------------------------


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
