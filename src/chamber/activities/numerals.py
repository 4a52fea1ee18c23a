"""Numbers as a meeting's name writes them: 第四届, 第十二次 in Chinese, 4th in English."""

from __future__ import annotations

from django.utils.translation import get_language

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1..9999 in Chinese numerals as used in ordinals (十一, 二十, 一百零五)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal(n: int) -> str:
    """The number for the current language: Chinese numerals (the 第…届 around them
    comes from the translation), an English ordinal otherwise."""
    if (get_language() or "").startswith("zh"):
        return chinese(n)
    return english_ordinal(n)
