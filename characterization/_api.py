"""Registry of the public analysis functions.

Every public analysis function is decorated with :func:`public`. The registry is what

* generates the Dataset accessors 1:1 from the functions (``ds.fit.fit_peaks`` is
  ``characterization.fit.fit_peaks`` with the Dataset bound), see :mod:`characterization._accessors`;
* lets the contract test cover every public function automatically (each entry carries an
  ``example`` that builds a small synthetic input with known answer);
* lets the ``characterize run`` recipes name functions as ``"namespace.function"``.
"""

from __future__ import annotations

import dataclasses
import functools
from importlib import import_module
from typing import Any, Callable

#: Technique namespaces that exist; each is a subpackage and an accessor name.
NAMESPACES: tuple[str, ...] = ("fit", "sorption", "raman", "xrd")


@dataclasses.dataclass(frozen=True)
class PublicFunction:
    """One registered public analysis function.

    Attributes
    ----------
    namespace : str
        Technique namespace (``"fit"``, ``"sorption"`` ...), also the accessor name.
    name : str
        Function name inside the namespace.
    func : callable
        The function; its first argument is the Dataset.
    example : callable or None
        ``example() -> (Dataset, dict)``: a small synthetic input and the keyword arguments of a
        meaningful call. Used by the contract test and the docs.
    batch_dim : str or None
        Name of the batch dim of the example input (contract test: batch equals loop of singles).
    """

    namespace: str
    name: str
    func: Callable
    example: Callable[[], tuple[Any, dict]] | None = None
    batch_dim: str | None = "sample"

    @property
    def qualname(self) -> str:
        return f"{self.namespace}.{self.name}"


REGISTRY: dict[str, PublicFunction] = {}


def public(namespace: str, *, example=None, batch_dim: str | None = "sample"):
    """Register ``func`` as a public analysis function of ``namespace``.

    The registered function is ``func`` wrapped (``functools.wraps``: same name, signature and
    docstring) so that every result records ``attrs["result_of"] = "namespace.function"`` and
    the ``technique`` of its input; nothing else changes.
    """
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {namespace!r}; known: {NAMESPACES}")

    def decorate(func):
        qualname = f"{namespace}.{func.__name__}"

        @functools.wraps(func)
        def stamped(ds, *args, **kwargs):
            result = func(ds, *args, **kwargs)
            # results say what made them and of which technique's data (netCDF round trip)
            result.attrs["result_of"] = qualname
            technique = getattr(ds, "attrs", {}).get("technique")
            if technique is not None:
                result.attrs.setdefault("technique", technique)
            return result

        entry = PublicFunction(namespace, func.__name__, stamped, example, batch_dim)
        REGISTRY[entry.qualname] = entry
        return stamped

    return decorate


def load_namespace(namespace: str) -> list[PublicFunction]:
    """Import a namespace's subpackage (which registers its functions) and return its entries."""
    import_module(f"characterization.{namespace}")
    return [e for e in REGISTRY.values() if e.namespace == namespace]


def load_all() -> dict[str, PublicFunction]:
    """Import every namespace and return the full registry."""
    for ns in NAMESPACES:
        load_namespace(ns)
    return dict(REGISTRY)


def get(qualname: str) -> PublicFunction:
    """Look up ``"namespace.function"``; raises KeyError listing what exists."""
    namespace = qualname.split(".", 1)[0]
    if namespace in NAMESPACES:
        load_namespace(namespace)
    try:
        return REGISTRY[qualname]
    except KeyError:
        known = ", ".join(sorted(load_all()))
        raise KeyError(f"no public function {qualname!r}; known: {known}") from None
