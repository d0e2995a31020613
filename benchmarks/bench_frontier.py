"""Frontier benchmark, all in one process (ratios against baselines measured in the same run).

1. Our 50-point frontier on each sample insurer's ~38 asset classes WITH the solvency
   cones, the investment-ratio caps and (life) the interest-rate relaxation, with the exact
   case split as fallback (the count is printed);
2. PyPortfolioOpt's 50-point plain mean-variance frontier on the same mu and Sigma
   (``efficient_risk`` loop on one instance, long-only, fully invested);
3. Riskfolio-Lib's ``efficient_frontier(rm="MV", points=50)`` on a return panel whose sample
   moments equal mu and Sigma exactly;
4. our overhead: wall time against the sum of Clarabel's own ``solve_time``;
5. a 2,000-position solve at the position level (factor model), with the capital cones.

Run: ``python benchmarks/bench_frontier.py``.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.io.assumptions import read_assumptions
from analyzer.io.company import read_company
from analyzer.io.holdings import Holdings, read_holdings
from analyzer.optimize import AllocationProblem, Limits, build_universe, frontier

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
POINTS = 50


def _panel(mu: np.ndarray, cov: np.ndarray, t: int) -> pd.DataFrame:
    """Returns whose sample mean and covariance (ddof=1) are exactly mu and cov."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((t, len(mu)))
    x -= x.mean(axis=0)
    c = np.cov(x, rowvar=False)
    wi, qi = np.linalg.eigh(c)
    white = x @ qi @ np.diag(wi**-0.5) @ qi.T
    w, q = np.linalg.eigh(cov)
    root = q @ np.diag(np.sqrt(np.clip(w, 0, None))) @ q.T
    return pd.DataFrame(white @ root + mu)


def ours(u, limits: Limits, threads: int | None = None):
    start = time.perf_counter()
    f = frontier(u, limits, points=POINTS, axis="volatility", threads=threads)
    return time.perf_counter() - start, f


def pypfopt_frontier(mu: np.ndarray, cov: np.ndarray) -> float:
    from pypfopt import EfficientFrontier

    start = time.perf_counter()
    ef = EfficientFrontier(mu, cov, weight_bounds=(0, 1), solver="CLARABEL")
    ef.min_volatility()
    lo = np.sqrt(ef.portfolio_performance()[1] ** 2)
    hi = float(np.sqrt(cov[np.argmax(mu), np.argmax(mu)]))
    ef = EfficientFrontier(mu, cov, weight_bounds=(0, 1), solver="CLARABEL")
    for target in np.linspace(lo * 1.0001, hi * 0.9999, POINTS):
        ef.efficient_risk(float(target))
    return time.perf_counter() - start


def riskfolio_frontier(mu: np.ndarray, cov: np.ndarray) -> float:
    import riskfolio as rp

    returns = _panel(mu, cov, max(2 * len(mu), 500))
    start = time.perf_counter()
    port = rp.Portfolio(returns=returns)
    port.assets_stats(method_mu="hist", method_cov="hist")
    port.solvers = ["CLARABEL"]
    port.efficient_frontier(model="Classic", rm="MV", points=POINTS, rf=0, hist=True)
    return time.perf_counter() - start


def split_positions(h: Holdings, parts: int) -> Holdings:
    """Split every position into ``parts`` equal pieces (distinct ids)."""
    f = h.frame
    pieces = []
    for k in range(parts):
        g = f.copy()
        g["id"] = g["id"].astype(str) + f"-{k}"
        for col in ("market_value", "face_value", "purchase_cost", "book_value"):
            g[col] = g[col] / parts
        pieces.append(g)
    return Holdings(pd.concat(pieces, ignore_index=True), h.source)


def _sample(kind: str, a, limits: Limits) -> None:
    h = read_holdings(DATA / kind / "holdings.csv")
    c = read_company(DATA / kind / "company.toml")
    u = build_universe(h, c, a)
    ours(u, limits)  # warm-up (imports, first compile of cvxpy internals)
    t_ours, f = ours(u, limits)
    t_seq, f_seq = ours(u, limits, threads=1)
    t_ppo = pypfopt_frontier(u.mu, u.covariance())
    t_rf = riskfolio_frontier(u.mu, u.covariance())
    life = "life: IR relaxation, exact case split as fallback" if u.capmap.life else "P&C"
    print(f"{kind}: {u.n} asset classes, {POINTS}-point volatility frontier ({life})")
    print(
        f"  ours (solvency cones, ratio caps, DPP={f.is_dpp}): {t_ours:.3f} s, "
        f"{len(f.failed)} failed, {len(f.inaccurate)} optimal_inaccurate points"
    )
    print(
        f"  PyPortfolioOpt (plain mean-variance): {t_ppo:.3f} s   ours / PyPortfolioOpt = "
        f"{t_ours / t_ppo:.2f}"
    )
    print(
        f"  Riskfolio-Lib (plain mean-variance):  {t_rf:.3f} s   ours / Riskfolio = "
        f"{t_ours / t_rf:.2f}"
    )
    print(
        f"  ours on one thread: {t_seq:.3f} s; Clarabel solve time inside it: "
        f"{f_seq.solve_time:.3f} s ({f_seq.solves} solver calls); our overhead = "
        f"{t_seq - f_seq.solve_time:.3f} s ({t_seq / max(f_seq.solve_time, 1e-9):.2f}x the "
        f"solve time). Default run: points on {os.cpu_count()} threads (Clarabel releases "
        f"the GIL), {t_seq / t_ours:.2f}x faster than one thread"
    )
    print(f"  relaxation fallbacks (exact IR case split solved): {f.fallbacks}")


def main() -> None:
    warnings.filterwarnings("ignore")
    a = read_assumptions(DATA / "assumptions.csv")
    limits = Limits(min_comprehensive=1.2, min_core=0.6)
    for kind in ("life", "pc"):
        _sample(kind, a, limits)
    big = split_positions(read_holdings(DATA / "pc" / "holdings.csv"), 6)
    cp = read_company(DATA / "pc" / "company.toml")
    a2 = replace(a, idiosyncratic_volatility=np.full(a.n, 0.05))
    start = time.perf_counter()
    ub = build_universe(big, cp, a2, level="position")
    t_build = time.perf_counter() - start
    start = time.perf_counter()
    r = AllocationProblem(
        ub, "mean_variance", Limits(min_comprehensive=1.5), risk_aversion=5.0
    ).solve()
    t_solve = time.perf_counter() - start
    print(
        f"{ub.n} positions (factor model, {ub.risk_factor.shape[0]} factors): build "
        f"{t_build:.2f} s, solve + k1 round + engine re-evaluation {t_solve:.2f} s (Clarabel "
        f"{r.solve_time:.2f} s); comprehensive ratio {r.solvency.comprehensive_ratio:.3f}"
    )


if __name__ == "__main__":
    main()
