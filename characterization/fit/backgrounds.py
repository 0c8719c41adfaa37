"""Backgrounds that are linear in their coefficients: none, constant, linear, polynomial, Chebyshev.

``polynomial(n)`` is ``sum_k c_k x**k`` in the raw x of the data (coefficients carry units
``y / x**k``); ``chebyshev(n)`` is ``sum_k c_k T_k(s)`` with ``s`` the x mapped linearly onto
[-1, 1] over the fitted range (all coefficients carry y units). For degrees above 2 prefer
Chebyshev: the raw powers of x over a narrow window are nearly collinear, which inflates the
standard errors of the coefficients (not of the peaks).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .params import Param, ParamSpec, as_spec, spec_to_plain

KINDS = ("none", "constant", "linear", "polynomial", "chebyshev")
_PATTERN = re.compile(r"^\s*(poly|polynomial|cheb|chebyshev)\s*\(?\s*(\d+)\s*\)?\s*$", re.I)


class Background:
    """A background linear in its coefficients ``c0 ... cn``.

    Parameters
    ----------
    kind : {"none", "constant", "linear", "polynomial", "chebyshev"}
        Also accepted as one string: ``"polynomial(3)"``, ``"chebyshev(2)"``, ``"poly2"``.
    degree : int, optional
        Polynomial degree (``polynomial``/``chebyshev`` only; 0 for constant, 1 for linear).
    **coefficients
        ``c0=...``, ``c1=...``: parameter specs (number, None, Param, Tie); default None
        (guessed from the data).

    Examples
    --------
    >>> Background("chebyshev", degree=2).param_names
    ('c0', 'c1', 'c2')
    >>> Background.parse("linear").param_names
    ('c0', 'c1')
    """

    def __init__(self, kind: str = "none", degree: int | None = None, **coefficients: Any):
        kind = str(kind).strip().lower()
        match = _PATTERN.match(kind)
        if match:
            if degree is not None and int(match.group(2)) != degree:
                raise ValueError(f"background {kind!r} conflicts with degree={degree}")
            kind, degree = match.group(1), int(match.group(2))
        kind = {"poly": "polynomial", "cheb": "chebyshev", "": "none"}.get(kind, kind)
        if kind not in KINDS:
            raise ValueError(f"unknown background {kind!r}; known: none, constant, linear, "
                             "polynomial(n), chebyshev(n)")
        implied = {"none": -1, "constant": 0, "linear": 1}.get(kind)
        if implied is not None:
            if degree is not None and degree != implied:
                raise ValueError(f"background {kind!r} has degree {implied}, got degree={degree}")
            degree = implied
        elif degree is None:
            raise ValueError(f"background {kind!r} needs a degree, e.g. '{kind}(2)'")
        if not isinstance(degree, (int, np.integer)) or degree < -1 or degree > 20:
            raise ValueError(f"background degree must be an integer 0..20, got {degree!r}")
        self.kind = kind
        self.degree = int(degree)
        names = self.param_names
        unknown = set(coefficients) - set(names)
        if unknown:
            raise ValueError(f"background {kind!r} has coefficients {list(names)}, "
                             f"got unknown {sorted(unknown)}")
        self.params: dict[str, ParamSpec] = {
            n: as_spec(coefficients.get(n), f"background, parameter {n!r}") for n in names}

    @classmethod
    def parse(cls, spec: Any) -> "Background":
        """Background from None, a string, a dict (``{"kind": ..., "degree": ..., "c0": ...}``)
        or a Background."""
        if isinstance(spec, Background):
            return spec
        if spec is None:
            return cls("none")
        if isinstance(spec, str):
            return cls(spec)
        if isinstance(spec, dict):
            spec = dict(spec)
            kind = spec.pop("kind", None)
            if kind is None:
                raise ValueError(f"background dict needs a 'kind', got {spec!r}")
            return cls(kind, spec.pop("degree", None), **spec)
        raise ValueError(f"cannot interpret {spec!r} as a background")

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(f"c{k}" for k in range(self.degree + 1))

    def x_power(self, k: int) -> int:
        """Power of x in the units of coefficient ``c_k`` (``-k`` for raw polynomials)."""
        return -k if self.kind in ("linear", "polynomial") else 0

    def basis(self, x: np.ndarray, domain: tuple[float, float]) -> np.ndarray:
        """Basis functions, shape ``(n_coefficients, N)``: row k multiplies ``c_k``.

        ``domain`` is ``(x_min, x_max)`` of the fitted range (used by Chebyshev only).
        """
        x = np.asarray(x, dtype=float)
        n = self.degree + 1
        if n == 0:
            return np.zeros((0, x.shape[-1]))
        if self.kind == "chebyshev":
            lo, hi = domain
            s = (2.0 * x - (lo + hi)) / (hi - lo) if hi > lo else np.zeros_like(x)
            return np.polynomial.chebyshev.chebvander(s, self.degree).T.copy()
        return np.vander(x, n, increasing=True).T.copy()

    def to_plain(self) -> Any:
        """Plain form: a string when no coefficient is specified, else a dict."""
        name = self.kind if self.kind in ("none", "constant", "linear") else (
            f"{self.kind}({self.degree})")
        coefs = {n: spec_to_plain(s) for n, s in self.params.items()}
        coefs = {n: v for n, v in coefs.items() if v is not None}
        if not coefs:
            return name
        return {"kind": self.kind, "degree": self.degree, **coefs}

    def __eq__(self, other):
        return isinstance(other, Background) and (self.kind, self.degree, self.params) == (
            other.kind, other.degree, other.params)

    def __repr__(self) -> str:
        given = {n: s for n, s in self.params.items() if s != Param()}
        extra = "".join(f", {n}={s!r}" for n, s in given.items())
        return f"Background({self.kind!r}, degree={self.degree}{extra})"
