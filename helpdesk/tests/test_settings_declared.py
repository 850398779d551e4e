"""Every setting is declared in helpdesk/settings.py and read as `settings.X`; every variable it reads is documented."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "node_modules", "var", ".git", "locale", "static"}
ENV_READ = re.compile(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
TABLE_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)


def _python_files():
    for path in ROOT.rglob("*.py"):
        if SKIP_DIRS.isdisjoint(path.relative_to(ROOT).parts):
            yield path


def test_no_code_reads_a_setting_with_a_fallback_default():
    needle = "getattr(" + "settings"  # split so this file does not find itself
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files()
        if path.name != "settings.py" or path.parent.name != "helpdesk"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert offenders == [], "declare the setting in helpdesk/settings.py and read settings.X: " + ", ".join(offenders)


def test_the_environment_table_lists_every_variable_settings_reads():
    read = set(ENV_READ.findall((ROOT / "helpdesk" / "settings.py").read_text(encoding="utf-8")))
    documented = set(TABLE_ROW.findall((ROOT / "docs" / "environment.md").read_text(encoding="utf-8")))
    assert read, "no env_* reads found in settings.py: the pattern is stale"
    assert sorted(read - documented) == [], "add these to docs/environment.md"
    assert sorted(documented - read) == [], "docs/environment.md lists variables settings.py does not read"


def test_the_readme_table_only_lists_variables_settings_reads():
    read = set(ENV_READ.findall((ROOT / "helpdesk" / "settings.py").read_text(encoding="utf-8")))
    in_readme = set(TABLE_ROW.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert in_readme and in_readme <= read
