"""The architecture's layers as import-linter contracts (pyproject.toml,
[tool.importlinter]): they hold here, and each one fails on a copy of the code that
breaks it on purpose."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, subprocess_env

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` run on the ``desktop`` package found in ``folder``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"], capture_output=True, text=True,
        cwd=folder, env=subprocess_env(PYTHONPATH=str(folder)), timeout=120, check=False,
    )  # fmt: skip


def test_the_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("modules", "contract"),
    [
        ({"core/oops.py": "import PySide6\n"}, "core is Qt-free"),
        ({"providers/oops.py": "from desktop.ui.utils import dialogs\n"}, "providers never import"),
        # What Export… did before: the window running the command's code.
        ({"ui/oops.py": "from desktop import cli_post\n"}, "the window never imports"),
        ({"ui/oops2.py": "import litellm\n"}, "the window never imports"),
        # A feature of the core reaching up: the session building a post.
        ({"core/session/oops.py": "from desktop.core.post import plan\n"}, "core's features"),
        # A window feature reaching into the shell that assembles it.
        ({"ui/table/oops.py": "from desktop.ui.shell import windows\n"}, "window's features"),
        # One feature reaching into another's parts instead of what it offers.
        ({"ui/library/oops.py": "from desktop.ui.post import section_editor\n"}, "post editor's"),
        # Two modules of one package importing each other, one of them only for typing.
        (
            {
                "ui/utils/oops.py": "from desktop.ui.utils import oops2\n",
                "ui/utils/oops2.py": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from desktop.ui.utils import oops\n"
                ),
            },
            "no import circle",
        ),
    ],
)
def test_a_contract_broken_on_purpose_fails(
    tmp_path: Path, modules: dict[str, str], contract: str
) -> None:
    shutil.copytree(ROOT / "desktop", tmp_path / "desktop")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, code in modules.items():
        (tmp_path / "desktop" / module).write_text(code, encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert "oops" in broken
