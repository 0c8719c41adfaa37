"""Dataset accessors generated 1:1 from the public functions.

``ds.<namespace>.<function>(**kw)`` is exactly ``characterization.<namespace>.<function>(ds, **kw)``.
Each method is made with :func:`functools.wraps` and carries the function's signature without the
Dataset, so Jupyter's ``?`` shows the real signature and docstring. There are no hand-written
forwarders and no ``__getattr__``: the accessor class of a namespace is built once, on first use,
from the registry (:mod:`characterization._api`), which is what keeps ``import characterization``
light while the accessor names are known to xarray from the start.
"""

from __future__ import annotations

import functools
import inspect

import xarray as xr

from . import _api

_CLASSES: dict[str, type] = {}


def _bind(func):
    sig = inspect.signature(func)
    params = list(sig.parameters.values())[1:]

    @functools.wraps(func)
    def method(self, *args, **kwargs):
        return func(self._obj, *args, **kwargs)

    method.__signature__ = sig.replace(parameters=[inspect.Parameter(
        "self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *params])
    return method


def accessor_class(namespace: str) -> type:
    """The accessor class of ``namespace``, built from the registry on first call."""
    if namespace not in _CLASSES:
        entries = _api.load_namespace(namespace)
        body = {"__init__": lambda self, obj: setattr(self, "_obj", obj),
                "__doc__": f"Accessor ``ds.{namespace}``: the public functions of "
                           f"characterization.{namespace} with the Dataset bound."}
        body.update({e.name: _bind(e.func) for e in entries})
        _CLASSES[namespace] = type(f"{namespace.capitalize()}Accessor", (), body)
    return _CLASSES[namespace]


def _factory(namespace: str):
    def make(obj):
        return accessor_class(namespace)(obj)
    make.__name__ = f"{namespace}_accessor"
    return make


for _ns in _api.NAMESPACES:
    xr.register_dataset_accessor(_ns)(_factory(_ns))
