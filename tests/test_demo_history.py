"""The demo's history obeys the step engine: replayed against each workflow's table
and date rules, no row would have been refused."""

from __future__ import annotations

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from chamber.activities.models import CheckIn
from chamber.activities.services.events import WORKFLOW as EVENTS
from chamber.casework.models import Case, CaseEvent
from chamber.casework.services.cases import WORKFLOW as CASES
from chamber.politics.models import Proposal, ProposalStep
from chamber.politics.services.lifecycle import WORKFLOW as PROPOSALS

pytestmark = pytest.mark.django_db


def case_problems() -> dict[int, list[str]]:
    rows = defaultdict(list)
    for e in CaseEvent.objects.order_by("at", "id").values_list(
        "case_id", "step", "from_status", "to_status", "at"
    ):
        rows[e[0]].append(e[1:])
    received = dict(Case.objects.values_list("id", "received_on"))
    out = {}
    for case_id, steps in rows.items():
        problems = CASES.history_problems(
            steps, raised=received[case_id], ignore=("raise", "escalate")
        )
        if steps[0][0] != "raise":
            problems.append("the first step is not the raising")
        if problems:
            out[case_id] = problems
    return out


def proposal_problems() -> dict[int, list[str]]:
    rows = defaultdict(list)
    for p in (
        ProposalStep.objects.exclude(step__in=["draft", "edit"])
        .order_by("on", "id")
        .values_list("proposal_id", "step", "from_status", "to_status", "on")
    ):
        rows[p[0]].append(p[1:])
    out = {}
    for pk, steps in rows.items():
        problems = PROPOSALS.history_problems(steps)
        if problems:
            out[pk] = problems
    return out


def check_in_problems() -> list[str]:
    out = []
    now = timezone.now()
    for c in CheckIn.objects.select_related("registration__event"):
        event = c.registration.event
        day = timezone.localtime(event.starts_at).date()
        if timezone.localtime(c.at).date() < day or c.at > now:
            out.append(f"check-in {c.pk} at {c.at} for an event on {day}")
        if c.registration.status != "confirmed":
            out.append(f"check-in {c.pk} on a {c.registration.status} sign-up")
        if event.status not in ("announced", "closed"):
            out.append(f"check-in {c.pk} at a {event.status} event")
    return out


def test_the_demo_has_no_row_the_engine_would_refuse():
    call_command("demo", members=400, seed=3)
    assert Case.objects.exists() and Proposal.objects.exists() and CheckIn.objects.exists()
    assert case_problems() == {}
    assert proposal_problems() == {}
    assert check_in_problems() == []
    assert EVENTS.steps  # events have no timeline: their states are checked above


def test_the_history_checker_finds_what_the_engine_refuses():
    at = datetime.datetime(2016, 3, 1, 10, tzinfo=datetime.UTC)
    steps = [
        ("raise", "", "received", at),
        ("resolve", "received", "resolved", at),  # not from received
        ("assign", "assigned", "assigned", at - datetime.timedelta(days=1)),  # earlier
    ]
    problems = CASES.history_problems(steps, ignore=("raise",))
    assert any("not allowed from received" in p for p in problems)
    assert any("the record was resolved" in p for p in problems)
    assert any("before" in p for p in problems)


def test_the_demo_through_the_engine_takes_every_case_step_and_none_is_refused():
    out = StringIO()
    call_command("demo", members=100, seed=3, through_engine=True, stdout=out)
    assert "case steps refused 0," in out.getvalue()
    assert CaseEvent.objects.exclude(step="escalate").count() > 100
    assert case_problems() == {}
    # the engine wrote the cases' fields from the steps' dates, and marked the late entries
    assert Case.objects.filter(status="closed", closed_on__isnull=False).exists()
    assert CaseEvent.objects.filter(entered_late=True).exists()
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()
