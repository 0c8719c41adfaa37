"""CasaXPS text exports ("Save Tab ASCII" of one or several VAMAS blocks).

Layout (from the exports; CasaXPS documents it in its manual, not as a format): per block a
title line ``Cycle <n>:<sample>:<region>``, a line ``Characteristic Energy eV <hν>
Acquisition Time s <t>``, five component rows (``Name``, ``Position``, ``FWHM``, ``Area``,
``Lineshape``), then a column header ``K.E. Counts [components...] <empty> B.E. CPS
[components...]`` and the rows. ``Counts`` are counts per point, ``CPS = Counts / t``; the
component columns on the CPS side are kept as variable ``components`` (count/s, dims
``component``, ``binding_energy``) with their name, position (as exported), FWHM, area and line
shape as coordinates on ``component``. Our own parser (no open reader of this layout keeps the
blocks and components apart).
"""

from __future__ import annotations

import re

import numpy as np

from ...errors import ReadError
from .._registry import register_reader
from . import _text
from ._build import build_region, to_tree

_KEY = "Characteristic Energy eV"
_ROWS = ("Name", "Position", "FWHM", "Area", "Lineshape")


def _sniff(head: bytes, path) -> bool:
    text = _text.head_text(head)
    return _KEY in text and "K.E." in text and "B.E." in text


def _after(tokens, key):
    for i, t in enumerate(tokens):
        if t.strip() == key and i + 1 < len(tokens):
            try:
                return float(tokens[i + 1].strip().replace(",", "."))
            except ValueError:
                return None
    return None


@register_reader("casa_text", extensions=(".txt", ".csv", ".dat"), sniff=_sniff,
                 technique="xps", description="CasaXPS tab-separated text export of blocks")
def read_casa_text(path):
    """Read a CasaXPS text export into a DataTree, one node per exported block.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    xarray.DataTree
        One node per block (named after the region of its ``Cycle n:sample:region`` title,
        prefixed by the sample when the file holds several: ``Ni_Survey``, ``NiO_Survey``), following the ``"xps"`` conventions: ``intensity`` (count/s, the CPS
        column), ``counts`` (count), ``binding_energy`` (the B.E. column) with
        ``kinetic_energy`` (the K.E. column), ``components`` when the block has fit
        components; scalar coordinates ``excitation_energy``, ``region``, ``sample``,
        ``cycle``, ``dwell_time`` (the acquisition time per point).

    Raises
    ------
    ReadError
        No ``Characteristic Energy`` line, a block without K.E./B.E. columns, a row of the
        wrong width (truncated file).
    """
    lines = _text.lines_of(path)
    heads = [i for i, line in enumerate(lines) if line.strip().startswith(_KEY)]
    if not heads:
        raise ReadError(path, f"no {_KEY!r} line")
    out = []
    for k in heads:
        title = lines[k - 1].strip() if k > 0 else ""
        m = re.match(r"Cycle\s*(\d+)\s*:(.*):(.*)$", title)
        cycle, sample, region = (int(m.group(1)), m.group(2).strip(), m.group(3).strip()) \
            if m else (None, "", title or "region")
        toks = lines[k].split("\t") if "\t" in lines[k] else lines[k].split(";")
        hv, acq = _after(toks, _KEY), _after(toks, "Acquisition Time s")
        comp_rows, j = {}, k + 1
        while j < len(lines) and lines[j].split("\t")[0].strip() in _ROWS:
            f = lines[j].split("\t")
            comp_rows[f[0].strip()] = [x.strip() for x in f[1:]]
            j += 1
        if j >= len(lines) or "K.E." not in lines[j] or "B.E." not in lines[j]:
            raise ReadError(path, f"block {title!r}: expected the K.E./B.E. column header",
                            f"line {j + 1}")
        delim = "\t" if "\t" in lines[j] else _text.delimiter_of(lines[j])
        header = [h.strip() for h in _text.split(lines[j], delim)]
        data, _ = _text.table(path, lines, j + 1, len(header), delim,
                              what=f"block {title!r}")
        ke, cnt = header.index("K.E."), header.index("Counts")
        be, cps = header.index("B.E."), header.index("CPS")
        ncomp = max(0, be - cnt - 2)           # component columns between Counts and <empty>
        comps = [data[:, cps + 1 + c] for c in range(ncomp) if cps + 1 + c < data.shape[1]]
        coords, variables = {}, {}
        if comps:
            names = (comp_rows.get("Name", []) + [""] * ncomp)[:ncomp]
            coords["component"] = (("component",), np.array(
                [n or f"component {c + 1}" for c, n in enumerate(names)]), None,
                "Fit component")
            for key in ("Position", "FWHM", "Area", "Lineshape"):
                vals = (comp_rows.get(key, []) + [""] * ncomp)[:ncomp]
                coords[f"component_{key.lower()}"] = (("component",), np.array(vals), None,
                                                      f"Component {key} (as exported)")
        ds = build_region(path, intensity=data[:, cps], counts=data[:, cnt],
                          energy=data[:, be], excitation_energy=hv, region=region,
                          coords=coords, variables=variables,
                          scalars={"dwell_time": acq, "sample": sample,
                                   "cycle": (cycle, "1", "CasaXPS cycle")},
                          original_metadata={"title": title, "header": header,
                                             "components": comp_rows})
        ds = ds.assign_coords(kinetic_energy=("binding_energy", data[:, ke],
                                              {"units": "eV", "long_name": "Kinetic energy"}))
        if comps:
            ds["components"] = (("component", "binding_energy"), np.array(comps),
                                {"units": "count/s", "long_name": "Fit component"})
        out.append(ds)
    samples = {str(ds["sample"].values) for ds in out if "sample" in ds.coords}
    labels = [f"{ds['sample'].values} {ds['region'].values}" if len(samples) > 1
              and "sample" in ds.coords else str(ds["region"].values) for ds in out]
    return to_tree(path, out, labels=labels)
