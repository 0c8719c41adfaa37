"""Parameter specifications of a peak model: :class:`Param` (value, bounds, vary) and :class:`Tie`.

In a :class:`~characterization.fit.model.Peak` every parameter can be given as

* a number: the starting value (free, default bounds);
* ``None``: start from a value guessed from each spectrum;
* ``Param(value, min=..., max=..., vary=...)``: full control (``vary=False`` fixes it; a fixed
  parameter with ``value=None`` is guessed per spectrum and then held fixed);
* ``Tie("Other.param", scale=..., offset=...)``: the linear relation
  ``this = scale * Other.param + offset`` (doublet area ratio, spin–orbit splitting, shared
  width); a plain string ``"Other.param"`` is shorthand for ``Tie("Other.param")``.

The plain-dict forms (used by :meth:`Model.to_dict` and TOML recipes) are a number,
``{"value": v, "min": lo, "max": hi, "vary": b}`` and ``{"tie": "Other.param", "scale": s,
"offset": o}``; ``None`` and infinite bounds are simply left out.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any, Union


@dataclasses.dataclass(frozen=True)
class Param:
    """A fitted parameter: starting value, bounds and whether it varies.

    Parameters
    ----------
    value : float or None
        Starting value (fixed value when ``vary=False``); ``None`` = guess from the data.
    min, max : float or None
        Bounds; ``None`` keeps the line shape's default (e.g. ``fwhm >= 0``,
        ``0 <= eta <= 1``). Use ``-inf``/``inf`` to remove a default bound.
    vary : bool
        ``False`` holds the parameter at ``value`` (or at the guess when ``value`` is None).
    """

    value: float | None = None
    min: float | None = None
    max: float | None = None
    vary: bool = True

    def __post_init__(self):
        for field in ("value", "min", "max"):
            v = getattr(self, field)
            if v is not None:
                if not isinstance(v, numbers.Real) or isinstance(v, bool):
                    raise ValueError(f"Param.{field} must be a real number or None, got {v!r}")
                if field == "value" and not math.isfinite(v):
                    raise ValueError(f"Param.value must be finite, got {v!r}")
                object.__setattr__(self, field, float(v))
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"Param bounds must satisfy min < max, got min={self.min}, "
                             f"max={self.max}")
        if self.value is not None:
            if (self.min is not None and self.value < self.min) or (
                    self.max is not None and self.value > self.max):
                raise ValueError(f"Param value {self.value} lies outside its bounds "
                                 f"[{self.min}, {self.max}]")
        if not isinstance(self.vary, (bool,)) and not hasattr(self.vary, "__bool__"):
            raise ValueError(f"Param.vary must be a bool, got {self.vary!r}")
        object.__setattr__(self, "vary", bool(self.vary))


@dataclasses.dataclass(frozen=True)
class Tie:
    """Linear tie ``this = scale * ref + offset`` to another parameter ``ref`` ("Peak.param").

    Examples
    --------
    Spin–orbit doublet (Si 2p1/2 with half the area of Si 2p3/2, 0.6 eV higher):

    >>> Tie("Si2p3.amplitude", scale=0.5), Tie("Si2p3.center", offset=0.6)
    (Tie(ref='Si2p3.amplitude', scale=0.5, offset=0.0), Tie(ref='Si2p3.center', scale=1.0, offset=0.6))
    """

    ref: str
    scale: float = 1.0
    offset: float = 0.0

    def __post_init__(self):
        if not isinstance(self.ref, str) or self.ref.count(".") != 1:
            raise ValueError(f"Tie reference must look like 'Peak.param', got {self.ref!r}")
        for field in ("scale", "offset"):
            v = getattr(self, field)
            if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
                raise ValueError(f"Tie.{field} must be a finite number, got {v!r}")
            object.__setattr__(self, field, float(v))


ParamSpec = Union[Param, Tie]


def as_spec(spec: Any, where: str) -> ParamSpec:
    """Normalise what a user wrote for one parameter into a :class:`Param` or :class:`Tie`.

    ``where`` names the parameter in error messages ("peak 'D', parameter 'fwhm'").
    """
    if isinstance(spec, (Param, Tie)):
        return spec
    if spec is None:
        return Param()
    if isinstance(spec, bool):
        raise ValueError(f"{where}: a bool is not a parameter value")
    if isinstance(spec, numbers.Real):
        return Param(float(spec))
    if isinstance(spec, str):
        return Tie(spec)
    if isinstance(spec, dict):
        keys = set(spec)
        if "tie" in keys:
            unknown = keys - {"tie", "scale", "offset"}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)} in tie {spec!r}")
            return Tie(spec["tie"], spec.get("scale", 1.0), spec.get("offset", 0.0))
        unknown = keys - {"value", "min", "max", "vary"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)} in {spec!r}; "
                             "expected value/min/max/vary or tie/scale/offset")
        try:
            return Param(spec.get("value"), parse_bound(spec.get("min")),
                         parse_bound(spec.get("max")), spec.get("vary", True))
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    raise ValueError(f"{where}: cannot interpret {spec!r} as a parameter "
                     "(number, None, Param, Tie, 'Peak.param' or dict)")


def spec_to_plain(spec: ParamSpec) -> Any:
    """Plain JSON/TOML-friendly form of a spec (None when there is nothing to say)."""
    if isinstance(spec, Tie):
        out: dict[str, Any] = {"tie": spec.ref}
        if spec.scale != 1.0:
            out["scale"] = spec.scale
        if spec.offset != 0.0:
            out["offset"] = spec.offset
        return out
    if spec.min is None and spec.max is None and spec.vary:
        return spec.value
    out = {}
    if spec.value is not None:
        out["value"] = spec.value
    for field in ("min", "max"):
        v = getattr(spec, field)
        if v is not None and math.isfinite(v):
            out[field] = v
        elif v is not None:
            # an explicit infinite bound removes a default bound: keep it as a string
            out[field] = "inf" if v > 0 else "-inf"
    if not spec.vary:
        out["vary"] = False
    return out


def parse_bound(v):
    """Bound from plain form: number, None or the strings 'inf' / '-inf'."""
    if isinstance(v, str):
        if v.strip().lower() in ("inf", "+inf", "infinity"):
            return math.inf
        if v.strip().lower() in ("-inf", "-infinity"):
            return -math.inf
        raise ValueError(f"bound must be a number, 'inf' or '-inf', got {v!r}")
    return v
