"""The holdings file: one row per position (docs/formats.md §1, extensions in
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
    "cash",
    "interbank",
    "deposit",
    "structured_deposit",
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "corporate_bond",
    "financial_bond",
    "abs",
    "convertible_bond",
    "stock",
    "equity_fund",
    "mixed_fund",
    "bond_fund",
    "money_market_fund",
    "unlisted_equity",
    "pe_vc_fund",
    "reit",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
    "investment_property",
    "long_term_equity_investment",
    "policy_loan",
    "perpetual_bond",
    "preferred_share",
)
RATINGS: tuple[str, ...] = (
    "AAA",
    "AA+",
    "AA",
    "AA-",
    "A+",
    "A",
    "A-",
    "BBB+",
    "BBB",
    "BBB-",
    "unrated",
)
BONDS: tuple[str, ...] = (
    "government_bond",
    "local_government_bond",
    "policy_bank_bond",
    "agency_bond",
    "corporate_bond",
    "financial_bond",
    "abs",
)
#: asset types that must carry a rating (credit assets and debt-type non-base assets)
RATED: tuple[str, ...] = (
    "corporate_bond",
    "financial_bond",
    "abs",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
)
NON_BASE: tuple[str, ...] = (
    "pe_vc_fund",
    "reit",
    "insurance_abs_plan",
    "debt_investment_plan",
    "trust_plan",
)
BOARDS = ("main", "star", "chinext", "bse")
BANK_TYPES = ("large_state", "policy", "joint_stock", "city", "rural", "other", "finance_company")
REGIONS = ("domestic", "developed", "emerging")
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "other")
PROPERTY_TIERS = ("major", "other")
LOAN_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
INVESTEES = ("subsidiary", "insurance_subsidiary", "listed_associate", "unlisted_associate")
ISSUER_TYPES = (
    "policy_bank",
    "large_state",
    "joint_stock",
    "city",
    "other_bank",
    "amc",
    "insurer",
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

    def codes(self, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """Integer codes of a text column and the text of each code (-1: missing).

        Categorical columns (:data:`CATEGORICAL`) cost nothing; others are factorised.
        """
        series = self.frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            return series.cat.codes.to_numpy(), tuple(str(c) for c in series.cat.categories)
        codes, uniques = pd.factorize(series.to_numpy())
        return codes, tuple(str(u) for u in uniques)

    def mask(self, column: str, *values: str) -> np.ndarray:
        """Mask of positions whose text ``column`` is one of ``values``."""
        codes, texts = self.codes(column)
        table = np.array([t in values for t in texts] + [False], dtype=bool)
        return table[codes]

    def scaled(self, factors: pd.Series | dict[str, float]) -> Holdings:
        """Return holdings with every position of an asset class scaled (pro rata).

        Parameters
        ----------
        factors : mapping of asset_class -> multiplier (>= 0); classes not named keep 1.
        """
        f = pd.Series(factors, dtype=float)
        codes, texts = self.codes("asset_class")
        by_code = (
            np.append(f.reindex(list(texts)).fillna(1.0).to_numpy(dtype=float), 1.0)
            if len(f)
            else np.ones(len(texts) + 1)
        )
        mult = by_code[codes]
        frame = self.frame.copy()
        for col in ("market_value", "face_value", "purchase_cost", "book_value"):
            frame[col] = frame[col].to_numpy() * mult
        return Holdings(frame, self.source)


def _problem_rows(
    problems: list[InputProblem],
    file: str,
    mask: np.ndarray,
    column: str,
    message: Callable[[int], str] | str,
    limit: int = 20,
) -> None:
    rows = np.flatnonzero(mask)
    for i in rows[:limit]:
        text = message(int(i)) if callable(message) else message
        problems.append(InputProblem(file, int(i) + 2, column, text))
    if len(rows) > limit:
        problems.append(
            InputProblem(
                file, None, column, f"{len(rows) - limit} more row(s) with the same problem"
            )
        )


def _text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text, missing cells (NaN, None, NA) as "" (pandas 3 keeps NaN
    through ``astype(str)``, so blanks of .xlsx/.parquet/in-memory tables must be filled)."""
    missing = raw.isna()
    if missing.any():
        raw = raw.astype(object).where(~missing, "")
    return raw.astype(str).str.strip()


def _factorized_text(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, stripped text of each code) of a column: string work is done once per
    distinct value; missing cells and "nan"/"none" read as ""."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    texts = _text(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    texts = texts.where(~texts.str.lower().isin(["nan", "none"]), "").to_numpy(dtype=object)
    texts = np.append(texts, "")  # code -1 (missing) reads as ""
    return np.where(codes < 0, len(texts) - 1, codes), texts


def _categorical(codes: np.ndarray, values: np.ndarray, categories=None) -> pd.Categorical:
    """Categorical of ``values[codes]``: the given ``categories`` (the allowed choices) or the
    distinct values (free text)."""
    if categories is None:
        cat_codes, cats = pd.factorize(values, sort=True)
        cats = pd.Index(np.asarray(cats, dtype=object), dtype=object)
    else:
        cats = pd.Index(list(categories), dtype=object)
        cat_codes = cats.get_indexer(pd.Index(values, dtype=object))
    return pd.Categorical.from_codes(cat_codes[codes].astype(np.int32), categories=cats)


#: text columns stored as pandas Categorical (fixed categories for choices, factorised text)
CATEGORICAL = (
    "asset_type",
    "rating",
    "board",
    "bank_type",
    "region",
    "currency",
    "property_tier",
    "loan_class",
    "investee",
    "issuer_type",
    "fund_kind",
    "counterparty",
    "asset_class",
)


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
        raise InputError(
            [
                InputProblem(
                    file,
                    1,
                    c,
                    "required column is missing; the header must name " + ", ".join(REQUIRED),
                )
                for c in missing
            ]
        )
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
            _problem_rows(
                problems,
                file,
                bad,
                col.name,
                lambda i, c=col.name: f"'{raw[c].iloc[i]}' is not a number",
            )
            if col.name in REQUIRED:
                _problem_rows(problems, file, blank, col.name, "a value is required")
            finite = ~np.isnan(values)
            if col.minimum is not None:
                _problem_rows(
                    problems,
                    file,
                    finite & (values < col.minimum),
                    col.name,
                    lambda i, v=values, m=col.minimum: (
                        f"{v[i]:g} is below the allowed minimum {m:g}"
                    ),
                )
            if not np.all(np.isfinite(values[finite])):
                _problem_rows(
                    problems, file, finite & ~np.isfinite(values), col.name, "value must be finite"
                )
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
            codes, texts = _factorized_text(series)
            lower = np.array([t.lower() for t in texts], dtype=object)
            is_true = np.isin(lower, list(_TRUE))[codes]
            is_false = np.isin(lower, list(_FALSE))[codes]
            _problem_rows(
                problems,
                file,
                ~(is_true | is_false),
                col.name,
                lambda i, s=series: f"'{s.iloc[i]}' is not true/false",
            )
            blank = (lower == "")[codes]
            out[col.name] = np.where(blank, bool(col.default), is_true)
        else:
            categories = None
            if col.kind == "choice":
                categories = (*col.choices, "") if "" not in col.choices else col.choices
            if not present:
                value = col.default if col.default is not None else ""
                if col.name in CATEGORICAL:
                    out[col.name] = _categorical(
                        np.zeros(n, dtype=np.int64), np.array([value], dtype=object), categories
                    )
                else:
                    out[col.name] = np.full(n, value, dtype=object)
                continue
            if col.name == "id":
                text = _text(raw[col.name])
                text = text.where(~text.str.lower().isin(["nan", "none"]), "")
                _problem_rows(
                    problems, file, (text == "").to_numpy(), col.name, "a value is required"
                )
                out[col.name] = text.to_numpy(dtype=object)
                continue
            codes, texts = _factorized_text(raw[col.name])
            if col.name in REQUIRED:
                _problem_rows(problems, file, (texts == "")[codes], col.name, "a value is required")
            if col.kind == "choice":
                lookup = {c.lower(): c for c in col.choices}
                canon = np.array([lookup.get(t.lower()) for t in texts], dtype=object)
                bad_code = np.array([c is None for c in canon]) & (texts != "")
                _problem_rows(
                    problems,
                    file,
                    bad_code[codes],
                    col.name,
                    lambda i, c=codes, t=texts, ch=col.choices: (
                        f"'{t[c[i]]}' is not allowed; allowed: {', '.join(ch)}"
                    ),
                )
                blank_default = col.default if col.default is not None else ""
                texts = np.where(texts == "", blank_default, np.where(bad_code, "", canon)).astype(
                    object
                )
            if col.name in CATEGORICAL:
                out[col.name] = _categorical(codes, texts, categories)
            else:
                out[col.name] = texts[codes]
    # Free text stays numpy object arrays (pandas 3 would infer its Arrow string dtype, whose
    # every to_numpy() copies 100,000 strings); the choice columns and the grouping texts are
    # Categorical (equal to their text; the engine compares integer codes).
    frame = pd.DataFrame(
        {
            k: v
            if isinstance(v, pd.Categorical)
            else (pd.Series(v, dtype=object) if np.asarray(v).dtype.kind == "O" else v)
            for k, v in out.items()
        }
    )
    _check_cross_fields(frame, file, problems)
    if problems:
        raise InputError(problems)
    frame["book_value"] = np.where(
        np.isnan(frame["book_value"]), frame["market_value"], frame["book_value"]
    )
    return Holdings(frame.reset_index(drop=True), file)


def _is(frame: pd.DataFrame, column: str, values) -> np.ndarray:
    """Mask of rows whose text ``column`` is one of ``values`` (compared by code)."""
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, cats = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, cats = pd.factorize(series.to_numpy())
    table = np.append(np.isin(np.asarray(cats, dtype=object), list(values)), False)
    return table[codes]


def _check_cross_fields(frame: pd.DataFrame, file: str, problems: list[InputProblem]) -> None:
    at = frame["asset_type"]
    ids = frame["id"]
    dup = ids.duplicated(keep=False).to_numpy()
    _problem_rows(
        problems,
        file,
        dup,
        "id",
        lambda i: f"duplicate id '{ids.iloc[i]}'; every position needs its own id",
    )
    domestic = _is(frame, "region", ("domestic",))
    rated = _is(frame, "asset_type", RATED) & domestic
    _problem_rows(
        problems,
        file,
        rated & _is(frame, "rating", ("",)),
        "rating",
        lambda i: f"a rating is required for {at.iloc[i]}; allowed: {', '.join(RATINGS)}",
    )
    needs_duration = _is(frame, "asset_type", BONDS) & domestic
    _problem_rows(
        problems,
        file,
        needs_duration & np.isnan(frame["modified_duration"].to_numpy()),
        "modified_duration",
        lambda i: f"modified duration (years) is required for {at.iloc[i]}",
    )
    stock = _is(frame, "asset_type", ("stock",)) & domestic
    _problem_rows(
        problems,
        file,
        stock & _is(frame, "board", ("",)),
        "board",
        f"a board is required for stocks; allowed: {', '.join(BOARDS)}",
    )
    _problem_rows(
        problems,
        file,
        stock & np.isnan(frame["purchase_cost"].to_numpy()),
        "purchase_cost",
        "purchase cost (CNY) is required for stocks (Rule 8 Art. 26 k1)",
    )
    dep = _is(frame, "asset_type", ("deposit", "structured_deposit"))
    _problem_rows(
        problems,
        file,
        dep & _is(frame, "bank_type", ("",)),
        "bank_type",
        f"a bank type is required for deposits; allowed: {', '.join(BANK_TYPES)}",
    )
    pref = _is(frame, "asset_type", ("preferred_share", "perpetual_bond"))
    _problem_rows(
        problems,
        file,
        pref & _is(frame, "issuer_type", ("",)),
        "issuer_type",
        f"an issuer type is required; allowed: {', '.join(ISSUER_TYPES)}",
    )
    # a non-financial issuer's perpetual bond is not a Rule 8 Art. 36 capital instrument: it is
    # charged as a rated corporate bond (Rule 9 Art. 15), so it needs rating and duration
    corp_perpetual = (
        _is(frame, "asset_type", ("perpetual_bond",))
        & domestic
        & _is(frame, "issuer_type", ("non_financial",))
    )
    why = (
        "for a perpetual bond of a non-financial issuer (charged as a rated corporate bond, "
        "Rule 9 Art. 15; Rule 8 Art. 36 covers financial institutions' perpetual bonds)"
    )
    _problem_rows(
        problems,
        file,
        corp_perpetual & _is(frame, "rating", ("",)),
        "rating",
        lambda i: f"row {i + 2}: a rating is required {why}; allowed: {', '.join(RATINGS)}",
    )
    _problem_rows(
        problems,
        file,
        corp_perpetual & np.isnan(frame["modified_duration"].to_numpy()),
        "modified_duration",
        lambda i: f"row {i + 2}: modified duration (years) is required {why}",
    )


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
    numeric = [c.name for c in COLUMNS if c.kind in ("number", "int")]
    return validate_holdings(read_table(source, name=label, numeric=numeric), file=label)
