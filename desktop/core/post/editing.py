"""Edits of a session's post, each one step that can be undone.

An edit is a function that changes a copy of the post; :meth:`PostEditing.apply`
swaps the copy in through the session document (dirty, and ``PostChanged`` told) and
returns the state as it was, so undo is putting that back. Posts are small; a copy per
edit keeps every edit, however it is made, undoable the same way. Exchanges added from
another session also bring their source and files, so the state holds those too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.core.post.importing import Imported, add_imported
from desktop.core.post.plan import default_post
from desktop.core.records.changes import PostChanged
from desktop.core.records.model import Attachment, Source
from desktop.core.records.post_blocks import (
    AttributionBlock,
    Post,
    PostBlock,
    PostItem,
    SectionBlock,
    TextBlock,
)

if TYPE_CHECKING:
    from desktop.core.session.document import SessionDocument

Edit = Callable[[Post], None]


@dataclass(frozen=True)
class PostState:
    """What a post edit may change: the post, and what imported exchanges brought."""

    post: Post
    sources: list[Source]
    attachments: list[Attachment]


class PostEditing:
    """The post of one document's session, changed one undoable step at a time."""

    def __init__(self, document: SessionDocument) -> None:
        self._document = document

    @property
    def post(self) -> Post:
        return self._document.session.post

    def state(self) -> PostState:
        """A copy of the post and its imports as they are now."""
        session = self._document.session
        return PostState(
            copy.deepcopy(session.post), list(session.sources), list(session.attachments)
        )

    def apply(self, edit: Edit, on_blocks: bool = True) -> PostState:
        """Make ``edit`` on the post; the state before. An edit ``on_blocks`` of a post
        with none starts from the default post the window shows."""
        before = self.state()
        after = copy.deepcopy(before.post)
        if not after.blocks and on_blocks:
            after.blocks = default_post(self._document.session).blocks
        edit(after)
        self._document.session.post = after
        self._document.edited(PostChanged())
        return before

    def add_from(self, imported: Imported) -> PostState:
        """Add another session's exchanges and their section (ImportRefused when they
        are here already); the state before."""
        before = self.state()
        session = self._document.session
        session.post = copy.deepcopy(session.post)
        add_imported(session, imported)
        self._document.edited(PostChanged())
        return before

    def put(self, state: PostState) -> None:
        """Make ``state`` the session's (an undo or a redo); ``state`` stays as it is."""
        session = self._document.session
        session.post = copy.deepcopy(state.post)
        session.sources, session.attachments = list(state.sources), list(state.attachments)
        self._document.edited(PostChanged())


def title(text: str) -> Edit:
    def edit(post: Post) -> None:
        post.title = text

    return edit


def subtitle(text: str) -> Edit:
    def edit(post: Post) -> None:
        post.subtitle = text

    return edit


def add_text(index: int, markdown: str = "") -> Edit:
    def edit(post: Post) -> None:
        post.blocks.insert(index, TextBlock(markdown))

    return edit


def add_block(index: int, block: PostBlock) -> Edit:
    def edit(post: Post) -> None:
        post.blocks.insert(index, block)

    return edit


def set_text(index: int, markdown: str) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, TextBlock)
        block.markdown = markdown

    return edit


def add_section(index: int, seat_id: str, turn_ids: list[str]) -> Edit:
    def edit(post: Post) -> None:
        post.blocks.insert(index, SectionBlock(seat_id, items=[PostItem(t) for t in turn_ids]))

    return edit


def set_section(index: int, heading: str | None, reaction: str | None) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, SectionBlock)
        block.heading, block.reaction = heading or None, reaction or None

    return edit


def set_item(index: int, item: int, **fields: object) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, SectionBlock)
        for name, value in fields.items():
            setattr(block.items[item], name, value)

    return edit


def add_items(index: int, turn_ids: list[str]) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, SectionBlock)
        block.items += [PostItem(t) for t in turn_ids]

    return edit


def move_item(index: int, item: int, by: int) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, SectionBlock)
        target = max(0, min(len(block.items) - 1, item + by))
        block.items.insert(target, block.items.pop(item))

    return edit


def remove_item(index: int, item: int) -> Edit:
    def edit(post: Post) -> None:
        block = post.blocks[index]
        assert isinstance(block, SectionBlock)
        del block.items[item]

    return edit


def attribution(text: str | None, on: bool) -> Edit:
    """The attribution line: generated (``text`` None), her words, or off."""

    def edit(post: Post) -> None:
        post.blocks = [b for b in post.blocks if not isinstance(b, AttributionBlock)]
        if on:
            first_section = next(
                (i for i, b in enumerate(post.blocks) if isinstance(b, SectionBlock)),
                len(post.blocks),
            )
            post.blocks.insert(first_section, AttributionBlock(text))

    return edit


def move(index: int, by: int) -> Edit:
    def edit(post: Post) -> None:
        target = max(0, min(len(post.blocks) - 1, index + by))
        post.blocks.insert(target, post.blocks.pop(index))

    return edit


def remove(index: int) -> Edit:
    def edit(post: Post) -> None:
        del post.blocks[index]

    return edit
