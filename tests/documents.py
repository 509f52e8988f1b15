"""Comparing JSON documents: what a re-saved or migrated transcript lost or changed."""

from __future__ import annotations

from typing import Any


def differences(expected: Any, actual: Any, where: str = "session") -> list[str]:
    """Every place where ``actual`` lost or changed something ``expected`` has (fields
    ``actual`` has on top are not differences; a number's type, int or float, is)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where} became {actual!r}"]
        out = []
        for key, value in expected.items():
            if key in actual:
                out += differences(value, actual[key], f"{where}.{key}")
            else:
                out.append(f"{where}.{key} was lost")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where} became {actual!r}"]
        return [
            problem
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for problem in differences(e, a, f"{where}[{i}]")
        ]
    same = expected == actual and type(expected) is type(actual)
    return [] if same else [f"{where} was {expected!r}, is {actual!r}"]
