"""Attachments in the window: reading files for the composer off the UI thread, the
size limits, and saving a session's attachment back out to a file."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog

from desktop.core.attachments.limits import AttachmentLimits, human_size
from desktop.core.records.model import Attachment
from desktop.ui.composer.composer import Composer
from desktop.ui.utils import dialogs
from desktop.ui.utils.shown import file_name, shown
from desktop.ui.utils.window_context import WindowContext

if TYPE_CHECKING:
    from desktop.ui.composer.attach_loading import Loaded, Refused

# Reading files brings Pillow and pypdf: imported on first use, not before the first paint.


class AttachmentActions:
    """Attaching files to the composer, limits, and File → Save attachment…"""

    def __init__(self, context: WindowContext, composer: Composer) -> None:
        self.parent = context.parent
        self.document = context.document
        self.tasks = context.tasks
        self.say = context.say
        self.composer = composer
        self.app_settings = context.app_settings
        # What reads the files (a test hands a slow one).
        self.read_files: Callable[
            [list[Path], AttachmentLimits], Awaitable[list[Loaded | Refused]]
        ] = _load_files

    async def choose_files(self) -> None:
        """Ask which files to attach (Attach…, Ctrl+Shift+A), then read them."""
        chosen = await dialogs.open_paths(self.parent, "Attach files")
        if chosen:
            self.attach_files([Path(p) for p in chosen])

    def attach_files(self, paths: list[Path]) -> None:
        """Read and check ``paths`` off the UI thread, then show them as chips."""
        self.tasks.spawn(self._attach_loaded(self.read_files(paths, self.document.limits)))

    def attach_pasted(self, image: QImage) -> None:
        """A pasted image, as a PNG attachment."""
        from desktop.ui.composer.attach_loading import load_pasted_image

        self.tasks.spawn(self._attach_loaded(load_pasted_image(image, self.document.limits)))

    async def _attach_loaded(self, load: Awaitable[list[Loaded | Refused]]) -> None:
        from desktop.ui.composer.attach_loading import Loaded, Refused

        with self.composer.reading():
            results = await load
        for result in results:
            if isinstance(result, Loaded):
                self.composer.add_attachment(result.attachment, result.summary, result.thumbnail)
        self.composer.show_problems([r.message for r in results if isinstance(r, Refused)])

    async def edit_limits(self) -> None:
        """Session → Attachment limits…: the app's, for every window from now on."""
        from desktop.ui.settings.limits_dialog import LimitsDialog  # when first asked for

        dialog = LimitsDialog(self.document.limits, self.parent)
        if await dialogs.finished(dialog) == QDialog.DialogCode.Accepted:
            self.app_settings.set_limits(dialog.limits())
        dialog.deleteLater()

    async def save_attachment(self) -> None:
        """Save one of the session's attachments back out to a file."""
        attachments = self.document.session.attachments
        if not attachments:
            self.say("This session has no attachments.")
            return
        # Numbered, so two files of the same name and size are still told apart.
        names = [
            f"{i}. {shown(a.name)} ({human_size(a.size)})" for i, a in enumerate(attachments, 1)
        ]
        choice = await dialogs.item(self.parent, "Save attachment", "Attachment:", names)
        if choice is None:
            return
        attachment = attachments[choice]
        # Direction overrides out: "a\u202efdp.exe" must not be suggested as "aexe.pdf";
        # and only the name's last part: "../x" or ".config/autostart/x" chooses no folder.
        folder = self.document.path.parent if self.document.path is not None else Path.home()
        suggested = str(folder / file_name(attachment.name, "attachment"))
        path = await dialogs.save_path(
            self.parent, "Save attachment as", suggested, "All files (*)"
        )
        if path:
            await self._write_attachment(attachment, Path(path))

    async def _write_attachment(self, attachment: Attachment, path: Path) -> None:
        from desktop.core.attachments import save_attachment_out

        try:
            await asyncio.to_thread(save_attachment_out, attachment, path)
        except OSError as exc:
            dialogs.warn(self.parent, "Save attachment", f"Could not save {path}: {exc.strerror}")
            return
        self.say(f"Saved {path}")


async def _load_files(paths: list[Path], limits: AttachmentLimits) -> list[Loaded | Refused]:
    from desktop.ui.composer.attach_loading import load_files  # not for the first paint

    return await load_files(paths, limits)
