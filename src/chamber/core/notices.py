"""Something happened to a record that people may need to hear about.

The domain apps call `emit(kind, obj, actor=...)` from their services, one call per
event; `chamber.notify` (which sits above them) listens on the `happened` signal and
decides who is told and how. So the apps never import the notifications app, and a
service's transaction decides whether the event happened at all: the listener acts only
after the commit."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# sender: the record's model class; kwargs: kind, obj, actor, data
happened = Signal()


def emit(kind: str, obj: Any, *, actor: Any = None, **data: Any) -> None:
    """Announce `kind` (e.g. "case.assign") about `obj`, done by `actor`."""
    happened.send(sender=type(obj), kind=kind, obj=obj, actor=actor, data=data)
