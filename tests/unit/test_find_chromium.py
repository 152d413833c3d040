"""`make test` finds Chromium for the browser tests before the suite starts, or stops with one line saying what to
install (tools/find_chromium.py). Run with the browser hidden: VROEG_CHROMIUM pointing nowhere, a PATH without
Chromium (nor apt-get, so nothing is installed), and an empty Playwright browser folder."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "tools" / "find_chromium.py"


def run(tmp_path, **env):
    empty = tmp_path / "playwright-browsers"
    empty.mkdir(exist_ok=True)
    base = {key: value for key, value in os.environ.items() if key not in ("VROEG_CHROMIUM", "PATH")}
    base.update({"PATH": str(tmp_path / "bin"), "PLAYWRIGHT_BROWSERS_PATH": str(empty)}, **env)
    return subprocess.run([sys.executable, str(SCRIPT)], env=base, capture_output=True, text=True, timeout=120)


def test_without_any_chromium_it_stops_with_one_line_saying_what_to_install(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "apt-get install chromium" in line and "playwright install chromium" in line and "VROEG_CHROMIUM" in line


def test_a_vroeg_chromium_that_points_nowhere_is_named_not_silently_replaced(tmp_path):
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    result = run(tmp_path, VROEG_CHROMIUM=str(tmp_path / "nergens" / "chromium"))
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"VROEG_CHROMIUM={tmp_path / 'nergens' / 'chromium'} is not an executable file" in line


def test_chromium_on_the_path_is_found(tmp_path):
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    result = run(tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == str(fake)


def test_vroeg_chromium_wins_when_it_is_an_executable(tmp_path):
    chosen = tmp_path / "mijn-chromium"
    chosen.write_text("#!/bin/sh\n")
    chosen.chmod(0o755)
    result = run(tmp_path, VROEG_CHROMIUM=str(chosen))
    assert result.returncode == 0 and result.stdout.strip() == str(chosen)


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed-test").exists(), reason="make test has not set up .venv here")
def test_make_test_stops_before_the_suite_when_the_browser_is_missing(tmp_path):
    env = {**os.environ, "VROEG_CHROMIUM": str(tmp_path / "nergens")}
    result = subprocess.run(["make", "-s", "test", "PYTEST_ARGS=--collect-only -q tests/unit/test_calendar.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "is not an executable file" in result.stderr and "test_calendar" not in result.stdout
