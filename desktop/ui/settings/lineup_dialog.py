"""Edit the seats at the table: add, remove, reorder, and change each seat's settings."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.model import ReasoningEffort, SearchContext, Seat
from desktop.core.session import prompt_presets
from desktop.core.trust import address_problem
from desktop.providers.model_facts import CatalogModel
from desktop.ui.utils import dialogs
from desktop.ui.utils.app_settings import AppSettings
from desktop.ui.utils.tasks import Tasks

COLUMNS = (
    "Label",
    "Model (litellm id)",
    "API base",
    "Temperature",
    "System prompt",
    "Images",
    "PDFs",
    "Max tokens",
    "Reasoning",
    "Web search",
)
# How a seat takes images and PDFs: "auto" asks litellm's model data.
CAPABILITY = {"auto": None, "yes": True, "no": False}
# A reasoning model's effort; "default" leaves it to the model.
EFFORTS = {"default": None} | {e.value: e for e in ReasoningEffort}
# Whether a seat searches the web, and how much it reads: "on" leaves that to the provider.
SEARCH: dict[str, tuple[bool, SearchContext | None]] = {"off": (False, None), "on": (True, None)}
SEARCH |= {c.value: (True, c) for c in SearchContext}


def local_base(provider: str) -> str:
    """Where a local server of ``provider`` listens, as ``roundtable models`` found it."""
    from desktop.providers.local_servers import LM_STUDIO_DEFAULT, ollama_url

    return ollama_url() if provider == "ollama" else f"{LM_STUDIO_DEFAULT}/v1"


def _search_text(seat: Seat) -> str:
    if not seat.web_search:
        return "off"
    return seat.search_context.value if seat.search_context else "on"


def _capability_text(value: bool | None) -> str:
    return {None: "auto", True: "yes", False: "no"}[value]


class LineupDialog(QDialog):
    """A table of seats; ``seats()`` gives the edited lineup (existing seats keep their ids)."""

    def __init__(
        self,
        seats: list[Seat],
        parent: QWidget | None = None,
        tasks: Tasks | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks or Tasks()
        self.settings = settings
        self.setWindowTitle("Seats at the table")
        self.resize(1000, 360)
        self._originals: dict[int, Seat] = {}
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Seats")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # auto / yes / no and the effort need little room; the model id needs it
        for column in (5, 6, 8, 9):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for seat in seats:
            self._add_row(seat)

        buttons = QHBoxLayout()
        for text, slot in (
            ("&Add seat", lambda: self._add_row(None)),
            ("Choose &model…", self.choose_model),
            ("System prompt &preset…", self._preset_menu),
            ("&Remove seat", self._remove),
            ("Move &up", lambda: self._move(-1)),
            ("Move &down", lambda: self._move(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self._accept)
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        guide = QLabel(
            "A removed seat leaves the table; its answers stay in the session. "
            "Images and PDFs: auto (the model's known abilities), yes or no. "
            "Reasoning: default, low, medium or high (sent only to models that reason). "
            "Web search: off, on, or how much it reads (low, medium, high)."
        )
        guide.setWordWrap(True)  # never wider than the table it explains
        layout.addWidget(guide)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(box)

    def _add_row(self, seat: Seat | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values: tuple[str, ...] = ("", "", "", "", "", "auto", "auto", "", "default", "off")
        if seat is not None:
            temperature = "" if seat.temperature is None else f"{seat.temperature:g}"
            max_tokens = "" if seat.max_tokens is None else str(seat.max_tokens)
            values = (
                seat.label,
                seat.model,
                seat.api_base or "",
                temperature,
                seat.system_prompt or "",
                _capability_text(seat.vision),
                _capability_text(seat.pdf),
                max_tokens,
                seat.reasoning_effort or "default",
                _search_text(seat),
            )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 0 and seat is not None:
                item.setData(256, seat.id)  # Qt.UserRole: which seat this row edits
                self._originals[id(item)] = seat
            self.table.setItem(row, column, item)
        self.table.setCurrentCell(row, 0)

    def choose_model(self) -> None:
        """Pick the selected seat's model from the list of models (a new seat if none)."""
        if self.table.currentRow() < 0:
            self._add_row(None)
        self.tasks.spawn(self._choose_model(self.table.currentRow()))

    async def _choose_model(self, row: int) -> None:
        from desktop.ui.settings.model_picker import ModelPicker

        picker = ModelPicker(self, self.tasks, self._text(row, 1))
        accepted = await dialogs.finished(picker) == QDialog.DialogCode.Accepted
        chosen = picker.chosen()
        picker.deleteLater()
        if accepted:
            self.use_model(row, chosen)

    def use_model(self, row: int, chosen: CatalogModel | str) -> None:
        """Give the seat in ``row`` the model chosen (a local one with its server's
        address; a label from it when the seat has none)."""
        model = chosen if isinstance(chosen, str) else chosen.model
        if not model:
            return
        self._set(row, 1, model)
        if not isinstance(chosen, str) and chosen.local:
            self._set(row, 2, local_base(chosen.provider))
        if not self._text(row, 0):
            self._set(row, 0, chosen.label if not isinstance(chosen, str) else model.split("/")[-1])

    def _preset_menu(self) -> None:
        """A menu of system-prompt presets for the selected seat, and Edit presets…"""
        presets = self.settings.prompt_presets() if self.settings else list(prompt_presets.DEFAULTS)
        menu = QMenu(self)
        for name, prompt in presets:
            action = menu.addAction(name)
            action.setToolTip(prompt)
            action.triggered.connect(lambda _=False, p=prompt: self.use_preset(p))
        menu.addSeparator()
        menu.addAction("Edit presets…").triggered.connect(
            lambda: self.tasks.spawn(self._edit_presets())
        )
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(QCursor.pos())

    def use_preset(self, prompt: str) -> None:
        """Make ``prompt`` the selected seat's system prompt."""
        row = self.table.currentRow()
        if row >= 0:
            self._set(row, 4, prompt)

    async def _edit_presets(self) -> None:
        if self.settings is None:
            return
        typed = await dialogs.text(
            self, "System prompt presets", "One preset a line, as Name: prompt",
            prompt_presets.render(self.settings.prompt_presets()),
        )  # fmt: skip
        if typed is not None:
            self.settings.set_prompt_presets(prompt_presets.parse(typed))

    def _set(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item is None:
            self.table.setItem(row, column, QTableWidgetItem(text))
        else:
            item.setText(text)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        items = [self.table.takeItem(row, c) for c in range(len(COLUMNS))]
        others = [self.table.takeItem(target, c) for c in range(len(COLUMNS))]
        for column in range(len(COLUMNS)):
            self.table.setItem(target, column, items[column])
            self.table.setItem(row, column, others[column])
        self.table.setCurrentCell(target, self.table.currentColumn())

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def seats(self) -> list[Seat]:
        """The lineup as edited; raises ValueError naming the row and field at fault."""
        out: list[Seat] = []
        for row in range(self.table.rowCount()):
            label, model = self._text(row, 0), self._text(row, 1)
            where = f"Seat {row + 1}" + (f" ({label})" if label else "")
            if not label or not model:
                raise ValueError(f"{where}: a label and a model are required")
            temperature_text = self._text(row, 3)
            try:
                temperature = float(temperature_text) if temperature_text else None
            except ValueError:
                raise ValueError(f"{where}: temperature must be a number from 0 to 2") from None
            if temperature is not None and not 0 <= temperature <= 2:
                raise ValueError(f"{where}: temperature must be a number from 0 to 2")
            capabilities: list[bool | None] = []
            for column, what in ((5, "Images"), (6, "PDFs")):
                text = self._text(row, column).lower() or "auto"
                if text not in CAPABILITY:
                    raise ValueError(f"{where}: {what} must be auto, yes or no")
                capabilities.append(CAPABILITY[text])
            max_text = self._text(row, 7)
            if max_text and not (max_text.isdigit() and int(max_text) > 0):
                raise ValueError(f"{where}: max tokens must be a whole number above 0")
            effort_text = self._text(row, 8).lower() or "default"
            if effort_text not in EFFORTS:
                raise ValueError(f"{where}: reasoning must be default, low, medium or high")
            search_text = self._text(row, 9).lower() or "off"
            if search_text not in SEARCH:
                raise ValueError(f"{where}: web search must be off, on, low, medium or high")
            api_base = self._text(row, 2) or None
            problem = address_problem(api_base) if api_base is not None else None
            if problem is not None:
                raise ValueError(f"{where}: the address is not a web address: {problem}")
            fields = {
                "max_tokens": int(max_text) if max_text else None,
                "reasoning_effort": EFFORTS[effort_text],
                "label": label,
                "model": model,
                "api_base": api_base,
                "temperature": temperature,
                "system_prompt": self._text(row, 4) or None,
                "vision": capabilities[0],
                "pdf": capabilities[1],
                "web_search": SEARCH[search_text][0],
                "search_context": SEARCH[search_text][1],
            }
            first = self.table.item(row, 0)
            original = self._originals.get(id(first)) if first is not None else None
            out.append(replace(original, **fields) if original is not None else Seat(**fields))  # type: ignore[arg-type]
        labels = [s.label for s in out]
        duplicates = {label for label in labels if labels.count(label) > 1}
        if duplicates:
            raise ValueError(
                f"two seats are labelled {sorted(duplicates)[0]!r}; labels must differ"
            )
        return out

    def _accept(self) -> None:
        try:
            seats = self.seats()
        except ValueError as exc:
            dialogs.warn(self, "Seats", str(exc))
            return
        if any(seat.web_search for seat in seats):
            self.tasks.spawn(self._accept_searching(seats))
        else:
            self.accept()

    async def _accept_searching(self, seats: list[Seat]) -> None:
        """Say which searching seats' models cannot search before anything is sent (they
        answer without searching: the request would be refused otherwise)."""
        from desktop.ui.settings.model_picker import load_catalog

        searching = {entry.model for entry in await load_catalog() if entry.web_search}
        cannot = [s for s in seats if s.web_search and s.model not in searching]
        if cannot:
            names = "\n".join(f"• {s.label} ({s.model})" for s in cannot)
            dialogs.tell(
                self.parentWidget() or self,  # it outlives this dialog
                "Web search",
                f"As far as litellm knows, these models cannot search the web:\n{names}\n\n"
                "They will answer without searching.",
            )
        self.accept()
