"""One-year Monte Carlo of the solvency ratios, in chunks of vectorised numpy, locally or on
Dask.

Model (every assumption is a named parameter; see ``docs/stress.md``)
--------------------------------------------------------------------
- Asset-class returns over one year: ``r = mu + sigma * sqrt((nu - 2) / nu) * Z / sqrt(W / nu)``
  with ``Z ~ N(0, R)`` (``R`` the correlation matrix of the assumptions) and ``W ~ chi2(nu)``
  shared by all classes: a multivariate Student-t (a t copula with t marginals of the same
  ``nu``), scaled so that each class has mean ``mu`` and volatility ``sigma`` exactly and the
  linear correlation ``R``; ``nu = None`` gives the Gaussian. Returns are floored at -100%.
- Revaluation: ``x' = x (1 + r)`` per class; the value change ``sum(x' - x)`` times
  ``capital_share_of_loss`` hits core tier 1, through the tier limits of Rule 1 Art. 41.
  Liabilities, insurance-risk capital and the other aggregation constants stay at base.
- Minimum capital on ``x'`` with :meth:`CapitalMap.minimum_capital` (factors of the current
  mix; the life interest-rate asset deltas scale with the class value).

Reproducibility
---------------
Scenarios are generated in *blocks* of ``block_size`` (default 16,384). Block ``b`` draws from
``SeedSequence(seed, spawn_key=(b,))`` (= ``SeedSequence(seed).spawn(b + 1)[b]``), itself split
into a normal and a chi-square stream, and is always generated and evaluated whole (a last
partial block is truncated). A chunk (one task) is a run of whole blocks. So the result for a
seed does not depend on the chunk size, on the backend or on the number of workers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from analyzer.errors import InputError, InputProblem, ParameterError
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.solvency.aggregation import psd_root
from analyzer.solvency.capital_map import CapitalMap, build_capital_map
from analyzer.solvency.options import EngineOptions
from analyzer.solvency.regime import DEFAULT_REGIME, Regime, load_regime, ratio_thresholds
from analyzer.stress._capital import admitted_batch
from analyzer.stress.messages import compose

if TYPE_CHECKING:
    from analyzer.io.assumptions import Assumptions

BLOCK_SIZE = 16_384
DEFAULT_CHUNK_SIZE = 8 * BLOCK_SIZE
PERCENTILES = (0.5, 1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0)
TAIL_LEVEL = 0.005


@dataclass(frozen=True)
class MarketModel:
    """Joint one-year return model of the asset classes.

    Attributes
    ----------
    classes : tuple of str
    mu, sigma : ndarray (n,)
        Expected annual return and volatility, fractions.
    correlation : ndarray (n, n)
    dof : float or None
        Degrees of freedom of the Student-t (> 2); None for the Gaussian.
    """

    classes: tuple[str, ...]
    mu: np.ndarray
    sigma: np.ndarray
    correlation: np.ndarray
    dof: float | None = 5.0
    chol: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.dof is not None and not self.dof > 2:
            raise ParameterError(compose("stress.dof", dof=self.dof))
        # a PSD square root (Cholesky fails on singular matrices, e.g. identical classes)
        object.__setattr__(self, "chol", psd_root(self.correlation))

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.classes)


def market_model(
    assumptions_csv: str | Path,
    correlations_csv: str | Path | None,
    classes: Sequence[str],
    dof: float | None = 5.0,
) -> MarketModel:
    """Read the capital market assumptions for the holdings' classes.

    Raises
    ------
    InputError
        A class of the holdings without assumptions, or a bad assumptions file.
    """
    from analyzer.io.assumptions import read_assumptions

    return model_from_assumptions(read_assumptions(assumptions_csv, correlations_csv), classes, dof)


def model_from_assumptions(
    assumptions: Assumptions, classes: Sequence[str], dof: float | None = 5.0
) -> MarketModel:
    """The market model of the holdings' classes from assumptions already read (a file's or an
    upload's).

    Raises
    ------
    InputError
        A class of the holdings without assumptions.
    """
    a = assumptions.subset(list(classes))
    return MarketModel(
        tuple(classes),
        np.asarray(a.expected_return, dtype=float),
        np.asarray(a.volatility, dtype=float),
        np.asarray(a.correlation),
        dof,
    )


def block_returns(
    model: MarketModel, seed: int, block: int, block_size: int = BLOCK_SIZE
) -> np.ndarray:
    """Returns (block_size, n) of one block, from its own random stream."""
    normal_ss, chi_ss = np.random.SeedSequence(seed, spawn_key=(block,)).spawn(2)
    z = np.random.default_rng(normal_ss).standard_normal((block_size, model.n)) @ model.chol.T
    if model.dof is not None:
        nu = float(model.dof)
        w = np.random.default_rng(chi_ss).chisquare(nu, block_size) / nu
        z *= (math.sqrt((nu - 2.0) / nu) / np.sqrt(w))[:, None]
    r = model.mu + model.sigma * z
    return np.maximum(r, -1.0, out=r)


def simulate_returns(
    model: MarketModel, seed: int, n_scenarios: int, block_size: int = BLOCK_SIZE
) -> np.ndarray:
    """The first ``n_scenarios`` return vectors (n_scenarios, n) of a seed, fractions."""
    blocks = -(-n_scenarios // block_size)
    out = np.concatenate([block_returns(model, seed, b, block_size) for b in range(blocks)])
    return out[:n_scenarios]


@dataclass(frozen=True)
class SimulationContext:
    """Everything a worker needs (pickled once to each Dask worker)."""

    capital: CapitalMap  # picklable: its regime pickles by name
    model: MarketModel
    capital_share_of_loss: float = 1.0

    def evaluate(self, returns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Comprehensive and core ratios (B,) and class P&L (B, n) for returns (B, n)."""
        x0 = self.capital.current_exposure
        pnl = x0 * returns
        x = x0 + pnl
        change = pnl.sum(axis=1) * self.capital_share_of_loss
        actual, core = admitted_batch(self.capital.company.capital, self.capital.regime, change)
        mc = self.capital.minimum_capital(x)
        return actual / mc, core / mc, pnl


def _run_chunk(
    ctx: SimulationContext,
    seed: int,
    first_block: int,
    n_blocks: int,
    n_total: int,
    k_tail: int,
    block_size: int,
) -> dict:
    """Evaluate blocks ``first_block .. first_block + n_blocks - 1`` (one task)."""
    comp_parts, core_parts = [], []
    tail_idx = np.empty(0, dtype=np.int64)
    tail_ratio = np.empty(0)
    tail_pnl = np.empty((0, ctx.model.n))
    for b in range(first_block, first_block + n_blocks):
        start = b * block_size
        m = min(block_size, n_total - start)
        comp, core, pnl = ctx.evaluate(block_returns(ctx.model, seed, b, block_size))
        comp, core, pnl = comp[:m], core[:m], pnl[:m]
        comp_parts.append(comp)
        core_parts.append(core)
        idx = np.concatenate([tail_idx, start + np.arange(m)])
        ratio = np.concatenate([tail_ratio, comp])
        pool = np.concatenate([tail_pnl, pnl])
        keep = np.lexsort((idx, ratio))[:k_tail]
        tail_idx, tail_ratio, tail_pnl = idx[keep], ratio[keep], pool[keep]
    return {
        "comprehensive": np.concatenate(comp_parts),
        "core": np.concatenate(core_parts),
        "tail_idx": tail_idx,
        "tail_ratio": tail_ratio,
        "tail_pnl": tail_pnl,
    }


@dataclass(frozen=True)
class TailDriver:
    """One asset class's part in the worst ``tail_level`` of scenarios (by comprehensive
    ratio).

    Attributes
    ----------
    asset_class : str
    mean_pnl : float
        Mean value change of the class in the tail scenarios, CNY.
    share_of_loss : float
        ``mean_pnl / mean total value change`` in the tail (fractions add up to 1).
    mean_return : float
        Mean return of the class in the tail, fraction.
    """

    asset_class: str
    mean_pnl: float
    share_of_loss: float
    mean_return: float

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SimulationResult:
    """Distribution of the solvency ratios after one year.

    Attributes
    ----------
    n_scenarios, seed, dof, block_size, chunk_size : run settings
    backend : ``local`` or ``dask``
    elapsed : wall time, seconds
    base : dict
        Today's comprehensive and core ratios (CapitalMap, no shock).
    targets : dict
        The company's targets (fractions).
    percentiles : dict ratio -> {percentile (str, %) -> ratio}
    mean : dict ratio -> mean
    probabilities : dict event -> probability (fraction). The thresholds are those of the
        regime's ``capital.thresholds`` table (see ``thresholds``): ``comprehensive_below_100``
        below the legal comprehensive minimum, ``comprehensive_below_120`` below the
        comprehensive watch level, ``core_below_50`` / ``core_below_60`` the same for the core
        ratio (the names keep the levels of the regimes shipped: 100%, 120%, 50%, 60%), and
        ``*_below_target`` below the company's targets
    standard_errors : dict event -> binomial standard error of the probability
    worst_995 : dict ratio -> the 0.5% quantile (the ratio in the 1-in-200 worst year)
    tail : tuple of TailDriver, largest loss share first
    comprehensive, core : ndarray (n_scenarios,) in scenario order (not in ``to_dict``)
    thresholds : dict
        The regime's ratio thresholds the events use (``comprehensive_minimum``,
        ``comprehensive_watch``, ``core_minimum``, ``core_watch``; fractions; not in
        ``to_dict``)
    """

    n_scenarios: int
    seed: int
    dof: float | None
    block_size: int
    chunk_size: int
    backend: str
    elapsed: float
    base: dict[str, float]
    targets: dict[str, float]
    percentiles: dict[str, dict[str, float]]
    mean: dict[str, float]
    probabilities: dict[str, float]
    standard_errors: dict[str, float]
    worst_995: dict[str, float]
    tail: tuple[TailDriver, ...]
    comprehensive: np.ndarray = field(repr=False)
    core: np.ndarray = field(repr=False)
    thresholds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict for JSON (without the scenario arrays)."""
        return {
            "n_scenarios": self.n_scenarios,
            "seed": self.seed,
            "dof": self.dof,
            "block_size": self.block_size,
            "chunk_size": self.chunk_size,
            "backend": self.backend,
            "elapsed_seconds": self.elapsed,
            "base": self.base,
            "targets": self.targets,
            "percentiles": self.percentiles,
            "mean": self.mean,
            "probabilities": self.probabilities,
            "standard_errors": self.standard_errors,
            "worst_995": self.worst_995,
            "tail_level": TAIL_LEVEL,
            "tail_drivers": [t.to_dict() for t in self.tail],
        }


def regime_thresholds(regime: Regime) -> dict[str, float]:
    """The ratio thresholds of the regime's ``capital.thresholds`` table (fractions):
    ``comprehensive_minimum``, ``comprehensive_watch``, ``core_minimum``, ``core_watch``
    (保险公司偿付能力管理规定 Art. 22-23)."""
    table = ratio_thresholds(regime)
    return {
        key: table[key]
        for key in ("comprehensive_minimum", "comprehensive_watch", "core_minimum", "core_watch")
    }


def simulation_context(
    holdings: Holdings,
    company: Company,
    model: MarketModel,
    regime: str | Regime = DEFAULT_REGIME,
    options: EngineOptions | None = None,
    capital_share_of_loss: float = 1.0,
) -> SimulationContext:
    """Build the capital map of the holdings and check it against the market model."""
    regime = regime if isinstance(regime, Regime) else load_regime(regime)
    cmap = build_capital_map(holdings, company, regime, options)
    if tuple(cmap.classes) != tuple(model.classes):
        missing = sorted(set(cmap.classes) - set(model.classes))
        raise InputError(
            [
                InputProblem(
                    "<assumptions>",
                    None,
                    "asset_class",
                    compose("stress.no_assumptions", asset_class=c),
                )
                for c in missing
            ]
            or [
                InputProblem(
                    "<assumptions>",
                    None,
                    "asset_class",
                    compose("stress.class_order", classes=", ".join(cmap.classes)),
                )
            ]
        )
    return SimulationContext(cmap, model, capital_share_of_loss)


def simulate(
    ctx: SimulationContext,
    n_scenarios: int,
    seed: int,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    block_size: int = BLOCK_SIZE,
    backend: str = "local",
    scheduler: str | None = None,
    n_workers: int = 2,
    client: object | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run the Monte Carlo and summarise both ratios.

    Parameters
    ----------
    ctx : from :func:`simulation_context`
    n_scenarios : number of one-year scenarios (>= 1)
    seed : master seed (int >= 0)
    chunk_size : scenarios per task, rounded up to whole blocks (memory per task is about
        ``chunk_size x n_classes x 8`` bytes a few times over); does not change the result
    block_size : scenarios per random stream (part of the seed's identity)
    backend : ``local`` (this process) or ``dask``
    scheduler : address of an existing dask.distributed scheduler (``tcp://host:8786``);
        None starts a LocalCluster of ``n_workers`` single-threaded worker processes
    client : an existing ``distributed.Client`` (takes precedence over ``scheduler``)
    progress : called with the number of scenarios finished, after each chunk

    Returns
    -------
    SimulationResult
    """
    if n_scenarios < 1:
        raise ParameterError(compose("stress.n_scenarios", n=n_scenarios))
    if seed < 0:
        raise ParameterError(compose("stress.seed", seed=seed))
    if backend not in ("local", "dask"):
        raise ParameterError(compose("stress.backend", backend=backend))
    t0 = time.perf_counter()
    n_blocks = -(-n_scenarios // block_size)
    per_chunk = max(1, -(-chunk_size // block_size))
    k_tail = max(1, math.ceil(TAIL_LEVEL * n_scenarios))
    tasks = [
        (seed, b, min(per_chunk, n_blocks - b), n_scenarios, k_tail, block_size)
        for b in range(0, n_blocks, per_chunk)
    ]

    def done(task: tuple) -> int:
        return min(task[2] * block_size, n_scenarios - task[1] * block_size)

    if backend == "local":
        parts = []
        for task in tasks:
            parts.append(_run_chunk(ctx, *task))
            if progress:
                progress(done(task))
    else:
        parts = _run_dask(ctx, tasks, scheduler, n_workers, client, progress, done)
    elapsed = time.perf_counter() - t0
    return _summarise(
        ctx, parts, n_scenarios, seed, block_size, per_chunk * block_size, backend, elapsed, k_tail
    )


def _run_dask(
    ctx: SimulationContext,
    tasks: list[tuple],
    scheduler: str | None,
    n_workers: int,
    client: object | None,
    progress: Callable[[int], None] | None,
    done: Callable[[tuple], int],
) -> list[dict]:
    from distributed import Client, LocalCluster, as_completed

    own_cluster = own_client = None
    if client is None:
        if scheduler:
            client = own_client = Client(scheduler)
        else:
            own_cluster = LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = own_client = Client(own_cluster)
    try:
        shared = client.scatter(ctx, broadcast=True)
        futures = [client.submit(_run_chunk, shared, *task, pure=False) for task in tasks]
        size = {f.key: done(t) for f, t in zip(futures, tasks, strict=True)}
        for f in as_completed(futures):
            if progress:
                progress(size[f.key])
        return client.gather(futures)
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def _summarise(
    ctx: SimulationContext,
    parts: list[dict],
    n: int,
    seed: int,
    block_size: int,
    chunk_size: int,
    backend: str,
    elapsed: float,
    k_tail: int,
) -> SimulationResult:
    comp = np.concatenate([p["comprehensive"] for p in parts])
    core = np.concatenate([p["core"] for p in parts])
    idx = np.concatenate([p["tail_idx"] for p in parts])
    ratio = np.concatenate([p["tail_ratio"] for p in parts])
    pnl = np.concatenate([p["tail_pnl"] for p in parts])
    keep = np.lexsort((idx, ratio))[:k_tail]
    tail_pnl = pnl[keep].mean(axis=0)
    total = tail_pnl.sum()
    cm = ctx.capital
    x0 = cm.current_exposure
    with np.errstate(divide="ignore", invalid="ignore"):
        share = tail_pnl / total if total != 0 else np.zeros_like(tail_pnl)
        ret = np.where(x0 > 0, tail_pnl / x0, 0.0)
    order = np.argsort(-share, kind="stable")
    tail = tuple(
        TailDriver(ctx.model.classes[i], float(tail_pnl[i]), float(share[i]), float(ret[i]))
        for i in order
    )
    targets = {"comprehensive": cm.company.targets.comprehensive, "core": cm.company.targets.core}
    mc0 = float(cm.minimum_capital(x0))
    base = cm.admitted_capital()
    base_actual, base_core = float(base.actual), float(base.core)
    q = np.array(PERCENTILES) / 100.0
    th = regime_thresholds(cm.regime)
    events = {
        "comprehensive_below_100": comp < th["comprehensive_minimum"],
        "comprehensive_below_120": comp < th["comprehensive_watch"],
        "comprehensive_below_target": comp < targets["comprehensive"],
        "core_below_50": core < th["core_minimum"],
        "core_below_60": core < th["core_watch"],
        "core_below_target": core < targets["core"],
    }
    probs = {k: float(v.mean()) for k, v in events.items()}
    return SimulationResult(
        n_scenarios=n,
        seed=seed,
        dof=ctx.model.dof,
        block_size=block_size,
        chunk_size=chunk_size,
        backend=backend,
        elapsed=elapsed,
        base={"comprehensive": base_actual / mc0, "core": base_core / mc0},
        targets=dict(targets),
        percentiles={
            name: {
                f"{p:g}": float(v) for p, v in zip(PERCENTILES, np.quantile(arr, q), strict=True)
            }
            for name, arr in (("comprehensive", comp), ("core", core))
        },
        mean={"comprehensive": float(comp.mean()), "core": float(core.mean())},
        probabilities=probs,
        standard_errors={k: math.sqrt(p * (1 - p) / n) for k, p in probs.items()},
        worst_995={
            "comprehensive": float(np.quantile(comp, TAIL_LEVEL)),
            "core": float(np.quantile(core, TAIL_LEVEL)),
        },
        tail=tail,
        comprehensive=comp,
        core=core,
        thresholds=th,
    )
