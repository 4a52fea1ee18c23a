"""The case workflow: every step from every state, legal or not, through the services.
The expected table below is written out by hand (not read from the code), so a change
to the workflow shows up here."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chamber.casework import services
from chamber.casework.choices import Satisfaction, Status, Step
from chamber.casework.models import Case, CaseEvent
from chamber.core.models import AuditEntry

pytestmark = pytest.mark.django_db

S = Status

# state -> {step: state after}. Every step missing from a row is illegal there.
# "handed_over" is in progress with a department; "followed_up_unsatisfied" likewise
# a variant of followed up.
EXPECTED: dict[str, dict[str, str]] = {
    "received": {Step.ASSIGN: S.ASSIGNED, Step.REJECT: S.REJECTED, Step.MERGE: S.MERGED},
    "assigned": {
        Step.ASSIGN: S.ASSIGNED,
        Step.START: S.IN_PROGRESS,
        Step.HAND_OVER: S.IN_PROGRESS,
        Step.RESOLVE: S.RESOLVED,
        Step.REJECT: S.REJECTED,
        Step.MERGE: S.MERGED,
        Step.URGE: S.ASSIGNED,
    },
    "in_progress": {
        Step.ASSIGN: S.IN_PROGRESS,
        Step.HAND_OVER: S.IN_PROGRESS,
        Step.RESOLVE: S.RESOLVED,
        Step.REJECT: S.REJECTED,
        Step.MERGE: S.MERGED,
        Step.URGE: S.IN_PROGRESS,
    },
    "handed_over": {
        Step.ASSIGN: S.IN_PROGRESS,
        Step.RETURN: S.RETURNED,
        Step.RESOLVE: S.RESOLVED,
        Step.REJECT: S.REJECTED,
        Step.MERGE: S.MERGED,
        Step.URGE: S.IN_PROGRESS,
    },
    "returned": {
        Step.ASSIGN: S.ASSIGNED,
        Step.START: S.IN_PROGRESS,
        Step.HAND_OVER: S.IN_PROGRESS,
        Step.REJECT: S.REJECTED,
        Step.MERGE: S.MERGED,
        Step.URGE: S.RETURNED,
    },
    "resolved": {Step.FOLLOW_UP: S.FOLLOWED_UP},
    "followed_up": {Step.CLOSE: S.CLOSED},
    "followed_up_unsatisfied": {Step.REOPEN: S.REOPENED, Step.CLOSE: S.CLOSED},
    "reopened": {
        Step.ASSIGN: S.ASSIGNED,
        Step.START: S.IN_PROGRESS,
        Step.HAND_OVER: S.IN_PROGRESS,
        Step.RESOLVE: S.RESOLVED,
        Step.MERGE: S.MERGED,
        Step.URGE: S.REOPENED,
    },
    "closed": {},
    "rejected": {},
    "merged": {},
}
STEPS = [s for s in Step.values if s not in (Step.RAISE, Step.ESCALATE)]


def bring_to(state: str, w, cw) -> Case:
    """A case in `state`, reached by legal steps only."""
    me = w.secretary
    case = cw.raise_case()
    if state == "received":
        return case
    if state in ("rejected", "merged"):
        if state == "rejected":
            return services.reject_case(actor=me, case=case, reason="不属于商会职能范围")
        other = cw.raise_case(title="同一问题的另一条记录")
        return services.merge_case(actor=me, case=case, into=other)
    services.assign_case(actor=me, case=case, assignee=me)
    if state == "assigned":
        return case
    if state in ("handed_over", "returned"):
        services.hand_over_case(actor=me, case=case, department=cw.dept)
        if state == "returned":
            services.return_case(actor=me, case=case, reason="不属于本局职责")
        return case
    services.start_case(actor=me, case=case)
    if state == "in_progress":
        return case
    services.resolve_case(actor=me, case=case, resolution="协调银行办理续贷")
    if state == "resolved":
        return case
    unsatisfied = state != "followed_up"
    services.follow_up_case(
        actor=me,
        case=case,
        satisfaction=Satisfaction.UNSATISFIED if unsatisfied else Satisfaction.SATISFIED,
        score=2 if unsatisfied else 5,
        comment="利率仍然偏高" if unsatisfied else "",
    )
    if state in ("followed_up", "followed_up_unsatisfied"):
        return case
    if state == "reopened":
        return services.reopen_case(actor=me, case=case, reason="企业不满意,重新协调")
    if state == "closed":
        return services.close_case(actor=me, case=case, comment="企业接受结果")
    raise AssertionError(state)


def do(step: str, case: Case, w, cw) -> Case:
    """Take `step` with valid input."""
    me = w.secretary
    if step == Step.ASSIGN:
        other = w.staff if case.assignee_id == me.pk else me
        return services.assign_case(actor=me, case=case, assignee=other)
    if step == Step.START:
        return services.start_case(actor=me, case=case)
    if step == Step.HAND_OVER:
        return services.hand_over_case(actor=me, case=case, department=cw.depts[1])
    if step == Step.RETURN:
        return services.return_case(actor=me, case=case, reason="交办错误")
    if step == Step.RESOLVE:
        return services.resolve_case(actor=me, case=case, resolution="已协调解决")
    if step == Step.FOLLOW_UP:
        return services.follow_up_case(
            actor=me, case=case, satisfaction=Satisfaction.BASIC, score=4
        )
    if step == Step.REOPEN:
        return services.reopen_case(actor=me, case=case, reason="重新办理")
    if step == Step.CLOSE:
        return services.close_case(actor=me, case=case, comment="结案")
    if step == Step.REJECT:
        return services.reject_case(actor=me, case=case, reason="不予受理")
    if step == Step.MERGE:
        target = cw.raise_case(title="合并目标")
        return services.merge_case(actor=me, case=case, into=target)
    if step == Step.URGE:
        return services.urge_case(actor=me, case=case, comment="请加快办理")
    raise AssertionError(step)


@pytest.mark.parametrize("state", list(EXPECTED))
@pytest.mark.parametrize("step", STEPS)
def test_every_step_from_every_state(world, cw, state, step):
    case = bring_to(state, world, cw)
    before_status = case.status
    events_before = CaseEvent.objects.filter(case=case).count()
    audits_before = AuditEntry.objects.filter(action="step", object_id=case.pk).count()
    expected = EXPECTED[state].get(step)
    if expected is None:
        with pytest.raises(ValidationError) as err:
            do(step, case, world, cw)
        assert "status" in err.value.message_dict
        case.refresh_from_db()
        assert case.status == before_status
        assert CaseEvent.objects.filter(case=case).count() == events_before
    else:
        do(step, case, world, cw)
        case.refresh_from_db()
        assert case.status == expected
        event = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert event.step == step and event.actor == world.secretary
        assert event.from_status == before_status and event.to_status == expected
        assert (
            AuditEntry.objects.filter(action="step", object_id=case.pk).count() == audits_before + 1
        )


def test_illegal_step_says_the_state_and_what_is_possible(world, cw):
    case = bring_to("resolved", world, cw)
    with pytest.raises(ValidationError) as err:
        services.hand_over_case(actor=world.secretary, case=case, department=cw.dept)
    message = " ".join(err.value.message_dict["status"])
    assert "resolved" in message and "Record the follow-up" in message


def test_legal_steps_match_the_table(world, cw):
    for state, steps in EXPECTED.items():
        case = bring_to(state, world, cw)
        assert set(services.legal_steps(case)) == set(steps), state


def test_other_chamber_and_leader_may_not_take_steps(world, cw):
    case = bring_to("assigned", world, cw)
    for who in (world.other_secretary, world.leader, world.outsider):
        with pytest.raises(PermissionDenied):
            services.start_case(actor=who, case=case)
        assert services.next_steps(case, who) == []
    case.refresh_from_db()
    assert case.status == S.ASSIGNED
    # the district's staff may act on a street's case
    services.start_case(actor=world.staff, case=case)
    assert case.status == S.IN_PROGRESS


def test_raise_checks_rights_and_input(world, cw):
    with pytest.raises(PermissionDenied):
        cw.raise_case(actor=world.other_secretary)
    with pytest.raises(ValidationError) as err:
        cw.raise_case(title="  ")
    assert "title" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        cw.raise_case(enterprise=world.ent_f)  # fuyong's member, not xixiang secretary's
    assert "enterprise" in err.value.message_dict
    case = cw.raise_case()
    assert case.status == S.RECEIVED
    assert case.events.get().step == Step.RAISE
    assert AuditEntry.objects.filter(
        action="create", object_id=case.pk, subject_id=world.ent_x.pk
    ).exists()


def test_assignee_must_work_for_the_chamber(world, cw):
    case = cw.raise_case()
    with pytest.raises(ValidationError) as err:
        services.assign_case(actor=world.secretary, case=case, assignee=world.other_secretary)
    assert "assignee" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.assign_case(actor=world.secretary, case=case, assignee=world.leader)
    services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    with pytest.raises(ValidationError) as err:
        services.assign_case(actor=world.secretary, case=case, assignee=world.secretary)
    assert "already" in err.value.message_dict["assignee"][0]


def test_steps_need_their_reasons(world, cw):
    case = bring_to("handed_over", world, cw)
    with pytest.raises(ValidationError) as err:
        services.return_case(actor=world.secretary, case=case, reason=" ")
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.resolve_case(actor=world.secretary, case=case, resolution="")
    assert "resolution" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.reject_case(actor=world.secretary, case=case, reason="")
    assert "reason" in err.value.message_dict


def test_follow_up_validates_satisfaction_and_score(world, cw):
    case = bring_to("resolved", world, cw)
    for kwargs, field in [
        ({"satisfaction": "happy", "score": 5}, "satisfaction"),
        ({"satisfaction": Satisfaction.SATISFIED, "score": 6}, "score"),
        ({"satisfaction": Satisfaction.SATISFIED, "score": 0}, "score"),
        ({"satisfaction": Satisfaction.SATISFIED, "score": None}, "score"),
        ({"satisfaction": Satisfaction.UNSATISFIED, "score": 1, "comment": ""}, "comment"),
    ]:
        with pytest.raises(ValidationError) as err:
            services.follow_up_case(actor=world.secretary, case=case, **kwargs)
        assert field in err.value.message_dict, kwargs
    services.follow_up_case(
        actor=world.secretary, case=case, satisfaction=Satisfaction.SATISFIED, score=5
    )
    assert (case.satisfaction, case.satisfaction_score) == ("satisfied", 5)


def test_reopen_only_after_unsatisfied_and_close_needs_a_reason_then(world, cw):
    happy = bring_to("followed_up", world, cw)
    with pytest.raises(ValidationError) as err:
        services.reopen_case(actor=world.secretary, case=happy, reason="x")
    assert "unsatisfied" in err.value.message_dict["status"][0]
    unhappy = bring_to("followed_up_unsatisfied", world, cw)
    with pytest.raises(ValidationError) as err:
        services.close_case(actor=world.secretary, case=unhappy, comment="")
    assert "comment" in err.value.message_dict
    services.reopen_case(actor=world.secretary, case=unhappy, reason="再协调")
    assert unhappy.reopen_count == 1 and unhappy.resolved_on is None
    assert unhappy.due_on is not None


def test_hand_over_needs_an_assignee_and_no_department_yet(world, cw):
    case = cw.raise_case()
    with pytest.raises(ValidationError):
        services.hand_over_case(actor=world.secretary, case=case, department=cw.dept)
    case = bring_to("handed_over", world, cw)
    with pytest.raises(ValidationError) as err:
        services.hand_over_case(actor=world.secretary, case=case, department=cw.depts[1])
    assert cw.dept.name in err.value.message_dict["status"][0]
    inactive = cw.depts[2]
    inactive.active = False
    inactive.save()
    returned = bring_to("returned", world, cw)
    with pytest.raises(ValidationError) as err:
        services.hand_over_case(actor=world.secretary, case=returned, department=inactive)
    assert "department" in err.value.message_dict


def test_return_without_department_is_refused(world, cw):
    case = bring_to("in_progress", world, cw)
    with pytest.raises(ValidationError) as err:
        services.return_case(actor=world.secretary, case=case, reason="x")
    assert "department" in err.value.message_dict["status"][0]


def test_third_return_escalates(world, cw):
    me = world.secretary
    case = bring_to("assigned", world, cw)
    for n, dept in enumerate(cw.depts[:3], start=1):
        services.hand_over_case(actor=me, case=case, department=dept)
        services.return_case(actor=me, case=case, reason=f"第{n}次退回")
        case.refresh_from_db()
        assert case.return_count == n
        assert case.escalated is (n >= 3)
    steps = list(case.events.values_list("step", flat=True))
    assert steps.count(Step.ESCALATE) == 1 and steps[-1] == Step.ESCALATE
    # a fourth return does not escalate again
    services.hand_over_case(actor=me, case=case, department=cw.depts[3])
    services.return_case(actor=me, case=case, reason="第4次退回")
    assert list(case.events.values_list("step", flat=True)).count(Step.ESCALATE) == 1


def test_urging_is_counted_and_keeps_the_state(world, cw):
    case = bring_to("handed_over", world, cw)
    services.urge_case(actor=world.secretary, case=case, comment="电话催办")
    services.urge_case(actor=world.secretary, case=case, comment="再次催办")
    case.refresh_from_db()
    assert case.urge_count == 2 and case.status == S.IN_PROGRESS
    assert case.events.filter(step=Step.URGE).count() == 2


def test_merge_targets(world, cw):
    case = cw.raise_case()
    with pytest.raises(ValidationError) as err:
        services.merge_case(actor=world.secretary, case=case, into=case)
    assert "into" in err.value.message_dict
    closed = bring_to("rejected", world, cw)
    with pytest.raises(ValidationError) as err:
        services.merge_case(actor=world.secretary, case=case, into=closed)
    assert "into" in err.value.message_dict
    foreign = services.raise_case(
        actor=world.other_secretary,
        organization=world.fuyong,
        enterprise=world.ent_f,
        category=cw.financing,
        title="福永的问题",
    )
    with pytest.raises(ValidationError) as err:
        services.merge_case(actor=world.secretary, case=case, into=foreign)
    assert "into" in err.value.message_dict
    target = cw.raise_case(title="主记录")
    services.merge_case(actor=world.secretary, case=case, into=target)
    assert case.merged_into == target and case.status == S.MERGED


def test_step_on_stale_instance_uses_the_current_state(world, cw):
    """Two people open the same case; the second step sees the first one's result."""
    case = bring_to("in_progress", world, cw)
    stale = Case.objects.get(pk=case.pk)
    services.resolve_case(actor=world.secretary, case=case, resolution="已解决")
    with pytest.raises(ValidationError):
        services.reject_case(actor=world.staff, case=stale, reason="重复")
    assert Case.objects.get(pk=case.pk).status == S.RESOLVED
