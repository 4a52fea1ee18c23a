"""Scoped access to reports: a user may report on an organisation they can see."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization


def report_org(user: Any, code: str) -> Organization:
    """The organisation with `code` if `user` may see it (its whole subtree), else 404."""
    org = Organization.objects.visible_to(user, Perm.VIEW).filter(code=code).first()
    if org is None:
        raise Http404
    return org
