"""The command line's own behaviour: usage errors, lazy commands, ``--lang``.

Usage errors (unknown command or option, bad choice, missing argument, no command) are one
line plus a hint, exit 2, never a traceback. The command list is served without importing the
commands; ``--lang`` picks the language of every message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer import cli, messages
from analyzer.errors import InfeasibleError, InputError, InputProblem, ParameterError
from analyzer.messages import Text

ROOT = Path(__file__).resolve().parents[2]
LIFE = ROOT / "data" / "life"
# this checkout first, then whatever the tests run with (e.g. another typer beside it)
PYTHONPATH = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli.main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


USAGE_ERRORS = {
    "unknown command": (["frob"], "No such command 'frob'"),
    "misspelt command": (["solvnecy"], "Did you mean 'solvency'?"),
    "unknown option": (["--bogus"], "--bogus"),
    "unknown command option": (["regimes", "--bogus"], "--bogus"),
    "bad --format": (
        [
            "solvency",
            str(LIFE / "holdings.csv"),
            "-c",
            str(LIFE / "company.toml"),
            "--format",
            "yaml",
        ],
        "'yaml' is not one of",
    ),
    "bad --lang": (["--lang", "fr", "regimes"], "'fr' is not one of"),
    "missing argument": (["solvency"], "Missing argument"),
    "missing option": (["solvency", str(LIFE / "holdings.csv")], "Missing option"),
}


@pytest.mark.parametrize("case", list(USAGE_ERRORS), ids=list(USAGE_ERRORS))
def test_usage_error_is_one_line_and_exit_2(case: str, capsys) -> None:
    args, expected = USAGE_ERRORS[case]
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert lines[1].startswith("Try 'analyzer") and lines[1].endswith("--help' for help.")
    assert "Traceback" not in err


def test_did_you_mean_said_once(capsys) -> None:
    _, _, err = run(["solvnecy"], capsys)
    assert err.count("Did you mean") == 1


def test_bare_analyzer_prints_help_to_stderr_and_exits_2(capsys) -> None:
    code, out, err = run([], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("Usage: analyzer [OPTIONS] COMMAND")
    for name in cli.COMMANDS:
        assert f"\n  {name} " in err


def test_help_exits_0_on_stdout(capsys) -> None:
    code, out, err = run(["--help"], capsys)
    assert code == 0
    assert err == ""
    assert "--lang" in out
    for name in cli.COMMANDS:
        assert f"\n  {name} " in out


def test_command_help_still_works(capsys) -> None:
    code, out, _ = run(["solvency", "--help"], capsys)
    assert code == 0
    assert "--company" in out and "--format" in out


def test_usage_error_as_a_process_has_no_traceback() -> None:
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "solvency", "--format", "yaml"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 2


def _real_short_help(cmd) -> str:
    if cmd.short_help:
        return cmd.short_help
    return " ".join((cmd.help or "").strip().split("\n\n")[0].split())


def test_listed_short_help_matches_each_command() -> None:
    """The lazy list shows the same line as the command itself would."""
    for name, (module, short) in cli.COMMANDS.items():
        commands = cli._load_module_commands(module)
        assert name in commands, f"{module} does not register {name}"
        assert short == _real_short_help(commands[name]), name


def test_every_command_module_is_listed() -> None:
    """A module missing from COMMANDS would be imported for every ``--help``: add it."""
    assert cli._unlisted_modules() == []
    registered = {}
    for module in {m for m, _ in cli.COMMANDS.values()}:
        registered.update(dict.fromkeys(cli._load_module_commands(module), module))
    assert registered == {n: m for n, (m, _) in cli.COMMANDS.items()}


HEAVY = ("pandas", "numpy", "cvxpy", "scipy", "pyarrow", "rich")


@pytest.mark.parametrize("args", [["--help"], ["regimes"], []], ids=["help", "regimes", "bare"])
def test_light_commands_import_nothing_heavy(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from analyzer.cli import run\n"
        f"rc = run({args!r})\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print('HEAVY', heavy, rc, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "HEAVY [] " in proc.stderr, proc.stderr


def test_lang_zh_renders_input_error_in_chinese(capsys, tmp_path) -> None:
    missing = tmp_path / "nope.toml"
    code, _, err = run(
        [
            "--lang",
            "zh",
            "solvency",
            str(LIFE / "holdings.csv"),
            "-c",
            str(missing),
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 2
    assert err.startswith("错误：")
    code, _, err = run(
        ["--lang", "en", "solvency", str(LIFE / "holdings.csv"), "-c", str(missing)], capsys
    )
    assert err.startswith("error: ")


def test_lang_is_reset_after_the_run(capsys, monkeypatch) -> None:
    monkeypatch.setenv("ANALYZER_LANG", "en")
    run(["--lang", "zh", "regimes"], capsys)
    assert messages.language() == "en"


def test_usage_hint_follows_lang(capsys) -> None:
    code, _, err = run(["--lang", "zh", "frob"], capsys)
    assert code == 2
    assert err.startswith("错误：") and "运行 'analyzer --help'" in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_error_uses_the_chosen_language(lang: str, capsys) -> None:
    messages.set_language(lang)
    try:
        problem = InputProblem("h.csv", 3, "market_value", Text("bad value", "值有误"))
        assert cli.report_error(InputError(problem)) == 2
        assert cli.report_error(ParameterError(Text("unknown regime", "未知监管口径"))) == 2
        infeasible = InfeasibleError(
            Text("no allocation", "无解"), [{"message": Text("relax x", "放宽 x")}]
        )
        assert cli.report_error(infeasible) == 3
    finally:
        messages.set_language(None)
    err = capsys.readouterr().err.splitlines()
    if lang == "zh":
        assert err[0] == "错误：h.csv，第 3 行，列 'market_value'：值有误"
        assert err[1] == "错误：未知监管口径"
        assert err[2] == "无可行解：无解"
        assert err[3] == "  - 放宽 x"
    else:
        assert err[0] == "error: h.csv, row 3, column 'market_value': bad value"
        assert err[1] == "error: unknown regime"
        assert err[2] == "infeasible: no allocation"
        assert err[3] == "  - relax x"


def test_the_same_short_options_on_every_command() -> None:
    """-c (company), -a (assumptions), -r (regime), -f (format) mean the same on every
    command that has the long option, and no short option means two things."""
    from analyzer.cli import COMMANDS, _load_module_commands

    meaning = {"-c": "--company", "-a": "--assumptions", "-r": "--regime", "-f": "--format"}
    seen: dict[str, set[str]] = {}
    for name, (module, _) in COMMANDS.items():
        command = _load_module_commands(module)[name]
        for param in command.params:
            longs = [o for o in param.opts if o.startswith("--")]
            shorts = [o for o in param.opts if o.startswith("-") and not o.startswith("--")]
            for short in shorts:  # what the option is: its first long name
                seen.setdefault(short, set()).add(longs[0] if longs else param.name)
            for short, long in meaning.items():
                if long in longs:
                    assert short in shorts, f"{name} {long} lacks {short}"
    assert all(len(v) == 1 for k, v in seen.items()), seen


def test_simulate_counts_with_n_scenarios_and_keeps_the_old_name(capsys) -> None:
    from analyzer.cli import main

    base = [
        "simulate",
        str(LIFE / "holdings.csv"),
        "-c",
        str(LIFE / "company.toml"),
        "-a",
        str(LIFE.parent / "assumptions.csv"),
        "-q",
        "-f",
        "json",
    ]
    counts = []
    for option in ("--n-scenarios", "--scenarios", "-n"):
        with pytest.raises(SystemExit) as exc:
            main([*base, option, "1500"])
        assert exc.value.code == 0
        counts.append(json.loads(capsys.readouterr().out)["simulation"]["n_scenarios"])
    assert counts == [1500, 1500, 1500]
