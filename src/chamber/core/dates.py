"""Calendar days as the project counts them: Asia/Shanghai, whatever the request's time
zone (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def day_span(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after `end` 00:00), aware, in the project's time zone: the
    instants of the days start..end inclusive."""
    tz = timezone.get_default_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    stop = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return begin, stop
