"""Input checks, candidate models and result labelling of :func:`characterization.raman.fit_carbon`
(private helpers of :mod:`characterization.raman.carbon`)."""

from __future__ import annotations

import json
import warnings

import numpy as np

from ..errors import AnalysisError
from ..fit import Model
from .carbon_models import AUTO, BANDS, PRESETS, carbon_model, check_laser_wavelength, labels

DEFAULT_RANGE = (800.0, 2000.0)
_WAVENUMBER_UNITS = ("1/cm", "cm^-1", "cm**-1", "cm-1", "1 / cm", "/cm")
_NAMES = {"center": "Band position (maximum)", "fwhm": "Band FWHM", "height": "Band height",
          "area": "Band area"}


def check_units(ds, dim, var):
    """The shift axis must be in 1/cm (band positions and bounds are) and ``var`` have units."""
    units = ds[dim].attrs.get("units")
    if str(units).replace(" ", "") not in [u.replace(" ", "") for u in _WAVENUMBER_UNITS]:
        raise AnalysisError(f"fit_carbon: {dim!r} must be a Raman shift in 1/cm (band positions "
                            f"and bounds are in 1/cm), got units {units!r}; convert it first")
    if not isinstance(ds[var].attrs.get("units"), str):
        raise AnalysisError(f"fit_carbon: {var!r} has no attrs['units'] (e.g. 'count')")


#: Options of :func:`characterization.fit.fit_peaks` that ``fit_kwargs`` may set.
FIT_KWARGS = ("max_nfev", "xtol", "ftol", "gtol", "detection_sigma", "block_size")


def engine_options(fit_kwargs, function="fit_carbon"):
    """``fit_kwargs`` checked against the engine options a technique function passes on."""
    given = dict(fit_kwargs or {})
    unknown = sorted(set(given) - set(FIT_KWARGS))
    if unknown:
        raise AnalysisError(f"{function}: unknown fit_kwargs {unknown}; known: {FIT_KWARGS}")
    return given


class Candidate:
    """One band model of a fit_carbon call: its name, Model, peak labels and D/G peaks."""

    def __init__(self, name, model, labels, d_peak, g_peak):
        self.name = name
        self.model = model
        self.labels = labels                  # fit-parameter prefix -> label on the peak dim
        self.d_peak, self.g_peak = d_peak, g_peak
        self.n_free = sum(1 for s in model.slots if s.free)


def resolve_laser(ds, laser_wavelength):
    if laser_wavelength is not None:
        return check_laser_wavelength(laser_wavelength)
    if "laser_wavelength" not in ds.coords:
        return None
    coord = ds.coords["laser_wavelength"]
    units = coord.attrs.get("units", "nm")
    if units != "nm":
        raise AnalysisError(f"coordinate 'laser_wavelength' must be in nm, got {units!r}")
    values = np.unique(np.asarray(coord.values, dtype=float))
    values = values[np.isfinite(values)]
    if values.size == 1:
        return check_laser_wavelength(values[0])
    if values.size > 1:
        warnings.warn(f"laser_wavelength differs across the batch ({values.tolist()} nm): band "
                      "windows for any excitation 488-785 nm are used; fit each laser "
                      "separately for tighter bounds", stacklevel=3)
    return None


def build_candidates(model, laser, extra, background):
    if isinstance(model, (str, Model)):
        items = list(AUTO) if isinstance(model, str) and model == "auto" else [model]
    else:
        try:
            items = list(model)
        except TypeError:
            raise AnalysisError(f"model must be a preset name, 'auto', a Model or a list of "
                                f"them, got {type(model).__name__}") from None
    if not items:
        raise AnalysisError("model list is empty")
    out = []
    for k, item in enumerate(items):
        if isinstance(item, Model):
            name = "custom" if len(items) == 1 else f"custom{k}"
            m = item
        elif isinstance(item, str) and item in PRESETS:
            name = item
            try:
                m = carbon_model(item, laser_wavelength=laser, include=extra,
                                 background=background)
            except ValueError as exc:
                raise AnalysisError(str(exc)) from None
        else:
            raise AnalysisError(f"unknown carbon model {item!r}; presets: "
                                f"{', '.join(PRESETS)}, 'auto', or a characterization.fit.Model")
        lab = labels(m)
        d_peak = "D1" if "D1" in lab else ("D" if "D" in lab else None)
        g_peak = "G" if "G" in lab else None
        out.append(Candidate(name, m, lab, d_peak, g_peak))
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise AnalysisError(f"candidate models repeat: {names}")
    return out


def param_label(name, prefix_labels):
    """``"X2D.center"`` -> ``"2D.center"``: a parameter named with its band's label."""
    owner, _, role = name.partition(".")
    return f"{prefix_labels.get(owner, owner)}.{role}" if role else name


def fit_range(rng, extra, laser, candidates):
    """The fitted range: default 800-2000 1/cm (800-3000 / 3100 with 2D / D+D'); every band
    of every candidate must start inside it (a band outside is pinned at a bound)."""
    if rng is None:
        hi = 3100.0 if "D+D'" in extra else 3000.0 if "2D" in extra else DEFAULT_RANGE[1]
        lo = min(DEFAULT_RANGE[0], 900.0 if "Si960" in extra else DEFAULT_RANGE[0])
        return lo, hi
    try:
        lo, hi = sorted(float(v) for v in rng)
    except (TypeError, ValueError):
        raise AnalysisError(f"fit_carbon: range must be two numbers (lo, hi), got {rng!r}") \
            from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        raise AnalysisError(f"fit_carbon: range must be two different finite numbers, "
                            f"got {rng!r}")
    for key in extra:
        b_lo, b_hi = BANDS[key].position(laser)[1:]
        if b_lo < lo or b_hi > hi:
            raise AnalysisError(f"band {BANDS[key].label} (window {b_lo:.0f}-{b_hi:.0f} 1/cm) "
                                f"lies outside range {[lo, hi]}; widen the range")
    for cand in candidates:
        for peak in cand.model.peaks:
            start = peak.params["center"].value
            if start is None:
                continue
            if not lo <= start <= hi:
                raise AnalysisError(
                    f"fit_carbon: range {[lo, hi]} excludes band {cand.labels[peak.name]} of "
                    f"model {cand.name!r} (starts at {start:.0f} 1/cm): it would be fitted to "
                    "nothing and pinned at a bound; widen the range or choose a model without "
                    "that band")
    return lo, hi


# ---------------------------------------------------------------------- labelling
RATIOS = {"id_ig": ("d_peak", "I_D/I_G", "D1/G"), "i2d_ig": ("2D", "I_2D/I_G", "2D/G"),
          "id2_ig": ("D2", "I_D'/I_G", "D2 (D')/G")}


def label_result(result, x_units, y_units):
    """Units and long names of the fit_carbon-specific variables (in place)."""
    attrs = {"model": ("", "Band model chosen (lowest BIC; 'none': every candidate failed)"),
             "bic": ("1", "Bayesian information criterion N ln(chi2/N) + k ln N"),
             "n_points": ("1", "Number of fitted points"),
             "g_detected": ("1", "G band detected (engine's detection test)"),
             "reason": ("", "Why the D/G ratios are NaN ('' where they are defined)"),
             "snr": ("1", "Signal-to-noise ratio of the G band (height / noise)"),
             "quality": ("1", "Pixel quality: I_D/I_G defined (fit converged, G and D1 "
                              "detected and not at a bound, G signal-to-noise >= min_snr)"),
             "best_fit": (y_units, "Best-fit band model")}
    for key, (_, text, what) in RATIOS.items():
        for q in ("height", "area"):
            attrs[f"{key}_{q}"] = ("1", f"{text} by {q} ({what})")
            attrs[f"{key}_{q}_stderr"] = ("1", f"Standard error of {text} by {q}")
    for name, (units, long_name) in attrs.items():
        if name in result:
            result[name].attrs = {**result[name].attrs, "units": units, "long_name": long_name}
    for name, long_name in (("peak", "Band"), ("candidate", "Candidate band model"),
                            ("param", "Parameter")):
        if name in result.coords:
            result[name].attrs = {"units": "", "long_name": long_name}


def carbon_attrs(candidates, fit_range, laser, extra, max_nfev):
    """Method, resolved parameters and the model description of a fit_carbon result."""
    models = {c.name: c.model.to_dict() for c in candidates}
    shapes = {c.name: {c.labels[p.name]: p.shape for p in c.model.peaks} for c in candidates}
    backgrounds = {c.name: c.model.background.to_plain() for c in candidates}
    return {
        "method": "carbon D/G band fit (batched Levenberg-Marquardt, BIC model choice)",
        "parameters": {"range": list(fit_range), "include": list(extra),
                       "laser_wavelength": laser, "max_nfev": max_nfev},
        "models": json.dumps(models, allow_nan=False),
        "line_shapes": json.dumps(shapes),
        "background": json.dumps({"per_model": backgrounds,
                                  "note": "background fitted together with the bands over the "
                                          "range ('none': spectra assumed background-corrected)"}),
        "range": json.dumps(list(fit_range)),
        "laser_wavelength": json.dumps(laser),
        "selection": ("lowest BIC = N ln(chi2/N) + k ln N per spectrum" if len(candidates) > 1
                      else "single model"),
        "ratio_definition": "I_D/I_G = D1/G (I_2D/I_G = 2D/G, I_D'/I_G = D2/G when fitted); "
                            "height: band maxima; area: band integrals (BWF: above its "
                            "asymptote); defined where G and the other band are detected",
    }


def size_laser(res, laser_wavelength):
    if laser_wavelength is not None:
        return check_laser_wavelength(laser_wavelength)
    if "laser_wavelength" in res.coords:
        coord = res.coords["laser_wavelength"]
        if coord.attrs.get("units", "nm") != "nm":
            raise AnalysisError(f"coordinate 'laser_wavelength' must be in nm, got "
                                f"{coord.attrs['units']!r}")
        if np.isfinite(coord.values).all():
            return coord.astype(float) if coord.ndim else float(coord)
    recorded = res.attrs.get("laser_wavelength")
    if isinstance(recorded, str) and recorded not in ("null", "None"):
        return float(json.loads(recorded))
    raise AnalysisError("La needs the excitation wavelength: the Dataset has no "
                        "'laser_wavelength' coordinate; pass laser_wavelength= (nm)")
