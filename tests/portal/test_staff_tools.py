"""The activation rate in the annual report, and `chamber invite`."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.utils import timezone

from chamber.portal.models import MemberAccount
from chamber.reports.annual import annual_report

from ..factories import PersonFactory


def test_activation_rate_per_chamber_in_the_report(client, world, portal):
    from .conftest import sign_in

    sign_in(client, portal.x)  # xixiang's member activates; fuyong's does not
    year = timezone.localdate().year
    report = annual_report(world.district, year)
    assert report["portal"] == {"invited": 2, "activated": 1, "activation_rate": 0.5}
    by_code = {c["org"]["code"]: c["portal"] for c in report["children"]}
    assert by_code["d.xixiang"]["activation_rate"] == 1.0
    assert by_code["d.fuyong"] == {"invited": 1, "activated": 0, "activation_rate": 0.0}
    # A year before anyone was invited: nothing to rate.
    assert annual_report(world.district, year - 1)["portal"]["activation_rate"] is None


def test_invite_command_one_person_and_a_csv(world, tmp_path, capsys):
    p1 = PersonFactory(name="甲", enterprise=world.ent_x)
    p2 = PersonFactory(name="乙", enterprise=world.ent_x)
    call_command("invite", "--org", "d.xixiang", "--person", str(p1.pk))
    out = capsys.readouterr().out
    assert "/portal/invite/" in out and "甲" in out
    f = tmp_path / "people.csv"
    f.write_text(f"person_id\n{p2.pk}\n{world.rep_f.pk}\n", encoding="utf-8")
    out_file = tmp_path / "links.csv"
    call_command("invite", "--org", "d.xixiang", "--file", str(f), "-o", str(out_file))
    text = out_file.read_text(encoding="utf-8")
    assert "乙" in text and "is not with a member" in text
    assert set(MemberAccount.objects.values_list("person__name", flat=True)) == {"甲", "乙"}
    assert MemberAccount.objects.get(person=p1).invited_at <= timezone.now() + datetime.timedelta(
        seconds=1
    )
