"""Conversion between :class:`~characterization.fit.Model` and lmfit (imported only on use).

Names: the parameter ``"D1.center"`` is ``"D1_center"`` in lmfit (lmfit names must be Python
identifiers), ``"background.c0"`` is ``"background_c0"``. Ties become lmfit expressions
``"0.5*Si2p3_amplitude"``, ``"Si2p3_center + 0.6"``; going back, any expression that is linear
in exactly one parameter (``a*name + b`` in any arrangement) becomes a :class:`Tie`.

The lmfit model evaluates this package's own line shapes, so an lmfit fit and
:func:`~characterization.fit.fit_peaks` minimise the same function: that is what the parity
tests compare.
"""

from __future__ import annotations

import ast
import inspect
import math
from typing import Mapping

import numpy as np

from .backgrounds import Background
from .model import Model, Peak
from .params import Param, Tie


def lmfit_name(name: str) -> str:
    """lmfit parameter name of a model parameter: ``"D1.center"`` -> ``"D1_center"``."""
    return name.replace(".", "_")


def to_lmfit(model: Model, x=None, y=None, *, domain=None):
    """lmfit ``(Model, Parameters)`` equivalent to ``model``.

    Parameters
    ----------
    model : Model
    x, y : array_like, optional
        Data (1-D) used to guess starting values the model leaves as None, and to set the
        Chebyshev domain.
    domain : (float, float), optional
        Chebyshev domain; default (min x, max x). Required for Chebyshev backgrounds when x is
        not given.

    Returns
    -------
    (lmfit.Model, lmfit.Parameters)
        Values, bounds (including the line shapes' defaults), vary flags and ties as lmfit
        expressions. ``lmfit_model.eval(params, x=x)`` equals ``model.eval(x, ...)``.
    """
    import lmfit

    names = model.parameter_names
    lnames = [lmfit_name(n) for n in names]
    if domain is None and x is not None:
        xs = np.asarray(x, dtype=float)
        domain = (float(np.nanmin(xs)), float(np.nanmax(xs)))
    if domain is None and model.background.kind == "chebyshev":
        raise ValueError("a Chebyshev background needs x or domain= to fix its [-1, 1] mapping")

    def func(x, **kwargs):
        values = np.array([[kwargs[n] for n in lnames]])
        return model.eval(x, values, domain=domain)

    func.__signature__ = inspect.Signature(
        [inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=1.0)
           for n in lnames])
    func.__name__ = "characterization_peak_model"
    lm_model = lmfit.Model(func, independent_vars=["x"])

    starts = _starting_values(model, x, y, domain)
    params = lmfit.Parameters()
    for slot, ln, start in zip(model.slots, lnames, starts):
        if slot.tied:
            params.add(ln, expr=_expression(slot.spec))
        else:
            params.add(ln, value=float(start), min=slot.lower, max=slot.upper, vary=slot.free)
    return lm_model, params


def _starting_values(model, x, y, domain):
    from ._layout import Layout
    from .guess import guess_values

    values = np.array([np.nan if s.tied or s.spec.value is None else s.spec.value
                       for s in model.slots])
    missing = [s.name for s, v in zip(model.slots, values) if np.isnan(v) and not s.tied]
    if not missing:
        return np.nan_to_num(values)
    if x is None or y is None:
        raise ValueError(f"parameters {missing} have no starting value: give them values or pass "
                         "x and y to guess them from the data")
    layout = Layout(model, np.asarray(x, dtype=float), domain)
    y = np.asarray(y, dtype=float)
    return np.nan_to_num(guess_values(layout, y[None, :], np.isfinite(y)[None, :])[0])


def _expression(tie: Tie) -> str:
    ref = lmfit_name(tie.ref)
    text = ref if tie.scale == 1.0 else f"{tie.scale!r}*{ref}"
    if tie.offset:
        text += f" {'+' if tie.offset > 0 else '-'} {abs(tie.offset)!r}"
    return text


def with_lmfit_parameters(model: Model, params) -> Model:
    """Copy of ``model`` with values, bounds, vary and ties taken from lmfit ``params``.

    Every model parameter must be present (named as :func:`lmfit_name`). Infinite lmfit bounds
    are kept as explicit infinite bounds (they remove the line shapes' default bounds).
    """
    by_lmfit = {lmfit_name(n): n for n in model.parameter_names}
    missing = [ln for ln in by_lmfit if ln not in params]
    if missing:
        raise ValueError(f"lmfit Parameters lack {missing}")
    specs = {}
    for ln, name in by_lmfit.items():
        p = params[ln]
        if p.expr:
            specs[name] = _parse_tie(p.expr, by_lmfit, ln)
        else:
            value = float(p.value)
            lo, hi = float(p.min), float(p.max)
            specs[name] = Param(value, min=lo, max=hi, vary=bool(p.vary))
    peaks = []
    for peak in model.peaks:
        own = {role: specs[f"{peak.name}.{role}"] for role in peak.params}
        amp, cen = own.pop("amplitude"), own.pop("center")
        peaks.append(Peak(peak.name, peak.shape, amplitude=amp, center=cen,
                          amplitude_type=peak.amplitude_type, **own))
    bg = model.background
    coefs = {role: specs[f"background.{role}"] for role in bg.params}
    return Model(peaks, Background(bg.kind, bg.degree, **coefs))


def from_lmfit_parameters(params, shapes: Mapping[str, str], *, background=None,
                          amplitude_types: Mapping[str, str] | None = None) -> Model:
    """Model from lmfit Parameters named as :func:`to_lmfit` names them.

    Parameters
    ----------
    params : lmfit.Parameters
    shapes : dict
        Peak name -> line shape, in model order (``{"D1": "lorentzian", "G": "bwf"}``).
    background : str, optional
        Background kind; default inferred from the ``background_c<k>`` parameters present
        (as ``polynomial(k)``, i.e. constant/linear for k = 0/1).
    amplitude_types : dict, optional
        Peak name -> "area" or "height" (default "area").
    """
    amplitude_types = dict(amplitude_types or {})
    if background is None:
        degree = -1
        while f"background_c{degree + 1}" in params:
            degree += 1
        background = {-1: "none", 0: "constant", 1: "linear"}.get(degree, f"polynomial({degree})")
    template = Model([Peak(name, shape, amplitude_type=amplitude_types.get(name, "area"))
                      for name, shape in shapes.items()], background=background)
    return with_lmfit_parameters(template, params)


def _parse_tie(expr: str, by_lmfit: Mapping[str, str], own: str) -> Tie:
    """``a*name + b`` (any arrangement of +, -, *, / by constants) -> Tie(name, a, b)."""
    try:
        coefs, const = _linear(ast.parse(expr, mode="eval").body)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"lmfit expression {expr!r} of {own!r} is not a linear tie to one "
                         f"parameter ({exc})") from None
    coefs = {k: v for k, v in coefs.items() if v != 0.0}
    if len(coefs) != 1:
        raise ValueError(f"lmfit expression {expr!r} of {own!r} must depend on exactly one "
                         f"parameter, found {sorted(coefs)}")
    (ref, scale), = coefs.items()
    if ref not in by_lmfit:
        raise ValueError(f"lmfit expression {expr!r} of {own!r} refers to unknown {ref!r}")
    return Tie(by_lmfit[ref], scale=scale, offset=const)


def _linear(node):
    """Evaluate an AST as a linear form: ({name: coefficient}, constant)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return {}, float(node.value)
    if isinstance(node, ast.Name):
        return {node.id: 1.0}, 0.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        c, k = _linear(node.operand)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return {n: sign * v for n, v in c.items()}, sign * k
    if isinstance(node, ast.BinOp):
        lc, lk = _linear(node.left)
        rc, rk = _linear(node.right)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            sign = 1.0 if isinstance(node.op, ast.Add) else -1.0
            out = dict(lc)
            for n, v in rc.items():
                out[n] = out.get(n, 0.0) + sign * v
            return out, lk + sign * rk
        if isinstance(node.op, ast.Mult):
            if lc and rc:
                raise ValueError("product of two parameters")
            c, k, factor = (rc, rk, lk) if not lc else (lc, lk, rk)
            return {n: factor * v for n, v in c.items()}, factor * k
        if isinstance(node.op, ast.Div) and not rc:
            if rk == 0 or not math.isfinite(rk):
                raise ValueError("division by zero")
            return {n: v / rk for n, v in lc.items()}, lk / rk
    raise ValueError(f"unsupported element {ast.dump(node)}")
