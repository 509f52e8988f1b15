"""Lineup files: which assistants sit at the table, as TOML ``[[seat]]`` tables.

    [[seat]]
    label = "Claude Sonnet 4.5"
    model = "anthropic/claude-sonnet-4-5"   # any litellm model id
    # optional: api_base, api_key_env, system_prompt, temperature, max_tokens,
    # reasoning_effort ("low", "medium" or "high"), vision and pdf (true/false:
    # whether the model takes images / PDFs, when litellm's model data is wrong or
    # does not know the model), web_search (true: the seat may search the web) and
    # search_context_size ("low", "medium" or "high": how much it reads) and chair
    # (true: a chair apart from the table, which only weighs the seats' answers)

A mistake gets a message naming the file, the seat and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.core.records.model import ReasoningEffort, SearchContext, Seat
from desktop.core.trust import address_problem, is_variable_name
from desktop.core.utils.regular_files import FileRefused, read_regular_file

_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "label": (str, "text"),
    "model": (str, 'text (a litellm model id such as "openai/gpt-4o")'),
    "api_base": (str, "text (a URL)"),
    "api_key_env": (str, "text (an environment variable name)"),
    "system_prompt": (str, "text"),
    "temperature": ((int, float), "a number from 0 to 2"),
    "max_tokens": (int, "a whole number above 0"),
    "reasoning_effort": (str, '"low", "medium" or "high"'),
    "vision": (bool, "true or false"),
    "pdf": (bool, "true or false"),
    "web_search": (bool, "true or false"),
    "chair": (bool, "true or false"),
    "search_context_size": (str, '"low", "medium" or "high"'),
}


MAX_LINEUP_BYTES = 1024 * 1024  # a hundred seats with long system prompts


class LineupError(ValueError):
    """A lineup that cannot be used; the message says where and why."""


def parse_lineup(text: str, source: str = "lineup") -> list[Seat]:
    """Seats from lineup TOML text; raises LineupError naming the seat and field."""
    import tomllib  # only when there is a lineup to read, not for the first paint

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LineupError(f"{source}: not valid TOML ({exc})") from None
    unknown_top = sorted(set(data) - {"seat"})
    if unknown_top:
        raise LineupError(
            f"{source}: unknown section {unknown_top[0]!r}; seats go in [[seat]] tables"
        )
    tables = data.get("seat")
    if not isinstance(tables, list) or not tables:
        raise LineupError(
            f"{source}: no seats; add at least one [[seat]] table with a label and a model"
        )
    seats = [_seat(table, f"{source}: seat {n}") for n, table in enumerate(tables, 1)]
    labels = [s.label for s in seats]
    for label in labels:
        if labels.count(label) > 1:
            raise LineupError(f"{source}: two seats are labelled {label!r}; labels must differ")
    return seats


def _seat(table: Any, where: str) -> Seat:
    if not isinstance(table, dict):
        raise LineupError(f"{where}: should be a [[seat]] table, not {table!r}")
    label = table.get("label")
    if isinstance(label, str) and label.strip():
        where = f"{where} ({label})"
    for key in table:
        if key not in _FIELDS:
            known = ", ".join(_FIELDS)
            raise LineupError(f"{where}: unknown field {key!r} (known fields: {known})")
    for key in ("label", "model"):
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise LineupError(f"{where}: {key!r} is required and must be non-empty text")
    for key, value in table.items():
        kinds, description = _FIELDS[key]
        # TOML booleans are ints to Python: only the true/false fields take them.
        if isinstance(value, bool) is not (kinds is bool) or not isinstance(value, kinds):
            raise LineupError(f"{where}: {key!r} must be {description}, not {value!r}")
    variable = table.get("api_key_env")
    if variable is not None and not is_variable_name(variable):
        raise LineupError(
            f"{where}: 'api_key_env' must name an environment variable "
            "(the value is not shown: it may be a key)"
        )
    temperature = table.get("temperature")
    if temperature is not None and not 0 <= temperature <= 2:
        raise LineupError(
            f"{where}: 'temperature' must be a number from 0 to 2, not {temperature!r}"
        )
    max_tokens = table.get("max_tokens")
    if max_tokens is not None and max_tokens <= 0:
        raise LineupError(
            f"{where}: 'max_tokens' must be a whole number above 0, not {max_tokens!r}"
        )
    api_base = table.get("api_base")
    problem = address_problem(api_base) if api_base is not None else None
    if problem is not None:
        raise LineupError(f"{where}: 'api_base' is not a web address: {problem}")
    effort = table.get("reasoning_effort")
    if effort is not None and effort not in tuple(ReasoningEffort):
        raise LineupError(
            f'{where}: \'reasoning_effort\' must be "low", "medium" or "high", not {effort!r}'
        )
    context = table.get("search_context_size")
    if context is not None and context not in tuple(SearchContext):
        raise LineupError(
            f'{where}: \'search_context_size\' must be "low", "medium" or "high", not {context!r}'
        )
    return Seat(
        label=table["label"].strip(),
        model=table["model"].strip(),
        api_base=table.get("api_base"),
        api_key_env=table.get("api_key_env"),
        system_prompt=table.get("system_prompt"),
        temperature=float(temperature) if temperature is not None else None,
        max_tokens=max_tokens,
        reasoning_effort=ReasoningEffort(effort) if effort is not None else None,
        vision=table.get("vision"),
        pdf=table.get("pdf"),
        web_search=table.get("web_search", False),
        chair=table.get("chair", False),
        search_context=SearchContext(context) if context is not None else None,
    )


def load_lineup(path: Path | str) -> list[Seat]:
    """Seats from a lineup file; raises LineupError (also for an unreadable file)."""
    try:
        text = read_regular_file(path, MAX_LINEUP_BYTES, "is too large for a lineup").decode()
    except (OSError, UnicodeDecodeError, FileRefused) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LineupError(f"{path}: cannot read the lineup ({reason})") from None
    return parse_lineup(text, str(path))
