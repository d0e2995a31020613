"""Uploaded files -> a new scenario: the readers' checks, the checks of `load_inputs` across
the files, the warnings a user must accept, and the merge with the scenario they join.

A front end decodes what its user sent into ``(file name, bytes)`` pairs and calls
`apply_upload`; it shows the `UploadOutcome`'s problems or warnings, or keeps its scenario.
Every file is read by the core's readers (holdings, company, assumptions) from a fresh
temporary folder holding only the uploaded files, so a company file can never make the server
read one of its own files; problems name the uploaded files, never the temporary folder.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.errors import InputError, InputProblem, InputWarning
from analyzer.io import read_company, read_holdings
from analyzer.io.assumptions import Assumptions, read_assumptions
from analyzer.io.company import Company
from analyzer.io.holdings import Holdings
from analyzer.io.inputs import cross_check
from analyzer.io.tables import read_table
from analyzer.io.xlsx_guard import check_xlsx
from analyzer.messages import register, text
from analyzer.services.scenario import (
    BUNDLED_CORRELATIONS,
    Scenario,
    assumptions_dict,
    assumptions_for,
    check_assumptions,
    check_templates,
    make_inputs,
    normalize_regime,
    parsed,
    result_for,
    templates_dict,
    templates_for,
)

register(
    {
        "upload.no_table": (
            "an assumptions table with columns asset_class, expected_return, volatility is "
            "required",
            "需要一个含 asset_class、expected_return、volatility 列的假设表",
        ),
        "upload.too_many": (
            "at most two files: the table and the matrix",
            "最多两个文件：假设表和相关系数矩阵",
        ),
        "upload.no_toml": ("a .toml company file is required", "需要一个 .toml 公司文件"),
        "upload.same_name": ("two files have the same name", "两个文件同名"),
        "upload.not_uploaded": (
            "'{value}' is not a file uploaded with the company file; it may only name files "
            "uploaded together with it (a bare file name, no folder). Uploaded: {names}",
            "“{value}”不是与公司文件一起上传的文件；公司文件只能引用同时上传的文件"
            "（只写文件名，不含目录）。已上传：{names}",
        ),
        "upload.bad_type": ("unsupported file type {suffix}", "不支持的文件类型 {suffix}"),
        "upload.no_base": (
            "no start-up data: upload holdings and company together",
            "没有启动数据：请同时上传持仓文件和公司文件",
        ),
    }
)

#: xlsx uploads: most uncompressed bytes (all parts together) and rows of a sheet. openpyxl
#: parses about 2 MB of sheet XML a second (21,000 positions, 11 MB of XML: 6 s), so 48 MiB
#: bounds an upload to about half a minute of one worker; larger books: upload CSV.
UPLOAD_MAX_XLSX_BYTES = 48 * 1024 * 1024
UPLOAD_MAX_ROWS = 100_000
HOLDINGS_SUFFIXES = (".csv", ".xlsx")
ASSUMPTIONS_SUFFIXES = (".csv", ".xlsx")
COMPANY_SUFFIXES = (".toml", ".csv", ".xlsx")
#: keys of the company file that name another file (read from the files uploaded with it)
COMPANY_FILE_KEYS = ("liabilities",)
_FILE_SUFFIXES = (".csv", ".xlsx", ".parquet", ".toml", ".txt", ".json")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")

#: one uploaded file: (name the user's browser sent, bytes)
File = tuple[str, bytes]


def safe_name(name: str) -> str:
    """The file name the browser sent, without any folder part or control character (never
    ``.`` or ``..``): what is written into the upload's own temporary folder."""
    base = Path(_UNSAFE_NAME.sub("", str(name or "")).replace("\\", "/")).name
    return base if base not in ("", ".", "..") else "upload"


def guard_upload(name: str, raw: bytes) -> None:
    """Refuse an xlsx upload that would exhaust the worker (zip bomb, too many rows) before
    anything parses it (`analyzer.io.xlsx_guard.check_xlsx` with the upload limits)."""
    if Path(name).suffix.lower() == ".xlsx":
        check_xlsx(raw, name, max_uncompressed=UPLOAD_MAX_XLSX_BYTES, max_rows=UPLOAD_MAX_ROWS)


def _refuse(file: str, code: str, **fields: Any) -> InputError:
    return InputError.single(file, None, None, text(code, **fields))


def _check_names(names: Sequence[str], allowed: tuple[str, ...]) -> None:
    if len(set(names)) != len(names):
        raise _refuse(", ".join(names), "upload.same_name")
    for n in names:
        if Path(n).suffix.lower() not in allowed:
            raise _refuse(n, "upload.bad_type", suffix=Path(n).suffix)


def parse_holdings_upload(name: str, raw: bytes) -> Holdings:
    """The holdings of an uploaded CSV/XLSX (the core's `read_holdings`)."""
    name = safe_name(name)
    suffix = Path(name).suffix.lower()
    if suffix not in HOLDINGS_SUFFIXES:
        raise _refuse(name, "upload.bad_type", suffix=suffix)
    guard_upload(name, raw)
    return read_holdings(raw, name=name)


def referenced_files(doc: Any, path: str = "") -> list[tuple[str, str]]:
    """(key, value) of every string of the company TOML that names a file: all strings under
    ``[liabilities]`` and any string elsewhere that ends in a file suffix or holds a path."""
    out: list[tuple[str, str]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(referenced_files(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(referenced_files(v, f"{path}[{i}]"))
    elif isinstance(doc, str):
        top = path.split(".", 1)[0].split("[", 1)[0]
        looks_like_file = doc.lower().endswith(_FILE_SUFFIXES) or "/" in doc or "\\" in doc
        if top in COMPANY_FILE_KEYS or (looks_like_file and top != "name"):
            out.append((path, doc))
    return out


def check_company_references(toml_name: str, raw: bytes, uploaded: list[str]) -> None:
    """Refuse a company file that names a file not uploaded with it (an absolute path, a
    ``../`` path, any folder, or a name not among ``uploaded``), before the core reads
    anything: the server's own files are never opened, and the message is the same whether
    such a file exists on the server or not."""
    try:
        doc = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return  # the core reader reports the malformed file (it reads no other file then)
    problems = [
        InputProblem(
            toml_name,
            None,
            key,
            text("upload.not_uploaded", value=value, names=", ".join(uploaded) or "-"),
        )
        for key, value in referenced_files(doc)
        if not (value in uploaded and value == safe_name(value) and value != toml_name)
    ]
    if problems:
        raise InputError(problems)


def _renamed(exc: InputError, labels: Callable[[str], str]) -> InputError:
    """``exc`` with each problem's file shown as ``labels(file)``."""
    return InputError(
        [InputProblem(labels(p.file), p.row, p.column, p.message) for p in exc.problems]
    )


def parse_company_upload(files: list[File]) -> Company:
    """Company TOML plus the liability files it names, all uploaded together."""
    names = [safe_name(n) for n, _ in files]
    tomls = [n for n in names if n.lower().endswith(".toml")]
    if len(tomls) != 1:
        raise _refuse(", ".join(names) or "<upload>", "upload.no_toml")
    _check_names(names, COMPANY_SUFFIXES)
    for n, (_, raw) in zip(names, files, strict=True):
        guard_upload(n, raw)
    toml_raw = files[names.index(tomls[0])][1]
    check_company_references(tomls[0], toml_raw, [n for n in names if n != tomls[0]])
    # a fresh folder holding only these uploads: whatever the company file names, nothing
    # outside it can be read
    with tempfile.TemporaryDirectory(prefix="analyzer-upload-") as tmp:
        folder = Path(tmp)
        for n, (_, raw) in zip(names, files, strict=True):
            (folder / n).write_bytes(raw)
        prefix = str(folder) + "/"
        try:
            company = read_company(folder / tomls[0])
        except InputError as exc:  # name the uploaded files, not the temp folder
            raise _renamed(exc, lambda f: f.replace(prefix, "")) from None
    company._warnings = tuple(  # the same for its warnings
        replace(w, file=w.file.replace(prefix, "")) for w in company.warnings
    )
    return company


def is_table(name: str, raw: bytes) -> bool:
    """Whether an uploaded file is the assumptions table (it has ``expected_return``), not
    the correlation matrix (identification only; `read_assumptions` validates)."""
    try:
        return "expected_return" in read_table(raw, name=name).columns
    except InputError:
        return "corr" not in name.lower()


def _table_and_matrix(files: list[File]) -> tuple[File, File | None]:
    """(the assumptions table, the correlation matrix or None) of one or two files."""
    names = [n for n, _ in files]
    kinds = [is_table(n, raw) for n, raw in files]
    if len(files) == 2 and kinds[0] == kinds[1]:  # both or neither look like the table
        kinds = ["corr" not in n.lower() for n in names]
    tables = [f for f, k in zip(files, kinds, strict=True) if k]
    matrices = [f for f, k in zip(files, kinds, strict=True) if not k]
    if len(tables) != 1 or len(matrices) > 1:
        raise _refuse(", ".join(names), "upload.no_table")
    return tables[0], (matrices[0] if matrices else None)


def parse_assumptions_upload(
    files: list[File], repair: bool = False
) -> tuple[Assumptions, dict[str, str]]:
    """(Assumptions, source names) of an uploaded table (+ correlation matrix).

    The bytes are written under their own names to a temporary folder and read by the core's
    `read_assumptions` (all validation is the core's); without a matrix the bundled
    correlations.csv is used. Problems name the uploaded files.
    """
    files = [(safe_name(n), raw) for n, raw in files]
    names = [n for n, _ in files]
    if not files:
        raise _refuse("<upload>", "upload.no_table")
    if len(files) > 2:
        raise _refuse(", ".join(names), "upload.too_many")
    _check_names(names, ASSUMPTIONS_SUFFIXES)
    for n, raw in files:
        guard_upload(n, raw)
    (t_name, t_raw), matrix = _table_and_matrix(files)
    with tempfile.TemporaryDirectory(prefix="analyzer-upload-") as tmp:
        folder = Path(tmp)
        (folder / "table").mkdir()
        (folder / "matrix").mkdir()
        table_path = folder / "table" / t_name
        table_path.write_bytes(t_raw)
        if matrix is not None:
            corr_path = folder / "matrix" / matrix[0]
            corr_path.write_bytes(matrix[1])
            corr_label = matrix[0]
        else:
            corr_path = folder / "matrix" / BUNDLED_CORRELATIONS.name
            if BUNDLED_CORRELATIONS.is_file():
                corr_path.write_bytes(BUNDLED_CORRELATIONS.read_bytes())
            corr_label = "data/correlations.csv"
        labels = {str(table_path): t_name, str(corr_path): corr_label}

        def label(file: str) -> str:
            return labels.get(file, file.replace(str(folder) + "/", ""))

        try:
            a = read_assumptions(table_path, corr_path, repair=repair)
        except InputError as exc:  # name the uploaded files, not the temp folder
            raise _renamed(exc, label) from None
        shown = tuple(replace(w, file=label(w.file)) for w in a.warnings)
    return replace(a, source=t_name, warnings=shown), {
        "assumptions": t_name,
        "correlations": corr_label,
    }


# -- the merge -------------------------------------------------------------------------------
@dataclass(frozen=True)
class UploadOutcome:
    """What an upload gives: the new scenario (JSON form), or why not.

    ``problems`` refuse the upload; ``warnings`` (when there are no problems) stop it until
    the user accepts their codes.
    """

    scenario: dict[str, Any] | None = None
    problems: tuple[InputProblem, ...] = ()
    warnings: tuple[InputWarning, ...] = ()


@dataclass
class _Parts:
    """The files read from one upload (None: not uploaded)."""

    holdings: Holdings | None = None
    company: Company | None = None
    company_name: str | None = None  # the uploaded TOML's name
    assumptions: Assumptions | None = None
    assumptions_data: dict[str, Any] | None = None
    templates: Holdings | None = None
    templates_data: dict[str, Any] | None = None
    problems: list[InputProblem] = field(default_factory=list)

    def objects(self) -> dict[str, Any]:
        return {
            "holdings": self.holdings,
            "company": self.company,
            "assumptions": self.assumptions,
            "templates": self.templates,
        }

    @property
    def rows_changed(self) -> bool:
        return self.holdings is not None or self.company is not None


def _read_parts(
    holdings: File | None,
    company: list[File] | None,
    assumptions: list[File] | None,
    repair: bool,
    templates: File | None,
) -> _Parts:
    """Each uploaded file through its reader; every problem of every file collected."""
    parts = _Parts()
    if templates is not None:
        try:
            parts.templates = parse_holdings_upload(*templates)
            parts.templates_data = templates_dict(parts.templates, parts.templates.source)
        except InputError as exc:
            parts.problems.extend(exc.problems)
    if holdings is not None:
        try:
            parts.holdings = parse_holdings_upload(*holdings)
        except InputError as exc:
            parts.problems.extend(exc.problems)
    if company:
        try:
            parts.company = parse_company_upload(company)
            parts.company_name = safe_name(next(n for n, _ in company if n.endswith(".toml")))
        except InputError as exc:
            parts.problems.extend(exc.problems)
    if assumptions:
        try:
            parts.assumptions, a_src = parse_assumptions_upload(assumptions, repair)
            parts.assumptions_data = assumptions_dict(parts.assumptions, a_src)
        except InputError as exc:
            parts.problems.extend(exc.problems)
    return parts


def _findings(
    parts: _Parts, base: Scenario | None, holdings_label: str
) -> tuple[list[tuple[str, InputWarning]], list[InputProblem], set[str]]:
    """(warnings by role, problems, roles replaced): the checks every front end runs
    (`load_inputs`): each new file's own warnings, then the holdings against the company file
    the new scenario combines (uploaded or kept)."""
    found = [
        (role, w)
        for role, obj in parts.objects().items()
        if obj is not None
        for w in (getattr(obj, "warnings", ()) or ())
    ]
    replaced = {role for role, obj in parts.objects().items() if obj is not None}
    problems: list[InputProblem] = []
    if parts.rows_changed:
        replaced.add("cross")
        h_obj, c_obj = parsed(base) if base is not None else (None, None)
        h_new = parts.holdings if parts.holdings is not None else h_obj
        c_new = parts.company if parts.company is not None else c_obj
        for item in cross_check(h_new, c_new, holdings_label):
            if isinstance(item, InputWarning):
                found.append(("cross", item))
            else:
                problems.append(item)
    return found, problems, replaced


def _source(
    base: Scenario | None,
    parts: _Parts,
    found: list[tuple[str, InputWarning]],
    replaced: set[str],
) -> dict[str, Any]:
    """The new scenario's ``source``: file names, the accepted warnings (those of the files
    kept, plus the new files') and the readers' notes of the new files."""
    src = base.source.model_dump(exclude_none=True) if base is not None else {}
    if parts.holdings is not None:
        src["holdings"] = parts.holdings.source
    if parts.company is not None:
        src["company"] = parts.company_name
    accepted = [w for w in src.get("accepted_warnings") or () if w.get("role") not in replaced] + [
        {**w.to_dict(), "role": role} for role, w in found
    ]
    src.pop("accepted_warnings", None)
    if accepted:
        src["accepted_warnings"] = accepted
    notes = [n for obj in parts.objects().values() for n in (getattr(obj, "notes", ()) or ())]
    src.pop("notes", None)
    if notes:
        src["notes"] = [{"en": n.en, "zh": n.zh} for n in notes]
    return src


def _merged(base: Scenario | None, parts: _Parts, src: dict[str, Any]) -> dict[str, Any]:
    """The new scenario (JSON form): the base with the uploaded parts."""
    if not parts.rows_changed and base is not None:
        # assumptions / templates only: the scenario keeps its rows (and its saved marks)
        inputs = base.to_store()
        inputs["source"] = src
        if parts.assumptions_data is not None:
            inputs["assumptions"] = parts.assumptions_data
        if parts.templates_data is not None:
            inputs["templates"] = parts.templates_data
        return inputs
    h_obj, c_obj = parsed(base) if base is not None else (None, None)
    kept = base.to_store() if base is not None else {}
    return make_inputs(
        parts.holdings if parts.holdings is not None else h_obj,  # type: ignore[arg-type]
        parts.company if parts.company is not None else c_obj,  # type: ignore[arg-type]
        regime=kept.get("regime") or normalize_regime(None),
        source=src,
        assumptions=parts.assumptions_data or kept.get("assumptions"),
        templates=parts.templates_data or kept.get("templates"),
    )


def _usable(inputs: dict[str, Any]) -> list[InputProblem]:
    """Problems of the merged scenario: a held class without uploaded assumptions, uploaded
    templates the scenario cannot use (`check_templates`); then its result is computed (a
    failure is raised here, not on every page)."""
    scenario = Scenario.from_store(inputs)
    try:
        if scenario.assumptions is not None:
            a = assumptions_for(scenario)
            assert a is not None  # uploaded assumptions parse or raise
            check_assumptions(parsed(scenario)[0], a)
        if scenario.templates is not None:
            t = templates_for(scenario)
            assert t is not None  # uploaded templates parse or raise
            check_templates(scenario, t)
    except InputError as exc:
        return list(exc.problems)
    result_for(scenario)
    return []


def apply_upload(
    base: Scenario | Callable[[], Scenario | None] | None,
    holdings: File | None = None,
    company: list[File] | None = None,
    assumptions: list[File] | None = None,
    repair: bool = False,
    templates: File | None = None,
    accept: Collection[str] = (),
) -> UploadOutcome:
    """The scenario of an upload joining ``base`` (the current scenario; a callable is called
    once the files are read, after their own problems).

    New holdings or company files go through the checks of `analyzer.io.inputs.load_inputs`:
    the readers' warnings and `cross_check` of the holdings against the company file the new
    scenario combines (uploaded or kept). A refusal is a problem; warnings whose code is not
    in ``accept`` stop the upload. The accepted ones are recorded in the scenario's
    ``source["accepted_warnings"]``.

    Uploaded ``assumptions`` (table + matrix) and ``templates`` replace the scenario's;
    otherwise it keeps the ones it has. When the scenario has uploaded assumptions, every
    asset class of its holdings must have a row (the core's message otherwise); uploaded
    templates must be usable with the scenario (`check_templates`)."""
    parts = _read_parts(holdings, company, assumptions, repair, templates)
    if parts.problems:
        return UploadOutcome(problems=tuple(parts.problems))
    current = base() if callable(base) else base
    if current is None and (parts.holdings is None or parts.company is None):
        # nothing to combine with: keep the one file until the other arrives
        return UploadOutcome(
            problems=(InputProblem("<upload>", None, None, text("upload.no_base")),)
        )
    label = (
        parts.holdings.source
        if parts.holdings is not None
        else (current.source.holdings if current is not None else None)
    ) or "<holdings>"
    found, problems, replaced = _findings(parts, current, label)
    if problems:
        return UploadOutcome(problems=tuple(problems))
    pending = tuple(w for _, w in found if w.code not in set(accept))
    if pending:
        return UploadOutcome(warnings=pending)
    inputs = _merged(current, parts, _source(current, parts, found, replaced))
    problems = _usable(inputs)
    if problems:
        return UploadOutcome(problems=tuple(problems))
    return UploadOutcome(scenario=inputs)
