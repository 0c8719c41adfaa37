"""The figure composer: layouts of panel specs, mosaics, letters, sharing, export."""

from __future__ import annotations

import numpy as np
import pytest

from characterization import plot
from characterization.plot.figure import panel_letters
from characterization.raman import fit_silicon
from characterization.sorption import bet, bjh
from characterization.synthetic import isotherms, peak_spectra, silicon_spectra


@pytest.fixture(scope="module")
def iso():
    return isotherms(2, kind="IV", seed=3)


def test_nested_list_layout_calls_panels_and_letters(iso):
    si = silicon_spectra(1, seed=1)
    b = bet(iso)
    fig = plot.figure([[{"panel": "sorption.isotherm", "data": iso},
                        {"panel": "sorption.bet_plot", "result": b, "data": iso, "index": 1}],
                       [{"panel": "raman.silicon_fit", "result": fit_silicon(si), "data": si},
                        (plot.resolve_panel("spectra.stacked"), peak_spectra(3, seed=0),
                         {"offset": 100.0})]], width="double")
    assert list(fig.panels) == ["a", "b", "c", "d"]
    assert fig.get_size_inches()[0] == pytest.approx(174 / 25.4)
    assert fig.get_size_inches()[1] == pytest.approx(174 / 25.4 / 2 * 0.75 * 2)
    assert panel_letters(fig) == ["(a)", "(b)", "(c)", "(d)"]
    a, b_ax, c, d = fig.panels.values()
    assert "p/p$_0$" in a.get_xlabel() and "mmol g$^{-1}$" in a.get_ylabel()
    used = next(ln for ln in b_ax.get_lines() if ln.get_label() == "BET range")
    assert len(used.get_xdata()) == int(b.n_points[1])        # kwargs reached the panel
    assert len(c.child_axes) == 1 and "cm$^{-1}$" in c.child_axes[0].get_xlabel()
    assert len(d.get_lines()) == 3
    assert fig.panel_results["a"] is a


def test_mosaic_spans_shares_and_bold_letters(iso):
    p = bjh(iso)
    fig = plot.figure("AB;CC", panels={
        "A": {"panel": "sorption.isotherm", "data": iso},
        "B": {"panel": "sorption.isotherm", "data": iso, "index": 1},
        "C": {"panel": "sorption.psd_plot", "result": p, "index": "all",
              "title": "BJH"}},
        width="onehalf", letter_format="bold", sharey=[("A", "B")])
    assert list(fig.panels) == ["A", "B", "C"]
    assert panel_letters(fig) == ["a", "b", "c"]
    assert fig.panels["A"].get_title(loc="left") == "a"
    assert fig.panels["A"]._left_title.get_fontweight() in ("bold", 700)
    assert fig.panels["C"].get_title() == "BJH"
    assert fig.panels["B"].get_shared_y_axes().joined(fig.panels["A"], fig.panels["B"])
    assert not fig.panels["C"].get_shared_y_axes().joined(fig.panels["A"], fig.panels["C"])
    # C spans both columns
    wa = fig.panels["A"].get_position().width
    assert fig.panels["C"].get_position().width > 1.8 * wa
    assert len(fig.panels["C"].get_lines()) == 2               # one curve per sample
    colors = {ln.get_color() for ln in fig.panels["C"].get_lines()}
    assert len(colors) == 2


def test_mosaic_without_spec_gives_empty_axes_and_bad_names_are_explained():
    fig = plot.figure("AB", sharex=True)
    assert set(fig.panels) == {"A", "B"} and not fig.panels["A"].get_lines()
    with pytest.raises(ValueError, match="unknown panel 'xrd.nope'.*xrd.pattern_fit"):
        plot.figure([[{"panel": "xrd.nope", "data": None}]])
    with pytest.raises(ValueError, match="not in the mosaic"):
        plot.figure("AB", panels={"Z": {"panel": "sorption.isotherm"}})
    with pytest.raises(ValueError, match="same number of cells"):
        plot.figure("AB;C")
    with pytest.raises(ValueError, match="two panels are named 'x'"):
        plot.figure([[{"panel": "sorption.isotherm", "name": "x"},
                      {"panel": "sorption.isotherm", "name": "x"}]])
    assert "xps.region_fit" in plot.available_panels()
    assert "sorption.isotherms" in plot.available_panels()


def test_grid_form_still_returns_fig_and_axes():
    fig, axes = plot.figure(1, 3, width="single", letters=True)
    assert axes.shape == (3,) and panel_letters(fig) == ["(a)", "(b)", "(c)"]
    fig, ax = plot.new_figure()
    assert panel_letters(fig) == []


def test_export_vector_text_and_600_dpi_png(tmp_path, iso):
    fig = plot.figure([[{"panel": "sorption.isotherm", "data": iso},
                        {"panel": "sorption.isotherm", "data": iso, "log": True}]],
                      width="double")
    paths = plot.export(fig, tmp_path / "sub" / "S3.pdf")
    assert [p.name for p in paths] == ["S3.pdf", "S3.svg", "S3.png"]
    assert all(p.stat().st_size > 1000 for p in paths)
    svg = paths[1].read_text(encoding="utf-8")
    assert svg.count("<text") >= 10 and "Relative pressure" in svg   # text stays text
    pdf = paths[0].read_bytes()
    assert b"/FontFile2" in pdf and b"/CIDFontType2" in pdf          # TrueType, embedded
    assert b"/Subtype /Type3" not in pdf                            # no Type 3 bitmaps
    from PIL import Image

    with Image.open(paths[2]) as im:
        w_px = im.size[0]
        dpi = im.info.get("dpi", (0, 0))[0]
    assert w_px == pytest.approx(174 / 25.4 * 600, abs=2)
    assert dpi == pytest.approx(600, abs=1)
    with pytest.raises(ValueError, match="formats"):
        plot.export(fig, tmp_path / "x", formats=("doc",))
    assert np.isfinite(fig.get_size_inches()).all()


def test_a_failing_panel_is_reported_with_errors_nan(iso):
    def broken(ds, *, ax):
        raise KeyError("no 'amount_stderr' in this result")

    layout = [[{"panel": "sorption.isotherm", "data": iso}, (broken, iso, {})]]
    with pytest.raises(KeyError):
        plot.figure(layout)
    fig = plot.figure(layout, errors="nan")
    assert list(fig.panel_errors) == ["b"] and "amount_stderr" in fig.panel_errors["b"]
    text = " ".join(t.get_text() for t in fig.panels["b"].texts)
    assert "panel not drawn" in text and "amount_stderr" in text
    assert fig.panels["a"].get_lines()                        # the others are drawn
    assert panel_letters(fig) == ["(a)", "(b)"]
    with pytest.raises(ValueError, match="unknown panel"):
        plot.figure([[{"panel": "sorption.nope", "data": iso}]], errors="nan")
