"""Benchmark: the capital engine against pandas reading the same positions.

    python benchmarks/bench_engine.py [--n 100000] [--repeat 3]

Builds ``n`` synthetic positions covering every asset type (domestic and overseas forms),
writes them to a temporary CSV, and measures in this process, best of ``repeat``:

(a) ``pandas.read_csv`` of the file (the baseline),
(b) ``analyzer.io.read_holdings`` (reading + validation),
(c) ``analyzer.solvency.engine.evaluate`` (the engine, sci-tech baseline re-evaluation
    under ``cross2-2022`` included; also reported without it), for a P&C company and for a
    life company (interest-rate scenario method).

The requirement: computing the capital of 100,000 positions takes less time than pandas takes
to read their CSV (ratio engine / read_csv < 1). Peak memory (tracemalloc) is reported as a
ratio to the read_csv peak too.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.io import read_holdings
from analyzer.io.company import company_from_dict
from analyzer.io.holdings import ASSET_TYPES
from analyzer.solvency.engine import evaluate

RATINGS = ["AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "unrated"]
OVERSEAS_TYPES = [
    "government_bond",
    "corporate_bond",
    "stock",
    "equity_fund",
    "bond_fund",
    "money_market_fund",
    "unlisted_equity",
    "investment_property",
    "reit",
    "long_term_equity_investment",
    "deposit",
    "cash",
]


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """n positions: every asset type domestic, ~5% overseas, all columns filled plausibly."""
    rng = np.random.default_rng(seed)
    at = np.array(ASSET_TYPES)[np.arange(n) % len(ASSET_TYPES)]
    region = np.where(rng.random(n) < 0.05, rng.choice(["developed", "emerging"], n), "domestic")
    overseas_ok = np.isin(at, OVERSEAS_TYPES)
    region = np.where(overseas_ok, region, "domestic")
    mv = np.round(rng.lognormal(16, 1.2, n), 2)
    is_stock = at == "stock"
    frame = pd.DataFrame(
        {
            "id": [f"P{i:07d}" for i in range(n)],
            "asset_type": at,
            "asset_class": at,
            "market_value": mv,
            "rating": rng.choice(RATINGS, n),
            "modified_duration": np.round(rng.uniform(0.1, 15, n), 4),
            "coupon_rate": np.round(rng.uniform(0.01, 0.05, n), 4),
            "maturity_years": rng.integers(1, 31, n),
            "face_value": np.round(mv * rng.uniform(0.9, 1.1, n), 2),
            "board": np.where(is_stock, rng.choice(["main", "star", "chinext", "bse"], n), ""),
            "csi300": rng.random(n) < 0.3,
            "dividend_low_vol_100": rng.random(n) < 0.1,
            "holding_years": np.round(rng.uniform(0, 6, n), 2),
            "purchase_cost": np.where(is_stock, np.round(mv * rng.uniform(0.6, 1.4, n), 2), np.nan),
            "counterparty": np.char.add("CP", rng.integers(0, 5000, n).astype(str)),
            "look_through": rng.random(n) < 0.7,
            "layers": rng.integers(1, 4, n),
            "strategic_emerging": rng.random(n) < 0.4,
            "green": rng.random(n) < 0.1,
            "sci_tech": rng.random(n) < 0.1,
            "bank_type": rng.choice(
                [
                    "large_state",
                    "policy",
                    "joint_stock",
                    "city",
                    "rural",
                    "other",
                    "finance_company",
                ],
                n,
            ),
            "bank_car": np.where(
                rng.random(n) < 0.9, np.round(rng.uniform(0.10, 0.18, n), 4), np.nan
            ),
            "region": region,
            "currency": np.where(
                region == "domestic", "CNY", rng.choice(["USD", "HKD", "EUR", "GBP", "other"], n)
            ),
            "property_tier": rng.choice(["major", "other"], n),
            "principal_protected": rng.random(n) < 0.8,
            "loan_class": rng.choice(
                ["normal", "special_mention", "substandard"], n, p=[0.9, 0.07, 0.03]
            ),
            "exempt": rng.random(n) < 0.3,
            "investee": rng.choice(
                ["subsidiary", "insurance_subsidiary", "listed_associate", "unlisted_associate"], n
            ),
            "issuer_type": rng.choice(
                [
                    "policy_bank",
                    "large_state",
                    "joint_stock",
                    "city",
                    "other_bank",
                    "amc",
                    "insurer",
                    "non_financial",
                ],
                n,
            ),
            "conversion_clause": rng.random(n) < 0.5,
            "issuer_ratios_met": rng.random(n) < 0.9,
            "fund_kind": rng.choice(["vc", "pe"], n),
        }
    )
    # a modified duration is at most the time to maturity (the reader refuses more)
    frame["modified_duration"] = np.minimum(frame["modified_duration"], frame["maturity_years"])
    # Rule 7 products: a kind; exemption only where Art. 25 allows it, with its condition; a
    # portfolio product is exempt or not looked through (its underlyings would be a file)
    exemptible = np.isin(at, ["insurance_abs_plan", "am_product", "wealth_management_product"])
    frame["exempt"] = frame["exempt"] & exemptible
    kind_products = np.isin(at, ["am_product", "wealth_management_product"])
    frame["look_through"] = frame["look_through"] & ~(kind_products & ~frame["exempt"])
    frame["product_kind"] = rng.choice(["money_market", "fixed_income", "equity", "mixed"], n)
    frame["largest_underlying_share"] = np.round(rng.uniform(0.01, 0.2, n), 4)
    frame["trust_kind"] = rng.choice(["fixed_income", "equity"], n, p=[0.8, 0.2])
    frame["accounting"] = rng.choice(["amortised_cost", "fvoci", "fvtpl"], n)
    # derivatives: notional, direction and what they reference; unhedged (a hedge names its
    # position), swaps and forwards with a counterparty, forwards in a foreign currency
    deriv = np.isin(
        at, ["interest_rate_swap", "treasury_future", "stock_index_future", "fx_forward"]
    )
    frame["notional"] = np.where(deriv, np.round(mv * rng.uniform(5, 20, n), 2), np.nan)
    frame["direction"] = np.where(
        at == "interest_rate_swap",
        rng.choice(["pay_fixed", "receive_fixed"], n),
        np.where(deriv, rng.choice(["long", "short"], n), ""),
    )
    frame["underlying"] = np.where(deriv, "REF", "")
    frame["hedge_effective"] = False
    frame.loc[deriv, "market_value"] = np.round(mv[deriv] * 0.01, 2)
    frame.loc[deriv, "region"] = "domestic"
    frame["currency"] = np.where(
        at == "fx_forward", "USD", np.where(frame["region"] == "domestic", "CNY", frame["currency"])
    )
    return frame


def company(kind: str, total_assets: float) -> object:
    data = {
        "name": f"Bench {kind}",
        "company_type": kind,
        "total_assets": total_assets,
        "prior_comprehensive_ratio": 2.0,
        "capital": {
            "core_tier1": 0.08 * total_assets,
            "core_tier2": 0.01 * total_assets,
            "supplementary_tier1": 0.02 * total_assets,
        },
        "minimum_capital": {
            "nonlife_insurance": 0.01 * total_assets,
            "sarmra_score": 80,
            "life_insurance": 0.02 * total_assets if kind == "life" else 0.0,
        },
    }
    if kind == "life":
        years = np.arange(1, 61)
        data["liabilities"] = {
            "cash_flows": total_assets * 0.03 * np.exp(-years / 25),
            "spot_curve": 0.015 + 0.0004 * np.minimum(np.arange(1, 51), 30),
        }
    return company_from_dict(data)


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_memory(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _with_tables(result):
    """Touch the report tables (built lazily on first access)."""
    return len(result.holdings) + len(result.charges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the P&C engine run")
    args = parser.parse_args()

    frame = synthetic(args.n)
    total_assets = float(frame["market_value"].sum()) * 1.25
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "holdings.csv"
        frame.to_csv(path, index=False)
        size_mb = path.stat().st_size / 1e6
        t_csv, _ = best_of(lambda: pd.read_csv(path), args.repeat)
        t_read, holdings = best_of(lambda: read_holdings(path), args.repeat)
        m_csv = peak_memory(lambda: pd.read_csv(path))
        m_read = peak_memory(lambda: read_holdings(path))
    print(f"{args.n:,} positions, {size_mb:.1f} MB CSV, {len(ASSET_TYPES)} asset types")
    print(f"(a) pandas read_csv        {t_csv * 1e3:9.1f} ms   peak {m_csv / 1e6:8.1f} MB")
    print(
        f"(b) read_holdings          {t_read * 1e3:9.1f} ms   peak {m_read / 1e6:8.1f} MB"
        f"   ratio {t_read / t_csv:5.2f}  memory ratio {m_read / m_csv:5.2f}"
    )
    for kind in ("pc", "life"):
        co = company(kind, total_assets)
        t_eng, result = best_of(lambda co=co: evaluate(holdings, co), args.repeat)
        t_core, _ = best_of(lambda co=co: evaluate(holdings, co, scitech=False), args.repeat)
        m_eng = peak_memory(lambda co=co: evaluate(holdings, co))
        print(
            f"(c) evaluate {kind:<4}          {t_eng * 1e3:9.1f} ms   peak {m_eng / 1e6:8.1f} MB"
            f"   ratio {t_eng / t_csv:5.2f}  memory ratio {m_eng / m_csv:5.2f}"
            f"   (without sci-tech view {t_core * 1e3:.1f} ms, ratio {t_core / t_csv:.2f})"
            f"   minimum capital {result.minimum_capital:,.0f}"
        )
        t_tab, _ = best_of(lambda co=co: _with_tables(evaluate(holdings, co)), args.repeat)
        print(
            f"(d) evaluate {kind:<4} + report tables {t_tab * 1e3:9.1f} ms   ratio "
            f"{t_tab / t_csv:5.2f}   (the per-position table and the charge trace, built on "
            "first use)"
        )
        if args.profile and kind == "pc":
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            evaluate(holdings, co)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
