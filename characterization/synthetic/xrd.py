r"""Synthetic powder XRD patterns of known phases with exact ground truth (size, strain, widths).

Every pattern is ``background + Σ_phases Σ_reflections (Kα1 + Kα2 Voigt lines) + noise`` on a
``two_theta`` axis (deg). Line positions and relative intensities are the reference sticks of
:func:`characterization.xrd.phases.reference_pattern` (pymatgen, Kα1 wavelength); the widths
follow the uniform-deformation Williamson–Hall model plus a Caglioti instrument. Needs pymatgen
(for the sticks) and scipy (Voigt profile), both imported when the function runs.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION, validate
from ..xray_lines import CU_KALPHA1, CU_KALPHA2, KALPHA2_RATIO

__all__ = ["xrd_patterns", "kalpha_patterns"]


def _per_sample_phase(value, n_s, n_p, name):
    """Broadcast a scalar, per-phase, per-sample or (sample, phase) array to (n_s, n_p)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full((n_s, n_p), float(arr))
    if arr.ndim == 1:
        if arr.size == n_p and n_p > 1:             # one per phase (wins a tie)
            return np.broadcast_to(arr[None, :], (n_s, n_p)).copy()
        if arr.size == n_s:
            return np.broadcast_to(arr[:, None], (n_s, n_p)).copy()
        raise ValueError(f"{name} has {arr.size} values for {n_s} samples and {n_p} phases")
    if arr.shape == (n_s, n_p):
        return arr.copy()
    raise ValueError(f"{name} has shape {arr.shape}; expected a scalar, ({n_p},) one per "
                     f"phase, ({n_s},) one per sample or ({n_s}, {n_p})")


def xrd_patterns(phases=("Si",), *, n_samples: int = 1, size_nm=20.0, strain=0.0, weights=None,
                 wavelength: float = 1.540598, wavelength_alpha2: float = 1.544426,
                 alpha2_ratio: float = 0.5, kalpha2: bool = True,
                 instrument=(0.004, -0.002, 0.003), instrument_lorentz=(0.0, 0.0),
                 two_theta=(20.0, 80.0, 0.01), k: float = 0.9, peak_counts: float = 5000.0,
                 background=(100.0,), noise: str | None = "poisson", seed: int = 0,
                 min_intensity: float = 1.0) -> xr.Dataset:
    r"""Seeded powder patterns of crystalline phases with known size, strain and instrument.

    .. math:: y(2\theta) = b(2\theta) + \sum_{p}\sum_{hkl} A_{p,hkl}\left[
              V(2\theta - 2\theta_1; F_G, F_L) + R\,V(2\theta - 2\theta_2; F_G, F_L)\right]

    with :math:`V` the unit-area Voigt profile (:func:`scipy.special.voigt_profile`), the Kα2
    line at :math:`2\theta_2 = 2\arcsin(\lambda_2/\lambda_1\,\sin\theta_1)` with the same widths
    and ``R = alpha2_ratio`` times the area, and the FWHMs (deg)

    .. math:: F_L = \underbrace{\frac{K\lambda}{D\cos\theta}}_\text{size}
              + \underbrace{4\varepsilon\tan\theta}_\text{strain} + X\tan\theta + Y/\cos\theta,
              \qquad F_G = \sqrt{U\tan^2\theta + V\tan\theta + W}

    (size and strain terms in radians converted to degrees; λ and D in the same length unit).
    Size and strain broadening are both taken as **Lorentzian and added linearly**, i.e. the
    uniform-deformation Williamson–Hall model, so the Scherrer equation applied to the sample
    Lorentzian width of a strain-free pattern returns ``size_nm`` exactly; the instrument has
    a Gaussian (Caglioti) and an optional Lorentzian part. The sample itself has no Gaussian
    broadening.

    Parameters
    ----------
    phases : sequence of str, Structure or CIF path
        Phases (see :func:`characterization.xrd.phases.reference_pattern`).
    n_samples : int
        Number of patterns along ``sample``.
    size_nm, strain : float or array
        Crystallite size D (nm; ``inf`` for none) and microstrain ε: a scalar, one per phase
        ``(n_phases,)``, one per sample ``(n_samples,)`` or ``(n_samples, n_phases)``. A 1-D
        array whose length equals both the number of phases and of samples is per phase.
    weights : float or array, optional
        Scale factor of each phase (same shapes as ``size_nm``); default 1.
    wavelength, wavelength_alpha2, alpha2_ratio : float
        Kα1, Kα2 (Å) and the Kα2/Kα1 area ratio (Cu, Hölzer et al. 1997).
    kalpha2 : bool
        Add the Kα2 lines.
    instrument : (U, V, W)
        Caglioti parameters of the Gaussian instrument FWHM (deg²).
    instrument_lorentz : (X, Y)
        Lorentzian instrument FWHM ``X tanθ + Y/cosθ`` (deg).
    two_theta : (start, stop, step)
        Scan axis in degrees (stop excluded, as :func:`numpy.arange`).
    k : float
        Scherrer constant used for the size broadening.
    peak_counts : float
        Integrated intensity (count × deg) of the Kα1 line of the strongest reflection of a
        phase of weight 1; line ``j`` has area ``peak_counts × weight × I_j / 100``.
    background : sequence of float or callable
        Polynomial coefficients ``c0, c1, ...`` of ``Σ c_i (2θ − 2θ_mid)^i`` (2θ_mid the
        middle of the scan), or a callable ``f(two_theta) -> array`` of shape ``(n,)`` or
        ``(n_samples, n)``.
    noise : {"poisson", None}
        Poisson counting noise (seeded) or none (exact expected counts).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    min_intensity : float
        Reference lines weaker than this (%) are left out.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (count) on dims ``(sample, two_theta)`` with coords ``two_theta`` (deg),
        ``sample`` and scalar ``wavelength``, ``wavelength_alpha2``, ``alpha2_ratio``,
        ``radiation``, like a reader's output; ``attrs["technique"] = "xrd"``.
        ``attrs["ground_truth"]`` is a dict: ``phases`` (names), ``size_nm``, ``strain``,
        ``weights`` (arrays ``(n_samples, n_phases)``), ``instrument`` (U, V, W, X, Y), ``k``,
        ``wavelength``, ``wavelength_alpha2``, ``alpha2_ratio``, ``peak_counts`` and
        ``reflections``: per phase a dict with ``hkl``, ``label``, ``two_theta`` (Kα1),
        ``two_theta_alpha2``, ``relative_intensity`` (per reflection) and, shaped
        ``(n_samples, n_reflections)``, ``fwhm_lorentz_sample``, ``fwhm_gauss_sample`` (0),
        ``fwhm_lorentz_instrument``, ``fwhm_gauss_instrument``, ``fwhm_lorentz``,
        ``fwhm_gauss``, ``fwhm`` (exact total Voigt FWHM) in deg and ``area`` (Kα1,
        count × deg).

    Notes
    -----
    No absorption, preferred orientation, specimen displacement, axial divergence asymmetry,
    Kβ or fluorescence; the Kα2 line is given the Kα1 widths (the tiny dispersion difference is
    neglected). Reflections within 5° outside the scan are included so their tails are right.

    References
    ----------
    P. Scherrer (1918); G. K. Williamson, W. H. Hall, Acta Metall. 1 (1953) 22;
    G. Caglioti, A. Paoletti, F. P. Ricci, Nucl. Instrum. 3 (1958) 223;
    G. Hölzer et al., Phys. Rev. A 56 (1997) 4554.

    Examples
    --------
    >>> ds = xrd_patterns(("Si",), n_samples=2, size_nm=[20.0, 40.0], seed=1)
    >>> ds.intensity.dims, ds.attrs["ground_truth"]["reflections"]["Si"]["hkl"][:2]
    (('sample', 'two_theta'), ['111', '220'])
    """
    from scipy.special import voigt_profile

    from ..fit.lineshapes import get_lineshape
    from ..xrd.phases import reference_pattern

    if isinstance(phases, str) or not isinstance(phases, (list, tuple)):
        phases = [phases]
    n_s, n_p = int(n_samples), len(phases)
    if n_s < 1 or n_p < 1:
        raise ValueError("need at least one sample and one phase")
    if noise not in ("poisson", None):
        raise ValueError(f"noise must be 'poisson' or None, got {noise!r}")
    start, stop, step = (float(v) for v in two_theta)
    x = np.round(np.arange(start, stop, step), 10)
    if x.size < 10:
        raise ValueError(f"two_theta={two_theta} gives only {x.size} points")
    size = _per_sample_phase(size_nm, n_s, n_p, "size_nm")
    eps = _per_sample_phase(strain, n_s, n_p, "strain")
    w = _per_sample_phase(1.0 if weights is None else weights, n_s, n_p, "weights")
    if np.any(size <= 0) or np.any(eps < 0) or np.any(w < 0):
        raise ValueError("size_nm must be > 0, strain and weights >= 0")
    U, V, W = (float(v) for v in instrument)
    X, Y = (float(v) for v in instrument_lorentz)

    ref = reference_pattern(list(phases), wavelength=wavelength, min_intensity=min_intensity,
                            range=(max(0.5, start - 5.0), min(179.0, stop + 5.0)))
    voigt = get_lineshape("voigt")
    lam_nm = wavelength / 10.0
    y = np.zeros((n_s, x.size))
    reflections = {}
    for p, name in enumerate(ref["phase"].values):
        row = ref.sel(phase=name)
        ok = np.isfinite(row["two_theta"].values)
        tt = row["two_theta"].values[ok]
        rel = row["intensity"].values[ok]
        theta = np.deg2rad(tt) / 2.0
        tan, cos = np.tan(theta), np.cos(theta)
        with np.errstate(divide="ignore"):
            f_size = np.rad2deg(k * lam_nm / (size[:, p:p + 1] * cos[None, :]))
        f_strain = np.rad2deg(4.0 * eps[:, p:p + 1] * tan[None, :])
        f_l_sample = f_size + f_strain
        g2 = U * tan ** 2 + V * tan + W
        if np.any(g2 < 0):
            raise ValueError(f"Caglioti U, V, W = {instrument} give a negative H² at "
                             f"2θ = {tt[g2 < 0].round(2).tolist()}")
        f_g_inst = np.broadcast_to(np.sqrt(g2), f_l_sample.shape)
        f_l_inst = np.broadcast_to(X * tan + Y / cos, f_l_sample.shape)
        f_l = f_l_sample + f_l_inst
        f_g = f_g_inst
        fwhm = voigt.fwhm([f_g, f_l])
        area = peak_counts * w[:, p:p + 1] * rel[None, :] / 100.0
        s2 = np.clip(wavelength_alpha2 / wavelength * np.sin(theta), -1.0, 1.0)
        tt2 = 2.0 * np.rad2deg(np.arcsin(s2))
        sigma = f_g / np.sqrt(8.0 * np.log(2.0))
        gamma = f_l / 2.0
        for j in range(tt.size):
            sg, gm, a = sigma[:, j:j + 1], gamma[:, j:j + 1], area[:, j:j + 1]
            y += a * voigt_profile(x[None, :] - tt[j], sg, gm)
            if kalpha2:
                y += alpha2_ratio * a * voigt_profile(x[None, :] - tt2[j], sg, gm)
        reflections[str(name)] = {
            "hkl": [str(h) for h in row["hkl"].values[ok]],
            "label": [str(h) for h in row["label"].values[ok]],
            "two_theta": tt, "two_theta_alpha2": tt2, "relative_intensity": rel,
            "fwhm_lorentz_sample": f_l_sample, "fwhm_gauss_sample": np.zeros_like(f_l_sample),
            "fwhm_lorentz_instrument": np.array(f_l_inst),
            "fwhm_gauss_instrument": np.array(f_g_inst),
            "fwhm_lorentz": f_l, "fwhm_gauss": np.array(f_g), "fwhm": np.asarray(fwhm),
            "area": area}
    if callable(background):
        bg = np.broadcast_to(np.asarray(background(x), dtype=float), (n_s, x.size))
    else:
        coeffs = np.atleast_1d(np.asarray(background, dtype=float))
        mid = 0.5 * (x[0] + x[-1])
        bg = np.broadcast_to(np.polynomial.polynomial.polyval(x - mid, coeffs), (n_s, x.size))
    expected = y + bg
    if np.any(expected < 0):
        raise ValueError("the background makes expected counts negative")
    rng = np.random.default_rng(seed)
    counts = rng.poisson(expected).astype(float) if noise == "poisson" else expected.copy()

    names = [str(n) for n in ref["phase"].values]
    truth = {"phases": names, "size_nm": size, "strain": eps, "weights": w,
             "instrument": {"U": U, "V": V, "W": W, "X": X, "Y": Y}, "k": float(k),
             "wavelength": float(wavelength), "wavelength_alpha2": float(wavelength_alpha2),
             "alpha2_ratio": float(alpha2_ratio), "kalpha2": bool(kalpha2),
             "peak_counts": float(peak_counts), "reflections": reflections}
    ds = xr.Dataset(
        {"intensity": (("sample", "two_theta"), counts,
                       {"units": "count", "long_name": "Intensity"})},
        coords={"sample": ("sample", [f"xrd{i:04d}" for i in range(n_s)],
                           {"units": "", "long_name": "Sample"}),
                "two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"}),
                "wavelength": ((), float(wavelength), {"units": "angstrom",
                                                       "long_name": "Wavelength Kα1"}),
                "wavelength_alpha2": ((), float(wavelength_alpha2),
                                      {"units": "angstrom", "long_name": "Wavelength Kα2"}),
                "alpha2_ratio": ((), float(alpha2_ratio),
                                 {"units": "1", "long_name": "Kα2/Kα1 intensity ratio"}),
                "radiation": ((), "Cu" if abs(wavelength - CU_KALPHA1) < 1e-4 else "synthetic",
                              {"long_name": "Radiation (anode)"})},
        attrs={"technique": "xrd", "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.xrd_patterns",
               "original_metadata": json.dumps({
                   "generator": "xrd_patterns", "seed": seed, "phases": names,
                   "noise": noise, "kalpha2": bool(kalpha2), "two_theta": [start, stop, step],
                   "background": "callable" if callable(background)
                   else np.atleast_1d(background).tolist()}),
               "ground_truth": truth})
    return validate(ds, "xrd")


def kalpha_patterns(n_sample: int = 3, seed: int = 0, centers=(28.44, 47.30, 56.12),
                    fwhm=(0.12, 0.14, 0.16), area=(40.0, 25.0, 15.0), eta: float = 0.5,
                    background: float = 20.0, noise: bool = True, shape: str = "pseudo_voigt",
                    shape_params=None, x=None) -> xr.Dataset:
    r"""Seeded Cu Kα1/Kα2 doublet patterns ``(sample, two_theta)`` of chosen line profiles.

    .. math:: y(2\theta) = b + \sum_j 100\,a_j\,\bigl[p(2\theta - 2\theta_{1j})
              + R\,p(2\theta - 2\theta_{2j})\bigr], \qquad
              2\theta_{2j} = 2\arcsin\bigl(\tfrac{\lambda_2}{\lambda_1}\sin\theta_{1j}\bigr)

    with ``p`` the unit-area profile ``shape`` (any single-line shape of
    :mod:`characterization.fit.lineshapes` that has a Kα doublet), Cu Kα1/Kα2 wavelengths of
    :mod:`characterization.xray_lines` and ``R = 0.5``. Unlike :func:`xrd_patterns` the lines
    are free (positions, widths, areas given directly), which is what peak-fitting tests need.

    Parameters
    ----------
    n_sample : int
        Number of patterns; width parameters grow by 5 % per sample.
    seed : int
        Seed of the Poisson noise.
    centers, fwhm, area : sequence of float
        Kα1 positions (deg), FWHMs (deg) and Kα1 areas / 100 (count·deg) of the lines.
    eta : float
        Lorentzian fraction (pseudo-Voigt).
    background : float
        Flat background (counts).
    noise : bool
        Poisson noise on the expected counts.
    shape : str
        Line shape name (``"pseudo_voigt"``, ``"voigt"``, ``"pearson7"`` ...).
    shape_params : dict, optional
        Shape parameters by name (scalar or one per line); default ``fwhm`` (and ``eta``).
    x : array_like, optional
        2θ axis (deg); default 25–60° in 0.01° steps.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (count) on ``(sample, two_theta)``, coords ``wavelength``,
        ``wavelength_alpha2``, ``alpha2_ratio``; ``attrs["technique"] = "xrd"``.

    Examples
    --------
    >>> kalpha_patterns(n_sample=2).intensity.dims
    ('sample', 'two_theta')
    """
    from ..fit import get_lineshape

    rng = np.random.default_rng(seed)
    x = np.round(np.arange(25.0, 60.0, 0.01), 6) if x is None else np.asarray(x, dtype=float)
    doublet = get_lineshape("kalpha_" + shape)
    if shape_params is None:
        shape_params = {"fwhm": fwhm, "eta": eta} if shape in ("pseudo_voigt",) else {
            "fwhm": fwhm}
    k = CU_KALPHA2 / CU_KALPHA1
    y = np.full((n_sample, x.size), float(background))
    scale = 1.0 + 0.05 * np.arange(n_sample)[:, None]
    for j, (c, a) in enumerate(zip(centers, area)):
        theta = []
        for sp in doublet.single.shape_params:
            v = np.broadcast_to(np.asarray(shape_params[sp.name], dtype=float),
                                (len(centers),))[j]
            theta.append(np.full((n_sample, 1), v) * (scale if sp.kind == "width" else 1.0))
        theta += [np.full((n_sample, 1), k), np.full((n_sample, 1), KALPHA2_RATIO)]
        y += doublet.evaluate(x, np.full((n_sample, 1), a * 100.0), np.full((n_sample, 1), c),
                              theta)
    if noise:
        y = rng.poisson(y).astype(float)
    return xr.Dataset(
        {"intensity": (("sample", "two_theta"), y, {"units": "count", "long_name": "Intensity"})},
        coords={"sample": [f"s{i}" for i in range(n_sample)],
                "two_theta": ("two_theta", x, {"units": "deg", "long_name": "2θ"}),
                "wavelength": ((), CU_KALPHA1, {"units": "angstrom",
                                                "long_name": "Wavelength Kα1"}),
                "wavelength_alpha2": ((), CU_KALPHA2, {"units": "angstrom",
                                                       "long_name": "Wavelength Kα2"}),
                "alpha2_ratio": ((), KALPHA2_RATIO, {"units": "1",
                                                     "long_name": "Kα2/Kα1 intensity ratio"})},
        attrs={"technique": "xrd"})
