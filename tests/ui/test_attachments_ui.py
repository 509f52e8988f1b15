"""Attaching files in the window: the button, drop, paste, remove, and what each seat got."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from desktop.core.attachments import MAX_FILE_SIZE, MB, AttachmentLimits
from desktop.core.records.model import Attachment, DeliveryHow
from desktop.providers.protocol import MAX_BLOB_BYTES
from desktop.ui.composer.attach_loading import Loaded, Refused
from desktop.ui.settings.limits_dialog import LimitsDialog
from desktop.ui.utils.app_settings import AppSettings
from tests.attachment_files import png, text_pdf
from tests.fakes.provider_server import FakeProviderServer
from tests.ui.conftest import UI, three_seats

Maker = Callable[..., UI]


def drop_on(widget: object, *paths: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(10, 10)
    actions = Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), actions, data, buttons, keys)
    QApplication.sendEvent(widget, enter)  # type: ignore[arg-type]
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(point, actions, data, buttons, keys))  # type: ignore[arg-type]


def chip_names(ui: UI) -> list[str]:
    return [chip.attachment.name for chip in ui.window.composer.chips.chips]


def test_attach_by_button_drop_and_paste_then_remove(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    composer = ui.window.composer
    (tmp_path / "chart.png").write_bytes(png(64, 48))
    (tmp_path / "notes.md").write_text("# Notes\n\nA hinged bun.", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(text_pdf("Hot dogs are tacos."))
    composer.editor.setPlainText("What do you make of these?")

    composer.attach.click()
    ui.choose_files(tmp_path / "chart.png", tmp_path / "notes.md")
    ui.wait(lambda: chip_names(ui) == ["chart.png", "notes.md"], "two chips from the button")
    chart = composer.chips.chips[0]
    assert "PNG image · 64×48" in chart.toolTip()
    assert (
        "Markdown" in composer.chips.chips[1].toolTip()
        or "Text" in composer.chips.chips[1].toolTip()
    )

    drop_on(ui.window, tmp_path / "paper.pdf")
    ui.wait(lambda: "paper.pdf" in chip_names(ui), "a chip from a drop on the window")

    image = QImage(20, 10, QImage.Format.Format_RGB32)
    image.fill(QColor("green"))
    QApplication.clipboard().setImage(image)
    composer.editor.paste()
    ui.wait(lambda: "Pasted image.png" in chip_names(ui), "a chip from a pasted image")
    assert composer.editor.toPlainText() == "What do you make of these?", "paste typed nothing"

    composer.chips.chips[1].remove_button.click()
    ui.wait(lambda: "notes.md" not in chip_names(ui), "the chip to go")
    assert chip_names(ui) == ["chart.png", "paper.pdf", "Pasted image.png"]


def test_a_file_that_cannot_be_sent_is_named_and_nothing_is_lost(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    composer = ui.window.composer
    composer.editor.setPlainText("Typed with care")
    (tmp_path / "archive.zip").write_bytes(b"PK\x03\x04" + bytes(200))
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    drop_on(composer.editor, tmp_path / "archive.zip", tmp_path / "ok.txt")
    ui.wait(lambda: composer.notice.isVisible(), "the problem to be shown")
    assert "archive.zip" in composer.notice.text()
    assert chip_names(ui) == ["ok.txt"], "the good file is still attached"
    assert composer.editor.toPlainText() == "Typed with care"
    assert fake.requests() == []


def test_each_seat_gets_the_file_the_way_it_takes_it_and_the_pane_says_how(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    alpha, beta, gamma = three_seats(fake)
    seats = [replace(alpha, vision=True), replace(beta, vision=False), gamma]
    ui = make_ui(seats)
    composer = ui.window.composer
    (tmp_path / "chart.png").write_bytes(png(64, 48))
    composer.attach.click()
    ui.choose_files(tmp_path / "chart.png")
    ui.wait(lambda: chip_names(ui) == ["chart.png"], "the chip")
    composer.editor.setPlainText("Describe the chart")
    composer.submit()
    ui.settle()

    assert chip_names(ui) == [], "the chips are cleared once sent"
    assert composer.editor.toPlainText() == ""
    alpha_parts = fake.requests("ui-a")[0].user_parts()
    assert any(
        p.get("type") == "image_url" and p["image_url"]["url"].startswith("data:image/png;base64,")
        for p in alpha_parts
    )
    beta_parts = fake.requests("ui-b")[0].user_parts()
    assert not any(p.get("type") == "image" for p in beta_parts), "no image to a non-vision seat"

    turn = ui.document.session.turns[0]
    assert [a.name for a in ui.document.session.attachments] == ["chart.png"]
    for pane in ui.window.panes:
        reply = turn.latest_reply(pane.seat.id)
        assert reply is not None
        assert reply.deliveries, pane.seat.label
        text = pane.view.toPlainText()
        assert "📎 chart.png · PNG image" in text, "the turn shows its file"
        assert f"📎 chart.png: {reply.deliveries[0].note}" in text, "and how it went to this seat"
    how = {p.seat.label: turn.latest_reply(p.seat.id).deliveries[0].how for p in ui.window.panes}  # type: ignore[union-attr]
    assert how["Alpha"] is DeliveryHow.IMAGE
    assert how["Beta"] is DeliveryHow.NOT_SENT


def test_attachment_limits_are_settable_and_remembered(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    limits_action = next(
        a for a in ui.window.findChildren(QAction) if a.text() == "Attachment &limits…"
    )
    limits_action.trigger()
    dialog = ui.open_dialog(LimitsDialog, "the limits dialog")
    dialog.per_file.setValue(0.1)
    dialog.accept()
    ui.wait(lambda: ui.document.limits.per_file == round(0.1 * MB), "the small limit used")
    big = tmp_path / "big.txt"
    big.write_text("x" * 200_000)
    drop_on(ui.window.composer.editor, big)
    ui.wait(lambda: ui.window.composer.notice.isVisible(), "the refusal")
    assert "big.txt" in ui.window.composer.notice.text()
    assert chip_names(ui) == []
    assert make_ui(three_seats(fake)).document.limits.per_file == round(0.1 * MB)


def test_the_limits_dialog_allows_no_file_over_what_can_reach_the_provider_worker(
    make_ui: Maker, fake: FakeProviderServer
) -> None:
    ui = make_ui(three_seats(fake))
    dialog = LimitsDialog(ui.document.limits, ui.window)
    dialog.per_file.setValue(150)
    assert dialog.limits().per_file == MAX_FILE_SIZE == MAX_BLOB_BYTES
    dialog.per_turn.setValue(80)
    assert dialog.limits().per_turn == 80 * MB
    dialog.deleteLater()


def test_a_file_limit_stored_by_an_earlier_release_above_the_most_means_the_most(
    tmp_path: Path,
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("attachments/per_file_mb", 150)
    settings.setValue("attachments/per_turn_mb", 150)
    assert AppSettings(settings).limits() == AttachmentLimits(
        per_file=MAX_FILE_SIZE, per_turn=150 * MB
    )


def test_an_attachment_is_saved_back_out_of_the_session(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    original = png(30, 20)
    (tmp_path / "chart.png").write_bytes(original)
    ui.window.composer.attach.click()
    ui.choose_files(tmp_path / "chart.png")
    ui.wait(lambda: chip_names(ui) == ["chart.png"], "the chip")
    ui.window.composer.editor.setPlainText("Look")
    ui.window.composer.submit()
    ui.settle()
    (tmp_path / "chart.png").unlink()  # the session is all there is now

    out = tmp_path / "out" / "copy.png"
    out.parent.mkdir()
    save = next(a for a in ui.window.findChildren(QAction) if a.text() == "Save a&ttachment…")
    save.trigger()
    ui.open_dialog(QInputDialog, "which attachment").accept()  # the first, and only one
    ui.choose_file(out)
    ui.wait(out.exists, "the attachment written back out")
    assert out.read_bytes() == original


def test_send_waits_while_files_are_read_and_pasted_cells_stay_text(
    make_ui: Maker, fake: FakeProviderServer, tmp_path: Path
) -> None:
    ui = make_ui(three_seats(fake))
    composer = ui.window.composer
    composer.editor.setPlainText("About this file")
    release = asyncio.Event()
    read = ui.window.attachments.read_files

    async def slow_disk(paths: list[Path], limits: AttachmentLimits) -> list[Loaded | Refused]:
        await release.wait()
        return await read(paths, limits)

    ui.window.attachments.read_files = slow_disk
    (tmp_path / "a.txt").write_text("same\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("same\n", encoding="utf-8")
    drop_on(composer.editor, tmp_path / "a.txt", tmp_path / "b.txt")
    ui.wait(lambda: composer.reason.text() == "Reading files…", "Send to wait for the files")
    assert not composer.send.isEnabled()
    release.set()
    ui.wait(lambda: composer.send.isEnabled(), "Send once the files are read")
    assert chip_names(ui) == ["a.txt", "b.txt"], "same bytes under two names: two files"

    cells = QMimeData()
    cells.setText("a\tb\n1\t2")
    picture = QImage(8, 8, QImage.Format.Format_RGB32)
    picture.fill(QColor("white"))
    cells.setImageData(picture)
    composer.editor.clear()
    composer.editor.insertFromMimeData(cells)
    assert composer.editor.toPlainText() == "a\tb\n1\t2", "spreadsheet cells paste as text"
    assert chip_names(ui) == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        (".config/autostart/report.desktop", "report.desktop"),
        ("../../x.png", "x.png"),
        ("/etc/cron.d/job", "job"),
        ("C:\\Users\\x\\Startup\\run.bat", "run.bat"),
        ("..", "attachment"),
        ("a\u202efdp.exe", "afdp.exe"),
    ],
)
def test_an_attachments_name_never_chooses_the_folder_it_is_saved_in(
    make_ui: Maker, fake: FakeProviderServer, name: str,
    offered: str,
) -> None:  # fmt: skip
    ui = make_ui(three_seats(fake))
    data = b"plain words\n"
    ui.document.session.attachments = [
        Attachment(name, "text/plain", data, hashlib.sha256(data).hexdigest())
    ]
    save = next(a for a in ui.window.findChildren(QAction) if a.text() == "Save a&ttachment…")
    save.trigger()
    ui.open_dialog(QInputDialog, "which attachment").accept()
    dialog = ui.open_dialog(QFileDialog, "the save dialog")
    assert [Path(p) for p in dialog.selectedFiles()] == [Path.home() / offered]
    dialog.reject()
