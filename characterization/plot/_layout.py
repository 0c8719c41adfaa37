"""Panel layout at draw time: titles that fit beside the panel letter, legends above the data.

Constrained layout keeps room for an axes' titles but not between them: a long centre or
right title overprints the panel letter (the left title) and runs into the next panel, and a
legend in the upper corner covers the data. ``PanelLayout`` is the constrained layout
engine of :func:`characterization.plot.figure`; after each layout pass it fits the titles
(:func:`fit_titles`) and renews the legend headroom (:func:`legend_with_headroom`) for the
final axes sizes.
"""

from __future__ import annotations

from functools import lru_cache

#: Smallest font size (pt) a title is shrunk to before it is shortened with an ellipsis.
MIN_TITLE_SIZE = 5.0
#: Share of the panel height kept for the data under a legend, and the smallest legend type.
MIN_DATA_SHARE = 0.5
MIN_LEGEND_SIZE = 4.5
_GAP_PT = 4.0                   # clearance between the letter and a title, points


def _renderer(fig):
    # what matplotlib's own constrained layout uses (works for every canvas, PDF included)
    return fig._get_renderer()


def _titles(ax):
    """(left, centre, right) title Text objects of an axes."""
    return (getattr(ax, "_left_title", None), ax.title, getattr(ax, "_right_title", None))


def _fit_one(text, available, renderer):
    """Shrink (then shorten) ``text`` until its width is <= ``available`` pixels."""
    full = getattr(text, "_chz_full", None)        # (label, size, text set) of a former pass
    if full is None or text.get_text() != full[2]:
        full = (text.get_text(), text.get_fontsize(), None)
    label, size, _ = full
    text.set_text(label)
    text.set_fontsize(size)
    width = text.get_window_extent(renderer).width
    if width > available > 0:
        # text width is not exactly proportional to the size (hinting): a 3 % margin
        new_size = size
        for _ in range(3):
            new_size = max(MIN_TITLE_SIZE, 0.97 * new_size * available / width)
            text.set_fontsize(new_size)
            width = text.get_window_extent(renderer).width
            if width <= available or new_size <= MIN_TITLE_SIZE:
                break
        if width > available and new_size <= MIN_TITLE_SIZE and "$" not in label:
            # still too wide at the smallest type: shorten, middle ellipsis
            keep = len(label)
            while keep > 4 and text.get_window_extent(renderer).width > available:
                keep -= 1
                head = (keep + 1) // 2
                text.set_text(label[:head] + "…" + label[len(label) - (keep - head):])
    text._chz_full = (label, size, text.get_text())


def fit_titles(fig, renderer=None) -> None:
    """Make every panel's centre/right title fit between its letter and its right edge.

    Plain-text subscripts are typeset first (``I_D/I_G`` -> I$_D$/I$_G$,
    :func:`~characterization.plot._labels.pretty_name`; file names are left alone). A centre
    title that would reach the letter becomes the right title (when that slot is empty); a
    title wider than the room left is shrunk down to :data:`MIN_TITLE_SIZE` and then
    shortened in the middle with an ellipsis (mathtext titles are only shrunk).
    """
    from ._labels import pretty_name

    renderer = renderer or _renderer(fig)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        left, centre, right = _titles(ax)
        if right is None:
            continue
        for title in (centre, right):
            if title.get_text() and "…" not in title.get_text():
                title.set_text(pretty_name(title.get_text()))
        box = ax.get_position().transformed(fig.transFigure)
        gap = _GAP_PT * fig.dpi / 72.0
        letter = left.get_window_extent(renderer).width + gap if left.get_text() else 0.0
        if centre.get_text() and not right.get_text():
            half = centre.get_window_extent(renderer).width / 2
            if box.width / 2 - half < letter:            # would overprint the letter
                right.set_text(centre.get_text())
                right.set_fontsize(centre.get_fontsize())
                right.set_fontweight(centre.get_fontweight())
                centre.set_text("")
        if right.get_text():
            _fit_one(right, box.width - letter, renderer)
        if centre.get_text():
            _fit_one(centre, box.width - 2 * letter, renderer)


def legend_with_headroom(ax, *, top: float = 1.0, **legend_kw):
    """``ax.legend(**legend_kw)`` in the upper part of the axes with the y range raised so
    that no data lies under the legend (the data keep their scale, the axes gain headroom).

    A legend that would leave the data less than :data:`MIN_DATA_SHARE` of the panel height
    gets smaller type (down to :data:`MIN_LEGEND_SIZE` pt) first.
    ``top`` is where the legend's top sits (axes fraction). The headroom is renewed after
    each layout pass of a ``PanelLayout`` figure (the legend's share of the axes height
    grows when the layout shrinks the axes).
    """
    legend = ax.legend(**legend_kw)
    ax._chz_headroom = (legend, *ax.get_ylim(), legend_kw)
    _apply_headroom(ax)
    return legend


def _apply_headroom(ax, renderer=None) -> None:
    legend, lo, hi, legend_kw = ax._chz_headroom
    if legend is None or legend.axes is not ax or not (hi > lo):
        return
    renderer = renderer or _renderer(ax.figure)
    ax.set_ylim(lo, hi)
    box = ax.get_position().transformed(ax.figure.transFigure)
    leg = legend.get_window_extent(renderer)
    if box.height <= 0:
        return
    bottom = (leg.y0 - box.y0) / box.height - 0.02              # legend bottom, axes fraction
    if bottom < MIN_DATA_SHARE:
        # too tall for headroom (the data would shrink under half the panel): smaller type
        top = (leg.y1 - box.y0) / box.height
        factor = max(0.0, top - MIN_DATA_SHARE - 0.02) / max(top - bottom, 1e-3)
        size = max(MIN_LEGEND_SIZE, legend.get_texts()[0].get_fontsize() * factor
                   if legend.get_texts() else MIN_LEGEND_SIZE)
        if size < (legend.get_texts()[0].get_fontsize() if legend.get_texts() else 0):
            legend = ax.legend(**{**legend_kw, "fontsize": size, "title_fontsize": size})
            ax._chz_headroom = (legend, lo, hi, legend_kw)
        leg = legend.get_window_extent(renderer)
        bottom = (leg.y0 - box.y0) / box.height - 0.02
    bottom = min(max(bottom, MIN_DATA_SHARE), 1.0)
    if bottom < 1.0:
        ax.set_ylim(lo, lo + (hi - lo) / bottom)


@lru_cache(maxsize=1)
def panel_layout_class():
    """The :class:`PanelLayout` engine class (built on first use: matplotlib is imported
    only when a figure is made)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    class PanelLayout(ConstrainedLayoutEngine):
        """Constrained layout that then fits titles beside the panel letters and renews
        the legend headroom for the final axes sizes."""

        def execute(self, fig):
            renderer = _renderer(fig)
            out = super().execute(fig)
            # titles change the layout's widths nowhere: fitted to the final axes widths
            fit_titles(fig, renderer)
            for ax in fig.axes:
                if getattr(ax, "_chz_headroom", None) is not None:
                    _apply_headroom(ax, renderer)
            return out

    return PanelLayout


def use_panel_layout(fig) -> None:
    """Replace the figure's constrained layout engine by ``PanelLayout`` (same pads)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    params = engine.get() if isinstance(engine, ConstrainedLayoutEngine) else {}
    fig.set_layout_engine(panel_layout_class()(**params))
