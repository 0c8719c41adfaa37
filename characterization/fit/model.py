"""The peak model a user writes: :class:`Peak` s plus a :class:`~.backgrounds.Background`.

>>> from characterization.fit import Model, Peak, Param, Tie
>>> model = Model(peaks=[Peak("D", "lorentzian", center=1350, fwhm=60),
...                      Peak("G", "lorentzian", center=1590, fwhm=40)], background="linear")
>>> model.parameter_names
('D.amplitude', 'D.center', 'D.fwhm', 'G.amplitude', 'G.center', 'G.fwhm', 'background.c0', 'background.c1')

A model is a pure description (no data). It converts to and from plain dicts (JSON/TOML
recipes) and evaluates itself on any x; :mod:`characterization.fit.lmfit_bridge` converts it to
and from lmfit (``to_lmfit(model, x, y)``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .backgrounds import Background
from .lineshapes import AMPLITUDE_TYPES, LineShape, get_lineshape
from .params import Param, ParamSpec, Tie, as_spec, spec_to_plain

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
BACKGROUND = "background"


@dataclasses.dataclass(frozen=True)
class ParamSlot:
    """One parameter of a model, with everything needed to fit and label it.

    ``lower``/``upper`` are the effective bounds (user's or the shape's default); the units of
    the parameter are ``y_units**y_power * x_units**x_power``.
    """

    name: str
    owner: str
    role: str
    spec: ParamSpec
    default_value: float | None
    lower: float
    upper: float
    y_power: int
    x_power: int
    long_name: str

    @property
    def tied(self) -> bool:
        return isinstance(self.spec, Tie)

    @property
    def free(self) -> bool:
        return isinstance(self.spec, Param) and self.spec.vary


class Peak:
    """One peak: a name, a line shape and its parameter specs.

    Parameters
    ----------
    name : str
        Identifier (letters, digits, underscore; not ``"background"``), e.g. ``"D"``, ``"Si2p3"``.
    shape : str
        Line shape name, see :mod:`characterization.fit.lineshapes` (``"lorentzian"``,
        ``"gaussian"``, ``"pseudo_voigt"``, ``"voigt"``, ``"pearson7"``, ``"bwf"``, ``"gl"``,
        ``"sgl"``, ``"split_pseudo_voigt"``, ``"split_lorentzian"``).
    amplitude, center : number, None, Param, Tie or "Peak.param"
        Amplitude (the area or the height, see ``amplitude_type``) and position. None = guess.
    amplitude_type : {"area", "height"}
        What ``amplitude`` means for this peak.
    **shape_params
        The shape's own parameters (``fwhm=``, ``eta=``, ``fwhm_g=`` ...), same forms.

    Examples
    --------
    >>> Peak("G", "bwf", center=1590, fwhm=Param(60, min=10, max=150), q=-8)
    Peak('G', 'bwf', amplitude_type='area', center=1590.0, fwhm=Param(value=60.0, min=10.0, max=150.0, vary=True), q=-8.0)
    """

    def __init__(self, name: str, shape: str, *, amplitude: Any = None, center: Any = None,
                 amplitude_type: str = "area", **shape_params: Any):
        if not isinstance(name, str) or not _NAME.match(name) or name == BACKGROUND:
            raise ValueError(f"peak name must be an identifier (letters, digits, '_') other than "
                             f"'background', got {name!r}")
        if amplitude_type not in AMPLITUDE_TYPES:
            raise ValueError(f"peak {name!r}: amplitude_type must be 'area' or 'height', "
                             f"got {amplitude_type!r}")
        self.name = name
        self.lineshape: LineShape = get_lineshape(shape)
        self.shape = self.lineshape.name
        self.amplitude_type = amplitude_type
        allowed = self.lineshape.param_names[2:]
        unknown = set(shape_params) - set(allowed)
        if unknown:
            raise ValueError(f"peak {name!r} ({self.shape}) has shape parameters "
                             f"{list(allowed)}, got unknown {sorted(unknown)}")
        given = {"amplitude": amplitude, "center": center, **shape_params}
        self.params: dict[str, ParamSpec] = {
            role: as_spec(given.get(role), f"peak {name!r}, parameter {role!r}")
            for role in self.lineshape.param_names}

    def to_plain(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "shape": self.shape}
        if self.amplitude_type != "area":
            out["amplitude_type"] = self.amplitude_type
        for role, spec in self.params.items():
            plain = spec_to_plain(spec)
            if plain is not None:
                out[role] = plain
        return out

    @classmethod
    def from_plain(cls, d: Mapping) -> "Peak":
        if not isinstance(d, Mapping) or "name" not in d or "shape" not in d:
            raise ValueError(f"a peak needs at least 'name' and 'shape', got {d!r}")
        d = dict(d)
        params = d.pop("params", {})     # nested form {"params": {...}} is accepted too
        return cls(d.pop("name"), d.pop("shape"), **{**d, **params})

    def __eq__(self, other):
        return isinstance(other, Peak) and (self.name, self.shape, self.amplitude_type,
                                            self.params) == (other.name, other.shape,
                                                             other.amplitude_type, other.params)

    def __repr__(self) -> str:
        given = "".join(f", {k}={v.value!r}" if isinstance(v, Param) and v == Param(v.value)
                        else f", {k}={v!r}" for k, v in self.params.items() if v != Param())
        return f"Peak({self.name!r}, {self.shape!r}, amplitude_type={self.amplitude_type!r}{given})"


class Model:
    """A sum of peaks on a background, described in a few lines.

    Parameters
    ----------
    peaks : sequence of Peak (or plain dicts)
        The peaks; when several have no starting ``center`` they are assigned to the most
        prominent maxima in increasing x order, so list them by increasing position.
    background : str, dict or Background
        ``"none"`` (default), ``"constant"``, ``"linear"``, ``"polynomial(n)"``,
        ``"chebyshev(n)"`` or a :class:`~characterization.fit.backgrounds.Background`.

    Notes
    -----
    Parameter names are ``"<peak>.<param>"`` and ``"background.c<k>"``. Ties must point at an
    existing parameter and must not form a cycle (checked here).
    """

    def __init__(self, peaks: Sequence[Peak | Mapping] = (), background: Any = "none"):
        peaks = tuple(p if isinstance(p, Peak) else Peak.from_plain(p) for p in peaks)
        if not peaks:
            raise ValueError("a Model needs at least one Peak")
        names = [p.name for p in peaks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"peak names must be unique, repeated: {dupes}")
        self.peaks: tuple[Peak, ...] = peaks
        self.background: Background = Background.parse(background)
        self._slots = self._build_slots()
        self._check_ties()

    # ------------------------------------------------------------------ structure
    def _build_slots(self) -> tuple[ParamSlot, ...]:
        slots = []
        for peak in self.peaks:
            shape = peak.lineshape
            defaults = {p.name: p for p in shape.shape_params}
            for role, spec in peak.params.items():
                if role == "amplitude":
                    # peaks of scattering/emission spectra are positive: amplitude >= 0 by
                    # default (Param(min=-inf) allows dips)
                    powers, default, lo, hi = (1, 1 if peak.amplitude_type == "area" else 0), \
                        None, 0.0, math.inf
                    long_name = f"{peak.name} {peak.amplitude_type}"
                elif role == "center":
                    powers, default, lo, hi = (0, 1), None, -math.inf, math.inf
                    long_name = f"{peak.name} center"
                else:
                    sp = defaults[role]
                    powers = (0, 1) if sp.kind == "width" else (0, 0)
                    default, lo, hi = sp.default, sp.min, sp.max
                    long_name = f"{peak.name} {sp.long_name}"
                if isinstance(spec, Param):
                    lo = lo if spec.min is None else spec.min
                    hi = hi if spec.max is None else spec.max
                    if lo >= hi:
                        raise ValueError(f"peak {peak.name!r}, parameter {role!r}: bounds "
                                         f"[{lo}, {hi}] are empty")
                    if spec.value is not None and not lo <= spec.value <= hi:
                        raise ValueError(f"peak {peak.name!r}, parameter {role!r}: value "
                                         f"{spec.value} outside bounds [{lo}, {hi}]")
                slots.append(ParamSlot(f"{peak.name}.{role}", peak.name, role, spec, default,
                                       lo, hi, powers[0], powers[1], long_name))
        bg = self.background
        for k, (role, spec) in enumerate(bg.params.items()):
            lo, hi = -math.inf, math.inf
            if isinstance(spec, Param):
                lo = lo if spec.min is None else spec.min
                hi = hi if spec.max is None else spec.max
            slots.append(ParamSlot(f"{BACKGROUND}.{role}", BACKGROUND, role, spec, None, lo, hi,
                                   1, bg.x_power(k), f"Background coefficient {role} ({bg.kind})"))
        return tuple(slots)

    def _check_ties(self):
        index = {s.name: i for i, s in enumerate(self._slots)}
        for s in self._slots:
            if s.tied and s.spec.ref not in index:
                raise ValueError(f"{s.name} is tied to unknown parameter {s.spec.ref!r}; "
                                 f"known: {', '.join(index)}")
        for s in self._slots:
            seen, current = [s.name], s
            while current.tied:
                nxt = current.spec.ref
                if nxt in seen:
                    raise ValueError(f"ties form a cycle: {' -> '.join(seen + [nxt])}")
                seen.append(nxt)
                current = self._slots[index[nxt]]

    @property
    def slots(self) -> tuple[ParamSlot, ...]:
        """All parameters in order (peaks in order, then background coefficients)."""
        return self._slots

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._slots)

    @property
    def peak_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.peaks)

    @property
    def component_names(self) -> tuple[str, ...]:
        """Peaks, then ``"background"`` when there is one."""
        extra = (BACKGROUND,) if self.background.degree >= 0 else ()
        return (*self.peak_names, *extra)

    # ------------------------------------------------------------------ plain forms
    def to_dict(self) -> dict:
        """Plain dict (JSON/TOML-friendly; None and infinite values are left out)."""
        return {"peaks": [p.to_plain() for p in self.peaks],
                "background": self.background.to_plain()}

    @classmethod
    def from_dict(cls, d: Mapping) -> "Model":
        """Model from :meth:`to_dict` output or a hand-written recipe table.

        >>> Model.from_dict({"peaks": [{"name": "A", "shape": "gaussian", "center": 5}],
        ...                  "background": "constant"}).parameter_names
        ('A.amplitude', 'A.center', 'A.fwhm', 'background.c0')
        """
        if not isinstance(d, Mapping) or "peaks" not in d:
            raise ValueError(f"a model dict needs a 'peaks' list, got {d!r}")
        unknown = set(d) - {"peaks", "background"}
        if unknown:
            raise ValueError(f"unknown keys in model dict: {sorted(unknown)}")
        return cls(peaks=[Peak.from_plain(p) for p in d["peaks"]],
                   background=d.get("background", "none"))

    def to_json(self, **kwargs) -> str:
        """JSON string of :meth:`to_dict` (standard JSON: no NaN/Infinity)."""
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    @classmethod
    def from_json(cls, text: str) -> "Model":
        return cls.from_dict(json.loads(text))

    # ------------------------------------------------------------------ evaluation
    def resolve(self, values: Mapping[str, Any] | Sequence | np.ndarray) -> np.ndarray:
        """Full parameter array, shape (B, P), from values of the non-tied parameters.

        ``values`` is a mapping name -> number or (B,) array, or an array (B, P) / (P,) in
        :attr:`parameter_names` order. Tied parameters are (re)computed from their ties.
        """
        names = self.parameter_names
        if isinstance(values, Mapping):
            unknown = set(values) - set(names)
            if unknown:
                raise ValueError(f"unknown parameter names {sorted(unknown)}; known: {names}")
            arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in values.items()}
            batch = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else (1,)
            out = np.full((int(np.prod(batch)), len(names)), np.nan)
            for k, a in arrays.items():
                out[:, names.index(k)] = np.broadcast_to(a, batch).ravel()
        else:
            out = np.atleast_2d(np.array(values, dtype=float))
            if out.shape[-1] != len(names):
                raise ValueError(f"expected {len(names)} values ({names}), got shape {out.shape}")
        index = {n: i for i, n in enumerate(names)}
        for _ in range(len(names)):
            for i, s in enumerate(self._slots):
                if s.tied:
                    out[:, i] = s.spec.scale * out[:, index[s.spec.ref]] + s.spec.offset
        missing = [n for i, n in enumerate(names) if np.isnan(out[:, i]).all()]
        if missing:
            raise ValueError(f"no value given for parameters {missing}")
        return out

    def eval_components(self, x, values, *, domain: tuple[float, float] | None = None) -> dict:
        """Each component (peaks, background) on ``x``: dict name -> array (B, N) or (N,)."""
        x = np.asarray(x, dtype=float)
        p = self.resolve(values)
        squeeze = p.shape[0] == 1
        domain = domain or (float(np.nanmin(x)), float(np.nanmax(x)))
        out, start = {}, 0
        for peak in self.peaks:
            n = len(peak.params)
            cols = [p[:, [start + j]] for j in range(n)]
            out[peak.name] = peak.lineshape.evaluate(x, cols[0], cols[1], cols[2:],
                                                     peak.amplitude_type)
            start += n
        if self.background.degree >= 0:
            out[BACKGROUND] = p[:, start:] @ self.background.basis(x, domain)
        return {k: (v[0] if squeeze else v) for k, v in out.items()}

    def eval(self, x, values, *, domain: tuple[float, float] | None = None) -> np.ndarray:
        """Model value on ``x`` (sum of :meth:`eval_components`).

        ``domain`` is the (min, max) x of the fit (Chebyshev backgrounds only; default: x).
        """
        return sum(self.eval_components(x, values, domain=domain).values())

    # ------------------------------------------------------------------ misc
    def with_values(self, values: Mapping[str, float]) -> "Model":
        """Copy with new starting values (bounds/vary kept) for the named parameters."""
        unknown = set(values) - set(self.parameter_names)
        if unknown:
            raise ValueError(f"unknown parameter names {sorted(unknown)}")
        new_peaks = []
        for peak in self.peaks:
            kwargs = dict(peak.params)
            for role, spec in peak.params.items():
                key = f"{peak.name}.{role}"
                if key in values and isinstance(spec, Param):
                    kwargs[role] = dataclasses.replace(spec, value=float(values[key]))
            amp, cen = kwargs.pop("amplitude"), kwargs.pop("center")
            new_peaks.append(Peak(peak.name, peak.shape, amplitude=amp, center=cen,
                                  amplitude_type=peak.amplitude_type, **kwargs))
        coefs = dict(self.background.params)
        for role, spec in coefs.items():
            key = f"{BACKGROUND}.{role}"
            if key in values and isinstance(spec, Param):
                coefs[role] = dataclasses.replace(spec, value=float(values[key]))
        return Model(new_peaks, Background(self.background.kind, self.background.degree, **coefs))

    def __eq__(self, other):
        return isinstance(other, Model) and self.peaks == other.peaks and (
            self.background == other.background)

    def __repr__(self) -> str:
        peaks = ",\n    ".join(repr(p) for p in self.peaks)
        return f"Model(peaks=[\n    {peaks}],\n  background={self.background!r})"


def iter_peak_columns(model: Model) -> Iterable[tuple[Peak, slice]]:
    """Each peak with the slice of its parameters in :attr:`Model.parameter_names` order."""
    start = 0
    for peak in model.peaks:
        n = len(peak.params)
        yield peak, slice(start, start + n)
        start += n
