"""The docs gallery script rebuilds every figure kind (Agg backend, into a temporary folder)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "gallery" / "build_gallery.py"


def _load():
    spec = importlib.util.spec_from_file_location("build_gallery", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gallery_builds_every_figure_kind(tmp_path):
    gallery = _load()
    written = gallery.build(tmp_path, formats=("png", "svg"), dpi=100,
                            only=[n for n in gallery.FIGURES if n != "real_files"])
    synthetic = ["xrd_stack_fit_scherrer", "raman_carbon_silicon", "sorption_isotherms_psd",
                 "xps_si2p_depth_profile", "nanoindent_energies", "exafs_chir_states"]
    for name in synthetic:
        paths = written[name]
        assert [p.suffix for p in paths] == [".png", ".svg"]
        assert all(p.stat().st_size > 5000 for p in paths)
        svg = paths[1].read_text(encoding="utf-8")
        assert "<text" in svg and "(a)" in svg and "(b)" in svg        # panel letters
    docs = (SCRIPT.parents[1] / "gallery.md").read_text(encoding="utf-8")
    for name in synthetic:
        assert f"gallery/{name}.png" in docs


def test_gallery_figures_have_labelled_axes():
    gallery = _load()
    fig = gallery.xps_figure()
    a, b, c = fig.panels.values()
    assert "eV" in a.get_xlabel() and "eV" in b.get_xlabel()
    assert c.get_ylabel().startswith("Average") and "(s)" in c.get_xlabel()
    assert len(b.collections) >= 5                  # five Si oxidation states filled
    fig = gallery.nanoindent_figure()
    bars = fig.panels["b"]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["silicide", "hard carbon",
                                                                "graphite"]
    assert "10$^{-10}$ J" in bars.get_ylabel()


def test_gallery_real_files(tmp_path):
    from conftest import shared_data

    shared_data("raman")
    shared_data("sorption")
    gallery = _load()
    paths = gallery.build(tmp_path, formats=("png",), dpi=80, only=["real_files"])["real_files"]
    assert paths and paths[0].stat().st_size > 5000
