"""GB/T 4754-2017 sections and their division ranges (DOMAIN.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# section letter: (Chinese name, English name, first division, last division)
SECTIONS: dict[str, tuple[str, str, int, int]] = {
    "A": ("农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", 1, 5),
    "B": ("采矿业", "Mining", 6, 12),
    "C": ("制造业", "Manufacturing", 13, 43),
    "D": ("电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water", 44, 46),
    "E": ("建筑业", "Construction", 47, 50),
    "F": ("批发和零售业", "Wholesale and retail", 51, 52),
    "G": ("交通运输、仓储和邮政业", "Transport, storage and post", 53, 60),
    "H": ("住宿和餐饮业", "Accommodation and catering", 61, 62),
    "I": (
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and IT services",
        63,
        65,
    ),
    "J": ("金融业", "Finance", 66, 69),
    "K": ("房地产业", "Real estate", 70, 70),
    "L": ("租赁和商务服务业", "Leasing and business services", 71, 72),
    "M": ("科学研究和技术服务业", "Scientific research and technical services", 73, 75),
    "N": ("水利、环境和公共设施管理业", "Water, environment and public facilities", 76, 79),
    "O": ("居民服务、修理和其他服务业", "Household services, repair and other services", 80, 82),
    "P": ("教育", "Education", 83, 83),
    "Q": ("卫生和社会工作", "Health and social work", 84, 85),
    "R": ("文化、体育和娱乐业", "Culture, sports and entertainment", 86, 90),
    "S": ("公共管理、社会保障和社会组织", "Public administration and social organisations", 91, 96),
    "T": ("国际组织", "International organisations", 97, 97),
}


def section_choices() -> list[tuple[str, str]]:
    return [(k, f"{k} {v[0]}") for k, v in SECTIONS.items()]


def section_of_division(division: str) -> str | None:
    """The section a 2-digit division belongs to, or None if there is none."""
    if not (len(division) == 2 and division.isdigit()):
        return None
    n = int(division)
    for letter, (_zh, _en, lo, hi) in SECTIONS.items():
        if lo <= n <= hi:
            return letter
    return None


def parse_industry(value: str) -> tuple[str, str] | None:
    """(section, division) from "C", "C39", "39", "3911" or the Chinese section name."""
    v = (value or "").strip().upper().replace(" ", "")
    if not v:
        return ("", "")
    for letter, (zh, _en, _lo, _hi) in SECTIONS.items():
        if v in (zh, letter):
            return (letter, "")
    if v[0].isalpha() and v[1:].isdigit() and len(v) in (3, 4, 5):
        letter, digits = v[0], v[1:3]
        return (letter, digits) if section_of_division(digits) == letter else None
    if v.isdigit() and len(v) in (2, 3, 4):
        letter = section_of_division(v[:2])
        return (letter, v[:2]) if letter else None
    return None


INDUSTRY_HELP = _("Section letter, division code (e.g. C39) or the section's Chinese name")
