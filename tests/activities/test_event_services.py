"""Event and sign-up services: every legal and illegal step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chamber.activities import services
from chamber.activities.choices import CheckInMethod, EventStatus, RegistrationStatus
from chamber.activities.models import CheckIn, Registration
from chamber.core.models import AuditEntry
from chamber.core.steps import StepRefused

from .conftest import make_event, make_member

pytestmark = pytest.mark.django_db


# --- the event's own workflow --------------------------------------------------------------


def test_new_event_is_a_draft_and_takes_no_sign_ups(world):
    event = make_event(world.xixiang, actor=world.secretary, announce=False)
    assert event.status == EventStatus.DRAFT
    with pytest.raises(ValidationError, match="does not take sign-ups"):
        services.register(actor=world.secretary, event=event, enterprise=world.ent_x)


def test_announce_close_reopen_cancel(world):
    event = make_event(world.xixiang, actor=world.secretary, announce=False)
    event = services.announce_event(actor=world.secretary, event=event)
    assert event.status == EventStatus.ANNOUNCED
    with pytest.raises(StepRefused, match="the event is open for sign-up"):
        services.announce_event(actor=world.secretary, event=event)
    event = services.close_registration(actor=world.secretary, event=event)
    assert event.status == EventStatus.CLOSED
    with pytest.raises(StepRefused, match="Possible now: Open for sign-up, Cancel"):
        services.close_registration(actor=world.secretary, event=event)
    event = services.announce_event(actor=world.secretary, event=event)  # reopen
    assert event.status == EventStatus.ANNOUNCED
    with pytest.raises(ValidationError) as e:
        services.cancel_event(actor=world.secretary, event=event, reason="")
    assert "reason" in e.value.message_dict
    event = services.cancel_event(actor=world.secretary, event=event, reason="台风")
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "台风"
    with pytest.raises(StepRefused, match="the event is cancelled"):
        services.cancel_event(actor=world.secretary, event=event, reason="again")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_event(actor=world.secretary, event=event, title="new")


def test_cancelling_an_event_cancels_its_sign_ups(world, members):
    event = make_event(world.xixiang, capacity=1)
    first = services.register(actor=None, event=event, enterprise=members[0][0])
    second = services.register(actor=None, event=event, enterprise=members[1][0])
    assert second.status == RegistrationStatus.WAITLISTED
    services.cancel_event(actor=world.secretary, event=event, reason="场地取消")
    statuses = set(
        Registration.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {RegistrationStatus.CANCELLED}


def test_an_event_someone_attended_cannot_be_cancelled(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    services.check_in(actor=world.secretary, registration=reg)
    with pytest.raises(ValidationError, match="took place"):
        services.cancel_event(actor=world.secretary, event=event, reason="x")


def test_event_validation_is_keyed_by_field(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as e:
        services.create_event(
            actor=world.secretary,
            organization=world.xixiang,
            kind="party",
            title=" ",
            starts_at=now,
            ends_at=now - datetime.timedelta(hours=1),
            destination="abroad",
            capacity=0,
        )
    assert set(e.value.message_dict) >= {"kind", "title", "ends_at", "city", "capacity"}


def test_only_the_organisers_side_creates_and_edits(world):
    with pytest.raises(PermissionDenied):
        make_event(world.fuyong, actor=world.secretary)
    with pytest.raises(PermissionDenied):
        make_event(world.xixiang, actor=world.leader)
    event = make_event(world.fuyong, co_organizers=[world.xixiang])
    # a co-organiser handles sign-ups but does not edit the event
    with pytest.raises(PermissionDenied):
        services.update_event(actor=world.secretary, event=event, title="改名")
    reg = services.register(actor=world.secretary, event=event, enterprise=world.ent_x)
    assert reg.status == RegistrationStatus.CONFIRMED


def test_capacity_cannot_drop_below_places_taken_and_raising_it_moves_the_list(world, members):
    event = make_event(world.xixiang, capacity=2)
    for ent, _p in members:
        services.register(actor=None, event=event, enterprise=ent)
    with pytest.raises(ValidationError) as e:
        services.update_event(actor=world.secretary, event=event, capacity=1)
    assert "capacity" in e.value.message_dict
    services.update_event(actor=world.secretary, event=event, capacity=3)
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 3


def test_edit_is_audited_with_the_changes(world):
    event = make_event(world.xixiang, actor=world.secretary)
    services.update_event(
        actor=world.secretary, event=event, title="改名后的培训", co_organizers=[world.district]
    )
    entry = AuditEntry.objects.filter(object_id=event.pk, action="update").first()
    assert entry.changes["title"][1] == "改名后的培训"
    assert entry.changes["co_organizers"] == [[], ["d"]]


# --- sign-up and the waiting list -----------------------------------------------------------


def test_sign_up_then_waiting_list_then_moves_up_in_order(world, members):
    event = make_event(world.xixiang, capacity=2)
    (e1, _), (e2, _), (e3, _) = members
    r1 = services.register(actor=world.secretary, event=event, enterprise=e1)
    r2 = services.register(actor=world.secretary, event=event, enterprise=e2)
    r3 = services.register(actor=world.secretary, event=event, enterprise=e3)
    r4 = services.register(actor=world.secretary, event=event, enterprise=world.ent_x)
    assert [r.status for r in (r1, r2, r3, r4)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    services.cancel_registration(actor=world.secretary, registration=r1)
    r3.refresh_from_db()
    r4.refresh_from_db()
    assert (r3.status, r4.status) == ("confirmed", "waitlisted")
    assert services.seats_taken(event) == 2


def test_waiting_list_is_first_come_first_served_even_for_a_smaller_party(world, members):
    event = make_event(world.xixiang, capacity=3)
    (e1, _), (e2, _), (e3, _) = members
    big = services.register(actor=None, event=event, enterprise=e1, party_size=2)
    queued_big = services.register(actor=None, event=event, enterprise=e2, party_size=2)
    queued_small = services.register(actor=None, event=event, enterprise=e3, party_size=1)
    assert queued_big.status == queued_small.status == RegistrationStatus.WAITLISTED
    # one place is free, but the party of two is first in line: nobody jumps it
    assert services.seats_taken(event) == 2
    services.cancel_registration(actor=None, registration=big)
    queued_big.refresh_from_db()
    queued_small.refresh_from_db()
    assert queued_big.status == queued_small.status == RegistrationStatus.CONFIRMED


def test_cancelling_twice_or_after_check_in_is_refused(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    services.check_in(actor=world.secretary, registration=reg)
    with pytest.raises(ValidationError, match="checked in already"):
        services.cancel_registration(actor=world.secretary, registration=reg)
    other = services.register(actor=None, event=event, person=world.rep_x, note="本人")
    services.cancel_registration(actor=world.secretary, registration=other)
    with pytest.raises(ValidationError, match="cancelled already"):
        services.cancel_registration(actor=world.secretary, registration=other)


def test_one_active_sign_up_per_person_and_per_enterprise(world):
    event = make_event(world.xixiang)
    services.register(actor=None, event=event, enterprise=world.ent_x)
    with pytest.raises(ValidationError) as e:
        services.register(actor=None, event=event, enterprise=world.ent_x)
    assert "enterprise" in e.value.message_dict
    # the same enterprise may still sign up named people
    services.register(actor=None, event=event, person=world.rep_x)
    with pytest.raises(ValidationError) as e:
        services.register(actor=None, event=event, person=world.rep_x, enterprise=world.ent_x)
    assert "person" in e.value.message_dict
    # and the database says the same if a write slips past the service
    reg = Registration(event=event, person=world.rep_x, enterprise=world.ent_x)
    with pytest.raises(IntegrityError), transaction.atomic():
        reg.save()


def test_a_person_signs_up_for_their_own_enterprise(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, person=world.rep_x)
    assert reg.enterprise == world.ent_x
    with pytest.raises(ValidationError) as e:
        services.register(actor=None, event=event, person=world.rep_f, enterprise=world.ent_x)
    assert "person" in e.value.message_dict


def test_nobody_is_signed_up_by_name_alone(world):
    event = make_event(world.xixiang)
    with pytest.raises(ValidationError):
        services.register(actor=None, event=event)
    with pytest.raises(ValidationError) as e:
        services.register(actor=None, event=event, enterprise=world.ent_x, party_size=0)
    assert "party_size" in e.value.message_dict


def test_sign_up_closes_at_the_deadline(world):
    event = make_event(
        world.xixiang,
        starts=timezone.now() + datetime.timedelta(days=3),
        registration_deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    with pytest.raises(ValidationError, match="closed at"):
        services.register(actor=None, event=event, enterprise=world.ent_x)


def test_open_to_members_of_named_organisations_only(world):
    event = make_event(world.district, open_to=[world.xixiang])
    services.register(actor=None, event=event, enterprise=world.ent_x)
    with pytest.raises(ValidationError, match="Only members of 西乡街道商会"):
        services.register(actor=None, event=event, enterprise=world.ent_f)
    # open to the district: everyone below it may come
    wide = make_event(world.district, open_to=[world.district], title="全区培训")
    services.register(actor=None, event=wide, enterprise=world.ent_f)


def test_a_chamber_cannot_sign_up_another_chambers_member(world):
    event = make_event(world.xixiang)
    with pytest.raises(ValidationError) as e:
        services.register(actor=world.secretary, event=event, enterprise=world.ent_f)
    assert "enterprise" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.register(actor=world.other_secretary, event=event, enterprise=world.ent_f)


def test_party_size_grows_only_into_free_places(world, members):
    event = make_event(world.xixiang, capacity=3)
    reg = services.register(actor=None, event=event, enterprise=members[0][0], party_size=2)
    waiting = services.register(actor=None, event=event, enterprise=members[1][0], party_size=2)
    with pytest.raises(ValidationError, match="Only 1 more"):
        services.set_party_size(actor=None, registration=reg, party_size=4)
    services.set_party_size(actor=None, registration=reg, party_size=1)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


# --- walk-ins --------------------------------------------------------------------------------


def test_walk_in_is_signed_up_and_checked_in(world, members):
    event = make_event(world.xixiang, capacity=1)
    reg = services.register(
        actor=world.secretary, event=event, enterprise=world.ent_x, walk_in=True
    )
    assert reg.walk_in and reg.status == RegistrationStatus.CONFIRMED
    assert reg.check_in.method == CheckInMethod.WALK_IN
    # full: refused unless staff admit over capacity
    with pytest.raises(ValidationError, match="full"):
        services.register(
            actor=world.secretary, event=event, enterprise=members[0][0], walk_in=True
        )
    over = services.register(
        actor=world.secretary,
        event=event,
        enterprise=members[0][0],
        walk_in=True,
        over_capacity=True,
    )
    assert over.status == RegistrationStatus.CONFIRMED and services.seats_taken(event) == 2


def test_walk_ins_are_taken_after_sign_up_closes_but_not_before_the_day(world):
    event = make_event(world.xixiang)
    services.close_registration(actor=None, event=event)
    services.register(actor=None, event=event, enterprise=world.ent_x, walk_in=True)
    later = make_event(world.xixiang, starts=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="opens on the day"):
        services.register(actor=None, event=later, person=world.rep_x, walk_in=True)


# --- check-in -------------------------------------------------------------------------------


def test_check_in_twice_is_refused(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x, party_size=3)
    check = services.check_in(actor=world.secretary, registration=reg, headcount=2)
    assert check.headcount == 2 and check.by == world.secretary
    with pytest.raises(ValidationError, match="checked in already"):
        services.check_in(actor=world.secretary, registration=reg)
    with pytest.raises(ValidationError, match="checked in already"):
        services.check_in_by_code(actor=world.secretary, event=event, code=reg.code)
    assert CheckIn.objects.filter(registration=reg).count() == 1


def test_the_database_refuses_a_second_check_in(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    CheckIn.objects.create(registration=reg, method=CheckInMethod.LIST)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(registration=reg, method=CheckInMethod.TYPED)


def test_check_in_by_code_accepts_the_qr_text_and_typed_forms(world, members):
    event = make_event(world.xixiang)
    regs = [services.register(actor=None, event=event, enterprise=e) for e, _p in members]
    services.check_in_by_code(
        actor=world.secretary, event=event, code=regs[0].qr_payload, method="camera"
    )
    services.check_in_by_code(actor=world.secretary, event=event, code=regs[1].code_display.lower())
    services.check_in_by_code(
        actor=world.secretary, event=event, code=f" {regs[2].code[:5]}-{regs[2].code[5:]} "
    )
    methods = sorted(
        CheckIn.objects.filter(registration__event=event).values_list("method", flat=True)
    )
    assert methods == ["camera", "typed", "typed"]


def test_check_in_by_code_errors(world):
    event = make_event(world.xixiang)
    other = make_event(world.xixiang, title="另一场")
    reg = services.register(actor=None, event=other, enterprise=world.ent_x)
    with pytest.raises(ValidationError, match="different event"):
        services.check_in_by_code(actor=world.secretary, event=event, code=reg.code)
    with pytest.raises(ValidationError, match="No sign-up has the code"):
        services.check_in_by_code(actor=world.secretary, event=event, code="ZZZZZZZZZZ")
    with pytest.raises(ValidationError):
        services.check_in_by_code(actor=world.secretary, event=event, code="  ")


def test_waitlisted_cancelled_and_early_check_ins_are_refused(world, members):
    event = make_event(world.xixiang, capacity=1)
    services.register(actor=None, event=event, enterprise=members[0][0])
    waiting = services.register(actor=None, event=event, enterprise=members[1][0])
    with pytest.raises(ValidationError, match="waiting list"):
        services.check_in(actor=world.secretary, registration=waiting)
    services.cancel_registration(actor=None, registration=waiting)
    with pytest.raises(ValidationError, match="cancelled"):
        services.check_in(actor=world.secretary, registration=waiting)
    later = make_event(world.xixiang, starts=timezone.now() + datetime.timedelta(days=1))
    early = services.register(actor=None, event=later, enterprise=world.ent_x)
    with pytest.raises(ValidationError, match="opens on the day"):
        services.check_in(actor=world.secretary, registration=early)


def test_headcount_must_fit_the_party(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x, party_size=2)
    with pytest.raises(ValidationError) as e:
        services.check_in(actor=world.secretary, registration=reg, headcount=3)
    assert "headcount" in e.value.message_dict


def test_only_the_events_organisers_check_in(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=world.other_secretary, registration=reg)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=world.leader, registration=reg)


def test_undo_check_in_needs_a_reason_and_is_audited(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=None, event=event, enterprise=world.ent_x)
    with pytest.raises(StepRefused, match="the sign-up is confirmed"):
        services.undo_check_in(actor=world.secretary, registration=reg, reason="误签")
    services.check_in(actor=world.secretary, registration=reg)
    with pytest.raises(ValidationError):
        services.undo_check_in(actor=world.secretary, registration=reg, reason="")
    services.undo_check_in(actor=world.secretary, registration=reg, reason="误签")
    assert not CheckIn.objects.filter(registration=reg).exists()
    assert AuditEntry.objects.filter(object_id=reg.pk, note="误签").exists()
    services.check_in(actor=world.secretary, registration=reg)  # and again, properly


def test_steps_leave_an_audit_trail_on_the_member(world):
    event = make_event(world.xixiang)
    reg = services.register(actor=world.secretary, event=event, enterprise=world.ent_x)
    services.check_in(actor=world.secretary, registration=reg)
    from chamber.core.audit import trail_for

    actions = list(trail_for(world.ent_x).values_list("action", flat=True))
    assert actions.count("step") == 1 and "create" in actions


def test_make_member_helper(world):
    ent, person = make_member(world.fuyong, "测试会员有限公司")
    assert person.enterprise == ent and ent.memberships.get().organization == world.fuyong
