"""The stress services: Annex 4, historical and user scenarios, the insurance-risk and life
rate scenarios, and the reverse stress test (Rule 10)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.io.accounting import given
from analyzer.io.provenance import Provenance
from analyzer.messages import Text, text
from analyzer.services.checks import build_provenance, check_finite, check_ratios, with_warnings
from analyzer.services.inputs import Tick, load_inputs
from analyzer.services.reading import Inputs
from analyzer.solvency.regime import DEFAULT_REGIME
from analyzer.stress import annex4
from analyzer.stress.forward import Stresser, StressResult
from analyzer.stress.mandatory import NotRun, mandatory_scenarios
from analyzer.stress.reverse import REVERSE_DRIVERS, ReverseResult
from analyzer.stress.reverse import reverse_stress as reverse_search
from analyzer.stress.scenario_file import read_scenarios
from analyzer.stress.shocks import Shock, StressParameters


def reverse_stress_drivers() -> tuple[str, ...]:
    """The drivers a reverse stress test moves, in the order reported: equity, rates,
    spread, VC."""
    return tuple(REVERSE_DRIVERS)


def reverse_max_move(driver: str) -> float:
    """The largest move a reverse stress test searches for ``driver`` (a fraction of value,
    or basis points for rates and spread)."""
    return float(REVERSE_DRIVERS[driver][2])


def scenario_file_kind(path: str | Path) -> str:
    """``historical`` for a scenario file whose name says so (its scenarios replay a past
    episode), else ``user``."""
    return "historical" if "historical" in Path(path).name else "user"


def read_scenario_file(path: str | Path, known_classes: Collection[str] | None = None) -> list:
    """The scenarios of a scenario file, of the kind its name gives (:func:`scenario_file_kind`);
    an asset class outside ``known_classes`` (when given) is refused with its row."""
    return read_scenarios(path, kind=scenario_file_kind(path), known_classes=known_classes)


def scenarios_to_run(
    company_type: str, files: Iterable[Iterable[Shock]] = (), *, annex4_scenarios: bool = True
) -> tuple[list[Shock], int]:
    """The scenarios of a stress test, in the order run: the Annex 4 mandatory scenarios of
    the company type (Rule 10; when ``annex4_scenarios``), then each file's.

    Returns
    -------
    (the scenarios, how many of them are Annex 4's)
    """
    shocks = list(annex4.scenarios(company_type)) if annex4_scenarios else []
    n_annex4 = len(shocks)
    for more in files:
        shocks += list(more)
    return shocks, n_annex4


def _scenario_reader(path: Path) -> Callable[[dict], Any]:
    def read(done: dict) -> Any:
        h = done["holdings"]
        classes = None if h is None else set(h.frame["asset_class"].astype(str)) - {""}
        return read_scenario_file(path, classes)

    return read


def load_stress_inputs(
    holdings: str | Path,
    company: str | Path,
    scenarios: Iterable[str | Path] = (),
    mapping: str | Path | None = None,
    accept: Collection[str] = (),
    *,
    look_through: str | Path | None = None,
    trades: str | Path | None = None,
) -> Inputs:
    """:func:`load_inputs` for a stress test: the scenario files read in ``inputs.extra``
    (one list of scenarios per file, in order), their classes checked against the holdings."""
    return load_inputs(
        holdings=holdings,
        company=company,
        mapping=mapping,
        accept=accept,
        extra=[("scenarios", p, _scenario_reader(Path(p))) for p in scenarios],
        look_through=look_through,
        trades=trades,
    )


def accounting_note(inputs: Inputs, fair_value_share: float | None) -> Text | None:
    """The notice that a position's own ``accounting`` wins over ``fair_value_share`` (None
    when no share is given or no position gives its accounting)."""
    h = inputs.holdings
    if fair_value_share is None or h is None:
        return None
    n_given = int(given(h.frame).sum())
    if not n_given:
        return None
    return text(
        "stress.accounting_wins",
        given=n_given,
        blank=len(h.frame) - n_given,
        share=fair_value_share,
    )


@dataclass(frozen=True)
class StressSetup:
    """A portfolio ready to be stressed.

    Attributes
    ----------
    stresser : the forward stress runner (its ``base`` is today's snapshot)
    shocks : the scenarios to run: Annex 4's first (``n_annex4`` of them), then the files'
    n_annex4 : how many of ``shocks`` are Annex 4's
    annex4 : whether the Annex 4 mandatory scenarios run
    company : the company
    provenance : the run's provenance
    """

    stresser: Stresser
    shocks: tuple[Shock, ...]
    n_annex4: int
    annex4: bool
    company: Any
    provenance: Provenance


def stress_setup(
    inputs: Inputs,
    regime: str = DEFAULT_REGIME,
    *,
    annex4_scenarios: bool = True,
    fair_value_share: float | None = None,
    mixed_equity_share: float = 0.8,
    accept: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    where: str = "result",
) -> StressSetup:
    """The stresser of the portfolio of ``inputs`` and the scenarios to run on it, after the
    plausibility check of today's ratios.

    Parameters
    ----------
    inputs : what :func:`load_stress_inputs` returned
    regime : regime name
    annex4_scenarios : run the Annex 4 mandatory scenarios (Rule 10)
    fair_value_share : share of fixed income at fair value for the positions whose
        ``accounting`` is blank (None: 1.0)
    mixed_equity_share : equity share of a mixed product not looked through (fraction)
    accept, options, where : as for :func:`evaluate`
    """
    h, c = inputs.holdings, inputs.company
    shocks, n_annex4 = scenarios_to_run(
        c.company_type, inputs.extra, annex4_scenarios=annex4_scenarios
    )
    share = 1.0 if fair_value_share is None else fair_value_share
    stresser = Stresser(
        h,
        c,
        regime,
        params=StressParameters(fair_value_share=share, mixed_equity_share=mixed_equity_share),
    )
    base = stresser.base
    check_finite(base.to_dict(), "base")
    accepted = check_ratios(
        {"comprehensive": base.comprehensive_ratio, "core": base.core_ratio}, accept, where
    )
    prov = with_warnings(build_provenance(inputs, options, regime=stresser.regime.name), accepted)
    return StressSetup(stresser, tuple(shocks), n_annex4, annex4_scenarios, c, prov)


def reverse_stress(
    stresser: Stresser,
    drivers: Iterable[str] | None = None,
    *,
    tick: Tick | None = None,
    **search: Any,
) -> list[ReverseResult]:
    """Reverse stress, driver by driver: the smallest adverse move of each driver that takes
    a ratio to each threshold.

    Parameters
    ----------
    stresser : the portfolio's stresser (:attr:`StressSetup.stresser`)
    drivers : default :func:`reverse_stress_drivers`
    tick : called with 1 after each driver
    **search : passed to :func:`analyzer.stress.reverse.reverse_stress` (``thresholds``,
        ``grid_points``, ``xtol``, ``max_moves``)
    """
    out: list[ReverseResult] = []
    for driver in reverse_stress_drivers() if drivers is None else tuple(drivers):
        out += reverse_search(stresser, [driver], **search)
        if tick:
            tick(1)
    return out


@dataclass(frozen=True)
class StressRun:
    """The results of a stress test.

    Attributes
    ----------
    setup : what was stressed
    results : one per scenario: Annex 4's, the insurance-risk and life rate scenarios, then
        the files'
    reverse : the reverse stress results (driver-major)
    not_run : the Annex 4 scenarios the company file gives no input for
    """

    setup: StressSetup
    results: tuple[StressResult, ...]
    reverse: tuple[ReverseResult, ...]
    not_run: tuple[NotRun, ...]

    def to_dict(self) -> dict:
        """The JSON form (docs/formats.md §5), without the provenance."""
        s = self.setup.stresser
        return {
            "company": self.setup.company.name,
            "regime": s.regime.name,
            "base": s.base.to_dict(),
            "parameters": s.params.to_dict(),
            "scenarios": [r.to_dict() for r in self.results],
            "reverse": [r.to_dict() for r in self.reverse],
            "not_run": [n.to_dict() for n in self.not_run],
        }


def run_stresses(
    setup: StressSetup, *, reverse: bool = True, tick: Tick | None = None
) -> StressRun:
    """Run every scenario of ``setup`` (plus, with Annex 4, the insurance-risk scenarios and
    life scenario 三) and, when ``reverse``, the reverse stress of every driver.

    ``tick`` is called with 1 after each scenario and each reverse driver (the total is
    ``len(setup.shocks) + len(reverse_stress_drivers())``).
    """
    stresser = setup.stresser
    results = []
    for s in setup.shocks:
        results.append(stresser.run(s))
        if tick:
            tick(1)
    not_run: list = []
    if setup.annex4:
        more, not_run = mandatory_scenarios(stresser)
        results[setup.n_annex4 : setup.n_annex4] = more
    rev = reverse_stress(stresser, tick=tick) if reverse else []
    return StressRun(setup, tuple(results), tuple(rev), tuple(not_run))


__all__ = [
    "StressRun",
    "StressSetup",
    "accounting_note",
    "load_stress_inputs",
    "read_scenario_file",
    "reverse_stress",
    "reverse_max_move",
    "reverse_stress_drivers",
    "run_stresses",
    "scenario_file_kind",
    "scenarios_to_run",
    "stress_setup",
]
