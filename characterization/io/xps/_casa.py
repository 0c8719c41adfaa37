"""CasaXPS processing lines stored in a VAMAS block comment, parsed into plain dicts.

CasaXPS saves its quantification regions and fitted components as text lines inside the block
comment of a VAMAS file, after a ``Casa Info Follows`` line::

    CASA region (*Fe 2p*) (*U 3 Tougaard*) 737.52081 786.7632 16.42 2 0 0 335.44588 ...
    CASA comp (*Fe 2p*) (*LF(0.54,10,80,100,6)*) Area 63507.374 1e-020 6383903.5 -1 1
        MFWHM 3.8576238 1.07 26.75 -1 1 Position 777.56313 738.01 782.59919 -1 1 RSF 16.42 ...

Strings are enclosed in ``(*`` ``*)``. A region line gives the name, the background type and
the two energy limits (on the block's abscissa scale), then the RSF. A component line gives the
name, the line shape, then ``keyword value lower upper ...`` groups: ``Area``, ``MFWHM``
(FWHM) and ``Position`` each with a value, two constraint limits and two link fields.

Positions and limits are on the abscissa scale of the block. For a kinetic-energy block they
are converted to binding energy with the block's excitation energy, BE = hν − KE (as CasaXPS
displays them); the original values are kept as ``*_kinetic``. Nothing here is fitted.
"""

from __future__ import annotations

import re

_STRING = re.compile(r"\(\*(.*?)\*\)")


def _tokens(line: str) -> list[str]:
    """Split a CASA line into tokens; ``(*...*)`` strings are single tokens."""
    out, pos = [], 0
    for m in _STRING.finditer(line):
        out += line[pos:m.start()].split()
        out.append(m.group(1))
        pos = m.end()
    return out + line[pos:].split()


def _num(token):
    try:
        return float(token)
    except (TypeError, ValueError):
        return None


def _to_be(value, kinetic: bool, hv):
    if value is None or not kinetic:
        return value
    return None if hv is None else round(hv - value, 10)


def parse_region(line: str, *, kinetic: bool, excitation_energy: float | None) -> dict:
    """A ``CASA region`` line as a dict (name, background, limits in BE, RSF)."""
    t = _tokens(line)[2:]
    out = {"name": t[0] if t else "", "background": t[1] if len(t) > 1 else ""}
    lo, hi = (_num(t[2]) if len(t) > 2 else None), (_num(t[3]) if len(t) > 3 else None)
    out["rsf"] = _num(t[4]) if len(t) > 4 else None
    be = [_to_be(v, kinetic, excitation_energy) for v in (lo, hi)]
    if all(v is not None for v in be):
        be = sorted(be)
    out["range"] = be
    if kinetic:
        out["range_kinetic"] = [lo, hi]
    out["line"] = line
    return out


def parse_component(line: str, *, kinetic: bool, excitation_energy: float | None) -> dict:
    """A ``CASA comp`` line as a dict: name, shape, area, fwhm, center (BE) with limits."""
    t = _tokens(line)[2:]
    out = {"name": t[0] if t else "", "shape": t[1] if len(t) > 1 else ""}
    keys = {"Area": "area", "MFWHM": "fwhm", "Position": "center"}
    i = 2
    while i < len(t):
        key = t[i]
        if key in keys and i + 3 < len(t):
            value, lo, hi = (_num(x) for x in t[i + 1:i + 4])
            name = keys[key]
            if name == "center":
                out["center_kinetic" if kinetic else "center"] = value
                if kinetic:
                    out["center"] = _to_be(value, True, excitation_energy)
                    limits = [_to_be(v, True, excitation_energy) for v in (lo, hi)]
                    out["center_limits"] = (sorted(limits) if None not in limits else limits)
                else:
                    out["center_limits"] = [lo, hi]
            else:
                out[name] = value
                out[f"{name}_limits"] = [lo, hi]
            i += 6
        elif key in ("RSF", "MASS", "INDEX", "UNCORRECTEDRSF") and i + 1 < len(t):
            out[key.lower()] = _num(t[i + 1])
            i += 2
        else:
            i += 1
    out["line"] = line
    return out


def parse_comment(lines, *, kinetic: bool, excitation_energy: float | None) -> dict | None:
    """Regions and components of a block comment, or None when it holds no CASA lines."""
    regions, comps = [], []
    for line in lines:
        s = line.strip()
        if s.startswith("CASA region"):
            regions.append(parse_region(s, kinetic=kinetic, excitation_energy=excitation_energy))
        elif s.startswith("CASA comp"):
            comps.append(parse_component(s, kinetic=kinetic,
                                         excitation_energy=excitation_energy))
    if not regions and not comps:
        return None
    return {"regions": regions, "components": comps,
            "energy_scale": "binding_energy (converted from kinetic: BE = hv - KE)"
            if kinetic else "binding_energy"}
