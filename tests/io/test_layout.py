"""The layout of ``characterization.io``: one module per format in a folder per technique, no
private io name used outside io, small modules."""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path

import characterization
from characterization import io
from characterization.io import _registry

PACKAGE = Path(characterization.__file__).parent
IO = PACKAGE / "io"


def _imports(path: Path):
    """(module, names) of every import statement of a source file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    parts = parts[:-1]                    # the package holding the module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[:len(parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_no_private_io_name_is_imported_outside_io():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if IO in path.parents:
            continue
        for module, names in _imports(path):
            if not module.startswith("characterization.io"):
                continue
            private = [p for p in module.split(".")[2:] if p.startswith("_")]
            private += [n for n in names if n.startswith("_")]
            if private:
                offenders.append(f"{path.relative_to(PACKAGE)}: {module} {names}")
    assert not offenders, offenders


#: data kinds that are not measurements but belong to a technique (kernel tables of sorption)
AUXILIARY = {"psd_kernel": "sorption", "feff_paths": "exafs"}


def test_reader_modules_live_in_their_technique_folder():
    formats = io.formats()
    by_module = {}
    for info in formats.values():
        by_module.setdefault(info.func.__module__, []).append(info)
    for name in _registry.READER_MODULES:
        module = import_module(f"characterization.io.{name}")
        readers = by_module.get(module.__name__, [])
        assert readers, f"{name} registers no reader"
        folder = name.split(".")[0] if "." in name else None
        for info in readers:
            if folder is None:                      # generic readers at the top
                assert info.generic or info.technique is None, info.name
            else:
                # a reader serving several techniques (.spc: Raman, IR...) says None
                kind = AUXILIARY.get(info.technique, info.technique)
                assert kind in (folder, None), (name, info.name, info.technique)
    # every registered reader comes from a listed module (nothing registered by accident)
    listed = {f"characterization.io.{m}" for m in _registry.READER_MODULES}
    assert {info.func.__module__ for info in formats.values()
            if info.func.__module__.startswith("characterization.io")} <= listed


def test_io_modules_are_small():
    long = {str(p.relative_to(IO)): n for p in IO.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, long


def test_public_accessors(tmp_path):
    (tmp_path / "b.xy").write_text("1 2\n")
    (tmp_path / "a.xy").write_text("1 2\n")
    (tmp_path / ".hidden.nc.1.tmp").write_text("")
    assert io.expand_paths(tmp_path) == [tmp_path / "a.xy", tmp_path / "b.xy"]
    assert io.expand_paths(str(tmp_path / "*.xy")) == [tmp_path / "a.xy", tmp_path / "b.xy"]
    assert io.select_reader(tmp_path / "a.xy").name == "delimited"
    assert "xrdml" in io.formats() and io.formats()["xrdml"].technique == "xrd"
