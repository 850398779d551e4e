"""Every service and selector signature is typed (`by: User`, not a bare `by`): parameters and return."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _modules() -> list[str]:
    names = []
    for path in sorted(ROOT.glob("*/*.py")):
        if (path.parent / "apps.py").exists() and (path.stem == "selectors" or path.stem.startswith("services")):
            names.append(f"{path.parent.name}.{path.stem}")
    return names


def _public_functions():
    for name in _modules():
        module = importlib.import_module(name)
        for attr, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == name and not attr.startswith("_"):
                yield f"{name}.{attr}", fn


def test_the_walk_finds_the_modules():
    assert {"tickets.services", "tickets.selectors", "kb.selectors", "notices.services"} <= set(_modules())


def test_every_service_and_selector_parameter_and_return_is_annotated():
    missing = []
    for qualname, fn in _public_functions():
        signature = inspect.signature(fn)
        for param in signature.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.annotation is inspect.Parameter.empty:
                missing.append(f"{qualname}({param.name})")
        if signature.return_annotation is inspect.Signature.empty:
            missing.append(f"{qualname} -> ?")
    assert missing == [], "annotate: " + ", ".join(missing)


def test_people_are_typed_as_users():
    """`by`, `user`, `agent`… name a person: their annotation says User (or User | None)."""
    people = {"by", "user", "agent", "giver", "recipient", "author", "assignee"}
    wrong = [
        f"{qualname}({param.name}: {param.annotation})"
        for qualname, fn in _public_functions()
        for param in inspect.signature(fn).parameters.values()
        if param.name in people and "User" not in str(param.annotation)
    ]
    assert wrong == []
