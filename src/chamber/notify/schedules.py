"""When the timed notices go out (Asia/Shanghai)."""

from chamber.core.queue import daily, monthly, register_schedule, weekly


def register() -> None:
    register_schedule("notify.daily", "chamber.notify.tasks.daily", daily("08:00"))
    register_schedule("notify.weekly", "chamber.notify.tasks.weekly", weekly(0, "08:00"))
    register_schedule("notify.monthly", "chamber.notify.tasks.monthly", monthly(1, "08:00"))
