r"""Synthetic carbon Raman spectra and maps (D/G region) with exact ground truth.

Each spectrum is drawn from one of the band models of
:mod:`characterization.raman.carbon_models` (the *same* line shapes the fit uses), on a
fluorescence-like baseline, with shot (Poisson) and read noise:

.. math:: y(\omega) \sim \mathrm{Poisson}\Bigl(b(\omega) + \sum_k H_k\,p_k(\omega)\Bigr)
          + N(0, \sigma_\mathrm{read}^2)

The exact values of every band (position of the maximum, FWHM, height, area — defined as the
fit reports them), the I_D/I_G ratios by height and by area (D = D1) and the model used are
returned in ``attrs["ground_truth"]``.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION, TABLE, validate

#: Typical band parameters per preset, relative to the G height: (relative height, FWHM,
#: position at 514.5 nm or None for the band's dispersed default). D1's height is set by id_ig.
TEMPLATES = {
    "2band": {"D1": (None, 110.0, None), "G": (1.0, 65.0, 1592.0)},
    "4band": {"D4": (0.15, 180.0, 1200.0), "D1": (None, 140.0, None),
              "D3": (0.20, 140.0, 1510.0), "G": (1.0, 75.0, 1595.0)},
    "5band": {"D4": (0.15, 180.0, 1200.0), "D1": (None, 140.0, None),
              "D3": (0.20, 130.0, 1500.0), "G": (1.0, 60.0, 1583.0),
              "D2": (0.30, 40.0, None)},
    "bwf": {"D1": (None, 110.0, None), "G_bwf": (1.0, 65.0, 1600.0)},
}
_OPTIONAL_TEMPLATES = {"D2": (0.20, 35.0, None), "2D": (0.50, 70.0, None),
                       "D+D'": (0.15, 80.0, None), "tPA1": (0.12, 50.0, 1140.0),
                       "tPA2": (0.10, 50.0, 1470.0), "D5": (0.10, 80.0, 1450.0),
                       "Si960": (0.10, 50.0, 965.0)}


def carbon_spectra(n_spectra: int = 16, *, model="4band", map_shape: tuple[int, int] | None = None,
                   id_ig: float | tuple[float, float] = (0.2, 1.5),
                   laser_wavelength: float = 532.0, include=(), counts: float = 2000.0,
                   noise="poisson", read_noise: float = 4.0, background: str = "linear",
                   x_range: tuple[float, float] | None = None, n_points: int | None = None,
                   jitter: float = 1.0, seed: int = 0) -> xr.Dataset:
    r"""Seeded carbon Raman spectra (or a map) with exact ground truth.

    Parameters
    ----------
    n_spectra : int
        Number of spectra along ``sample`` (ignored when ``map_shape`` is given).
    model : str or sequence of str
        Preset of :mod:`~characterization.raman.carbon_models` ("2band", "4band", "5band",
        "bwf"); a sequence assigns each spectrum one of them at random (mixed data, to test
        model selection).
    map_shape : (int, int), optional
        Make a map with dims ``(y, x, raman_shift)`` (coordinates in µm, 1 µm step) instead
        of ``(sample, raman_shift)``.
    id_ig : float or (float, float)
        I_D/I_G by **height** (D1 over G); a pair draws it uniformly per spectrum.
    laser_wavelength : float
        Excitation in nm: sets the positions of the dispersive bands and the scalar coordinate
        ``laser_wavelength``.
    include : sequence of str
        Optional bands added to every spectrum (names as in
        :func:`characterization.raman.fit_carbon`): "D'" (0.2 of the G height), "2D" (0.5),
        "D+D'" (0.15), "tPA" (tPA1 0.12 and tPA2 0.10), "D5" (0.10), "Si960" (0.10).
    counts : float
        Mean G height in counts (sets the shot-noise level: the G maximum has a signal-to-noise
        ratio of about ``counts / sqrt(counts + baseline)``; 2000 gives ≈ 35).
    noise : "poisson", float or 0
        "poisson": shot noise plus Gaussian read noise ``read_noise``; a number: Gaussian noise
        of that standard deviation (counts); 0: noise-free.
    read_noise : float
        Read-noise standard deviation in counts (with ``noise="poisson"``).
    background : {"linear", "quadratic", "none"}
        Fluorescence-like background: offset 20–60 % of the G height with a slope of up to ±30 %
        of it across the range ("quadratic" adds a curvature of similar size).
    x_range : (float, float), optional
        Default 700–2100 cm⁻¹ (700–3000 with the 2D band).
    n_points : int, optional
        Default: a ≈1.2 cm⁻¹ step.
    jitter : float
        Scale of the per-spectrum variation of positions (σ = 4 cm⁻¹ x jitter), widths and
        relative heights (± 15 % x jitter).
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (counts) on ``raman_shift`` (1/cm), scalar coordinate
        ``laser_wavelength`` (nm). ``attrs["ground_truth"]`` is a dict of arrays shaped like
        the batch dims: ``"model"`` (preset name per spectrum), ``"id_ig_height"``,
        ``"id_ig_area"`` and, for every band label (G, D1, D2, D3, D4, 2D),
        ``"<label>.center"`` (position of the maximum), ``".fwhm"``, ``".height"``,
        ``".area"`` (NaN where the spectrum's model lacks the band), ``"G.q"`` for BWF
        spectra, and ``"background.c0"``… (raw polynomial coefficients in counts and 1/cm).

    Notes
    -----
    The area of a BWF G band is the integral above its asymptote ``H/(1 + q^2)`` (see
    :class:`characterization.fit.lineshapes.BreitWignerFano`); ``attrs["ground_truth"]``
    holds numpy arrays, so drop it before writing to netCDF.

    Examples
    --------
    >>> ds = carbon_spectra(3, model="2band", seed=1)
    >>> ds.intensity.dims, float(ds.laser_wavelength)
    (('sample', 'raman_shift'), 532.0)
    >>> sorted(ds.attrs["ground_truth"])[:3]
    ['2D.area', '2D.center', '2D.fwhm']
    """
    from ..fit.lineshapes import get_lineshape
    from ..raman.carbon_models import BANDS, PRESETS, check_laser_wavelength, optional_bands

    names = (model,) if isinstance(model, str) else tuple(model)
    for name in names:
        if name not in PRESETS:
            raise ValueError(f"unknown carbon model {name!r}; presets: {', '.join(PRESETS)}")
    if background not in ("linear", "quadratic", "none"):
        raise ValueError(f"background must be 'linear', 'quadratic' or 'none', "
                         f"got {background!r}")
    laser = check_laser_wavelength(laser_wavelength)
    extra = optional_bands(include)
    rng = np.random.default_rng(seed)
    batch_shape = (int(n_spectra),) if map_shape is None else tuple(int(v) for v in map_shape)
    n = int(np.prod(batch_shape))
    if n < 1:
        raise ValueError(f"need at least one spectrum, got batch shape {batch_shape}")
    lo, hi = x_range if x_range is not None else (
        700.0, 3150.0 if "D+D'" in extra else 3000.0 if "2D" in extra else 2100.0)
    n_points = int(n_points) if n_points is not None else int(round((hi - lo) / 1.2)) + 1
    x = np.linspace(lo, hi, n_points)

    which = rng.integers(0, len(names), n) if len(names) > 1 else np.zeros(n, dtype=int)
    ratio = (np.full(n, float(id_ig)) if np.ndim(id_ig) == 0
             else rng.uniform(float(id_ig[0]), float(id_ig[1]), n))
    g_height = counts * rng.uniform(0.8, 1.2, n)
    labels = ("G", "D1", "D2", "D3", "D4", "2D") + tuple(BANDS[k].label for k in extra
                                                       if BANDS[k].label not in ("D2", "2D"))
    truth = {f"{lab}.{q}": np.full(n, np.nan) for lab in labels
             for q in ("center", "fwhm", "height", "area")}
    truth["G.q"] = np.full(n, np.nan)
    signal = np.zeros((n, n_points))
    for m, name in enumerate(names):
        rows = np.flatnonzero(which == m)
        if rows.size == 0:
            continue
        template = dict(TEMPLATES[name])
        for key in extra:
            template.setdefault(key, _OPTIONAL_TEMPLATES[key])
        for key, (rel, fwhm0, pos0) in template.items():
            band = BANDS[key]
            shape = get_lineshape(band.shape)
            start, c_lo, c_hi = band.position(laser)
            center = (start if pos0 is None else pos0) + rng.normal(0, 4.0 * jitter, rows.size)
            margin = min(10.0, 0.25 * (c_hi - c_lo))
            center = np.clip(center, c_lo + margin, c_hi - margin)
            fwhm = fwhm0 * (1 + jitter * rng.uniform(-0.15, 0.15, rows.size))
            if key == "D1":
                height = ratio[rows] * g_height[rows]
            else:
                height = rel * g_height[rows] * (
                    1.0 if key.startswith("G") else 1 + jitter * rng.uniform(-0.15, 0.15,
                                                                             rows.size))
            theta = [fwhm[:, None]]
            if shape.name == "bwf":
                q = rng.uniform(-8.0, -4.0, rows.size)
                theta.append(q[:, None])
                truth["G.q"][rows] = q
            signal[rows] += shape.evaluate(x, height[:, None], center[:, None], theta, "height")
            derived = shape.derived(height[:, None], center[:, None], theta, "height")
            for q_name in ("center", "fwhm", "height", "area"):
                truth[f"{band.label}.{q_name}"][rows] = np.broadcast_to(
                    derived[q_name], (rows.size, 1))[:, 0]
    truth["id_ig_height"] = truth["D1.height"] / truth["G.height"]
    truth["id_ig_area"] = truth["D1.area"] / truth["G.area"]
    truth["model"] = np.array(names)[which]

    if background != "none":
        offset = g_height * rng.uniform(0.2, 0.6, n)
        slope = offset * rng.uniform(-0.3, 0.3, n) / (hi - lo)
        s = x[None, :] - lo
        base = offset[:, None] + slope[:, None] * s
        coefs = [offset - slope * lo, slope]
        if background == "quadratic":
            curv = offset * rng.uniform(-0.3, 0.3, n) / (hi - lo) ** 2
            base = base + curv[:, None] * s * (s - (hi - lo))
            coefs = [coefs[0] + curv * lo * (lo + (hi - lo)), coefs[1] - curv * (2 * lo + hi - lo),
                     curv]
        signal = signal + base
        for k, c in enumerate(coefs):
            truth[f"background.c{k}"] = c
    y = _noisy(signal, noise, read_noise, rng)
    truth["noise"] = np.full(n, np.nan if noise == "poisson" else float(noise))

    conv = TABLE["raman"]
    sig, main = conv.signal, conv.main
    if map_shape is None:
        dims = ("sample",)
        coords = {"sample": ("sample", [f"C{i:04d}" for i in range(n)],
                             {"units": "", "long_name": "Sample"})}
    else:
        dims = ("y", "x")
        coords = {d: (d, np.arange(size, dtype=float),
                      {"units": "um", "long_name": f"Stage position {d}"})
                  for d, size in zip(dims, batch_shape)}
    coords[sig.name] = (sig.name, x, {"units": sig.units, "long_name": sig.long_name})
    coords["laser_wavelength"] = ((), laser, {"units": "nm", "long_name": "Laser wavelength"})
    truth = {k: v.reshape(batch_shape) for k, v in truth.items()}
    ds = xr.Dataset(
        {main.name: ((*dims, sig.name), y.reshape(*batch_shape, n_points),
                     {"units": main.units, "long_name": main.long_name})},
        coords=coords,
        attrs={"technique": "raman", "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.carbon_spectra",
               "original_metadata": json.dumps({
                   "generator": "carbon_spectra", "seed": seed, "model": list(names),
                   "id_ig": id_ig, "include": list(extra), "counts": counts, "noise": noise,
                   "read_noise": read_noise, "background": background, "jitter": jitter},
                   default=str),
               "ground_truth": truth})
    return validate(ds, "raman")


def _noisy(signal, noise, read_noise, rng):
    if isinstance(noise, str):
        if noise != "poisson":
            raise ValueError(f"noise must be 'poisson', a number or 0, got {noise!r}")
        return rng.poisson(np.maximum(signal, 0.0)).astype(float) + rng.normal(
            0.0, float(read_noise), signal.shape)
    sigma = float(noise)
    return signal + (rng.normal(0.0, sigma, signal.shape) if sigma > 0 else 0.0)
