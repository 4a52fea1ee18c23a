"""The demo's political participation reproduces the seed year's figures, and is the
same for the same seed."""

import hashlib

import pytest
from django.db import transaction

from chamber.demo import build
from chamber.orgs.models import Organization
from chamber.politics import figures, services
from chamber.politics.choices import Body, Status
from chamber.politics.models import PoliticalPost, Proposal

pytestmark = pytest.mark.django_db


def _digest() -> str:
    rows = list(
        Proposal.objects.order_by("id").values_list(
            "title", "lead__name", "status", "submitted_on", "grade", "satisfaction"
        )
    ) + list(PoliticalPost.objects.order_by("id").values_list("person__name", "body", "term"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _build_and_digest(seed: int) -> str:
    with transaction.atomic():
        build.build_all(seed=seed, members=500)
        digest = _digest()
        transaction.set_rollback(True)
    return digest


def test_seed_year_figures():
    build.build_all(seed=2016, members=1000)
    root = Organization.objects.get(code="baoan")
    year = figures.annual(root, 2016)
    assert year["posts_held"] == 91
    assert year["elected"][Body.CPPCC] == 35 and year["elected"][Body.NPC] == 14
    assert year["proposals"]["submitted"] >= 60
    by_level = year["posts_held_by_level"]
    assert all(by_level[level] > 0 for level in by_level)
    p = year["proposals"]
    assert p["filed"] + p["not_filed"] + p["merged"] == p["submitted"]
    assert 0.8 < p["reply_rate"] <= 1 and p["satisfaction_rate"] > 0.8
    assert sum(p["grades"].values()) == p["replied"]
    # Street figures add up to the district's here (nobody moved in 2016).
    streets = [figures.annual(s, 2016)["posts_held"] for s in root.children.all()]
    assert sum(streets) == 91
    # Every demo proposal's submitters held a matching post on its submission day,
    # as the service would have required.
    for proposal in Proposal.objects.exclude(status=Status.DRAFTED).prefetch_related(
        "co_submitters"
    ):
        errors = services.proposals._submitter_errors(
            kind=proposal.kind,
            level=proposal.level,
            place=proposal.place,
            term=proposal.session_term,
            on=proposal.submitted_on,
            lead=proposal.lead,
            co_submitters=list(proposal.co_submitters.all()),
        )
        assert not errors, (proposal.title, errors)
    # Every timeline follows the lifecycle: each step's from-status is the previous to-status.
    for proposal in Proposal.objects.prefetch_related("steps"):
        statuses = [("", Status.DRAFTED)] + [
            (s.from_status, s.to_status) for s in proposal.steps.all()
        ][1:]
        for (_a, before), (after, _b) in zip(statuses, statuses[1:], strict=False):
            assert before == after, proposal.title
        assert proposal.steps.all()[len(proposal.steps.all()) - 1].to_status == proposal.status


def test_same_seed_same_demo():
    first = _build_and_digest(7)
    assert _build_and_digest(7) == first
    assert _build_and_digest(8) != first
