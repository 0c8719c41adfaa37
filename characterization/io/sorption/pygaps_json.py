"""pyGAPS isotherm JSON files (``isotherm_to_json`` output).

Format coverage
---------------
A JSON object of isotherm metadata (``material``, ``adsorbate``, ``temperature``,
``temperature_unit``, ``pressure_mode``, ``pressure_unit``, ``loading_basis``, ``loading_unit``,
``material_basis``, ``material_unit`` ...) plus ``isotherm_data``: a list of point records
``{"pressure": ..., "loading": ..., "branch": "des"}`` (file_version 2.0/3.0; adsorption points
have no ``branch`` key) or a dict of columns (older files). ``branch`` may be ``"des"``, ``1``/
``True`` for desorption; a file without any ``branch`` is split after its highest pressure.

Units follow pyGAPS: ``pressure_mode`` ``"relative"`` (p/p0, no unit) or ``"absolute"``
(``pressure_unit`` Pa, kPa, bar, mbar, torr, mmHg, atm); ``loading_basis`` ``"molar"``
(mmol, mol, µmol), ``"volume_gas"`` / ``"volume"`` (cm3(STP), L) or ``"mass"`` (g, mg: converted
through the adsorbate's molar mass), per ``material_basis`` ``"mass"`` (g, kg, mg). Absolute
pressure without a saturation pressure: p0 is computed from the adsorbate's vapour-pressure
equation at the file's temperature, with a warning (pyGAPS does the same through CoolProp), or
taken from ``saturation_pressure=`` (kPa).

Limits
------
Material bases other than mass (``"volume"``, ``"molar"``) raise ReadError; ``isotherm_model``
(model isotherms) and NIST-style JSON are not covered.

Library choice
--------------
Own parser of plain JSON (``json`` module): pyGAPS itself is heavy (CoolProp, pandas, gemmi) and
would be needed only to reshape a dict; its unit strings are mapped explicitly here.
"""

from __future__ import annotations

import json

from .. import _source
from ._build import build_isotherm, normalise_adsorbate
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_pygaps_json"]


def _sniff(head: bytes, path) -> bool:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if not text.startswith("{"):
        return False
    return '"isotherm_data"' in text or ('"pressure_mode"' in text and '"loading_basis"' in text)


def _records(data, path):
    """Normalise ``isotherm_data`` (list of records or dict of columns) to a list of dicts."""
    if isinstance(data, list):
        for k, rec in enumerate(data):
            if not isinstance(rec, dict):
                raise ReadError(path, f"isotherm_data[{k}] is not an object")
        return data
    if isinstance(data, dict):
        cols = {}
        for name, col in data.items():
            if isinstance(col, dict):
                keys = sorted(col, key=lambda s: int(s) if str(s).isdigit() else str(s))
                cols[name] = [col[k] for k in keys]
            elif isinstance(col, list):
                cols[name] = col
            else:
                raise ReadError(path, f"isotherm_data[{name!r}] is neither a list nor an object")
        lengths = {len(c) for c in cols.values()}
        if len(lengths) > 1:
            raise ReadError(path, f"isotherm_data columns differ in length: "
                                  f"{ {k: len(v) for k, v in cols.items()} }")
        n = lengths.pop() if lengths else 0
        return [{k: v[i] for k, v in cols.items()} for i in range(n)]
    raise ReadError(path, "isotherm_data is neither a list of points nor a dict of columns")


def _is_desorption(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("des", "desorption", "1", "true")
    try:
        return bool(value) and float(value) != 0
    except (TypeError, ValueError):
        return False


@register_reader("pygaps_json", extensions=(".json",), sniff=_sniff, technique="sorption",
                 description="pyGAPS isotherm JSON")
def read_pygaps_json(path, *, saturation_pressure: float | None = None):
    """Read a pyGAPS isotherm JSON file.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    saturation_pressure : float, optional
        p0 in kPa for files with absolute pressure; default: computed from the adsorbate's
        vapour-pressure equation at the file's temperature (with a warning).

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).

    Examples
    --------
    >>> ds = characterization.read("MCM-41 N2 77K.json")    # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON: {exc.msg}",
                        f"line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(raw, dict) or "isotherm_data" not in raw:
        if isinstance(raw, dict) and "isotherm_model" in raw:
            raise ReadError(path, "a pyGAPS model isotherm (isotherm_model), not measured points")
        raise ReadError(path, "expected a JSON object with an 'isotherm_data' list")
    meta = {k: v for k, v in raw.items() if k != "isotherm_data"}
    records = _records(raw["isotherm_data"], path)
    if not records:
        raise ReadError(path, "isotherm_data holds no points")
    pkey = "pressure"
    lkey = "loading"
    pressure, loading, branch = [], [], []
    has_branch = any("branch" in r for r in records)
    for k, rec in enumerate(records):
        if pkey not in rec or lkey not in rec:
            raise ReadError(path, f"point {k} lacks {pkey!r} or {lkey!r}",
                            f"isotherm_data[{k}]")
        try:
            pressure.append(float(rec[pkey]))
            loading.append(float(rec[lkey]))
        except (TypeError, ValueError):
            raise ReadError(path, f"point {k}: pressure/loading are not numbers: {rec}",
                            f"isotherm_data[{k}]") from None
        branch.append("desorption" if _is_desorption(rec.get("branch")) else "adsorption")

    adsorbate = normalise_adsorbate(meta.get("adsorbate"))
    # loading units
    l_basis = (meta.get("loading_basis") or "molar").lower()
    l_unit = meta.get("loading_unit") or "mmol"
    m_basis = (meta.get("material_basis") or "mass").lower()
    m_unit = meta.get("material_unit") or "g"
    if m_basis != "mass":
        raise ReadError(path, f"material_basis {m_basis!r} is not supported; amounts must be per "
                              "mass of material")
    if l_basis not in ("molar", "mass", "volume_gas", "volume"):
        raise ReadError(path, f"unknown loading_basis {l_basis!r}")
    if l_basis in ("volume_gas", "volume") and "stp" not in l_unit.lower():
        l_unit = f"{l_unit}(STP)"
    amount_units = f"{l_unit}/{m_unit}"

    mode = (meta.get("pressure_mode") or "absolute").lower()
    temperature = meta.get("temperature")
    t_units = meta.get("temperature_unit") or "K"
    common = dict(reader="pygaps_json", amount=loading, amount_units=amount_units,
                  branch=branch if has_branch else None,
                  temperature=temperature, temperature_units=t_units, adsorbate=adsorbate,
                  sample=meta.get("material"), metadata={"format": "pyGAPS JSON",
                                                         "encoding": encoding, "header": meta})
    if mode == "relative":
        return build_isotherm(path, relative_pressure=pressure,
                              relative_pressure_note="pressure_mode 'relative' (as in the file)",
                              **common)
    if mode not in ("absolute",):
        raise ReadError(path, f"unknown pressure_mode {mode!r}")
    p_unit = meta.get("pressure_unit")
    if not p_unit:
        raise ReadError(path, "pressure_mode is 'absolute' but pressure_unit is not given")
    return build_isotherm(path, pressure=pressure, pressure_units=p_unit,
                          p0_option=saturation_pressure, **common)
