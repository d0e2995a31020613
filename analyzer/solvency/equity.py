"""Equity price risk of directly held domestic equity (Rule 8 Art. 24-37).

Stocks (Art. 26, with k1 from the stock book's P&L and k2 by index membership and holding
period per regime), funds (Art. 30-33), convertibles (Art. 34), unlisted equity (Art. 27;
金规〔2023〕5号 (八); China Insurance Investment Fund II 0.15, 2021-12 implementation notice
一(七)), long-term equity investments (Art. 28), preferred shares and financial
perpetual bonds (Art. 36). PE/VC funds and REITs are in :mod:`look_through`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.holdings import Holdings
from analyzer.solvency.charges import ChargeBlock, ChargeContext, block, frames


def stock_k1(book_value: float, purchase_cost: float) -> float:
    """Portfolio P&L coefficient k1 of Rule 8 Art. 26.

    Parameters
    ----------
    book_value, purchase_cost : totals over all directly held stocks, CNY

    Returns
    -------
    float
        x = (book - cost) / cost; k1 = 1 if x >= 1, x^2 if 0 <= x < 1, -x^2 if -1 <= x < 0
        (and -1 below -1).
    """
    if purchase_cost <= 0:
        return 0.0
    x = (book_value - purchase_cost) / purchase_cost
    if x >= 1:
        return 1.0
    if x >= 0:
        return x * x
    if x >= -1:
        return -x * x
    return -1.0


def stock_book(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The stock book of Rule 8 Art. 26 k1, per position.

    Returns
    -------
    book_value, purchase_cost : ndarray (n,)
        账面价值 and 购买成本 (CNY) of the directly held domestic stocks, 0 for every other
        position. The one definition of the book: the engine, the optimiser and the
        dashboard all read it from here.
    """
    stock = ((frame["asset_type"] == "stock") & (frame["region"] == "domestic")).to_numpy()
    book = np.where(stock, frame["book_value"].to_numpy(dtype=float), 0.0)
    cost = np.where(stock, np.nan_to_num(frame["purchase_cost"].to_numpy(dtype=float)), 0.0)
    return book, cost


def stock_book_ratio(frame: pd.DataFrame) -> float | None:
    """x = (book value - purchase cost) / purchase cost of the stock book (None if empty)."""
    book, cost = stock_book(frame)
    total = float(cost.sum())
    return float(book.sum()) / total - 1.0 if total > 0 else None


def with_stock_book_ratio(holdings: Holdings, x: float) -> Holdings:
    """The same positions with the stock book's purchase costs rescaled so that its ratio is
    ``x``: k1 (and so every stock charge) is then evaluated at ``x`` while exposures stay as
    they are. Used to build a capital map at another stock-book ratio (a reallocation that
    changes the mix of the stock book moves k1)."""
    now = stock_book_ratio(holdings.frame)
    if now is None:
        return holdings
    frame = holdings.frame
    book, _ = stock_book(frame)
    factor = np.where(book > 0, (1.0 + now) / (1.0 + x), 1.0)
    return Holdings(
        frame.assign(purchase_cost=frame["purchase_cost"].to_numpy(dtype=float) * factor),
        holdings.source,
        look_through=holdings.look_through,
    )


def stock_k2(ctx: ChargeContext, stocks: np.ndarray, announced: bool | None = None) -> np.ndarray:
    """k2 per stock (positions in the mask ``stocks``) from the regime's buckets (index
    membership, board, holding period).

    ``announced``: only the buckets that carry a factor announced by a notice
    (``announced = true``: 金规〔2023〕5号 三(六), the 2025-12 notice) when True, only the
    others (Rule 8 Art. 26's own k2) when False, all when None.
    """
    buckets = [
        b
        for b in ctx.regime.table("equity", "stock_k2")["buckets"]
        if announced is None or bool(b.get("announced", False)) == announced
    ]
    n = int(np.count_nonzero(stocks))
    matches = np.full((len(buckets), n), np.nan)
    held = ctx.values("holding_years")[stocks]
    for b, bucket in enumerate(buckets):
        ok = np.ones(n, dtype=bool)
        if bucket["member"] != "any":
            ok &= ctx.values(bucket["member"])[stocks].astype(bool)
        if bucket["board"] != "any":
            ok &= ctx.column_in("board", (bucket["board"],))[stocks]
        if bucket["min_holding_years"] > 0:
            ok &= held > bucket["min_holding_years"]
        matches[b, ok] = bucket["k2"]
    if len(buckets) == 0:
        return np.zeros(n)

    def lowest(rows: np.ndarray) -> np.ndarray:
        return np.minimum(
            np.nan_to_num(np.min(np.where(np.isnan(rows), np.inf, rows), axis=0), posinf=0.0), 0.0
        )

    if ctx.options.overlapping_k2 == "sum":
        # The holding-period bucket of a membership (CSI 300 held > 3 years) replaces that
        # membership's shorter-holding bucket, it does not add to it: take the lowest k2 within
        # each (member, board) group, then add the groups (STAR + CSI 300 ...).
        groups: dict[tuple[str, str], list[int]] = {}
        for b, bucket in enumerate(buckets):
            groups.setdefault((bucket["member"], bucket["board"]), []).append(b)
        return np.sum([lowest(matches[rows]) for rows in groups.values()], axis=0)
    return lowest(matches)


def charges(ctx: ChargeContext) -> list[pd.DataFrame]:
    """Equity charges of directly held domestic equity (charge tables)."""
    return frames(blocks(ctx))


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """Equity charges of directly held domestic equity."""
    out = []

    stock = ctx.of_type("stock")
    if stock.any():
        t = ctx.regime.table("equity", "stock")
        rf0_t = dict(t["rf0"])
        if ctx.options.bse_board == "main":
            rf0_t["bse"] = rf0_t["main"]
        rf0 = ctx.lookup("board", rf0_t, stock)
        # Art. 26: x = (账面价值 - 购买成本) / 购买成本 over the stock book
        book, cost = stock_book(ctx.frame)
        k1 = stock_k1(float(book.sum()), float(cost.sum()))
        art = t["article"] + "; k2: " + ctx.regime.table("equity", "stock_k2")["article"]
        if ctx.options.index_factor_reading == "base_factor":
            # the notices' factors (0.30, 0.40, 0.27, 0.36) replace RF0; k1 and the rule's
            # own k2 then apply to them
            rf0 = rf0 * (1.0 + stock_k2(ctx, stock, announced=True))
            k2 = stock_k2(ctx, stock, announced=False)
        else:
            k2 = stock_k2(ctx, stock)
        out.append(block(ctx, stock, "equity", rf0, k1 + k2, "listed stock", art))

    funds_t = ctx.regime.table("equity", "funds")
    funds = ctx.of_type(*funds_t["rf0"].keys())
    if funds.any():
        out.append(
            block(
                ctx,
                funds,
                "equity",
                ctx.lookup("asset_type", funds_t["rf0"], funds),
                0.0,
                "securities fund",
                funds_t["article"],
            )
        )

    conv = ctx.of_type("convertible_bond")
    if conv.any():
        t = ctx.regime.table("equity", "convertible_bond")
        out.append(block(ctx, conv, "equity", t["rf0"], 0.0, "convertible bond", t["article"]))

    unlisted = ctx.of_type("unlisted_equity")
    if unlisted.any():
        t = ctx.regime.table("equity", "unlisted_equity")
        se = ctx.values("strategic_emerging")[unlisted]
        rf0 = np.where(se, t["rf0_strategic_emerging"], t["rf0"])
        ciif = (
            ctx.values("ciif_national_strategy")[unlisted].astype(bool)
            if "ciif_national_strategy" in ctx.frame
            else np.zeros(len(rf0), dtype=bool)
        )
        if (~ciif).any():
            m = unlisted.copy()
            m[unlisted] = ~ciif
            out.append(block(ctx, m, "equity", rf0[~ciif], 0.0, "unlisted equity", t["article"]))
        if ciif.any():
            c = ctx.regime.table("equity", "ciif_national_strategy")
            m = unlisted.copy()
            m[unlisted] = ciif
            out.append(
                block(
                    ctx,
                    m,
                    "equity",
                    c["rf0"],
                    0.0,
                    "unlisted equity, China Insurance Investment Fund II (national strategy)",
                    c["article"],
                )
            )

    ltei = ctx.of_type("long_term_equity_investment")
    if ltei.any():
        t = ctx.regime.table("equity", "long_term_equity_investment")
        rf0 = ctx.lookup("investee", t["rf0"], ltei)
        out.append(
            block(ctx, ltei, "equity", rf0, 0.0, "long-term equity investment", t["article"])
        )

    pref = ctx.of_type("preferred_share") | (
        ctx.of_type("perpetual_bond") & ~non_financial_perpetual(ctx)
    )
    if pref.any():
        t = ctx.regime.table("equity", "preferred_and_perpetual")
        clause = ctx.values("conversion_clause")[pref].astype(bool)
        met = ctx.values("issuer_ratios_met")[pref].astype(bool)
        financial = ~ctx.column_in("issuer_type", ("non_financial",))[pref]
        rf0 = np.where(
            clause,
            ctx.lookup("issuer_type", t["with_clause"], pref),
            ctx.lookup("issuer_type", t["no_clause"], pref),
        )
        rf0 = np.where(financial & clause & ~met, t["not_met"], rf0)
        rf0 = np.where(
            ~financial,
            np.where(
                clause, t["non_financial_with_conversion"], t["non_financial_without_conversion"]
            ),
            rf0,
        )
        out.append(
            block(
                ctx,
                pref,
                "equity",
                rf0,
                0.0,
                "preferred share / perpetual capital bond",
                t["article"],
            )
        )
    return out


def non_financial_perpetual(ctx: ChargeContext) -> np.ndarray:
    """Mask of perpetual bonds of non-financial issuers: not Rule 8 Art. 36 instruments
    (Art. 36 covers financial institutions' perpetual capital bonds; Rule 9 Art. 16 routes
    only those to equity), charged as rated corporate bonds (:mod:`spread`)."""
    return ctx.column_in("asset_type", ("perpetual_bond",)) & ctx.column_in(
        "issuer_type", ("non_financial",)
    )
