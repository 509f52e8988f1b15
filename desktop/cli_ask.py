"""``roundtable ask``: a lineup run through the same engine as the window, every seat at
once per turn, then follow-ups, debate rounds, peer reviews and a chair, in the order
given; the transcript is always written: when seats fail, and on Ctrl+C too.
Exit status: 0 every reply complete, 1 a reply failed, 2 usage error (including a file
given with --attach that cannot be sent; then nothing is sent), 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.cli_output import complain, tell
from desktop.core import attachments
from desktop.core.records.model import (
    Attachment,
    ChairMode,
    ReplyStatus,
    Seat,
    Session,
    Turn,
    TurnKind,
)
from desktop.core.session import turns, verdict_turns
from desktop.core.session.autosaver import AUTOSAVE_SECONDS
from desktop.core.session.conversation import DEFAULT_DEBATE_INSTRUCTION
from desktop.core.session.document import SessionDocument
from desktop.core.session.lineup import LineupError, load_lineup

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Step(argparse.Action):
    """Collects --follow-up and --debate-round in the order they were given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        steps = list(getattr(namespace, "steps", None) or [])
        kind = {"--follow-up": TurnKind.FOLLOW_UP, "--peer-review": TurnKind.PEER_REVIEW}.get(
            option_string or "", TurnKind.DEBATE_ROUND
        )
        steps.append((kind, values))
        namespace.steps = steps


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ask`` to the ``roundtable`` command's subcommands."""
    ask = commands.add_parser(
        "ask",
        help="send a prompt (and follow-ups, debate rounds) to every seat of a lineup",
        description="Send PROMPT to every seat of the lineup at once, then each --follow-up "
        "and --debate-round in the order given, and write the transcript.",
    )
    ask.add_argument("prompt", metavar="PROMPT", help="the first prompt, sent to every seat")
    ask.add_argument("--lineup", required=True, type=Path, metavar="LINEUP.toml", help="the seats")
    ask.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="SESSION.json",
        help="transcript to write",
    )
    ask.add_argument(
        "--follow-up", action=_Step, dest="steps", metavar="TEXT", help="a follow-up to every seat"
    )
    ask.add_argument(
        "--debate-round",
        action=_Step,
        dest="steps",
        nargs="?",
        const=None,
        metavar="INSTRUCTION",
        help="each seat gets the others' latest answers (optional instruction)",
    )
    ask.add_argument(
        "--peer-review",
        action=_Step,
        dest="steps",
        nargs=0,
        help="each seat ranks the others' latest answers, read anonymised",
    )
    ask.add_argument(
        "--chair",
        metavar="SEAT_OR_MODEL",
        help="last, a chair weighs the seats' latest answers: a seat of the lineup (its "
        "label; one with chair = true sits apart) or a litellm model id",
    )
    ask.add_argument(
        "--chair-mode",
        choices=[m.value for m in ChairMode],
        default=ChairMode.SYNTHESIS.value,
        help="what the chair writes (default: %(default)s; custom takes --chair-instruction)",
    )
    ask.add_argument(
        "--chair-instruction", default="", metavar="TEXT", help="a custom chair's task"
    )
    ask.add_argument(
        "--chair-named",
        action="store_true",
        help="let the chair see whose each answer is (it reads them anonymised otherwise)",
    )
    ask.add_argument(
        "--attach",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a file sent with the prompt to every seat (repeatable): an image, a PDF or text",
    )
    ask.add_argument(
        "--max-file-mb",
        type=_file_megabytes,
        default=attachments.DEFAULT_LIMITS.per_file / attachments.MB,
        metavar="MB",
        help="the largest file --attach takes (default: %(default)g MB)",
    )
    ask.add_argument(
        "--max-turn-mb",
        type=_megabytes,
        default=attachments.DEFAULT_LIMITS.per_turn / attachments.MB,
        metavar="MB",
        help="the most all --attach files of the prompt may add up to (default: %(default)g MB)",
    )
    ask.add_argument(
        "--gateway",
        type=_gateway,
        metavar="URL",
        help="a team's LiteLLM proxy: every seat without an api_base of its own goes "
        "through it, with the key of provider litellm_proxy",
    )
    ask.add_argument(
        "--web-search",
        action="store_true",
        help="every seat may search the web for its answers (where its model can)",
    )
    ask.add_argument("--title", default="", help="the session's title")
    ask.add_argument(
        "--timeout", type=float, default=300.0, help="seconds of provider silence before giving up"
    )


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Carry out ``ask``; the exit status."""
    try:
        seats = load_lineup(args.lineup)
    except LineupError as exc:
        complain(str(exc))
        return EXIT_USAGE
    if not args.prompt.strip():
        parser.error("the prompt is empty")
    output: Path = args.output
    if not output.parent.is_dir():
        complain(f"cannot write {output}: folder {output.parent} does not exist")
        return EXIT_USAGE
    limits = attachments.AttachmentLimits(
        per_file=round(args.max_file_mb * attachments.MB),
        per_turn=round(args.max_turn_mb * attachments.MB),
    )
    # Every file is checked before anything is sent: one that can't go stops it all.
    try:
        files = [attachments.read_attachment(path, limits) for path in args.attach]
    except attachments.AttachmentError as exc:
        complain(f"cannot attach {exc}")
        return EXIT_USAGE
    for seat in seats:
        seat.web_search = seat.web_search or args.web_search
    _warn_of_seats_that_cannot_search(seats)
    session = Session(title=args.title, seats=seats)
    steps = [(TurnKind.PROMPT, args.prompt), *(args.steps or [])]
    if args.chair is not None:
        mode = ChairMode(args.chair_mode)
        if mode is ChairMode.CUSTOM and not args.chair_instruction.strip():
            parser.error("--chair-mode custom needs --chair-instruction TEXT")
        chair_id = _chair_seat(session, args.chair).id
        ask = _ChairAsk(chair_id, mode, args.chair_instruction, not args.chair_named)
        steps.append((TurnKind.CHAIR, ask))
    elif any(s.chair for s in seats):
        complain("the lineup has a chair; say --chair with its label to ask it")
    return asyncio.run(_run(session, limits, steps, files, output, args.timeout, args.gateway))


def _chair_seat(session: Session, named: str) -> Seat:
    """The seat of the lineup labelled ``named``, or a chair apart with that model."""
    for seat in session.seats:
        if seat.label == named or seat.model == named:
            return seat
    chair = Seat(f"Chair ({named})", named, chair=True)
    session.seats.append(chair)
    return chair


def _warn_of_seats_that_cannot_search(seats: list[Seat]) -> None:
    """Say, before anything is sent, which searching seats' models cannot search: they
    are sent no search (a provider would refuse the whole request over it)."""
    if not any(seat.web_search for seat in seats):
        return
    from desktop.providers.capabilities import can_search

    for seat in seats:
        if seat.web_search and not can_search(seat.model):
            complain(
                f"{seat.label}: {seat.model} cannot search the web, as far as litellm knows; "
                "it answers without searching."
            )


async def _run(
    session: Session,
    limits: attachments.AttachmentLimits,
    steps: list[Step],
    files: list[Attachment],
    output: Path,
    silence_limit: float,
    team_gateway: str | None,
) -> int:
    # Imported here so `roundtable show` and --help never pay for the gateway.
    from desktop.cli_progress import Progress
    from desktop.providers.gateway import LiteLLMGateway

    gateway = LiteLLMGateway(timeout=silence_limit)
    document = SessionDocument(gateway, session, limits=limits, autosave_in_place=True)
    document.path = output
    gateway.team_gateway = team_gateway
    try:
        # The prompt's files are checked against the turn limit before any request.
        prompt = steps[0][1]
        first = document.add_prompt(prompt if isinstance(prompt, str) else "", attachments=files)
    except attachments.AttachmentError as exc:
        complain(f"cannot attach {exc}")
        return EXIT_USAGE
    progress = Progress(session, sys.stderr)
    document.subscribe(progress.changed)
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        interrupted.set()
        document.stop_all()
        # A second Ctrl+C gets Python's default behaviour.
        loop.remove_signal_handler(signal.SIGINT)

    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    # Save while streaming, so a hard kill loses at most a couple of seconds.
    autosave = asyncio.create_task(_autosave_forever(document))
    failed_step = False
    try:
        for number, (kind, text) in enumerate(steps, 1):
            if interrupted.is_set():
                break
            try:
                turn = first if number == 1 else _add(document, kind, text)
            except ValueError as exc:
                complain(f"skipping the {_describe(kind)}: {exc}")
                failed_step = True
                continue
            progress.begin_turn(turn, f"Turn {number}/{len(steps)}: {_describe(kind)}")
            await document.start(turn)
            progress.end_turn()
            await _save(document)
    finally:
        autosave.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await autosave
        # Writes are serialised: this one lands after any autosave still being written.
        saved = await _save(document)
        await gateway.aclose()
    if saved:
        tell(f"Transcript written to {output}")
    if interrupted.is_set():
        tell("Interrupted: the text so far is kept, marked stopped.")
        return EXIT_INTERRUPTED
    if not saved:
        return EXIT_FAILED
    return EXIT_OK if _all_complete(session) and not failed_step else EXIT_FAILED


async def _autosave_forever(document: SessionDocument) -> None:
    while True:
        await asyncio.sleep(AUTOSAVE_SECONDS)
        await document.autosave()


async def _save(document: SessionDocument) -> bool:
    try:
        await document.save()
    except OSError as exc:
        complain(f"could not write {document.path}: {exc.strerror or exc}")
        return False
    return True


@dataclass(frozen=True)
class _ChairAsk:
    """The chair step: who, asked what, and whether it reads the answers anonymised."""

    chair_id: str
    mode: ChairMode
    instruction: str
    anonymous: bool


Step = tuple[TurnKind, "str | _ChairAsk | None"]


def _add(document: SessionDocument, kind: TurnKind, text: str | _ChairAsk | None) -> Turn:
    if isinstance(text, _ChairAsk):
        return document.append(
            verdict_turns.chair(
                document.session,
                text.chair_id,
                text.mode,
                instruction=text.instruction,
                anonymous=text.anonymous,
            )
        )
    if kind is TurnKind.DEBATE_ROUND:
        return document.append(
            turns.debate_round(document.session, instruction=text or DEFAULT_DEBATE_INSTRUCTION)
        )
    if kind is TurnKind.PEER_REVIEW:
        return document.append(verdict_turns.peer_review(document.session))
    return document.add_prompt(text or "")


def _describe(kind: TurnKind) -> str:
    return {
        TurnKind.PROMPT: "prompt",
        TurnKind.FOLLOW_UP: "follow-up",
        TurnKind.DEBATE_ROUND: "debate round",
        TurnKind.FORWARD: "forward",
        TurnKind.CHAIR: "chair",
        TurnKind.PEER_REVIEW: "peer review",
    }[kind]


def _all_complete(session: Session) -> bool:
    for turn in session.turns:
        for seat_id in turn.targets:
            reply = turn.latest_reply(seat_id)
            if reply is None or reply.status is not ReplyStatus.COMPLETE:
                return False
    return True


def _gateway(text: str) -> str:
    """A team gateway's address from the command line."""
    from desktop.providers.routing import gateway_url

    try:
        return gateway_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _megabytes(text: str) -> float:
    """A size limit in MB from the command line: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("a size limit must be above 0 MB")
    return value


def _file_megabytes(text: str) -> float:
    """The per-file limit in MB: above 0 and at most the size any file may be."""
    value = _megabytes(text)
    if value * attachments.MB > attachments.MAX_FILE_SIZE:
        raise argparse.ArgumentTypeError(
            f"no file may be over {attachments.MAX_FILE_SIZE // attachments.MB} MB"
        )
    return value
