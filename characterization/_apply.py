"""The one place numpy kernels meet xarray: :func:`apply_kernel`.

Every per-spectrum (or per-isotherm, per-peak) numpy kernel of the package runs through this
helper instead of a hand-built :func:`xarray.apply_ufunc` call, so all of them behave alike:

* core dims are moved last and, for dask-backed input, put in a single chunk (a kernel always
  sees whole spectra);
* ``dask="parallelized"``: a chunked input gives a lazy result, computed chunk by chunk on
  whatever scheduler is active (threads, processes or a ``dask.distributed`` cluster), with no
  code change in the technique functions;
* output sizes of new core dims are declared once (``output_sizes``), attrs are never carried
  over implicitly (every function sets the units of what it returns), and coordinate attrs of
  the dims that survive are restored.
"""

from __future__ import annotations

import functools
from typing import Callable, Sequence

import xarray as xr

__all__ = ["apply_kernel"]


def _prepare(arg, core: Sequence[str]):
    if not isinstance(arg, xr.DataArray):
        return arg
    order = [d for d in arg.dims if d not in core] + [d for d in core if d in arg.dims]
    if tuple(order) != arg.dims:
        arg = arg.transpose(*order)
    if arg.chunks is not None:
        single = {d: -1 for d in core if d in arg.dims}
        if single:
            arg = arg.chunk(single)
    return arg


def apply_kernel(kernel: Callable, *args, input_core_dims: Sequence[Sequence[str]],
                 output_core_dims: Sequence[Sequence[str]] = ((),),
                 output_dtypes: Sequence | None = None, output_sizes: dict | None = None,
                 exclude_dims: frozenset = frozenset(), kwargs: dict | None = None):
    """Apply ``kernel`` over the batch dims of DataArrays, eagerly or lazily with dask.

    Parameters
    ----------
    kernel : callable
        ``kernel(*arrays, **kwargs)`` working on numpy arrays whose core dims are last and whose
        leading dims are the (broadcast) batch dims; returns one array per output (a tuple when
        there are several).
    *args : DataArray or scalar
        Inputs, in the order the kernel takes them.
    input_core_dims : sequence of sequences of str
        Core dims of each input (``[]`` for inputs that are per-spectrum scalars).
    output_core_dims : sequence of sequences of str
        Core dims of each output; one entry per output.
    output_dtypes : sequence, optional
        dtype of each output (default float).
    output_sizes : dict, optional
        Sizes of output core dims that are not input dims (needed for dask).
    exclude_dims : frozenset
        Core dims whose size may change between input and output.
    kwargs : dict, optional
        Keyword arguments bound to the kernel (numpy arrays such as the signal axis, options).

    Returns
    -------
    DataArray or tuple of DataArray
        One DataArray per output, batch dims first, without attrs.
    """
    n_out = len(output_core_dims)
    if len(input_core_dims) != len(args):
        raise ValueError(f"apply_kernel: {len(args)} inputs but {len(input_core_dims)} core-dim "
                         "lists")
    prepared = [_prepare(a, core) for a, core in zip(args, input_core_dims)]
    func = functools.partial(kernel, **kwargs) if kwargs else kernel
    dtypes = list(output_dtypes) if output_dtypes is not None else [float] * n_out
    result = xr.apply_ufunc(
        func, *prepared,
        input_core_dims=[list(c) for c in input_core_dims],
        output_core_dims=[list(c) for c in output_core_dims],
        exclude_dims=set(exclude_dims),
        dask="parallelized",
        output_dtypes=dtypes,
        dask_gufunc_kwargs={"output_sizes": dict(output_sizes or {})},
        keep_attrs=False,
    )
    outputs = result if n_out > 1 else (result,)
    source = {}
    for a in args:
        if isinstance(a, xr.DataArray):
            for name, coord in a.coords.items():
                source.setdefault(name, coord.attrs)
    for out in outputs:
        for name in out.coords:
            if name in source and not out[name].attrs:
                out[name].attrs = dict(source[name])
    return outputs if n_out > 1 else outputs[0]
