"""Shared test fixtures: location of the real instrument data in ../shared/data; every test
draws on the Agg backend and leaves no figure open."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: ``CHARACTERIZATION_SHARED_DATA`` points elsewhere (e.g. from a git worktree).
SHARED_DATA = Path(os.environ.get("CHARACTERIZATION_SHARED_DATA", REPO.parent / "shared" / "data"))
os.environ["MPLBACKEND"] = "Agg"          # headless, before any test imports matplotlib


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def shared_data(technique: str) -> Path:
    """Folder of real files for ``technique``; skips the test when ``../shared`` is absent."""
    folder = SHARED_DATA / technique
    if not folder.is_dir():
        pytest.skip(f"real {technique} data not available: {folder} is absent (it lives beside "
                    "the repository in shared/data)")
    return folder
