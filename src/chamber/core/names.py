"""How people are named on pages, in messages, timelines, exports and the API: a user by
their 姓名, never by the sign-in name when a name is known."""

from __future__ import annotations

from typing import Any

from .text import has_cjk


def user_name(user: Any) -> str:
    """姓名 for Chinese names (family name first, no space: 张伟), "First Last" for
    others, and the user name only for an account nobody has named (linking an account
    to its person record, members.services.link_user, names it); "" for no user."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if has_cjk(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip() or user.get_username()
