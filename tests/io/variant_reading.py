"""Reading helpers of the reader-variant tests (tests/io/test_*_variants.py)."""

from __future__ import annotations

import warnings

import xarray as xr

import characterization as ch


def quiet_read(path, **kw):
    """``characterization.read`` with its warnings silenced (a variant is compared on values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ch.read(path, **kw)


def nodes(result) -> dict:
    """``{node path: Dataset}`` of a read result ("" for a single Dataset)."""
    if isinstance(result, xr.Dataset):
        return {"": result}
    return {n.path: n.to_dataset() for n in result.subtree if n.has_data}
