"""Two chambers' worth of records at known ids, for the route test generated from the
URL resolver (tests/test_every_route.py): every record a route can name exists in
Xixiang with id XIXIANG_ID and in Fuyong with id FUYONG_ID, and carries the chamber's
marker in its text, so a page or API answer that shows it is found by searching."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.factories import EnterpriseFactory, MembershipFactory, PersonFactory

XIXIANG_ID, FUYONG_ID = 8001, 9001
MARKERS = {"xixiang": "XXMARK", "fuyong": "FYMARK"}


def chamber_models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in {"core", "orgs", "members", "casework", "activities", "politics"}
    ]


def bump_sequences(start: int) -> None:
    """The next id of every Chamber table is start + 1 (or more, if rows are past it)."""
    with connection.cursor() as cursor:
        for model in chamber_models():
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                if row is None:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                    )
                elif row[0] < start:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table]
                    )
            else:
                column = model._meta.pk.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                seq = cursor.fetchone()[0]
                if seq:
                    cursor.execute(
                        f'SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(MAX("{column}"), 1) FROM "{table}")))',
                        [seq, start],
                    )


def build_chamber(org, actor, mark: str) -> None:
    """One of each record a route can name, in `org`, written through the services."""
    from chamber.activities import services as act
    from chamber.activities.choices import EventKind
    from chamber.casework import services as cw
    from chamber.casework.models import Category, Department
    from chamber.politics import services as pol
    from chamber.politics.choices import Body, Level, PostRole, ProposalKind

    ent = EnterpriseFactory(name=f"{org.name}{mark}电子有限公司", legal_representative="张三")
    person = PersonFactory(name=f"张三{mark}", enterprise=ent, id_number="11010519491231002X")
    membership = MembershipFactory(organization=org, enterprise=ent, representative=person)
    _register(actor, ent, person, membership, mark)
    day = datetime.date(2017, 3, 1)
    visit = cw.log_visit(
        actor=actor, organization=org, date=day, enterprises=[ent], purpose=f"走访{mark}"
    )
    case = cw.raise_case(
        actor=actor,
        organization=org,
        enterprise=ent,
        category=Category.objects.order_by("pk").first(),
        title=f"融资难{mark}",
        visit=visit,
    )
    Department.objects.get_or_create(name="区税务局")
    starts = timezone.now() - datetime.timedelta(hours=1)
    event = act.create_event(
        actor=actor,
        organization=org,
        kind=EventKind.TRAINING,
        title=f"培训{mark}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        announce=True,
    )
    act.register(actor=actor, event=event, enterprise=ent, person=person)
    fund = act.create_fund(actor=actor, organization=org, name=f"基金{mark}")
    act.record_donation(
        actor=actor,
        organization=org,
        kind="money",
        amount=Decimal("1000.00"),
        date=day,
        purpose="fund",
        note=f"助学{mark}",
        enterprise=ent,
        fund=fund,
    )
    council = act.create_council(
        actor=actor,
        organization=org,
        kind="executive",
        name=f"执委会{mark}",
        short_name=f"执{mark}",
    )
    term = act.create_term(actor=actor, council=council, starts=datetime.date(2016, 1, 1))
    act.add_term_member(actor=actor, term=term, person=person, since=datetime.date(2016, 1, 1))
    act.create_meeting(actor=actor, term=term, date=day, agenda=f"议程{mark}")
    act.award_honor(
        actor=actor,
        organization=org,
        title=f"五好商会{mark}",
        level="district",
        awarding_body="区委统战部",
        year=2017,
        enterprise=ent,
    )
    pol.record_post(
        actor=actor,
        person=person,
        organization=org,
        body=Body.CPPCC,
        level=Level.DISTRICT,
        place="宝安区",
        term=5,
        role=PostRole.MEMBER,
        start=datetime.date(2016, 11, 28),
        sector=f"工商联界{mark}",
    )
    pol.create_proposal(
        actor=actor,
        organization=org,
        kind=ProposalKind.PROPOSAL,
        level=Level.DISTRICT,
        place="宝安区",
        session_year=2017,
        session_term=5,
        session_sitting=2,
        title=f"提案{mark}",
        text="建议。",
        lead=person,
        co_submitters=[],
        topics=[],
    )
    del case
    from chamber.members.importers.jobs import ImportJob

    ImportJob.objects.create(
        user=actor, organization=org, file="imports/none/upload.xlsx", original_name=f"{mark}.xlsx"
    )


def _register(actor, ent, person, membership, mark: str) -> None:
    """The register's own records: an enterprise role, a milestone, a due and its payment."""
    from chamber.members import services as mem
    from chamber.members.choices import EnterpriseRoleKind, MilestoneKind

    mem.add_enterprise_role(
        actor=actor,
        enterprise=ent,
        person=person,
        role=EnterpriseRoleKind.values[-1],
        start=datetime.date(2016, 1, 1),
    )
    mem.add_milestone(
        actor=actor,
        enterprise=ent,
        date=datetime.date(2016, 5, 1),
        kind=MilestoneKind.values[0],
        description=f"里程碑{mark}",
    )
    due = mem.set_due(actor=actor, membership=membership, year=2017, amount="1000")
    mem.record_payment(
        actor=actor,
        due=due,
        amount="500",
        paid_on=datetime.date(2017, 3, 1),
        receipt_no=f"R{mark}",
    )


def build(world) -> None:
    """Xixiang's records from XIXIANG_ID, Fuyong's from FUYONG_ID."""
    bump_sequences(XIXIANG_ID - 1)
    build_chamber(world.xixiang, world.secretary, MARKERS["xixiang"])
    bump_sequences(FUYONG_ID - 1)
    build_chamber(world.fuyong, world.other_secretary, MARKERS["fuyong"])
