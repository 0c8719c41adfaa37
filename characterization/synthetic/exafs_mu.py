r"""Synthetic μ(E) X-ray absorption spectra with exact ground truth (``synthetic.xas_spectra``).

.. math::

    \mu(E) = a + b\,(E - E_0) + \Delta\mu_0\,s(E)\,\bigl[1 + c_1 x + c_2 x^2\bigr]
             \bigl[1 + \chi(k)\bigr], \qquad x = (E - E_0)/1000\ \mathrm{eV},

with an arctan or erf edge :math:`s(E)` of known E0 and step Δμ0, and χ(k) either a given
DataArray or single-scattering shells

.. math::

    \chi(k) = \sum_j \frac{S_0^2 N_j f}{k R_j^2} \sin(2 k R_j)\, e^{-2\sigma_j^2 k^2}
              \,\bigl(1 - e^{-k^2/2}\bigr)

(f = 0.5, no phase shift: a stand-in for a FEFF path, so an FT peaks at R_j). Optional energy
shifts (a monochromator calibration error seen identically in the reference channel), single-
point glitches and Gaussian noise. The ground truth is in ``attrs["ground_truth"]`` and in the
variables ``e0_true``, ``edge_step_true``, ``energy_shift_true``, ``glitch_true``.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..conventions import validate

ETOK = 0.2624682843
#: β-Sn first shells (Sn–Sn 4 × 3.02 Å, 2 × 3.18 Å), σ² in Å².
SN_METAL_SHELLS = ((4.0, 3.02, 0.006), (2.0, 3.18, 0.008))


def xas_grid(e0: float = 29200.0, *, pre=(-200.0, -30.0, 5.0), xanes=(-30.0, 30.0, 0.5),
             k_max: float = 14.0, k_step: float = 0.05) -> np.ndarray:
    """A standard XAFS step-scan grid: coarse pre-edge, fine XANES, constant k steps above."""
    e_pre = np.arange(pre[0], pre[1], pre[2])
    e_xanes = np.arange(xanes[0], xanes[1], xanes[2])
    k_start = math.sqrt(ETOK * xanes[1])
    k = np.arange(k_start, k_max + k_step / 2, k_step)
    return e0 + np.concatenate([e_pre, e_xanes, k ** 2 / ETOK])


def shell_chi(k, shells, *, s02: float = 0.9, f: float = 0.5):
    """χ(k) of single-scattering shells ``[(N, R, sigma2), ...]`` (see the module equation)."""
    k = np.asarray(k, dtype=float)
    kk = np.where(k > 0, k, 1.0)
    chi = np.zeros_like(k)
    for n, r, s2 in shells:
        chi += s02 * n * f / (kk * r * r) * np.sin(2 * kk * r) * np.exp(-2 * s2 * kk * kk)
    return np.where(k > 0, chi * (1 - np.exp(-k * k / 2)), 0.0)


def _edge(x, width, shape):
    if shape == "arctan":
        return 0.5 + np.arctan(x / (width / 2)) / np.pi
    if shape == "erf":
        from scipy.special import erf
        return 0.5 * (1 + erf(x / width))
    raise ValueError(f"edge shape must be 'arctan' or 'erf', got {shape!r}")


def xas_spectra(n_spectra: int = 3, *, edge: str = "Sn K", e0: float = 29200.0,
                edge_step=1.0, energy=None, shells=SN_METAL_SHELLS, chi=None, s02: float = 0.9,
                pre_offset: float = 0.2, pre_slope: float = -2e-4, post_curvature=(-0.15, 0.05),
                edge_shape: str = "arctan", edge_width: float = 3.0, energy_shift=0.0,
                reference: bool = True, glitches: int = 0, glitch_size: float = 0.05,
                noise: float = 0.002, batch: dict | None = None,
                seed: int | None = 0) -> xr.Dataset:
    """μ(E) spectra along ``sample`` (or ``batch``) with known E0, edge step and χ(k).

    Parameters
    ----------
    n_spectra : int
        Number of spectra (ignored when ``batch`` is given).
    edge : str
        Edge label ("Sn K"); the absorber is its first word.
    e0 : float
        True edge energy (eV) before ``energy_shift``; also the tabulated ``edge_energy``.
    edge_step : float or array_like
        Δμ0 per spectrum (or one for all).
    energy : array_like, optional
        Energy grid (eV); default :func:`xas_grid` around ``e0``.
    shells : sequence of (N, R, sigma2), or one such sequence per spectrum
        Scattering shells of χ(k) (ignored when ``chi`` is given).
    chi : xarray.DataArray, optional
        χ(k) on ``k`` (1/angstrom), optionally with the batch dim, used instead of shells.
    s02 : float
        Amplitude reduction factor of the shells.
    pre_offset, pre_slope : float
        Pre-edge line a + b (E − E0).
    post_curvature : (float, float)
        c1, c2 of the post-edge factor (per 1000 eV).
    edge_shape : {"arctan", "erf"}
        Edge step function; erf has no slow tail, so the fitted step equals Δμ0 closely.
    edge_width : float
        Width of the edge (eV).
    energy_shift : float or array_like
        Calibration error per spectrum (eV): features appear at E0 + shift in both μ and the
        reference channel.
    reference : bool
        Add ``mu_reference``: a metal-foil μ(E) with the same shift (for :func:`exafs.align`).
    glitches : int
        Single-point glitches per spectrum (in the EXAFS region), of ``glitch_size`` × Δμ0.
    noise : float
        Standard deviation of Gaussian noise on μ (absolute).
    batch : dict, optional
        Batch dims and coordinates (``{"state": ["pristine", "lithiated"]}``).
    seed : int or None
        RNG seed.

    Returns
    -------
    xarray.Dataset
        ``mu`` (and ``mu_reference``) on ``energy`` (eV), scalar coords ``edge``, ``absorber``,
        ``edge_energy``, ``measurement``; truth variables ``e0_true``, ``edge_step_true``,
        ``energy_shift_true`` and ``glitch_true`` (bool on energy); ``attrs["ground_truth"]``.

    Examples
    --------
    >>> from characterization import synthetic
    >>> ds = synthetic.xas_spectra(2, energy_shift=[0.0, 1.5], seed=1)
    >>> ds.mu.dims, float(ds.e0_true[1])
    (('sample', 'energy'), 29201.5)
    """
    rng = np.random.default_rng(seed)
    if batch is None:
        batch = {"sample": [f"s{i}" for i in range(n_spectra)]}
    dims = tuple(batch)
    shape = tuple(len(v) for v in batch.values())
    nb = int(np.prod(shape))
    energy = xas_grid(e0) if energy is None else np.asarray(energy, dtype=float)
    step = np.broadcast_to(np.asarray(edge_step, float), shape).reshape(nb)
    shift = np.broadcast_to(np.asarray(energy_shift, float), shape).reshape(nb)
    shells = list(shells) if shells is not None else []
    per_spectrum = bool(shells) and isinstance(shells[0][0], (list, tuple))
    if per_spectrum and len(shells) != nb:
        raise ValueError(f"shells: {len(shells)} lists for {nb} spectra")
    mu = np.empty((nb, energy.size))
    mu_ref = np.empty((nb, energy.size))
    glitch = np.zeros((nb, energy.size), bool)
    c1, c2 = post_curvature
    for b in range(nb):
        e0b = e0 + shift[b]
        x = energy - e0b
        k = np.sqrt(ETOK * np.clip(x, 0, None))
        if chi is not None:
            c = chi
            if dims[0] in getattr(c, "dims", ()):
                c = c.isel({dims[0]: b % c.sizes[dims[0]]})
            chi_b = np.interp(k, c["k"].values, c.values, left=0.0, right=0.0)
        else:
            chi_b = shell_chi(k, shells[b] if per_spectrum else shells, s02=s02)
        xm = x / 1000.0
        s = _edge(x, edge_width, edge_shape)
        mu[b] = (pre_offset + pre_slope * x
                 + step[b] * s * (1 + c1 * xm + c2 * xm * xm) * (1 + chi_b))
        ref_chi = shell_chi(k, SN_METAL_SHELLS, s02=s02)
        mu_ref[b] = 0.1 + 1.2 * _edge(x, edge_width, "arctan") * (1 + c1 * xm) * (1 + ref_chi)
        if glitches:
            candidates = np.nonzero(x > 60)[0][2:-2]
            where = rng.choice(candidates, size=min(glitches, candidates.size), replace=False)
            mu[b, where] += glitch_size * step[b] * rng.choice([-1.0, 1.0], size=where.size)
            glitch[b, where] = True
        if noise:
            mu[b] += rng.normal(0.0, noise, energy.size)
            mu_ref[b] += rng.normal(0.0, noise / 2, energy.size)
    absorber = edge.split()[0]
    coords = {d: (d, list(v)) for d, v in batch.items()}
    coords.update(energy=("energy", energy, {"units": "eV", "long_name": "Incident energy"}),
                  edge=((), edge, {"long_name": "Absorption edge"}),
                  absorber=((), absorber, {"long_name": "Absorbing element"}),
                  edge_energy=((), float(e0), {"units": "eV",
                                               "long_name": "Tabulated edge energy"}),
                  measurement=((), "transmission", {"long_name": "Measurement mode"}))
    full = dims + ("energy",)
    data = {
        "mu": (full, mu.reshape(shape + (-1,)), {"units": "1", "long_name": "μ(E)"}),
        "e0_true": (dims, (e0 + shift).reshape(shape),
                    {"units": "eV", "long_name": "True edge energy"}),
        "edge_step_true": (dims, step.reshape(shape),
                           {"units": "1", "long_name": "True edge step"}),
        "energy_shift_true": (dims, shift.reshape(shape),
                              {"units": "eV", "long_name": "True energy shift"}),
        "glitch_true": (full, glitch.reshape(shape + (-1,)), {"long_name": "True glitch points"}),
    }
    if reference:
        data["mu_reference"] = (full, mu_ref.reshape(shape + (-1,)),
                                {"units": "1", "long_name": "Reference-channel μ(E)"})
    ds = xr.Dataset(data, coords=coords, attrs={"technique": "exafs"})
    ds.attrs["ground_truth"] = {
        "e0": (e0 + shift).tolist(), "edge_step": step.tolist(), "energy_shift": shift.tolist(),
        "shells": [list(map(list, s)) for s in shells] if per_spectrum
        else [list(s) for s in shells], "s02": s02, "noise": noise, "edge_shape": edge_shape,
        "edge_width": edge_width}
    return validate(ds, "exafs")
