"""Searchable forms of Chinese names: full pinyin, initials and the search text.

Staff search the register by a Chinese fragment, full pinyin or pinyin initials
(华为 / huawei / hw). Names are converted once, when they are written, and the
directory searches the stored forms.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from pypinyin import Style, lazy_pinyin, pinyin

# Leading place names ("深圳市", "宝安区", "广东省深圳市") are dropped for the initials,
# because staff type the initials of what the enterprise is called, not of its city.
_PLACE_PREFIX = re.compile(r"^(?:(?:广东省|广东|深圳市|深圳|宝安区|宝安|中国)\s*)+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, collapsed spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def full_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(normalize(name), errors="default")).replace(" ", "")


def initials(name: str) -> str:
    core = _PLACE_PREFIX.sub("", normalize(name)) or normalize(name)
    return "".join(
        s[0] for s in lazy_pinyin(core, style=Style.FIRST_LETTER, errors="default") if s.strip()
    ).replace(" ", "")


def cjk_bigrams(text: str) -> list[str]:
    """Every two adjacent Chinese characters of `text` (深圳华为 -> 深圳 圳华 华为).

    Stored as words of the search text so that a two-character query is a whole word
    there: PostgreSQL's trigram index can serve ' 华为 ' (its padded trigrams) but not
    a bare two-character substring."""
    return [
        text[i : i + 2]
        for i in range(len(text) - 1)
        if _CJK.match(text[i]) and _CJK.match(text[i + 1])
    ]


def search_text(*parts: str) -> str:
    """One lower-case string holding every searchable form of the given names/codes:
    the text, its pinyin and initials, and its Chinese bigrams, separated by spaces."""
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        n = normalize(part)
        out.append(n)
        if _CJK.search(n):
            out.extend([full_pinyin(n), initials(n), *cjk_bigrams(n)])
    return " ".join(dict.fromkeys(out)) + " "


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def pinyin_readings(fragment: str, limit: int = 8) -> list[str]:
    """Every toneless reading of a short Chinese fragment (heteronyms included)."""
    text = normalize(fragment)
    # The phrase reading first, then every per-character heteronym: a name stored with
    # its phrase reading (银行 yinhang) must still be found from one character (行).
    first = "".join(lazy_pinyin(text, errors="default"))
    per_char = [pinyin(c, style=Style.NORMAL, heteronym=True, errors="default")[0] for c in text]
    combos = ("".join(c) for c in itertools.product(*[list(dict.fromkeys(r)) for r in per_char]))
    readings = dict.fromkeys(itertools.chain([first], combos))
    return list(itertools.islice(readings, limit))


def join_list(items: Iterable[object]) -> str:
    """Items of a list in running text: 、 between them in Chinese, ", " in English."""
    from django.utils.translation import get_language

    sep = "、" if (get_language() or "").startswith("zh") else ", "
    return sep.join(str(i) for i in items)


# Punctuation written around values in running text, per language: full-width in
# Chinese (no spaces), ASCII with its spacing in English.
_PUNCT = {
    "zh": {":": "：", "(": "（", ")": "）", ",": "，", ";": "；"},
    "en": {":": ": ", "(": " (", ")": ")", ",": ", ", ";": "; "},
}


def punct(mark: str) -> str:
    """The current language's form of an ASCII punctuation mark (see _PUNCT)."""
    from django.utils.translation import get_language

    lang = "zh" if (get_language() or "zh").startswith("zh") else "en"
    return _PUNCT[lang].get(mark, mark)


def paren(text: object) -> str:
    """A parenthetical after a word: "（text）" in Chinese, " (text)" in English."""
    return f"{punct('(')}{text}{punct(')')}"


def labelled(label: object, value: object) -> str:
    """ "label：value" in Chinese, "label: value" in English."""
    return f"{label}{punct(':')}{value}"


def local_name(thing: Any) -> str:
    """`name_en` in the English UI where there is one, else `name`; for a record or a
    dict such as the report's {"name", "name_en"}."""
    from django.utils.translation import get_language

    get = thing.get if isinstance(thing, dict) else lambda k, d="": getattr(thing, k, d)
    english = (get_language() or "").startswith("en")
    return (english and get("name_en", "")) or get("name", "") or ""
