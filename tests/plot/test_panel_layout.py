"""Panel layout after drawing: legends above the data and clear of the panel letter, titles
beside the letter (fitted, typeset), XRD peak names that do not overprint each other."""

from __future__ import annotations

import numpy as np

from characterization import plot


def _grid(n=3):
    with plot.style():
        fig, axes = plot.figure(1, n, width="double", aspect=0.9)
    return fig, axes


def _draw(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _points_under(legend, line, renderer):
    box = legend.get_window_extent(renderer)
    xy = line.get_transform().transform(np.column_stack(line.get_data()))
    inside = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0)
              & (xy[:, 1] < box.y1))
    return int(inside.sum())


def _data_line(ax):
    return next(line for line in ax.get_lines() if line.get_label() == "data")


def _assert_legends_clear(fig, axes):
    """Every panel's legend clear of its panel letter and of the data line."""
    renderer = _draw(fig)
    for ax in axes:
        legend = ax.get_legend()
        letter = ax._left_title.get_window_extent(renderer)
        assert not _overlap(legend.get_window_extent(renderer), letter)
        assert _points_under(legend, _data_line(ax), renderer) == 0


def test_raman_carbon_legend_above_data_and_clear_of_the_letter():
    from characterization.plot import raman as panels
    from characterization.raman import fit_carbon
    from characterization.synthetic import carbon_spectra

    ds = carbon_spectra(2, laser_wavelength=514.0, seed=3)
    res = fit_carbon(ds, model="4band")
    fig, axes = _grid()
    for ax in axes:
        panels.carbon_fit(res, data=ds, ax=ax)
    _assert_legends_clear(fig, axes)
    for ax in axes:                                       # the labels are kept
        assert {"data", "fit", "D1", "G"} <= {t.get_text() for t in ax.get_legend().get_texts()}


def test_xps_region_fit_legend_above_data_and_clear_of_the_letter():
    from characterization.plot import xps as panels
    from characterization.synthetic.xps import si2p_spectra
    from characterization.xps import fit_si2p

    ds = si2p_spectra(1, fractions=[0.4, 0.1, 0.1, 0.1, 0.3], seed=4)
    res = fit_si2p(ds)
    fig, axes = _grid()
    for ax in axes:
        panels.region_fit(res, data=ds, ax=ax)
    _assert_legends_clear(fig, axes)


def test_long_titles_fit_beside_the_letter_and_inside_the_panel():
    fig, axes = _grid()
    axes[0].set_title("XPS Si 2p: SiOx_site1_t0000s_Si2p sputtered 600 s", loc="right",
                      fontsize=7)
    axes[1].set_title("Crystallite size (Scherrer) [CoSi2 111]", fontsize=7)   # centre
    axes[2].set_title("I_D/I_G (height)", fontsize=7)
    renderer = _draw(fig)
    for ax in axes:
        letter = ax._left_title.get_window_extent(renderer)
        box = ax.get_window_extent(renderer)
        for title in (ax.title, ax._right_title):
            if not title.get_text():
                continue
            ext = title.get_window_extent(renderer)
            assert not _overlap(ext, letter), title.get_text()
            assert ext.x1 <= box.x1 + 1 and ext.x0 >= box.x0 - 1, title.get_text()
    assert axes[1]._right_title.get_text().startswith("Crystallite size")
    assert axes[2].title.get_text() == "I$_D$/I$_G$ (height)"
    # the file name is shrunk (or shortened), never typeset; a second draw gives the same
    first = (axes[0]._right_title.get_text(), axes[0]._right_title.get_fontsize())
    assert "$" not in first[0] and first[1] < 7.0
    _draw(fig)
    assert (axes[0]._right_title.get_text(), axes[0]._right_title.get_fontsize()) == first


def test_a_title_too_long_for_the_smallest_type_is_shortened_in_the_middle():
    fig, axes = _grid()
    long = "XPS Si 2p: " + "SiOx_site1_t0000s_Si2p_" * 4 + " end"
    axes[0].set_title(long, loc="right", fontsize=7)
    renderer = _draw(fig)
    text = axes[0]._right_title
    assert text.get_text().startswith("XPS Si 2p") and text.get_text().endswith("end")
    assert "…" in text.get_text()
    assert not _overlap(text.get_window_extent(renderer),
                        axes[0]._left_title.get_window_extent(renderer))


def test_xrd_peak_names_do_not_overprint():
    from characterization import xrd
    from characterization.plot import xrd as panels
    from characterization.synthetic import xrd_patterns

    pat = xrd_patterns(["Si"], size_nm=25.0, strain=1e-3, seed=2)
    fit = xrd.fit_pattern(pat, peaks=[28.44, 47.30, 56.12, 69.13, 76.38])
    fig, axes = _grid()
    for ax in axes:
        panels.pattern_fit(fit, data=pat, ax=ax)
    renderer = _draw(fig)
    for ax in axes:
        boxes = [t.get_window_extent(renderer) for t in ax.texts
                 if type(t).__name__ == "Annotation"]
        assert len(boxes) == 5
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                assert not _overlap(boxes[i], boxes[j])


def test_overview_typesets_subscripts_and_snake_case():
    from characterization.plot.overview import _typeset

    assert _typeset("I_D/I_G") == "I$_D$/I$_G$"
    assert _typeset("id_ig_height") == "id ig height"
    assert _typeset("bet_area (m^2/g)") == "bet area (m$^2$ g$^{-1}$)"
