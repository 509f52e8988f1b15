"""Choose a seat's model: search what ``roundtable models`` lists, with each model's
facts (images, PDFs, context, price per million tokens), or type any litellm id.

The window never imports litellm, so the list comes from ``roundtable models --json``
run as a process of its own (off the UI thread, once per run of the app); its output is
read as data from a stranger: every field checked, the number of models capped.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import self_command
from desktop.providers.model_facts import CatalogModel, describe, search
from desktop.ui.utils.shown import shown
from desktop.ui.utils.tasks import Tasks

MAX_MODELS = 20_000
SHOWN = 300  # rows listed at once; the search narrows the rest
_cache: list[CatalogModel] | None = None


def _entry(data: Any) -> CatalogModel | None:
    if not isinstance(data, dict):
        return None
    texts = [data.get(k) for k in ("model", "provider", "label")]
    if not all(isinstance(t, str) and 0 < len(t) <= 300 for t in texts):
        return None
    flags = [data.get(k) for k in ("vision", "pdf", "local", "web_search")]
    numbers = [data.get(k) for k in ("context", "input_per_mtok", "output_per_mtok")]
    if not all(isinstance(f, bool) for f in flags):
        return None
    if not all(n is None or _number(n) for n in numbers):
        return None
    context = int(numbers[0]) if numbers[0] is not None else None
    price_in, price_out = (float(n) if n is not None else None for n in numbers[1:])
    return CatalogModel(
        str(texts[0]), str(texts[1]), str(texts[2]), bool(flags[0]), bool(flags[1]), context,
        price_in, price_out, bool(flags[2]), bool(flags[3]),
    )  # fmt: skip


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


async def load_catalog() -> list[CatalogModel]:
    """The models ``roundtable models --json`` lists (kept for the rest of the run)."""
    global _cache
    if _cache is not None:
        return _cache
    process = await asyncio.create_subprocess_exec(
        *self_command.command("models", "--json"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        limit=1024 * 1024,
    )  # fmt: skip
    out, _ = await process.communicate()
    models = []
    for line in out.splitlines()[:MAX_MODELS]:
        try:
            entry = _entry(json.loads(line))
        except ValueError:
            continue
        if entry is not None:
            models.append(entry)
    if models:  # a failed run is tried again next time
        _cache = models
    return models


class ModelPicker(QDialog):
    """Search the models; ``chosen()`` is the one picked, or the typed id."""

    def __init__(self, parent: QWidget, tasks: Tasks, current: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a model")
        self.models: list[CatalogModel] = []
        self.query = QLineEdit(current)
        self.query.setPlaceholderText("Search: claude, gpt-5, gemini pro, ollama, …")
        self.query.setAccessibleName("Search models")
        self.query.textChanged.connect(self._fill)
        self.list = QListWidget()
        self.list.setAccessibleName("Models")
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.status = QLabel("Loading the models litellm knows and the ones on this computer…")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.query)
        column.addWidget(self.list, 1)
        column.addWidget(self.status)
        column.addWidget(buttons)
        self.resize(760, 560)
        tasks.spawn(self._load())

    async def _load(self) -> None:
        self.models = await load_catalog()
        self._fill()

    def _fill(self) -> None:
        found = search(self.models, self.query.text()) if self.models else []
        self.list.clear()
        for model in found[:SHOWN]:
            item = QListWidgetItem(shown(f"{model.model}\n    {describe(model)}"))
            item.setData(Qt.ItemDataRole.UserRole, model)
            self.list.addItem(item)
        if self.models:
            more = f" (first {SHOWN} shown; type more to narrow)" if len(found) > SHOWN else ""
            self.status.setText(
                f"{len(found):,} of {len(self.models):,} models{more}. Enter picks; any "
                "litellm id typed above can be used as it is."
            )
        self.list.setCurrentRow(0)

    def chosen(self) -> CatalogModel | str:
        """The model picked in the list, else the id typed in the search box."""
        item = self.list.currentItem()
        if item is not None:
            model: CatalogModel = item.data(Qt.ItemDataRole.UserRole)
            return model
        return self.query.text().strip()
