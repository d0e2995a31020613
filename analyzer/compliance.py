"""Investment-ratio compliance (保险资金运用比例监管).

Caps as shares of prior-quarter total assets: the solvency-tiered equity cap, other financial
assets 25%, real estate 30%, overseas 15% (保监发〔2014〕13号), VC funds 2% (2014 VC notice),
single asset 5% and single counterparty 20%. The tables are regime data
(``ratio_caps.toml``); this module only measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.messages import CATALOGUE, language, register
from analyzer.solvency.regime import Regime

CLASSES = ("liquid", "fixed_income", "equity", "real_estate", "other_financial")

#: the limits' names in both languages (catalogue ids ``compliance.limit.<name>``)
register(
    {
        "compliance.limit.equity": ("equity", "权益类资产"),
        "compliance.limit.real_estate": ("real_estate", "不动产类资产"),
        "compliance.limit.other_financial": ("other_financial", "其他金融资产"),
        "compliance.limit.overseas": ("overseas", "境外投资"),
        "compliance.limit.venture_capital": ("venture_capital", "创业投资基金"),
        "compliance.limit.single_asset": ("single_asset", "单一资产"),
        "compliance.limit.single_counterparty": ("single_counterparty", "单一法人主体"),
    }
)


def label(limit: str, lang: str | None = None) -> str:
    """The name of a limit (``equity``, ``single_counterparty`` ...) in ``lang`` (default: the
    user's language); a limit without a catalogue entry keeps its name."""
    en, zh = CATALOGUE.get(f"compliance.limit.{limit}", (limit, limit))
    return zh if (lang or language()) == "zh" else en


def _class_map(regime: Regime) -> dict[str, str]:
    t = regime.table("ratio_caps", "classes")
    mapping = {a: cls for cls in CLASSES for a in t[cls]}
    mapping["interbank"] = "liquid"
    return mapping


def _codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a text column (-1 missing) and the value of each code."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series.to_numpy())
    return codes, pd.Index(uniques, dtype=object)


def ratio_class(asset_type: np.ndarray, regime: Regime) -> np.ndarray:
    """The 13号文 class of each asset type (``liquid`` ... ``other_financial``)."""
    mapping = _class_map(regime)
    codes, uniques = pd.factorize(np.asarray(asset_type, dtype=object))
    names = np.array(
        [mapping.get(u, "other_financial") for u in uniques] + ["other_financial"], dtype=object
    )
    return names[codes]


def ratio_class_codes(frame: pd.DataFrame, regime: Regime) -> np.ndarray:
    """Index into :data:`CLASSES` of each position's 13号文 class (no string arrays)."""
    mapping = _class_map(regime)
    codes, values = _codes(frame["asset_type"])
    other = CLASSES.index("other_financial")
    by_code = np.array(
        [CLASSES.index(mapping.get(str(v), "other_financial")) for v in values] + [other],
        dtype=np.int8,
    )
    return by_code[codes]


def equity_cap(comprehensive_ratio: float, regime: Regime) -> float:
    """Equity cap (share of total assets) for a comprehensive ratio (lower bound inclusive)."""
    tiers = regime.table("ratio_caps", "equity_cap")["tiers"]
    cap = tiers[0]["cap"]
    for tier in tiers:
        if comprehensive_ratio >= tier["ratio_from"]:
            cap = tier["cap"]
    return float(cap)


def equity_cap_tiers(regime: Regime) -> list[tuple[float, float, float]]:
    """(ratio from, ratio to, cap) of each equity-cap tier; the last tier ends at infinity."""
    tiers = regime.table("ratio_caps", "equity_cap")["tiers"]
    out = []
    for i, tier in enumerate(tiers):
        upper = tiers[i + 1]["ratio_from"] if i + 1 < len(tiers) else float("inf")
        out.append((float(tier["ratio_from"]), float(upper), float(tier["cap"])))
    return out


@dataclass(frozen=True)
class LimitCheck:
    """One investment-ratio limit.

    Attributes
    ----------
    limit : str
        Name, e.g. ``equity``, ``single_counterparty``.
    description : str
        What is limited and by which rule.
    value : float
        Current amount, CNY.
    share : float
        value / total assets.
    cap : float
        Allowed share of total assets.
    headroom : float
        (cap - share) x total assets, CNY (negative when breached).
    breached : bool
    subject : str
        For single-asset / single-counterparty limits: the largest one.
    """

    limit: str
    description: str
    value: float
    share: float
    cap: float
    headroom: float
    breached: bool
    subject: str = ""


@dataclass(frozen=True)
class ComplianceResult:
    """The compliance table and the ratio that picked the equity tier."""

    checks: tuple[LimitCheck, ...]
    total_assets: float
    equity_tier_ratio: float

    @property
    def breaches(self) -> tuple[LimitCheck, ...]:
        """Limits that are breached."""
        return tuple(c for c in self.checks if c.breached)

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (one row per limit)."""
        return pd.DataFrame([c.__dict__ for c in self.checks])

    def to_dict(self) -> list[dict]:
        """JSON-ready rows."""
        return [dict(c.__dict__) for c in self.checks]


def class_values(frame: pd.DataFrame, regime: Regime) -> dict[str, float]:
    """Market value (CNY) of each 13号文 class, of overseas assets and of VC funds."""
    mv = frame["market_value"].to_numpy()
    sums = np.bincount(ratio_class_codes(frame, regime), weights=mv, minlength=len(CLASSES))
    out = {c: float(sums[i]) for i, c in enumerate(CLASSES)}
    out["overseas"] = float(mv[~_is(frame, "region", ("domestic",))].sum())
    vc = _is(frame, "asset_type", ("pe_vc_fund",)) & _is(frame, "fund_kind", ("vc",))
    out["venture_capital"] = float(mv[vc].sum())
    return out


def _is(frame: pd.DataFrame, column: str, values) -> np.ndarray:
    """Mask of rows whose text ``column`` is one of ``values`` (by code)."""
    codes, uniques = _codes(frame[column])
    table = np.append(uniques.isin(list(values)), False)
    return table[codes]


def check(
    frame: pd.DataFrame, total_assets: float, equity_tier_ratio: float, regime: Regime
) -> ComplianceResult:
    """Measure every limit for the positions against total assets (CNY)."""
    caps = regime.table("ratio_caps", "caps")
    vals = class_values(frame, regime)
    rows: list[LimitCheck] = []

    def add(limit: str, desc: str, value: float, cap: float, subject: str = "") -> None:
        share = value / total_assets
        rows.append(
            LimitCheck(
                limit,
                desc,
                value,
                share,
                cap,
                (cap - share) * total_assets,
                share > cap + 1e-12,
                subject,
            )
        )

    eq_cap = equity_cap(equity_tier_ratio, regime)
    add(
        "equity",
        f"权益类 equity assets; tier for a comprehensive ratio of "
        f"{equity_tier_ratio:.0%} ({regime.table('ratio_caps', 'equity_cap')['article']})",
        vals["equity"],
        eq_cap,
    )
    add(
        "real_estate",
        "不动产类 real estate (保监发〔2014〕13号)",
        vals["real_estate"],
        caps["real_estate"],
    )
    add(
        "other_financial",
        "其他金融资产 other financial assets (保监发〔2014〕13号)",
        vals["other_financial"],
        caps["other_financial"],
    )
    add(
        "overseas",
        "境外投资 overseas investment (保监发〔2014〕13号)",
        vals["overseas"],
        caps["overseas"],
    )
    add(
        "venture_capital",
        "创业投资基金 VC funds (2014 VC notice)",
        vals["venture_capital"],
        regime.table("ratio_caps", "venture_capital")["cap"],
    )
    single = ~_is(frame, "asset_type", set(caps["single_asset_exempt"]))
    mv = frame["market_value"].to_numpy()
    if single.any():
        i = int(np.argmax(np.where(single, mv, -1.0)))
        add(
            "single_asset",
            "单一资产 single asset (保监发〔2014〕13号)",
            float(mv[i]),
            caps["single_asset"],
            str(frame["id"].iloc[i]),
        )
    cp, names = _codes(frame["counterparty"])
    named = (
        ~_is(frame, "counterparty", ("",))
        & (cp >= 0)
        & ~_is(frame, "asset_type", ("government_bond", "local_government_bond"))
    )
    if named.any():
        sums = np.bincount(cp[named], weights=mv[named], minlength=len(names))
        # the largest sum; ties go to the counterparty named first in sorted order (as groupby)
        occurs = np.bincount(cp[named], minlength=len(names)) > 0
        best = sums[occurs].max()
        tied = [str(names[i]) for i in np.flatnonzero(occurs & (sums == best))]
        add(
            "single_counterparty",
            "单一法人主体 single counterparty (保监发〔2014〕13号)",
            float(best),
            caps["single_counterparty"],
            min(tied),
        )
    return ComplianceResult(tuple(rows), total_assets, equity_tier_ratio)
