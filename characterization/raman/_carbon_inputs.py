"""Input checks, candidate models and result labelling of :func:`characterization.raman.fit_carbon`
(private helpers of :mod:`characterization.raman.carbon`)."""

from __future__ import annotations

import json
import warnings

import numpy as np

from ..errors import AnalysisError
from ..fit.engine import _check_range, units_of
from ..fit.model import Model
from ..fit.solver import SolverOptions
from . import _carbon_kernel as K
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


_FIT_KWARGS = ("max_nfev", "xtol", "ftol", "gtol")


def solver_options(fit_kwargs, n_free):
    """Engine options from ``fit_kwargs`` (max_nfev default 100 x (free parameters + 1))."""
    given = dict(fit_kwargs or {})
    unknown = sorted(set(given) - set(_FIT_KWARGS))
    if unknown:
        raise AnalysisError(f"fit_carbon: unknown fit_kwargs {unknown}; known: {_FIT_KWARGS}")
    given["max_nfev"] = int(given.get("max_nfev") or 100 * (n_free + 1))
    try:
        return SolverOptions(**given)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"fit_carbon: fit_kwargs {given}: {exc}") from None


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
        params = [_param_label(p, lab) for p in m.parameter_names]
        out.append(K.Candidate(name, m, lab, d_peak, g_peak, params))
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise AnalysisError(f"candidate models repeat: {names}")
    return out


def _param_label(name, lab):
    owner, role = name.split(".", 1)
    return f"{lab.get(owner, owner)}.{role}"


def fit_range(rng, extra, laser):
    if rng is None:
        return (DEFAULT_RANGE[0], 3000.0) if "2D" in extra else DEFAULT_RANGE
    lo, hi = _check_range(rng)
    for key in extra:
        b_lo, b_hi = BANDS[key].position(laser)[1:]
        if b_lo < lo or b_hi > hi:
            raise AnalysisError(f"band {BANDS[key].label} (window {b_lo:.0f}-{b_hi:.0f} 1/cm) "
                                f"lies outside range {[lo, hi]}; widen the range")
    return lo, hi


# ---------------------------------------------------------------------- labelling
def label_result(result, candidates, param_labels, y_units, x_units):
    per_peak = {"center": x_units, "fwhm": x_units, "height": y_units,
                "area": units_of(y_units, x_units, 1, 1)}
    attrs = {"id_ig_height": ("1", "I_D/I_G by height (D1/G)"),
             "id_ig_height_stderr": ("1", "Standard error of I_D/I_G by height"),
             "id_ig_area": ("1", "I_D/I_G by area (D1/G)"),
             "id_ig_area_stderr": ("1", "Standard error of I_D/I_G by area"),
             "chisqr": (f"({y_units})**2", "Chi-square of the chosen model"),
             "redchi": (f"({y_units})**2", "Reduced chi-square of the chosen model"),
             "success": ("1", "Fit converged"),
             "n_points": ("1", "Number of fitted points"),
             "model": ("", "Band model chosen"),
             "bic": ("1", "Bayesian information criterion N ln(chi2/N) + k ln N"),
             "value": ("", "Fitted parameter value (units per parameter: param_units)"),
             "stderr": ("", "Standard error of the parameter (units per parameter: "
                            "param_units)"),
             "best_fit": (y_units, "Best-fit band model")}
    for q, name in _NAMES.items():
        attrs[q] = (per_peak[q], name)
        attrs[f"{q}_stderr"] = (per_peak[q], f"Standard error of {name.lower()}")
    for name, (units, long_name) in attrs.items():
        if name in result:
            result[name].attrs = {"units": units, "long_name": long_name}
    units = {}
    for c in candidates:
        for slot, lab in zip(c.model.slots, c.param_labels):
            units.setdefault(lab, units_of(y_units, x_units, slot.y_power, slot.x_power))
    result.coords["param_units"] = ("param", [units[p] for p in param_labels],
                                    {"units": "", "long_name": "Units of each parameter"})
    result.coords["n_params"] = ("candidate", [c.n_free for c in candidates],
                                 {"units": "1", "long_name": "Free parameters of the model"})
    for name, long_name in (("peak", "Band"), ("candidate", "Candidate band model"),
                            ("param", "Parameter")):
        result[name].attrs = {"units": "", "long_name": long_name}


def result_attrs(candidates, fit_range, laser, extra, options):
    """Method, resolved parameters and the model description of a fit_carbon result."""
    models = {c.name: c.model.to_dict() for c in candidates}
    shapes = {c.name: {c.labels[p.name]: p.shape for p in c.model.peaks} for c in candidates}
    backgrounds = {c.name: c.model.background.to_plain() for c in candidates}
    return {
        "method": "carbon D/G band fit (batched Levenberg-Marquardt, BIC model choice)",
        "parameters": {"range": list(fit_range), "include": list(extra),
                       "laser_wavelength": laser, "max_nfev": options.max_nfev},
        "models": json.dumps(models, allow_nan=False),
        "line_shapes": json.dumps(shapes),
        "background": json.dumps({"per_model": backgrounds,
                                  "note": "background fitted together with the bands over the "
                                          "range ('none': spectra assumed background-corrected)"}),
        "range": json.dumps(list(fit_range)),
        "laser_wavelength": json.dumps(laser),
        "selection": ("lowest BIC = N ln(chi2/N) + k ln N per spectrum" if len(candidates) > 1
                      else "single model"),
        "ratio_definition": "I_D/I_G = D1/G; height: band maxima; area: band integrals "
                            "(BWF: above its asymptote)",
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
