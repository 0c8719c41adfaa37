"""characterization: instrument exports to trustworthy numbers and publication figures.

>>> import characterization as ch
>>> ds = ch.read("pattern.xrdml")            # doctest: +SKIP
>>> ch.fit.fit_peaks(ds, model)               # doctest: +SKIP

Importing this package loads only numpy and xarray and touches no file. Technique subpackages
(``fit``, ``sorption``, ``plot`` ...) load on first attribute access; heavy optional libraries
(lmfit, matplotlib, larch, pymatgen, pyGAPS) load inside the functions that need them.
``ch.report(sheet)`` is the cross-technique sample report (a callable module:
``ch.report.read_sheet`` ... are its pieces).
Dataset accessors (``ds.fit``, ``ds.sorption`` ...) are registered with xarray here, but their
methods are only built, from the public functions, on first use.
"""

from __future__ import annotations

from importlib import import_module

from ._version import __version__
from .errors import AnalysisError, CharacterizationError, ConventionError, ReadError
from .io import read, read_many
from . import _accessors  # noqa: F401  (registers the lazy accessor namespaces with xarray)

#: Subpackages loaded on first attribute access. Only packages that exist are listed (a
#: technique is added here when its package lands), so ``from characterization import *`` works.
_SUBMODULES = frozenset(
    {"conventions", "io", "fit", "plot", "synthetic", "cli", "sorption", "xrd", "raman",
     "xps", "xray_lines", "nanoindent", "exafs", "report"}
)

__all__ = [
    "__version__", "read", "read_many", "ReadError", "ConventionError", "AnalysisError",
    "CharacterizationError", *sorted(_SUBMODULES),
]


def __getattr__(name: str):
    # PEP 562 lazy loading of subpackages (keeps `import characterization` light).
    if name in _SUBMODULES:
        module = import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'characterization' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES)
