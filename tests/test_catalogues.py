"""The translation catalogues as one whole: Django merges every app's catalogue into one
namespace (the first app loaded wins), so a msgid must mean one thing everywhere, and
Chinese text is set with full-width punctuation."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest

import chamber

PACKAGE = Path(chamber.__file__).parent
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))

# Placeholders are not text: %(name)s, %s, {name}.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sd]|\{[a-z_]*\}")
CJK = "\u3400-\u9fff\u3000-\u303f\uff01-\uff60“”‘’"
# ASCII , : ; ( ) ! ? touching a Chinese character or full-width punctuation.
ASCII_IN_CHINESE = re.compile(rf"[{CJK}]\s*[,:;()!?]|[,:;()!?]\s*[{CJK}]")
# A space between Chinese and a number or a placeholder: 2017年, not 2017 年.
SPACED_NUMBER = re.compile(rf"[{CJK}] +(?:\d|\x00)|(?:\d|\x00) +[{CJK}]")


def _name(path: Path) -> str:
    """The app a catalogue belongs to; "project" for src/chamber/locale (templates/)."""
    return "project" if path.parents[3] == PACKAGE else path.parents[3].name


def _translation(entry: polib.POEntry) -> str:
    """The translation as one string (the plural forms joined), empty if missing."""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        return " | ".join(forms) if all(forms) else ""
    return entry.msgstr


def _entries():
    for path in CATALOGUES:
        catalogue = _name(path)
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield catalogue, entry


def test_every_app_has_a_catalogue():
    apps = {_name(p) for p in CATALOGUES}
    assert {"project", "core", "orgs", "members", "casework", "activities", "politics"} <= apps
    assert "reports" in apps


def test_one_translation_per_msgid_and_context():
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for catalogue, entry in _entries():
        if _translation(entry):
            seen[(entry.msgctxt, entry.msgid)][_translation(entry)].append(catalogue)
    clashes = {key: dict(v) for key, v in seen.items() if len(v) > 1}
    assert not clashes, "the same (context, msgid) translated differently: " + "; ".join(
        f"{ctx or ''}|{msgid!r}: {dict(v)}" for (ctx, msgid), v in clashes.items()
    )


def test_catalogues_are_complete():
    missing = [
        (c, e.msgctxt, e.msgid) for c, e in _entries() if not _translation(e) or "fuzzy" in e.flags
    ]
    assert not missing, missing


def _chinese_problems(text: str) -> list[str]:
    masked = PLACEHOLDER.sub("\x00", text)
    problems = []
    if not re.search(f"[{CJK}]", masked):
        return problems
    for m in ASCII_IN_CHINESE.finditer(masked):
        problems.append(f"ASCII punctuation {m.group(0)!r}")
    if "(" in masked or ")" in masked:
        problems.append("ASCII brackets in Chinese text (use （）)")
    for m in SPACED_NUMBER.finditer(masked):
        problems.append(f"space between Chinese and a number {m.group(0)!r}")
    return problems


def test_chinese_punctuation_is_full_width():
    found = []
    for catalogue, entry in _entries():
        for problem in _chinese_problems(_translation(entry)):
            found.append(f"{catalogue}: {_translation(entry)!r}: {problem}")
    assert not found, "\n".join(found)


def test_templates_literal_chinese_is_full_width():
    found = []
    for path in PACKAGE.glob("**/templates/**/*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # template tags and variables are code, not text
            text = re.sub(r"\{[%{#].*?[%}#]\}", " ", line)
            text = re.sub(r"<[^>]*>", " ", text)
            for problem in _chinese_problems(text):
                found.append(f"{path.relative_to(PACKAGE)}:{n}: {problem}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "text, bad",
    [
        ("走访已登记,提出诉求 %(n)s 件。", True),
        ("2017 年,52 位领导", True),
        ("执委会(理事会)", True),
        ("不能“%(action)s”:诉求当前状态为%(status)s。", True),
        ("走访已登记，提出诉求%(n)s件。", False),
        ("上传照片或文件（JPEG、PNG；单个不超过10 MB）", False),
        ("%(name)s", False),
    ],
)
def test_the_punctuation_check_itself(text, bad):
    assert bool(_chinese_problems(text)) is bad


# The collisions once seen on screen, each now with its own context and its own words.
@pytest.mark.parametrize(
    "context, msgid, chinese",
    [
        ("date", "closed", "撤销日期"),  # an organisation's closing date ...
        (None, "closed", "已结案"),  # ... and a case's status
        ("deadline", "due", "办理期限"),  # a case's deadline ...
        ("dues", "due", "会费"),  # ... and a member's dues
        ("deadline", "Due", "期限"),
        ("dues", "Due", "应缴"),
        ("period", "From", "起始日期"),
        ("transfer", "From", "转会日期"),
        ("visit", "Purpose", "走访目的"),
        (None, "Purpose", "用途"),
        ("visit", "purpose", "走访目的"),
        (None, "purpose", "用途"),
        ("person", "Name", "姓名"),
        (None, "Name", "名称"),
        ("count", "Signed up", "报名人数"),
        (None, "Signed up", "报名时间"),
        ("count", "People", "人数"),
        ("count", "events", "活动场次"),
        ("case", "description", "诉求内容"),
        ("milestone", "description", "事项"),
        ("post", "role", "职务"),
        (None, "role", "角色"),
        ("jurisdiction", "place", "所在地"),
        (None, "place", "地点"),
    ],
)
def test_ambiguous_msgids_have_their_own_words(context, msgid, chinese):
    from django.utils import translation

    with translation.override("zh-hans"):
        said = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert said == chinese


def test_no_status_reads_as_a_date_or_money():
    from django.utils import translation

    from chamber.activities.choices import EventStatus, RegistrationStatus
    from chamber.casework.choices import Status as CaseStatus
    from chamber.members.choices import Status as MemberStatus
    from chamber.politics.choices import Status as ProposalStatus

    with translation.override("zh-hans"):
        for choices in (CaseStatus, ProposalStatus, EventStatus, RegistrationStatus, MemberStatus):
            for label in choices.labels:
                assert not re.search("日期|时间|会费|应缴|金额", str(label)), (choices, label)
