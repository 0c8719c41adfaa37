"""Choosing one spectrum of a batch for a panel."""

from __future__ import annotations

import numpy as np


def select_one(da, signal_dim: str, index=None) -> dict:
    """An ``isel`` dict picking one element of every batch dim of ``da``.

    ``index`` may be None (first element), an int (position in the flattened batch) or a dict
    of batch dim -> position.
    """
    batch = [d for d in da.dims if d != signal_dim]
    if isinstance(index, dict):
        unknown = set(index) - set(batch)
        if unknown:
            raise ValueError(f"index names dims {sorted(unknown)} that are not batch dims "
                             f"{batch}")
        return {d: int(index.get(d, 0)) for d in batch}
    if index is None:
        return {d: 0 for d in batch}
    shape = [da.sizes[d] for d in batch]
    return dict(zip(batch, (int(i) for i in np.unravel_index(int(index), shape))))
