"""Adsorption Information Format (AIF) files.

Format coverage
---------------
AIF (Evans, Bon, Senkovska, Kaskel, *Langmuir* 37 (2021) 4222) is a CIF/STAR text file: a
``data_<name>`` block of ``_tag value`` items and ``loop_`` tables. Read here:

* metadata: ``_exptl_temperature``, ``_exptl_adsorptive`` / ``_adsorptive_name``,
  ``_adsnt_sample_mass`` / ``_exptl_sample_mass``, sample name from ``_adsnt_sample_name`` /
  ``_adsnt_sample_id`` / ``_sample_id`` / ``_adsnt_material_name`` / ``_adsnt_material_id``;
  every item is kept in ``original_metadata``;
* units: ``_units_temperature`` (K, C), ``_units_pressure`` (Pa, kPa, bar, mbar, torr, mmHg),
  ``_units_mass``, ``_units_loading`` (or ``_units_sorbed_amount``): mmol/g, mol/kg,
  cm3(STP)/g, or per sample (mmol, cm3(STP)) divided by the sample mass;
* data: ``loop_`` of ``_adsorp_pressure``, ``_adsorp_p0`` (optional),
  ``_adsorp_amount`` (or ``_adsorp_loading``, ``_adsorp_loading_absolute``,
  ``_adsorp_loading_excess``) and the same with ``_desorp_``; the loops give the branches.

Quoted values (``'...'``, ``"..."``), ``;``-delimited text fields and ``#`` comments follow the
CIF 1.1 syntax.

Missing units: without ``_units_pressure`` the relative pressure is still p/p0 (units cancel)
but the absolute pressure is left out (warning); without ``_units_temperature`` the temperature is
taken as K (warning); without ``_units_mass`` the mass as g (warning); without loading units
ReadError (pass ``amount_units=``). Without ``_adsorp_p0`` p0 is computed from the adsorbate's
vapour-pressure equation (warning) or taken from ``saturation_pressure=`` (kPa).

Limits
------
The first data block is read (a warning names the others); mixture items (fugacity per
component) and simulation-only items are kept in the metadata but not interpreted.

Library choice
--------------
Own STAR parser (~100 lines): pyGAPS reads AIF through ``gemmi``, a compiled crystallography
library, for what is a handful of tags and two loops here.
"""

from __future__ import annotations

import re
import warnings

from .. import _source
from ._build import build_isotherm, to_float
from .._registry import register_reader
from ...errors import ReadError

__all__ = ["read_aif", "parse_star"]

_AMOUNT_TAGS = ("amount", "loading", "loading_absolute", "loading_excess", "loading_net")


def _sniff(head: bytes, path) -> bool:
    text = head.decode("utf-8", errors="replace")
    return (re.search(r"^\s*data_\S*", text, re.M) is not None
            and re.search(r"^\s*_(adsorp|desorp|exptl|adsnt|units)_", text, re.M) is not None)


def _tokens(text: str, path):
    """Yield (token, line_no, quoted) for a STAR text."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(";"):
            start = i + 1
            parts = [line[1:]]
            i += 1
            while i < len(lines) and not lines[i].startswith(";"):
                parts.append(lines[i])
                i += 1
            if i == len(lines):
                raise ReadError(path, "unterminated ';' text field", f"line {start}")
            yield "\n".join(parts).strip("\n"), start, True
            i += 1
            continue
        pos = 0
        while pos < len(line):
            ch = line[pos]
            if ch.isspace():
                pos += 1
                continue
            if ch == "#":
                break
            if ch in "'\"":
                end = pos + 1
                while True:
                    end = line.find(ch, end)
                    if end == -1:
                        raise ReadError(path, f"unterminated {ch}-quoted value", f"line {i + 1}")
                    if end + 1 == len(line) or line[end + 1].isspace():
                        break
                    end += 1
                yield line[pos + 1:end], i + 1, True
                pos = end + 1
                continue
            m = re.compile(r"\S+").match(line, pos)
            yield m.group(0), i + 1, False
            pos = m.end()
        i += 1


def parse_star(text: str, path=None) -> list[dict]:
    """Parse STAR/CIF text into data blocks.

    Returns
    -------
    list of dict
        One dict per ``data_`` block: ``{"name": str, "items": {tag: value},
        "loops": [{tag: [values]}], "lines": {tag: line_no}}``. Tags are lower case.

    Raises
    ------
    ReadError
        Syntax errors (unterminated quotes, a tag without value, a loop whose value count is not
        a multiple of its tags), with the line number.
    """
    blocks: list[dict] = []
    block = None
    toks = list(_tokens(text, path))
    k = 0
    while k < len(toks):
        tok, line, quoted = toks[k]
        low = tok.lower()
        if not quoted and low.startswith("data_"):
            block = {"name": tok[5:], "items": {}, "loops": [], "lines": {}}
            blocks.append(block)
            k += 1
            continue
        if block is None:
            raise ReadError(path, f"expected 'data_<name>' before {tok!r}", f"line {line}")
        if not quoted and low == "loop_":
            k += 1
            tags = []
            while k < len(toks) and not toks[k][2] and toks[k][0].startswith("_"):
                tags.append(toks[k][0].lower())
                block["lines"][toks[k][0].lower()] = toks[k][1]
                k += 1
            if not tags:
                raise ReadError(path, "loop_ without tags", f"line {line}")
            values = []
            while k < len(toks):
                t, _, q = toks[k]
                if not q and (t.startswith("_") or t.lower() == "loop_"
                              or t.lower().startswith("data_")):
                    break
                values.append((t, toks[k][1]))
                k += 1
            if len(values) % len(tags):
                last = values[-1][1] if values else line
                raise ReadError(path, f"loop of {len(tags)} columns {tags} holds {len(values)} "
                                      f"values, not a multiple of {len(tags)} (truncated or "
                                      "malformed)", f"line {last}")
            loop = {t: [v for v, _ in values[j::len(tags)]] for j, t in enumerate(tags)}
            loop["__lines__"] = [ln for _, ln in values[::len(tags)]]
            block["loops"].append(loop)
            continue
        if not quoted and tok.startswith("_"):
            if k + 1 >= len(toks) or (not toks[k + 1][2] and (
                    toks[k + 1][0].startswith("_") or toks[k + 1][0].lower() == "loop_")):
                raise ReadError(path, f"tag {tok!r} has no value", f"line {line}")
            block["items"][low] = toks[k + 1][0]
            block["lines"][low] = line
            k += 2
            continue
        raise ReadError(path, f"unexpected value {tok!r} outside a tag or loop", f"line {line}")
    return blocks


def _first(items: dict, *tags):
    for t in tags:
        v = items.get(t)
        if v not in (None, "", "?", "."):
            return v, t
    return None, None


@register_reader("aif", extensions=(".aif",), sniff=_sniff, technique="sorption",
                 description="Adsorption Information Format (AIF)")
def read_aif(path, *, amount_units: str | None = None, saturation_pressure: float | None = None):
    """Read an Adsorption Information Format file (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    amount_units : str, optional
        Loading units when the file gives none (``"mmol/g"`` ...).
    saturation_pressure : float, optional
        p0 in kPa when the file has no ``_adsorp_p0``.

    Returns
    -------
    xarray.Dataset
        Isotherm Dataset (technique ``"sorption"``).

    Examples
    --------
    >>> ds = characterization.read("example.aif")     # doctest: +SKIP
    """
    text, encoding = _source.read_text(path)
    blocks = parse_star(text, path)
    if not blocks:
        raise ReadError(path, "no 'data_' block found")
    if len(blocks) > 1:
        warnings.warn(f"{path}: {len(blocks)} data blocks; reading the first "
                      f"({blocks[0]['name']!r}), ignoring {[b['name'] for b in blocks[1:]]}",
                      UserWarning, stacklevel=2)
    block = blocks[0]
    items = block["items"]

    def number(tag):
        v = items.get(tag)
        if v in (None, "", "?", "."):
            return None
        try:
            return to_float(re.sub(r"\(\d+\)$", "", v))   # CIF standard uncertainty "77.3(1)"
        except ValueError:
            raise ReadError(path, f"{tag}: expected a number, got {v!r}",
                            f"line {block['lines'].get(tag)}") from None

    branches = {}
    for prefix, name in (("_adsorp_", "adsorption"), ("_desorp_", "desorption")):
        loop = next((lp for lp in block["loops"] if f"{prefix}pressure" in lp), None)
        if loop is None:
            continue
        amount_tag = next((f"{prefix}{t}" for t in _AMOUNT_TAGS if f"{prefix}{t}" in loop), None)
        if amount_tag is None:
            raise ReadError(path, f"{name} loop has no {prefix}amount / {prefix}loading column",
                            f"line {block['lines'].get(prefix + 'pressure')}")
        cols = {}
        for key, tag in (("pressure", f"{prefix}pressure"), ("p0", f"{prefix}p0"),
                         ("amount", amount_tag)):
            if tag not in loop:
                continue
            vals = []
            for v, ln in zip(loop[tag], loop["__lines__"]):
                try:
                    vals.append(to_float(v))
                except ValueError:
                    raise ReadError(path, f"{tag}: expected a number, got {v!r}",
                                    f"line {ln}") from None
            cols[key] = vals
        branches[name] = cols
    if "adsorption" not in branches and "desorption" not in branches:
        raise ReadError(path, "no loop_ with _adsorp_pressure or _desorp_pressure found")
    has_p0 = all("p0" in c for c in branches.values())
    pressure, p0, amount, branch = [], [], [], []
    for name, cols in branches.items():
        pressure += cols["pressure"]
        amount += cols["amount"]
        if has_p0:
            p0 += cols["p0"]
        branch += [name] * len(cols["amount"])

    loading_units, _ = _first(items, "_units_loading", "_units_sorbed_amount")
    loading_units = loading_units or amount_units
    if not loading_units:
        raise ReadError(path, "no _units_loading in the file; pass amount_units= "
                              "(e.g. 'mmol/g')")
    p_units, _ = _first(items, "_units_pressure")
    t_units, _ = _first(items, "_units_temperature")
    m_units, _ = _first(items, "_units_mass")
    temperature = number("_exptl_temperature")
    if temperature is not None and t_units is None:
        warnings.warn(f"{path}: no _units_temperature; taking _exptl_temperature "
                      f"{temperature} as K", UserWarning, stacklevel=2)
        t_units = "K"
    mass_tag = "_adsnt_sample_mass" if "_adsnt_sample_mass" in items else "_exptl_sample_mass"
    mass = number(mass_tag)
    if mass is not None and m_units is None:
        warnings.warn(f"{path}: no _units_mass; taking {mass_tag} {mass} as g", UserWarning,
                      stacklevel=2)
        m_units = "g"
    adsorbate, _ = _first(items, "_adsorptive_name", "_exptl_adsorptive",
                          "_exptl_adsorptive_name", "_adsorptive_formula")
    sample, _ = _first(items, "_adsnt_sample_name", "_adsnt_sample_id", "_sample_id",
                       "_adsnt_material_name", "_adsnt_material_id", "_sample_material_id")
    metadata = {"format": "AIF", "encoding": encoding, "data_block": block["name"],
                "items": items,
                "loops": [[t for t in lp if t != "__lines__"] for lp in block["loops"]]}
    kwargs = dict(reader="aif", amount=amount, amount_units=loading_units, branch=branch,
                  sample_mass=mass, sample_mass_units=m_units or "g",
                  temperature=temperature, temperature_units=t_units, adsorbate=adsorbate,
                  sample=sample, metadata=metadata)
    if p_units is None:
        if not has_p0:
            raise ReadError(path, "no _units_pressure and no _adsorp_p0: cannot get p/p0")
        warnings.warn(f"{path}: no _units_pressure; relative pressure computed as "
                      "pressure/p0, absolute pressure left out", UserWarning, stacklevel=2)
        rp = [p / q for p, q in zip(pressure, p0)]
        return build_isotherm(path, relative_pressure=rp,
                              relative_pressure_note="_adsorp_pressure / _adsorp_p0", **kwargs)
    return build_isotherm(path, pressure=pressure, pressure_units=p_units,
                          saturation_pressure_values=p0 if has_p0 else None,
                          p0_option=saturation_pressure, **kwargs)
