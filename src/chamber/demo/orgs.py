"""The demo tree: Bao'an with six street chambers to 2016 and ten from 2017 (DOMAIN.md)."""

from __future__ import annotations

import datetime

from chamber.orgs import services as org_services
from chamber.orgs.choices import OrgKind
from chamber.orgs.models import DivisionCode, Organization

SPLIT = datetime.date(2017, 1, 1)  # the chambers of the four new streets start here

# code, name, English, 2017 statistical code, parent street (for the four new ones)
STREETS = [
    ("xinan", "新安街道商会", "Xin'an Street Chamber", "440306017", None),
    ("xixiang", "西乡街道商会", "Xixiang Street Chamber", "440306018", None),
    ("hangcheng", "航城街道商会", "Hangcheng Street Chamber", "440306019", "xixiang"),
    ("fuyong", "福永街道商会", "Fuyong Street Chamber", "440306020", None),
    ("fuhai", "福海街道商会", "Fuhai Street Chamber", "440306021", "fuyong"),
    ("shajing", "沙井街道商会", "Shajing Street Chamber", "440306022", None),
    ("xinqiao", "新桥街道商会", "Xinqiao Street Chamber", "440306023", "shajing"),
    ("songgang", "松岗街道商会", "Songgang Street Chamber", "440306024", None),
    ("yanluo", "燕罗街道商会", "Yanluo Street Chamber", "440306025", "songgang"),
    ("shiyan", "石岩街道商会", "Shiyan Street Chamber", "440306026", None),
]
OLD_CODES = {"xixiang": "440306003"}  # the only pre-2017 code DOMAIN.md confirms


def build_tree() -> tuple[Organization, dict[str, Organization]]:
    root = org_services.create_organization(
        actor=None,
        code="baoan",
        name="宝安区工商业联合会（总商会）",
        name_en="Bao'an District Federation of Industry and Commerce",
        kind=OrgKind.FEDERATION,
        division_code="440306",
        division_code_year=2017,
        founded=datetime.date(1993, 1, 1),
        is_demo=True,
    )
    streets: dict[str, Organization] = {}
    for order, (code, name, name_en, stat, parent) in enumerate(STREETS):
        org = org_services.create_organization(
            actor=None,
            code=f"baoan.{code}",
            name=name,
            name_en=name_en,
            kind=OrgKind.STREET,
            parent=root,
            division_code=stat,
            division_code_year=2017,
            founded=SPLIT if parent else datetime.date(2004, 6, 1),
            sort_order=order,
            is_demo=True,
        )
        if code in OLD_CODES:
            DivisionCode.objects.create(organization=org, code=OLD_CODES[code], table_year=2016)
        streets[code] = org
    for code, *_rest, parent in STREETS:
        if parent:
            streets[parent].successors.add(streets[code])
    return root, streets
