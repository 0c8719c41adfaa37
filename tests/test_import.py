"""`import characterization` stays light and touches no file."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("larch", "pymatgen", "pygaps", "lmfit", "matplotlib", "dask", "scipy")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_is_light():
    loaded = _modules_after("import characterization")
    assert not [m for m in HEAVY if m in loaded]


def test_accessor_namespaces_registered_without_loading_them():
    loaded = _modules_after("import characterization, xarray as xr\n"
                            "assert hasattr(xr.Dataset, 'fit')")
    assert "characterization.fit" not in loaded
    assert "lmfit" not in loaded


def test_subpackages_load_lazily():
    import characterization

    assert characterization.fit.__name__ == "characterization.fit"
    assert "fit" in dir(characterization)
