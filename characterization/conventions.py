"""Data conventions: the contract between readers and analysis (DESIGN §3), as data.

Each technique has a :class:`Convention`: the signal dimension, the main variable, their units
and long names, the scalar coordinates a reader should provide, and the physical names allowed
for batch dims. :func:`validate` checks a Dataset against it and raises one
:class:`~characterization.errors.ConventionError` that lists every problem found.

Units are pint-parsable strings in ``attrs["units"]`` ("deg", "count", "1/cm", "eV",
"mmol/g", "mN", "nm", "1" for dimensionless). Nothing here converts units.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import xarray as xr

from .errors import ConventionError

CONVENTIONS_VERSION = "characterization-1"


@dataclasses.dataclass(frozen=True)
class Quantity:
    """Name, units and long name of one variable or coordinate."""

    name: str
    units: str
    long_name: str


@dataclasses.dataclass(frozen=True)
class Convention:
    """What a Dataset of one technique looks like.

    ``signal`` is the dim along which one measurement runs; ``signal_coords`` are coordinates on
    that dim that must exist (for point-indexed techniques such as sorption the dim ``point`` has
    coordinates ``relative_pressure`` and ``branch``). ``variables`` are the main data variables
    (the first one is required). ``scalar_coords`` are expected per-file metadata; they are
    reported as missing only with ``strict=True`` since not every format records them.
    """

    technique: str
    signal: Quantity
    variables: tuple[Quantity, ...]
    signal_coords: tuple[Quantity, ...] = ()
    scalar_coords: tuple[Quantity, ...] = ()
    batch_dims: tuple[str, ...] = ("sample", "spot", "y", "x", "sputter_time", "site", "state",
                                   "indent", "time", "range", "temperature")

    @property
    def main(self) -> Quantity:
        return self.variables[0]


_BATCH = ("sample", "spot", "y", "x", "sputter_time", "site", "state", "indent", "time", "range",
          "region", "emission_angle")

TABLE: MappingProxyType = MappingProxyType({
    "xrd": Convention(
        "xrd", Quantity("two_theta", "deg", "2θ"),
        (Quantity("intensity", "count", "Intensity"),),
        scalar_coords=(Quantity("wavelength", "angstrom", "Wavelength"),
                       Quantity("radiation", "", "Radiation")),
        batch_dims=_BATCH),
    "raman": Convention(
        "raman", Quantity("raman_shift", "1/cm", "Raman shift"),
        (Quantity("intensity", "count", "Intensity"),),
        scalar_coords=(Quantity("laser_wavelength", "nm", "Laser wavelength"),),
        batch_dims=_BATCH),
    "xps": Convention(
        "xps", Quantity("binding_energy", "eV", "Binding energy"),
        (Quantity("intensity", "count/s", "Intensity"),),
        scalar_coords=(Quantity("excitation_energy", "eV", "Excitation energy"),
                       Quantity("region", "", "Region")),
        batch_dims=_BATCH),
    "exafs": Convention(
        "exafs", Quantity("energy", "eV", "Incident energy"),
        (Quantity("mu", "1", "μ(E)"),),
        scalar_coords=(Quantity("edge", "", "Absorption edge"),),
        batch_dims=_BATCH),
    "sorption": Convention(
        "sorption", Quantity("point", "", "Measurement point"),
        (Quantity("amount", "mmol/g", "Amount adsorbed"),),
        signal_coords=(Quantity("relative_pressure", "1", "Relative pressure p/p0"),
                       Quantity("branch", "", "Branch")),
        scalar_coords=(Quantity("temperature", "K", "Temperature"),
                       Quantity("adsorbate", "", "Adsorbate")),
        batch_dims=_BATCH),
    "nanoindent": Convention(
        "nanoindent", Quantity("point", "", "Measurement point"),
        (Quantity("load", "mN", "Load"), Quantity("displacement", "nm", "Displacement")),
        signal_coords=(Quantity("time", "s", "Time"), Quantity("segment", "", "Segment")),
        scalar_coords=(Quantity("tip", "", "Indenter tip"),),
        batch_dims=_BATCH),
    "feff_paths": Convention(
        # Scattering paths of one FEFF calculation (read from feffNNNN.dat files or computed by
        # exafs.feff_paths): per-path amplitude and phase functions on FEFF's own k grid.
        "feff_paths", Quantity("k", "1/angstrom", "Photoelectron wavenumber k"),
        (Quantity("mag_feff", "angstrom", "|F_eff(k)|"),),
        batch_dims=("path",)),
    "psd_kernel": Convention(
        # A pore-size-distribution kernel (read with format="psd_kernel", or built by
        # sorption.kelvin_kernel): isotherms of single pore widths. Its second axis, pore_width,
        # is listed as the allowed extra dim of the kernel variable.
        "psd_kernel", Quantity("relative_pressure", "1", "Relative pressure p/p0"),
        (Quantity("kernel", "mmol/cm^3", "Amount adsorbed per unit pore volume"),),
        batch_dims=("pore_width",)),
    "spectrum": Convention(
        # Generic x/y data of no declared technique (a delimited text file whose columns were
        # not recognised): the signal dim is whatever the reader found, so only units are checked.
        "spectrum", Quantity("x", "", "x"), (Quantity("y", "", "y"),), batch_dims=_BATCH),
})


def get(technique: str) -> Convention:
    """The :class:`Convention` of ``technique``; raises ConventionError listing known ones."""
    try:
        return TABLE[technique]
    except KeyError:
        raise ConventionError(
            f"unknown technique {technique!r}; known: {', '.join(TABLE)}") from None


def signal_and_var(ds: xr.Dataset, dim: str | None = None, var: str | None = None, *,
                   technique: str | None = None, function: str = "analysis") -> tuple[str, str]:
    """The signal dim and main variable of ``ds``: as given, or from its technique's convention.

    Parameters
    ----------
    ds : xarray.Dataset
        The data.
    dim, var : str, optional
        Signal dim and data variable; when None, the convention of the technique gives them.
    technique : str, optional
        Convention to use when ``ds.attrs["technique"]`` names none (or names the generic
        ``"spectrum"``); the analysis namespace passes its own (``"raman"``, ``"xrd"`` ...).
    function : str
        Name used in error messages.

    Returns
    -------
    (str, str)
        ``(dim, var)``, checked: ``var`` is a data variable that runs along ``dim``, and where the
        signal is a physical axis (not the ``point`` index of sorption or nanoindentation) ``dim``
        has a numeric coordinate.

    Raises
    ------
    AnalysisError
        Naming what is missing and what exists.
    """
    from .errors import AnalysisError

    if not isinstance(ds, xr.Dataset):
        raise AnalysisError(f"{function} needs an xarray.Dataset, got {type(ds).__name__}")
    declared = ds.attrs.get("technique")
    if isinstance(declared, str) and declared in TABLE and declared != "spectrum":
        technique = declared
    conv = TABLE.get(technique) if technique else None
    if conv is None and (dim is None or var is None):
        raise AnalysisError(f"{function}: the Dataset declares no technique "
                            f"(attrs['technique'] is {declared!r}); pass dim= and var=")
    dim = dim or conv.signal.name
    var = var or conv.main.name
    if var not in ds.data_vars:
        raise AnalysisError(f"{function}: variable {var!r} not in Dataset "
                            f"(variables: {list(ds.data_vars)}); pass var=")
    if dim not in ds[var].dims:
        raise AnalysisError(f"{function}: variable {var!r} has no dim {dim!r} "
                            f"(dims: {list(ds[var].dims)}); pass dim=")
    indexed = conv is not None and dim == conv.signal.name and not conv.signal.units
    if not indexed and (dim not in ds.coords or ds[dim].dtype.kind not in "fiu"):
        raise AnalysisError(f"{function}: dim {dim!r} needs a numeric coordinate")
    return dim, var


def set_quantity(da: xr.DataArray, units: str, long_name: str) -> xr.DataArray:
    """Return ``da`` with ``units`` and ``long_name`` attrs set (a shallow copy, input untouched)."""
    out = da.copy(deep=False)
    out.attrs = {**da.attrs, "units": units, "long_name": long_name}
    return out


def validate(ds: xr.Dataset, technique: str | None = None, *, strict: bool = False) -> xr.Dataset:
    """Check that ``ds`` follows the conventions of ``technique``.

    Parameters
    ----------
    ds : xarray.Dataset
        The Dataset to check; not modified.
    technique : str, optional
        Key of :data:`TABLE`; defaults to ``ds.attrs["technique"]``.
    strict : bool
        Also require the technique's scalar coordinates (wavelength, temperature ...).

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, so readers can ``return validate(ds, "xrd")``.

    Raises
    ------
    ConventionError
        Listing every missing dim, variable, coordinate or unit, not only the first.
    """
    if technique is None and "result_of" in ds.attrs:
        return _validate_result(ds)
    technique = technique or ds.attrs.get("technique")
    if technique is None:
        raise ConventionError("Dataset has no attrs['technique'] and no technique was given")
    conv = get(technique)
    problems: list[str] = []
    if ds.attrs.get("technique") not in (None, technique):
        problems.append(f"attrs['technique'] is {ds.attrs['technique']!r}, expected {technique!r}")

    if technique != "spectrum":
        sig = conv.signal.name
        if sig not in ds.dims:
            problems.append(f"signal dim {sig!r} missing (dims: {list(ds.dims)})")
        for q in conv.variables[:1]:
            if q.name not in ds.data_vars:
                problems.append(f"variable {q.name!r} missing (variables: {list(ds.data_vars)})")
            elif sig in ds.dims and sig not in ds[q.name].dims:
                problems.append(f"variable {q.name!r} does not run along {sig!r}")
        for q in conv.signal_coords:
            if q.name not in ds.coords:
                problems.append(f"coordinate {q.name!r} on {sig!r} missing")
        if sig in ds.dims:
            extra = [d for d in ds.dims if d != sig and d not in conv.batch_dims]
            # Small labelled result dims are allowed on results, not on raw data variables.
            main = conv.main.name
            if main in ds.data_vars:
                bad = [d for d in ds[main].dims if d in extra]
                if bad:
                    problems.append(f"variable {main!r} has dims {bad} that are neither the signal "
                                    f"dim nor a physical batch dim {conv.batch_dims}")
        if strict:
            for q in conv.scalar_coords:
                if q.name not in ds.coords:
                    problems.append(f"scalar coordinate {q.name!r} missing")

    for name, var in {**ds.coords, **ds.data_vars}.items():
        if var.dtype.kind in "fiuc" and "units" not in var.attrs and name not in ds.dims:
            problems.append(f"{name!r} has no attrs['units']")
        if var.dtype.kind in "fiuc" and "units" not in var.attrs and name in ds.dims:
            problems.append(f"coordinate {name!r} has no attrs['units']")
    if problems:
        raise ConventionError(f"Dataset does not follow the {technique!r} conventions: "
                              + "; ".join(problems))
    return ds


def _validate_result(ds: xr.Dataset) -> xr.Dataset:
    """An analysis result (``attrs["result_of"]``): every numeric variable carries units."""
    missing = [name for name, var in {**ds.coords, **ds.data_vars}.items()
               if var.dtype.kind in "fiuc" and "units" not in var.attrs]
    if missing:
        raise ConventionError(f"result of {ds.attrs['result_of']} has no units on {missing}")
    return ds
