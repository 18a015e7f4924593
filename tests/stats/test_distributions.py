"""The scipy-free distribution functions give scipy.stats' numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import special, stats

from trustscan.stats import distributions as d


@pytest.mark.parametrize(
    "q", [1e-12, 0.001, 0.025, 0.1, 0.5, 0.8, 0.9, 0.95, 0.975, 0.995, 1 - 1e-9]
)
def test_norm_ppf_matches_scipy(q: float) -> None:
    assert d.norm_ppf(q) == pytest.approx(float(stats.norm.ppf(q)), rel=1e-14, abs=1e-14)


def test_norm_sf_matches_scipy() -> None:
    x = np.array([-40.0, -3.0, -0.5, 0.0, 0.3, 1.0, 1.96, 5.0, 10.0, 38.0, np.inf, np.nan])
    np.testing.assert_allclose(
        d.norm_sf(x), stats.norm.sf(x), rtol=1e-13, atol=1e-300
    )  # scipy flushes denormals
    assert d.norm_sf(np.zeros((2, 3))).shape == (2, 3)
    assert float(d.norm_sf(1.0)) == pytest.approx(float(stats.norm.sf(1.0)), rel=1e-14)


@pytest.mark.parametrize("x", [0.0, 1e-9, 0.5, 3.84, 10.0, 100.0, 1000.0])
def test_chi2_one_degree_matches_scipy(x: float) -> None:
    assert d.chi2_sf_1df(x) == pytest.approx(float(stats.chi2.sf(x, 1)), rel=1e-12, abs=1e-300)


def test_rel_entr_matches_scipy() -> None:
    grid = np.array([-1.0, 0.0, 1e-300, 0.2, 0.5, 1.0, 2.0, np.nan])
    x, y = np.meshgrid(grid, grid)
    np.testing.assert_allclose(d.rel_entr(x, y), special.rel_entr(x, y), rtol=1e-15)
    p, q = np.array([0.3, 0.30000001]), np.array([0.30000002, 0.3])
    np.testing.assert_allclose(d.rel_entr(p, q), special.rel_entr(p, q), rtol=1e-15)


def test_t_and_kolmogorov_tails_match_scipy() -> None:
    t = np.array([0.0, 0.7, 2.0, 5.0])
    dof = np.array([1.5, 10.0, 100.0, 3.0])
    np.testing.assert_allclose(d.t_sf(t, dof), stats.t.sf(t, dof), rtol=1e-12)
    for x in (0.2, 0.8, 1.36, 3.0):
        assert d.kolmogorov_sf(x) == pytest.approx(float(stats.kstwobign.sf(x)), rel=1e-12)


def test_fisher_matches_scipy() -> None:
    table = [[3, 7], [12, 4]]
    assert d.fisher_exact_pvalue(table) == float(stats.fisher_exact(table).pvalue)


def test_stats_package_does_not_import_scipy_stats() -> None:
    code = "import sys, trustscan.stats, trustscan.stats.performance; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
