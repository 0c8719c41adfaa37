"""Reproduce an instrument's choices: the report a reader stored in ``original_metadata``.

Micromeritics reports (read by :mod:`characterization.io.micromeritics`) carry the t-plot's
thickness curve (a user-defined table such as ``SIO2OH.THK``, or a named equation), its
thickness range and the density conversion factor (DCF); the BJH pages carry the adsorbate
property factor, the DCF and the fraction of pores open at both ends. Options named
``"report"`` in the sorption functions take them from here.
"""

from __future__ import annotations

import json
import re

from ..errors import AnalysisError
from .thickness import THICKNESS_CURVES, ThicknessCurve, thickness_table

#: Thickness-equation names printed by instrument software → built-in curves.
_EQUATIONS = {"harkins and jura": "harkins_jura", "harkins-jura": "harkins_jura",
              "halsey": "halsey", "kruk-jaroniec-sayari": "kruk_jaroniec_sayari",
              "kjs": "kruk_jaroniec_sayari"}
_LENGTH = {"Å": "angstrom", "A": "angstrom", "angstrom": "angstrom", "nm": "nm"}


def instrument_report(ds) -> dict:
    """The instrument report stored by the reader (``original_metadata["report"]``)."""
    raw = ds.attrs.get("original_metadata")
    try:
        meta = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except json.JSONDecodeError:
        meta = {}
    report = meta.get("report") if isinstance(meta, dict) else None
    if not isinstance(report, dict) or not report:
        raise AnalysisError("'report' options need the instrument report that "
                            "characterization.read stores in attrs['original_metadata'] "
                            "(Micromeritics .xls exports); this Dataset has none")
    return report


def _section(ds, name, what):
    section = instrument_report(ds).get(name)
    if not isinstance(section, dict) or not section:
        raise AnalysisError(f"the instrument report has no {what} section to take "
                            f"'report' options from")
    return section


def report_thickness(ds) -> ThicknessCurve:
    """The t-plot thickness curve of the report: its table, or the equation it names."""
    tp = _section(ds, "t_plot", "t-plot")
    curve = tp.get("thickness_curve")
    name = str(tp.get("thickness_equation") or "report")
    if isinstance(curve, dict) and curve.get("relative_pressure"):
        units = _LENGTH.get(str(curve.get("thickness_units") or "").strip())
        if units is None:
            raise AnalysisError(f"report thickness table in {curve.get('thickness_units')!r}; "
                                "expected Å or nm")
        return thickness_table(curve["relative_pressure"], curve["thickness"], units=units,
                               name=name)
    key = _EQUATIONS.get(name.strip().lower())
    if key is None:
        raise AnalysisError(f"report thickness equation {name!r} is neither a table nor a "
                            f"known equation ({', '.join(THICKNESS_CURVES)})")
    return THICKNESS_CURVES[key]


def report_value(ds, section: str, key: str, what: str) -> float:
    """A numeric report value (``{"value": ...}``) or AnalysisError naming what is missing."""
    entry = _section(ds, section, section.replace("_", "-")).get(key)
    value = entry.get("value") if isinstance(entry, dict) else entry
    if not isinstance(value, (int, float)):
        raise AnalysisError(f"the instrument report has no {what}")
    return float(value)


def report_thickness_range(ds) -> tuple[float, float]:
    """The t-plot thickness range of the report, in nm."""
    rng = _section(ds, "t_plot", "t-plot").get("thickness_range")
    if not isinstance(rng, dict):
        raise AnalysisError("the instrument report has no t-plot thickness range")
    factor = {"angstrom": 0.1, "nm": 1.0}.get(_LENGTH.get(str(rng.get("units") or "Å").strip(),
                                                          ""))
    if factor is None:
        raise AnalysisError(f"report thickness range in {rng.get('units')!r}; expected Å or nm")
    return float(rng["min"]) * factor, float(rng["max"]) * factor


def report_section_values(ds, title_start: str) -> dict:
    """Values of the first report page whose title starts with ``title_start``."""
    sections = instrument_report(ds).get("sections") or {}
    for title, page in sections.items():
        if title.startswith(title_start) and isinstance(page, dict) and page.get("values"):
            return page["values"]
    raise AnalysisError(f"the instrument report has no {title_start!r} page")


def _lookup(values: dict, name: str):
    for key, entry in values.items():
        if key.strip().lower() == name.lower():
            return entry.get("value") if isinstance(entry, dict) else entry
    return None


def report_bjh_options(ds, branch: str) -> dict:
    """Options of the report's BJH page for ``branch``.

    Keys (only those printed): ``adsorbate_property_factor`` (nm), ``density_conversion_factor``,
    ``open_fraction``, ``faas_correction`` (bool), ``thickness`` (ThicknessCurve) and
    ``diameter_range`` (nm).
    """
    title = f"BJH {branch.capitalize()} Pore Distribution Report"
    sections = instrument_report(ds).get("sections") or {}
    page = next((p for t, p in sections.items() if t.startswith(title)
                 and isinstance(p, dict)), None)
    if page is None:
        raise AnalysisError(f"the instrument report has no {title!r} page")
    values, lines = page.get("values") or {}, [str(v) for v in page.get("lines") or []]
    out = {}
    apf = _lookup(values, "Adsorbate property factor")
    if isinstance(apf, (int, float)):
        out["adsorbate_property_factor"] = 0.1 * float(apf)           # Å → nm
    dcf = _lookup(values, "Density conversion factor")
    if isinstance(dcf, (int, float)):
        out["density_conversion_factor"] = float(dcf)
    frac = _lookup(values, "Fraction of pores open at both ends")
    if isinstance(frac, (int, float)):
        out["open_fraction"] = float(frac)
    out["faas_correction"] = any(ln.strip().lower() == "faas correction" for ln in lines)
    named = [ln.split(":", 1)[1].strip() for ln in lines
             if ln.lower().startswith("reference curve:")]
    equation = next((ln.strip() for ln in lines if ln.strip().lower() in _EQUATIONS), None)
    if named or equation:
        tp = instrument_report(ds).get("t_plot") or {}
        if named and tp.get("thickness_equation") == named[0]:
            out["thickness"] = report_thickness(ds)
        elif equation:
            out["thickness"] = THICKNESS_CURVES[_EQUATIONS[equation.lower()]]
    rng = _lookup(values, "Diameter range")
    entry = next((e for k, e in values.items() if k.strip().lower() == "diameter range"), None)
    if isinstance(rng, (int, float)) and isinstance(entry, dict):
        m = re.search(r"([\d,.]+)\s*(?:Å)?\s*to\s*([\d,.]+)\s*Å", entry.get("text", ""))
        if m:
            out["diameter_range"] = (0.1 * float(m.group(1).replace(",", "")),
                                     0.1 * float(m.group(2).replace(",", "")))
    return out
