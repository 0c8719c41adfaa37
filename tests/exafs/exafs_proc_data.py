"""Shared-file inputs of the EXAFS processing tests, read with larch's own readers (test code
only), as Datasets in the layout of the EXAFS readers."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from conftest import shared_data


def folder():
    return shared_data("exafs")


def as_dataset(energy, mu, label="s0"):
    """One spectrum as a Dataset with a batch dim ``sample`` of length 1."""
    return xr.Dataset(
        {"mu": (("sample", "energy"), np.asarray(mu, float)[None],
                {"units": "1", "long_name": "μ(E)"})},
        coords={"sample": ("sample", [label]),
                "energy": ("energy", np.asarray(energy, float),
                           {"units": "eV", "long_name": "Incident energy"})},
        attrs={"technique": "exafs"})


def ascii_spectrum(name, column=None):
    """(energy, mu) of a text file of the shared folder, via larch.io.read_ascii."""
    io = pytest.importorskip("larch.io")
    g = io.read_ascii(str(folder() / name))
    labels = list(g.array_labels)
    if column is None:
        column = next(c for c in ("mutrans", "mu", "xmu") if c in labels)
    if column == "ln(i0/itrans)":
        mu = np.log(g.i0 / g.itrans)
    else:
        mu = getattr(g, column)
    return np.asarray(g.energy, float), np.asarray(mu, float)


def athena_groups():
    """{name: larch Group} of Sn.prj (larch.io.read_athena)."""
    io = pytest.importorskip("larch.io")
    project = io.read_athena(str(folder() / "xraylarch" / "Sn.prj"), do_preedge=False,
                             do_bkg=False, do_fft=False)
    return {name: getattr(project, name) for name in dir(project)}
