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


def test_star_import_gives_every_name_of_all():
    names = _modules_after("from characterization import *\n"
                           "import characterization\n"
                           "missing = [n for n in characterization.__all__ if n not in globals()]\n"
                           "assert not missing, missing")
    assert "characterization.io" in names


def test_all_lists_only_what_exists():
    import importlib

    import characterization

    for name in characterization.__all__:
        assert getattr(characterization, name) is not None
    for name in ("xps", "exafs", "nanoindent"):           # planned techniques
        try:
            importlib.import_module(f"characterization.{name}")
        except ModuleNotFoundError:
            assert name not in characterization.__all__, f"{name} does not exist yet"
        else:
            assert name in characterization.__all__, f"list {name} in _SUBMODULES"


def test_unknown_attribute_is_attribute_error():
    import pytest

    import characterization

    with pytest.raises(AttributeError, match="no attribute .no_such_module."):
        characterization.no_such_module  # noqa: B018
