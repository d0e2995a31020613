"""Derivatives: interest-rate swaps, treasury futures, stock-index futures, FX forwards.

Rule 8 Art. 15-16 (interest rate, P&C), Art. 35 (stock-index futures), Art. 57-58 (FX net
position per currency, FX forwards) and Rule 9 Art. 33 (counterparty default of swaps and FX
forwards). Life insurers: swaps and treasury futures enter the Annex 3 cash flows of the
scenario method (Rule 8 Art. 13 (四), 18 (四)), see :func:`life_legs`.

The charges of a hedge depend on the capital of the positions it hedges, so this module runs
after the rule modules, on their rows (``base``). Every row it adds sits on a derivative:

- the derivative's own charge (a swap: ``notional x RF0`` with RF0 signed by direction, Art. 15;
  a long future or a hedge that does not qualify: ``|contract value x RF|``, Art. 16 (三)(四),
  35 (三)(四), 58 (二));
- for a qualifying hedge, the *offset* that turns the hedged positions' own capital ``C`` into
  the combined ``|C - contract value x effectiveness x RF|`` (Art. 16 (一), 35 (一), 58 (一)):
  ``capital = |C - H| - C`` (negative when ``H < 2C``), shared among the hedge's contracts in
  proportion to ``contract value x effectiveness``. A qualifying short future hedging for less
  than a month is charged 0 and its hedged positions alone (Art. 16 (二), 35 (二)).

The foreign-currency liabilities of the company file (Art. 56 (七), 57) net against the assets of
their currency: :func:`fx_liability_adjustment` is a company-level amount (CNY) added to the FX
sub-module (``|A - L| x RF - A x RF`` per currency), like the non-investment credit items.
"""

from __future__ import annotations

import numpy as np

from analyzer.io.holdings import DERIVATIVES, split_ids
from analyzer.solvency import interest_rate, overseas
from analyzer.solvency.charges import SUBMODULE_INDEX, ChargeArrays, ChargeBlock, ChargeContext

#: the liability keys of the company file (``[fx_liabilities]``) in holdings currency codes
FX_LIABILITY_KEYS = ("USD", "HKD", "EUR", "GBP", "other")


def is_derivative(ctx: ChargeContext) -> np.ndarray:
    """Mask of derivative positions (whatever their region)."""
    return ctx.column_in("asset_type", DERIVATIVES)


def signed_duration_factor(duration: np.ndarray, bands: tuple) -> np.ndarray:
    """RF0 of Rule 8 Art. 15 for signed modified durations ``D`` (years):
    ``D x (a x |D| + b)`` on the band of ``|D|``."""
    d = np.asarray(duration, dtype=float)
    return np.sign(d) * interest_rate.duration_factor(np.abs(d), bands)


def _row(
    ctx: ChargeContext,
    positions: np.ndarray,
    submodule: str,
    exposure: np.ndarray,
    rf0: np.ndarray,
    capital: np.ndarray,
    rule: str,
    article: str,
) -> ChargeBlock:
    """Charge rows whose capital is given (it may be negative: an offset)."""
    n = len(positions)
    exposure = np.broadcast_to(np.asarray(exposure, dtype=float), (n,)).copy()
    capital = np.broadcast_to(np.asarray(capital, dtype=float), (n,)).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(exposure != 0, capital / exposure, 0.0)
    return ChargeBlock(
        np.asarray(positions, dtype=np.int64),
        np.full(n, SUBMODULE_INDEX[submodule], dtype=np.int8),
        exposure,
        np.broadcast_to(np.asarray(rf0, dtype=float), (n,)).copy(),
        np.zeros(n),
        factor,
        capital,
        rule,
        article,
    )


def _capital_by_position(ctx: ChargeContext, base: ChargeArrays, submodule: str) -> np.ndarray:
    """Capital (CNY) of every position in one sub-module of the rule modules' rows."""
    keep = base.submodule == SUBMODULE_INDEX[submodule]
    return np.bincount(base.position[keep], weights=base.capital[keep], minlength=ctx.n)


def _index_of(ctx: ChargeContext) -> dict[str, int]:
    if "derivatives.index" not in ctx.cache:
        ctx.cache["derivatives.index"] = {
            str(v): i for i, v in enumerate(ctx.frame["id"].to_numpy())
        }
    return ctx.cache["derivatives.index"]


def _groups(ctx: ChargeContext, mask: np.ndarray) -> dict[tuple[str, ...], np.ndarray]:
    """The rows of ``mask`` grouped by the positions they hedge (``hedged_id``)."""
    hedged = ctx.frame["hedged_id"].to_numpy()
    out: dict[tuple[str, ...], list[int]] = {}
    for i in np.flatnonzero(mask):
        out.setdefault(split_ids(hedged[i]), []).append(int(i))
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def _hedged_rows(ctx: ChargeContext, ids: tuple[str, ...]) -> np.ndarray:
    index = _index_of(ctx)
    return np.array([index[i] for i in ids if i in index], dtype=np.int64)


def _short_hedges(
    ctx: ChargeContext,
    base: ChargeArrays,
    mask: np.ndarray,
    rf: np.ndarray,
    submodule: str,
    table: dict,
    what: str,
) -> list[ChargeBlock]:
    """Futures of ``mask`` (one type) with their risk factor ``rf`` (over all positions):
    Art. 16 / 35 (一)-(四)."""
    out: list[ChargeBlock] = []
    article = table["article"]
    value = ctx.values("notional")
    short = mask & ctx.column_in("direction", ("short",))
    effective = short & ctx.values("hedge_effective").astype(bool)
    months = ctx.values("hedge_months")
    combined = effective & (months >= table["min_hedge_months"])
    brief = effective & ~combined
    alone = mask & ~combined & ~brief
    if alone.any():
        idx = np.flatnonzero(alone)
        capital = np.abs(value[idx] * rf[idx])
        label = np.where(ctx.column_in("direction", ("long",))[idx], "long", "short, not a hedge")
        for kind in ("long", "short, not a hedge"):
            rows = idx[label == kind]
            if len(rows):
                out.append(
                    _row(
                        ctx,
                        rows,
                        submodule,
                        value[rows],
                        rf[rows],
                        capital[label == kind],
                        f"{what} ({kind})",
                        article,
                    )
                )
    if brief.any():
        rows = np.flatnonzero(brief)
        out.append(
            _row(
                ctx,
                rows,
                submodule,
                value[rows],
                rf[rows],
                0.0,
                f"{what} (hedge shorter than a month)",
                article,
            )
        )
    if combined.any():
        own = _capital_by_position(ctx, base, submodule)
        eff = ctx.values("hedge_effectiveness")
        for ids, rows in _groups(ctx, combined).items():
            hedged_capital = float(own[_hedged_rows(ctx, ids)].sum())
            offset = value[rows] * eff[rows] * rf[rows]
            total = float(offset.sum())
            change = abs(hedged_capital - total) - hedged_capital
            share = offset / total if total > 0 else np.full(len(rows), 1.0 / len(rows))
            out.append(
                _row(
                    ctx,
                    rows,
                    submodule,
                    value[rows] * eff[rows],
                    rf[rows],
                    change * share,
                    f"{what} (hedge of {', '.join(ids)})",
                    article,
                )
            )
    return out


def _swaps(ctx: ChargeContext) -> list[ChargeBlock]:
    """Interest-rate swaps of a P&C insurer (Rule 8 Art. 15): ``notional x RF0(D)``."""
    t = ctx.regime.table("derivatives", "interest_rate_swap")
    mask = ctx.of_type("interest_rate_swap", domestic=None)
    if not mask.any():
        return []
    rows = np.flatnonzero(mask)
    sign = ctx.lookup("direction", t["sign"], mask, default=0.0)
    rf0 = signed_duration_factor(sign * ctx.values("modified_duration")[rows], t["bands"])
    notional = ctx.values("notional")[rows]
    return [
        _row(
            ctx,
            rows,
            "interest_rate",
            notional,
            rf0,
            notional * rf0,
            "interest-rate swap",
            t["article"],
        )
    ]


def _net_interest_rate(
    ctx: ChargeContext, base: ChargeArrays, rows: list[ChargeBlock]
) -> list[ChargeBlock]:
    """When paying-fixed swaps leave the P&C interest-rate capital negative (Art. 17's sum),
    option ``swap_net_interest_rate`` charges its absolute value or 0."""
    swaps = np.flatnonzero(ctx.of_type("interest_rate_swap", domestic=None))
    if not len(swaps):
        return []
    ir = SUBMODULE_INDEX["interest_rate"]
    total = float(base.capital[base.submodule == ir].sum())
    total += sum(float(b.capital[b.submodule == ir].sum()) for b in rows)
    if total >= 0:
        return []
    t = ctx.regime.table("derivatives", "interest_rate_swap")
    change = -2.0 * total if ctx.options.swap_net_interest_rate == "absolute" else -total
    return [
        _row(
            ctx,
            swaps[:1],
            "interest_rate",
            abs(total),
            np.nan,
            change,
            f"net interest-rate position below 0 ({ctx.options.swap_net_interest_rate})",
            t["article"] + "; Art. 17 sum",
        )
    ]


def _fx_rf(ctx: ChargeContext) -> np.ndarray:
    """Art. 57 FX factor of every position's currency (0 for CNY)."""
    return overseas._fx_rf0(ctx, ctx.regime.table("overseas", "fx")["rf0"])


def _fx_hedged(ctx: ChargeContext) -> tuple[np.ndarray, dict[tuple[str, ...], np.ndarray]]:
    """Mask of the forwards combined with their hedged assets (qualifying short forwards with
    a hedged_id) and their groups."""
    fwd = ctx.of_type("fx_forward", domestic=None)
    combined = (
        fwd
        & ctx.column_in("direction", ("short",))
        & ctx.values("hedge_effective").astype(bool)
        & (ctx.frame["hedged_id"].to_numpy() != "")
    )
    return combined, _groups(ctx, combined)


def _forwards(ctx: ChargeContext, base: ChargeArrays) -> list[ChargeBlock]:
    """FX forwards (Rule 8 Art. 58)."""
    fwd = ctx.of_type("fx_forward", domestic=None)
    if not fwd.any():
        return []
    t = ctx.regime.table("derivatives", "fx_forward")
    rf = _fx_rf(ctx)
    notional = ctx.values("notional")
    combined, groups = _fx_hedged(ctx)
    out = []
    alone = np.flatnonzero(fwd & ~combined)
    if len(alone):
        out.append(
            _row(
                ctx,
                alone,
                "fx",
                notional[alone],
                rf[alone],
                np.abs(notional[alone] * rf[alone]),
                "FX forward (not a qualifying hedge)",
                t["article"],
            )
        )
    mv = ctx.values("market_value")
    eff = ctx.values("hedge_effectiveness")
    for ids, rows in groups.items():
        hedged = _hedged_rows(ctx, ids)
        size = float(mv[hedged].sum())  # 被套期外币资产总规模
        covered = notional[rows] * eff[rows]
        total = float(covered.sum())
        r = float(rf[rows[0]])
        change = (abs(size - total) - size) * r  # the hedged assets carry size x RF already
        share = covered / total if total > 0 else np.full(len(rows), 1.0 / len(rows))
        out.append(
            _row(
                ctx,
                rows,
                "fx",
                covered,
                r,
                change * share,
                f"FX forward (hedge of {', '.join(ids)})",
                t["article"],
            )
        )
    return out


def fx_liability_adjustment(ctx: ChargeContext) -> float:
    """Change of FX capital (CNY) from netting the company's foreign-currency liabilities
    against the assets of their currency (Rule 8 Art. 57): per currency
    ``|A - L| x RF - A x RF`` with ``A`` the foreign-currency positions not combined with a
    forward hedge (Art. 58 charges those with their forwards); USD and HKD are one currency.
    Liabilities under ``other`` are not netted (they may be another currency than the assets
    marked ``other``): they add ``L x RF``."""
    liab = ctx.company.fx_liabilities
    amounts = {k: float(getattr(liab, k)) for k in FX_LIABILITY_KEYS}
    if not any(amounts.values()):
        return 0.0
    fx_t = ctx.regime.table("overseas", "fx")["rf0"]
    net_t = ctx.regime.table("derivatives", "fx_net")
    usd_like = ("USD", *net_t["same_as_usd"])
    # the foreign-currency assets (the rows the FX rule charges), minus hedged ones
    cur = overseas.currencies(ctx)
    assets = overseas._foreign(ctx) & ~is_derivative(ctx)
    _, groups = _fx_hedged(ctx)
    for ids in groups:
        assets[_hedged_rows(ctx, ids)] = False
    mv = ctx.values("market_value")
    change = 0.0
    done: set[str] = set()
    for key, amount in amounts.items():
        if key in done:
            continue
        if key == "other":
            change += amount * fx_t["other"]
            continue
        members = usd_like if key in usd_like else (key,)
        done.update(members)
        total_l = sum(amounts[m] for m in members if m in amounts)
        if total_l == 0:
            continue
        a = float(mv[assets & np.isin(cur, members)].sum())
        rf = fx_t.get(key, fx_t["other"])
        change += (abs(a - total_l) - a) * rf
    return change


def _counterparty(ctx: ChargeContext) -> list[ChargeBlock]:
    """Rule 9 Art. 33: per counterparty, ``max(sum of book values, 0) x RF0(rating)``, on the
    first contract with it; the worst rating among its contracts applies (blank: unrated)."""
    t = ctx.regime.table("derivatives", "counterparty")
    mask = ctx.column_in("asset_type", t["types"])
    if not mask.any():
        return []
    rows = np.flatnonzero(mask)
    rf0 = ctx.lookup("rating", t["rf0"], mask, default=t["rf0"]["unrated"])
    cp = ctx.frame["counterparty"].to_numpy()[rows].astype(str)
    mv = ctx.values("market_value")[rows]
    names, first, inverse = np.unique(cp, return_index=True, return_inverse=True)
    net = np.bincount(inverse, weights=mv, minlength=len(names))
    worst = np.zeros(len(names))
    np.maximum.at(worst, inverse, rf0)
    exposure = np.maximum(net, 0.0)
    return [
        _row(
            ctx,
            rows[first],
            "default",
            exposure,
            worst,
            exposure * worst,
            "swap / FX forward counterparty (net per counterparty)",
            t["article"],
        )
    ]


def blocks(ctx: ChargeContext, base: ChargeArrays) -> list[ChargeBlock]:
    """Every derivative charge row, given the rule modules' rows ``base``."""
    if not is_derivative(ctx).any():
        return []
    out: list[ChargeBlock] = []
    if not interest_rate.scenario_method(ctx.company):
        out += _swaps(ctx)
        tf = ctx.of_type("treasury_future", domestic=None)
        if tf.any():
            bands = ctx.regime.table("interest_rate", "pc_duration_factor")["bands"]
            rf = interest_rate.duration_factor(ctx.values("modified_duration"), bands)
            out += _short_hedges(
                ctx,
                base,
                tf,
                rf,
                "interest_rate",
                ctx.regime.table("derivatives", "treasury_future"),
                "treasury future",
            )
        out += _net_interest_rate(ctx, base, out)
    sif = ctx.of_type("stock_index_future", domestic=None)
    if sif.any():
        t = ctx.regime.table("derivatives", "stock_index_future")
        out += _short_hedges(
            ctx, base, sif, np.full(ctx.n, t["rf"]), "equity", t, "stock-index future"
        )
    out += _forwards(ctx, base)
    out += _counterparty(ctx)
    return out


def life_legs(ctx: ChargeContext) -> tuple[np.ndarray, np.ndarray]:
    """Life scenario method (Rule 8 Art. 13 (四), 18 (四)): the swaps and treasury futures whose
    cash flows enter the asset side, and the sign of each position's flows.

    A swap receiving fixed is a bond paying ``coupon_rate x notional`` a year and ``notional``
    at ``maturity_years`` less a floating note worth par at its next reset (no rate
    sensitivity); paying fixed is its negative. A long treasury future is the deliverable bond
    (``coupon_rate``, ``maturity_years``, face ``notional``) less a price paid at delivery
    (within the year: no rate sensitivity); a short future is its negative.

    Returns
    -------
    mask : bool array over positions (the swaps and futures)
    sign : +1 / -1 over all positions (1 for non-derivatives)
    """
    mask = ctx.column_in("asset_type", ("interest_rate_swap", "treasury_future"))
    negative = ctx.column_in("direction", ("pay_fixed", "short"))
    return mask, np.where(mask & negative, -1.0, 1.0)
