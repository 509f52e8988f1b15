"""The model picker in the seats dialog: what ``roundtable models`` lists, searched,
each model with its facts, a local server's model put in with its address; the list
read as a stranger's output (real subprocess, fake Ollama server)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from desktop.providers.model_facts import describe
from desktop.ui.settings import model_picker
from desktop.ui.settings.lineup_dialog import LineupDialog
from desktop.ui.settings.model_picker import ModelPicker, _entry
from tests.fakes.provider_server import FakeProviderServer
from tests.ui.conftest import UI, press

Maker = Callable[..., UI]


def test_the_picker_searches_every_model_and_puts_a_local_one_in_with_its_address(
    make_ui: Maker, fake: FakeProviderServer, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", fake.url)
    monkeypatch.setattr(model_picker, "_cache", None)
    ui = make_ui()
    lineup = LineupDialog([], ui.window, ui.window.tasks)
    lineup.show()
    press(lineup, "Choose &model…")  # no seat yet: one is added for it
    picker = ui.open_dialog(ModelPicker, "the model picker")
    qtbot.waitUntil(lambda: picker.list.count() > 0, timeout=60_000)
    first = picker.list.item(0).text()
    assert first.startswith(("anthropic/", "openai/", "gemini/")), "flagships first"
    picker.query.setText("sonnet 4-5")
    sonnet = picker.list.item(0).text()
    assert "anthropic/claude-sonnet-4-5" in sonnet
    assert "images, PDFs, web search · 200k context · $3 in / $15 out per Mtok" in sonnet
    picker.query.setText("fake-llama")
    assert picker.list.count() == 1
    chosen = picker.chosen()
    assert not isinstance(chosen, str)
    assert describe(chosen) == "text only · context unknown · on this computer, free"
    picker.accept()
    ui.wait(lambda: bool(lineup.seats()), "the seat to take the model")
    [seat] = lineup.seats()
    assert (seat.label, seat.model, seat.api_base) == (
        "fake-llama (Ollama)", "ollama_chat/fake-llama", fake.url
    )  # fmt: skip

    press(lineup, "Choose &model…")
    picker = ui.open_dialog(ModelPicker, "the model picker, again")
    picker.query.setText("my-proxy/house-model")
    picker.list.setCurrentRow(-1)
    assert picker.chosen() == "my-proxy/house-model", "free text still allowed"
    picker.reject()
    ui.wait(lambda: not picker.isVisible(), "the picker to close")
    assert [s.model for s in lineup.seats()] == ["ollama_chat/fake-llama"], "cancel changes nothing"


@pytest.mark.parametrize(
    "line",
    [
        None, [], "x", {"model": "a"},
        {"model": "", "provider": "p", "label": "l", "vision": False, "pdf": False, "local": False},
        {"model": "m", "provider": "p", "label": "l" * 5000, "vision": False, "pdf": False,
         "local": False},
        {"model": "m", "provider": "p", "label": "l", "vision": "yes", "pdf": False, "local": False},
        {"model": "m", "provider": "p", "label": "l", "vision": False, "pdf": False, "local": False,
         "context": -5},
        {"model": "m", "provider": "p", "label": "l", "vision": False, "pdf": False, "local": False,
         "input_per_mtok": True},
    ],
)  # fmt: skip
def test_a_malformed_model_line_is_dropped(line: object) -> None:
    assert _entry(line) is None


def test_max_tokens_reasoning_and_a_system_prompt_preset_in_the_seats_dialog(
    make_ui: Maker, qtbot: QtBot, tmp_path: object
) -> None:
    from PySide6.QtCore import QSettings

    from desktop.core.records.model import Seat
    from desktop.core.session import prompt_presets
    from desktop.ui.utils.app_settings import AppSettings

    ui = make_ui()
    settings = ui.window.app_settings
    lineup = LineupDialog(
        [Seat("Alpha", "openai/a", max_tokens=900)], ui.window, ui.window.tasks, settings
    )
    assert (lineup._text(0, 7), lineup._text(0, 8)) == ("900", "default")
    lineup.table.setCurrentCell(0, 0)
    [_, blunt] = prompt_presets.DEFAULTS[0]
    lineup.use_preset(blunt)
    lineup.table.item(0, 7).setText("0")  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="max tokens must be a whole number above 0"):
        lineup.seats()
    lineup.table.item(0, 7).setText("2000")  # type: ignore[union-attr]
    lineup.table.item(0, 8).setText("extreme")  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="reasoning must be default, low, medium or high"):
        lineup.seats()
    lineup.table.item(0, 8).setText("Low")  # type: ignore[union-attr]
    [seat] = lineup.seats()
    assert (seat.max_tokens, seat.system_prompt, seat.reasoning_effort) == (2000, blunt, "low")

    settings.set_prompt_presets(prompt_presets.parse("Terse: Answer in one line.\nno colon"))
    assert settings.prompt_presets() == [("Terse", "Answer in one line.")]
    empty = AppSettings(QSettings(f"{tmp_path}/empty.ini", QSettings.Format.IniFormat))
    assert empty.prompt_presets() == list(prompt_presets.DEFAULTS)


def test_web_search_in_the_seats_dialog_says_which_models_cannot_search(
    make_ui: Maker, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.core.records.model import SearchContext, Seat

    monkeypatch.setattr(model_picker, "_cache", None)
    ui = make_ui()
    seats = [
        Seat("Claude", "anthropic/claude-sonnet-4-5", web_search=True),
        Seat("Old GPT", "openai/gpt-4o"),
    ]
    lineup = LineupDialog(seats, ui.window, ui.window.tasks)
    assert (lineup._text(0, 9), lineup._text(1, 9)) == ("on", "off")
    lineup.table.item(1, 9).setText("everything")  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="web search must be off, on, low, medium or high"):
        lineup.seats()
    lineup.table.item(1, 9).setText("High")  # type: ignore[union-attr]
    claude, gpt = lineup.seats()
    assert (claude.web_search, claude.search_context) == (True, None)
    assert (gpt.web_search, gpt.search_context) == (True, SearchContext.HIGH)
    lineup.show()
    press(lineup, "OK")
    told = ui.open_dialog(QMessageBox, "the models that cannot search")
    assert "Old GPT (openai/gpt-4o)" in told.text()
    assert "Claude" not in told.text()
    told.accept()
    qtbot.waitUntil(lambda: lineup.result() == 1, timeout=10_000)
