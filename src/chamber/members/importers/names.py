"""Exactly `chamber.core.text`'s pinyin forms, fast enough for 100,000 names.

`text.full_pinyin` and `text.initials` call pypinyin's `lazy_pinyin`, about 200 µs a
name: at an import's scale that alone would cap it near 3,000 rows a second. The work
is the same words over and over (有限公司, 深圳市, 科技, single characters), so this
module runs pypinyin's own steps with their results cached:

1. `simpleseg` splits a string into runs of Han and non-Han characters (per character,
   with pypinyin's own RE_HANS, cached per character);
2. a Han run is cut by pypinyin's forward maximum matching (`mmseg.seg`, strict mode),
   ported here with a memo on suffixes: after a word is cut, the rest is cut afresh,
   so the cut of a suffix does not depend on what came before it;
3. each word is converted by pypinyin's DefaultConverter, cached per word and style.

tests/test_import_names.py checks the results equal `text.full_pinyin`, `text.initials`
and `text.search_text` on generated and awkward names; if pypinyin changes its
internals that test fails rather than the register silently drifting.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.converter import DefaultConverter
from pypinyin.seg import mmseg

from chamber.core import text

_converter = DefaultConverter()
_prefixes = mmseg.seg._prefix_set  # the default segmenter's prefix set (strict mode)
_suffix_cuts: dict[str, tuple[str, ...]] = {}
_MAX_MEMO = 20_000  # suffixes; cleared when full so memory stays flat


@lru_cache(maxsize=8192)
def _is_han(c: str) -> bool:
    return bool(RE_HANS.match(c))


def _runs_slow(s: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    start = 0
    flag = None
    for i, c in enumerate(s):
        h = _is_han(c)
        if flag is None:
            flag = h
        elif h != flag:
            out.append((flag, s[start:i]))
            start, flag = i, h
    if s:
        out.append((bool(flag), s[start:]))
    return out


# RE_HANS is "^(?:[...])+$": one character matches it when it is in the class, so a
# split on runs of the class gives simpleseg's runs without a call per character.
_HAN_RUN = (
    re.compile("(" + RE_HANS.pattern[4:-3] + "+)")
    if RE_HANS.pattern.startswith("^(?:[") and RE_HANS.pattern.endswith("])+$")
    else None
)


def _runs(s: str) -> list[tuple[bool, str]]:
    if _HAN_RUN is None:
        return _runs_slow(s)
    parts = _HAN_RUN.split(s)
    # split alternates: non-Han, Han, non-Han, ... (empty strings at the edges)
    return [(i % 2 == 1, part) for i, part in enumerate(parts) if part]


def _first_cut(remain: str) -> tuple[tuple[str, ...], str]:
    """One step of mmseg.Seg.cut (no_non_phrases=True): the words it yields before it
    starts afresh on the rest, and that rest."""
    last_valid_word = ""
    last_valid_index = 0
    for index in range(len(remain)):
        word = remain[: index + 1]
        if word in _prefixes:
            if word in PHRASES_DICT:
                last_valid_word = word
                last_valid_index = index + 1
        else:
            if last_valid_word:
                return (last_valid_word,), remain[last_valid_index:]
            return (remain[0],), remain[1:]
    if last_valid_word:
        return (last_valid_word,), remain[last_valid_index:]
    if remain not in PHRASES_DICT:
        return tuple(remain), ""
    return (remain,), ""


def _cut(run: str) -> tuple[str, ...]:
    done = _suffix_cuts.get(run)
    if done is not None:
        return done
    pending: list[tuple[str, tuple[str, ...]]] = []
    remain = run
    while remain and remain not in _suffix_cuts:
        words, rest = _first_cut(remain)
        pending.append((remain, words))
        remain = rest
    tail = _suffix_cuts.get(remain, ()) if remain else ()
    if len(_suffix_cuts) > _MAX_MEMO:
        _suffix_cuts.clear()
    for suffix, words in reversed(pending):
        tail = words + tail
        _suffix_cuts[suffix] = tail
    return tail


@lru_cache(maxsize=65536)
def _convert(word: str, style: Style) -> tuple[str, ...]:
    return tuple(item[0] for item in _converter.convert(word, style, False, "default", strict=True))


def _lazy(s: str, style: Style) -> list[str]:
    """pypinyin.lazy_pinyin(s, style=style, errors="default")."""
    out: list[str] = []
    for han, run in _runs(s):
        if han and PHRASES_DICT:
            for word in _cut(run):
                out.extend(_convert(word, style))
        else:
            out.extend(_convert(run, style))
    return out


def _full(n: str) -> str:
    """full_pinyin of an already normalised string."""
    return "".join(_lazy(n, Style.NORMAL)).replace(" ", "")


def _initials(n: str) -> str:
    """initials of an already normalised string."""
    core = text._PLACE_PREFIX.sub("", n) or n
    return "".join(s[0] for s in _lazy(core, Style.FIRST_LETTER) if s.strip()).replace(" ", "")


def full_pinyin(name: str) -> str:
    return _full(text.normalize(name))


def initials(name: str) -> str:
    return _initials(text.normalize(name))


@lru_cache(maxsize=65536)
def _convert_both(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _convert(word, Style.NORMAL), _convert(word, Style.FIRST_LETTER)


def _words(s: str) -> list[str]:
    """What `_lazy` converts: the Han runs cut into words, other runs whole."""
    out: list[str] = []
    for han, run in _runs(s):
        if han and PHRASES_DICT:
            out.extend(_cut(run))
        else:
            out.append(run)
    return out


def _both(n: str) -> tuple[str, str]:
    """(_full(n), _initials(n)) in one pass over each string's words."""
    words = _words(n)
    normal: list[str] = []
    for word in words:
        normal.extend(_convert_both(word)[0])
    core = text._PLACE_PREFIX.sub("", n) or n
    first: list[str] = []
    for word in _words(core) if core != n else words:
        first.extend(_convert_both(word)[1])
    return (
        "".join(normal).replace(" ", ""),
        "".join(s[0] for s in first if s.strip()).replace(" ", ""),
    )


def _bigrams(n: str) -> list[str]:
    """text.cjk_bigrams(n): a character matches text._CJK when it is in U+3400-U+9FFF."""
    out = []
    prev = False
    for i, c in enumerate(n):
        cjk = "\u3400" <= c <= "\u9fff"
        if cjk and prev:
            out.append(n[i - 1 : i + 1])
        prev = cjk
    return out


# Small: an enterprise name comes twice in a row (its forms, its search text) and is
# then not seen again; people's names repeat. Every entry is about a kilobyte.
@lru_cache(maxsize=8192)
def _cjk_forms(n: str) -> tuple[str, ...]:
    return (n, *_both(n), *_bigrams(n))


def _forms(part: str) -> tuple[str, ...]:
    if part.isascii() and part.isalnum():
        # Codes and mobiles: text.normalize is only lower() for them, and they hold no
        # Chinese (not cached: every one is different).
        return (part.lower(),)
    n = text.normalize(part)
    if text.has_cjk(n):
        return _cjk_forms(n)
    return (n,)


def forms(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: a membership's sort key and initials."""
    f = _forms(name)
    if len(f) >= 3:
        return f[1], f[2]
    return full_pinyin(name), initials(name)


def search_text(*parts: str) -> str:
    """text.search_text(*parts)."""
    out: list[str] = []
    for part in parts:
        if part:
            out.extend(_forms(part))
    return " ".join(dict.fromkeys(out)) + " "
