"""Synthetic peak spectra with exact ground truth (Raman D/G carbon by default).

Every spectrum is ``background(x) + sum_k peak_k(x) + noise`` with per-spectrum random
variation of each peak's height, width and position, drawn from a seeded generator; the exact
parameters of every spectrum are returned in ``attrs["ground_truth"]``, named as the
parameters of :class:`characterization.fit.Model` (``"D1.center"``, ``"background.c1"`` ...).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from ..conventions import CONVENTIONS_VERSION, TABLE, validate

#: Default x range, number of points and peaks per technique (height in y units, widths in x).
_DEFAULTS: dict[str, dict[str, Any]] = {
    "raman": {  # disordered carbon, four-band decomposition (Sadezky et al., Carbon 43, 1731, 2005)
        "x_range": (900.0, 1900.0),
        "peaks": [{"name": "D4", "center": 1200.0, "fwhm": 180.0, "height": 150.0},
                  {"name": "D1", "center": 1350.0, "fwhm": 120.0, "height": 1000.0},
                  {"name": "D3", "center": 1500.0, "fwhm": 150.0, "height": 200.0},
                  {"name": "G", "center": 1590.0, "fwhm": 70.0, "height": 900.0}]},
    "xrd": {  # silicon 111 / 220 / 311 reflections, Cu K-alpha
        "x_range": (25.0, 60.0),
        "peaks": [{"name": "Si111", "center": 28.44, "fwhm": 0.35, "height": 1000.0},
                  {"name": "Si220", "center": 47.30, "fwhm": 0.40, "height": 600.0},
                  {"name": "Si311", "center": 56.12, "fwhm": 0.45, "height": 350.0}]},
    "xps": {  # Si 2p: elemental doublet and SiO2
        "x_range": (95.0, 108.0),
        "peaks": [{"name": "Si2p3", "center": 99.4, "fwhm": 0.8, "height": 1000.0},
                  {"name": "Si2p1", "center": 100.0, "fwhm": 0.8, "height": 500.0},
                  {"name": "SiO2", "center": 103.5, "fwhm": 1.6, "height": 400.0}]},
}


def peak_spectra(n_spectra: int = 100, *, shape: str = "lorentzian",
                 peaks: Sequence[Mapping[str, Any]] | None = None, noise: float | None = None,
                 background: str = "linear", seed: int = 0, technique: str = "raman",
                 n_points: int = 1000, x_range: tuple[float, float] | None = None,
                 jitter: float = 0.1) -> xr.Dataset:
    r"""Seeded synthetic peak spectra following the data conventions, with exact ground truth.

    Each spectrum ``b`` is

    .. math:: y_b(x) = c_{0b} + c_{1b} x + \sum_k H_{kb}\, p_k(x; c_{kb}, w_{kb})
              + \varepsilon_b(x), \qquad \varepsilon \sim N(0, \sigma^2)

    with ``p_k`` the line shape normalised to unit height. Per spectrum, heights and widths are
    multiplied by ``U(1 - jitter, 1 + jitter)`` and centers shifted by
    ``N(0, (jitter * fwhm / 2)^2)``.

    Parameters
    ----------
    n_spectra : int
        Number of spectra along the batch dim ``sample``.
    shape : str
        Line shape of every peak without its own ``"shape"`` entry (see
        :mod:`characterization.fit.lineshapes`).
    peaks : sequence of dict, optional
        Mean peak parameters: ``name``, ``center``, ``height``, ``fwhm`` and, optionally,
        ``shape`` and shape parameters (``eta``, ``m``, ``q``, ``fwhm_left`` ...). Widths of
        shapes without a ``fwhm`` parameter are derived from ``fwhm`` (Voigt: equal Gaussian and
        Lorentzian widths giving that total FWHM; split shapes: 0.8/1.2 of it).
        Default: per technique (Raman: 4-band D4/D1/D3/G carbon spectrum).
    noise : float, optional
        Standard deviation of the additive Gaussian noise in y units (default 1 % of the
        largest mean height; 0 for noise-free spectra).
    background : {"linear", "constant", "none"}
        Background added to every spectrum (random offset ~10 % of the largest height, and for
        "linear" a random slope of up to +-30 % of the offset across the range).
    seed : int
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same Dataset.
    technique : {"raman", "xrd", "xps"}
        Sets the signal dim, variable, units and the default peaks.
    n_points : int
        Points per spectrum, evenly spaced over ``x_range``.
    x_range : (float, float), optional
        Default per technique (Raman 900–1900 1/cm).
    jitter : float
        Relative per-spectrum variation (0 = identical spectra up to noise).

    Returns
    -------
    xarray.Dataset
        Dims ``(sample, <signal dim>)``, main variable per the conventions (Raman:
        ``intensity`` in "count" on ``raman_shift`` in "1/cm"). ``attrs["ground_truth"]`` is a
        dict: parameter name (``"D1.amplitude"`` (area), ``"D1.center"``, ``"D1.fwhm"``,
        ``"background.c0"`` ...) -> array (n_spectra,), plus ``"<peak>.height"``,
        ``"<peak>.area"`` and ``"noise"``. ``attrs["model"]`` is the JSON of a
        :class:`~characterization.fit.Model` with the generating shapes and the mean centers.

    Notes
    -----
    ``attrs["ground_truth"]`` holds numpy arrays, so remove it before writing to netCDF.

    Examples
    --------
    >>> ds = peak_spectra(3, seed=1)
    >>> ds.intensity.dims, ds.intensity.attrs["units"], sorted(ds.attrs["ground_truth"])[:2]
    (('sample', 'raman_shift'), 'count', ['D1.amplitude', 'D1.area'])
    """
    from ..fit.lineshapes import get_lineshape
    from ..fit.model import Model, Peak

    if technique not in _DEFAULTS:
        raise ValueError(f"technique must be one of {sorted(_DEFAULTS)}, got {technique!r}")
    if int(n_spectra) < 1 or int(n_points) < 3:
        raise ValueError(f"need n_spectra >= 1 and n_points >= 3, got {n_spectra}, {n_points}")
    if background not in ("linear", "constant", "none"):
        raise ValueError(f"background must be 'linear', 'constant' or 'none', got {background!r}")
    if not 0 <= jitter < 1:
        raise ValueError(f"jitter must be in [0, 1), got {jitter}")
    defaults = _DEFAULTS[technique]
    peaks = list(peaks if peaks is not None else defaults["peaks"])
    lo, hi = x_range if x_range is not None else defaults["x_range"]
    rng = np.random.default_rng(seed)
    n_spectra, n_points = int(n_spectra), int(n_points)
    x = np.linspace(lo, hi, n_points)
    max_height = max(float(p["height"]) for p in peaks)
    sigma = 0.01 * max_height if noise is None else float(noise)

    truth: dict[str, np.ndarray] = {}
    y = np.zeros((n_spectra, n_points))
    model_peaks = []
    for spec in peaks:
        spec = dict(spec)
        name = spec.pop("name")
        lineshape = get_lineshape(spec.pop("shape", shape))
        height_mean, fwhm_mean = float(spec.pop("height")), float(spec.pop("fwhm"))
        center_mean = float(spec.pop("center"))
        heights = height_mean * rng.uniform(1 - jitter, 1 + jitter, n_spectra)
        width_factor = rng.uniform(1 - jitter, 1 + jitter, n_spectra)
        centers = center_mean + rng.normal(0.0, jitter * fwhm_mean / 2, n_spectra)
        theta = []
        for sp in lineshape.shape_params:
            if sp.name in spec:
                value = np.full(n_spectra, float(spec.pop(sp.name)))
                if sp.kind == "width":
                    value = value * width_factor
            elif sp.kind == "width":
                factor = {"fwhm_g": 1 / 1.6376, "fwhm_l": 1 / 1.6376, "fwhm_left": 0.8,
                          "fwhm_right": 1.2}.get(sp.name, 1.0)
                value = fwhm_mean * factor * width_factor
            else:
                value = np.full(n_spectra, float(sp.default))
            theta.append(value)
        if spec:
            raise ValueError(f"peak {name!r}: unknown entries {sorted(spec)} for shape "
                             f"{lineshape.name!r}")
        cols = [t[:, None] for t in theta]
        y += lineshape.evaluate(x, heights[:, None], centers[:, None], cols, "height")
        derived = lineshape.derived(heights[:, None], centers[:, None], cols, "height")
        truth[f"{name}.amplitude"] = derived["area"][:, 0]
        truth[f"{name}.center"] = centers
        for sp, value in zip(lineshape.shape_params, theta):
            truth[f"{name}.{sp.name}"] = value
        truth[f"{name}.height"] = heights
        truth[f"{name}.area"] = derived["area"][:, 0]
        model_peaks.append(Peak(name, lineshape.name, center=center_mean))

    if background != "none":
        c0 = 0.1 * max_height * rng.uniform(0.5, 1.5, n_spectra)
        truth["background.c0"] = c0
        y += c0[:, None]
        if background == "linear":
            c1 = c0 * rng.uniform(-0.3, 0.3, n_spectra) / (hi - lo)
            c0_at_zero = c0 - c1 * lo          # c0 was the value at x = lo
            truth["background.c0"] = c0_at_zero
            truth["background.c1"] = c1
            y += c1[:, None] * (x[None, :] - lo)
    y += rng.normal(0.0, sigma, y.shape) if sigma > 0 else 0.0
    truth["noise"] = np.full(n_spectra, sigma)

    conv = TABLE[technique]
    sig, main = conv.signal, conv.main
    ds = xr.Dataset(
        {main.name: (("sample", sig.name), y, {"units": main.units, "long_name": main.long_name})},
        coords={sig.name: (sig.name, x, {"units": sig.units, "long_name": sig.long_name}),
                "sample": ("sample", [f"S{i:04d}" for i in range(n_spectra)],
                           {"units": "", "long_name": "Sample"})},
        attrs={"technique": technique, "conventions": CONVENTIONS_VERSION,
               "reader": "characterization.synthetic.peak_spectra",
               "original_metadata": json.dumps({"generator": "peak_spectra", "seed": seed,
                                                "shape": shape, "noise": sigma,
                                                "background": background, "jitter": jitter}),
               "model": Model(model_peaks, background=background).to_json(),
               "ground_truth": truth})
    return validate(ds, technique)
