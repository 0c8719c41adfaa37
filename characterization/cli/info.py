"""``characterize info FILE...``: what the reader sees in a file."""

from __future__ import annotations

import json

from ..errors import ReadError
from ..io import read


def describe(ds) -> str:
    """A human-readable description of a Dataset read from a file."""
    lines = [f"  format      : {ds.attrs.get('reader')}",
             f"  technique   : {ds.attrs.get('technique')}",
             "  dims        : " + ", ".join(f"{k}={v}" for k, v in ds.sizes.items())]
    for kind, mapping in (("coords", ds.coords), ("variables", ds.data_vars)):
        lines.append(f"  {kind}:")
        for name, var in mapping.items():
            units = var.attrs.get("units", "")
            if var.ndim == 0:
                val = var.values.item() if var.dtype.kind != "O" else var.values
                lines.append(f"    {name:<22} = {val!s:<30} [{units}]")
            else:
                dims = ",".join(var.dims)
                rng = ""
                if var.dtype.kind in "fiu" and var.size:
                    rng = f"{float(var.min()):.6g} .. {float(var.max()):.6g}"
                lines.append(f"    {name:<22} ({dims}) {rng:<30} [{units}]")
    meta = ds.attrs.get("original_metadata")
    if meta:
        try:
            keys = list(json.loads(meta))
            lines.append(f"  metadata    : {len(keys)} entries: {', '.join(map(str, keys[:12]))}"
                         + (" ..." if len(keys) > 12 else ""))
        except (ValueError, TypeError):
            lines.append(f"  metadata    : {str(meta)[:200]}")
    return "\n".join(lines)


def info(files, *, format=None, technique=None) -> int:
    """Print a description of each file; returns the number of files that failed (exit code)."""
    failed = 0
    for f in files:
        print(f)
        try:
            ds = read(f, format=format, technique=technique)
        except ReadError as exc:
            failed += 1
            print(f"  ERROR: {exc}")
            continue
        print(describe(ds))
    return 1 if failed else 0
