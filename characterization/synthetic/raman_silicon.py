"""Synthetic Raman spectra of silicon with exact ground truth: c-Si line, a-Si band, confinement.

Every spectrum is ``background + crystalline line + optional amorphous band + noise`` on a
``raman_shift`` axis (1/cm). The crystalline line is either an analytic shape of
:mod:`characterization.fit.lineshapes` with a known position and FWHM, or the
phonon-confinement line of a sphere of diameter ``size`` computed with
:func:`characterization.raman.confinement.confinement_line_shape` (its position and FWHM are
then those of the model, recorded in the ground truth). Spectra come as a batch (``sample``)
or as a map (``y``, ``x``).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION, TABLE, validate

_VOIGT_RATIO = 0.5346 + np.sqrt(0.2166 + 1.0)    # total FWHM of a Voigt with F_G = F_L


def _per_spectrum(value, n, name):
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    arr = arr.ravel()
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} values for {n} spectra")
    return arr.copy()


def _analytic_line(x, shape, height, position, fwhm, asymmetry):
    """Analytic crystalline line (unit conventions of the fit line shapes), area and FWHM."""
    from ..fit.lineshapes import get_lineshape

    ls = get_lineshape(shape)
    names = [p.name for p in ls.shape_params]
    cols = []
    for p in ls.shape_params:
        if p.name == "fwhm":
            cols.append(fwhm)
        elif p.name in ("fwhm_g", "fwhm_l"):
            cols.append(fwhm / _VOIGT_RATIO)
        elif p.name == "fwhm_left":
            cols.append(2.0 * fwhm * asymmetry / (1.0 + asymmetry))
        elif p.name == "fwhm_right":
            cols.append(2.0 * fwhm / (1.0 + asymmetry))
        elif p.default is not None:
            cols.append(np.full_like(fwhm, p.default))
        else:
            raise ValueError(f"shape {shape!r} has parameter {p.name!r} without a default")
    cols = [c[:, None] for c in cols]
    y = ls.evaluate(x, height[:, None], position[:, None], cols, "height")
    derived = ls.derived(height[:, None], position[:, None], cols, "height")
    if not set(names) & {"fwhm_left", "fwhm_right"}:
        asymmetry = np.ones_like(fwhm)
    return y, derived["area"][:, 0], derived["fwhm"][:, 0], derived["center"][:, 0], asymmetry


def _confined_line(x, height, bulk, sizes, model):
    from ..raman.confinement import confinement_curve, confinement_line_shape

    y = np.empty((height.size, x.size))
    fine = np.linspace(-400.0, 100.0, 20001)
    area = np.empty(height.size)
    for d in np.unique(sizes):
        rows = np.flatnonzero(sizes == d)
        unit_area = np.trapezoid(confinement_line_shape(fine, d, bulk_position=0.0, **model),
                                 fine)
        y[rows] = height[rows, None] * confinement_line_shape(
            x, d, bulk_position=bulk[rows, None], **model)
        area[rows] = height[rows] * unit_area
    unique, index = np.unique(sizes, return_inverse=True)
    curve = confinement_curve(unique, **model)
    shift = curve["peak_shift"].values[index]
    return (y, area, curve.fwhm.values[index], bulk + shift, curve.asymmetry.values[index],
            shift)


def silicon_spectra(n_spectra: int = 8, *, map_shape: tuple[int, int] | None = None,
                    position=520.7, fwhm=3.5, shape: str = "voigt", asymmetry=1.0,
                    height: float = 1000.0, amorphous: bool | float = False,
                    amorphous_height: float = 0.3, amorphous_center: float = 480.0,
                    amorphous_fwhm: float = 70.0, size=None, alpha: float | None = None,
                    dispersion: str = "paillard", gamma0: float = 3.5,
                    noise: float | None = None, background: str = "linear", jitter: float = 0.0,
                    seed: int = 0, n_points: int = 441, x_range=(400.0, 620.0),
                    laser_wavelength: float = 514.5) -> xr.Dataset:
    r"""Seeded Si Raman spectra (batch or map) with known position, width, a-Si and size.

    .. math:: y(\omega) = b_0 + b_1(\omega - \omega_\mathrm{lo}) + H\,p_c(\omega)
              + [\text{a-Si}]\;r_a H\,e^{-4\ln2\,(\omega - \omega_a)^2/F_a^2}
              + \varepsilon, \qquad \varepsilon \sim N(0, \sigma^2)

    with :math:`p_c` the crystalline line of unit height: an analytic shape centred at
    ``position`` with total FWHM ``fwhm`` (Voigt: equal Gaussian and Lorentzian widths; split
    shapes: ``asymmetry`` = F_left/F_right), or, with ``size``, the phonon-confinement line of
    a sphere of that diameter whose ω(q=0) is ``position``.

    Parameters
    ----------
    n_spectra : int
        Number of spectra along ``sample`` (ignored when ``map_shape`` is given).
    map_shape : (int, int), optional
        Make a map with dims ``(y, x)`` (coordinates in µm, 1 µm steps) instead.
    position, fwhm, asymmetry : float or array (one per spectrum)
        Crystalline line position (1/cm; the bulk ω(0) when ``size`` is given), FWHM (1/cm)
        and, for split shapes, F_left/F_right.
    shape : str
        Line shape of the crystalline line (a name of :mod:`characterization.fit.lineshapes`).
    height : float
        Mean crystalline peak height (counts).
    amorphous : bool or float
        a-Si band in every spectrum (True), none (False) or in each spectrum with this
        probability (seeded).
    amorphous_height, amorphous_center, amorphous_fwhm : float
        a-Si Gaussian band: height relative to the crystalline height, centre and FWHM (1/cm).
    size : float or array, optional
        Crystal diameter (nm) for a phonon-confinement line (``alpha`` default 8π²,
        ``dispersion``, ``gamma0`` as in :func:`~characterization.raman.confinement_size`).
    noise : float, optional
        Standard deviation of the Gaussian noise (counts); default 1 % of ``height``.
    background : {"linear", "constant", "none"}
    jitter : float
        Relative per-spectrum variation: heights and widths x U(1 - jitter, 1 + jitter),
        positions + N(0, (jitter x fwhm)^2).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    n_points, x_range : int, (float, float)
        Evenly spaced Raman-shift axis.
    laser_wavelength : float
        Scalar coordinate (nm).

    Returns
    -------
    xarray.Dataset
        ``intensity`` (count) on ``raman_shift`` (1/cm) with dims ``(sample, raman_shift)`` or
        ``(y, x, raman_shift)``. ``attrs["ground_truth"]`` is a dict of arrays shaped like the
        batch dims: ``position`` (maximum of the crystalline line), ``fwhm``, ``asymmetry``
        (low/high half-width ratio), ``height``, ``crystalline_area``, ``amorphous``
        (bool), ``amorphous_area``, ``amorphous_center``, ``amorphous_fwhm``, ``size`` (nm or
        NaN), ``model_shift`` (PCM shift from ω(0) or 0), ``bulk_position``, ``noise``.

    Examples
    --------
    >>> ds = silicon_spectra(4, amorphous=True, seed=1)
    >>> ds.intensity.dims, sorted(ds.attrs["ground_truth"])[:3]
    (('sample', 'raman_shift'), ['amorphous', 'amorphous_area', 'amorphous_center'])
    """
    if background not in ("linear", "constant", "none"):
        raise ValueError(f"background must be 'linear', 'constant' or 'none', got {background!r}")
    if not 0 <= jitter < 1:
        raise ValueError(f"jitter must be in [0, 1), got {jitter}")
    batch_shape = tuple(int(v) for v in map_shape) if map_shape is not None else (int(n_spectra),)
    n = int(np.prod(batch_shape))
    if n < 1 or int(n_points) < 10:
        raise ValueError("need at least one spectrum and 10 points")
    rng = np.random.default_rng(seed)
    x = np.linspace(float(x_range[0]), float(x_range[1]), int(n_points))
    heights = height * rng.uniform(1 - jitter, 1 + jitter, n)
    widths = _per_spectrum(fwhm, n, "fwhm") * rng.uniform(1 - jitter, 1 + jitter, n)
    bulk = _per_spectrum(position, n, "position") + rng.normal(0.0, 1.0, n) * jitter * widths
    asym = _per_spectrum(asymmetry, n, "asymmetry")

    if size is None:
        y, c_area, c_fwhm, c_pos, c_asym = _analytic_line(x, shape, heights, bulk, widths, asym)
        sizes, model_shift = np.full(n, np.nan), np.zeros(n)
    else:
        sizes = _per_spectrum(size, n, "size")
        model = {"alpha": 8.0 * np.pi ** 2 if alpha is None else float(alpha),
                 "dispersion": dispersion, "gamma0": float(gamma0)}
        y, c_area, c_fwhm, c_pos, c_asym, model_shift = _confined_line(x, heights, bulk,
                                                                       sizes, model)
    if isinstance(amorphous, (bool, np.bool_)):
        has_a = np.full(n, bool(amorphous))
    else:
        has_a = rng.uniform(0.0, 1.0, n) < float(amorphous)
    a_height = np.where(has_a, amorphous_height * heights, 0.0)
    a_center = np.full(n, float(amorphous_center))
    a_fwhm = np.full(n, float(amorphous_fwhm))
    y = y + a_height[:, None] * np.exp(-4 * np.log(2) * (x - a_center[:, None]) ** 2
                                       / a_fwhm[:, None] ** 2)
    a_area = a_height * a_fwhm * np.sqrt(np.pi / (4 * np.log(2)))
    if background != "none":
        c0 = 0.05 * height * rng.uniform(0.5, 1.5, n)
        slope = c0 * rng.uniform(-0.3, 0.3, n) / (x[-1] - x[0]) if background == "linear" \
            else np.zeros(n)
        y = y + c0[:, None] + slope[:, None] * (x - x[0])
    sigma = 0.01 * height if noise is None else float(noise)
    if sigma > 0:
        y = y + rng.normal(0.0, sigma, y.shape)

    truth = {"position": c_pos, "fwhm": c_fwhm, "asymmetry": c_asym, "height": heights,
             "crystalline_area": c_area, "amorphous": has_a, "amorphous_area": a_area,
             "amorphous_center": np.where(has_a, a_center, np.nan),
             "amorphous_fwhm": np.where(has_a, a_fwhm, np.nan), "size": sizes,
             "model_shift": model_shift, "bulk_position": bulk, "noise": np.full(n, sigma)}
    truth = {k: np.asarray(v).reshape(batch_shape) for k, v in truth.items()}

    conv = TABLE["raman"]
    sig, main = conv.signal, conv.main
    coords = {sig.name: (sig.name, x, {"units": sig.units, "long_name": sig.long_name}),
              "laser_wavelength": ((), float(laser_wavelength),
                                   {"units": "nm", "long_name": "Laser wavelength"})}
    if map_shape is None:
        dims = ("sample", sig.name)
        coords["sample"] = ("sample", [f"Si{i:04d}" for i in range(n)],
                            {"units": "", "long_name": "Sample"})
    else:
        dims = ("y", "x", sig.name)
        for d, m in zip(("y", "x"), batch_shape):
            coords[d] = (d, np.arange(m, dtype=float), {"units": "um", "long_name": f"Stage {d}"})
    ds = xr.Dataset(
        {main.name: (dims, y.reshape(*batch_shape, x.size),
                     {"units": main.units, "long_name": main.long_name})},
        coords=coords,
        attrs={"technique": "raman", "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.silicon_spectra",
               "original_metadata": json.dumps({
                   "generator": "silicon_spectra", "seed": seed, "shape": shape,
                   "size": None if size is None else np.atleast_1d(size).tolist(),
                   "alpha": alpha, "dispersion": dispersion, "gamma0": gamma0,
                   "noise": sigma, "background": background, "jitter": jitter}),
               "ground_truth": truth})
    return validate(ds, "raman")


def si_reference_spectra(n_spectra: int, seed: int, shifts, *, step: float = 1.0,
                         fwhm: float = 3.5, height: float = 4000.0,
                         noise: float = 20.0) -> xr.Dataset:
    r"""Seeded spectra of a Si calibration wafer whose band is measured at ``520.7 + shift``.

    .. math:: y(\omega) = 300 + \frac{H}{1 + \bigl(2(\omega - 520.7 - s)/F\bigr)^2}
              + \varepsilon, \qquad \varepsilon \sim N(0, \sigma^2)

    on 440–600 cm⁻¹ with channel ``step``: the input of
    :func:`characterization.raman.si_offset` and :func:`characterization.raman.calibrate_shift`
    in examples and tests, with the exact offset ``-shift``.

    Parameters
    ----------
    n_spectra : int
        Number of spectra along ``sample`` (the first ``n_spectra`` entries of ``shifts``).
    seed : int
        Seed of :func:`numpy.random.default_rng` (noise).
    shifts : sequence of float
        Displacement of the measured band from 520.7 cm⁻¹, one per spectrum (1/cm).
    step : float
        Channel step (1/cm).
    fwhm, height, noise : float
        Lorentzian FWHM (1/cm), height above the 300-count background and noise standard
        deviation (counts).

    Returns
    -------
    xarray.Dataset
        ``intensity(sample, raman_shift)`` following the Raman conventions.

    Examples
    --------
    >>> ref = si_reference_spectra(2, 0, [-1.0, 0.5])
    >>> ref.sizes["sample"], float(ref.raman_shift[0])
    (2, 440.0)
    """
    rng = np.random.default_rng(seed)
    x = np.arange(440.0, 600.0 + step / 2, step)
    centers = 520.7 + np.asarray(shifts, dtype=float)[:n_spectra, None]
    y = 300.0 + height / (1.0 + (2.0 * (x - centers) / fwhm) ** 2)
    y = y + rng.normal(0.0, noise, y.shape)
    conv = TABLE["raman"]
    return xr.Dataset(
        {"intensity": (("sample", "raman_shift"), y,
                       {"units": conv.main.units, "long_name": conv.main.long_name})},
        coords={"raman_shift": ("raman_shift", x, {"units": conv.signal.units,
                                                   "long_name": conv.signal.long_name}),
                "sample": ("sample", [f"Si{i}" for i in range(len(y))],
                           {"units": "", "long_name": "Sample"})},
        attrs={"technique": "raman", "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.raman_silicon.si_reference_spectra"})
