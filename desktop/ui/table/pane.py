"""One seat's pane: a header with its state and numbers, its conversation, its actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core.records.changes import EVERY_PART, ReplyPart
from desktop.core.records.model import (
    AnnotationKind,
    ErrorKind,
    Reply,
    ReplyStatus,
    Seat,
    Session,
    Turn,
)
from desktop.core.session.totals import cost_of, reply_numbers, thought_summary
from desktop.providers.keys import provider_of
from desktop.ui.table import marks
from desktop.ui.table.conversation_view import ConversationView
from desktop.ui.table.pane_text import (
    STATE_NAMES,
    TURN_HEADINGS,
    error_action,
    marked,
    shown_user_text,
    vote_flag,
)
from desktop.ui.table.reply_actions import REPLY_ACTIONS
from desktop.ui.table.source_list import sources_html
from desktop.ui.table.thought_panel import ThoughtPanel
from desktop.ui.widgets.elided_label import ElidedLabel

# What the thinking line shows (the answer's start ends "Thinking…"), and what the
# conversation draws of a reply.
_THOUGHT_PARTS = frozenset({ReplyPart.REASONING, ReplyPart.TEXT, ReplyPart.STATUS})
_DRAWN_PARTS = frozenset(
    {ReplyPart.TEXT, ReplyPart.STATUS, ReplyPart.SOURCES, ReplyPart.DELIVERIES}
)


class SeatPane(QFrame):
    """A seat's column in the window."""

    stop_requested = Signal(str)
    retry_requested = Signal(str)
    continue_requested = Signal(str)
    forward_requested = Signal(str)
    sent_requested = Signal(str)  # a reply's id: show what it was sent
    quote_requested = Signal(str)
    key_requested = Signal(str)  # the provider whose key is missing or wrong
    remove_requested = Signal(str)  # the seat id

    def __init__(self, seat: Seat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seat = seat
        self.reply: Reply | None = None
        self._turn: Turn | None = None
        self._session = Session()
        self._mark_cache: marks.MarkCache = {}
        self._provider_ready = True
        self._needs_approval = ""
        # While a blind turn waits for the author's vote: the name it goes by ("Seat B"),
        # and the names every seat goes by (set before the pane draws its conversation).
        self.blind_name: str | None = None
        self.aliases: dict[str, str] = {}
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Pane: {seat.label}")

        self.title = ElidedLabel(seat.label)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.model = ElidedLabel(seat.model)
        self.model.setStyleSheet("color: palette(mid);")
        self.state = QLabel("idle")
        self.state.setAccessibleName(f"{seat.label} state")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(36)
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.numbers = QLabel("")
        self.numbers.setTextFormat(Qt.TextFormat.PlainText)  # it can name a file's address
        self.numbers.setWordWrap(True)  # a narrow pane wraps its numbers, never widens
        self.numbers.setStyleSheet("color: palette(mid);")
        self.numbers.setAccessibleName(f"{seat.label} tokens, cost and timing")

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.model)
        top.addStretch(1)
        top.addWidget(self.busy)
        top.addWidget(self.state)

        self.view = ConversationView(self)
        self.thought = ThoughtPanel()
        self.view.setAccessibleName(f"{seat.label} conversation")
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        # A tool bar, so a narrow pane folds the actions that don't fit into its » menu
        # instead of refusing to get narrower than a row of eight buttons.
        self.buttons: dict[str, QAction] = {}
        actions = QToolBar()
        actions.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        actions.setAccessibleName(f"{seat.label} actions")
        for spec in REPLY_ACTIONS:
            key, text = spec.key, spec.button
            action = actions.addAction(text)
            action.setToolTip(spec.tip)
            action.triggered.connect(lambda _=False, k=key: self._act(k))
            button = actions.widgetForAction(action)
            button.setAccessibleName(f"{text.rstrip('…')} {seat.label}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # tool bars skip Tab by default
            self.buttons[key] = action

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.numbers)
        layout.addWidget(self.thought)
        layout.addWidget(self.view, 1)
        layout.addWidget(actions)
        self._update_header()

    # -- rendering -----------------------------------------------------------------------

    def rebuild(self, session: Session) -> None:
        """Render the seat's whole conversation from the session."""
        self.view.clear_all()
        self.reply = None
        self.thought.follow(None)
        self._session = session
        for turn in session.turns:
            if self.seat.id not in turn.targets:
                continue
            self._add_turn(turn)
        self.view.scroll_to_end()
        self.show_marks()

    def append_turn(self, session: Session, turn: Turn) -> None:
        """A turn was added: draw it (if it is addressed to this seat) after the rest."""
        if self.seat.id not in turn.targets:
            return
        self._session = session
        self._add_turn(turn)
        self.view.scroll_to_end()
        self._update_header()

    def reply_added(self, turn: Turn, reply: Reply) -> None:
        """A retry: the new reply takes the old one's place; earlier turns stay drawn."""
        if reply.seat_id != self.seat.id:
            return
        if turn is not self._turn:
            # Only the newest turn's reply can be retried from a pane; another one
            # means the history itself changed.
            self.rebuild(self._session)
            return
        self.reply = reply
        self.view.replace_reply(reply.id)
        self.view.update_stream(reply.text)
        self.thought.follow(reply)
        self._update_header()

    def _add_turn(self, turn: Turn) -> None:
        from desktop.core.attachments import describe  # Pillow & co. load on first use

        files = [self._session.attachment(i) for i in turn.attachment_ids]
        self.view.add_user_turn(
            TURN_HEADINGS[turn.kind],
            shown_user_text(
                turn, self.seat.id, {s.id: s.label for s in self._session.seats}, self.aliases
            ),
            [f"{a.name} · {describe(a)}" for a in files],
            turn.id,
        )
        reply = turn.latest_reply(self.seat.id)
        self.reply = reply
        self._turn = turn
        self.thought.follow(reply)
        if reply is None:
            return
        if reply.status.is_final:
            self.view.add_reply(marked(reply), reply.id)
            self._add_note(reply)
        else:
            self.view.begin_stream(reply.id)
            self.view.update_stream(reply.text)

    def reply_changed(self, reply: Reply, parts: frozenset[ReplyPart] = EVERY_PART) -> None:
        """``parts`` of a reply of this seat changed: draw only what they touch (the
        stream's tail, the thinking line, the final answer once, the numbers)."""
        if reply is not self.reply:
            return
        if parts & _THOUGHT_PARTS:
            self.thought.follow(reply)
        if not parts & _DRAWN_PARTS:
            self._update_header()  # numbers only: the header says them
            return
        if reply.status.is_final:
            # Markers go in once the answer is whole: OpenAI and Gemini say where they
            # cite only at the end, and marking each redraw would copy the text each time.
            self.view.finish_stream(marked(reply))
            self._add_note(reply)
            self.show_marks()
        else:
            self.view.update_stream(reply.text)
        self._update_header()

    def _add_note(self, reply: Reply) -> None:
        if reply.reasoning:
            # Counted as it streamed when the panel followed it: splitting a 5 MB thought
            # again here stalled the window for 80 ms (bench/README.md).
            words = self.thought.words_of(reply)
            self.view.add_note(f"💭 {thought_summary(reply, words)}")
        if reply.sources:
            self.view.add_html_note(sources_html(reply.sources))
        self._add_deliveries(reply)
        if reply.status is ReplyStatus.ERROR and reply.error is not None:
            message, action = reply.error.message, error_action(reply)
            # "…then retry. Retry." said it twice: the advice only when it adds to it.
            if action.rstrip(".").lower() in message.lower():
                action = ""
            self.view.add_note(f"⚠ {message} {action}".rstrip())
        elif reply.status is ReplyStatus.STOPPED:
            self.view.add_note("■ Stopped. The text so far is kept.")

    def _add_deliveries(self, reply: Reply) -> None:
        """How each of this turn's files went to this seat (the transcript has the same)."""
        turn = self._turn
        if turn is None or not turn.attachment_ids:
            return
        names = {i: self._session.attachment(i).name for i in turn.attachment_ids}
        lines = [
            f"📎 {names[d.attachment_id]}: {d.note}"
            for d in reply.deliveries
            if d.attachment_id in names
        ]
        if lines:
            self.view.add_note("\n".join(lines))

    def set_blind(self, name: str | None) -> None:
        """Go by ``name`` ("Seat A") and show nothing that gives the model away (its
        label, model, colour, cost, the request it was sent), or, with None, be shown
        again as what it is."""
        self.blind_name = name
        self.model.setVisible(name is None)
        self.setAccessibleName(f"Pane: {name or self.seat.label}")
        self.buttons["sent"].setVisible(name is None)
        self._update_header()
        self.show_marks()

    def set_needs_approval(self, why: str) -> None:
        """This seat sends nothing until the user approves ``why`` ("": it may send)."""
        self._needs_approval = why
        self._update_header()

    def set_provider_ready(self, ready: bool) -> None:
        """Whether the provider worker is warm; a waiting reply says so when it is not."""
        self._provider_ready = ready
        self._update_header()

    def _seat_total(self) -> str:
        """The seat's cost over the session, once it has answered more than one turn."""
        mine = [r for t in self._session.turns for r in t.replies if r.seat_id == self.seat.id]
        if len(mine) < 2 or all(r.usage is None and r.cost_usd is None for r in mine):
            return ""
        return f"seat {cost_of(mine)}"

    def _update_header(self) -> None:
        reply = self.reply
        status = reply.status if reply is not None else None
        self.state.setText(STATE_NAMES[status])
        self.busy.setVisible(status in (ReplyStatus.WAITING, ReplyStatus.STREAMING))
        numbers = reply_numbers(reply)
        if reply is not None and reply.status.is_final:
            numbers = " · ".join(filter(None, [numbers, self._seat_total()]))
        if self._needs_approval and (reply is None or reply.status.is_final):
            numbers = f"Waits for your approval: {self._needs_approval}"
        elif status is ReplyStatus.WAITING and not self._provider_ready:
            # On the wrapping line, not in the state label: a long label would widen
            # every pane, and the window with them, for good.
            numbers = "Waiting for the provider worker to start…"
        marks = [a for a in self._session.annotations if reply and a.target_id == reply.id]
        flags = [a.note for a in marks if a.kind is AnnotationKind.REACTION]
        flags += ["★ starred"] if any(a.kind is AnnotationKind.STAR for a in marks) else []
        flags += [vote_flag(a) for a in marks if a.kind is AnnotationKind.VOTE]
        numbers = " · ".join([*flags, numbers] if numbers else flags)
        seat_reactions = [
            a.note
            for a in self._session.annotations
            if a.target_id == self.seat.id and a.kind is AnnotationKind.REACTION
        ]
        title = " ".join([self.seat.label, *seat_reactions])
        if self.blind_name is not None:  # nothing that gives the model away
            title, numbers = self.blind_name, " · ".join(flags)
        if title != self.title.full_text():
            self.title.set_full_text(title)
        self.numbers.setText(numbers)
        final = reply is not None and reply.status.is_final
        has_text = reply is not None and bool(reply.text)
        self.buttons["stop"].setEnabled(reply is not None and not reply.status.is_final)
        self.buttons["retry"].setEnabled(final)
        self.buttons["continue"].setEnabled(
            final and has_text and reply is not None and reply.status is not ReplyStatus.COMPLETE
        )
        for key in ("copy", "forward", "quote"):
            self.buttons[key].setEnabled(final and has_text)
        needs_key = (
            reply is not None and reply.error is not None and reply.error.kind is ErrorKind.AUTH
        )
        self.buttons["key"].setVisible(needs_key)
        self.buttons["remove"].setEnabled(reply is None or reply.status.is_final)

    # -- actions -------------------------------------------------------------------------

    def _act(self, key: str) -> None:
        if key == "remove":
            self.remove_requested.emit(self.seat.id)
            return
        reply = self.reply
        if reply is None:
            return
        if key == "key":
            self.key_requested.emit(provider_of(self.seat.model))
        elif key == "copy":
            QGuiApplication.clipboard().setText(reply.text)
        elif key == "quote":
            self.quote_requested.emit(reply.text)
        else:
            signal = {
                "stop": self.stop_requested,
                "retry": self.retry_requested,
                "continue": self.continue_requested,
                "forward": self.forward_requested,
                "sent": self.sent_requested,
            }[key]
            signal.emit(reply.id)

    # -- the author's marks --------------------------------------------------------------

    def replies_drawn(self) -> dict[str, str]:
        """The text of each of this seat's replies, by id."""
        turns = self._session.turns
        return {r.id: r.text for t in turns for r in t.replies if r.seat_id == self.seat.id}

    def selected_words(self) -> marks.Selected | None:
        """The words selected in one of this pane's answers, as a range of its text."""
        return marks.selected_words(self.view, self.view.reply_spans(), self.replies_drawn())

    def show_marks(self) -> None:
        """Draw the highlights and comments on the answers, and the star, again."""
        colour = QColor("#e6b800" if self.blind_name else self.seat.colour or "#e6b800")
        self.view.setExtraSelections(
            marks.extra_selections(
                self.view.document(),
                self.view.reply_spans(),
                self.replies_drawn(),
                self._session.annotations,
                colour if colour.isValid() else QColor("#e6b800"),
                self._mark_cache,
            )
        )
        self._update_header()

    def reveal(self, item_id: str, words: str) -> bool:
        """Scroll to a reply (or a turn) and select ``words`` in it where they first
        stand; False when this pane does not draw it."""
        span = next(((s, e) for i, s, e in self.view.spans() if i == item_id), None)
        if span is None:
            return False
        start, end = marks.find_words(self.view.document(), *span, words) or (span[0], span[0])
        cursor = self.view.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        self.focus_conversation()
        return True

    def focus_conversation(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
