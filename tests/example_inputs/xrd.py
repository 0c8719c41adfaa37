"""Example inputs of the public XRD functions (contract and vocabulary tests, docs).

Each entry returns ``(Dataset, kwargs)``: a small seeded synthetic input with a ``sample`` batch
dim and the keyword arguments of a meaningful call.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from characterization.synthetic import kalpha_patterns, xrd_patterns
from characterization.xrd import displacement_shift, peak_table

#: ≈ Si 111 ... 533 at Cu Kα1 (deg)
SI_LINES = np.array([28.4427, 47.3024, 56.1227, 69.1300, 76.3765, 88.0280, 94.9516, 106.7098,
                     114.0899, 127.5456, 136.8955])


def size_table(sizes_nm, strain=0.0, k=0.9, wavelength=1.5406, eta=0.5, seed=0):
    """Peak table of Si-like lines broadened by the given sizes (nm) and strain, 1 % noise."""
    two_theta = np.array([28.44, 47.30, 56.12, 69.13, 76.38])
    theta = np.deg2rad(two_theta) / 2
    sizes = np.asarray(sizes_nm, dtype=float)[:, None]
    beta = k * wavelength / 10 / (sizes * np.cos(theta)) + 4 * strain * np.tan(theta)
    fwhm = np.rad2deg(beta)
    rng = np.random.default_rng(seed)
    fwhm = fwhm * (1 + 0.01 * rng.standard_normal(fwhm.shape))
    ds = peak_table(np.broadcast_to(two_theta, fwhm.shape), fwhm, eta=eta,
                    fwhm_stderr=0.01 * fwhm, center_stderr=0.002, wavelength=wavelength)
    return ds.assign_coords(sample=("sample", [f"s{i}" for i in range(fwhm.shape[0])]))


def _pattern():
    return kalpha_patterns(n_sample=3, seed=3)


def _background():
    ds = kalpha_patterns(n_sample=3, seed=1, background=0.0, noise=False)
    x = ds.two_theta.values
    bkg = 40.0 + 300.0 * np.exp(-(x - 25.0) / 8.0)
    ds["intensity"] = (ds.intensity + bkg).assign_attrs(units="count", long_name="Intensity")
    return ds, {"method": "snip", "max_half_window": 1.0}


def _caglioti():
    rng = np.random.default_rng(0)
    two_theta = np.array([21.36, 30.39, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85])
    uvw = np.array([[0.004, -0.002, 0.0025], [0.006, -0.003, 0.003], [0.003, -0.001, 0.002]])
    t = np.tan(np.deg2rad(two_theta) / 2)
    h = np.sqrt(uvw[:, :1] * t ** 2 + uvw[:, 1:2] * t + uvw[:, 2:])
    h = h * (1 + 0.005 * rng.standard_normal(h.shape))
    ds = peak_table(np.broadcast_to(two_theta, h.shape), h, fwhm_stderr=0.005 * h)
    ds = ds.assign_coords(sample=("sample", ["LaB6-a", "LaB6-b", "LaB6-c"]))
    return ds, {}


def _fit_two_theta_correction():
    rng = np.random.default_rng(4)
    z = np.array([0.02, -0.01, 0.005])[:, None]
    s = np.array([0.05, 0.12, -0.08])[:, None]
    obs = SI_LINES + z + displacement_shift(SI_LINES, s, 240.0) \
        + 0.001 * rng.standard_normal((3, SI_LINES.size))
    ds = peak_table(obs, np.full(obs.shape, 0.08), center_stderr=np.full(obs.shape, 0.001),
                    wavelength=1.540598, hkl=["111", "220", "311", "400", "331", "422", "511",
                                              "440", "531", "620", "533"])
    ds = ds.assign_coords(sample=("sample", ["a", "b", "c"]))
    return ds, {"reference": SI_LINES, "radius": 240.0}


def _phase_check():
    ds = xrd_patterns(("Si", "CoSi2"), n_samples=3, weights=[[1.0, 0.6], [1.0, 0.3], [1.0, 0.0]],
                      two_theta=(25.0, 60.0, 0.02), size_nm=40.0, peak_counts=400.0, seed=1)
    return ds, {"phases": ["Si", "CoSi2", "graphite"]}


INSTRUMENT = xr.Dataset({"U": 0.004, "V": -0.002, "W": 0.0025})

EXAMPLES = {
    "xrd.add_axis_coords": lambda: (_pattern(), {}),
    "xrd.convert_wavelength": lambda: (_pattern(), {"wavelength": 0.7093}),
    "xrd.correct_two_theta": lambda: (_pattern(), {"zero_shift": 0.02, "displacement": 0.1,
                                                   "radius": 240.0}),
    "xrd.fit_two_theta_correction": _fit_two_theta_correction,
    "xrd.subtract_background": _background,
    "xrd.strip_kalpha2": lambda: (kalpha_patterns(n_sample=3, seed=2), {}),
    "xrd.caglioti": _caglioti,
    "xrd.scherrer": lambda: (size_table([10.9, 6.4, 25.0]),
                             {"k": 0.9, "instrument": 0.05, "correction": "gaussian"}),
    "xrd.williamson_hall": lambda: (size_table([20.0, 40.0, 60.0], strain=1e-3),
                                    {"instrument": INSTRUMENT}),
    "xrd.size_strain_plot": lambda: (size_table([20.0, 40.0, 60.0], strain=1e-3),
                                     {"instrument": INSTRUMENT}),
    "xrd.fit_pattern": lambda: (kalpha_patterns(), {"peaks": [28.44, 47.30, 56.12]}),
    "xrd.phase_check": _phase_check,
}
