"""importers.names computes exactly what core.text computes, only faster."""

from __future__ import annotations

import random

from chamber.core import text
from chamber.demo.members import CORE_CHARS, SUFFIXES, TRADES
from chamber.members.importers import names

AWKWARD = [
    "",
    "深圳市",
    "广东省深圳市宝安区重庆银行长乐支行",
    "中国平安保险（集团）股份有限公司",
    "ＡＢＣ科技 有限公司",
    "华为 Technologies Co., Ltd.",
    "〇一二三数码",
    "长城汽车",
    "乐行天下",
    "行长",
    "123号",
    "Tencent",
    "㐀㐁扩展字",
    "\u3000全角空格公司",
]


def _names(n: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for _i in range(n):
        trade = rng.choice(TRADES)[0]
        core = "".join(
            rng.choice(CORE_CHARS + "银行长乐重庆调和") for _ in range(rng.randint(1, 5))
        )
        prefix = rng.choice(["深圳市", "", "宝安区", "广东省深圳市", "（深圳）"])
        out.append(prefix + core + trade + rng.choice(SUFFIXES + ["Co., Ltd.", "２号"]))
    return out


def test_same_forms_as_core_text():
    wrong = []
    for name in AWKWARD + _names(3000):
        ours = (
            names.full_pinyin(name),
            names.initials(name),
            names.search_text(name, "91440300MA5F00000X", "张伟"),
            names.forms(name),
        )
        theirs = (
            text.full_pinyin(name),
            text.initials(name),
            text.search_text(name, "91440300MA5F00000X", "张伟"),
            (text.full_pinyin(name), text.initials(name)),
        )
        if ours != theirs:
            wrong.append((name, ours, theirs))
    assert wrong == []


def test_quick_code_check_agrees_with_check_uscc():
    from chamber.core.validators import USCC_ALPHABET, check_uscc
    from chamber.members.importers.rows import _uscc_ok
    from tests.factories import valid_uscc

    rng = random.Random(3)
    codes = [valid_uscc(i) for i in range(500)]
    codes += ["914403001922038216", "91350100M0001TGQXM", "91440300708461136T"]
    alphabet = USCC_ALPHABET + "IOSVZ"
    for code in list(codes):
        for _i in range(5):  # one character changed anywhere
            i = rng.randrange(18)
            codes.append(code[:i] + rng.choice(alphabet) + code[i + 1 :])
    for code in codes:
        assert _uscc_ok(code) == (check_uscc(code) is None), code


def test_runs_split_like_simpleseg():
    rng = random.Random(11)
    pool = [chr(rng.randrange(0x20, 0x10000)) for _ in range(5000)]
    pool += ["\u3007", "\U00020001", "\U0002a6df", "a", "1", " ", "（", "·"] * 50
    assert names._HAN_RUN is not None
    for _i in range(5000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert names._runs(s) == names._runs_slow(s), repr(s)
