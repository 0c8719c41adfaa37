"""Example inputs of every public analysis function, for the contract test and the docs.

One module per namespace (``fit``, ``raman``, ``xrd``, ``sorption`` ...) defines ``EXAMPLES``:
``{"namespace.function": callable}`` where the callable returns ``(Dataset, kwargs)``, a small
synthetic input with a batch dim and the keyword arguments of a meaningful call. They live with
the tests because they build their inputs with :mod:`characterization.synthetic`, which analysis
code never imports.
"""

from __future__ import annotations

from importlib import import_module

NAMESPACE_MODULES = ("fit", "raman", "xrd", "sorption", "xps", "exafs", "nanoindent",
                     "xps_quant", "nanoindent_op")


def all_examples() -> dict:
    """Every registered example, keyed by ``"namespace.function"``."""
    examples = {}
    for name in NAMESPACE_MODULES:
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        examples.update(module.EXAMPLES)
    return examples


def example(qualname: str):
    """``(Dataset, kwargs)`` of the function ``qualname``; KeyError when it has none."""
    return all_examples()[qualname]()
