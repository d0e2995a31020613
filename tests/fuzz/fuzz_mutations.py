"""Mutated input files derived from the bundled samples, one per way a real user or a real
export gets a file wrong (or harmlessly different), and the command-line run that reads them.

Each :class:`Mutation` writes a complete workspace (the life sample insurer, the assumptions,
correlations, a scenario file and a commitment plan) into a folder, changes exactly one file
in one way, and returns the ``analyzer`` arguments that read it. Its ``expect`` says what a
correct analyzer does with it:

``refuse``
    The file is a mistake that changes numbers: the run must stop with exit 2 and a message
    naming the file (and ``fields`` when given). A warning that stops the run counts.
``refuse_or_same``
    A mistake that may or may not matter for this book (a dropped optional column, a
    renamed column): a refusal as above, or exit 0 with exactly the numbers of the intact
    file (the numbers do not depend on what was dropped).
``same``
    The file means the same as the sample (a BOM, reordered or extra export columns, CRLF):
    exit 0 with the same numbers.
``same_or_utf8``
    Another encoding: read correctly (same numbers), or refused with a message that says
    to save the file as UTF-8.

Mutations are grouped by ``kind`` (units, percent, months, absurd, non_finite, decimal_comma,
rename, drop, duplicate, truncate, short_row, encoding, company_unit, unknown_key, neutral).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
LIFE = DATA / "life"


@dataclass(frozen=True)
class Workspace:
    """The files of one run, in a folder of their own."""

    dir: Path

    @property
    def holdings(self) -> Path:
        return self.dir / "holdings.csv"

    @property
    def company(self) -> Path:
        return self.dir / "company.toml"

    @property
    def spot_curve(self) -> Path:
        return self.dir / "spot_curve.csv"

    @property
    def cash_flows(self) -> Path:
        return self.dir / "liability_cash_flows.csv"

    @property
    def assumptions(self) -> Path:
        return self.dir / "assumptions.csv"

    @property
    def correlations(self) -> Path:
        return self.dir / "correlations.csv"

    @property
    def scenarios(self) -> Path:
        return self.dir / "scenarios.csv"

    @property
    def commitments(self) -> Path:
        return self.dir / "commitments.csv"

    @property
    def limits(self) -> Path:
        return self.dir / "limits.toml"


def make_workspace(folder: Path) -> Workspace:
    """Copy the intact sample files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("holdings.csv", "company.toml", "spot_curve.csv", "liability_cash_flows.csv"):
        shutil.copyfile(LIFE / name, folder / name)
    shutil.copyfile(DATA / "assumptions.csv", folder / "assumptions.csv")
    shutil.copyfile(DATA / "correlations.csv", folder / "correlations.csv")
    shutil.copyfile(DATA / "scenarios" / "user_example.csv", folder / "scenarios.csv")
    (folder / "commitments.csv").write_text(
        "year,commitment\n1,500000000\n2,300000000\n3,200000000\n", encoding="utf-8"
    )
    (folder / "limits.toml").write_text(LIMITS, encoding="utf-8")
    return Workspace(folder)


#: the intact limits file of the optimiser runs
LIMITS = """[solvency]
min_comprehensive = 1.5
[sci_tech]
min_share = 0.05
[classes.stock_csi300]
max = 0.10
"""


# ---------------------------------------------------------------- the commands that read them


def solvency_args(ws: Workspace, holdings: Path | None = None) -> list[str]:
    return ["solvency", str(holdings or ws.holdings), "-c", str(ws.company), "-f", "json"]


def validate_args(ws: Workspace) -> list[str]:
    return [
        "validate",
        str(ws.holdings),
        "-c",
        str(ws.company),
        "-a",
        str(ws.assumptions),
        "--correlations",
        str(ws.correlations),
        "-f",
        "json",
    ]


def stress_args(ws: Workspace) -> list[str]:
    return [
        "stress",
        str(ws.holdings),
        "-c",
        str(ws.company),
        "--no-annex4",
        "--no-reverse",
        "-s",
        str(ws.scenarios),
        "-q",
        "-f",
        "json",
    ]


def commitments_args(ws: Workspace) -> list[str]:
    return [
        "simulate",
        str(ws.holdings),
        "-c",
        str(ws.company),
        "--commitments",
        str(ws.commitments),
        "-f",
        "json",
    ]


def optimize_args(ws: Workspace) -> list[str]:
    return [
        "optimize",
        str(ws.holdings),
        "--company",
        str(ws.company),
        "--assumptions",
        str(ws.assumptions),
        "--limits",
        str(ws.limits),
        "--format",
        "json",
    ]


COMMANDS: dict[str, Callable[[Workspace], list[str]]] = {
    "solvency": solvency_args,
    "validate": validate_args,
    "stress": stress_args,
    "simulate": commitments_args,
    "optimize": optimize_args,
}


def limits_replace(old: str, new: str):
    """Replace the line of the limits file that starts with ``old`` by ``new``."""

    def build(ws: Workspace) -> None:
        lines = ws.limits.read_text(encoding="utf-8").splitlines()
        hits = [i for i, line in enumerate(lines) if line.startswith(old)]
        assert hits, old
        lines[hits[0]] = new
        ws.limits.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return build


# ---------------------------------------------------------------- CSV editing


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    encoding: str = "utf-8",
    errors: str = "strict",
    newline: str = "\n",
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding, errors=errors))


def fmt(x: float) -> str:
    return format(x, ".15g")


def edit_column(path: Path, column: str, fn: Callable[[str], str], only=None) -> None:
    """Apply ``fn`` to the non-blank cells of ``column`` (of the rows ``only`` picks)."""
    header, rows = read_csv(path)
    j = header.index(column)
    n = 0
    for i, row in enumerate(rows):
        if row[j].strip() and (only is None or only(i, n)):
            row[j] = fn(row[j])
            n += 1
    write_csv(path, header, rows)


def scale(column: str, k: float, path_of=lambda ws: ws.holdings, only=None):
    def build(ws: Workspace) -> None:
        edit_column(path_of(ws), column, lambda s: fmt(float(s) * k), only)

    return build


def set_cells(column: str, value: str, path_of=lambda ws: ws.holdings, count: int | None = 1):
    """Set the first ``count`` non-blank cells of ``column`` (all when None) to ``value``."""

    def build(ws: Workspace) -> None:
        edit_column(
            path_of(ws), column, lambda s: value, None if count is None else lambda i, n: n < count
        )

    return build


def rename_column(old: str, new: str, path_of=lambda ws: ws.holdings):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(path_of(ws))
        header[header.index(old)] = new
        write_csv(path_of(ws), header, rows)

    return build


def drop_column(column: str, path_of=lambda ws: ws.holdings):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(path_of(ws))
        j = header.index(column)
        write_csv(path_of(ws), header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows])

    return build


def duplicate_column(column: str, path_of=lambda ws: ws.holdings, factor: float | None = None):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(path_of(ws))
        j = header.index(column)

        def cell(s: str) -> str:
            return fmt(float(s) * factor) if factor is not None and s.strip() else s

        write_csv(path_of(ws), [*header, column], [[*r, cell(r[j])] for r in rows])

    return build


def add_column(column: str, value: str, path_of=lambda ws: ws.holdings):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(path_of(ws))
        write_csv(path_of(ws), [*header, column], [[*r, value] for r in rows])

    return build


def reorder_columns(ws: Workspace) -> None:
    header, rows = read_csv(ws.holdings)
    order = list(range(len(header)))[::-1]
    write_csv(ws.holdings, [header[j] for j in order], [[r[j] for j in order] for r in rows])


def truncate_bytes(fraction: float):
    def build(ws: Workspace) -> None:
        data = ws.holdings.read_bytes()
        cut = int(len(data) * fraction)
        while data[cut : cut + 1] in (b"\n", b","):  # cut inside a cell, not at its edge
            cut += 1
        ws.holdings.write_bytes(data[:cut])

    return build


def truncate_rows(fraction: float):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(ws.holdings)
        write_csv(ws.holdings, header, rows[: int(len(rows) * fraction)])

    return build


def short_rows(ws: Workspace) -> None:
    """Rows 11 and 21 lose their last cell (a sheet saved with trailing blanks dropped)."""
    header, rows = read_csv(ws.holdings)
    for i in (9, 19):
        rows[i] = rows[i][:-1]
    write_csv(ws.holdings, header, rows)


def short_row_inside(ws: Workspace) -> None:
    """A row missing a cell in the middle: every later cell moves one column left."""
    header, rows = read_csv(ws.holdings)
    j = header.index("market_value")
    rows[30] = rows[30][:j] + rows[30][j + 1 :]
    write_csv(ws.holdings, header, rows)


def reencode(encoding: str, errors: str = "strict", path_of=lambda ws: ws.holdings):
    def build(ws: Workspace) -> None:
        text = path_of(ws).read_text(encoding="utf-8")
        path_of(ws).write_bytes(text.encode(encoding, errors=errors))

    return build


def crlf(ws: Workspace) -> None:
    ws.holdings.write_bytes(ws.holdings.read_bytes().replace(b"\n", b"\r\n"))


def bom(path_of):
    def build(ws: Workspace) -> None:
        path_of(ws).write_bytes(b"\xef\xbb\xbf" + path_of(ws).read_bytes())

    return build


def decimal_comma(column: str, path_of=lambda ws: ws.holdings):
    """``4.17`` written as ``4,17`` (quoted, so the CSV stays well formed)."""
    return lambda ws: edit_column(path_of(ws), column, lambda s: s.replace(".", ","))


def thousands(column: str):
    """``1234567.89`` written as ``1,234,567.89``."""

    def group(s: str) -> str:
        return f"{float(s):,.2f}"

    return lambda ws: edit_column(ws.holdings, column, group)


def as_xlsx(formula: tuple[str, str] | None = None):
    """The holdings as a workbook; with ``formula`` = (column, formula) the first cell of that
    column holds a formula without a cached value (what openpyxl and many tools write)."""

    def build(ws: Workspace) -> Path:
        from openpyxl import Workbook

        header, rows = read_csv(ws.holdings)
        wb = Workbook()
        sheet = wb.active
        sheet.append(header)
        numeric = {"market_value", "book_value", "face_value", "purchase_cost"}
        for r in rows:
            sheet.append(
                [
                    float(v) if h in numeric and v.strip() else (v if v != "" else None)
                    for h, v in zip(header, r, strict=True)
                ]
            )
        if formula is not None:
            col, text = formula
            j = header.index(col) + 1
            sheet.cell(row=2, column=j, value=text)
        path = ws.dir / "holdings.xlsx"
        wb.save(path)
        return path

    return build


def toml_replace(old: str, new: str):
    """Replace the line of the company file that starts with ``old`` by ``new``."""

    def build(ws: Workspace) -> None:
        lines = ws.company.read_text(encoding="utf-8").splitlines()
        hits = [i for i, line in enumerate(lines) if line.startswith(old)]
        assert hits, old
        lines[hits[0]] = new
        ws.company.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return build


def toml_append(text: str, after: str | None = None):
    def build(ws: Workspace) -> None:
        lines = ws.company.read_text(encoding="utf-8").splitlines()
        at = len(lines) if after is None else lines.index(after) + 1
        lines[at:at] = [text]
        ws.company.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return build


def company_amounts_in_yi(ws: Workspace) -> None:
    """Every amount of the company file in 亿元 (total assets, capital, minimum capital)."""
    out = []
    amounts = (
        "total_assets",
        "core_tier1",
        "core_tier2",
        "supplementary_tier1",
        "supplementary_tier2",
        "life_insurance",
        "nonlife_insurance",
        "loss_absorption",
    )
    for line in ws.company.read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        if key in amounts:
            line = f"{key} = {fmt(float(line.split('=')[1]) / 1e8)}"
        out.append(line)
    ws.company.write_text("\n".join(out) + "\n", encoding="utf-8")


def holdings_amounts_in_wan(ws: Workspace) -> None:
    """Every amount column of the holdings in 万元."""
    for col in ("market_value", "book_value", "face_value", "purchase_cost"):
        scale(col, 1e-4)(ws)


def correlation_cell(value: str, symmetric: bool = True, i: int = 3, j: int = 5):
    def build(ws: Workspace) -> None:
        header, rows = read_csv(ws.correlations)
        rows[i][j + 1] = value
        if symmetric:
            rows[j][i + 1] = value
        write_csv(ws.correlations, header, rows)

    return build


def correlation_drop_class(ws: Workspace) -> None:
    header, rows = read_csv(ws.correlations)
    cls = header[5]
    keep = [k for k, h in enumerate(header) if h != cls]
    write_csv(
        ws.correlations,
        [header[k] for k in keep],
        [[r[k] for k in keep] for r in rows if r[0] != cls],
    )


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Mutation:
    """One mutated file.

    Attributes
    ----------
    id : stable name, ``<file>.<what>``
    kind : the class of mistake
    file : which file of the workspace is changed (its name must appear in a refusal)
    expect : ``refuse``, ``refuse_or_same``, ``same`` or ``same_or_utf8`` (module docstring)
    fields : names of which at least one must appear in a refusal (empty: the file is enough)
    command : the command that reads the file (a key of :data:`COMMANDS`)
    build : changes the workspace; may return the path to read instead of holdings.csv
    """

    id: str
    kind: str
    file: str
    expect: str
    fields: tuple[str, ...]
    command: str
    build: Callable[[Workspace], Path | None]

    def args(self, ws: Workspace) -> list[str]:
        """Build the files and return the command line."""
        other = self.build(ws)
        if other is not None and self.command == "solvency":
            return solvency_args(ws, other)
        return COMMANDS[self.command](ws)


def _h(id, kind, expect, fields, build, file="holdings.csv"):
    return Mutation(f"holdings.{id}", kind, file, expect, tuple(fields), "solvency", build)


def _c(id, kind, expect, fields, build, file="company.toml"):
    return Mutation(f"company.{id}", kind, file, expect, tuple(fields), "solvency", build)


def _bonds(i: int, n: int) -> bool:
    return n < 3


#: the columns of the holdings contract a mistake can drop
def _holdings_columns() -> list[str]:
    return read_csv(LIFE / "holdings.csv")[0]


def catalogue() -> list[Mutation]:
    """Every mutation, in a stable order (ids are unique)."""
    R, RS, S, SU = "refuse", "refuse_or_same", "same", "same_or_utf8"
    mv = ("market_value",)
    m: list[Mutation] = [
        # amounts in another unit
        _h("market_value.wan", "units", R, mv, scale("market_value", 1e-4)),
        _h("market_value.yi", "units", R, mv, scale("market_value", 1e-8)),
        _h("market_value.x1e4", "units", R, mv, scale("market_value", 1e4)),
        _h("market_value.x1e8", "units", R, mv, scale("market_value", 1e8)),
        _h("amounts.wan", "units", R, mv, holdings_amounts_in_wan),
        _h("face_value.yi", "units", R, ("face_value",), scale("face_value", 1e-8)),
        _h("book_value.wan", "units", RS, ("book_value",), scale("book_value", 1e-4)),
        _h(
            "purchase_cost.per_share",
            "units",
            R,
            ("purchase_cost",),
            set_cells("purchase_cost", "12.35", count=None),
        ),
        # rates and shares in percent
        _h("coupon_rate.x100", "percent", R, ("coupon_rate",), scale("coupon_rate", 100)),
        _h("bank_car.x100", "percent", R, ("bank_car",), scale("bank_car", 100)),
        # months for years
        _h(
            "modified_duration.months",
            "months",
            R,
            ("modified_duration",),
            scale("modified_duration", 12),
        ),
        _h("holding_years.months", "months", R, ("holding_years",), scale("holding_years", 12)),
        _h("maturity_years.months", "months", R, ("maturity_years",), scale("maturity_years", 12)),
        # absurd numbers
        _h(
            "holding_years.excel_serial",
            "absurd",
            R,
            ("holding_years",),
            set_cells("holding_years", "45292", count=None),
        ),
        _h(
            "modified_duration.500",
            "absurd",
            R,
            ("modified_duration",),
            set_cells("modified_duration", "500"),
        ),
        _h(
            "modified_duration.1e6",
            "absurd",
            R,
            ("modified_duration",),
            set_cells("modified_duration", "1e6"),
        ),
        _h(
            "maturity_years.1e8",
            "absurd",
            R,
            ("maturity_years",),
            set_cells("maturity_years", "1e8"),
        ),
        _h(
            "maturity_years.1e15",
            "absurd",
            R,
            ("maturity_years",),
            set_cells("maturity_years", "1e15"),
        ),
        _h("layers.1e9", "absurd", R, ("layers",), set_cells("layers", "1000000000", count=None)),
        _h("market_value.1e308", "absurd", R, mv, set_cells("market_value", "1e308")),
        _h("market_value.1e308.two", "absurd", R, mv, set_cells("market_value", "1e308", count=2)),
        _h("market_value.1e20", "absurd", R, mv, set_cells("market_value", "1e20")),
        # non-finite numbers
        _h("market_value.inf", "non_finite", R, mv, set_cells("market_value", "inf")),
        _h("market_value.-inf", "non_finite", R, mv, set_cells("market_value", "-inf")),
        _h("market_value.nan", "non_finite", R, mv, set_cells("market_value", "nan")),
        _h("coupon_rate.inf", "non_finite", R, ("coupon_rate",), set_cells("coupon_rate", "inf")),
        _h(
            "modified_duration.nan",
            "non_finite",
            R,
            ("modified_duration",),
            set_cells("modified_duration", "NaN"),
        ),
        _h(
            "holding_years.inf",
            "non_finite",
            R,
            ("holding_years",),
            set_cells("holding_years", "Infinity"),
        ),
        # numbers written in another locale
        _h(
            "coupon_rate.decimal_comma",
            "decimal_comma",
            R,
            ("coupon_rate",),
            decimal_comma("coupon_rate"),
        ),
        _h("market_value.decimal_comma", "decimal_comma", R, mv, decimal_comma("market_value")),
        _h("market_value.thousands", "decimal_comma", RS, mv, thousands("market_value")),
        # misnamed columns (near misses of a contract name)
        _h(
            "rename.lookthrough",
            "rename",
            R,
            ("lookthrough",),
            rename_column("look_through", "lookthrough"),
        ),
        _h("rename.regions", "rename", R, ("regions",), rename_column("region", "regions")),
        _h("rename.csi_300", "rename", R, ("csi_300",), rename_column("csi300", "csi_300")),
        _h("rename.issuer", "rename", R, ("issuer",), rename_column("counterparty", "issuer")),
        _h("rename.sci-tech", "rename", R, ("sci-tech",), rename_column("sci_tech", "sci-tech")),
        _h(
            "rename.marketvalue",
            "rename",
            R,
            ("marketvalue", "market_value"),
            rename_column("market_value", "marketvalue"),
        ),
        _h(
            "rename.modified duration",
            "rename",
            R,
            ("modified duration", "modified_duration"),
            rename_column("modified_duration", "modified duration"),
        ),
        _h(
            "rename.holding_year",
            "rename",
            R,
            ("holding_year",),
            rename_column("holding_years", "holding_year"),
        ),
        _h("rename.upper_case", "neutral", S, (), rename_column("market_value", "Market_Value")),
        # duplicated headers
        _h(
            "duplicate.market_value",
            "duplicate",
            R,
            mv,
            duplicate_column("market_value", factor=2.0),
        ),
        _h("duplicate.region", "duplicate", R, ("region",), duplicate_column("region")),
        # damaged files
        _h("truncate.bytes_half", "truncate", R, (), truncate_bytes(0.5)),
        _h("truncate.rows_half", "truncate", R, mv, truncate_rows(0.5)),
        _h("short_rows.trailing", "short_row", R, (), short_rows),
        _h("short_rows.inside", "short_row", R, (), short_row_inside),
        # encodings
        _h("encoding.gbk", "encoding", SU, (), reencode("gbk")),
        _h("encoding.gb18030", "encoding", SU, (), reencode("gb18030")),
        _h("encoding.utf16", "encoding", SU, (), reencode("utf-16")),
        _h(
            "encoding.latin1_question_marks",
            "encoding",
            R,
            ("counterparty",),
            reencode("latin-1", "replace"),
        ),
        _h("encoding.utf8_bom", "neutral", S, (), bom(lambda ws: ws.holdings)),
        # harmless differences
        _h("neutral.crlf", "neutral", S, (), crlf),
        _h("neutral.reordered_columns", "neutral", S, (), reorder_columns),
        _h(
            "neutral.extra_export_column", "neutral", S, (), add_column("portfolio_manager", "张三")
        ),
        _h("neutral.id_None", "neutral", S, (), set_cells("id", "None")),
        _h("neutral.id_NA", "neutral", S, (), set_cells("id", "NA")),
        _h("neutral.xlsx", "neutral", S, (), as_xlsx(), file="holdings.xlsx"),
        # workbooks with formulas that have no cached value
        _h(
            "xlsx.formula_region",
            "xlsx_formula",
            R,
            ("region",),
            as_xlsx(("region", '="overseas_developed"')),
            file="holdings.xlsx",
        ),
        _h(
            "xlsx.formula_bool",
            "xlsx_formula",
            R,
            ("sci_tech",),
            as_xlsx(("sci_tech", "=TRUE()")),
            file="holdings.xlsx",
        ),
        # the company file
        _c(
            "total_assets.3000",
            "company_unit",
            R,
            ("total_assets",),
            toml_replace("total_assets", "total_assets = 3000"),
        ),
        _c(
            "total_assets.true",
            "company_unit",
            R,
            ("total_assets",),
            toml_replace("total_assets", "total_assets = true"),
        ),
        _c(
            "total_assets.inf",
            "non_finite",
            R,
            ("total_assets",),
            toml_replace("total_assets", "total_assets = inf"),
        ),
        _c(
            "total_assets.nan",
            "non_finite",
            R,
            ("total_assets",),
            toml_replace("total_assets", "total_assets = nan"),
        ),
        _c(
            "prior_comprehensive_ratio.percent",
            "percent",
            R,
            ("prior_comprehensive_ratio",),
            toml_replace("prior_comprehensive_ratio", "prior_comprehensive_ratio = 210"),
        ),
        _c(
            "sarmra_score.fraction",
            "company_unit",
            R,
            ("sarmra_score",),
            toml_replace("sarmra_score", "sarmra_score = 0.78"),
        ),
        _c(
            "core_tier1.yi",
            "company_unit",
            R,
            ("core_tier1",),
            toml_replace("core_tier1", "core_tier1 = 330"),
        ),
        _c(
            "core_tier1.nan",
            "non_finite",
            R,
            ("core_tier1",),
            toml_replace("core_tier1", "core_tier1 = nan"),
        ),
        _c(
            "core_tier1.inf",
            "non_finite",
            R,
            ("core_tier1",),
            toml_replace("core_tier1", "core_tier1 = inf"),
        ),
        _c(
            "life_insurance.yi",
            "company_unit",
            R,
            ("life_insurance",),
            toml_replace("life_insurance", "life_insurance = 120"),
        ),
        _c(
            "life_insurance.inf",
            "non_finite",
            R,
            ("life_insurance",),
            toml_replace("life_insurance", "life_insurance = inf"),
        ),
        _c(
            "targets.comprehensive.percent",
            "percent",
            R,
            ("comprehensive",),
            toml_replace("comprehensive = 1.5", "comprehensive = 150"),
        ),
        _c("amounts.yi", "company_unit", R, ("total_assets",), company_amounts_in_yi),
        _c(
            "unknown_key.liabilities",
            "unknown_key",
            R,
            ("discount_rate",),
            toml_append("discount_rate = 0.03", after="[liabilities]"),
        ),
        _c(
            "unknown_key.top_level_near_miss",
            "unknown_key",
            R,
            ("total_asset",),
            toml_replace("total_assets", "total_asset = 3.0e11"),
        ),
        _c(
            "unknown_key.section",
            "unknown_key",
            R,
            ("reinsurance",),
            toml_append("[reinsurance]\nshare = 0.1"),
        ),
        _c("neutral.utf8_bom", "neutral", S, (), bom(lambda ws: ws.company)),
        # spot curve and liability cash flows (files named by the company file)
        _c(
            "spot_curve.percent",
            "percent",
            R,
            ("rate",),
            scale("rate", 100, lambda ws: ws.spot_curve),
            file="spot_curve.csv",
        ),
        _c(
            "spot_curve.-0.5",
            "absurd",
            R,
            ("rate",),
            set_cells("rate", "-0.5", lambda ws: ws.spot_curve),
            file="spot_curve.csv",
        ),
        _c(
            "spot_curve.-1",
            "absurd",
            R,
            ("rate",),
            set_cells("rate", "-1.0", lambda ws: ws.spot_curve),
            file="spot_curve.csv",
        ),
        _c(
            "spot_curve.inf",
            "non_finite",
            R,
            ("rate",),
            set_cells("rate", "inf", lambda ws: ws.spot_curve),
            file="spot_curve.csv",
        ),
        _c(
            "spot_curve.nan",
            "non_finite",
            R,
            ("rate",),
            set_cells("rate", "nan", lambda ws: ws.spot_curve),
            file="spot_curve.csv",
        ),
        _c(
            "cash_flows.yi",
            "units",
            R,
            ("net_outflow",),
            scale("net_outflow", 1e-8, lambda ws: ws.cash_flows),
            file="liability_cash_flows.csv",
        ),
        _c(
            "cash_flows.wan",
            "units",
            R,
            ("net_outflow",),
            scale("net_outflow", 1e-4, lambda ws: ws.cash_flows),
            file="liability_cash_flows.csv",
        ),
        _c(
            "cash_flows.inf",
            "non_finite",
            R,
            ("net_outflow",),
            set_cells("net_outflow", "inf", lambda ws: ws.cash_flows),
            file="liability_cash_flows.csv",
        ),
        _c(
            "cash_flows.rename",
            "rename",
            R,
            ("net_outflows", "net_outflow"),
            rename_column("net_outflow", "net_outflows", lambda ws: ws.cash_flows),
            file="liability_cash_flows.csv",
        ),
    ]
    # assumptions and correlations (read by `analyzer validate`)
    a = lambda ws: ws.assumptions  # noqa: E731
    for id, kind, expect, fields, build in (
        (
            "expected_return.percent",
            "percent",
            R,
            ("expected_return",),
            scale("expected_return", 100, a),
        ),
        ("volatility.percent", "percent", R, ("volatility",), scale("volatility", 100, a)),
        (
            "expected_return.inf",
            "non_finite",
            R,
            ("expected_return",),
            set_cells("expected_return", "inf", a),
        ),
        ("volatility.nan", "non_finite", R, ("volatility",), set_cells("volatility", "nan", a)),
        ("min_weight.percent", "percent", R, ("min_weight",), scale("min_weight", 100, a)),
        (
            "expected_return.decimal_comma",
            "decimal_comma",
            R,
            ("expected_return",),
            decimal_comma("expected_return", a),
        ),
        (
            "rename.expected_returns",
            "rename",
            R,
            ("expected_returns", "expected_return"),
            rename_column("expected_return", "expected_returns", a),
        ),
        (
            "duplicate.volatility",
            "duplicate",
            R,
            ("volatility",),
            duplicate_column("volatility", a),
        ),
        ("unknown_column", "unknown_key", RS, ("comment",), add_column("comment", "x", a)),
    ):
        m.append(
            Mutation(
                f"assumptions.{id}", kind, "assumptions.csv", expect, fields, "validate", build
            )
        )
    for id, kind, build in (
        ("above_one", "absurd", correlation_cell("1.5")),
        ("nan", "non_finite", correlation_cell("nan")),
        ("asymmetric", "absurd", correlation_cell("0.9", symmetric=False)),
        ("missing_class", "drop", correlation_drop_class),
    ):
        m.append(Mutation(f"correlations.{id}", kind, "correlations.csv", R, (), "validate", build))
    s = lambda ws: ws.scenarios  # noqa: E731
    for id, kind, fields, build in (
        ("shock.percent", "percent", ("shock",), scale("shock", 100, s, only=lambda i, n: i < 3)),
        ("shock.inf", "non_finite", ("shock",), set_cells("shock", "inf", s)),
        ("unknown_column", "unknown_key", ("weight",), add_column("weight", "1", s)),
        (
            "rename.asset_clas",
            "rename",
            ("asset_clas", "asset_class"),
            rename_column("asset_class", "asset_clas", s),
        ),
    ):
        m.append(Mutation(f"scenarios.{id}", kind, "scenarios.csv", R, fields, "stress", build))
    p = lambda ws: ws.commitments  # noqa: E731
    for id, kind, fields, build in (
        (
            "calendar_years",
            "months",
            ("year",),
            lambda ws: edit_column(ws.commitments, "year", lambda y: str(2025 + int(y))),
        ),
        ("inf", "non_finite", ("commitment",), set_cells("commitment", "inf", p)),
        ("nan", "non_finite", ("commitment",), set_cells("commitment", "nan", p)),
    ):
        m.append(
            Mutation(f"commitments.{id}", kind, "commitments.csv", R, fields, "simulate", build)
        )
    for id, kind, fields, build in (
        (
            "min_comprehensive.percent",
            "percent",
            ("min_comprehensive",),
            limits_replace("min_comprehensive", "min_comprehensive = 150"),
        ),
        (
            "min_share.percent",
            "percent",
            ("min_share",),
            limits_replace("min_share", "min_share = 5"),
        ),
        (
            "min_share.nan",
            "non_finite",
            ("min_share",),
            limits_replace("min_share", "min_share = nan"),
        ),
        (
            "unknown_key.near_miss",
            "unknown_key",
            ("min_comprehensiv",),
            limits_replace("min_comprehensive", "min_comprehensiv = 1.5"),
        ),
        (
            "unknown_class",
            "unknown_key",
            ("stock_csi3000",),
            limits_replace("[classes.stock_csi300]", "[classes.stock_csi3000]"),
        ),
    ):
        m.append(Mutation(f"limits.{id}", kind, "limits.toml", R, fields, "optimize", build))
    # every column of the holdings contract dropped, one at a time
    for col in _holdings_columns():
        if col == "id":
            continue
        m.append(_h(f"drop.{col}", "drop", RS, (col,), drop_column(col)))
    ids = [x.id for x in m]
    assert len(ids) == len(set(ids)), "mutation ids must be unique"
    return m
