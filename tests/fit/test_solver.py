"""Solver internals: background Jacobians, blocked Gram products, bounds, a generic problem."""

import numpy as np
import pytest
from scipy import optimize

from characterization.fit import Background, Model, Peak, fit_peaks
from characterization.fit._gram import batched_gram, padded_rows
from characterization.fit._layout import Layout
from characterization.fit.solver import SolverOptions, covariance, levenberg_marquardt
from characterization.synthetic import peak_spectra


@pytest.mark.parametrize("background", ["constant", "linear", "polynomial(3)", "chebyshev(4)"])
def test_background_jacobian_matches_differences(background):
    model = Model([Peak("A", "gaussian", center=5.0, fwhm=1.0, amplitude=2.0)],
                  background=background)
    x = np.linspace(1.0, 9.0, 60)
    lay = Layout(model, x)
    rng = np.random.default_rng(1)
    p = rng.normal(size=(1, lay.n_all))
    p[0, :3] = [2.0, 5.0, 1.0]
    jac = np.empty((lay.n_all, 1, x.size))
    lay.evaluate(p, np.empty((1, x.size)), jac)
    for k in range(lay.background_cols.start, lay.n_all):
        up, down = p.copy(), p.copy()
        up[0, k] += 1e-3
        down[0, k] -= 1e-3
        numeric = (lay.evaluate(up, np.empty((1, x.size))) -
                   lay.evaluate(down, np.empty((1, x.size))))[0] / 2e-3
        np.testing.assert_allclose(jac[k, 0], numeric, rtol=1e-8, atol=1e-10)
    assert Background.parse("none").basis(x, (1, 9)).shape == (0, x.size)


@pytest.mark.parametrize("rows, points", [(4, 50), (15, 1000), (16, 1024), (17, 900),
                                          (28, 1500), (40, 300)])
def test_blocked_gram_equals_direct_product(rows, points):
    rng = np.random.default_rng(rows)
    a = rng.normal(size=(rows, 5, points))
    np.testing.assert_allclose(batched_gram(a), np.einsum("rbn,sbn->brs", a, a), rtol=1e-12,
                               atol=1e-10)
    assert padded_rows(rows) % 4 == 0 and padded_rows(rows) >= rows


def test_many_peak_model_uses_blocked_gram_and_converges():
    """8 peaks + quadratic background: 27 parameters, Gram of 28 rows (the blocked path)."""
    centers = np.linspace(1000, 1800, 8)
    peaks = [{"name": f"P{k}", "center": c, "fwhm": 40.0, "height": 300.0 + 50 * k}
             for k, c in enumerate(centers)]
    ds = peak_spectra(6, peaks=peaks, shape="pseudo_voigt", x_range=(900, 1900), seed=3,
                      n_points=1500)
    truth = ds.attrs.pop("ground_truth")
    model = Model([Peak(f"P{k}", "pseudo_voigt", center=c) for k, c in enumerate(centers)],
                  background="linear")
    res = fit_peaks(ds, model, components=False)
    assert bool(res.success.all())
    pulls = (res.value.sel(param="P3.center") - truth["P3.center"]) / res.stderr.sel(
        param="P3.center")
    assert float(np.abs(pulls).max()) < 4


def test_absent_peak_converges_onto_its_bound():
    """A peak with nothing to fit: amplitude driven to its 0 bound, the fit still succeeds."""
    ds = peak_spectra(4, peaks=[{"name": "A", "center": 1300.0, "fwhm": 50.0, "height": 500.0}],
                      seed=2, noise=5.0)
    model = Model([Peak("A", "lorentzian", center=1300),
                   Peak("Ghost", "lorentzian", center=1700, fwhm=50.0, amplitude=2000.0)],
                  background="linear")
    res = fit_peaks(ds, model)
    assert bool(res.success.all())
    ghost = res.value.sel(param="Ghost.amplitude")
    assert (ghost >= 0).all() and float(ghost.max()) < 0.05 * float(
        res.value.sel(param="A.amplitude").min())


class _Exponential:
    """y = a exp(-b x): a generic problem in the solver's interface."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def linearize(self, p, rows):
        a, b = p[:, :1], p[:, 1:]
        e = np.exp(-b * self.x)
        r = self.y[rows] - a * e
        jac = np.stack([e, -a * self.x * e], axis=1)              # (b, 2, N)
        return (np.einsum("bn,bn->b", r, r), jac @ jac.transpose(0, 2, 1),
                (jac @ r[:, :, None])[:, :, 0])


def test_generic_problem_matches_scipy_least_squares():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 5, 80)
    a_true, b_true = rng.uniform(1, 3, 30), rng.uniform(0.3, 1.5, 30)
    y = a_true[:, None] * np.exp(-b_true[:, None] * x) + rng.normal(0, 0.02, (30, x.size))
    p0 = np.tile([1.0, 1.0], (30, 1))
    res = levenberg_marquardt(_Exponential(x, y), p0, [-np.inf, 0.0], [np.inf, np.inf],
                              SolverOptions(block_size=7))
    assert res.success.all()
    cov = covariance(res.jtj, res.chi2, np.full(30, x.size - 2.0))
    for k in range(30):
        ref = optimize.least_squares(lambda p: p[0] * np.exp(-p[1] * x) - y[k], p0[k],
                                     method="lm", xtol=1e-12, ftol=1e-12)
        np.testing.assert_allclose(res.params[k], ref.x, rtol=1e-6)
        jac = ref.jac
        ref_cov = np.linalg.inv(jac.T @ jac) * (ref.fun @ ref.fun) / (x.size - 2)
        np.testing.assert_allclose(np.sqrt(np.diag(cov[k])), np.sqrt(np.diag(ref_cov)), rtol=1e-4)


def test_failures_are_per_spectrum():
    x = np.linspace(0, 5, 80)
    y = 2 * np.exp(-0.5 * x) + np.zeros((3, 1))
    y[1, 10] = np.nan
    res = levenberg_marquardt(_Exponential(x, y), np.tile([1.0, 1.0], (3, 1)), -np.inf, np.inf)
    assert res.success.tolist() == [True, False, True] and res.status[1] == -2
    res = levenberg_marquardt(_Exponential(x, y[[0]]), [[1.0, 1.0]], -np.inf, np.inf,
                              SolverOptions(max_nfev=2))
    assert res.status[0] == -1
    with pytest.raises(ValueError, match="max_nfev"):
        SolverOptions(max_nfev=0)
