"""The boundary to xraylarch: imported lazily, Groups built and harvested here only.

larch returns mutable ``Group`` objects and some of its functions write files or change the
working directory (FEFF). Everything that talks to larch goes through this module so that

* ``import characterization`` stays free of larch (DESIGN §6): :func:`require` imports it on
  first use and turns a missing installation into an :class:`~characterization.errors.AnalysisError`;
* a Group never leaves the package: :func:`group` builds one from numpy arrays (copies, so larch
  cannot modify the caller's data) and :func:`harvest` copies named attributes back out.
"""

from __future__ import annotations

from importlib import import_module

import numpy as np

from ..errors import AnalysisError


def require(module: str = "larch"):
    """Import ``module`` (a larch module such as ``"larch.xafs"``) or raise AnalysisError."""
    try:
        return import_module(module)
    except ImportError as exc:  # pragma: no cover - larch is a dependency
        raise AnalysisError(
            f"EXAFS processing needs xraylarch ({module} could not be imported: {exc}); "
            "install it with `pip install xraylarch`") from exc


def group(**arrays):
    """A fresh larch Group holding copies of ``arrays`` (numpy arrays or scalars)."""
    Group = require("larch").Group
    g = Group()
    for name, value in arrays.items():
        setattr(g, name, np.array(value, dtype=float, copy=True)
                if isinstance(value, (np.ndarray, list, tuple)) else value)
    return g


def harvest(g, *names, default=np.nan) -> dict:
    """Copies of the attributes ``names`` of larch Group ``g`` (missing ones are ``default``)."""
    out = {}
    for name in names:
        value = getattr(g, name, default)
        out[name] = np.array(value, copy=True) if isinstance(value, np.ndarray) else value
    return out
