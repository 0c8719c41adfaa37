"""Example inputs of the nanoindentation Oliver–Pharr, CSM and grid functions.

Synthetic Berkovich indents (``characterization.synthetic.indentation_curves``) with a batch dim
``indent``; one indent has a pop-in so the batch is NaN-padded like a multi-test file.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from characterization.synthetic import indentation_curves


def _indents(**kwargs):
    options = dict(loading_time=6.0, hold_time=2.0, unloading_time=3.0, sampling_rate=20.0,
                   popin_load=[np.nan, 20.0, np.nan, np.nan], noise_load=0.005,
                   noise_displacement=0.05, seed=4)
    options.update(kwargs)
    return indentation_curves(4, **options)


def csm_indents(n: int = 3, *, hardness=9.0, reduced_modulus=69.6, seed: int = 0,
                noise: float = 0.0) -> xr.Dataset:
    """CSM loading curves of an ideal Berkovich contact with exact H and E_r (beta = 1).

    On a contact-depth grid: A = 24.5 h_c², P = H A, S = 2/sqrt(pi) E_r sqrt(A),
    h = h_c + 0.75 P/S; ``noise`` is a relative Gaussian error on S (fixed seed).
    """
    rng = np.random.default_rng(seed)
    h_c = np.linspace(5.0, 400.0, 80)
    a = 24.5 * h_c ** 2                                     # nm²
    p = hardness * a * 1e-6                                 # mN
    s = 2 / np.sqrt(np.pi) * reduced_modulus * np.sqrt(a)  # N/m
    h = h_c + 0.75 * p / (s * 1e-6)
    stiff = s * (1 + noise * rng.standard_normal((n, h_c.size)))
    pts = ("indent", "point")
    return xr.Dataset(
        {"load": (pts, np.tile(p, (n, 1)), {"units": "mN"}),
         "displacement": (pts, np.tile(h, (n, 1)), {"units": "nm"}),
         "stiffness": (pts, stiff, {"units": "N/m"})},
        coords={"indent": ("indent", np.arange(n), {"units": "1"}), "segment": ("point", np.full(h_c.size, "loading")),
                "sample_poisson_ratio": 0.17},
        attrs={"technique": "nanoindent", "area_coefficients": [24.5]})


def _csm_profile():
    return csm_indents(3, noise=0.01), {"depth_range": (100.0, 200.0)}


def _oliver_pharr():
    return _indents(), {"tip": "berkovich", "unloading_range": (0.5, 1.0)}


def grid_results(n_side: int = 4, *, seed: int = 0, outlier: int | None = 5):
    """Per-indent Oliver–Pharr + energy results of a synthetic n x n grid (10 µm pitch)."""
    import characterization.nanoindent as ni

    import xarray as xr

    n = n_side * n_side
    options = dict(loading_time=4.0, hold_time=1.0, unloading_time=2.0, noise_load=0.002,
                   variation=0.03)
    ds = indentation_curves(n, seed=seed, **options)
    if outlier is not None:                     # one indent in a much harder phase
        hard = indentation_curves(1, hardness=12.0, seed=seed + 1, **options)
        ds = xr.concat([ds.isel(indent=slice(0, outlier)), hard,
                        ds.isel(indent=slice(outlier + 1, None))], "indent",
                       data_vars="all", coords="different", compat="equals",
                       join="outer", combine_attrs="drop_conflicts")
        ds = ds.assign_coords(indent=("indent", np.arange(n), {"units": "1"}))
    op = ni.oliver_pharr(ds)
    en = ni.energies(ds)
    res = op.merge(en[["elastic_fraction", "plastic_work"]], compat="override")
    pitch = 10.0
    xs, ys = np.meshgrid(np.arange(n_side) * pitch, np.arange(n_side) * pitch)
    return res.assign_coords(x=("indent", xs.ravel() + 0.1, {"units": "µm"}),
                             y=("indent", ys.ravel() - 0.1, {"units": "µm"}))


def _grid_map():
    return grid_results(3, outlier=4), {"threshold": 3.5}


EXAMPLES = {
    "nanoindent.grid_map": _grid_map,
    "nanoindent.csm_profile": _csm_profile,
    "nanoindent.oliver_pharr": _oliver_pharr,
}
