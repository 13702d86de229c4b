"""Turning an admin form's values into what a browser would post."""

from typing import Any


def as_post(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Checked boxes as "on", unchecked left out, lists as repeated fields."""
    out: dict[str, Any] = {}
    for name, value in (values | extra).items():
        if value is True:
            out[name] = "on"
        elif value is not False and value is not None:
            out[name] = value
    return out
