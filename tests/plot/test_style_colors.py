"""Journal style, widths and the colour/line-style policy."""

from __future__ import annotations

import matplotlib
import matplotlib.colors as mcolors
import pytest

from characterization import plot
from characterization.plot.style import OKABE_ITO, width_inch
from characterization.synthetic import isotherms


def test_journal_widths_in_mm_and_names():
    assert plot.JOURNAL_WIDTHS_MM == {"single": 85.0, "onehalf": 114.0, "double": 174.0}
    assert width_inch("single") == pytest.approx(85 / 25.4)
    assert width_inch("onehalf") == pytest.approx(114 / 25.4)
    assert width_inch("double") == pytest.approx(174 / 25.4)
    assert width_inch("120 mm") == pytest.approx(120 / 25.4)
    assert width_inch(3.5) == 3.5
    with pytest.raises(ValueError, match="width"):
        width_inch("poster")


def test_style_sets_paper_rc_only_inside_and_fonts_exist():
    from matplotlib import font_manager

    before = matplotlib.rcParams["xtick.direction"]
    with plot.style():
        rc = matplotlib.rcParams
        assert rc["xtick.direction"] == "in" and rc["ytick.direction"] == "in"
        assert rc["xtick.minor.visible"] and rc["pdf.fonttype"] == 42
        assert 7 <= rc["font.size"] <= 8
        colors = [mcolors.to_hex(c["color"]) for c in rc["axes.prop_cycle"]]
        assert colors == [c.lower() for c in OKABE_ITO]
        # the fallback chain resolves to an installed font without a warning
        path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]),
                                     fallback_to_default=False)
        assert path
    assert matplotlib.rcParams["xtick.direction"] == before     # nothing leaks out


def test_colors_for_is_stable_and_never_repeats():
    labels = [f"S{i}" for i in range(12)]
    c = plot.colors_for(labels + ["S3", "S0"])
    assert list(c) == labels                                   # order of first appearance
    pairs = {(v["color"], str(v["linestyle"]), v["marker"]) for v in c.values()}
    assert len(pairs) == 12                                    # 12 distinct styles
    assert len({(v["color"], str(v["linestyle"])) for v in c.values()}) == 12
    assert c["S0"]["color"] == c["S8"]["color"] and c["S0"]["linestyle"] != c["S8"]["linestyle"]
    assert len({v["color"] for v in list(c.values())[:8]}) == 8
    # the same list gives the same mapping in another panel
    assert plot.colors_for(labels)["S5"] == c["S5"]


def test_state_styles():
    assert plot.state_style("adsorption")["linestyle"] == "-"
    assert plot.state_style("desorption")["linestyle"] == "--"
    styles = {s: plot.state_style(s)["linestyle"] for s in ("pristine", "lithiated",
                                                             "delithiated")}
    assert len(set(styles.values())) == 3
    odd = [str(plot.state_style(s, ["aged", "etched"])["linestyle"]) for s in ("aged", "etched")]
    assert odd[0] != odd[1]


def test_adsorption_and_desorption_share_the_sample_colour():
    from characterization.plot.sorption import isotherms as isotherm_panel

    ds = isotherms(3, kind="IV", seed=3)
    with plot.style():
        ax = isotherm_panel(ds)
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    by_color: dict = {}
    for ln in lines:
        by_color.setdefault(mcolors.to_hex(ln.get_color()), []).append(ln.get_linestyle())
    assert len(by_color) == 3                                  # one colour per sample
    for styles in by_color.values():
        assert sorted(styles) == ["-", "--"]                   # desorption dashed
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-2:] == ["adsorption", "desorption"] and len(legend) == 5
