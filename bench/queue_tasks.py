"""A task that does nothing: the queue's own cost per task (bench.notify)."""

from django_tasks import task


@task()
def noop(i: int) -> int:
    return i
