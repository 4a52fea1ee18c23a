"""`chamber demo --province`: the Bao'an demo inside a small province tree —
Guangdong (provincial) → Shenzhen and Guangzhou (cities) → Bao'an (the full demo),
Longgang and Tianhe (districts, with two street chambers each, no members yet)."""

from __future__ import annotations

import datetime

from chamber.orgs import services as org_services
from chamber.orgs.choices import OrgKind
from chamber.orgs.models import Organization

FOUNDED = datetime.date(1993, 1, 1)

# code, name, English name, kind, parent code, division code
TREE = [
    ("gd", "广东省工商业联合会", "Guangdong Provincial Federation of Industry and Commerce",
     OrgKind.PROVINCIAL, None, "440000"),
    ("gd.shenzhen", "深圳市工商业联合会", "Shenzhen Municipal Federation of Industry and Commerce",
     OrgKind.CITY, "gd", "440300"),
    ("gd.guangzhou", "广州市工商业联合会", "Guangzhou Municipal Federation of Industry and Commerce",
     OrgKind.CITY, "gd", "440100"),
    ("longgang", "龙岗区工商业联合会", "Longgang District Federation of Industry and Commerce",
     OrgKind.FEDERATION, "gd.shenzhen", "440307"),
    ("longgang.buji", "布吉街道商会", "Buji Street Chamber of Commerce",
     OrgKind.STREET, "longgang", "440307002"),
    ("longgang.henggang", "横岗街道商会", "Henggang Street Chamber of Commerce",
     OrgKind.STREET, "longgang", "440307008"),
    ("tianhe", "天河区工商业联合会", "Tianhe District Federation of Industry and Commerce",
     OrgKind.FEDERATION, "gd.guangzhou", "440106"),
    ("tianhe.tianhenan", "天河南街道商会", "Tianhenan Street Chamber of Commerce",
     OrgKind.STREET, "tianhe", "440106001"),
    ("tianhe.shipai", "石牌街道商会", "Shipai Street Chamber of Commerce",
     OrgKind.STREET, "tianhe", "440106003"),
]  # fmt: skip


def build_province(district: Organization) -> int:
    """Create the province tree and move `district` (the Bao'an demo) under Shenzhen;
    returns how many organisations were added."""
    made: dict[str, Organization] = {}
    for order, (code, name, name_en, kind, parent, division) in enumerate(TREE):
        made[code] = org_services.create_organization(
            actor=None,
            code=code,
            name=name,
            name_en=name_en,
            kind=kind,
            parent=made[parent] if parent else None,
            division_code=division,
            division_code_year=2017,
            founded=FOUNDED,
            sort_order=order,
            is_demo=True,
        )
    org_services.move_organization(actor=None, org=district, new_parent=made["gd.shenzhen"])
    return len(made)
