"""An exchange as a picture, styled like a pane: the seat's name and reaction, the
prompt, the answer with its Markdown rendered and code highlighted, and its sources in
a footer.

720 px wide at 2× scale. A long answer becomes several pictures, cut between blocks
(a block taller than a whole picture is cut where it must), never cropped. The HTML
is the export's own sanitised HTML (``post_html.markdown_html``), laid out by Qt's
text engine with Noto fonts for any script; nothing is loaded from anywhere.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextDocument

from desktop.core.post.html import markdown_html
from desktop.core.post.plan import Exchange, Section
from desktop.core.records.post_blocks import ItemShow
from desktop.core.utils.visible_text import shown

WIDTH = 720
SCALE = 2
MARGIN = 28
PAGE_HEIGHT = 1400  # logical px of text a picture holds at most
MAX_FOOTER = 12  # sources a card lists under its answer
_CSS = """
h1, h2, h3 { margin-top: 10px; margin-bottom: 6px; }
p { margin-top: 0; margin-bottom: 9px; }
pre { background-color: #f4f2ec; }
code { font-family: "Noto Sans Mono"; }
blockquote { color: #444444; }
mark { background-color: #ffec80; }
.seat { font-size: 19px; font-weight: 600; }
.prompt { background-color: #efede6; color: #333333; }
.sources { font-size: 12px; color: #555555; }
.k, .kn, .kd, .ow { color: #8959a8; font-weight: 600; }
.s, .s1, .s2, .sd { color: #b5651d; }
.c, .c1, .cm { color: #6a9955; }
.mi, .mf { color: #2aa198; }
.nf, .nc { color: #3b6ea8; }
"""


class _NoLoading(QTextDocument):
    """A document that loads no resource: the HTML names none, and must not get any."""

    def loadResource(self, kind: int, name: object) -> object:
        return QByteArray()


def render_card(section: Section, exchange: Exchange, with_prompt: bool = True) -> list[bytes]:
    """The exchange's pictures, PNG bytes each, top to bottom; ``with_prompt`` False for a
    card in a post, which prints the prompt just above it."""
    document = _document(section, exchange, with_prompt)
    pages = _page_breaks(document)
    colour = QColor(section.seat.colour or "#888888")
    if not colour.isValid():
        colour = QColor("#888888")
    out = []
    for top, bottom in pages:
        height = int(bottom - top) + 2 * MARGIN
        image = QImage(WIDTH * SCALE, height * SCALE, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(SCALE)
        image.fill(QColor("#fbfaf7"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, 6, height), colour)
        painter.translate(MARGIN, MARGIN - top)
        clip = QRectF(0, top, WIDTH - 2 * MARGIN, bottom - top)
        document.drawContents(painter, clip)
        painter.end()
        out.append(_png(image))
    return out


def _document(section: Section, exchange: Exchange, with_prompt: bool) -> QTextDocument:
    document = _NoLoading()
    font = QFont("Noto Sans")
    font.setPixelSize(15)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(_CSS)
    document.setDocumentMargin(0)
    document.setTextWidth(WIDTH - 2 * MARGIN)
    name = html.escape(shown(section.heading))
    if section.reaction:
        name += " " + html.escape(shown(section.reaction))
    prompt = html.escape(shown(exchange.prompt.strip())).replace("\n", "<br>")
    answer = markdown_html(exchange.answer, exchange.highlights, exchange.sources)
    if exchange.show is ItemShow.EXCERPT:
        answer = f"<p>…</p>{answer}<p>…</p>"
    answer += _footer(exchange)
    asked = (
        f'<table class="prompt" width="100%" cellpadding="8"><tr><td><b>Prompt:</b> {prompt}'
        "</td></tr></table><p></p>"
    )
    document.setHtml(f'<p class="seat">{name}</p>{asked if with_prompt else ""}{answer}')
    return document


def _footer(exchange: Exchange) -> str:
    """The sources under the answer, in small print: a picture holds no link, so each
    address is written out (the first :data:`MAX_FOOTER` of them; the rest counted)."""
    if not exchange.sources:
        return ""
    lines = [
        f"[{n}] {html.escape(shown(' '.join(s.title.split())))}"
        + (" — " if s.title.strip() else "")
        + html.escape(shown(s.url))
        for n, s in enumerate(exchange.sources[:MAX_FOOTER], 1)
    ]
    more = len(exchange.sources) - MAX_FOOTER
    if more > 0:
        lines.append(f"… and {more:,} more")
    return f'<p class="sources"><b>Sources</b><br>{"<br>".join(lines)}</p>'


def _page_breaks(document: QTextDocument) -> list[tuple[float, float]]:
    """Where each picture starts and ends: between blocks, at most PAGE_HEIGHT apart."""
    layout = document.documentLayout()
    total = layout.documentSize().height()
    pages = []
    top = 0.0
    block = document.begin()
    bottom = 0.0
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        if rect.bottom() - top > PAGE_HEIGHT and bottom > top:
            pages.append((top, bottom))
            top = bottom
        while rect.bottom() - top > PAGE_HEIGHT:  # one block taller than a picture
            pages.append((top, top + PAGE_HEIGHT))
            top += PAGE_HEIGHT
        bottom = max(bottom, rect.bottom())
        block = block.next()
    pages.append((top, max(total, top + 1)))
    return pages


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; it takes str
    return bytes(data.data())
