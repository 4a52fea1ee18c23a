"""Amounts written out in Chinese; the exact sums live in core.money (re-exported here
for the activities app's modules)."""

from __future__ import annotations

from decimal import Decimal

from chamber.core.money import (  # noqa: F401
    CENT,
    cents,
    exact_sum,
    from_cents,
    subquery_cents,
    sum_cents,
)

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal) -> str:
    """An amount in capital Chinese numerals as a receipt writes it (大写金额):
    Decimal("100000") -> 人民币壹拾万元整, Decimal("1005.30") -> 人民币壹仟零伍元叁角."""
    amount = amount.quantize(CENT)
    if amount < 0:
        raise ValueError("negative amount")
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        words = (words or "零元") + "整"
    else:
        if jiao:
            words += _DIGITS[jiao] + "角"
        elif yuan:
            words += "零"
        if fen:
            words += _DIGITS[fen] + "分"
        else:
            words += "整"
    return "人民币" + words


def _integer_words(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    zero_pending = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or g < 1000):
            out += "零"
        out += _group_words(g) + _BIG[i]
        zero_pending = False
    return out


def _group_words(g: int) -> str:
    out = ""
    zero = False
    for pos in (3, 2, 1, 0):
        d = g // 10**pos % 10
        if d:
            if zero:
                out += "零"
            out += _DIGITS[d] + _SMALL[pos]
            zero = False
        elif out:
            zero = True
    return out
