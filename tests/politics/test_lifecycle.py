"""The proposal lifecycle through its services: every legal step, every illegal one
refused with a reason, submitters' posts, due dates, the timeline and the audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from chamber.core.models import AuditEntry
from chamber.politics import deadlines, services
from chamber.politics.choices import Body, Level, ProposalKind, Status, Step
from chamber.politics.models import Proposal, ProposalStep

from .conftest import ASSIGN, FILE, REPLY, SIGN, SUBMIT, D, advance, draft, post

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_whole_lifecycle_writes_timeline_and_audit(pol):
    p = draft(pol, actor=pol.w.staff)
    assert p.status == Status.DRAFTED
    advance(pol, p, "closed", actor=pol.w.staff)
    p.refresh_from_db()
    assert (p.submitted_on, p.filed_on, p.assigned_on, p.signed_on) == (SUBMIT, FILE, ASSIGN, SIGN)
    assert p.reply_due == D(2017, 5, 1)
    assert p.first_replied_on == REPLY and p.grade == "A" and p.satisfaction == "satisfied"
    assert p.closed_on == D(2017, 6, 30) and p.file_number == "2017-001"
    steps = list(p.steps.values_list("step", "from_status", "to_status"))
    assert steps == [
        (Step.DRAFT, "", Status.DRAFTED),
        (Step.SUBMIT, Status.DRAFTED, Status.SUBMITTED),
        (Step.FILE, Status.SUBMITTED, Status.FILED),
        (Step.ASSIGN, Status.FILED, Status.ASSIGNED),
        (Step.SIGN, Status.ASSIGNED, Status.SIGNED),
        (Step.REPLY, Status.SIGNED, Status.REPLIED),
        (Step.EVALUATE, Status.REPLIED, Status.EVALUATED),
        (Step.CLOSE, Status.EVALUATED, Status.CLOSED),
    ]
    assert set(p.steps.values_list("actor__username", flat=True)) == {"district"}
    entries = AuditEntry.objects.filter(object_id=p.pk, object_type__model="proposal")
    assert entries.count() == 8
    # The trail is about the lead submitter's enterprise, so its member page shows it.
    assert set(entries.values_list("subject_id", flat=True)) == {pol.w.ent_x.pk}
    assert list(p.topics.values_list("name", flat=True)) == ["企业服务", "营商环境"]


def test_co_submitter_without_a_post_is_refused_by_name(pol):
    p = draft(pol, co_submitters=[pol.co_x, pol.nopost_x])
    with pytest.raises(ValidationError) as e:
        services.submit_proposal(actor=None, proposal=p, on=SUBMIT)
    errors = e.value.message_dict
    assert list(errors) == ["co_submitters"]
    assert "赵六" in errors["co_submitters"][0] and "李四" not in errors["co_submitters"][0]
    p.refresh_from_db()
    assert p.status == Status.DRAFTED and not p.steps.filter(step=Step.SUBMIT).exists()


def test_post_must_match_body_term_and_date(pol):
    # A congress deputy cannot submit a CPPCC proposal...
    p = draft(pol, lead=pol.w.rep_f, co_submitters=[])
    with pytest.raises(ValidationError) as e:
        services.submit_proposal(actor=None, proposal=p, on=SUBMIT)
    assert "王五" in messages(e.value) and "lead" in e.value.message_dict
    # ... but may submit a motion to the congress of their term.
    m = draft(pol, kind=ProposalKind.MOTION, lead=pol.w.rep_f, co_submitters=[], session_term=6)
    services.submit_proposal(actor=None, proposal=m, on=SUBMIT)
    assert m.status == Status.SUBMITTED
    # A proposal to the 5th term submitted before that term began is refused,
    # even though the lead held a 4th-term seat that day.
    early = draft(pol, session_year=2016, co_submitters=[])
    with pytest.raises(ValidationError) as e:
        services.submit_proposal(actor=None, proposal=early, on=D(2016, 3, 1))
    assert "任正非" in messages(e.value)
    old = draft(pol, session_year=2016, session_term=4, co_submitters=[])
    services.submit_proposal(actor=None, proposal=old, on=D(2016, 3, 1))
    assert old.status == Status.SUBMITTED
    # An ended post no longer counts.
    with pytest.raises(ValidationError):
        services.submit_proposal(
            actor=None, proposal=draft(pol, session_term=4, co_submitters=[]), on=D(2017, 1, 5)
        )


def test_lead_cannot_also_be_co_submitter(pol):
    with pytest.raises(ValidationError) as e:
        draft(pol, co_submitters=[pol.w.rep_x])
    assert "co_submitters" in e.value.message_dict


def test_create_and_submit_at_once(pol):
    p = draft(pol, actor=pol.w.staff, submit_on=SUBMIT)
    assert p.status == Status.SUBMITTED and p.submitted_on == SUBMIT
    # The draft row is dated the submission day, not today, so the timeline reads well.
    assert p.steps.get(step=Step.DRAFT).on == SUBMIT


@pytest.mark.parametrize(
    ("status", "step", "kwargs"),
    [
        ("drafted", "file", {"on": FILE}),
        ("drafted", "assign", {"on": ASSIGN, "lead_unit": "fgw"}),
        ("submitted", "reply", {"on": REPLY, "text": "x", "grade": "A"}),
        ("submitted", "sign", {"on": SIGN}),
        ("filed", "sign", {"on": SIGN}),
        ("filed", "submit", {"on": SUBMIT}),
        ("assigned", "reply", {"on": REPLY, "text": "x", "grade": "A"}),
        ("assigned", "file", {"on": FILE}),
        ("signed", "evaluate", {"on": REPLY, "satisfaction": "satisfied"}),
        ("signed", "return", {"on": SIGN, "reason": "x"}),
        ("replied", "rehandle", {"on": REPLY}),
        ("replied", "reply", {"on": REPLY, "text": "x", "grade": "A"}),
        ("closed", "reply", {"on": REPLY, "text": "x", "grade": "A"}),
        ("closed", "evaluate", {"on": REPLY, "satisfaction": "satisfied"}),
    ],
)
def test_illegal_steps_are_refused_with_the_reason(pol, status, step, kwargs):
    p = advance(pol, draft(pol), status)
    before = p.steps.count()
    kwargs = {k: getattr(pol, v) if k == "lead_unit" else v for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as e:
        services.STEP_FUNCTIONS[step](actor=None, proposal=p, **kwargs)
    text = messages(e.value)
    assert str(Status(status).label) in text
    if status == "closed":
        assert "ended" in text
    else:
        assert "Possible next steps" in text
    p.refresh_from_db()
    assert p.status == status and p.steps.count() == before


def test_not_filed_with_reason_and_passed_on(pol):
    p = advance(pol, draft(pol), "submitted")
    with pytest.raises(ValidationError) as e:
        services.decline_proposal(actor=None, proposal=p, on=FILE, reason=" ")
    assert "reason" in e.value.message_dict
    services.decline_proposal(
        actor=None, proposal=p, on=FILE, reason="属于个案诉求", passed_on_as_opinion=True
    )
    p.refresh_from_db()
    assert p.status == Status.NOT_FILED and p.passed_on_as_opinion and p.decided_on == FILE
    assert services.legal_steps(p) == []
    with pytest.raises(ValidationError):
        services.assign_proposal(actor=None, proposal=p, on=ASSIGN, lead_unit=pol.fgw)


def test_merge_into_another_proposal(pol):
    target = advance(pol, draft(pol, title="关于人才住房的提案"), "filed")
    p = advance(pol, draft(pol, title="关于人才公寓的提案"), "submitted")
    with pytest.raises(ValidationError) as e:
        services.merge_proposal(actor=None, proposal=p, into=p, on=FILE)
    assert "into" in e.value.message_dict
    other_kind = advance(
        pol,
        draft(pol, kind=ProposalKind.MOTION, lead=pol.w.rep_f, co_submitters=[], session_term=6),
        "submitted",
    )
    with pytest.raises(ValidationError):
        services.merge_proposal(actor=None, proposal=p, into=other_kind, on=FILE)
    services.merge_proposal(actor=None, proposal=p, into=target, on=FILE)
    p.refresh_from_db()
    assert p.status == Status.MERGED and p.merged_into == target
    # A merged proposal cannot take others.
    third = advance(pol, draft(pol, title="第三份"), "submitted")
    with pytest.raises(ValidationError):
        services.merge_proposal(actor=None, proposal=third, into=p, on=FILE)


def test_return_within_window_then_reassign_elsewhere(pol):
    p = advance(pol, draft(pol), "assigned")
    services.return_proposal(
        actor=None, proposal=p, on=ASSIGN + datetime.timedelta(days=10), reason="不属本单位职责"
    )
    p.refresh_from_db()
    assert p.status == Status.RETURNED and p.lead_unit is None and p.reply_due is None
    assert not p.co_handlers.exists()
    # Not back to the unit that returned it.
    with pytest.raises(ValidationError) as e:
        services.assign_proposal(actor=None, proposal=p, on=D(2017, 2, 15), lead_unit=pol.fgw)
    assert "lead_unit" in e.value.message_dict
    services.assign_proposal(actor=None, proposal=p, on=D(2017, 2, 15), lead_unit=pol.jcj)
    p.refresh_from_db()
    # The due date runs from the new assignment.
    assert p.status == Status.ASSIGNED and p.reply_due == D(2017, 5, 15)


def test_return_after_the_window_is_refused(pol):
    p = advance(pol, draft(pol), "assigned")
    assert Step.RETURN in services.legal_steps(p, on=ASSIGN + datetime.timedelta(days=10))
    late = ASSIGN + datetime.timedelta(days=11)
    assert Step.RETURN not in services.legal_steps(p, on=late)
    with pytest.raises(ValidationError) as e:
        services.return_proposal(actor=None, proposal=p, on=late, reason="x")
    assert "2017-02-11" in messages(e.value)


def test_lead_unit_cannot_also_be_a_co_handler(pol):
    p = advance(pol, draft(pol), "filed")
    with pytest.raises(ValidationError) as e:
        services.assign_proposal(
            actor=None, proposal=p, on=ASSIGN, lead_unit=pol.fgw, co_handlers=[pol.fgw]
        )
    assert "co_handlers" in e.value.message_dict


def test_due_dates_extension_and_overdue(pol):
    p = advance(pol, draft(pol), "signed")
    assert p.reply_due == D(2017, 5, 1)
    assert not p.is_overdue(D(2017, 5, 1)) and p.is_overdue(D(2017, 5, 2))
    assert list(Proposal.objects.overdue(D(2017, 5, 2))) == [p]
    with pytest.raises(ValidationError) as e:
        services.extend_due(actor=None, proposal=p, due=D(2017, 7, 1), reason="", on=D(2017, 4, 25))
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.extend_due(
            actor=None, proposal=p, due=D(2017, 8, 2), reason="需跨部门协调", on=D(2017, 4, 25)
        )
    assert "2017-08-01" in messages(e.value)  # six months after 1 February at the most
    with pytest.raises(ValidationError):
        services.extend_due(
            actor=None, proposal=p, due=D(2017, 4, 1), reason="x", on=D(2017, 4, 25)
        )
    services.extend_due(
        actor=None, proposal=p, due=D(2017, 8, 1), reason="需跨部门协调", on=D(2017, 4, 25)
    )
    p.refresh_from_db()
    assert p.reply_due == D(2017, 8, 1) and p.due_extended
    assert not p.is_overdue(D(2017, 7, 1))
    assert p.steps.filter(step=Step.EXTEND).exists()
    # A reply after the due date is kept and marked late; a replied proposal is not overdue.
    reply = services.reply_proposal(
        actor=None, proposal=p, on=D(2017, 8, 3), text="已协调。", grade="B"
    )
    assert reply.late and reply.due == D(2017, 8, 1)
    p.refresh_from_db()
    assert not p.is_overdue(D(2017, 9, 1))


def test_limits_come_from_settings(pol, settings):
    settings.CHAMBER_PROPOSAL_LIMITS = {"reply_months": 2, "return_days": 3}
    p = advance(pol, draft(pol), "assigned")
    assert p.reply_due == D(2017, 4, 1)
    assert deadlines.last_return_day(ASSIGN) == D(2017, 2, 4)
    settings.CHAMBER_PROPOSAL_LIMITS = {"reply_weeks": 2}
    with pytest.raises(ValueError, match="reply_weeks"):
        deadlines.limits()


def test_month_arithmetic_clamps_to_month_end():
    assert deadlines.add_months(D(2016, 11, 30), 3) == D(2017, 2, 28)
    assert deadlines.add_months(D(2015, 11, 30), 3) == D(2016, 2, 29)
    assert deadlines.add_months(D(2016, 10, 31), 6) == D(2017, 4, 30)


def test_evaluation_window_counts_working_days():
    # Replied Friday 29 Sep 2017: Saturday 30 Sep is a make-up working day, the
    # National Day holiday (1-8 Oct) is skipped; counting weekdays would say 20 Oct.
    assert deadlines.evaluation_due(D(2017, 9, 29)) == D(2017, 10, 26)


def test_unsatisfied_is_handled_again_then_closed(pol):
    p = advance(pol, draft(pol), "replied")
    services.evaluate_proposal(
        actor=None, proposal=p, on=D(2017, 5, 2), satisfaction="unsatisfied", note="未解决"
    )
    assert p.status == Status.EVALUATED and p.satisfaction == "unsatisfied"
    assert Step.CLOSE not in services.legal_steps(p, on=D(2017, 5, 3))
    with pytest.raises(ValidationError) as e:
        services.close_proposal(actor=None, proposal=p, on=D(2017, 5, 3))
    assert "handled again" in messages(e.value)
    services.rehandle_proposal(actor=None, proposal=p, on=D(2017, 5, 3), note="重新办理")
    assert p.status == Status.REHANDLING and p.reply_due == D(2017, 7, 3)
    assert p.is_overdue(D(2017, 7, 4))
    second = services.reply_proposal(
        actor=None, proposal=p, on=D(2017, 6, 20), text="已落实。", grade="A"
    )
    assert second.round == 2 and not second.late
    assert p.first_replied_on == REPLY and p.satisfaction == ""
    services.evaluate_proposal(actor=None, proposal=p, on=D(2017, 6, 25), satisfaction="basic")
    services.close_proposal(actor=None, proposal=p, on=D(2017, 6, 26))
    assert p.status == Status.CLOSED
    assert [r.satisfaction for r in p.replies.order_by("round")] == ["unsatisfied", "basic"]


def test_satisfied_is_not_handled_again(pol):
    p = advance(pol, draft(pol), "evaluated")
    with pytest.raises(ValidationError) as e:
        services.rehandle_proposal(actor=None, proposal=p, on=D(2017, 6, 21))
    assert "unsatisfactory" in messages(e.value)


def test_close_without_evaluation_waits_for_the_window(pol):
    p = advance(pol, draft(pol), "replied")  # replied 20 April 2017
    window = deadlines.evaluation_due(REPLY)
    with pytest.raises(ValidationError) as e:
        services.close_proposal(actor=None, proposal=p, on=window)
    assert window.isoformat() in messages(e.value)
    services.close_proposal(actor=None, proposal=p, on=window + datetime.timedelta(days=1))
    assert p.status == Status.CLOSED and p.satisfaction == ""


def test_step_dates_cannot_go_back_or_ahead(pol):
    p = advance(pol, draft(pol), "submitted")
    with pytest.raises(ValidationError) as e:
        services.file_proposal(actor=None, proposal=p, on=SUBMIT - datetime.timedelta(days=1))
    assert "on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.file_proposal(actor=None, proposal=p, on=D(2099, 1, 1))
    assert "future" in messages(e.value)


def test_reply_with_attachment_and_by_co_handler(pol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = advance(pol, draft(pol), "signed")
    with pytest.raises(ValidationError) as e:
        services.reply_proposal(actor=None, proposal=p, on=REPLY, text="x", grade="A", unit=pol.jcj)
    assert "unit" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.reply_proposal(actor=None, proposal=p, on=REPLY, text="", grade="E")
    assert set(e.value.message_dict) == {"text", "grade"}
    reply = services.reply_proposal(
        actor=None,
        proposal=p,
        on=REPLY,
        text="答复见附件。",
        grade="C",
        unit=pol.rsj,
        attachment=ContentFile(b"%PDF-1.4 reply", name="reply.pdf"),
    )
    assert reply.unit == pol.rsj and reply.attachment.read() == b"%PDF-1.4 reply"


def test_only_drafts_are_edited(pol):
    p = draft(pol)
    services.update_proposal(actor=None, proposal=p, title="新标题", topics=["人才"])
    assert p.title == "新标题" and list(p.topics.values_list("name", flat=True)) == ["人才"]
    assert p.steps.filter(step=Step.EDIT).exists()
    advance(pol, p, "submitted")
    with pytest.raises(ValidationError) as e:
        services.update_proposal(actor=None, proposal=p, title="再改")
    assert "draft" in messages(e.value)


def test_rights_are_checked_on_every_step(pol):
    p = advance(pol, draft(pol), "submitted")  # recorded by the district
    for user in (pol.w.secretary, pol.w.leader, pol.w.outsider):
        with pytest.raises(PermissionDenied):
            services.file_proposal(actor=user, proposal=p, on=FILE)
    services.file_proposal(actor=pol.w.staff, proposal=p, on=FILE)
    # A street secretary records and steps proposals of their own chamber.
    own = draft(pol, actor=pol.w.secretary, organization=pol.w.xixiang)
    services.submit_proposal(actor=pol.w.secretary, proposal=own, on=SUBMIT)
    with pytest.raises(PermissionDenied):
        services.file_proposal(actor=pol.w.other_secretary, proposal=own, on=FILE)
    # ... and may not name another chamber's member as a submitter.
    with pytest.raises(PermissionDenied):
        draft(pol, actor=pol.w.secretary, organization=pol.w.xixiang, co_submitters=[pol.w.rep_f])
    with pytest.raises(PermissionDenied):
        draft(pol, actor=pol.w.secretary, organization=pol.w.fuyong)


def test_national_level_needs_no_place(pol):
    post(pol.co_x, pol.w.xixiang, level=Level.NATIONAL, term=13, start=D(2018, 3, 3), body=Body.NPC)
    p = draft(
        pol,
        kind=ProposalKind.SUGGESTION,
        level=Level.NATIONAL,
        place="宝安区",
        session_year=2019,
        session_term=13,
        lead=pol.co_x,
        co_submitters=[],
    )
    assert p.place == ""
    services.submit_proposal(actor=None, proposal=p, on=D(2019, 3, 5))
    assert p.status == Status.SUBMITTED
    assert ProposalStep.objects.filter(proposal=p, step=Step.SUBMIT).count() == 1
