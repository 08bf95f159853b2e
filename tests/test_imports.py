"""The apps import each other only at the top of a module: the import graph can be read off
the first lines of each file, and a cycle fails at start-up instead of at some later call."""

import ast
import os
import subprocess
import sys

import pytest
from django.conf import settings

APPS = ("claims", "evidence", "mechanisms", "editorial")


def imported_apps(node) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return {node.module.split(".")[0]}
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    return set()


def test_no_app_imports_another_from_inside_a_function():
    found = []
    for app in APPS:
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    for other in imported_apps(inner) & set(APPS) - {app}:
                        found.append(
                            f"{path.relative_to(settings.BASE_DIR)}:{inner.lineno} {other}"
                        )
    assert found == []


@pytest.mark.parametrize("first", APPS)
def test_the_models_load_whichever_app_comes_first(first):
    script = (
        "from django.conf import settings\n"
        f"ours = [a for a in settings.INSTALLED_APPS if a in {APPS!r}]\n"
        "others = [a for a in settings.INSTALLED_APPS if a not in ours]\n"
        f"settings.INSTALLED_APPS = others + [{first!r}] + [a for a in ours if a != {first!r}]\n"
        "import django; django.setup()\n"
        "import claims.models, evidence.models, mechanisms.models, editorial.moderation\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "claimsite.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def _imports_of(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        found |= imported_apps(node)
    return found


def _modules(app):
    for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_modules(path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _imports_of_apps(app, others) -> list[str]:
    return [
        f"{path.relative_to(settings.BASE_DIR)}:{line} {module}"
        for path in _modules(app)
        for line, module in _imported_modules(path)
        if module.split(".")[0] in others
    ]


def test_evidence_imports_no_other_app():
    """Studies, DOIs, weights, Markdown and the outside clients are the ground: no page,
    admin or helper in evidence reaches up to claims, mechanisms, the workflows or accounts."""
    assert _imports_of_apps("evidence", {"claims", "mechanisms", "editorial", "accounts"}) == []


def test_claimsite_imports_none_of_the_content_apps():
    """What every app uses (who is an editor, cache stamps, settings helpers) leans on none."""
    assert _imports_of_apps("claimsite", set(APPS)) == []


def test_only_views_admin_urls_and_commands_import_the_editorial_workflows():
    allowed = {"views.py", "admin.py", "urls.py", "editor_views.py"}
    found = []
    for app in ("accounts", "api", "claimsite", "claims", "evidence", "mechanisms"):
        for path in _modules(app):
            # claims/demo.py builds the demo data of every app, candidates too.
            if path.name in allowed or "commands" in path.parts or path.name == "demo.py":
                continue
            if "editorial" in _imports_of(path):
                found.append(str(path.relative_to(settings.BASE_DIR)))
    assert found == []
