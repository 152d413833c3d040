"""What a process owner needs beside deploying: version diffs, the heat map, case migration and import checks.

Pure functions over bundles (`diff`, `bpmn_import`) and functions on the caller's session (`heatmap`, `migration`);
the `Engine` facade in `engine/service.py` opens the units of work.
"""
from engine.modeling.diff import ElementChange, diff_bundles
from engine.modeling.errors import MigrationRefused, UnknownVersion

__all__ = ["ElementChange", "MigrationRefused", "UnknownVersion", "diff_bundles"]
