"""Survey quantification: peak areas over binding-energy ranges, sensitivity factors, atomic %.

One public step, :func:`quantify`, and the public look-up :func:`sensitivity_factors` (used by
the synthetic survey generator and by users who want to see the factors a set gives).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import xarray as xr

from .._api import public
from .._apply import apply_kernel
from ..errors import AnalysisError
from . import _background_kernels as _kernels
from . import _imfp
from . import sensitivity as _sensitivity

__all__ = ["quantify", "sensitivity_factors"]

SETS = ("scofield", "thermo", "wagner", "phi")
BACKGROUNDS = ("shirley", "linear")
_C1S_KE_AL = _sensitivity.AL_KALPHA - 284.8   # normalisation of the energy-dependent factors


def _resolve_set(sensitivity, excitation_energy: float):
    """(table, energy exponent, name) of a named set, checked against the photon energy."""
    if isinstance(sensitivity, Mapping):
        table = {}
        for label, value in sensitivity.items():
            value = float(value)
            if not np.isfinite(value) or value <= 0:
                raise AnalysisError(f"sensitivity factor of {label!r} must be > 0, got {value}")
            table[_sensitivity.normalise_label(label)] = value
        return table, 0.0, "user"
    if not isinstance(sensitivity, str) or sensitivity not in SETS:
        raise AnalysisError(f"sensitivity must be one of {SETS} or a mapping "
                            f"{{'C 1s': factor, ...}}, got {sensitivity!r}")
    name = sensitivity
    if name == "scofield":
        if abs(excitation_energy - _sensitivity.MG_KALPHA) < 3.0:
            raise AnalysisError("Scofield factors at Mg Kα are not tabulated here; pass a "
                                "table of your own (sensitivity={'C 1s': ..., ...})")
        name = "scofield_al"
    table, photon, exponent = _sensitivity.SETS[name]
    if photon is not None and not abs(excitation_energy - photon) < 3.0:
        raise AnalysisError(
            f"sensitivity={sensitivity!r} is tabulated at hν = {photon} eV but the data have "
            f"excitation_energy = {excitation_energy:g} eV; pass a table of your own "
            "(sensitivity={'C 1s': ..., ...})")
    return dict(table), exponent, name


def sensitivity_factors(lines, *, sensitivity="scofield", excitation_energy: float = 1486.6,
                        kinetic_energy=None, transmission=None, imfp=None) -> np.ndarray:
    """Effective relative sensitivity factors of core ``lines`` (numpy, not a Dataset step).

    ``S = F · (KE / KE_C1s)**e · T(KE) · λ(KE)`` with ``F`` from the chosen set, ``e`` the set's
    energy exponent (0.75 for ``"thermo"``, 0 otherwise), ``T`` the analyser transmission and
    ``λ`` the IMFP correction when asked for (see :func:`quantify`). Only ratios matter.

    Parameters
    ----------
    lines : sequence of str
        Core-level labels (``"C 1s"``, ``"Fe 2p3/2"``).
    sensitivity : str or mapping
        Set name (``"scofield"``, ``"thermo"``, ``"wagner"``, ``"phi"``) or a user table.
    excitation_energy : float
        Photon energy in eV (checked against the photon energy a set is tabulated at).
    kinetic_energy : sequence of float, optional
        KE of each line (eV); default ``excitation_energy`` minus the tabulated BE.
    transmission, imfp :
        As in :func:`quantify`.

    Returns
    -------
    ndarray
        One factor per line.

    Examples
    --------
    >>> from characterization.xps.quantify import sensitivity_factors
    >>> sensitivity_factors(["C 1s", "O 1s"]).round(2).tolist()
    [1.0, 2.93]
    """
    labels = [_sensitivity.normalise_label(line) for line in lines]
    table, exponent, name = _resolve_set(sensitivity, float(excitation_energy))
    missing = [label for label in labels if label not in table]
    if missing:
        raise AnalysisError(f"no {name} sensitivity factor for {missing}; known lines: "
                            f"{sorted(table)}; pass sensitivity={{'{missing[0]}': factor, ...}}")
    if kinetic_energy is None:
        unknown = [label for label in labels if label not in _sensitivity.LINES]
        if unknown:
            raise AnalysisError(f"no tabulated binding energy for {unknown}; pass kinetic_energy")
        kinetic_energy = [excitation_energy - _sensitivity.LINES[label][0] for label in labels]
    ke = np.asarray(kinetic_energy, dtype=float)
    factors = np.array([table[label] for label in labels])
    return factors * _energy_terms(ke, exponent, _transmission_fn(transmission), _imfp_fn(imfp))


def _transmission_fn(transmission) -> Callable | None:
    if transmission is None:
        return None
    if callable(transmission):
        return transmission
    if isinstance(transmission, (int, float)) and np.isfinite(transmission):
        x = float(transmission)
        return lambda ke: (ke / _C1S_KE_AL) ** (-x)
    raise AnalysisError("transmission must be None, an exponent x (T ∝ KE**-x) or a callable "
                        f"T(kinetic_energy), got {transmission!r}")


def _imfp_fn(imfp) -> Callable | None:
    if imfp is None:
        return None
    if callable(imfp):
        return imfp
    if isinstance(imfp, (int, float)) and np.isfinite(imfp):
        x = float(imfp)
        return lambda ke: (ke / _C1S_KE_AL) ** x
    if isinstance(imfp, Mapping):
        unknown = set(imfp) - set(_imfp.MATERIAL_KEYS)
        if unknown or not {"valence_electrons", "density", "molar_mass"} <= set(imfp):
            raise AnalysisError(f"imfp material needs keys {_imfp.MATERIAL_KEYS} (band_gap "
                                f"optional), got {sorted(imfp)}")
        material = {k: float(v) for k, v in imfp.items()}
        _imfp.tpp2m(1000.0, **material)  # validates the material now, not inside a kernel
        return lambda ke: _imfp.tpp2m(ke, **material)
    raise AnalysisError("imfp must be None, an exponent x (λ ∝ KE**x), a TPP-2M material "
                        "{'valence_electrons', 'density', 'molar_mass', 'band_gap'} or a "
                        f"callable λ(kinetic_energy), got {imfp!r}")


def _energy_terms(ke, exponent, transmission, imfp):
    out = (np.asarray(ke, dtype=float) / _C1S_KE_AL) ** exponent
    for fn in (transmission, imfp):
        if fn is not None:
            value = np.asarray(fn(ke), dtype=float)
            out = out * value
    return out


# --------------------------------------------------------------------------- numpy kernels
def _trapezoid_weights(x):
    w = np.empty_like(x)
    w[0] = (x[1] - x[0]) / 2
    w[-1] = (x[-1] - x[-2]) / 2
    w[1:-1] = (x[2:] - x[:-2]) / 2
    return w


def _window_area(x, y, v, background, n_average):
    """Area above the background and its first-order variance, for rows of ``y`` on ``x``.

    The background is ``B = lo (1 − q) + hi q`` with ``lo``/``hi`` the end-point means and ``q``
    the Shirley (or linear) step fraction of :mod:`characterization.xps._background_kernels`;
    a row without a Shirley background (no positive net area: nothing to quantify) gets the
    straight line, so its area is ~0 and it is reported as not detected rather than NaN.
    """
    w = _trapezoid_weights(x)
    n_end = n_average
    lo, hi = _kernels.endpoint_means(y, n_end)
    linear = _kernels.linear_kernel(y, x=x, n_average=n_end)
    if background == "shirley":
        shirley, _, converged = _kernels.shirley_kernel(y, x=x, n_average=n_end)
        b = np.where(converged[:, None], shirley, linear)
    else:
        b = linear
    step = (hi - lo)[:, None]
    flat = np.abs(step) <= 1e-12 * np.maximum(np.abs(lo), 1.0)[:, None]
    t0, t1 = _kernels.endpoint_means(x, n_end)
    q = np.where(flat, (x - t0) / (t1 - t0), (b - lo[:, None]) / np.where(flat, 1.0, step))
    area = ((y - b) * w).sum(axis=1)
    c_lo = (w * (1 - q)).sum(axis=1)
    c_hi = (w * q).sum(axis=1)
    grad = np.broadcast_to(w, y.shape).copy()
    grad[:, :n_end] -= c_lo[:, None] / n_end
    grad[:, -n_end:] -= c_hi[:, None] / n_end
    variance = (grad ** 2 * v).sum(axis=1)
    return area, variance, b


def _estimated_variance(y):
    """Poisson-like variance ``y / τ`` with 1/τ from the second differences of the spectrum.

    For counting noise var(y_j) = y_j/τ; the second difference d_j = y_{j−1} − 2y_j + y_{j+1}
    has variance (y_{j−1} + 4y_j + y_{j+1})/τ, and the median of d²/(...) is 0.4549/τ for
    Gaussian d. Curvature of real peaks only inflates the estimate (conservative).
    """
    d = y[:, :-2] - 2 * y[:, 1:-1] + y[:, 2:]
    s = np.clip(y[:, :-2] + 4 * y[:, 1:-1] + y[:, 2:], 1e-300, None)
    inv_tau = np.nanmedian(d ** 2 / s, axis=1) / 0.4549
    return np.clip(y, 0, None) * inv_tau[:, None] + 0.0


def _quantify_kernel(y, v, hv, *, x, windows, centres, factors, exponent, transmission, imfp, background,
                     n_average, sigma, estimate, raise_errors):
    batch = y.shape[:-1]
    n = y.shape[-1]
    rows = int(np.prod(batch)) if batch else 1
    y2 = np.asarray(y, dtype=float).reshape(rows, n)
    if estimate:
        v2 = _estimated_variance(y2)
    else:
        v2 = np.asarray(v, dtype=float).reshape(rows, n)
    h = np.broadcast_to(np.asarray(hv, dtype=float), batch).reshape(rows)
    order = np.argsort(x)
    xs = x[order]
    n_peaks = len(windows)
    area = np.full((rows, n_peaks), np.nan)
    area_var = np.full((rows, n_peaks), np.nan)
    for p, (lo, hi) in enumerate(windows):
        sel = order[(xs >= lo) & (xs <= hi)]
        a, va, _ = _window_area(x[sel], y2[:, sel], v2[:, sel], background, n_average)
        area[:, p] = a
        area_var[:, p] = va
    ke = h[:, None] - np.asarray(centres, dtype=float)[None, :]
    sens = factors[None, :] * _energy_terms(ke, exponent, transmission, imfp)
    stderr = np.sqrt(area_var)
    detected = np.isfinite(area) & np.isfinite(stderr) & (area > sigma * stderr)
    a = np.where(detected, area / sens, 0.0)
    va = np.where(detected, area_var / sens ** 2, 0.0)
    total = a.sum(axis=1, keepdims=True)
    success = detected.any(axis=1) & np.isfinite(area).all(axis=1) & (total[:, 0] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = a / total
        var_frac = ((1 - frac) ** 2 * va + frac ** 2 * (va.sum(axis=1, keepdims=True) - va)) \
            / total ** 2
    ok = detected & success[:, None]
    percent = np.where(ok, 100 * frac, np.nan)
    percent_err = np.where(ok, 100 * np.sqrt(var_frac), np.nan)
    if raise_errors and not success.all():
        bad = int(np.flatnonzero(~success)[0])
        raise AnalysisError(f"xps.quantify: spectrum {bad} of the batch has no detected peak "
                            "(or NaN data in a range); errors='nan' returns NaN instead")
    shape = batch + (n_peaks,)
    return (area.reshape(shape), stderr.reshape(shape), sens.reshape(shape),
            percent.reshape(shape), percent_err.reshape(shape), detected.reshape(shape),
            success.reshape(batch))


# --------------------------------------------------------------------------- inputs
def _intensity_variance(ds, var, dim):
    """Per-point variance of ``ds[var]`` and how it was obtained (None: estimate in kernel)."""
    y = ds[var]
    units = str(y.attrs.get("units", ""))
    if "counts" in ds.data_vars and dim in ds["counts"].dims and var != "counts":
        counts = ds["counts"]
        positive = counts > 0
        tau_point = (counts / y).where(positive & (y > 0))
        tau_spectrum = counts.sum(dim) / y.where(positive).sum(dim)
        tau = tau_point.fillna(tau_spectrum)
        return np.maximum(counts, 1) / tau ** 2, "Poisson, from the raw counts"
    if "dwell_time" in ds.coords and units.replace(" ", "") in ("count/s", "counts/s", "cps"):
        tau = ds["dwell_time"] * (ds["scans"] if "scans" in ds.coords else 1)
        return np.maximum(y * tau, 1) / tau ** 2, "Poisson, from dwell_time × scans"
    if units in ("count", "counts"):
        return np.maximum(y, 1), "Poisson, intensity in counts"
    return None, "Poisson-like, scale estimated from the point-to-point scatter"


def _windows(ds, dim, regions, peaks):
    if (regions is None) == (peaks is None):
        raise AnalysisError("xps.quantify: give exactly one of regions={'C 1s': (lo, hi), ...} "
                            "or peaks=['C 1s', ...] (tabulated default ranges)")
    if peaks is not None:
        if isinstance(peaks, str):
            peaks = [peaks]
        out = {}
        for label in peaks:
            key = _sensitivity.normalise_label(label)
            if key not in _sensitivity.LINES:
                raise AnalysisError(f"no default range for {label!r}; known: "
                                    f"{sorted(_sensitivity.LINES)}; pass regions=")
            out[key] = _sensitivity.LINES[key][1]
    else:
        if not isinstance(regions, Mapping) or not regions:
            raise AnalysisError("regions must be a non-empty mapping {'C 1s': (lo, hi), ...}")
        out = {}
        for label, rng in regions.items():
            try:
                lo, hi = sorted(float(v) for v in rng)
            except (TypeError, ValueError):
                raise AnalysisError(f"range of {label!r} must be (lo, hi) in eV, got {rng!r}") \
                    from None
            out[_sensitivity.normalise_label(label)] = (lo, hi)
    elements = [_sensitivity.element_of(k) for k in out]
    twice = sorted({e for e in elements if elements.count(e) > 1})
    if twice:
        raise AnalysisError(f"xps.quantify: one line per element, got several for {twice}")
    x = np.asarray(ds[dim].values, dtype=float)
    spans = sorted(out.items(), key=lambda kv: kv[1][0])
    for (la, (_, hi_a)), (lb, (lo_b, _)) in zip(spans, spans[1:]):
        if lo_b < hi_a:
            raise AnalysisError(f"xps.quantify: ranges of {la!r} and {lb!r} overlap")
    for label, (lo, hi) in out.items():
        if lo < np.nanmin(x) or hi > np.nanmax(x):
            raise AnalysisError(f"xps.quantify: range {lo:g}–{hi:g} eV of {label!r} is outside "
                                f"the data ({np.nanmin(x):g}–{np.nanmax(x):g} eV)")
    return out


def _centres(windows):
    """BE of each line for its kinetic energy: the tabulated one when inside the range."""
    out = []
    for label, (lo, hi) in windows.items():
        tabulated = _sensitivity.LINES.get(label, (None,))[0]
        out.append(tabulated if tabulated is not None and lo <= tabulated <= hi
                   else (lo + hi) / 2)
    return out


@public("xps", headline=("atomic_percent",))
def quantify(ds: xr.Dataset, *, regions: Mapping | None = None, peaks=None,
             sensitivity="scofield", background: str = "shirley", transmission=None, imfp=None,
             n_average: int | None = None, detection_sigma: float = 3.0,
             dim: str | None = None, var: str | None = None, errors: str = "nan") -> xr.Dataset:
    r"""Atomic composition from survey (or high-resolution) spectra by the sensitivity-factor method.

    For each core line ``i`` the peak area above the background over its binding-energy range is

    .. math:: A_i = \int_{E_1}^{E_2} \left[I(E) - B(E)\right] dE

    (trapezoid rule), with ``B`` the iterated Shirley background (or a straight line) between the
    means of ``n_average`` points at each end of the range. The atomic fraction is

    .. math:: x_i = \frac{A_i / S_i}{\sum_j A_j / S_j}, \qquad
              S_i = F_i \,(KE_i/KE_{C1s})^{e}\, T(KE_i)\, \lambda(KE_i)

    with ``F`` the tabulated relative sensitivity (cross section) of the chosen set, ``e`` the
    set's energy exponent (0.75 for ``"thermo"``, 0 for the others), ``T`` the analyser
    transmission and ``λ`` the inelastic mean free path when those corrections are asked for.
    ``KE_i = hν − BE_i`` with the tabulated BE of the line (the centre of the range for lines
    without one).

    Uncertainty: first order in the counting noise. The variance of each point comes from the raw
    ``counts`` (exact Poisson), else from ``dwell_time``·``scans`` for counts/s data, else from
    counts units, else from the spectrum's point-to-point scatter (scaled as Poisson). It is
    propagated through the area *including the end-point averages that set the background*
    (the Shirley shape is held fixed), then through the normalisation
    ``var(x_i) = [(1−x_i)^2 var(a_i) + x_i^2 Σ_{k≠i} var(a_k)] / (Σ a)^2`` with
    ``a = A/S``. Sensitivity-factor uncertainty (typically 10–20 % between sets) is *not* included.

    A line whose area is not above ``detection_sigma`` standard errors is **not detected**: its
    atomic % is NaN and it is left out of the normalisation (``detected=False``); a spectrum with
    no detected line gives NaN and ``success=False``.

    Parameters
    ----------
    ds : xarray.Dataset
        XPS data (signal dim ``binding_energy`` in eV, variable ``intensity``), any batch dims
        (``sputter_time``, ``site``, ``sample`` ...). One region (e.g. the survey) per call.
    regions : mapping, optional
        ``{"C 1s": (lo, hi), "O 1s": (lo, hi), ...}``: integration range of each line in eV of
        binding energy. Exactly one of ``regions`` and ``peaks``.
    peaks : sequence of str, optional
        Line labels integrated over tabulated default ranges (``"C 1s"``, ``"Fe 2p"``); check
        them against your data.
    sensitivity : {"scofield", "thermo", "wagner", "phi"} or mapping
        Sensitivity set: Scofield (1976) cross sections at Al Kα (checked against
        ``excitation_energy``; Mg Kα needs a user table); ``"thermo"`` (Avantage style: Scofield · KE^0.75);
        ``"wagner"`` (Wagner et al. 1981 empirical, F 1s = 1); ``"phi"`` (PHI MultiPak factors,
        few lines); or a user table ``{"C 1s": 0.314, ...}`` used as given.
    background : {"shirley", "linear"}
        Background under each line.
    transmission : None, float or callable
        Analyser transmission to divide out: an exponent ``x`` for ``T ∝ KE^-x`` or a callable
        ``T(kinetic_energy_eV)``. None when the data are transmission-corrected (refused when
        the data say ``transmission_corrected``) or the set already includes it.
    imfp : None, float, mapping or callable
        IMFP correction: exponent ``x`` for ``λ ∝ KE^x``; a TPP-2M material
        ``{"valence_electrons", "density", "molar_mass", "band_gap"}``; or a callable
        ``λ(kinetic_energy_eV)``. Refused with ``"thermo"`` (whose KE^0.75 already is one).
    n_average : int, optional
        Points averaged at each end of a range for the background end points; default: the
        points within 1 eV (at least 1), so the average stays clear of the peak whatever the
        step of the survey.
    detection_sigma : float
        Significance (area / standard error) a line needs to count as detected.
    dim, var : str, optional
        Signal dim and variable (default from the XPS convention).
    errors : {"nan", "raise"}
        What a spectrum without any detected line gives.

    Returns
    -------
    xarray.Dataset
        Dims: the input's batch dims and ``peak`` (line labels, with coords ``element``,
        ``range_start``, ``range_end``). Variables ``area``, ``area_stderr`` (intensity·eV),
        ``sensitivity_factor`` (1, relative), ``atomic_percent``, ``atomic_percent_stderr``
        (percent), ``detected`` and ``success`` (bool).

    Notes
    -----
    Assumes a homogeneous sample over the information depth (a few IMFPs), lines that do not
    overlap other lines inside their ranges, and peak shapes fully inside their ranges (area in
    tails beyond the range is lost: widen ranges for broad or Lorentzian-rich lines). Shake-up
    satellites outside the range are not counted, consistent with how tabulated factors are
    normally used for the main line only.

    References
    ----------
    J. H. Scofield, J. Electron Spectrosc. Relat. Phenom. 8 (1976) 129.
    C. D. Wagner et al., Surf. Interface Anal. 3 (1981) 211.
    D. A. Shirley, Phys. Rev. B 5 (1972) 4709.
    S. Tanuma, C. J. Powell, D. R. Penn, Surf. Interface Anal. 21 (1994) 165 (TPP-2M).
    ISO 18118:2015, Surface chemical analysis — guide to the use of experimentally determined
    relative sensitivity factors.

    Examples
    --------
    >>> from characterization.synthetic.xps_survey import survey
    >>> from characterization.xps import quantify
    >>> ds = survey({"C": 60.0, "O": 30.0, "Si": 10.0}, n_samples=2, seed=0)
    >>> res = quantify(ds, peaks=["C 1s", "O 1s", "Si 2p"])
    >>> res["atomic_percent"].sel(peak="C 1s").round(0).values.tolist()
    [60.0, 60.0]
    """
    if background not in BACKGROUNDS:
        raise AnalysisError(f"background must be one of {BACKGROUNDS}, got {background!r}")
    if errors not in ("nan", "raise"):
        raise AnalysisError(f"errors must be 'nan' or 'raise', got {errors!r}")
    if not (n_average is None or isinstance(n_average, (int, np.integer)) and n_average >= 1):
        raise AnalysisError(f"n_average must be None or a positive integer, got {n_average!r}")
    if not (np.isfinite(detection_sigma) and detection_sigma >= 0):
        raise AnalysisError(f"detection_sigma must be >= 0, got {detection_sigma!r}")
    windows = _windows(ds, dim, regions, peaks)
    x = np.asarray(ds[dim].values, dtype=float)
    if n_average is None:
        step = float(np.nanmedian(np.abs(np.diff(x)))) if x.size > 1 else 1.0
        n_average = max(1, int(np.floor(1.0 / step + 1e-9)))
    for label, (lo, hi) in windows.items():
        if int(((x >= lo) & (x <= hi)).sum()) < 2 * n_average + 3:
            raise AnalysisError(f"xps.quantify: range of {label!r} holds fewer than "
                                f"{2 * n_average + 3} points")
    if "excitation_energy" not in ds.coords:
        raise AnalysisError("xps.quantify needs the excitation_energy coordinate (eV) for the "
                            "kinetic energies and the choice of sensitivity factors")
    hv = ds["excitation_energy"]
    hv_values = np.unique(np.asarray(hv.values, dtype=float))
    labels = list(windows)
    table, exponent, set_name = _resolve_set(sensitivity, float(hv_values[0]))
    for other in hv_values[1:]:
        _resolve_set(sensitivity, float(other))
    missing = [label for label in labels if label not in table]
    if missing:
        raise AnalysisError(f"no {set_name} sensitivity factor for {missing}; known lines: "
                            f"{sorted(table)}; pass sensitivity={{'{missing[0]}': factor, ...}}")
    corrected = ds.attrs.get("transmission_corrected",
                             ds.coords["transmission_corrected"].item()
                             if "transmission_corrected" in ds.coords else False)
    if transmission is not None and bool(corrected):
        raise AnalysisError("the data are already transmission-corrected "
                            "(transmission_corrected=True); pass transmission=None")
    if imfp is not None and exponent:
        raise AnalysisError(f"sensitivity={sensitivity!r} already includes a KE^{exponent} "
                            "energy dependence; pass imfp=None or use 'scofield' with imfp")
    variance, noise_source = _intensity_variance(ds, var, dim)
    estimate = variance is None
    args = [ds[var], ds[var] if estimate else variance, hv]
    outputs = apply_kernel(
        _quantify_kernel, *args, input_core_dims=[[dim], [dim], []],
        output_core_dims=[["peak"]] * 6 + [[]], output_sizes={"peak": len(labels)},
        output_dtypes=[float] * 5 + [bool, bool],
        kwargs=dict(x=x, windows=list(windows.values()), centres=_centres(windows),
                    factors=np.array([table[label] for label in labels]), exponent=exponent,
                    transmission=_transmission_fn(transmission), imfp=_imfp_fn(imfp),
                    background=background, n_average=int(n_average),
                    sigma=float(detection_sigma), estimate=estimate,
                    raise_errors=errors == "raise"))
    area, stderr, sens, percent, percent_err, detected, success = outputs
    area_units = f"{ds[var].attrs.get('units', '1') or '1'} * eV"
    out = xr.Dataset({
        "area": area.assign_attrs(units=area_units, long_name="Peak area above background"),
        "area_stderr": stderr.assign_attrs(units=area_units, long_name="Standard error of area"),
        "sensitivity_factor": sens.assign_attrs(units="1",
                                                long_name="Relative sensitivity factor"),
        "atomic_percent": percent.assign_attrs(units="percent", long_name="Atomic concentration"),
        "atomic_percent_stderr": percent_err.assign_attrs(
            units="percent", long_name="Standard error of atomic concentration"),
        "detected": detected.assign_attrs(long_name=f"Area above {detection_sigma:g} σ"),
        "success": success.assign_attrs(long_name="Quantification succeeded"),
    })
    lows = [w[0] for w in windows.values()]
    highs = [w[1] for w in windows.values()]
    out = out.assign_coords(
        peak=("peak", labels, {"long_name": "Core line"}),
        element=("peak", [_sensitivity.element_of(k) for k in labels],
                 {"long_name": "Element"}),
        range_start=("peak", lows, {"units": "eV", "long_name": "Range start (binding energy)"}),
        range_end=("peak", highs, {"units": "eV", "long_name": "Range end (binding energy)"}))
    out.attrs = {"method": f"{background} background, {set_name} sensitivity factors",
                 "uncertainty": f"{noise_source}; first order, sensitivity factors exact",
                 "parameters": {"sensitivity_set": set_name, "n_average": int(n_average),
                                "regions": {k: list(v) for k, v in windows.items()}}}
    return out
