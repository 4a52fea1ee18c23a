"""The columns of the member spreadsheet: Chinese headers, their usual variants, what
each holds. The template, the importer, the error workbook and the export all read
this one list, so a column is described once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..choices import Rank, SizeClass
from ..industry import SECTIONS

SHEET_NAME = "会员名册"
HELP_SHEET_NAME = "填写说明"
LISTS_SHEET_NAME = "选项"

# Chinese labels used in the spreadsheet itself: the file is a Chinese document
# whatever the language of the page that made it.
RANK_LABELS = {
    Rank.PRESIDENT: "会长",
    Rank.VICE_PRESIDENT: "副会长",
    Rank.STANDING_DIRECTOR: "常务理事",
    Rank.DIRECTOR: "理事",
    Rank.MEMBER: "会员",
}
RANK_ALIASES = {
    **{v: k for k, v in RANK_LABELS.items()},
    "主席": Rank.PRESIDENT,
    "副主席": Rank.VICE_PRESIDENT,
    "常务副会长": Rank.VICE_PRESIDENT,
    "执行会长": Rank.VICE_PRESIDENT,
    "常务": Rank.STANDING_DIRECTOR,
    "常委": Rank.STANDING_DIRECTOR,
    "常务委员": Rank.STANDING_DIRECTOR,
    "执委": Rank.DIRECTOR,
    "执行委员": Rank.DIRECTOR,
    "会员单位": Rank.MEMBER,
    "普通会员": Rank.MEMBER,
    **{k.value: k for k in RANK_LABELS},
    **{k.value.split("_", 1)[1]: k for k in RANK_LABELS},
}
SIZE_LABELS = {
    SizeClass.LARGE: "大型",
    SizeClass.MEDIUM: "中型",
    SizeClass.SMALL: "小型",
    SizeClass.MICRO: "微型",
}
SIZE_ALIASES = {
    **{v: k for k, v in SIZE_LABELS.items()},
    **{v[0]: k for k, v in SIZE_LABELS.items()},
    **{v + "企业": k for k, v in SIZE_LABELS.items()},
    **{k.value: k for k in SIZE_LABELS},
}
KIND_ENTERPRISE = "企业会员"
KIND_ALIASES = {"企业会员": "enterprise", "企业": "enterprise", "单位会员": "enterprise"}
SECTION_LIST = [f"{letter} {zh}" for letter, (zh, *_r) in SECTIONS.items()]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    example: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = field(default=())
    width: int = 14


COLUMNS: list[Column] = [
    Column(
        "name",
        "企业名称",
        _("The enterprise's full registered name."),
        "深圳市宝安示例电子有限公司",
        ("单位名称", "企业全称", "公司名称", "名称", "会员名称", "会员单位", "企业"),
        required=True,
        width=30,
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        _("18 characters; the last one is a check character, which is verified."),
        "91440306MA5DC0NE4D",
        ("信用代码", "社会信用代码", "统一信用代码", "统一代码", "USCC", "社会统一信用代码"),
        required=True,
        width=22,
    ),
    Column(
        "kind",
        "会员类型",
        _("企业会员 (this sheet imports enterprise members)."),
        KIND_ENTERPRISE,
        ("会员类别", "会员种类", "类型"),
        choices=(KIND_ENTERPRISE,),
        width=10,
    ),
    Column(
        "legal_representative",
        "法定代表人",
        _("Name of the legal representative."),
        "张伟",
        ("法人", "法人代表", "法定代表人姓名"),
    ),
    Column(
        "contact_name",
        "联系人",
        _(
            "The member's contact. With the phone it identifies the person who "
            "represents the member; empty: the legal representative."
        ),
        "张伟",
        ("联系人姓名", "会员代表", "代表人"),
    ),
    Column(
        "contact_phone",
        "联系电话",
        _("A mobile number (11 digits) or a landline with its area code (0755-12345678)."),
        "13800138000",
        (
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "联系方式",
            "联系人电话",
            "联系人手机",
            "移动电话",
            "联系手机",
        ),
    ),
    Column(
        "industry",
        "所属行业",
        _(
            "GB/T 4754-2017: the section letter (C), a division code (C39 or 39) "
            "or the section's Chinese name (制造业)."
        ),
        "C39",
        ("行业", "行业门类", "行业类别", "行业分类", "国民经济行业", "行业代码", "所属行业门类"),
        choices=tuple(SECTION_LIST),
        width=18,
    ),
    Column(
        "size_class",
        "企业规模",
        _("大型, 中型, 小型 or 微型. Empty: computed from the figures (2017 standard)."),
        "小型",
        ("规模", "企业规模类型", "规模类型"),
        choices=tuple(SIZE_LABELS.values()),
        width=10,
    ),
    Column(
        "registered_capital",
        "注册资本（万元）",
        _("In 10,000 yuan, a number."),
        "500",
        ("注册资本", "注册资金", "注册资本万元", "注册资金(万元)"),
    ),
    Column(
        "employees",
        "从业人数",
        _("Number of employees, a whole number."),
        "85",
        ("员工人数", "职工人数", "人数", "从业人员", "从业人员数", "员工数"),
        width=10,
    ),
    Column(
        "revenue",
        "营业收入（万元）",
        _("Last year's operating revenue in 10,000 yuan."),
        "3200",
        ("营业收入", "营收", "年营业收入", "主营业务收入", "营业收入万元"),
    ),
    Column(
        "address",
        "地址",
        _("Registered address."),
        "深圳市宝安区西乡街道宝源路1号",
        ("注册地址", "住所", "企业地址", "通讯地址", "单位地址", "地址"),
        width=30,
    ),
    Column(
        "founded",
        "成立日期",
        _("A date: 2015-03-01, 2015/3/1, 2015年3月1日 or a date cell."),
        "2015-03-01",
        ("成立时间", "注册日期", "成立年月", "设立日期"),
        width=12,
    ),
    Column(
        "joined",
        "入会日期",
        _("The date the member joined this chamber. Empty for a new member: today."),
        "2017-01-10",
        ("入会时间", "加入日期", "入会年月"),
        width=12,
    ),
    Column(
        "rank",
        "会员职务",
        _("会长, 副会长, 常务理事, 理事 or 会员. Empty for a new member: 会员."),
        "理事",
        ("职务", "商会职务", "会内职务", "担任职务"),
        choices=tuple(RANK_LABELS.values()),
        width=10,
    ),
    Column("note", "备注", _("Anything else, kept as a note."), "", ("说明", "附注"), width=20),
]
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = [c for c in COLUMNS if c.required]

_JUNK = re.compile(r"[\s()（）\[\]【】:：*＊_\-]+")


def header_key(raw: object) -> str:
    """A header as it is compared: half-width (NFKC), without spaces, brackets,
    colons or asterisks, lower case. "注册资本（万元）", "注册资本 (万元)" and
    "＊企业名称" all become comparable."""
    s = unicodedata.normalize("NFKC", str(raw or ""))
    return _JUNK.sub("", s).lower()


_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.header, *_c.aliases):
        _LOOKUP.setdefault(header_key(_h), _c.key)


def match_header(raw: object) -> str | None:
    """The column key for a header cell, or None when it is not one of ours."""
    return _LOOKUP.get(header_key(raw))
