"""The command line helps: help with no arguments, --version, help text on every option, and plain messages."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from sezp_roadmap.cli import NO_COMMAND, main, parser


def every_parser(p: argparse.ArgumentParser):
    yield p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from every_parser(sub)


def test_every_option_and_command_has_help_text():
    missing = []
    for p in every_parser(parser()):
        for action in p._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{p.prog}: {action.option_strings or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{p.prog} {a.dest}" for a in action._choices_actions if not a.help]
    assert missing == []
    assert {p.prog for p in every_parser(parser())} == {
        f"sezp-roadmap{c}" for c in ("", " build", " sql", " sample", " profile", " profile check", " pull-edfi")
    }


def test_no_arguments_prints_the_help_on_stdout(capsys):
    assert main([]) == NO_COMMAND == 2
    out, err = capsys.readouterr()
    assert out.startswith("usage: sezp-roadmap")
    for command in ("build", "sql", "sample"):
        assert command in out
    assert "--version" in out and err == ""


def test_the_installed_command_with_no_arguments():
    command = Path(sys.executable).with_name("sezp-roadmap")  # the console script the install puts beside python
    done = subprocess.run([str(command)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stdout.startswith("usage: sezp-roadmap") and done.stderr == ""


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"sezp-roadmap {metadata.version('sezp-roadmap')}"


def test_a_file_given_as_data_says_it_must_be_a_folder(tmp_path, capsys):
    extract = tmp_path / "enrollment.csv"
    extract.write_text("student_id\n")
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--data", str(extract), "--warehouse", str(tmp_path / "w.duckdb")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --data: {extract} is a file; --data takes the landing folder" in err
    assert f"(for example {tmp_path})" in err
    assert "does not exist" not in err and "Traceback" not in err
    assert not (tmp_path / "w.duckdb").exists()


def test_a_missing_data_folder_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["build", "--data", str(tmp_path / "nowhere")])
    assert f"{tmp_path / 'nowhere'}: there is no folder here" in capsys.readouterr().err


def test_help_of_each_command_lists_its_options(capsys):
    for command, option in (("build", "--self-contained"), ("sql", "--max-rows"), ("sample", "--seed")):
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        assert option in capsys.readouterr().out


def _ended_by_exit_now(body: str) -> subprocess.CompletedProcess:
    script = "import atexit, sys, threading, time\nfrom sezp_roadmap.cli import exit_now\n" + body
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)


def test_the_command_ends_with_its_code_after_the_exit_handlers_and_with_its_output_flushed():
    done = _ended_by_exit_now(
        "atexit.register(lambda: print('handler ran'))\n"
        "print('written', end='')\n"
        "print('to stderr', end='', file=sys.stderr)\n"
        "exit_now(3)\n"
    )
    assert done.returncode == 3
    assert done.stdout == "writtenhandler ran\n" and done.stderr == "to stderr"


def test_the_command_waits_for_a_thread_still_at_work_before_it_ends():
    done = _ended_by_exit_now(
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread finished'))).start()\nexit_now(4)\n"
    )
    assert done.returncode == 4 and done.stdout == "thread finished\n"
