"""Sign-in lockout with one limit per counting rule (settings.CHAMBER_LOCKOUT_LIMITS).

django-axes counts failures per each of `AXES_LOCKOUT_PARAMETERS` ((name, address),
name, address) but compares all of them with one `AXES_FAILURE_LIMIT`. A name sprayed
from many addresses and many names from one address need higher limits than one pair,
or a user's colleagues behind the same gateway lock each other out. So each count is
scaled to the pair's limit: rule i locks exactly when its failures reach its limit_i."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        limits = settings.CHAMBER_LOCKOUT_LIMITS
        worst = 0
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), limits, strict=False
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            # floor(f * base / limit) >= base exactly when f >= limit
            worst = max(worst, failures * base // max(limit, 1))
        return worst
