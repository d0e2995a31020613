"""The decision units of an allocation problem and every linear datum about them.

A :class:`Universe` holds, for each unit (an asset class, or a position at the position level),
the current value, the engine's capital map, the expected return and risk model, and the shares
that make the regulatory limits linear in the weights (positions inside a class scale pro rata,
so a class's mix of ratio groups, counterparties and sci-tech assets is fixed).

Weights ``w`` are fractions of the invested total ``V`` (CNY), which the optimiser keeps fixed.

New asset classes (docs/optimizer.md, "New asset classes"): a class with assumptions but no
current holdings takes its mix from *template* positions (a file in the holdings format). Its
rows are appended to the holdings scaled so the class totals :data:`TEMPLATE_VALUE` (1 CNY),
with ids prefixed ``template:``; the capital map then gives the class the factors of the
template mix, and :meth:`Universe.scaled_holdings` turns the 1 CNY into the optimal amount.
Such a unit has current weight 0 and is not counted in ``V``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analyzer import compliance
from analyzer.errors import InputError, InputProblem
from analyzer.io.assumptions import Assumptions
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.io.holdings import concat_positions as _concat
from analyzer.messages import register, text
from analyzer.solvency import concentration as conc
from analyzer.solvency import equity
from analyzer.solvency.aggregation import psd_root
from analyzer.solvency.capital_map import CapitalMap, build_capital_map, split_held_constant
from analyzer.solvency.charges import SUBMODULE_INDEX, ChargeContext
from analyzer.solvency.concentration import RELATED
from analyzer.solvency.engine import build_charge_arrays, build_charges, loss_absorption_of
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime

register(
    {
        "universe.template_class_missing": (
            "a template position needs the asset_class it models",
            "模板持仓必须填写其代表的 asset_class",
        ),
        "universe.template_no_assumptions": (
            "no assumptions for asset class '{cls}' (it is in the templates); add a row for it "
            "to {file}",
            "资产类别 '{cls}' 没有资本市场假设（它出现在模板中）；请在 {file} 中为其增加一行",
        ),
        "universe.template_zero": (
            "the template positions of '{cls}' add up to 0; their market_value gives the mix "
            "inside the class",
            "'{cls}' 的模板持仓合计为 0；其 market_value 决定类别内部的构成",
        ),
        "universe.template_id": (
            "id '{id}' is reserved for template positions",
            "id '{id}' 保留给模板持仓使用",
        ),
    }
)


#: CNY a template class is scaled to in the capital map's holdings (negligible against any real
#: portfolio; every share the universe derives from it is per CNY, so the amount cancels)
TEMPLATE_VALUE = 1.0
#: prefix of the ids of template positions (they cannot clash with held ids)
TEMPLATE_PREFIX = "template:"
NO_MIX = (
    "no current holdings and no template position: nothing gives the class a capital "
    "mix (add model positions with --templates)"
)

GROUPS = ("equity", "real_estate", "other_financial", "overseas", "venture_capital")


@dataclass(frozen=True)
class Universe:
    """Everything linear about the decision units (see module docstring).

    Attributes
    ----------
    level : ``"class"`` or ``"position"``
    units : tuple of str
        Asset classes, or position ids.
    unit_class : tuple of str
        The asset class of each unit (itself at the class level).
    V : float
        Invested total, CNY (kept fixed).
    total_assets : float
        Company total assets, CNY (the base of the investment-ratio caps).
    w0 : ndarray (n,)
        Current weights (fractions of V).
    mu : ndarray (n,)
        Expected annual return of each unit, fraction.
    risk_factor : ndarray (k, n)
        ``F`` with portfolio variance ``||F w||^2 + ||d * w||^2``.
    risk_specific : ndarray (n,) or None
        Idiosyncratic volatility ``d`` (position level), else None.
    capmap : CapitalMap
    group_share : dict of str -> ndarray (n,)
        Share of each unit's value in each 13号文 group (``GROUPS``).
    counterparty_share : ndarray (p, n); counterparties : tuple of str
        Value share per named counterparty (single-counterparty 20% cap).
    concentration_share : ndarray (q, n); concentration_names : tuple of str
        Book value per CNY of unit value for counterparties below the Rule 8 Art. 65 threshold.
    concentration_threshold : float
        That threshold, CNY.
    largest_position_share : ndarray (n,)
        Largest non-exempt position / unit value (single-asset 5% cap).
    property_share : ndarray (n,)
        Share in investment property (Rule 8 Art. 67, 25% of total assets).
    sci_tech_share, liquid, duration : ndarray (n,)
    min_weight, max_weight : ndarray (n,)
        Bounds of each unit (fractions of V): the assumptions' ``min_weight`` /
        ``max_weight`` at the class level; 0 and 1 at the position level, where the class
        bounds apply to the sum of each class's positions (``class_members``).
    class_units : tuple of str
        Position level: the asset classes of the units (empty at the class level).
    class_members : ndarray (c, n) or None
        Position level: 1 where unit j belongs to class i.
    class_min_weight, class_max_weight : ndarray (c,) or None
        Position level: the assumptions' bounds of each class, on the sum of its positions.
    base_value : ndarray (n,)
        CNY of each unit in ``holdings`` (what pro-rata scaling multiplies): the current value,
        or :data:`TEMPLATE_VALUE` for a unit built from templates.
    new_unit : ndarray (n,) of bool
        Units built from template positions (current weight 0).
    new_classes : tuple of str
        Classes bought from templates.
    not_buyable : tuple of (class, reason)
        Classes in the assumptions that cannot be bought.
    notes : tuple of str
        What the build did that a reader should know (templates ignored ...).
    """

    level: str
    units: tuple[str, ...]
    unit_class: tuple[str, ...]
    V: float
    total_assets: float
    w0: np.ndarray
    mu: np.ndarray
    risk_factor: np.ndarray
    risk_specific: np.ndarray | None
    capmap: CapitalMap = field(repr=False)
    group_share: dict[str, np.ndarray] = field(repr=False)
    counterparty_share: np.ndarray = field(repr=False)
    counterparties: tuple[str, ...] = field(repr=False)
    concentration_share: np.ndarray = field(repr=False)
    concentration_names: tuple[str, ...] = field(repr=False)
    concentration_threshold: float = field(repr=False)
    largest_position_share: np.ndarray = field(repr=False)
    property_share: np.ndarray = field(repr=False)
    property_currently_over: bool = field(repr=False)
    sci_tech_share: np.ndarray = field(repr=False)
    liquid: np.ndarray = field(repr=False)
    duration: np.ndarray = field(repr=False)
    min_weight: np.ndarray = field(repr=False)
    max_weight: np.ndarray = field(repr=False)
    equity_addon: np.ndarray = field(repr=False)  # (10, n) Art. 66 add-on per unit of V
    stock_value: np.ndarray = field(repr=False)  # (n,) directly held stocks per CNY of unit
    stock_cost: np.ndarray = field(repr=False)  # (n,) their purchase cost per CNY of unit
    stock_x: float = field(repr=False)  # stock-book P&L ratio x the capital map assumes
    holdings: Holdings = field(repr=False)
    company: Company = field(repr=False)
    regime: Regime = field(repr=False)
    options: EngineOptions = field(repr=False)
    assumptions: Assumptions = field(repr=False)
    base_value: np.ndarray | None = field(default=None, repr=False)
    new_unit: np.ndarray | None = field(default=None, repr=False)
    new_classes: tuple[str, ...] = ()
    not_buyable: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    source_holdings: Holdings | None = field(default=None, repr=False)
    #: positions held constant (derivatives), appended by :meth:`scaled_holdings`
    fixed_positions: Holdings | None = field(default=None, repr=False)
    templates: Holdings | None = field(default=None, repr=False)
    class_units: tuple[str, ...] = ()
    class_members: np.ndarray | None = field(default=None, repr=False)
    class_min_weight: np.ndarray | None = field(default=None, repr=False)
    class_max_weight: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of decision units."""
        return len(self.units)

    def volatility(self, w: np.ndarray) -> float:
        """Annual volatility of weights ``w`` (fraction)."""
        v = float(np.sum((self.risk_factor @ w) ** 2))
        if self.risk_specific is not None:
            v += float(np.sum((self.risk_specific * w) ** 2))
        return float(np.sqrt(max(v, 0.0)))

    def covariance(self) -> np.ndarray:
        """Dense covariance of the units (for checks; n x n)."""
        c = self.risk_factor.T @ self.risk_factor
        if self.risk_specific is not None:
            c = c + np.diag(self.risk_specific**2)
        return c

    def stock_book_x(self, w: np.ndarray) -> float:
        """Stock-book P&L ratio ``x = sum MV / sum cost - 1`` of weights ``w`` (Rule 8 Art. 26)."""
        cost = float(self.stock_cost @ w)
        return float(self.stock_value @ w) / cost - 1.0 if cost > 0 else 0.0

    def rebuilt(self, stock_x: float) -> Universe:
        """The same universe with the capital map evaluated at stock-book ratio ``stock_x``."""
        held = self.source_holdings if self.source_holdings is not None else self.holdings
        return build_universe(
            held,
            self.company,
            self.assumptions,
            self.regime,
            self.options,
            self.level,
            stock_x=stock_x,
            templates=self.templates,
        )

    @property
    def buyable(self) -> np.ndarray:
        """Units that can be scaled (a current value, or template positions)."""
        base = self.base_value if self.base_value is not None else self.w0 * self.V
        return base > 0

    def scaled_holdings(self, w: np.ndarray) -> Holdings:
        """Holdings with each unit scaled pro rata to ``w * V`` (for the engine); template
        positions scale from :data:`TEMPLATE_VALUE` (weight 0: value 0)."""
        cur = self.base_value if self.base_value is not None else self.w0 * self.V
        mult = np.where(cur > 0, np.asarray(w) * self.V / np.where(cur > 0, cur, 1.0), 0.0)
        if self.level == "class":
            return self._with_fixed(self.holdings.scaled(dict(zip(self.units, mult, strict=True))))
        frame = self.holdings.frame
        by_id = Holdings(
            frame.assign(asset_class=frame["id"].astype(str)),
            self.holdings.source,
            look_through=self.holdings.look_through,
        )
        out = by_id.scaled(dict(zip(self.units, mult, strict=True)))
        return self._with_fixed(
            Holdings(
                out.frame.assign(asset_class=frame["asset_class"].to_numpy()),
                self.holdings.source,
                look_through=self.holdings.look_through,
            )
        )

    def _with_fixed(self, holdings: Holdings) -> Holdings:
        """``holdings`` with the positions held constant (derivatives) appended."""
        if self.fixed_positions is None:
            return holdings
        return Holdings(
            _concat(holdings.frame, self.fixed_positions.frame),
            holdings.source,
            look_through=holdings.look_through,
        )


def _cholesky_root(F: np.ndarray) -> np.ndarray:
    """An upper-triangular R with R' R = F' F when that matrix is positive definite (half the
    entries of the eigen root, so half the work in the solver's factorisation), else F."""
    try:
        return np.linalg.cholesky(F.T @ F).T
    except np.linalg.LinAlgError:
        return F


def build_universe(
    holdings: Holdings,
    company: Company,
    assumptions: Assumptions,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    level: str = "class",
    stock_x: float | None = None,
    templates: Holdings | None = None,
) -> Universe:
    """Build the decision units from holdings, company and assumptions.

    Parameters
    ----------
    level : ``"class"`` (asset classes scale pro rata) or ``"position"`` (one unit per position,
        factor risk model: class return + idiosyncratic)
    stock_x : the stock-book P&L ratio ``x`` at which the stock charges' k1 is evaluated.
        k1 depends on the whole stock book, so it changes when stock classes are scaled
        differently; k1 is non-decreasing in x, so the default, the largest x of any unit,
        makes the linear map an upper bound of the engine's capital for every mix
        (:meth:`AllocationProblem.solve` then tightens it).
    templates : model positions (holdings format) for classes not held: each class with
        assumptions and no current holdings is bought in the mix of its template rows (see
        the module docstring); templates of held classes are ignored (a note says so).

    Raises
    ------
    InputError
        A position without ``asset_class``, or an asset class without assumptions; a template
        without ``asset_class``, of a class without assumptions, with values adding up to 0,
        or that the engine cannot charge (the error names the templates file and row).
    """
    regime = regime if isinstance(regime, Regime) else load_regime(regime)
    options = options or EngineOptions()
    if level not in ("class", "position"):
        raise ValueError(f"level must be 'class' or 'position', got {level!r}")
    source_holdings = holdings
    # derivatives are held constant, not decision units (docs/optimizer.md): the map carries
    # their effect as fixed capital, the engine's re-evaluations see them unchanged
    holdings, fixed_positions = split_held_constant(holdings)
    holdings, new_classes, not_buyable, notes = with_templates(
        holdings, templates, assumptions, company, regime, options
    )
    n_held = len(source_holdings.frame) - (
        0 if fixed_positions is None else len(fixed_positions.frame)
    )
    by = "asset_class" if level == "class" else "id"
    frame = holdings.frame
    tpl = np.arange(len(frame)) >= n_held  # template rows
    # the stock book of k1 (Rule 8 Art. 26), as the engine defines it
    book, cost = equity.stock_book(frame)
    keys = frame[by].astype(str).to_numpy()
    _, members0 = np.unique(keys, return_inverse=True)
    n0 = int(members0.max()) + 1 if len(members0) else 0
    mv0 = frame["market_value"].to_numpy(dtype=float)
    unit_mv = np.bincount(members0, weights=mv0, minlength=n0)
    unit_safe = np.where(unit_mv > 0, unit_mv, 1.0)
    s_val = np.bincount(members0, weights=book, minlength=n0) / unit_safe
    s_cost = np.bincount(members0, weights=cost, minlength=n0) / unit_safe
    map_holdings = holdings
    has = s_cost > 0
    if has.any():
        if stock_x is None:
            stock_x = float(np.max(s_val[has] / s_cost[has] - 1.0))
        map_holdings = equity.with_stock_book_ratio(holdings, stock_x)
    else:
        stock_x = 0.0
    if fixed_positions is not None:
        map_holdings = replace(
            map_holdings, frame=_concat(map_holdings.frame, fixed_positions.frame)
        )
    cmap = build_capital_map(map_holdings, company, regime, options, by=by)
    if cmap.la_cap is not None and map_holdings is not holdings:
        # the solve holds LA at the current book's (Rule 2 Art. 19; docs/optimizer.md), not at
        # the LA of the map's stock book, whose k1 is an upper bound of the engine's
        la0 = loss_absorption_of(holdings, company, regime, options).value
        cmap = replace(cmap, constants=replace(cmap.constants, loss_absorption=la0))
    # classes of the holdings must all have assumptions
    hold_classes = tuple(sorted(set(frame["asset_class"].astype(str))))
    sub = assumptions.subset(hold_classes)
    units = cmap.classes
    members = cmap.members.to_numpy()
    if level == "class":
        unit_class = units
    else:
        first = pd.Series(frame["asset_class"].astype(str).to_numpy()).groupby(members).first()
        unit_class = tuple(first.sort_index().tolist())
    cidx = sub.index()
    k = np.array([cidx[c] for c in unit_class], dtype=int)
    n = len(units)
    mv = frame["market_value"].to_numpy(dtype=float)
    exposure = cmap.current_exposure  # CNY per unit in ``holdings`` (templates: 1 CNY)
    new_unit = np.bincount(members, weights=tpl.astype(float), minlength=n) > 0
    current = np.where(new_unit, 0.0, exposure)
    V = float(current.sum())
    TA = float(company.total_assets)
    safe = np.where(exposure > 0, exposure, 1.0)

    def per_unit(values: np.ndarray) -> np.ndarray:
        return np.bincount(members, weights=values, minlength=n) / safe

    rc = compliance.ratio_class(frame["asset_type"].to_numpy(), regime)
    at = frame["asset_type"].to_numpy()
    groups = {
        "equity": per_unit(mv * (rc == "equity")),
        "real_estate": per_unit(mv * (rc == "real_estate")),
        "other_financial": per_unit(mv * (rc == "other_financial")),
        "overseas": per_unit(mv * (frame["region"].to_numpy() != "domestic")),
        "venture_capital": per_unit(
            mv * ((at == "pe_vc_fund") & (frame["fund_kind"].to_numpy() == "vc"))
        ),
    }
    caps = regime.table("ratio_caps", "caps")
    cp = frame["counterparty"].astype(str).to_numpy()
    named = (cp != "") & ~np.isin(at, ["government_bond", "local_government_bond"])
    names = tuple(sorted(set(cp[named])))
    name_idx = {c: i for i, c in enumerate(names)}
    P = np.zeros((len(names), n))
    if named.any():
        rows = np.array([name_idx[c] for c in cp[named]])
        np.add.at(P, (rows, members[named]), mv[named])
    P /= safe
    # Rule 8 Art. 65 counterparty concentration: keep counterparties below the threshold
    ct = regime.table("concentration", "counterparty")
    bv = frame["book_value"].to_numpy(dtype=float)
    cctx = ChargeContext(frame, regime, company, options)
    keep = conc.counterparty_counted(cctx, ct)  # Art. 64 exemptions, as the engine applies
    threshold = (
        conc.counterparty_threshold(TA, company.company_type, ct)
        if ct["exempt_below_total_assets"] <= TA
        else float("inf")
    )
    cnames = tuple(sorted(set(cp[keep])))
    cn_idx = {c: i for i, c in enumerate(cnames)}
    Q = np.zeros((len(cnames), n))
    if keep.any():
        np.add.at(Q, (np.array([cn_idx[c] for c in cp[keep]]), members[keep]), bv[keep])
    Q_now = np.zeros(len(cnames))  # CNY per counterparty today (template rows excluded)
    if (keep & ~tpl).any():
        np.add.at(Q_now, np.array([cn_idx[c] for c in cp[keep & ~tpl]]), bv[keep & ~tpl])
    below = Q_now <= threshold
    Q = Q[below] / safe
    cnames = tuple(c for c, b in zip(cnames, below, strict=True) if b)
    single = ~np.isin(at, caps["single_asset_exempt"])
    largest = np.zeros(n)
    np.maximum.at(largest, members, np.where(single, mv, 0.0))
    largest /= safe
    prop = per_unit(mv * conc.real_estate_counted(cctx))  # the Art. 67 base of the engine
    rt = regime.table("concentration", "real_estate")
    prop_over = float(prop @ current) > rt["threshold_share_of_total_assets"] * TA
    dur = per_unit(mv * np.nan_to_num(frame["modified_duration"].to_numpy(dtype=float)))
    # risk model
    cov_c = sub.covariance
    Lc = psd_root(cov_c).T  # (K, K): Lc' Lc = cov (the eigen root: semi-definite too)
    class_units: tuple[str, ...] = ()
    class_members = class_lo = class_hi = None
    if level == "class":
        F = _cholesky_root(Lc[:, k])
        d = None
        lo, hi = sub.min_weight[k], sub.max_weight[k]
    else:
        F = Lc[:, k]  # each position loads 1 on its class factor
        d = sub.idiosyncratic_volatility[k]
        lo, hi = np.zeros(n), np.ones(n)
        # the class bounds of the assumptions hold for the sum of the class's positions
        class_units = tuple(sorted(set(unit_class)))
        kc = np.array([cidx[c] for c in class_units], dtype=int)
        class_lo, class_hi = sub.min_weight[kc], sub.max_weight[kc]
        class_members = (
            np.asarray(unit_class, dtype=object)[None, :]
            == np.asarray(class_units, dtype=object)[:, None]
        ).astype(float)
    hi = np.where(exposure > 0, hi, 0.0)  # an empty unit cannot be scaled up
    # drop counterparty rows that no allocation within the simple caps can reach
    ub = hi.copy()
    single_cap = caps["single_asset"] * TA / V
    ub = np.minimum(ub, np.where(largest > 0, single_cap / np.where(largest > 0, largest, 1), 1))
    group_caps = {
        "real_estate": caps["real_estate"],
        "other_financial": caps["other_financial"],
        "overseas": caps["overseas"],
        "venture_capital": regime.table("ratio_caps", "venture_capital")["cap"],
        "equity": max(t[2] for t in compliance.equity_cap_tiers(regime)),
    }
    for g, cap in group_caps.items():
        sh = groups[g]
        ub = np.minimum(ub, np.where(sh > 0, cap * TA / V / np.where(sh > 0, sh, 1), 1))
    reach_p = (P @ ub) * V > caps["single_counterparty"] * TA
    P = P[reach_p]
    names = tuple(x for x, r in zip(names, reach_p, strict=True) if r)
    reach_q = (Q @ ub) * V > threshold
    Q = Q[reach_q]
    cnames = tuple(x for x, r in zip(cnames, reach_q, strict=True) if r)
    return Universe(
        level=level,
        units=units,
        unit_class=tuple(unit_class),
        V=V,
        total_assets=TA,
        w0=current / V,
        mu=sub.expected_return[k],
        risk_factor=F,
        risk_specific=d,
        capmap=cmap,
        group_share=groups,
        counterparty_share=P,
        counterparties=names,
        concentration_share=Q,
        concentration_names=cnames,
        concentration_threshold=threshold,
        largest_position_share=largest,
        property_share=prop,
        property_currently_over=prop_over,
        sci_tech_share=cmap.sci_tech_share,
        liquid=sub.liquid[k].astype(float),
        duration=dur,
        min_weight=lo,
        max_weight=hi,
        equity_addon=_equity_addon(holdings, company, regime, options, members, n, safe, rc),
        stock_value=s_val,
        stock_cost=s_cost,
        stock_x=float(stock_x),
        holdings=holdings,
        company=company,
        regime=regime,
        options=options,
        assumptions=assumptions,
        base_value=exposure.copy(),
        new_unit=new_unit,
        new_classes=new_classes,
        not_buyable=not_buyable,
        notes=notes,
        source_holdings=source_holdings,
        fixed_positions=fixed_positions,
        templates=templates,
        class_units=class_units,
        class_members=class_members,
        class_min_weight=class_lo,
        class_max_weight=class_hi,
    )


def with_templates(
    holdings: Holdings,
    templates: Holdings | None,
    assumptions: Assumptions,
    company: Company,
    regime: Regime,
    options: EngineOptions,
) -> tuple[Holdings, tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Append the template positions of the classes not held, scaled to 1 CNY per class.

    Returns
    -------
    (holdings with the template rows appended, classes bought from templates,
    (class, reason) of the assumption classes that cannot be bought, notes)
    """
    held = set(holdings.frame["asset_class"].astype(str))
    notes: list[str] = []
    new: tuple[str, ...] = ()
    out = holdings
    if templates is not None and len(templates):
        tf = templates.frame
        src = templates.source
        cls = tf["asset_class"].astype(str).to_numpy()
        idx = assumptions.index()
        problems = [
            InputProblem(
                src,
                int(i) + 2,
                "asset_class",
                text("universe.template_class_missing"),
            )
            for i in np.flatnonzero(cls == "")[:20]
        ]
        problems += [
            InputProblem(
                src,
                int(i) + 2,
                "asset_class",
                text("universe.template_no_assumptions", cls=cls[i], file=assumptions.source),
            )
            for i in np.flatnonzero((cls != "") & ~np.isin(cls, list(idx)))[:20]
        ]
        if problems:
            raise InputError(problems)
        # the engine must be able to charge every template on its own (errors name the
        # templates file and its rows)
        build_charge_arrays(ChargeContext(tf, regime, company, options), src)
        ignored = sorted(set(cls) & held)
        if ignored:
            notes.append(
                f"templates ignored for {', '.join(ignored)}: "
                f"{'it is' if len(ignored) == 1 else 'they are'} held, and a held "
                "class is scaled in the mix of its current positions"
            )
        new = tuple(sorted(set(cls) - held))
        use = np.isin(cls, list(new))
        mv = tf["market_value"].to_numpy(dtype=float)
        total = pd.Series(mv[use]).groupby(cls[use]).sum()
        for c, v in total.items():
            if not v > 0:
                i = int(np.flatnonzero(cls == c)[0])
                raise InputError.single(
                    src,
                    i + 2,
                    "market_value",
                    text("universe.template_zero", cls=c),
                )
        part = tf[use].copy()
        mult = TEMPLATE_VALUE / total.reindex(cls[use]).to_numpy(dtype=float)
        for col in ("market_value", "face_value", "purchase_cost", "book_value"):
            part[col] = part[col].to_numpy(dtype=float) * mult
        part["id"] = [TEMPLATE_PREFIX + str(x) for x in part["id"]]
        clash = sorted(set(part["id"]) & set(holdings.frame["id"].astype(str)))
        if clash:
            raise InputError.single(
                holdings.source, None, "id", text("universe.template_id", id=clash[0])
            )
        if len(part):
            out = Holdings(
                _concat(holdings.frame, part),
                holdings.source,
                look_through=holdings.look_through,
            )
            notes.append(
                f"new classes from templates ({TEMPLATE_VALUE:g} CNY each in the "
                f"capital map, current weight 0): {', '.join(new)}"
            )
    buyable = held | set(new)
    missing = tuple((c, NO_MIX) for c in assumptions.classes if c not in buyable)
    if missing:
        notes.append("not buyable (" + NO_MIX + "): " + ", ".join(c for c, _ in missing))
    return out, new, missing, tuple(notes)


def _equity_addon(
    holdings: Holdings,
    company: Company,
    regime: Regime,
    options: EngineOptions,
    members: np.ndarray,
    n: int,
    safe: np.ndarray,
    rc: np.ndarray,
) -> np.ndarray:
    """Rule 8 Art. 66 add-on (k = 0.2 on domestic equity-class charges) per CNY of each unit,
    (10, n); applies when equity exceeds the prior-quarter cap (resulting-ratio tiers only)."""
    out = np.zeros((len(SUBMODULE_INDEX), n))
    if not options.class_concentration:
        return out
    ctx = ChargeContext(
        holdings.frame, regime, company, options, look_through=holdings.look_through
    )
    ch, _ = build_charges(ctx, holdings.source)
    pos = ch["position"].to_numpy()
    base = ~ch["rule"].astype(str).str.startswith("concentration").to_numpy()
    domestic = holdings.frame["region"].to_numpy()[pos] == "domestic"
    hit = base & ch["submodule"].isin(RELATED).to_numpy() & (rc[pos] == "equity") & domestic
    if not hit.any():
        return out
    k = float(regime.table("concentration", "asset_class")["k"])
    rows = ch[hit]
    sub = rows["submodule"].map(SUBMODULE_INDEX).to_numpy(dtype=int)
    addon = rows["exposure"].to_numpy() * np.nan_to_num(rows["rf0"].to_numpy(dtype=float)) * k
    np.add.at(out, (sub, members[rows["position"].to_numpy()]), addon)
    return out / safe
