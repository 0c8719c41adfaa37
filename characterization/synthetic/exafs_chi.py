"""Synthetic EXAFS χ(k) from scattering paths with known N, ΔR, σ², S0², ΔE0 and noise.

:func:`exafs_chi` evaluates the EXAFS equation of :mod:`characterization.exafs.path_sum` (the
same physics the fits use) for a batch of parameter sets and adds seeded Gaussian noise;
:func:`feff_path_example` builds a small *model* ``feff_paths`` Dataset (smooth analytic
amplitude, phase and mean free path resembling a metal first shell, not a FEFF calculation) so
examples and contract tests need no files.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..exafs.path_sum import PathTable, path_chi


def feff_path_example(reff=(2.55,), degeneracy=(12.0,), absorber="Cu",
                      scatterers=("Cu",)) -> xr.Dataset:
    """A model ``feff_paths`` Dataset with analytic amplitude/phase (one path per ``reff``).

    ``mag_feff = 0.9·k·exp(−((k−4.5)/5.5)²)/(1+0.02k²)`` Å, ``real_phc + phase_feff = −1.2 −
    0.95k + 0.012k²``, λ(k) = 5 + 0.9k² / (1 + 0.05k²) Å, ``real_p = sqrt(k² + 4)``: smooth
    and metal-like, enough for known-answer fits; not a substitute for FEFF.

    Examples
    --------
    >>> from characterization.synthetic import feff_path_example
    >>> int(feff_path_example().sizes["path"])
    1
    """
    k = np.round(np.concatenate([np.arange(0, 6, 0.2), np.arange(6, 20.01, 0.5)]), 6)
    n = len(reff)
    mag = 0.9 * k * np.exp(-((k - 4.5) / 5.5) ** 2) / (1 + 0.02 * k ** 2) + 0.02
    phase = -1.2 - 0.95 * k + 0.012 * k ** 2
    lam = 5 + 0.9 * k ** 2 / (1 + 0.05 * k ** 2)
    rows = lambda a: np.repeat(a[None], n, axis=0)  # noqa: E731
    geom = [json.dumps([[absorber, 0.0, 0.0, 0.0, 0], [sc, 0.0, 0.0, float(r), 1]])
            for r, sc in zip(reff, scatterers * n)]

    def var(a, units, long):
        return (("path", "k"), rows(a), {"units": units, "long_name": long})

    return xr.Dataset(
        {"real_phc": var(phase * 0.5, "1", "Real part of 2·phase shift of the central atom"),
         "mag_feff": var(mag, "angstrom", "|F_eff(k)|"),
         "phase_feff": var(phase * 0.5, "1", "Phase of F_eff(k)"),
         "red_factor": var(np.ones_like(k), "1", "Reduction factor"),
         "mean_free_path": var(lam, "angstrom", "Photoelectron mean free path λ(k)"),
         "real_p": var(np.sqrt(k ** 2 + 4), "1/angstrom", "Real part of the complex momentum"),
         "degeneracy": ("path", np.asarray(degeneracy, float), {"units": "1",
                                                                "long_name": "Degeneracy"}),
         "reff": ("path", np.asarray(reff, float), {"units": "angstrom",
                                                    "long_name": "Half path length"}),
         "nleg": ("path", np.full(n, 2), {"units": "1", "long_name": "Number of legs"}),
         "scatterers": ("path", list(scatterers * n)[:n]),
         "geometry": ("path", geom)},
        coords={"path": ("path", np.arange(1, n + 1), {"units": "1", "long_name": "Path index"}),
                "k": ("k", k, {"units": "1/angstrom", "long_name": "Photoelectron wavenumber k"}),
                "absorber": absorber, "feff_version": "model"},
        attrs={"technique": "feff_paths", "conventions": "characterization-1",
               "title": "model path (synthetic.feff_path_example)"})


def exafs_chi(paths: xr.Dataset, *, n=None, delr=0.0, sigma2=0.003, s02=1.0, de0=0.0, c3=0.0,
              noise: float = 0.0, seed: int = 0, k=None, dim: str = "sample") -> xr.Dataset:
    r"""χ(k) of ``paths`` with known path parameters, for a batch of parameter sets.

    Parameters
    ----------
    paths : xarray.Dataset
        ``feff_paths`` Dataset (FEFF files or :func:`feff_path_example`).
    n, delr, sigma2, s02, de0, c3 : float or array_like (nbatch, npath) or (npath,)
        Coordination number (None: the FEFF degeneracy), ΔR (Å), σ² (Å²), S0², ΔE0 (eV),
        C3 (Å³). A 2-D value makes a batch of ``nbatch`` spectra along ``dim``.
    noise : float
        Standard deviation of white Gaussian noise added to χ(k) (absolute units of χ).
    seed : int
        RNG seed.
    k : array_like, optional
        Uniform k grid (1/Å); default 0–16 Å⁻¹ in steps of 0.05 (limited to the paths' table).
    dim : str
        Name of the batch dim.

    Returns
    -------
    xarray.Dataset
        ``chi(dim, k)`` (1) and the ground truth as coords ``true_n``, ``true_delr``,
        ``true_sigma2``, ``true_s02``, ``true_de0`` on ``(dim, path)``; also in
        ``attrs["ground_truth"]``.

    Examples
    --------
    >>> from characterization.synthetic import exafs_chi, feff_path_example
    >>> ds = exafs_chi(feff_path_example(), sigma2=[[0.004], [0.008]], noise=0.001, seed=1)
    >>> ds.chi.dims
    ('sample', 'k')
    """
    table = PathTable(paths)
    npath = len(table)
    if k is None:
        k = 0.05 * np.arange(int(1.01 + min(16.0, table.kmax()) / 0.05))
    k = np.asarray(k, dtype=float)
    if n is None:
        n = table.degeneracy
    values = {"n": n, "delr": delr, "sigma2": sigma2, "s02": s02, "de0": de0, "c3": c3}
    arrays = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    nbatch = max([a.shape[0] for a in arrays.values() if a.ndim == 2] or [1])
    full = {name: np.broadcast_to(a if a.ndim == 2 else np.broadcast_to(a, (npath,))[None],
                                  (nbatch, npath)).astype(float)
            for name, a in arrays.items()}
    chi = path_chi(table, k, **full)
    rng = np.random.default_rng(seed)
    if noise:
        chi = chi + rng.normal(0.0, noise, chi.shape)
    coords = {"k": ("k", k, {"units": "1/angstrom", "long_name": "Photoelectron wavenumber k"}),
              dim: (dim, np.arange(nbatch), {"units": "1", "long_name": "Spectrum index"}),
              "path": ("path", paths["path"].values if "path" in paths.dims else [1],
                       {"units": "1", "long_name": "Path index"})}
    units = {"n": "1", "delr": "angstrom", "sigma2": "angstrom**2", "s02": "1", "de0": "eV",
             "c3": "angstrom**3"}
    for name, a in full.items():
        coords[f"true_{name}"] = ((dim, "path"), a, {"units": units[name],
                                                     "long_name": f"True {name}"})
    absorber = str(paths.coords.get("absorber", xr.DataArray("X")).values)
    ds = xr.Dataset({"chi": ((dim, "k"), chi, {"units": "1", "long_name": "χ(k)"})},
                    coords=coords)
    ds = ds.assign_coords(absorber=absorber)
    ds.attrs = {"technique": "exafs", "conventions": "characterization-1",
                "ground_truth": {name: a.tolist() for name, a in full.items()}
                | {"noise": noise, "seed": seed}}
    return ds
