"""What the import contracts (tests/test_import_contracts.py) cannot say: litellm is
imported in one module only, and importing the app does not load it."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from tests.conftest import PYTHON, ROOT, subprocess_env


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_runtime_module_imports_litellm() -> None:
    for path in (ROOT / "desktop").rglob("*.py"):
        if path.name == "litellm_runtime.py":
            continue
        bad = {n for n in _imports(path) if n.split(".")[0] == "litellm"}
        assert not bad, f"{path.relative_to(ROOT)} imports litellm directly"


def printed_by(code: str) -> str:
    """What a fresh Python process running ``code`` prints (imports start from nothing)."""
    result = subprocess.run(
        [PYTHON, "-c", code],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        check=True,
    )
    return result.stdout.strip()


def test_importing_the_app_and_its_engine_does_not_import_litellm() -> None:
    code = (
        "import sys, desktop, desktop.__main__, desktop.cli, desktop.core.session.engine, "
        "desktop.core.transcript, desktop.providers.worker_client, desktop.providers.gateway, "
        "desktop.app, desktop.ui.shell.main_window, desktop.ui.library.recovery; "
        "print('litellm' in sys.modules)"
    )
    assert printed_by(code) == "False"


def test_the_window_leaves_the_file_libraries_for_when_a_file_is_attached() -> None:
    # Pillow, pypdf and charset-normalizer (~0.2 s) once pushed the first paint to twice
    # the bare window's; they load on the thread that reads an attached file.
    code = (
        "import sys, desktop.core.session.engine, desktop.core.attachments, desktop.app, "
        "desktop.ui.shell.main_window, desktop.ui.library.recovery; "
        "print(sorted(m for m in ('PIL', 'pypdf', 'charset_normalizer') if m in sys.modules))"
    )
    assert printed_by(code) == "[]"
