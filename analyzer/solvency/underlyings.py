"""Looked-through products charged on the underlyings of a look-through file (Rule 7 Art. 13-24,
33).

A position with ``look_through = true`` that has rows in the look-through file
(:mod:`analyzer.io.look_through`) is replaced, for capital, by:

- its underlyings, each with exposure ``share x`` the parent's ``market_value`` (amounts scale
  with the parent's value), charged by every rule module as if held directly (Rule 7
  Art. 14-17; stocks among them take the k1 of the directly held stock book, Rule 8
  Art. 26), with the structure coefficient ``K_p`` of Art. 18 added to its K outside the
  Rule 8 Art. 7 clamp: ``RF = min(RF0 x (1 + K + K_p), 1)``; ``K_p = (n - 1) x 0.1`` for a
  debt-type parent (table ``look_through.structure.debt_types``), ``n x 0.1`` for the others,
  ``n`` the parent's ``layers`` (for a PE/VC fund in strategic emerging industries, option
  ``strategic_emerging_layer_coefficient = false`` drops K_p as for the built-in charge);
- the part its shares leave unexplained (``1 - sum of shares``), charged as the parent not
  looked through (Art. 30-32, 33 (二));
- for a debt-type parent, the surface default charge on its full admitted value (Art. 21-23,
  33 (三)), exactly as the built-in charge computes it.

Interest rate (Art. 20): the underlyings never enter the life scenario method (a life
insurer's looked-through fixed income carries no interest-rate charge); for a P&C insurer the
duration-factor module charges the domestic bonds among them. The parent's own cash flows
stay in the life scenario method where the regime puts them (金规〔2023〕5号 二(五)).

The expanded frame keeps the original positions first (row ``i`` is position ``i``; a parent
that is replaced stays as a row whose rule-module charges are dropped, so that its surface
charge and its life cash flows keep its position and row), then one row per underlying, then
one row per unexplained remainder. Every charge of an added row is attributed to its parent's
position (``origin``), so that a parent's capital is linear in its exposure and the optimiser,
which moves parents by ``asset_class``, sees the underlyings' factors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analyzer.solvency import look_through
from analyzer.solvency.charges import ChargeArrays, ChargeBlock, ChargeContext, block

#: the rule text of the unexplained remainder's rows is the built-in "not looked through" one;
#: the underlyings keep the rule texts of the modules that charge them
REMAINDER = "remainder"
CHILD = "child"


@dataclass(frozen=True)
class Expansion:
    """Where each row of an expanded frame came from.

    Attributes
    ----------
    n : int
        Number of original positions (the first ``n`` rows).
    origin : ndarray (rows,)
        Original position of each row (the parent for an underlying or remainder row).
    kind : ndarray (rows,) of object
        ``""`` for an original row, :data:`CHILD` or :data:`REMAINDER`.
    child : ndarray (rows,)
        Row of the look-through file's frame of an underlying (-1 otherwise).
    replaced : ndarray (n,) of bool
        Original positions charged on their underlyings.
    parent_id : ndarray (rows,) of object
        The parent's id for underlying and remainder rows, ``""`` otherwise.
    """

    n: int
    origin: np.ndarray
    kind: np.ndarray
    child: np.ndarray
    replaced: np.ndarray
    parent_id: np.ndarray

    @property
    def dropped(self) -> np.ndarray:
        """Mask over rows whose rule-module charges are dropped (replaced parents)."""
        out = np.zeros(len(self.origin), dtype=bool)
        out[: self.n] = self.replaced
        return out

    @property
    def added(self) -> np.ndarray:
        """Mask over rows that are not original positions."""
        out = np.ones(len(self.origin), dtype=bool)
        out[: self.n] = False
        return out


def structure_coefficient(ctx: ChargeContext, rows: np.ndarray) -> np.ndarray:
    """K_p of Rule 7 Art. 18 for the original positions ``rows`` (indices) as parents:
    ``(n - 1) x step`` for debt-type, ``n x step`` for other non-base assets."""
    structure = ctx.regime.table("look_through", "structure")
    layers = ctx.values("layers")[rows]
    # an equity trust (trust_kind = equity) is equity-type: n x step (Rule 7 Art. 18, 31 (一))
    debt = (
        ctx.column_in("asset_type", tuple(structure["debt_types"]))
        & ~look_through.equity_trust(ctx)
    )[rows]
    k_p = np.where(debt, layers - 1.0, layers) * structure["step"]
    if not ctx.options.strategic_emerging_layer_coefficient:
        se = (
            ctx.column_in("asset_type", ("pe_vc_fund",))[rows]
            & ctx.values("strategic_emerging").astype(bool)[rows]
        )
        k_p = np.where(se, 0.0, k_p)
    return np.maximum(k_p, 0.0)


def expand(ctx: ChargeContext) -> ChargeContext:
    """The context to charge: ``ctx`` itself without underlyings, else the expanded frame
    (module docstring) with ``k_p`` and ``expansion`` set (cached per regime and options)."""
    lt = ctx.look_through
    if lt is None or ctx.expansion is not None or not len(lt.frame):
        return ctx
    key = ("expansion", getattr(ctx.regime, "name", ""), ctx.options)
    if key in ctx.cache:
        return ctx.cache[key]
    frame = ctx.frame
    n = len(frame)
    children = lt.frame
    index = pd.Index(frame["id"].to_numpy(dtype=object))
    parent = index.get_indexer(children["parent_id"].to_numpy(dtype=object))
    flagged = ctx.values("look_through").astype(bool)
    keep = parent >= 0
    keep[keep] &= flagged[parent[keep]]  # a frame whose parent is no longer looked through
    if not keep.any():
        ctx.cache[key] = ctx
        return ctx
    kids = children.loc[keep].copy()
    kid_rows = np.flatnonzero(keep)
    par = parent[keep]
    mv = ctx.values("market_value")
    share = kids["share"].to_numpy(dtype=float)
    read_value = kids["parent_value"].to_numpy(dtype=float)
    now = mv[par]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(read_value > 0, now / read_value, 1.0)
    for col in ("face_value", "purchase_cost", "book_value"):
        if col in kids:
            kids[col] = kids[col].to_numpy(dtype=float) * ratio
    kids["market_value"] = now * share
    kids["asset_class"] = frame["asset_class"].to_numpy(dtype=object)[par]
    _keep_stock_book(kids, frame)
    replaced = np.zeros(n, dtype=bool)
    replaced[par] = True
    # the remainder: the parent not looked through on 1 - sum of shares (Art. 33 (二))
    total = np.bincount(par, weights=share, minlength=n)
    from analyzer.io.look_through import SHARE_TOLERANCE

    rest_rows = np.flatnonzero(replaced & (total < 1.0 - SHARE_TOLERANCE))
    rest = frame.iloc[rest_rows].copy()
    part = 1.0 - total[rest_rows]
    for col in ("market_value", "face_value", "purchase_cost", "book_value"):
        if col in rest:
            rest[col] = rest[col].to_numpy(dtype=float) * part
    rest["look_through"] = False
    # the replaced parents stay (their rows' module charges are dropped): not looked through
    # and without counterparty, so that neither the Art. 65 totals nor the Art. 67 real-estate
    # test count them a second time beside their underlyings
    base = frame.copy()
    for col in ("look_through", "counterparty"):
        values = base[col].to_numpy(dtype=object if col == "counterparty" else bool).copy()
        values[replaced] = False if col == "look_through" else ""
        base[col] = values
    kids_frame = kids.reindex(columns=frame.columns)
    expanded = pd.concat([base, kids_frame, rest.reindex(columns=frame.columns)], ignore_index=True)
    m, r = len(kids_frame), len(rest_rows)
    origin = np.concatenate([np.arange(n), par, rest_rows]).astype(np.int64)
    kind = np.concatenate(
        [
            np.full(n, "", dtype=object),
            np.full(m, CHILD, dtype=object),
            np.full(r, REMAINDER, dtype=object),
        ]
    )
    child = np.concatenate([np.full(n, -1), kid_rows, np.full(r, -1)]).astype(np.int64)
    ids = frame["id"].to_numpy(dtype=object)
    parent_id = np.where(kind == "", "", ids[origin]).astype(object)
    k_p = np.zeros(len(expanded))
    k_p[n : n + m] = structure_coefficient(ctx, par)
    info = Expansion(n, origin, kind, child, replaced, parent_id)
    out = ChargeContext(expanded, ctx.regime, ctx.company, ctx.options, k_p=k_p, expansion=info)
    _seed_class_cache(out, ctx, origin)
    ctx.cache[key] = out
    return out


def _keep_stock_book(kids: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Stocks among the underlyings take the k1 of the directly held stock book (Rule 8
    Art. 26: x over the insurer's own stock book): their purchase costs are set to give the
    book's ratio x, so that adding them to the book leaves x unchanged. Without directly held
    stocks their own costs make the book."""
    from analyzer.solvency.equity import stock_book, stock_book_ratio

    x = stock_book_ratio(frame)
    if x is None or not 1.0 + x > 0:
        return
    book, _ = stock_book(kids)
    cost = kids["purchase_cost"].to_numpy(dtype=float)
    kids["purchase_cost"] = np.where(book > 0, book / (1.0 + x), cost)


def _seed_class_cache(out: ChargeContext, ctx: ChargeContext, origin: np.ndarray) -> None:
    """The Rule 8 Art. 66 class test counts the insurer's holdings as held (a product in its
    13号文 class, :func:`analyzer.compliance.class_values` of the original frame); each row of
    the expanded frame takes its position's class."""
    from analyzer import compliance

    key = (
        "class_values",
        tuple(sorted((k, tuple(v)) for k, v in ctx.regime.table("ratio_caps", "classes").items())),
    )
    out.cache[key] = (
        compliance.ratio_class_codes(ctx.frame, ctx.regime)[origin],
        compliance.class_values(ctx.frame, ctx.regime),
    )


def children_context(ctx: ChargeContext) -> ChargeContext | None:
    """A context over the look-through file's rows in file order (row ``i`` is file row
    ``i + 2``), for the engine's checks of rows (ratings, overseas rules)."""
    lt = ctx.look_through
    if lt is None or not len(lt.frame):
        return None
    return ChargeContext(lt.frame, ctx.regime, ctx.company, ctx.options)


def blocks(ctx: ChargeContext) -> list[ChargeBlock]:
    """The surface default charge (Rule 7 Art. 21-23) of debt-type parents charged on their
    underlyings: by the product's rating on its full admitted value (Art. 22), k = -0.2 for
    debt investment plans, as :mod:`analyzer.solvency.look_through` computes it."""
    x = ctx.expansion
    if x is None or not x.replaced.any():
        return []
    structure = ctx.regime.table("look_through", "structure")
    mask = np.zeros(ctx.n, dtype=bool)
    mask[: x.n] = x.replaced
    mask &= ctx.column_in("asset_type", tuple(structure["debt_types"]))
    mask &= ~ctx.values("exempt").astype(bool)
    mask &= ~look_through.equity_trust(ctx)  # no surface default: equity risk (Art. 31 (一))
    if not mask.any():
        return []
    surface = ctx.regime.table("look_through", "surface_default")
    k_s = np.where(
        ctx.column_in("asset_type", ("debt_investment_plan",))[mask],
        surface["k_debt_investment_plan"],
        0.0,
    )
    return [
        block(
            ctx,
            mask,
            "default",
            ctx.lookup("rating", surface["rf0"], mask),
            k_s,
            look_through.SURFACE_RULE,
            surface["article"],
        )
    ]


def drop_replaced(ctx: ChargeContext, rows: list[ChargeBlock]) -> list[ChargeBlock]:
    """A rule module's rows without those of replaced parents (charged on their underlyings)."""
    x = ctx.expansion
    if x is None or not x.replaced.any():
        return rows
    dropped = x.dropped
    return [b if not dropped[b.position].any() else b.take(~dropped[b.position]) for b in rows]


def restore(ctx: ChargeContext, arrays: ChargeArrays) -> ChargeArrays:
    """Charges of an expanded frame with ``position`` the original position (the parent of
    an added row) and ``row`` the expanded row."""
    x = ctx.expansion
    if x is None:
        return arrays
    return replace(arrays, position=x.origin[arrays.position], row=arrays.position)


def padded(ctx: ChargeContext, mask: np.ndarray | None) -> np.ndarray | None:
    """A mask over original positions extended with False over the added rows."""
    x = ctx.expansion
    if x is None or mask is None:
        return mask
    out = np.zeros(len(x.origin), dtype=bool)
    out[: x.n] = mask
    return out


def row_labels(ctx: ChargeContext, arrays: ChargeArrays) -> tuple[np.ndarray, np.ndarray]:
    """(``id``, ``parent_id``) of each charge row of ``arrays`` (after :func:`restore`) for the
    charged context ``ctx``: an underlying's id is ``<parent_id>/<id>``, a remainder row
    carries its parent's id; ``parent_id`` is blank for the positions' own rows."""
    ids = ctx.frame["id"].to_numpy(dtype=object)
    if ctx.expansion is None or arrays.row is None:
        return ids[arrays.position], np.full(len(arrays.position), "", dtype=object)
    return ids[arrays.row], ctx.expansion.parent_id[arrays.row]
