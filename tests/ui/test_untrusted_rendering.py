"""Model output is a stranger's text: rendering it loads nothing from anywhere.

Each case runs in a subprocess with a timeout, because the failure is a window frozen
for good (a read of /dev/zero until memory runs out, a FIFO nobody writes).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop.ui.table.conversation_view import ConversationView
from tests.conftest import ROOT, subprocess_env

RENDER = """
import sys
from PySide6.QtWidgets import QApplication
from desktop.ui.table.conversation_view import ConversationView
app = QApplication([])
view = ConversationView()
view.resize(600, 400)
view.show()
view.add_reply(sys.argv[1])
view.begin_stream()
view.update_stream(sys.argv[1])
view.redraw()
view.grab()  # lays out and paints: where images are loaded
print("rendered")
"""


def render_elsewhere(markdown: str) -> subprocess.CompletedProcess[str]:
    env = {**subprocess_env(), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", RENDER, markdown],
        capture_output=True, text=True, timeout=30, env=env, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_image_of_dev_zero_in_a_reply_does_not_freeze_the_window() -> None:
    done = render_elsewhere("Look: ![x](/dev/zero) and ![y](file:///dev/zero)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "rendered" in done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_image_of_a_fifo_in_a_reply_does_not_block_the_window(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    done = render_elsewhere(f"![x]({fifo}) ![y](file://{fifo}) ![z](pipe.png)")
    assert done.returncode == 0, done.stderr[-2000:]


def red_png(path: Path, size: int = 120) -> bytes:
    """A red square as a PNG at ``path``; its bytes."""
    from PySide6.QtGui import QImage

    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff0000"))
    assert image.save(str(path))
    return path.read_bytes()


def red_pixels(view: ConversationView) -> int:
    image = view.viewport().grab().toImage()
    return sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if image.pixelColor(x, y).name() == "#ff0000"
    )


def test_local_files_and_data_images_in_a_reply_are_not_drawn(qtbot: QtBot, tmp_path: Path) -> None:
    # A data: picture could draw a fake dialog inside the pane; a local one shows what
    # is on this disk to whoever screenshots the pane.
    picture = tmp_path / "red.png"
    data_url = "data:image/png;base64," + base64.b64encode(red_png(picture)).decode("ascii")
    view = ConversationView()
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    view.add_reply(
        f"![a]({data_url})\n\n![b]({picture})\n\n![c]({QUrl.fromLocalFile(str(picture)).toString()})"
    )
    qtbot.waitExposed(view)
    assert red_pixels(view) == 0


def test_a_links_real_target_is_shown_before_it_is_opened(qtbot: QtBot) -> None:
    view = ConversationView()
    qtbot.addWidget(view)
    view.highlighted.emit(QUrl("https://evil.example/login"))
    assert view.link_target == "https://evil.example/login"
