"""Scoped reads of the member register, shared by pages, the API and exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chamber.core import text
from chamber.core.audit import trail_for
from chamber.core.money import cents, from_cents, subquery_cents
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from .choices import Status
from .models import Due, DuesRate, Enterprise, EnterpriseRole, Membership, Payment, Person

SORTS = {
    "name": "sort_key",
    "-name": "-sort_key",
    "joined": "joined",
    "-joined": "-joined",
    "rank": "rank",
}


@dataclass
class DirectoryFilters:
    q: str = ""
    org: Organization | None = None
    industry: str = ""
    size_class: str = ""
    rank: str = ""
    kind: str = ""
    status: str = Status.ACTIVE
    sort: str = "name"


def is_initials_query(q: str) -> bool:
    """One or two Latin letters: the start of the pinyin initials (hw -> 华为...)."""
    q = text.normalize(q)
    return 0 < len(q) <= 2 and bool(re.fullmatch(r"[a-z]+", q))


def _prefix(field: str, q: str) -> Q:
    """`field` starts with `q`, also written as a range so a plain b-tree index serves
    it under any collation (LIKE 'q%' alone needs the C collation or pattern_ops)."""
    upper = q[:-1] + chr(ord(q[-1]) + 1)
    return Q(**{f"{field}__gte": q, f"{field}__lt": upper, f"{field}__startswith": q})


def search_condition(q: str) -> Q:
    """How a query finds members (all index-served on PostgreSQL):

    - one or two Latin letters: initials from the start (hw);
    - three or four Latin letters: the start of the initials, the full pinyin or any
      word of the search text (hwjs, wang, rzf), not a substring: inside the pinyin
      they would match half the register;
    - two Chinese characters: a whole word of the search text, which holds every pair
      of adjacent characters (trigram-indexed with its padding); one character: any
      pinyin reading of it is looked up (index-served), the character checked;
    - anything longer: a substring of `search_text` (name, pinyin, initials, credit
      code, legal representative), served by a trigram index.
    """
    q = text.normalize(q)
    if not q:
        return Q()
    latin = re.fullmatch(r"[a-z]+", q) is not None
    if latin and len(q) <= 2:
        return _prefix("initials", q)
    if latin and len(q) <= 4:
        # " " + q: the start of any word of search_text (the legal representative's
        # initials or pinyin, say); words are separated by single spaces.
        return _prefix("initials", q) | _prefix("sort_key", q) | Q(search_text__contains=" " + q)
    if len(q) >= 3:
        return Q(search_text__contains=q)
    return _short_cjk(q)


def directory(user: Any, filters: DirectoryFilters) -> QuerySet[Membership]:
    """The member directory as `user` may see it: one row per membership."""
    qs = Membership.objects.visible_to(user, Perm.VIEW)
    if filters.org is not None:
        qs = qs.filter(organization__path__startswith=filters.org.path)
    if filters.status == Status.ACTIVE:
        qs = qs.active()
    elif filters.status == Status.LEFT:
        qs = qs.filter(left__isnull=False, left__lte=timezone.localdate())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.rank:
        qs = qs.filter(rank=filters.rank)
    if filters.industry:
        qs = qs.filter(enterprise__industry_section=filters.industry)
    if filters.size_class:
        qs = qs.filter(enterprise__size_class=filters.size_class)
    if filters.q:
        qs = qs.filter(search_condition(filters.q))
    return qs.select_related("organization", "enterprise", "representative")


def directory_rows(user: Any, filters: DirectoryFilters) -> QuerySet[Membership]:
    """The directory page's rows: only the columns it shows (building full instances
    of 50 rows and three relations each was a third of the page's time)."""
    return directory(user, filters).only(*DIRECTORY_FIELDS)


DIRECTORY_FIELDS = [
    "id",
    "name",
    "kind",
    "rank",
    "joined",
    "left",
    "sort_key",
    "organization_id",
    "enterprise_id",
    "person_id",
    "representative_id",
    "organization__name",
    "organization__name_en",
    "enterprise__uscc",
    "enterprise__industry_section",
    "enterprise__industry_division",
    "enterprise__size_class",
    "representative__name",
]


def _short_cjk(q: str) -> Q:
    """One or two characters, mostly Chinese. Two Chinese characters are a whole word
    of the search text (its bigrams, see core.text.cjk_bigrams): index-served. One
    character is looked up by its pinyin readings (index-served) and checked on the
    rows found."""
    if len(q) == 2 and text.has_cjk(q[0]) and text.has_cjk(q[1]):
        # A two-character name is the search text's first word, with no space before it.
        return Q(search_text__contains=f" {q} ") | Q(search_text__startswith=f"{q} ")
    if text.has_cjk(q):
        readings = Q()
        for reading in text.pinyin_readings(q):
            readings |= Q(search_text__contains=reading)
        return readings & Q(search_text__contains=q)
    return Q(search_text__contains=q)


def record_search_condition(q: str) -> Q:
    """The same search over a model that has only `search_text` (enterprises, people):
    short Latin queries match the start of a word of it (its initials, a pinyin)."""
    q = text.normalize(q)
    if not q:
        return Q()
    if re.fullmatch(r"[a-z]+", q) and len(q) <= 4:
        return Q(search_text__startswith=q) | Q(search_text__contains=" " + q)
    if len(q) >= 3:
        return Q(search_text__contains=q)
    return _short_cjk(q)


def directory_page_order(qs: QuerySet[Membership], filters: DirectoryFilters):
    """(queryset, keyset order field) for a directory page.

    Without a search, rows come in the order asked for, straight from an index. A
    search by initials comes in initials order, from the initials index: the first
    page of 'hx' reads 51 rows, not every match. Any other search sorts its matches by
    pinyin through `sk`, lower(sort_key): the same order (sort keys are lower-case
    ASCII), but not an index PostgreSQL could walk, so it never scans the name index
    filtering row by row for a rare match (600 ms at a million members)."""
    if not filters.q:
        return qs, SORTS.get(filters.sort, "sort_key")
    if is_initials_query(filters.q) and filters.sort in ("", "name"):
        return qs, "initials"
    if filters.sort in ("", "name", "-name"):
        desc = "-" if filters.sort == "-name" else ""
        return qs.annotate(sk=Lower("sort_key")), f"{desc}sk"
    return qs, SORTS.get(filters.sort, "sort_key")


def enterprises(user: Any, perm: str = Perm.VIEW) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user, perm)


def people(user: Any, perm: str = Perm.VIEW) -> QuerySet[Person]:
    return Person.objects.visible_to(user, perm)


def memberships(user: Any, perm: str = Perm.VIEW) -> QuerySet[Membership]:
    return Membership.objects.visible_to(user, perm)


def get_enterprise(user: Any, pk: int, perm: str = Perm.VIEW) -> Enterprise:
    """The enterprise if `user` may see it, else 404: another chamber's member is not
    found, not forbidden."""
    return get_object_or_404(enterprises(user, perm), pk=pk)


def get_person(user: Any, pk: int, perm: str = Perm.VIEW) -> Person:
    return get_object_or_404(people(user, perm), pk=pk)


def enterprise_profile(user: Any, pk: int) -> dict[str, Any]:
    """Everything the member page shows about an enterprise, in a fixed number of queries."""
    ent = get_object_or_404(
        enterprises(user)
        .select_related("street")
        .prefetch_related(
            "tags",
            "milestones",
            Prefetch("people", queryset=Person.objects.order_by("name")),
        ),
        pk=pk,
    )
    history = list(
        memberships(user)
        .filter(enterprise=ent)
        .select_related("organization", "representative", "moved_from__organization")
        .prefetch_related(Prefetch("dues", queryset=Due.objects.prefetch_related("payments")))
        .order_by("joined", "id")
    )
    return {
        "enterprise": ent,
        "memberships": history,
        "trail": list(visible_trail(user, trail_for(ent))[:100]),
    }


def visible_trail(user: Any, entries: QuerySet) -> QuerySet:
    """Audit entries the user may read (the one scope rule, AuditEntry.scope_condition)."""
    return entries.visible_to(user, Perm.VIEW)


# --- People ------------------------------------------------------------------------------


def people_list(user: Any, q: str = "", org: Organization | None = None) -> QuerySet[Person]:
    """People as `user` may see them (with or without an enterprise), searched by name,
    pinyin or mobile, within `org`'s subtree if given."""
    qs = people(user).select_related("enterprise", "organization")
    if org is not None:
        in_org = Membership.objects.filter(organization__path__startswith=org.path)
        qs = qs.filter(
            Q(organization__path__startswith=org.path)
            | Q(pk__in=in_org.filter(person__isnull=False).values("person_id"))
            | Q(pk__in=in_org.filter(representative__isnull=False).values("representative_id"))
            | Q(enterprise_id__in=in_org.filter(enterprise__isnull=False).values("enterprise_id"))
        )
    if q:
        qs = qs.filter(record_search_condition(q))
    return qs


def person_roles(user: Any, person: Person) -> list[EnterpriseRole]:
    """The person's roles at enterprises the user sees, newest first."""
    return list(
        EnterpriseRole.objects.visible_to(user)
        .filter(person=person)
        .select_related("enterprise")
        .order_by("-start", "-id")
    )


def person_profile(user: Any, pk: int) -> dict[str, Any]:
    """Everything a person's page shows, in a fixed number of queries."""
    person = get_object_or_404(people(user).select_related("enterprise", "organization"), pk=pk)
    own = list(
        memberships(user)
        .filter(person=person)
        .select_related("organization")
        .prefetch_related(Prefetch("dues", queryset=Due.objects.prefetch_related("payments")))
        .order_by("joined", "id")
    )
    represents = list(
        memberships(user)
        .filter(representative=person)
        .select_related("organization", "enterprise")
        .order_by("joined", "id")
    )
    return {
        "person": person,
        "roles": person_roles(user, person),
        "memberships": own,
        "represents": represents,
        "trail": list(visible_trail(user, trail_for(person))[:100]),
    }


def enterprise_roles(user: Any, enterprise: Enterprise) -> list[EnterpriseRole]:
    return list(
        EnterpriseRole.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("person")
        .order_by("end", "role", "-start", "-id")
    )


# --- Dues ----------------------------------------------------------------------------------


def dues(user: Any, perm: str = Perm.VIEW) -> QuerySet[Due]:
    return Due.objects.visible_to(user, perm)


def payments(user: Any, perm: str = Perm.VIEW) -> QuerySet[Payment]:
    return Payment.objects.visible_to(user, perm)


def dues_rates(user: Any, perm: str = Perm.VIEW) -> QuerySet[DuesRate]:
    return DuesRate.objects.visible_to(user, perm)


def get_due(user: Any, pk: int, perm: str = Perm.VIEW) -> Due:
    return get_object_or_404(dues(user, perm).select_related("membership__organization"), pk=pk)


def get_payment(user: Any, pk: int, perm: str = Perm.VIEW) -> Payment:
    return get_object_or_404(payments(user, perm), pk=pk)


def with_paid(qs: QuerySet[Due]) -> QuerySet[Due]:
    """Each due with `paid_cents`, the exact sum of its payments in fen (no join fan-out)."""
    return qs.annotate(paid_cents=subquery_cents(Payment.objects.all(), "due"))


def dues_list(
    user: Any,
    *,
    org: Organization | None = None,
    year: int | None = None,
    arrears: bool = False,
    q: str = "",
) -> QuerySet[Due]:
    """Dues as `user` may see them, in `org`'s subtree and `year`, with what was paid; with
    `arrears`, only those not paid in full."""
    qs = dues(user)
    if org is not None:
        qs = qs.filter(membership__organization__path__startswith=org.path)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(membership__in=Membership.objects.filter(search_condition(q)))
    qs = with_paid(qs).select_related("membership__organization")
    if arrears:
        qs = qs.annotate(due_cents=cents("amount")).filter(paid_cents__lt=F("due_cents"))
    return qs.order_by("membership__organization__sort_order", "membership__sort_key", "id")


def dues_summary(user: Any, *, org: Organization | None, year: int) -> list[dict[str, Any]]:
    """The report's dues figures (members.figures) for the year, for `org` or for each
    organisation at the top of the user's scope."""
    import datetime

    from chamber.orgs.selectors import top_organizations

    from .figures import dues_figures

    orgs = [org] if org is not None else top_organizations(user)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return [{"org": o, **dues_figures(o, start, end)} for o in orgs[:5]]


def may(user: Any, obj: Enterprise | Person, perm: str = Perm.CHANGE) -> bool:
    """Does `user` hold `perm` over an enterprise or person (through the scope rule)?"""
    from chamber.orgs import scope

    if scope.org_ids(user, perm) is scope.ALL:
        return True
    return type(obj).objects.visible_to(user, perm).filter(pk=obj.pk).exists()


def owed(due: Due) -> dict[str, Any]:
    """A listed due's paid and outstanding amounts, exact."""
    paid = from_cents(getattr(due, "paid_cents", 0))
    return {"paid": paid, "outstanding": due.amount - paid}


def uses_trigram_index() -> bool:
    return connection.vendor == "postgresql"
