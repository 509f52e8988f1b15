"""docs/architecture.md names only what exists: every path it gives is in the tree and
every ``module:name`` it gives can be imported and looked up."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
PATHS = sorted(set(re.findall(r"`((?:desktop|docs|tests|bench)/[\w./]*)`", PAGE)))
NAMES = sorted(set(re.findall(r"`(desktop(?:\.\w+)+):([\w.]+)`", PAGE)))


def test_the_page_names_paths_and_functions() -> None:
    assert len(PATHS) > 20
    assert len(NAMES) > 20, "the path of one turn is given by its functions' names"


@pytest.mark.parametrize("path", PATHS)
def test_every_path_named_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which is not there"


@pytest.mark.parametrize(("module", "name"), NAMES)
def test_every_function_named_exists(module: str, name: str) -> None:
    found: object = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(found, part), f"docs/architecture.md names {module}:{name}"
        found = getattr(found, part)


def test_every_module_file_named_exists() -> None:
    named = set(re.findall(r"`(\w+\.py)`", PAGE))
    have = {path.name for path in (ROOT / "desktop").rglob("*.py")}
    assert named - have == set(), "docs/architecture.md names modules that are not there"
