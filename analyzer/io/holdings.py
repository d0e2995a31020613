"""The holdings file: one row per position (contract section 1, extensions in
docs/architecture.md).

:func:`read_holdings` validates every column at once (vectorised, so 100,000 rows read in
well under a second) and reports every problem with its file, row, column and what is
allowed. Rows are spreadsheet rows: the header is row 1, the first position row 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.errors import InputError, InputProblem

ASSET_TYPES: tuple[str, ...] = (
    "cash", "interbank", "deposit", "structured_deposit", "government_bond",
    "local_government_bond", "policy_bank_bond", "agency_bond", "corporate_bond",
    "financial_bond", "abs", "convertible_bond", "stock", "equity_fund", "mixed_fund",
    "bond_fund", "money_market_fund", "unlisted_equity", "pe_vc_fund", "reit",
    "insurance_abs_plan", "debt_investment_plan", "trust_plan", "investment_property",
    "long_term_equity_investment", "policy_loan", "perpetual_bond", "preferred_share",
)
RATINGS: tuple[str, ...] = (
    "AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "unrated",
)
BONDS: tuple[str, ...] = (
    "government_bond", "local_government_bond", "policy_bank_bond", "agency_bond",
    "corporate_bond", "financial_bond", "abs",
)
#: asset types that must carry a rating (credit assets and debt-type non-base assets)
RATED: tuple[str, ...] = (
    "corporate_bond", "financial_bond", "abs", "insurance_abs_plan", "debt_investment_plan",
    "trust_plan",
)
NON_BASE: tuple[str, ...] = (
    "pe_vc_fund", "reit", "insurance_abs_plan", "debt_investment_plan", "trust_plan",
)
BOARDS = ("main", "star", "chinext", "bse")
BANK_TYPES = ("large_state", "policy", "joint_stock", "city", "rural", "other", "finance_company")
REGIONS = ("domestic", "developed", "emerging")
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "other")
PROPERTY_TIERS = ("major", "other")
LOAN_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
INVESTEES = ("subsidiary", "insurance_subsidiary", "listed_associate", "unlisted_associate")
ISSUER_TYPES = (
    "policy_bank", "large_state", "joint_stock", "city", "other_bank", "amc", "insurer",
    "non_financial",
)
FUND_KINDS = ("vc", "pe")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class Column:
    """One holdings column: its kind, allowed values and default."""

    name: str
    kind: str  # "text", "number", "bool", "choice", "int"
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: float | None = None
    strictly_positive: bool = False
    doc: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("id", "text", doc="unique position id"),
    Column("asset_type", "choice", ASSET_TYPES),
    Column("market_value", "number", minimum=0.0, doc="admitted value, CNY"),
    Column("asset_class", "text", default="", doc="allocation bucket for the optimiser"),
    Column("rating", "choice", RATINGS, default=""),
    Column("modified_duration", "number", minimum=0.0, default=np.nan, doc="years"),
    Column("coupon_rate", "number", minimum=0.0, default=np.nan, doc="fraction a year"),
    Column("maturity_years", "int", minimum=0.0, default=np.nan, doc="whole years"),
    Column("face_value", "number", minimum=0.0, default=np.nan, doc="CNY"),
    Column("coupon_frequency", "int", minimum=1.0, default=1.0),
    Column("board", "choice", BOARDS, default=""),
    Column("csi300", "bool", default=False),
    Column("dividend_low_vol_100", "bool", default=False),
    Column("holding_years", "number", minimum=0.0, default=0.0, doc="years (FIFO average)"),
    Column("purchase_cost", "number", minimum=0.0, default=np.nan, doc="CNY"),
    Column("counterparty", "text", default=""),
    Column("look_through", "bool", default=False),
    Column("layers", "int", minimum=1.0, default=1.0),
    Column("strategic_emerging", "bool", default=False),
    Column("green", "bool", default=False),
    Column("sci_tech", "bool", default=False),
    Column("bank_type", "choice", BANK_TYPES, default=""),
    Column("bank_car", "number", minimum=0.0, default=np.nan, doc="fraction"),
    Column("region", "choice", REGIONS, default="domestic"),
    Column("currency", "choice", CURRENCIES, default=""),
    Column("property_tier", "choice", PROPERTY_TIERS, default="major"),
    Column("principal_protected", "bool", default=True),
    Column("loan_class", "choice", LOAN_CLASSES, default="normal"),
    Column("exempt", "bool", default=False),
    Column("investee", "choice", INVESTEES, default="subsidiary"),
    Column("issuer_type", "choice", ISSUER_TYPES, default=""),
    Column("conversion_clause", "bool", default=False),
    Column("issuer_ratios_met", "bool", default=True),
    Column("fund_kind", "choice", FUND_KINDS, default="vc"),
    Column("book_value", "number", minimum=0.0, default=np.nan, doc="CNY"),
)
REQUIRED = ("id", "asset_type", "market_value")
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


@dataclass(frozen=True)
class Holdings:
    """Validated positions.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per position, every column of :data:`COLUMNS` present and typed
        (numbers float64, flags bool, choices str; blanks filled with the documented
        default). ``currency`` is filled from ``region`` by the engine option.
    source : str
        Where the positions came from (file name), for messages.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str = "<memory>"

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def total_market_value(self) -> float:
        """Sum of admitted values, CNY."""
        return float(self.frame["market_value"].sum())

    def scaled(self, factors: pd.Series | dict[str, float]) -> Holdings:
        """Return holdings with every position of an asset class scaled (pro rata).

        Parameters
        ----------
        factors : mapping of asset_class -> multiplier (>= 0); classes not named keep 1.
        """
        f = pd.Series(factors, dtype=float)
        mult = self.frame["asset_class"].map(f).fillna(1.0).to_numpy()
        frame = self.frame.copy()
        for col in ("market_value", "face_value", "purchase_cost", "book_value"):
            frame[col] = frame[col].to_numpy() * mult
        return Holdings(frame, self.source)


def _problem_rows(
    problems: list[InputProblem], file: str, mask: np.ndarray, column: str,
    message: Callable[[int], str] | str, limit: int = 20,
) -> None:
    rows = np.flatnonzero(mask)
    for i in rows[:limit]:
        text = message(int(i)) if callable(message) else message
        problems.append(InputProblem(file, int(i) + 2, column, text))
    if len(rows) > limit:
        problems.append(InputProblem(
            file, None, column, f"{len(rows) - limit} more row(s) with the same problem"
        ))


def _text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text, missing cells (NaN, None, NA) as "" (pandas 3 keeps NaN
    through ``astype(str)``, so blanks of .xlsx/.parquet/in-memory tables must be filled)."""
    missing = raw.isna()
    if missing.any():
        raw = raw.astype(object).where(~missing, "")
    return raw.astype(str).str.strip()


def _parse_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (values, blank mask, non-numeric mask)."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        return values, np.isnan(values), np.zeros(len(raw), dtype=bool)
    text = _text(raw).str.replace(",", "", regex=False)
    blank = (text == "") | text.str.lower().isin(["nan", "none"])
    values = pd.to_numeric(text.where(~blank, "nan"), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & ~blank.to_numpy()
    return values, blank.to_numpy(), bad


def frame_from_records(records: list[dict]) -> pd.DataFrame:
    """Build a raw holdings frame from records (e.g. an edited grid) for validation."""
    return pd.DataFrame.from_records(records).astype(object)


def validate_holdings(raw: pd.DataFrame, file: str = "<memory>") -> Holdings:
    """Validate and type a raw holdings table.

    Raises
    ------
    InputError
        With one problem per bad cell (first 20 per column and kind), naming row, column
        and what is allowed. Nothing is dropped or guessed.
    """
    raw = raw.copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problems: list[InputProblem] = []
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputError([
            InputProblem(file, 1, c, "required column is missing; the header must name "
                         + ", ".join(REQUIRED)) for c in missing
        ])
    dupes = [c for c in raw.columns if list(raw.columns).count(c) > 1]
    if dupes:
        raise InputError.single(file, 1, dupes[0], "column appears more than once")
    n = len(raw)
    out: dict[str, object] = {}
    for col in COLUMNS:
        present = col.name in raw.columns
        if col.kind == "number" or col.kind == "int":
            if not present:
                out[col.name] = np.full(n, col.default, dtype=float)
                continue
            values, blank, bad = _parse_numbers(raw[col.name])
            _problem_rows(problems, file, bad, col.name,
                          lambda i, c=col.name: f"'{raw[c].iloc[i]}' is not a number")
            if col.name in REQUIRED:
                _problem_rows(problems, file, blank, col.name, "a value is required")
            finite = ~np.isnan(values)
            if col.minimum is not None:
                _problem_rows(problems, file, finite & (values < col.minimum), col.name,
                              lambda i, v=values, m=col.minimum: f"{v[i]:g} is below the "
                              f"allowed minimum {m:g}")
            if not np.all(np.isfinite(values[finite])):
                _problem_rows(problems, file, finite & ~np.isfinite(values), col.name,
                              "value must be finite")
            if col.kind == "int":
                frac = finite & (np.abs(values - np.round(values)) > 1e-9)
                _problem_rows(problems, file, frac, col.name, "must be a whole number")
            values = np.where(blank | bad, col.default, values).astype(float)
            out[col.name] = values
        elif col.kind == "bool":
            if not present:
                out[col.name] = np.full(n, bool(col.default))
                continue
            series = raw[col.name]
            if pd.api.types.is_bool_dtype(series) and not series.isna().any():
                out[col.name] = series.to_numpy(dtype=bool)
                continue
            text = _text(series).str.lower().replace({"nan": "", "none": ""})
            is_true = text.isin(_TRUE).to_numpy()
            is_false = text.isin(_FALSE).to_numpy()
            _problem_rows(problems, file, ~(is_true | is_false), col.name,
                          lambda i, s=series: f"'{s.iloc[i]}' is not true/false")
            blank = (text == "").to_numpy()
            out[col.name] = np.where(blank, bool(col.default), is_true)
        else:
            if not present:
                out[col.name] = np.full(n, col.default if col.default is not None else "",
                                        dtype=object)
                continue
            text = _text(raw[col.name])
            text = text.where(~text.str.lower().isin(["nan", "none"]), "")
            if col.name in REQUIRED:
                _problem_rows(problems, file, (text == "").to_numpy(), col.name,
                              "a value is required")
            if col.kind == "choice":
                lookup = {c.lower(): c for c in col.choices}
                canon = text.str.lower().map(lookup)
                bad = canon.isna().to_numpy() & (text != "").to_numpy()
                _problem_rows(problems, file, bad, col.name,
                              lambda i, t=text, ch=col.choices: f"'{t.iloc[i]}' is not allowed;"
                              f" allowed: {', '.join(ch)}")
                blank_default = col.default if col.default is not None else ""
                text = canon.fillna("").where(text != "", blank_default)
            out[col.name] = text.to_numpy(dtype=object)
    # Text columns stay numpy object arrays (pandas 3 would infer its Arrow string dtype,
    # whose every to_numpy() copies 100,000 strings: the engine reads these columns often).
    frame = pd.DataFrame({k: pd.Series(v, dtype=object)
                          if np.asarray(v).dtype.kind == "O" else v for k, v in out.items()})
    _check_cross_fields(frame, file, problems)
    if problems:
        raise InputError(problems)
    frame["book_value"] = np.where(np.isnan(frame["book_value"]), frame["market_value"],
                                   frame["book_value"])
    return Holdings(frame.reset_index(drop=True), file)


def _check_cross_fields(frame: pd.DataFrame, file: str, problems: list[InputProblem]) -> None:
    at = frame["asset_type"].to_numpy()
    ids = frame["id"]
    dup = ids.duplicated(keep=False).to_numpy()
    _problem_rows(problems, file, dup, "id",
                  lambda i: f"duplicate id '{ids.iloc[i]}'; every position needs its own id")
    domestic = frame["region"].to_numpy() == "domestic"
    rated = np.isin(at, RATED) & domestic
    _problem_rows(problems, file, rated & (frame["rating"].to_numpy() == ""), "rating",
                  lambda i: f"a rating is required for {at[i]}; allowed: {', '.join(RATINGS)}")
    needs_duration = np.isin(at, BONDS) & domestic
    _problem_rows(problems, file, needs_duration & np.isnan(frame["modified_duration"].to_numpy()),
                  "modified_duration",
                  lambda i: f"modified duration (years) is required for {at[i]}")
    stock = (at == "stock") & domestic
    _problem_rows(problems, file, stock & (frame["board"].to_numpy() == ""), "board",
                  f"a board is required for stocks; allowed: {', '.join(BOARDS)}")
    _problem_rows(problems, file, stock & np.isnan(frame["purchase_cost"].to_numpy()),
                  "purchase_cost", "purchase cost (CNY) is required for stocks (Rule 8 "
                  "Art. 26 k1)")
    dep = np.isin(at, ["deposit", "structured_deposit"])
    _problem_rows(problems, file, dep & (frame["bank_type"].to_numpy() == ""), "bank_type",
                  f"a bank type is required for deposits; allowed: {', '.join(BANK_TYPES)}")
    pref = np.isin(at, ["preferred_share", "perpetual_bond"])
    _problem_rows(problems, file, pref & (frame["issuer_type"].to_numpy() == ""),
                  "issuer_type", f"an issuer type is required; allowed: "
                  f"{', '.join(ISSUER_TYPES)}")


def read_holdings(source: str | Path | bytes, name: str | None = None) -> Holdings:
    """Read and validate a holdings file (.csv, .xlsx or .parquet).

    Parameters
    ----------
    source : path or bytes
        The file, or an upload's bytes (then pass ``name``).
    name : str, optional
        File name for messages and to pick the format of bytes.

    Raises
    ------
    InputError
        For an unreadable file or any invalid cell (see :func:`validate_holdings`).
    """
    from analyzer.io.tables import read_table

    label = name or (str(source) if not isinstance(source, bytes) else "<upload>")
    return validate_holdings(read_table(source, name=label), file=label)
