"""Apps depend one way, in INSTALLED_APPS order: no module of an app imports a later app (even lazily).
Later apps hear from earlier ones through tickets/events.py and each app's hooks.py."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ORDER = [name for name in settings.INSTALLED_APPS if "." not in name and (ROOT / name / "apps.py").exists()]
SKIP = {"tests", "migrations", "management"}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_no_app_imports_a_later_app():
    rank = {app: i for i, app in enumerate(ORDER)}
    wrong = []
    for app in ORDER:
        if app == "helpdesk":  # the project: URLs and settings name every app
            continue
        for path in (ROOT / app).rglob("*.py"):
            if SKIP & set(path.relative_to(ROOT / app).parts):
                continue
            for line, module in _imports(path):
                top = module.split(".")[0]
                if rank.get(top, -1) > rank[app]:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert {"tickets", "insights", "recognition"} <= set(ORDER)
    assert wrong == [], "go through a hook instead: " + "; ".join(wrong)
