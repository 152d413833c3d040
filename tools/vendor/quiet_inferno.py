"""dmn-js's "production" bundles carry Inferno's development build, which announces itself in the browser console
("Inferno is in development mode." and a console error "It looks like you're using a minified copy of the development
build of Inferno ..."). Until dmn-js ships Inferno's production build, this removes that one announcement (nothing
else) from the vendored files; tools/vendor/update.sh runs it after copying. Usage: quiet_inferno.py FILE..."""
from __future__ import annotations

import re
import sys
from pathlib import Path

ANNOUNCEMENT = re.compile(
    r'console\.info\("Inferno is in development mode\."\),-1===\((\w+)\.name\|\|\1\.toString\(\)\)'
    r'\.indexOf\("testFn"\)&&\w+\("It looks like you\'re using a minified copy of the development build of '
    r'Inferno[^"]*"\);')


def quiet(text: str) -> tuple[str, int]:
    """The text without the announcement, and how many were removed."""
    return ANNOUNCEMENT.subn("void 0;", text)


def main(paths: list[str]) -> int:
    for path in paths:
        file = Path(path)
        text, n = quiet(file.read_text(encoding="utf-8"))
        if n:
            file.write_text(text, encoding="utf-8")
        print(f"{path}: {n} Inferno development announcement(s) removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
