"""A year without holiday data: deadlines counted Monday to Friday and the page says so;
staff who manage reference data add the year's calendar, audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chamber.casework import services
from chamber.casework.models import CalendarDay, HolidayCalendar
from chamber.casework.workdays import add_working_days, missing_years
from chamber.core.models import AuditEntry
from chamber.politics import deadlines

pytestmark = pytest.mark.django_db

D = datetime.date
FUTURE = 2099  # a year the holiday package will not know for a while


def test_a_year_without_calendar_counts_monday_to_friday():
    assert missing_years(D(2016, 12, 20), D(2017, 1, 10)) == []  # the package's years
    assert missing_years(D(FUTURE, 12, 20), D(FUTURE + 1, 1, 10)) == [FUTURE, FUTURE + 1]
    # 1 January 2099 is a Thursday: with no calendar it is a working day
    assert add_working_days(D(FUTURE - 1, 12, 31), 1) == D(FUTURE, 1, 1)


def test_staff_who_manage_reference_data_add_a_year(world):
    cal = services.save_year(
        actor=world.admin,
        year=FUTURE,
        holidays=[(D(FUTURE, 1, 1), "元旦"), (D(FUTURE, 1, 2), "元旦")],
        workdays=[(D(FUTURE, 1, 4), "元旦调休")],  # a Sunday
        note="国务院办公厅通知",
    )
    assert missing_years(D(FUTURE, 1, 1), D(FUTURE, 12, 31)) == []
    assert add_working_days(D(FUTURE - 1, 12, 31), 1) == D(FUTURE, 1, 4)
    # one calendar for every deadline: the proposals' too
    assert deadlines.add_working_days(D(FUTURE - 1, 12, 31), 1) == D(FUTURE, 1, 4)
    entry = AuditEntry.objects.get(object_id=cal.pk, object_type__model="holidaycalendar")
    assert entry.action == "create" and entry.actor == world.admin
    # correcting the year replaces its days and is audited as a change
    services.save_year(
        actor=world.admin, year=FUTURE, holidays=[(D(FUTURE, 1, 1), "元旦")], workdays=[]
    )
    assert CalendarDay.objects.filter(calendar__year=FUTURE).count() == 1
    assert AuditEntry.objects.filter(object_id=cal.pk, action="update").exists()


def test_bad_days_are_refused_and_change_nothing(world):
    with pytest.raises(ValidationError) as e:
        services.save_year(
            actor=world.admin,
            year=FUTURE,
            holidays=[(D(FUTURE + 1, 1, 1), "元旦"), (D(FUTURE, 2, 2), "春节")],
            workdays=[(D(FUTURE, 1, 5), "调休"), (D(FUTURE, 2, 2), "春节")],  # Mondays
        )
    errors = e.value.message_dict
    assert any(str(FUTURE + 1) in m for m in errors["holidays"])
    assert f"{FUTURE}-01-05 is a weekday" in errors["workdays"][0]
    assert any("both" in m and f"{FUTURE}-02-02" in m for m in errors["workdays"])
    assert not HolidayCalendar.objects.filter(year=FUTURE).exists()
    for user in (world.staff, world.secretary, world.leader):
        with pytest.raises(PermissionDenied):
            services.save_year(actor=user, year=FUTURE, holidays=[], workdays=[])
    assert not HolidayCalendar.objects.filter(year=FUTURE).exists()


def test_calendar_page(client, world):
    client.force_login(world.staff)
    r = client.get("/casework/calendar/")
    assert r.status_code == 200 and "calendar-years" in r.text and "calendar-form" not in r.text
    assert client.post("/casework/calendar/", {"year": FUTURE}).status_code == 403
    client.force_login(world.admin)
    r = client.post(
        "/casework/calendar/",
        {"year": FUTURE, "holidays": "2099-01-01 元旦\n2099-13-01 春节", "workdays": ""},
    )
    assert r.status_code == 400 and "Line 2" in r.text
    assert not HolidayCalendar.objects.filter(year=FUTURE).exists()
    r = client.post(
        "/casework/calendar/",
        {
            "year": FUTURE,
            "holidays": "2099-01-01 元旦\n2099-01-21~2099-01-27 春节",
            "workdays": "2099-01-18 春节调休",
            "note": "通知",
        },
    )
    assert r.status_code == 302
    days = CalendarDay.objects.filter(calendar__year=FUTURE)
    assert days.filter(kind="holiday").count() == 8 and days.filter(kind="workday").count() == 1
    # the year comes back into the form as it was written
    r = client.get(f"/casework/calendar/?year={FUTURE}")
    assert "2099-01-21~2099-01-27 春节" in r.text


def test_the_case_page_says_when_its_deadline_was_counted_without_a_calendar(client, world, cw):
    HolidayCalendar.objects.filter(year=2017).delete()  # as if the package had no 2017
    case = cw.raise_case(received_on=cw.day)
    client.force_login(world.secretary)
    r = client.get(f"/casework/cases/{case.pk}/")
    assert "calendar-fallback" in r.text and "2017" in r.text
    assert "/casework/calendar/" not in r.text.split('id="calendar-fallback"')[1][:400]
    client.force_login(world.admin)
    assert "/casework/calendar/?year=2017" in client.get(f"/casework/cases/{case.pk}/").text
    services.save_year(actor=world.admin, year=2017, holidays=[], workdays=[])
    assert "calendar-fallback" not in client.get(f"/casework/cases/{case.pk}/").text
