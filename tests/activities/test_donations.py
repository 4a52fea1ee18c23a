"""Donations, funds, exact money and the certificate."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from chamber.activities import services
from chamber.activities.certificate import build_certificate
from chamber.activities.choices import DonationKind, DonationPurpose
from chamber.activities.models import Donation
from chamber.activities.money import exact_sum, rmb_upper
from chamber.core.audit import trail_for

from .conftest import make_event

pytestmark = pytest.mark.django_db

DAY = datetime.date(2016, 4, 16)


def give(world, amount, *, org=None, actor=None, **kw):
    kw.setdefault("enterprise", world.ent_x)
    kw.setdefault("kind", DonationKind.MONEY)
    kw.setdefault("purpose", DonationPurpose.CAMPAIGN)
    kw.setdefault("campaign", "广东扶贫济困日")
    kw.setdefault("date", DAY)
    return services.record_donation(
        actor=actor, organization=org or world.xixiang, amount=amount, **kw
    )


def test_record_a_money_donation_and_its_audit(world):
    d = give(world, "50000", actor=world.secretary, receipt_no="XX2016-001")
    assert d.amount == Decimal("50000.00") and d.donor_name == world.ent_x.name
    entry = trail_for(world.ent_x).get(object_id=d.pk)
    assert entry.changes["amount"] == "50000.00"


def test_donation_validation_is_keyed_by_field(world):
    with pytest.raises(ValidationError) as e:
        services.record_donation(
            actor=world.secretary,
            organization=world.xixiang,
            kind=DonationKind.IN_KIND,
            amount="-5",
            date=datetime.date.today() + datetime.timedelta(days=2),
            purpose=DonationPurpose.FUND,
        )
    assert set(e.value.message_dict) >= {"enterprise", "amount", "goods", "date", "fund"}
    with pytest.raises(ValidationError) as e:
        give(world, "10.005")
    assert "amount" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        give(world, "100", purpose=DonationPurpose.PAIRED_ASSISTANCE, campaign="")
    assert "recipient" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        give(world, "100", person=world.rep_x)  # both an enterprise and a person
    assert "enterprise" in e.value.message_dict


def test_receipt_numbers_are_unique_per_organisation(world):
    give(world, "100", receipt_no="R-1")
    with pytest.raises(ValidationError) as e:
        give(world, "200", receipt_no="R-1")
    assert "receipt_no" in e.value.message_dict
    give(world, "200", receipt_no="R-1", org=world.fuyong, enterprise=world.ent_f)


def test_a_chamber_records_only_in_its_scope_and_for_its_members(world):
    with pytest.raises(PermissionDenied):
        give(world, "100", org=world.fuyong, actor=world.secretary)
    with pytest.raises(ValidationError) as e:
        give(world, "100", actor=world.secretary, enterprise=world.ent_f)
    assert "enterprise" in e.value.message_dict


def test_goods_are_recorded_at_their_value(world):
    d = give(world, "12800", kind=DonationKind.IN_KIND, goods="冬衣棉被200套")
    assert d.goods == "冬衣棉被200套" and d.kind == DonationKind.IN_KIND


def test_event_donation_needs_a_visible_event(world):
    event = make_event(world.fuyong)
    with pytest.raises(ValidationError) as e:
        give(world, "100", actor=world.secretary, purpose=DonationPurpose.EVENT, event=event)
    assert "event" in e.value.message_dict
    mine = make_event(world.xixiang)
    d = give(world, "100", actor=world.secretary, purpose=DonationPurpose.EVENT, event=mine)
    assert d.event == mine


def test_void_keeps_the_record_and_drops_it_from_sums(world):
    d = give(world, "300")
    give(world, "200")
    with pytest.raises(ValidationError):
        services.void_donation(actor=world.secretary, donation=d, reason="")
    services.void_donation(actor=world.secretary, donation=d, reason="重复录入")
    d.refresh_from_db()
    assert d.is_voided and d.void_reason == "重复录入"
    assert exact_sum(Donation.objects.valid()) == Decimal("200.00")
    with pytest.raises(ValidationError, match="voided already"):
        services.void_donation(actor=world.secretary, donation=d, reason="again")
    with pytest.raises(PermissionDenied):
        services.void_donation(
            actor=world.other_secretary, donation=Donation.objects.last(), reason="x"
        )


def test_fund_income_spending_balance(world):
    fund = services.create_fund(
        actor=world.secretary, organization=world.xixiang, name="西商公益基金"
    )
    with pytest.raises(ValidationError):
        services.create_fund(actor=world.secretary, organization=world.xixiang, name="西商公益基金")
    give(world, "1000.10", purpose=DonationPurpose.FUND, fund=fund)
    give(
        world,
        "2000.20",
        purpose=DonationPurpose.FUND,
        fund=fund,
        kind=DonationKind.IN_KIND,
        goods="图书",
    )
    services.record_spending(
        actor=world.secretary, fund=fund, date=DAY, amount="1500.05", purpose="助学金发放"
    )
    assert services.fund_balance(fund) == {
        "income": Decimal("3000.30"),
        "spending": Decimal("1500.05"),
        "balance": Decimal("1500.25"),
    }
    with pytest.raises(ValidationError) as e:
        services.record_spending(
            actor=world.secretary, fund=fund, date=DAY, amount="1500.26", purpose="x"
        )
    assert "1,500.25" in e.value.message_dict["amount"][0]
    # money already paid out cannot be voided out of the fund
    big = Donation.objects.get(amount=Decimal("2000.20"))
    with pytest.raises(ValidationError, match="paid out"):
        services.void_donation(actor=world.secretary, donation=big, reason="错误")


def test_another_chambers_fund_is_refused(world):
    fund = services.create_fund(actor=None, organization=world.fuyong, name="福商公益基金会")
    with pytest.raises(ValidationError) as e:
        give(world, "100", actor=world.secretary, purpose=DonationPurpose.FUND, fund=fund)
    assert "fund" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.record_spending(
            actor=world.secretary, fund=fund, date=DAY, amount="1", purpose="x"
        )


def test_sums_are_exact_where_floats_would_drift(world):
    def gift(amount):
        return Donation(
            organization=world.xixiang,
            enterprise=world.ent_x,
            kind=DonationKind.MONEY,
            amount=Decimal(amount),
            purpose=DonationPurpose.OTHER,
            date=DAY,
        )

    # The large one first: summed as doubles in this order (SQLite 3.40's SUM) the
    # total comes to 100000000099.99611, a fen too much once rounded.
    Donation.objects.bulk_create([gift("99999999999.99")] + [gift("0.10") for _ in range(1000)])
    assert exact_sum(Donation.objects.all()) == Decimal("100000000099.99")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("100000", "人民币壹拾万元整"),
        ("1005.30", "人民币壹仟零伍元叁角整"),
        ("20000.08", "人民币贰万元零捌分"),
        ("100000000", "人民币壹亿元整"),
        ("1000010", "人民币壹佰万零壹拾元整"),
        ("0.05", "人民币伍分"),
    ],
)
def test_amount_in_capitals(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_certificate_is_a_chinese_word_document(world):
    fund = services.create_fund(actor=None, organization=world.xixiang, name="西商公益基金")
    d = give(world, "100000", purpose=DonationPurpose.FUND, fund=fund, receipt_no="XX-2016-007")
    doc = Document(io.BytesIO(build_certificate(d)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "捐 赠 证 书" in text
    assert "证书编号：XX-2016-007" in text
    assert f"{world.ent_x.name}：" in text
    assert "人民币壹拾万元整（¥100,000.00）" in text
    assert "用于西商公益基金" in text
    assert "2016年4月16日" in text
    # Chinese glyphs come from the East Asian font slot
    run = doc.paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
