"""Publication panels: ``characterization.plot.<kind>.<panel>(result, *, ax=None, **style) -> Axes``.

The only subpackage that imports matplotlib (DESIGN §7). Analysis never plots; panels never
compute more than what drawing needs. Axis labels come from ``long_name`` and ``units``.

* :func:`style` is the journal style (a context manager); :func:`colors_for` gives one colour
  per sample, :func:`state_style` one line style per branch or state, the same in every panel.
* :func:`figure` composes panel functions into a multi-panel figure at a journal column width
  (85, 114, 174 mm) with panel letters and shared axes; :func:`export` writes it as PDF/SVG
  (fonts embedded, text as text) and a 600 dpi PNG.
* :func:`default_panel` maps a public analysis function (``"fit.fit_peaks"``) to the panel that
  shows its result best; the ``characterize`` command uses it.
"""

from __future__ import annotations

from importlib import import_module

from .export import export
from .figure import available_panels, figure, label_panels, new_figure, resolve_panel
from .style import (JOURNAL_WIDTHS_INCH, JOURNAL_WIDTHS_MM, OKABE_ITO, colors_for, state_style,
                    style)

#: Default panel per public function, as "module:function" (resolved lazily).
DEFAULT_PANELS = {
    "fit.fit_peaks": "characterization.plot.fit:fit_result",
    "sorption.bet": "characterization.plot.sorption:bet_plot",
    "sorption.tplot": "characterization.plot.sorption:tplot_plot",
    "sorption.bjh": "characterization.plot.sorption:psd_plot",
    "sorption.dollimore_heal": "characterization.plot.sorption:psd_plot",
    "sorption.kernel_psd": "characterization.plot.sorption:psd_plot",
    "raman.fit_carbon": "characterization.plot.raman:carbon_fit",
    "raman.fit_silicon": "characterization.plot.raman:silicon_fit",
    "raman.subtract_background": "characterization.plot.raman:background",
    "raman.remove_spikes": "characterization.plot.raman:spikes",
    "xrd.fit_pattern": "characterization.plot.xrd:pattern_fit",
    "xrd.scherrer": "characterization.plot.xrd:scherrer_sizes",
    "xrd.williamson_hall": "characterization.plot.xrd:williamson_hall_plot",
    "xrd.size_strain_plot": "characterization.plot.xrd:size_strain_plot",
    "xps.quantify": "characterization.plot.xps:composition",
    "xps.fit_region": "characterization.plot.xps:region_fit",
    "xps.fit_oxidation_states": "characterization.plot.xps:region_fit",
    "xps.fit_si2p": "characterization.plot.xps:region_fit",
    "nanoindent.energies": "characterization.plot.nanoindent:load_displacement",
    "nanoindent.oliver_pharr": "characterization.plot.nanoindent:unloading_fit",
    "nanoindent.grid_map": "characterization.plot.nanoindent:grid_maps",
    "exafs.normalize": "characterization.plot.exafs:mu_stack",
    "exafs.subtract_background": "characterization.plot.exafs:chi_k",
    "exafs.fourier_transform": "characterization.plot.exafs:chi_r",
    "exafs.fit_shells": "characterization.plot.exafs_fit:shell_fit_r",
    "exafs.fit_lcf": "characterization.plot.exafs_fit:lcf_fit",
    "exafs.pca": "characterization.plot.exafs_fit:pca_scree",
}


def default_panel(qualname: str):
    """The panel function for results of ``qualname``, or None."""
    target = DEFAULT_PANELS.get(qualname)
    if target is None:
        return None
    module, func = target.split(":")
    return getattr(import_module(module), func)


__all__ = ["figure", "label_panels", "new_figure", "style", "JOURNAL_WIDTHS_INCH",
           "JOURNAL_WIDTHS_MM", "OKABE_ITO", "colors_for", "state_style", "export",
           "resolve_panel", "available_panels", "default_panel", "DEFAULT_PANELS"]
