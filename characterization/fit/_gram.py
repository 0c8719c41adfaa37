"""Batched Gram matrices ``A A^T`` of many small (R x N) matrices, BLAS-fast at every size.

Measured with OpenBLAS on this project's machines: one ``(R, N) @ (N, R)`` product with
``N = 1000`` costs about 1 us per row up to 16 rows (rows in multiples of 4 are fastest: the
kernel tiles rows by 4), but once ``R * R * N`` exceeds OpenBLAS's multithreading threshold
(262144) the library wakes its threads for every tiny product and the cost jumps 6-10x. So:


* the caller pads R to a multiple of 4 with zero rows (:func:`padded_rows`): 8, 12 and 16 rows
  cost 7, 11 and 17 us, but 13, 14 and 15 rows 17, 19 and 28 us;
* above 16 rows, or for long spectra, the product is split into row blocks of at most 16 and
  chunks of N such that every BLAS call stays single-threaded, and the blocks are summed.

Each spectrum's Gram matrix is computed by the same sequence of BLAS calls whatever the batch
size, so results do not depend on how a batch is chunked (dask == eager bit for bit).
"""

from __future__ import annotations

import numpy as np

_ROWS = 16
_SINGLE_THREAD_MNK = 262_144


def padded_rows(n_rows: int) -> int:
    """Rows to allocate: ``n_rows`` rounded up to a multiple of 4."""
    return -(-n_rows // 4) * 4


def batched_gram(rows_major: np.ndarray) -> np.ndarray:
    """``G[b] = A_b A_b^T`` for ``A_b = rows_major[:, b, :]``; input (R, B, N), output (B, R, R).

    ``rows_major`` is parameter-major (each row a contiguous (B, N) block), which is also what
    the line shapes write.
    """
    n_rows, n_spec, n_points = rows_major.shape
    view = rows_major.transpose(1, 0, 2)                 # (B, R, N), BLAS-compatible slices
    if n_rows <= _ROWS and n_rows * n_rows * n_points <= _SINGLE_THREAD_MNK:
        return np.matmul(view, view.transpose(0, 2, 1))
    chunk = max(1, _SINGLE_THREAD_MNK // (_ROWS * _ROWS))
    n_chunks = -(-n_points // chunk)
    chunk = -(-n_points // n_chunks)                     # equal chunks
    out = np.zeros((n_spec, n_rows, n_rows))
    starts = range(0, n_rows, _ROWS)
    for k0 in range(0, n_points, chunk):
        part = view[:, :, k0:k0 + chunk]
        for i0 in starts:
            a = part[:, i0:i0 + _ROWS]
            for j0 in starts:
                if j0 < i0:
                    continue
                b = a if j0 == i0 else part[:, j0:j0 + _ROWS]
                out[:, i0:i0 + _ROWS, j0:j0 + _ROWS] += np.matmul(a, b.transpose(0, 2, 1))
    for i0 in starts:                                    # mirror the upper blocks
        for j0 in starts:
            if j0 > i0:
                out[:, j0:j0 + _ROWS, i0:i0 + _ROWS] = out[:, i0:i0 + _ROWS,
                                                            j0:j0 + _ROWS].transpose(0, 2, 1)
    return out
