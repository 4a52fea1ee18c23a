"""Every route, generated from the URL resolver, as every role (issue 14, item 5).

Each page and API route is requested with every method, its path parameters filled
with ids of the other chamber's records (tests/route_world.py puts one record of each
kind in Xixiang at id 8001 and in Fuyong at id 9001, with a marker in its text). A
route added later is in the walk by construction; a new kind of path parameter fails
`fill` until a value is given below. Checks:

- no answer is a server error (the test client re-raises a view's exception);
- a street secretary never sees the other chamber's marker (pages, JSON, and inside
  .xlsx/.docx downloads);
- the read-only leader, a user without a role and an anonymous visitor change nothing
  (a fingerprint of every Chamber table before and after the route's requests);
- a street secretary changes nothing of the other chamber's records.

A role for the coming members' portal is one more entry in ROLES (its user, the
chamber whose records it must not reach, and whether it may write).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests import route_world
from tests.route_world import FUYONG_ID, MARKERS, XIXIANG_ID

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete"]


@dataclass(frozen=True)
class RoleCase:
    name: str
    user: str | None  # attribute of `world`, None for anonymous
    other: str  # the chamber whose records the role must not reach
    may_write: bool  # writes anywhere in its scope (else: nothing may change at all)


ROLES = [
    RoleCase("district staff", "staff", "fuyong", True),
    RoleCase("xixiang secretary", "secretary", "fuyong", True),
    RoleCase("fuyong secretary", "other_secretary", "xixiang", True),
    RoleCase("read-only leader", "leader", "fuyong", False),
    RoleCase("outsider without a role", "outsider", "fuyong", False),
    RoleCase("anonymous", None, "fuyong", False),
]
# Roles that cover every chamber: they may see both markers.
SEES_EVERYTHING = {"district staff", "read-only leader"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def routes() -> list[tuple[str, str]]:
    out = []
    for pattern, p in walk(get_resolver().url_patterns):
        if "(?P<format>" in pattern or ":format>" in pattern:
            continue  # DRF's .json/.api suffix twins of the routes below
        out.append((pattern, p.name or ""))
    return out


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def fill(pattern: str, name: str, other: str) -> str:
    record = FUYONG_ID if other == "fuyong" else XIXIANG_ID
    org_code = f"d.{other}"
    values = {
        "pk": record,
        "object_id": record,
        "id": record,
        "role_id": record,
        "round_no": 1,
        "code": org_code,
        "section": "members",
        "figure": "total",
        "fmt": "xlsx",
        "app_label": "members",
        "content_type_id": 1,
        "uidb64": "MQ",
        "token": "x",
        "path": "x",
        "url": "x",
        "name": "x",
        "indicator": record,  # scorecards: a manual score on an assessment
        "file": record,  # scorecards: an evidence file
        "photo": record,
        "action": "approve",  # returns: a step on a return
    }
    steps = {"case_step": "resolve", "event_step": "announce", "proposal_step": "submit"}
    if name in steps:
        values["step"] = steps[name]
    if name.startswith("organization-"):
        values["pk"] = org_code

    def one(m: re.Match) -> str:
        key = m.group(2) or m.group(3)
        if key not in values:
            raise AssertionError(
                f"route {pattern!r} ({name}) has the parameter {key!r}: give it a value in fill()"
            )
        return str(values[key])

    path = _PARAM.sub(one, pattern)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    path = re.sub(r"\(\?:[^)]*\)\??", "", path)
    return "/" + path


def fingerprint(only_ids: tuple[int, int] | None = None) -> str:
    """A digest of every Chamber table (or of the rows in an id range), except the
    trail and the sign-in records, which reads may add to."""
    h = hashlib.sha256()
    for model in route_world.chamber_models():
        if model._meta.label in {"core.AuditEntry"}:
            continue
        qs = model._base_manager.order_by("pk")
        if only_ids is not None:
            qs = qs.filter(pk__gte=only_ids[0], pk__lt=only_ids[1])
        h.update(model._meta.label.encode())
        h.update(repr(list(qs.values_list())).encode())
    return h.hexdigest()


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if data[:2] == b"PK":  # .xlsx / .docx: search inside
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_every_route_as_every_role(world, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    route_world.build(world)
    client = Client()
    if role.user:
        client.force_login(getattr(world, role.user))
    marker = MARKERS[role.other]
    other_ids = (
        (FUYONG_ID, FUYONG_ID + 100) if role.other == "fuyong" else (XIXIANG_ID, XIXIANG_ID + 100)
    )
    problems: list[str] = []
    tried = 0
    for pattern, name in routes():
        if name == "logout":
            continue  # would end the session the next routes are tried with
        path = fill(pattern, name, role.other)
        before = fingerprint(None if not role.may_write else other_ids)
        for method in METHODS:
            tried += 1
            try:
                r = getattr(client, method)(path, **({} if method == "get" else {"data": {}}))
            except Exception as e:  # a view's exception: what would be a 500
                problems.append(f"{method.upper()} {path} ({name}): {e.__class__.__name__}: {e}")
                continue
            if r.status_code >= 500:
                problems.append(f"{method.upper()} {path} ({name}): {r.status_code}")
            if role.name not in SEES_EVERYTHING and r.status_code == 200 and marker in body_text(r):
                problems.append(f"{method.upper()} {path} ({name}): shows {role.other}'s record")
        after = fingerprint(None if not role.may_write else other_ids)
        if role.may_write and role.name in SEES_EVERYTHING:
            continue  # the district may change every chamber's records
        if before != after:
            problems.append(
                f"{path} ({name}): wrote {'something' if not role.may_write else role.other + ' records'}"
            )
    assert tried > 500
    assert problems == []


def test_fill_names_every_parameter():
    """A route with a parameter nobody gave a value fails here first, with its name."""
    for pattern, name in routes():
        path = fill(pattern, name, "fuyong")
        assert "<" not in path and "(?P" not in path, path
