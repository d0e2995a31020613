"""Capital market assumptions (docs/formats.md §3): expected returns, volatilities and the
correlation matrix of the asset classes the optimiser moves.

``assumptions.csv``: one row per ``asset_class`` with ``expected_return`` and ``volatility``
(annual fractions), optional ``liquid`` (true/false), ``min_weight``, ``max_weight`` (fractions of
the invested total) and ``idiosyncratic_volatility`` (annual fraction, for the position-level
factor model; default 0). ``correlations.csv``: a square matrix whose first column and header
row name the classes in any order; symmetric, unit diagonal, positive semi-definite within 1e-8.

Also here: Geltner de-smoothing of appraisal-based return series (VC / PE / property sleeves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io.fields import suggest, unknown_name
from analyzer.io.rules import rule
from analyzer.messages import register, text

PSD_TOLERANCE = 1e-8
#: the columns of ``assumptions.csv``
COLUMNS = (
    "asset_class",
    "expected_return",
    "volatility",
    "liquid",
    "min_weight",
    "max_weight",
    "idiosyncratic_volatility",
)
#: annual expected return (fraction): refused above (in absolute value), warned above
RETURN_REFUSE, RETURN_WARN = 1.0, 0.3
#: annual volatility (fraction): refused above, warned above
VOLATILITY_REFUSE, VOLATILITY_WARN = 1.5, 0.6

register(
    {
        "assumptions.min_weight_high": (
            "min_weight {value:g} puts more than 30% of the invested total into one class; "
            "write fractions (0.005 for 0.5%)",
            "min_weight {value:g} 把超过 30% 的投资总额放入单一类别；请填写小数（0.5% 写作 0.005）",
        ),
        "assumptions.class_missing": (
            "no assumptions for asset class '{value}' (it is in the holdings); add a row for it",
            "缺少资产类别 '{value}' 的假设（持仓中有该类别）；请为其添加一行",
        ),
        "assumptions.corr_twice": (
            "asset class '{value}' appears twice",
            "资产类别 '{value}' 出现了两次",
        ),
        "assumptions.corr_names": (
            "the header row and the first column must name the same asset classes",
            "表头行与第一列须列出相同的资产类别",
        ),
        "assumptions.corr_missing": (
            "asset class '{value}' is missing from the correlation matrix",
            "相关系数矩阵中缺少资产类别 '{value}'",
        ),
        "assumptions.corr_diagonal": (
            "diagonal must be 1, found {value:g}",
            "对角线须为 1，实际为 {value:g}",
        ),
        "assumptions.corr_range": (
            "correlation {value:g} outside [-1, 1]",
            "相关系数 {value:g} 超出 [-1, 1]",
        ),
        "assumptions.corr_asymmetric": (
            "not symmetric: {a}/{b} = {ab:g} but {b}/{a} = {ba:g}",
            "矩阵不对称：{a}/{b} = {ab:g}，而 {b}/{a} = {ba:g}",
        ),
        "assumptions.corr_not_found": (
            "correlation file not found (pass --correlations, or put correlations.csv beside "
            "the assumptions file)",
            "找不到相关系数文件（请用 --correlations 指定，或将 correlations.csv 放在假设文件旁）",
        ),
        "assumptions.corr_not_psd": (
            "the correlation matrix is not positive semi-definite (smallest eigenvalue "
            "{value:.3g}); fix it, or pass --repair-correlations to use the nearest correlation "
            "matrix (Higham)",
            "相关系数矩阵不是半正定矩阵（最小特征值 {value:.3g}）；请修正，"
            "或使用 --repair-correlations 以最近的相关系数矩阵（Higham 方法）代替",
        ),
        "assumptions.column_missing": (
            "required column is missing; the header must name asset_class, expected_return, "
            "volatility",
            "缺少必需的列；表头须包含 asset_class、expected_return、volatility",
        ),
        "assumptions.twice": (
            "'{value}' already given in row {row}",
            "'{value}' 已在第 {row} 行给出",
        ),
        "assumptions.negative": ("must be >= 0, found {value:g}", "必须 >= 0，实际为 {value:g}"),
        "assumptions.weight_range": (
            "must be a fraction between 0 and 1 (0.05 = 5%), found {value:g}",
            "必须为 0 至 1 之间的小数（0.05 = 5%），实际为 {value:g}",
        ),
        "assumptions.min_above_max": (
            "min_weight {lo:g} exceeds max_weight {hi:g}",
            "min_weight {lo:g} 大于 max_weight {hi:g}",
        ),
        "assumptions.min_sum": (
            "the minimum weights add up to {value:.4g} > 1",
            "最低权重合计 {value:.4g} > 1",
        ),
        "assumptions.max_sum": (
            "the maximum weights add up to {value:.4g} < 1",
            "最高权重合计 {value:.4g} < 1",
        ),
        "assumptions.not_finite": (
            "'{value}' is not a finite number; only finite numbers are allowed",
            "'{value}' 不是有限数值；只允许有限数值",
        ),
        "assumptions.return_percent": (
            "an expected return of {value:g} is {value:.0%} a year; returns are annual "
            "fractions (0.045 = 4.5%), not percent",
            "预期收益率 {value:g} 即每年 {value:.0%}；收益率以年化小数填写（0.045 = 4.5%），"
            "不是百分数",
        ),
        "assumptions.return_high": (
            "an expected return of {value:.1%} a year is beyond what any asset class earns "
            "over the long run; check it is a fraction (0.045 = 4.5%)",
            "年化预期收益率 {value:.1%} 超出任何资产类别的长期水平；"
            "请确认以小数填写（0.045 = 4.5%）",
        ),
        "assumptions.volatility_percent": (
            "a volatility of {value:g} is {value:.0%} a year; volatilities are annual "
            "fractions (0.22 = 22%), not percent",
            "波动率 {value:g} 即每年 {value:.0%}；波动率以年化小数填写（0.22 = 22%），不是百分数",
        ),
        "assumptions.volatility_high": (
            "a volatility of {value:.0%} a year is above any listed asset class; check it is a "
            "fraction (0.22 = 22%)",
            "年化波动率 {value:.0%} 高于任何上市资产类别；请确认以小数填写（0.22 = 22%）",
        ),
    }
)

RETURN_PERCENT = rule(
    "assumptions.return_percent",
    "refuse",
    "No asset class returns 100% a year or more on average; 5.56 is 5.56% written in percent, "
    "and the optimiser would chase it into an 'optimal' portfolio that cannot exist.",
    "没有资产类别的长期平均年收益率达到 100%；5.56 是把 5.56% 写成了百分数，"
    "优化器会据此给出不存在的“最优”组合。",
)
RETURN_HIGH = rule(
    "assumptions.return_high",
    "warn",
    "Long-run expected returns above 30% a year (or below -30%) are outside every "
    "published capital market assumption, but a user may model a deliberate extreme view.",
    "年化预期收益率高于 30%（或低于 -30%）超出所有公开的资本市场假设，但用户可能有意设定极端观点。",
)
VOLATILITY_PERCENT = rule(
    "assumptions.volatility_percent",
    "refuse",
    "No asset class an insurer may hold has an annual volatility of 150% or more; 22 is 22% "
    "written in percent.",
    "保险资金可投资的资产类别年化波动率不会达到 150%；22 是把 22% 写成了百分数。",
)
VOLATILITY_HIGH = rule(
    "assumptions.volatility_high",
    "warn",
    "Annual volatilities above 60% are above any listed market an insurer holds, though a "
    "single venture fund can show it.",
    "年化波动率高于 60% 超过保险公司持有的任何上市市场，但单只创投基金可能如此。",
)
MIN_WEIGHT_HIGH = rule(
    "assumptions.min_weight_high",
    "warn",
    "A minimum weight above 30% of the invested total forces a third of the book into one "
    "class; a real ALM floor can do that, but 0.5 typed for 0.5% is the more common cause.",
    "单一类别的最低配置比例高于投资总额的 30%，会把近三分之一的资产压到一个类别；"
    "资产负债管理的下限可能如此，但更常见的是把 0.5% 写成了 0.5。",
)
MIN_WEIGHT_WARN = 0.3
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class Assumptions:
    """Validated capital market assumptions (annual, fractions).

    Attributes
    ----------
    classes : tuple of str
        Asset classes, in file order.
    expected_return, volatility : ndarray (n,)
        Annual expected return and volatility, fractions.
    correlation : ndarray (n, n)
        Correlation matrix in the order of ``classes`` (PSD, unit diagonal).
    liquid : ndarray of bool (n,)
        Counts toward a liquidity floor.
    min_weight, max_weight : ndarray (n,)
        Bounds as fractions of the invested total (defaults 0 and 1).
    idiosyncratic_volatility : ndarray (n,)
        Annual idiosyncratic volatility of a single position in the class (position-level
        factor model), fraction; default 0.
    source : str
        The assumptions file, for messages.
    repaired : bool
        Whether the correlation matrix was replaced by its nearest correlation matrix.
    warnings : tuple of InputWarning
        Plausibility warnings of the file (they stop a run until accepted).
    ignored_columns : tuple of str
        Columns of the file that are not assumption columns (and not near misses of one,
        which are refused); listed to the user, never used.
    """

    classes: tuple[str, ...]
    expected_return: np.ndarray
    volatility: np.ndarray
    correlation: np.ndarray
    liquid: np.ndarray
    min_weight: np.ndarray
    max_weight: np.ndarray
    idiosyncratic_volatility: np.ndarray = field(repr=False, default=None)
    source: str = "<memory>"
    repaired: bool = False
    warnings: tuple[InputWarning, ...] = field(default=(), repr=False, compare=False)
    ignored_columns: tuple[str, ...] = field(default=(), compare=False)

    @property
    def covariance(self) -> np.ndarray:
        """Covariance matrix (annual, fractions squared)."""
        v = self.volatility
        return self.correlation * np.outer(v, v)

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.classes)

    def index(self) -> dict[str, int]:
        """Class name -> position."""
        return {c: i for i, c in enumerate(self.classes)}

    def subset(self, classes: tuple[str, ...] | list[str]) -> Assumptions:
        """The assumptions of ``classes`` (all must be present), in that order."""
        idx = self.index()
        missing = [c for c in classes if c not in idx]
        if missing:
            raise InputError(
                [
                    InputProblem(
                        self.source,
                        None,
                        "asset_class",
                        text("assumptions.class_missing", value=c),
                    )
                    for c in missing
                ]
            )
        k = np.array([idx[c] for c in classes], dtype=int)
        return Assumptions(
            classes=tuple(classes),
            expected_return=self.expected_return[k],
            volatility=self.volatility[k],
            correlation=self.correlation[np.ix_(k, k)],
            liquid=self.liquid[k],
            min_weight=self.min_weight[k],
            max_weight=self.max_weight[k],
            idiosyncratic_volatility=self.idiosyncratic_volatility[k],
            source=self.source,
            repaired=self.repaired,
            warnings=self.warnings,
            ignored_columns=self.ignored_columns,
        )


def _numbers(
    frame: pd.DataFrame, col: str, file: str, problems: list[InputProblem], default: float
) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), default)
    raw = frame[col].astype(str).str.strip()
    values = pd.to_numeric(raw.where(raw != "", None), errors="coerce").to_numpy(dtype=float)
    bad = (raw != "").to_numpy() & np.isnan(values)
    for i in np.flatnonzero(bad)[:20]:
        problems.append(
            InputProblem(file, int(i) + 2, col, text("value.not_number", value=frame[col].iloc[i]))
        )
    for i in np.flatnonzero(np.isinf(values))[:20]:
        problems.append(
            InputProblem(
                file, int(i) + 2, col, text("assumptions.not_finite", value=frame[col].iloc[i])
            )
        )
    out = np.where(np.isnan(values) & ~bad, default, values)
    return np.where(np.isinf(out), np.nan, out)


def nearest_correlation(matrix: np.ndarray, tol: float = 1e-10, max_iter: int = 500) -> np.ndarray:
    """Nearest correlation matrix in the Frobenius norm (Higham 2002, alternating projections
    with Dykstra's correction).

    Parameters
    ----------
    matrix : ndarray (n, n), symmetric
    tol : stopping tolerance on the change between iterations
    max_iter : iteration limit

    Returns
    -------
    ndarray (n, n)
        Symmetric, unit diagonal, positive semi-definite (eigenvalues >= 0 up to rounding;
        nudged to >= 1e-10 so that it passes the 1e-8 check).
    """
    a = (np.asarray(matrix, dtype=float) + np.asarray(matrix, dtype=float).T) / 2
    y = a.copy()
    ds = np.zeros_like(a)
    for _ in range(max_iter):
        r = y - ds
        w, q = np.linalg.eigh(r)
        x = (q * np.clip(w, 0.0, None)) @ q.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        if np.linalg.norm(y_new - y, "fro") < tol * max(1.0, np.linalg.norm(y, "fro")):
            y = y_new
            break
        y = y_new
    w, q = np.linalg.eigh((y + y.T) / 2)
    y = (q * np.clip(w, 1e-10, None)) @ q.T
    d = np.sqrt(np.diag(y))
    y = y / np.outer(d, d)
    return (y + y.T) / 2


def read_correlations(
    path: str | Path, classes: tuple[str, ...], repair: bool = False
) -> tuple[np.ndarray, bool]:
    """Read ``correlations.csv`` and return the matrix in the order of ``classes``.

    Raises
    ------
    InputError
        Missing classes, non-numeric cells, asymmetry, a diagonal other than 1, entries outside
        [-1, 1], or (unless ``repair``) a matrix that is not positive semi-definite.
    """
    from analyzer.io.tables import read_table

    label = str(path)
    frame = read_table(path, name=label)
    first = frame.columns[0]
    names = [str(x).strip() for x in frame[first]]
    header = [str(c).strip() for c in frame.columns[1:]]
    problems: list[InputProblem] = []
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        problems.append(
            InputProblem(
                label, names.index(dup) + 2, first, text("assumptions.corr_twice", value=dup)
            )
        )
    if sorted(names) != sorted(header):
        problems.append(
            InputProblem(
                label,
                1,
                None,
                text("assumptions.corr_names"),
            )
        )
    for c in classes:
        if c not in names or c not in header:
            problems.append(InputProblem(label, None, c, text("assumptions.corr_missing", value=c)))
    if problems:
        raise InputError(problems)
    body = frame[header].apply(lambda s: pd.to_numeric(s.astype(str).str.strip(), errors="coerce"))
    values = body.to_numpy(dtype=float)
    for i, j in zip(*np.nonzero(~np.isfinite(values)), strict=True):
        cell = frame[header[j]].iloc[i]
        msg = (
            text("assumptions.not_finite", value=cell)
            if np.isinf(values[i, j])
            else text("value.not_number", value=cell)
        )
        problems.append(InputProblem(label, int(i) + 2, header[j], msg))
        if len(problems) >= 20:
            break
    if problems:
        raise InputError(problems)
    row_of = {n: i for i, n in enumerate(names)}
    col_of = {n: j for j, n in enumerate(header)}
    # the full matrix in row order, to check it as the user wrote it
    full = values[:, [col_of[n] for n in names]]
    for i in range(len(names)):
        if abs(full[i, i] - 1.0) > 1e-8:
            problems.append(
                InputProblem(
                    label, i + 2, names[i], text("assumptions.corr_diagonal", value=full[i, i])
                )
            )
    out_of_range = np.abs(full) > 1 + 1e-12
    for i, j in zip(*np.nonzero(out_of_range), strict=True):
        problems.append(
            InputProblem(
                label, int(i) + 2, names[j], text("assumptions.corr_range", value=full[i, j])
            )
        )
    asym = np.abs(full - full.T) > 1e-8
    for i, j in zip(*np.nonzero(np.triu(asym)), strict=True):
        problems.append(
            InputProblem(
                label,
                int(i) + 2,
                names[j],
                text(
                    "assumptions.corr_asymmetric",
                    a=names[i],
                    b=names[j],
                    ab=full[i, j],
                    ba=full[j, i],
                ),
            )
        )
    if problems:
        raise InputError(problems[:20])
    k = [row_of[c] for c in classes]
    matrix = full[np.ix_(k, k)]
    smallest = float(np.linalg.eigvalsh(matrix).min()) if len(k) else 0.0
    repaired = False
    if smallest < -PSD_TOLERANCE:
        if not repair:
            raise InputError.single(
                label,
                None,
                None,
                text("assumptions.corr_not_psd", value=smallest),
            )
        matrix = nearest_correlation(matrix)
        repaired = True
    return matrix, repaired


def read_assumptions(
    assumptions_csv: str | Path, correlations_csv: str | Path | None = None, repair: bool = False
) -> Assumptions:
    """Read and validate the capital market assumptions.

    Parameters
    ----------
    assumptions_csv : path to ``assumptions.csv`` (.csv, .xlsx or .parquet)
    correlations_csv : path to the correlation matrix; default ``correlations.csv`` beside
        the assumptions file
    repair : replace a non-PSD correlation matrix by its nearest correlation matrix

    Raises
    ------
    InputError
        Naming the file, row and column of every problem: a missing column, a duplicate class,
        a non-numeric or negative volatility, bounds outside [0, 1] or min > max, sum of minimum
        weights above 1, or a bad correlation matrix (see :func:`read_correlations`).
    """
    from analyzer.io.tables import read_table

    path = Path(assumptions_csv)
    label = str(assumptions_csv)
    frame = read_table(path, name=label)
    problems: list[InputProblem] = []
    for col in ("asset_class", "expected_return", "volatility"):
        if col not in frame.columns:
            problems.append(
                InputProblem(
                    label,
                    1,
                    col,
                    text("assumptions.column_missing"),
                )
            )
    ignored: list[str] = []
    for col in frame.columns:
        if col in COLUMNS:
            continue
        if suggest(col, COLUMNS) is not None:
            problems.append(unknown_name(label, col, col, COLUMNS, kind="column"))
        else:
            ignored.append(col)
    if problems:
        raise InputError(problems)
    classes = [str(c).strip() for c in frame["asset_class"]]
    seen: dict[str, int] = {}
    for i, c in enumerate(classes):
        if not c:
            problems.append(InputProblem(label, i + 2, "asset_class", text("value.required")))
        elif c in seen:
            problems.append(
                InputProblem(
                    label, i + 2, "asset_class", text("assumptions.twice", value=c, row=seen[c])
                )
            )
        else:
            seen[c] = i + 2
    mu = _numbers(frame, "expected_return", label, problems, np.nan)
    vol = _numbers(frame, "volatility", label, problems, np.nan)
    lo = _numbers(frame, "min_weight", label, problems, 0.0)
    hi = _numbers(frame, "max_weight", label, problems, 1.0)
    idio = _numbers(frame, "idiosyncratic_volatility", label, problems, 0.0)
    for col, arr in (("expected_return", mu), ("volatility", vol)):
        blank = np.isnan(arr) & (frame[col].astype(str).str.strip() == "").to_numpy()
        for i in np.flatnonzero(blank)[:20]:
            problems.append(InputProblem(label, int(i) + 2, col, text("value.required")))
    for i in np.flatnonzero(vol < 0)[:20]:
        problems.append(
            InputProblem(
                label, int(i) + 2, "volatility", text("assumptions.negative", value=vol[i])
            )
        )
    for i in np.flatnonzero(idio < 0)[:20]:
        problems.append(
            InputProblem(
                label,
                int(i) + 2,
                "idiosyncratic_volatility",
                text("assumptions.negative", value=idio[i]),
            )
        )
    for col, arr in (("min_weight", lo), ("max_weight", hi)):
        for i in np.flatnonzero((arr < 0) | (arr > 1))[:20]:
            problems.append(
                InputProblem(label, int(i) + 2, col, text("assumptions.weight_range", value=arr[i]))
            )
    for i in np.flatnonzero(lo > hi)[:20]:
        problems.append(
            InputProblem(
                label,
                int(i) + 2,
                "min_weight",
                text("assumptions.min_above_max", lo=lo[i], hi=hi[i]),
            )
        )
    liquid = np.zeros(len(frame), dtype=bool)
    if "liquid" in frame.columns:
        for i, cell in enumerate(frame["liquid"].astype(str).str.strip().str.lower()):
            if cell in _TRUE:
                liquid[i] = True
            elif cell not in _FALSE:
                problems.append(
                    InputProblem(label, i + 2, "liquid", text("value.not_bool", value=cell))
                )
    if not problems and lo.sum() > 1 + 1e-12:
        problems.append(
            InputProblem(label, None, "min_weight", text("assumptions.min_sum", value=lo.sum()))
        )
    if not problems and hi.sum() < 1 - 1e-12:
        problems.append(
            InputProblem(label, None, "max_weight", text("assumptions.max_sum", value=hi.sum()))
        )
    warnings: list[InputWarning] = []
    high_floor = np.flatnonzero((lo > MIN_WEIGHT_WARN) & (lo <= 1))
    if len(high_floor):
        warnings.append(
            MIN_WEIGHT_HIGH.breach(
                label,
                "min_weight",
                [int(i) + 2 for i in high_floor],
                text("assumptions.min_weight_high", value=float(lo[high_floor[0]])),
            )
        )
    for col, arr, refuse, warn, limit, cap in (
        ("expected_return", np.abs(mu), RETURN_PERCENT, RETURN_HIGH, RETURN_REFUSE, RETURN_WARN),
        (
            "volatility",
            vol,
            VOLATILITY_PERCENT,
            VOLATILITY_HIGH,
            VOLATILITY_REFUSE,
            VOLATILITY_WARN,
        ),
        (
            "idiosyncratic_volatility",
            idio,
            VOLATILITY_PERCENT,
            VOLATILITY_HIGH,
            VOLATILITY_REFUSE,
            VOLATILITY_WARN,
        ),
    ):
        values = mu if col == "expected_return" else arr
        kind = "return" if col == "expected_return" else "volatility"
        over = np.flatnonzero(arr >= limit)
        if len(over):
            problems.append(
                refuse.breach(
                    label,
                    col,
                    [int(i) + 2 for i in over],
                    text(f"assumptions.{kind}_percent", value=float(values[over[0]])),
                )
            )
        high = np.flatnonzero((arr > cap) & (arr < limit))
        if len(high):
            warnings.append(
                warn.breach(
                    label,
                    col,
                    [int(i) + 2 for i in high],
                    text(f"assumptions.{kind}_high", value=float(values[high[0]])),
                )
            )
    if problems:
        raise InputError(problems)
    corr_path = Path(correlations_csv) if correlations_csv else path.parent / "correlations.csv"
    if not corr_path.is_file():
        raise InputError.single(
            str(corr_path),
            None,
            None,
            text("assumptions.corr_not_found"),
        )
    corr, repaired = read_correlations(corr_path, tuple(classes), repair=repair)
    return Assumptions(
        classes=tuple(classes),
        expected_return=mu,
        volatility=vol,
        correlation=corr,
        liquid=liquid,
        min_weight=lo,
        max_weight=hi,
        idiosyncratic_volatility=idio,
        source=label,
        repaired=repaired,
        warnings=tuple(warnings),
        ignored_columns=tuple(ignored),
    )


def geltner_desmooth(
    returns: np.ndarray | pd.Series, rho: float | None = None
) -> np.ndarray | pd.Series:
    """Geltner (1993) de-smoothing of an appraisal-based return series.

    ``r_true[t] = (r_obs[t] - rho * r_obs[t-1]) / (1 - rho)``, with ``rho`` the first-order
    autocorrelation of the observed series when not given. The first observation is dropped.
    The mean is preserved (approximately) and the volatility rises when ``rho > 0``.

    Parameters
    ----------
    returns : periodic returns (fractions), oldest first
    rho : smoothing parameter in [0, 1); default: the sample lag-1 autocorrelation

    Returns
    -------
    The de-smoothed series (one shorter), of the same kind as ``returns``.

    Raises
    ------
    ValueError
        Fewer than 3 observations, or ``rho`` outside [0, 1).
    """
    r = np.asarray(returns, dtype=float)
    if r.ndim != 1 or len(r) < 3:
        raise ValueError("need a 1-d series of at least 3 returns")
    if rho is None:
        x = r - r.mean()
        rho = float((x[1:] * x[:-1]).sum() / (x * x).sum())
        rho = min(max(rho, 0.0), 0.99)
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"rho must be in [0, 1), got {rho}")
    out = (r[1:] - rho * r[:-1]) / (1.0 - rho)
    if isinstance(returns, pd.Series):
        return pd.Series(out, index=returns.index[1:], name=returns.name)
    return out


def desmoothed_volatility(
    returns: np.ndarray | pd.Series, periods_per_year: int = 4, rho: float | None = None
) -> tuple[float, float]:
    """Annual (expected return, volatility) of an appraisal-based series after de-smoothing,
    ready for a row of ``assumptions.csv`` (CLI-free helper).

    Parameters
    ----------
    returns : periodic returns (fractions), oldest first
    periods_per_year : 4 for quarterly, 12 for monthly
    rho : Geltner parameter; default the lag-1 autocorrelation
    """
    r = np.asarray(geltner_desmooth(returns, rho), dtype=float)
    return float(r.mean() * periods_per_year), float(r.std(ddof=1) * np.sqrt(periods_per_year))


__all__ = [
    "Assumptions",
    "desmoothed_volatility",
    "geltner_desmooth",
    "nearest_correlation",
    "read_assumptions",
    "read_correlations",
]
