"""The suite builds a Flask app per test (~1,000 per run). Werkzeug compiles two URL builders for every route of
every app (generated Python code, exec'd: ~70% of `create_app`'s time). A builder depends only on its rule, not on
the app, so the suite compiles each once per process and hands the same function to every app's rule.

A test-only speed-up: production makes one app per process. If werkzeug's internals change, nothing is patched and
the suite is only slower."""
from __future__ import annotations

from werkzeug.routing.rules import Rule


def share_url_builders() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared", False):
        return
    builders: dict = {}

    def compile_builder(self, append_unknown: bool = True):
        key = (self.rule, self.subdomain, self.host, tuple(self._trace),
               repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = original(self, append_unknown)
        return builders[key]

    compile_builder.shared = True
    Rule._compile_builder = compile_builder
