"""Registry of the public analysis functions.

Every public analysis function is decorated with :func:`public`. The registry is what

* generates the Dataset accessors 1:1 from the functions (``ds.fit.fit_peaks`` is
  ``characterization.fit.fit_peaks`` with the Dataset bound), see :mod:`characterization._accessors`;
* does the plumbing every public function shares (input type check, signal dim/variable,
  provenance; see :func:`public`), so a function body is its algorithm;
* lets the contract test cover every public function automatically (the examples it runs live
  with the tests, ``tests/example_inputs/``: analysis never imports the synthetic generators);
* lets the ``characterize run`` recipes name functions as ``"namespace.function"``.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import os
from importlib import import_module
from typing import Callable

import numpy as np
import xarray as xr

from . import conventions
from .errors import AnalysisError

#: Technique namespaces that exist; each is a subpackage and an accessor name.
NAMESPACES: tuple[str, ...] = ("fit", "sorption", "raman", "xrd", "xps", "nanoindent",
                               "exafs")


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
        The registered (plumbed) function; its first argument is the Dataset.
    batch_dim : str or None
        Name of the batch dim the function keeps (contract test: batch equals loop of singles,
        chunked input gives a lazy result); None for functions that work on one measurement or
        pool a whole batch.
    transform : bool
        The function returns data of the same kind as its input (a pre-processing step): the
        input's attrs are kept and the step is appended to ``attrs["preprocessing"]``.
    headline : tuple of str or None
        The result variables a scientist reports for this step (``("bet_area", "c_constant",
        ...)``): ``characterize run`` puts them, with their ``<name>_stderr`` and ``success``
        when the result has them, in its compact ``summary.csv``; the full result goes to the
        long tables. None: not declared (the run falls back to the result's scalar variables).
    """

    namespace: str
    name: str
    func: Callable
    batch_dim: str | None = "sample"
    transform: bool = False
    headline: tuple[str, ...] | None = None

    @property
    def qualname(self) -> str:
        return f"{self.namespace}.{self.name}"


REGISTRY: dict[str, PublicFunction] = {}

#: attrs every result gets from :func:`public` (one provenance format for the whole package).
PROVENANCE_KEYS = ("function", "method", "parameters", "characterization_version", "result_of")


def _plain(value):
    """JSON form of a parameter value (numpy scalars/arrays, models, sets, DataArrays)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size <= 1000 else f"array{value.shape}"
    if isinstance(value, xr.DataArray):
        return value.values.tolist() if value.size <= 1000 else f"DataArray{value.shape}"
    if isinstance(value, xr.Dataset):
        return f"Dataset({', '.join(map(str, value.data_vars))})"
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if callable(value):
        return getattr(value, "__qualname__", repr(value))
    return str(value)


def provenance_attrs(qualname: str, method: str, parameters: dict) -> dict:
    """The provenance attrs of a result: function, method, parameters (JSON), version."""
    from ._version import __version__

    return {"function": f"characterization.{qualname}", "method": method,
            "parameters": json.dumps(parameters, default=_plain, sort_keys=True),
            "characterization_version": __version__, "result_of": qualname}


def _body_parameters(value) -> dict:
    """Resolved values a function body recorded in ``attrs["parameters"]`` (dict or JSON)."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def public(namespace: str, *, batch_dim: str | None = "sample", transform: bool = False,
           accepts: tuple = (xr.Dataset,), headline: tuple[str, ...] | None = None):
    """Register ``func`` as a public analysis function of ``namespace`` and do its plumbing.

    The decorator is what makes a technique function's body its algorithm only. Around the
    body it

    1. **checks the input**: the first argument must be an :class:`xarray.Dataset`
       (:class:`~characterization.errors.AnalysisError` otherwise);
    2. **resolves the signal**: when the function has ``dim`` and ``var`` parameters, they reach
       the body resolved and checked by :func:`characterization.conventions.signal_and_var`
       (the namespace's convention is the default for data that declare no technique);
    3. **writes provenance** in one format: ``attrs["function"]``, ``attrs["method"]`` (the
       body may set a more specific one), ``attrs["parameters"]`` (JSON of every argument as
       called, defaults filled in, updated with any resolved values the body put in
       ``attrs["parameters"]`` as a dict), ``attrs["characterization_version"]``,
       ``attrs["result_of"]`` and the input's ``technique``;
    4. for ``transform=True`` steps (same kind of data out as in), keeps the input's attrs and
       appends the step to the JSON list ``attrs["preprocessing"]``.

    The per-spectrum numpy kernels inside the body run through
    :func:`characterization._apply.apply_kernel` (dask-parallelized),
    so chunked input gives a lazy result.

    Parameters
    ----------
    namespace : str
        One of :data:`NAMESPACES`; also the accessor name (``ds.<namespace>.<function>``).
    batch_dim : str or None
        The batch dim of the function's contract-test example (None: single measurements).
    transform : bool
        The function is a pre-processing step returning data of the input's kind.
    accepts : tuple of types
        Types the first argument may have (default: Dataset only). A function that also takes
        a DataArray or a plain number (e.g. a size from a measured shift) says so here.
    headline : tuple of str, optional
        Result variables reported per spectrum in the batch run's summary table (see
        :attr:`PublicFunction.headline`); ``()`` for a step with nothing to report.
    """
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {namespace!r}; known: {NAMESPACES}")

    def decorate(func):
        qualname = f"{namespace}.{func.__name__}"
        sig = inspect.signature(func)
        params = list(sig.parameters.values())
        first = params[0].name
        var_kw = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        resolves_signal = "dim" in sig.parameters and "var" in sig.parameters
        default_technique = namespace if namespace in conventions.TABLE else None

        @functools.wraps(func)
        def step(ds, *args, **kwargs):
            if not isinstance(ds, accepts) or isinstance(ds, (str, bytes)):
                names = " or ".join("xarray.Dataset" if t is xr.Dataset else t.__name__
                                    for t in accepts)
                raise AnalysisError(f"{qualname} needs an {names} as its first argument, "
                                    f"got {type(ds).__name__}")
            try:
                bound = sig.bind(ds, *args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{qualname}: {exc}") from None
            bound.apply_defaults()
            arguments = bound.arguments
            if resolves_signal and isinstance(ds, xr.Dataset):
                arguments["dim"], arguments["var"] = conventions.signal_and_var(
                    ds, arguments["dim"], arguments["var"], technique=default_technique,
                    function=qualname)
            result = func(*bound.args, **bound.kwargs)
            recorded = {k: v for k, v in arguments.items() if k not in (first, var_kw)}
            if var_kw:
                recorded.update(arguments[var_kw])
            recorded.update(_body_parameters(result.attrs.get("parameters")))
            method = result.attrs.get("method")
            method = method if isinstance(method, str) and method else func.__name__
            if transform:
                attrs = {k: v for k, v in getattr(ds, "attrs", {}).items()
                         if k not in PROVENANCE_KEYS}
                attrs.update({k: v for k, v in result.attrs.items() if k not in PROVENANCE_KEYS})
                try:
                    history = json.loads(getattr(ds, "attrs", {}).get("preprocessing", "[]"))
                except (TypeError, json.JSONDecodeError):
                    history = []
                if not isinstance(history, list):
                    history = []
                history.append({"function": f"characterization.{qualname}", "method": method,
                                "parameters": json.loads(json.dumps(recorded, default=_plain))})
                attrs["preprocessing"] = json.dumps(history)
            else:
                attrs = {k: v for k, v in result.attrs.items() if k not in PROVENANCE_KEYS}
            attrs.update(provenance_attrs(qualname, method, recorded))
            technique = getattr(ds, "attrs", {}).get("technique")
            if isinstance(technique, str):
                attrs.setdefault("technique", technique)
            result.attrs = attrs
            return result

        entry = PublicFunction(namespace, func.__name__, step, batch_dim, transform,
                               None if headline is None else tuple(headline))
        REGISTRY[entry.qualname] = entry
        return step

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
