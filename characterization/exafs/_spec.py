"""The parameter specification of a shell fit (``model=`` of :func:`fit_shells`).

A spec is a plain dict (JSON-able, so it is recorded in the provenance)::

    {"params": {"s02": {"value": 0.9, "min": 0},        # a variable with bounds
                "de0": 0.0,                              # a number: a variable starting there
                "alpha": 0.0,
                "sigma2": {"value": 0.003, "min": 0},
                "theta": {"value": 250, "vary": False},  # fixed
                "ss": {"expr": "2*sigma2"}},             # constrained
     "paths": {"*": {"s02": "s02", "de0": "de0", "delr": "alpha*reff", "sigma2": "sigma2"},
               "2": {"sigma2": "ss"}}}

Path parameters: ``s02`` (S0²), ``n`` (degeneracy; default FEFF's), ``de0`` (ΔE0, eV), ``delr``
(ΔR, Å), ``sigma2`` (σ², Å²), ``c3`` (third cumulant, Å³). Path keys are the ``path``
coordinate values as strings; ``"*"`` applies to every path. Path expressions may use the
parameters, ``reff`` and ``degen`` of the path, the per-spectrum scalar coordinates of the data
(``temperature`` ...), numpy functions (``exp``, ``sqrt``, ``tanh`` ...) and
``sigma2_eins(t, theta)`` (larch's Einstein-model σ², with the path's reduced mass).
Missing path parameters default to the parameter of the same name when one exists, else to
0 (1 for ``s02``, the degeneracy for ``n``).
"""

from __future__ import annotations

import dataclasses
import keyword
import re

import numpy as np

from ..errors import AnalysisError

PATH_KEYS = ("s02", "n", "de0", "delr", "sigma2", "c3")
#: our path-parameter names -> larch FeffPathGroup attribute names
LARCH_NAMES = {"s02": "s02", "n": "degen", "de0": "e0", "delr": "deltar", "sigma2": "sigma2",
               "c3": "third"}
_RESERVED = {"reff", "degen", "pi", "exp", "sqrt", "log", "tanh", "sin", "cos", "abs",
             "sigma2_eins"}
# EINS_FACTOR = ħ²/(2 k_B amu) in Å² K (larch's constant, from scipy.constants)
_EINS = 24.254360157751783


@dataclasses.dataclass
class Param:
    name: str
    value: float = 0.0
    min: float = -np.inf
    max: float = np.inf
    vary: bool = True
    expr: str | None = None

    @property
    def free(self) -> bool:
        return self.vary and self.expr is None


@dataclasses.dataclass
class Spec:
    params: list
    paths: list  # one dict per path: key -> expression string

    @property
    def free(self) -> list:
        return [p for p in self.params if p.free]

    @property
    def derived(self) -> list:
        return [p for p in self.params if p.expr is not None]

    def names(self) -> list:
        return [p.name for p in self.params]


def _param(name, value) -> Param:
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
        raise AnalysisError(f"fit_shells: parameter name {name!r} is not an identifier")
    if name in _RESERVED:
        raise AnalysisError(f"fit_shells: parameter name {name!r} is reserved")
    if isinstance(value, dict):
        unknown = set(value) - {"value", "min", "max", "vary", "expr"}
        if unknown:
            raise AnalysisError(f"fit_shells: parameter {name!r} has unknown keys {unknown}; "
                                "use value, min, max, vary, expr")
        return Param(name, float(value.get("value", 0.0)),
                     float(value.get("min", -np.inf)), float(value.get("max", np.inf)),
                     bool(value.get("vary", True)), value.get("expr"))
    if isinstance(value, str):
        return Param(name, 0.0, expr=value)
    return Param(name, float(value))


def default_model(labels: list) -> dict:
    """The default spec: shared S0² and ΔE0, per-path ΔR and σ² (names suffixed by path)."""
    params = {"s02": {"value": 1.0, "min": 0.0}, "de0": 0.0}
    paths = {}
    if len(labels) == 1:
        params.update(sigma2={"value": 0.003, "min": 0.0}, delr=0.0)
        paths[labels[0]] = {"s02": "s02", "de0": "de0", "sigma2": "sigma2", "delr": "delr"}
    else:
        for label in labels:
            tag = re.sub(r"\W", "_", label)
            params[f"sigma2_{tag}"] = {"value": 0.003, "min": 0.0}
            params[f"delr_{tag}"] = 0.0
            paths[label] = {"s02": "s02", "de0": "de0", "sigma2": f"sigma2_{tag}",
                            "delr": f"delr_{tag}"}
    return {"params": params, "paths": paths}


def build_spec(model, labels: list) -> Spec:
    """Normalise ``model`` (None or dict) for the paths ``labels`` into a :class:`Spec`."""
    if model is None:
        model = default_model(labels)
    if not isinstance(model, dict) or "params" not in model:
        raise AnalysisError("fit_shells: model must be None or a dict with 'params' (and "
                            "optionally 'paths'); see characterization.exafs._spec")
    params = [_param(n, v) for n, v in model["params"].items()]
    names = {p.name for p in params}
    given = {str(k): v for k, v in (model.get("paths") or {}).items()}
    unknown = set(given) - set(labels) - {"*"}
    if unknown:
        raise AnalysisError(f"fit_shells: model paths {sorted(unknown)} are not among the "
                            f"paths {labels}")
    paths = []
    for label in labels:
        entry = {}
        for source in (given.get("*", {}), given.get(label, {})):
            bad = set(source) - set(PATH_KEYS)
            if bad:
                raise AnalysisError(f"fit_shells: unknown path parameters {bad}; use "
                                    f"{PATH_KEYS}")
            entry.update({k: str(v) for k, v in source.items()})
        for key in PATH_KEYS:
            if key not in entry:
                if key in names:
                    entry[key] = key
                elif key != "n":
                    entry[key] = "1.0" if key == "s02" else "0.0"
        paths.append(entry)
    return Spec(params, paths)


def sigma2_eins(t, theta, rmass):
    """Einstein-model σ² (Å²) at temperature ``t`` (K) for Einstein temperature ``theta`` (K)."""
    theta = np.maximum(theta, 1e-5)
    t = np.maximum(t, 1e-5)
    return _EINS / (theta * rmass * np.tanh(theta / (2.0 * t)))


def namespace(values: dict, extra: dict | None = None) -> dict:
    """Evaluation namespace for expressions (numpy functions + ``values`` + ``extra``)."""
    ns = {"pi": np.pi, "exp": np.exp, "sqrt": np.sqrt, "log": np.log, "tanh": np.tanh,
          "sin": np.sin, "cos": np.cos, "abs": np.abs, "__builtins__": {}}
    ns.update(extra or {})
    ns.update(values)
    return ns


def evaluate(expr: str, ns: dict):
    try:
        return eval(compile(expr, "<fit_shells expression>", "eval"), ns)  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - a user expression: name the problem
        raise AnalysisError(f"fit_shells: cannot evaluate expression {expr!r}: {exc}") from None


def resolve_params(spec: Spec, free_values: np.ndarray, extra: dict) -> dict:
    """All parameter values (free, fixed and constrained), arrays shaped like the batch.

    ``free_values`` is (..., n_free) in the order of :attr:`Spec.free`.
    """
    batch = free_values.shape[:-1]
    values = {}
    free = {p.name: i for i, p in enumerate(spec.free)}
    for p in spec.params:
        if p.name in free:
            values[p.name] = free_values[..., free[p.name]]
        elif p.expr is None:
            values[p.name] = np.full(batch, p.value)
    for _ in range(len(spec.derived) + 1):   # expressions may reference each other
        pending = [p for p in spec.derived if p.name not in values]
        if not pending:
            break
        for p in pending:
            try:
                values[p.name] = np.broadcast_to(
                    eval(compile(p.expr, "<expr>", "eval"), namespace(values, extra)),
                    batch).astype(float)
            except NameError:
                continue
            except Exception as exc:  # noqa: BLE001
                raise AnalysisError(f"fit_shells: parameter {p.name} = {p.expr!r}: {exc}") \
                    from None
    missing = [p.name for p in spec.derived if p.name not in values]
    if missing:
        raise AnalysisError(f"fit_shells: cannot resolve expressions of {missing}")
    return values


def path_values(spec: Spec, table, values: dict, extra: dict) -> dict:
    """Path parameters as arrays (..., npath) for :func:`path_sum.path_chi`."""
    batch = next(iter(values.values())).shape if values else ()
    out = {key: [] for key in PATH_KEYS}
    for j, entry in enumerate(spec.paths):
        rmass = table.reduced_mass(j)
        local = {"reff": table.reff[j], "degen": table.degeneracy[j],
                 "sigma2_eins": lambda t, theta, _m=rmass: sigma2_eins(t, theta, _m)}
        ns = namespace(values, {**extra, **local})
        for key in PATH_KEYS:
            if key == "n" and "n" not in entry:
                out[key].append(np.full(batch, table.degeneracy[j]))
            else:
                out[key].append(np.broadcast_to(evaluate(entry[key], ns), batch).astype(float))
    return {key: np.stack(v, axis=-1) for key, v in out.items()}
