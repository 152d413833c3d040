"""Find the Chromium the browser tests drive, before `make test` starts the suite.

In this order: $VROEG_CHROMIUM (when set, it must be an executable: a wrong path is an error, not a fallback),
`chromium` on PATH (Debian's package), Playwright's own build (after `python -m playwright install chromium`).
None of them: as root with apt-get on PATH (CI, a fresh container) Debian's package is installed; otherwise one line
says what to install and the exit status is 1, so `make test` stops before the suite.

Prints the executable's path on stdout (the Makefile hands it to pytest as VROEG_CHROMIUM).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

ADVICE = ("no Chromium for the browser tests: install Debian's package (sudo apt-get install chromium), or run "
          ".venv/bin/python -m playwright install chromium, or set VROEG_CHROMIUM=/path/to/chromium")


def playwright_chromium() -> str | None:
    """Playwright's own Chromium, if `playwright install chromium` put it where Playwright looks."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 - a broken Playwright driver means: not available
        return None
    return path if path and os.access(path, os.X_OK) else None


def install_debian_chromium() -> str | None:
    """apt-get install chromium, when this process may (root, apt-get on PATH); the path it installed, or None."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    print("installing Debian's chromium for the browser tests (apt-get)", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        if subprocess.run(command, env=env, stdout=sys.stderr).returncode != 0:
            return None
    return shutil.which("chromium")


def find() -> tuple[str | None, str]:
    """(path, None) or (None, the one line saying what is wrong)."""
    configured = os.environ.get("VROEG_CHROMIUM")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, ""
        return None, f"VROEG_CHROMIUM={configured} is not an executable file: point it at Chromium, or unset it"
    found = shutil.which("chromium") or playwright_chromium() or install_debian_chromium()
    return (found, "") if found else (None, ADVICE)


def main() -> int:
    path, problem = find()
    if path is None:
        print(f"make test: {problem}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
