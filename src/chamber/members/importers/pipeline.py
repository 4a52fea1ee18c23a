"""Importing a member spreadsheet: read every row, check it, plan what changes, and
only when no row has an error write everything in one transaction.

Speed comes from doing per chunk of rows what the services do per record: one query
per chunk finds the enterprises by credit code, their memberships in the organisation
and the people named; the writes are bulk inserts and updates; the audit entries
(one IMPORT entry, and a CREATE or UPDATE entry per record with its member as subject,
as the services record them) are inserted in bulk. Derived fields (pinyin, initials,
search text, size class) are computed exactly as the services compute them
(importers.names, members.sizing).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.core.audit import AuditAction, _plain
from chamber.core.models import AuditEntry
from chamber.core.validators import mask
from chamber.orgs import scope
from chamber.orgs.choices import Perm
from chamber.orgs.models import Organization

from ..choices import MemberKind, Rank
from ..models import Enterprise, Membership, Person
from ..services import ENTERPRISE_FIELDS
from ..sizing import compute_size_class
from . import names
from .columns import BY_KEY
from .reader import FileProblem, Table, open_table
from .rows import CleanRow, RowError, RowReader

CHUNK = 2000
SAMPLE = 50  # preview rows kept per action
ERROR_LIMIT = 100_000  # errors kept in memory; the count goes on
Progress = Callable[[str, int, int], None]

# Enterprise fields a row can set, and the column each comes from.
ROW_FIELDS = {
    "name": "name",
    "legal_representative": "legal_representative",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "registered_capital": "registered_capital",
    "employees": "employees",
    "revenue": "revenue",
    "registered_address": "address",
    "founded": "founded",
    "note": "note",
}
LOADED = [
    "id",
    "uscc",
    "uscc_check_accepted",
    "industry_section",
    "industry_division",
    "size_class",
    "size_class_manual",
    "total_assets",
    "search_text",
    *ROW_FIELDS,
]
CREATE, UPDATE, SAME = "create", "update", "same"


@dataclass
class Outcome:
    """What an import found and did."""

    rows: int = 0
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            k: {CREATE: 0, UPDATE: 0, SAME: 0} for k in ("enterprise", "person", "membership")
        }
    )
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    problem: str = ""  # the file as a whole can't be imported
    written: bool = False
    sample: list[dict] = field(default_factory=list)
    sheet: str = ""
    kind: str = ""
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problem and not self.error_count

    @property
    def changes(self) -> int:
        return sum(c[CREATE] + c[UPDATE] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "counts": self.counts,
            "error_count": self.error_count,
            "problem": self.problem,
            "written": self.written,
            "sample": self.sample,
            "sheet": self.sheet,
            "kind": self.kind,
            "encoding": self.encoding,
            "ignored": self.ignored,
            "seconds": round(self.seconds, 2),
        }


class _Plan:
    """What to write for one row (rows that change nothing are not kept)."""

    __slots__ = ("clean", "ent", "ent_changes", "person", "person_changes", "mem", "mem_changes")

    def __init__(self, clean: CleanRow):
        self.clean = clean
        self.ent: dict | None = None  # the enterprise as stored, None: create
        self.ent_changes: dict[str, Any] = {}
        self.person: int | _NewPerson | None = None
        self.person_changes: dict[str, Any] = {}
        self.mem: dict | None = None
        self.mem_changes: dict[str, Any] = {}


class _NewPerson:
    __slots__ = ("name", "mobile", "plan", "obj")

    def __init__(self, name: str, mobile: str, plan: _Plan):
        self.name, self.mobile, self.plan = name, mobile, plan
        self.obj: Person | None = None


class Importer:
    """One import of one file into one organisation by one actor."""

    def __init__(
        self,
        *,
        actor: Any,
        organization: Organization,
        today: datetime.date | None = None,
        progress: Progress | None = None,
        chunk: int = CHUNK,
    ):
        if actor is not None and not scope.has_perm(actor, Perm.CHANGE, organization.pk):
            raise PermissionDenied(
                _("You may not import members into %(org)s.") % {"org": organization}
            )
        self.actor = actor
        self.org = organization
        self.today = today or timezone.localdate()
        self.progress = progress or (lambda phase, done, total: None)
        self.chunk = chunk
        self.outcome = Outcome()
        self.plans: list[_Plan] = []
        self._seen: dict[str, int] = {}
        self._new_people: dict[tuple[str, str], _NewPerson] = {}
        self._samples: dict[str, int] = {CREATE: 0, UPDATE: 0, SAME: 0}

    # --- the whole run --------------------------------------------------------------

    def run(self, path: str | Path, *, dry_run: bool = False, original_name: str = "") -> Outcome:
        import time

        start = time.perf_counter()
        out = self.outcome
        try:
            table = open_table(path, original_name=original_name)
            self.check(table)
        except FileProblem as e:
            out.problem = e.message
        if out.ok and not dry_run:
            self.write(original_name or Path(path).name)
        out.seconds = time.perf_counter() - start
        return out

    def check(self, table: Table) -> None:
        """Read, clean and plan every row; errors are collected, nothing is written."""
        out = self.outcome
        out.sheet, out.kind, out.encoding = table.sheet, table.kind, table.encoding
        out.headers, out.ignored = [str(h) for h in table.headers], table.ignored
        reader = RowReader(
            sheet=table.sheet, headers=out.headers, columns=table.columns, today=self.today
        )
        formula_rows: dict[int, list] = {}
        for f in table.formulas:
            formula_rows.setdefault(f.row, []).append(f)
        batch: list[CleanRow] = []
        errors = out.errors
        self.progress("check", 0, 0)
        for number, values in table.rows():
            if reader.is_blank(values):
                continue
            out.rows += 1
            if number in formula_rows:
                for f in formula_rows.pop(number):
                    header = out.headers[f.col] if 0 <= f.col < len(out.headers) else f.ref
                    self._error(
                        RowError(
                            table.sheet,
                            number,
                            header,
                            f.formula[:200],
                            _(
                                "Cell %(ref)s holds a formula. Paste the sheet as values "
                                "(Paste Special > Values) and import again."
                            )
                            % {"ref": f.ref},
                            f.col,
                        )
                    )
            before = len(errors)
            clean = reader.clean(number, values, errors)
            out.error_count += len(errors) - before
            if len(errors) > ERROR_LIMIT:
                del errors[ERROR_LIMIT:]
            if clean is not None:
                batch.append(clean)
            if len(batch) >= self.chunk:
                self._plan_chunk(batch)
                batch = []
                self.progress("check", out.rows, 0)
        if batch:
            self._plan_chunk(batch)
        if out.rows == 0:
            raise FileProblem(
                _("The sheet %(sheet)s has a header but no member rows.") % {"sheet": table.sheet}
            )
        self.progress("check", out.rows, out.rows)

    def _error(self, error: RowError) -> None:
        self.outcome.error_count += 1
        if len(self.outcome.errors) < ERROR_LIMIT:
            self.outcome.errors.append(error)

    def _cell_error(self, c: CleanRow, key: str, value: object, reason: str) -> None:
        headers = self.outcome.headers
        index = self._index.get(key, -1)
        header = headers[index] if 0 <= index < len(headers) else BY_KEY[key].header
        self._error(
            RowError(self.outcome.sheet, c.row, header, str(value)[:200], str(reason), index)
        )

    @property
    def _index(self) -> dict[str, int]:
        from .columns import match_header

        if not hasattr(self, "_index_cache"):
            self._index_cache = {}
            for i, h in enumerate(self.outcome.headers):
                key = match_header(h)
                if key and key not in self._index_cache:
                    self._index_cache[key] = i
        return self._index_cache

    # --- planning ---------------------------------------------------------------------

    def _plan_chunk(self, rows: list[CleanRow]) -> None:
        fresh: list[CleanRow] = []
        for c in rows:
            first = self._seen.get(c.uscc)
            if first is not None:
                self._cell_error(
                    c,
                    "uscc",
                    c.uscc,
                    _("The same credit code is on row %(row)d of this file.") % {"row": first},
                )
                continue
            self._seen[c.uscc] = c.row
            fresh.append(c)
        if not fresh:
            return
        stored = {
            e["uscc"]: e
            for e in Enterprise.objects.filter(uscc__in=[c.uscc for c in fresh]).values(*LOADED)
        }
        ent_ids = [e["id"] for e in stored.values()]
        members = {
            m["enterprise_id"]: m
            for m in Membership.objects.filter(
                organization=self.org, enterprise_id__in=ent_ids, left__isnull=True
            )
            .order_by("joined", "id")
            .values("id", "enterprise_id", "rank", "joined", "representative_id")
        }
        by_mobile: dict[tuple[str, str], dict] = {}
        mobiles = {c.mobile for c in fresh if c.mobile}
        if mobiles:
            for p in (
                Person.objects.filter(mobile__in=mobiles)
                .order_by("id")
                .values("id", "name", "mobile", "enterprise_id")
            ):
                by_mobile.setdefault((p["name"], p["mobile"]), p)
        by_ent: dict[int, list[dict]] = {}
        if ent_ids:
            for p in (
                Person.objects.filter(enterprise_id__in=ent_ids)
                .order_by("id")
                .values("id", "name", "mobile", "enterprise_id")
            ):
                by_ent.setdefault(p["enterprise_id"], []).append(p)
        for c in fresh:
            self._plan_row(c, stored.get(c.uscc), members, by_mobile, by_ent)

    def _plan_row(self, c: CleanRow, e: dict | None, members, by_mobile, by_ent) -> None:
        counts = self.outcome.counts
        if c.uscc_problem and not (e and e["uscc_check_accepted"]):
            self._cell_error(c, "uscc", c.uscc, c.uscc_problem)
            return
        if c.phone_masked is not None:
            if e is None or mask(e["contact_phone"]) != c.phone_masked:
                self._cell_error(
                    c,
                    "contact_phone",
                    c.phone_masked,
                    _(
                        "This number is masked (****). Type the full number, or export with "
                        "a role that may see personal data."
                    ),
                )
                return
        p = _Plan(c)
        ent_action = self._plan_enterprise(p, e)
        person_action = self._plan_person(p, e, by_mobile, by_ent)
        mem_action = self._plan_membership(p, e, members)
        counts["enterprise"][ent_action] += 1
        if person_action:
            counts["person"][person_action] += 1
        counts["membership"][mem_action] += 1
        if ent_action != SAME or person_action in (CREATE, UPDATE) or mem_action != SAME:
            self.plans.append(p)
            action = CREATE if ent_action == CREATE else UPDATE
        else:
            action = SAME
        if self._samples[action] < SAMPLE:
            self._samples[action] += 1
            changed = sorted(set(p.ent_changes) | set(p.mem_changes) | set(p.person_changes))
            self.outcome.sample.append(
                {
                    "row": c.row,
                    "action": action,
                    "name": c.name,
                    "uscc": c.uscc,
                    "changed": [] if action == CREATE else changed,
                }
            )

    def _plan_enterprise(self, p: _Plan, e: dict | None) -> str:
        c = p.clean
        new: dict[str, Any] = {}
        for model_field, attr in ROW_FIELDS.items():
            value = getattr(c, attr)
            if value is not None and (e is None or e[model_field] != value):
                new[model_field] = value
        if c.industry is not None:
            section, division = c.industry
            if e is None or (e["industry_section"], e["industry_division"]) != (section, division):
                new["industry_section"], new["industry_division"] = section, division
        merged = dict(e) if e else {}
        merged.update(new)

        def figure(key):
            return merged.get(key)

        computed = compute_size_class(
            section=merged.get("industry_section", "") or "",
            division=merged.get("industry_division", "") or "",
            employees=figure("employees"),
            revenue=figure("revenue"),
            assets=figure("total_assets"),
        )
        if c.size_class is not None:
            if e is not None and c.size_class == e["size_class"]:
                size, manual = e["size_class"], e["size_class_manual"]
            else:
                size, manual = c.size_class, c.size_class != computed
        elif e is not None and e["size_class_manual"] and e["size_class"]:
            size, manual = e["size_class"], True
        else:
            size, manual = computed, False
        if e is None or e["size_class"] != size:
            new["size_class"] = size
        if e is None or e["size_class_manual"] != manual:
            new["size_class_manual"] = manual
        if e is None:
            new.setdefault("industry_section", "")
            new.setdefault("industry_division", "")
            new["search_text"] = names.search_text(c.name, c.uscc, c.legal_representative or "")
            p.ent_changes = new
            return CREATE
        if "name" in new or "legal_representative" in new:
            search = names.search_text(
                merged["name"], e["uscc"], merged.get("legal_representative") or ""
            )
            if search != e["search_text"]:
                new["search_text"] = search
        p.ent = e
        p.ent_changes = new
        return UPDATE if new else SAME

    def _plan_person(self, p: _Plan, e: dict | None, by_mobile, by_ent) -> str | None:
        c = p.clean
        name = c.contact_name or c.legal_representative
        if not name:
            return None
        mobile = c.mobile or ""
        if mobile:
            found = by_mobile.get((name, mobile))
            if found is not None:
                p.person = found["id"]
                return SAME
            new = self._new_people.get((name, mobile))
            if new is not None:
                p.person = new
                return SAME
        if e is not None:
            candidates = [x for x in by_ent.get(e["id"], ()) if x["name"] == name]
            if mobile:
                blank = [x for x in candidates if not x["mobile"]]
                if blank:
                    p.person = blank[0]["id"]
                    p.person_changes = {"mobile": mobile}
                    return UPDATE
            elif candidates:
                p.person = candidates[0]["id"]
                return SAME
        new = _NewPerson(name, mobile, p)
        if mobile:
            self._new_people[(name, mobile)] = new
        p.person = new
        return CREATE

    def _plan_membership(self, p: _Plan, e: dict | None, members) -> str:
        c = p.clean
        m = members.get(e["id"]) if e else None
        if m is None:
            return CREATE
        p.mem = m
        if c.rank is not None and c.rank != m["rank"]:
            p.mem_changes["rank"] = c.rank
        if c.joined is not None and c.joined != m["joined"]:
            p.mem_changes["joined"] = c.joined
        if isinstance(p.person, _NewPerson) or (
            p.person is not None and p.person != m["representative_id"]
        ):
            p.mem_changes["representative"] = p.person
        return UPDATE if p.mem_changes else SAME

    # --- writing ----------------------------------------------------------------------

    def write(self, filename: str) -> None:
        out = self.outcome
        total = len(self.plans)
        actor = (
            self.actor
            if self.actor is not None and getattr(self.actor, "is_authenticated", False)
            else None
        )
        self._ct = {
            m: ContentType.objects.get_for_model(m) for m in (Enterprise, Person, Membership)
        }
        self._actor = actor
        self._org_str = str(self.org)
        self.progress("write", 0, total)
        with transaction.atomic():
            done = 0
            for start in range(0, total, self.chunk):
                self._write_chunk(self.plans[start : start + self.chunk])
                done = min(total, start + self.chunk)
                self.progress("write", done, total)
            AuditEntry.objects.create(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type=ContentType.objects.get_for_model(Organization),
                object_id=self.org.pk,
                object_repr=self._org_str[:200],
                subject_type=ContentType.objects.get_for_model(Organization),
                subject_id=self.org.pk,
                organization_id=self.org.pk,
                changes={"file": filename, "rows": out.rows, "counts": out.counts},
                note=_("Imported %(file)s: %(rows)d rows") % {"file": filename, "rows": out.rows},
            )
        out.written = True
        self.plans = []

    def _write_chunk(self, plans: list[_Plan]) -> None:
        now = timezone.now()
        org = self.org
        audits: list[AuditEntry] = []
        ct_e, ct_p, ct_m = self._ct[Enterprise], self._ct[Person], self._ct[Membership]
        actor = self._actor

        def entry(action, ct, obj_id, repr_, subject_id, changes):
            audits.append(
                AuditEntry(
                    actor=actor,
                    action=action,
                    object_type=ct,
                    object_id=obj_id,
                    object_repr=repr_[:200],
                    subject_type=ct_e,
                    subject_id=subject_id,
                    organization_id=org.pk,
                    changes=changes,
                )
            )

        # Enterprises
        new_ents: list[Enterprise] = []
        for p in plans:
            if p.ent is None:
                c = p.clean
                ent = Enterprise(uscc=c.uscc, created=now, updated=now, **p.ent_changes)
                new_ents.append(ent)
        Enterprise.objects.bulk_create(new_ents, batch_size=self._batch(Enterprise))
        it = iter(new_ents)
        changed_ents: list[Enterprise] = []
        update_fields: set[str] = set()
        renamed: dict[int, Enterprise] = {}
        for p in plans:
            if p.ent is None:
                ent = next(it)
                p.ent = {"id": ent.pk, "name": ent.name, "search_text": ent.search_text}
                entry(
                    AuditAction.CREATE,
                    ct_e,
                    ent.pk,
                    ent.name,
                    ent.pk,
                    {f: _plain(getattr(ent, f, None)) for f in ENTERPRISE_FIELDS},
                )
            elif p.ent_changes:
                e = p.ent
                ent = Enterprise(**{k: v for k, v in e.items()})
                before = {k: _plain(e.get(k)) for k in p.ent_changes if k in e}
                for k, v in p.ent_changes.items():
                    setattr(ent, k, v)
                ent.updated = now
                changed_ents.append(ent)
                update_fields.update(p.ent_changes)
                if "search_text" in p.ent_changes or "name" in p.ent_changes:
                    renamed[ent.pk] = ent
                diff = {
                    k: [before.get(k), _plain(v)]
                    for k, v in p.ent_changes.items()
                    if k in ENTERPRISE_FIELDS
                }
                if diff:
                    entry(AuditAction.UPDATE, ct_e, ent.pk, ent.name, ent.pk, diff)
                p.ent = {"id": ent.pk, "name": ent.name, "search_text": ent.search_text}
        if changed_ents:
            Enterprise.objects.bulk_update(
                changed_ents, sorted(update_fields | {"updated"}), batch_size=500
            )
        if renamed:
            self._refresh_memberships(renamed)

        # People
        new_people: list[Person] = []
        person_updates: list[Person] = []
        for p in plans:
            person = p.person
            if isinstance(person, _NewPerson) and person.obj is None and person.plan is p:
                obj = Person(
                    name=person.name,
                    mobile=person.mobile,
                    enterprise_id=p.ent["id"],
                    search_text=names.search_text(person.name, person.mobile),
                    created=now,
                    updated=now,
                )
                person.obj = obj
                new_people.append(obj)
            elif isinstance(person, int) and p.person_changes:
                obj = Person(id=person, updated=now, **p.person_changes)
                obj.name = p.clean.contact_name or p.clean.legal_representative or ""
                obj.search_text = names.search_text(obj.name, obj.mobile)
                person_updates.append(obj)
                entry(
                    AuditAction.UPDATE,
                    ct_p,
                    person,
                    obj.name,
                    p.ent["id"],
                    {"mobile": ["", p.person_changes["mobile"]]},
                )
        Person.objects.bulk_create(new_people, batch_size=self._batch(Person))
        ent_names = {p.ent["id"]: p.ent["name"] for p in plans}
        for obj in new_people:
            entry(
                AuditAction.CREATE,
                ct_p,
                obj.pk,
                obj.name,
                obj.enterprise_id,
                {
                    "name": obj.name,
                    "gender": "",
                    "birth_date": None,
                    "mobile": obj.mobile,
                    "enterprise": ent_names.get(obj.enterprise_id, ""),
                    "title": "",
                    "political_affiliation": "",
                    "education": "",
                    "native_place": "",
                },
            )
        if person_updates:
            Person.objects.bulk_update(person_updates, ["mobile", "search_text", "updated"])

        # Memberships
        new_members: list[Membership] = []
        member_updates: list[Membership] = []
        for p in plans:
            rep_id, rep_name = self._person_ref(p)
            if p.mem is None:
                c = p.clean
                ent_id, name = p.ent["id"], p.ent["name"]
                sort_key, inits = names.forms(name)
                m = Membership(
                    organization=org,
                    kind=MemberKind.ENTERPRISE,
                    enterprise_id=ent_id,
                    representative_id=rep_id,
                    rank=c.rank or Rank.MEMBER,
                    joined=c.joined or self.today,
                    name=name,
                    sort_key=sort_key,
                    initials=inits,
                    search_text=p.ent["search_text"],
                    created=now,
                    updated=now,
                )
                new_members.append(m)
            elif p.mem_changes:
                mem = p.mem
                m = Membership(
                    id=mem["id"],
                    rank=p.mem_changes.get("rank", mem["rank"]),
                    joined=p.mem_changes.get("joined", mem["joined"]),
                    representative_id=rep_id
                    if "representative" in p.mem_changes
                    else mem["representative_id"],
                    updated=now,
                )
                member_updates.append(m)
                diff: dict[str, list] = {}
                if "rank" in p.mem_changes:
                    diff["rank"] = [mem["rank"], m.rank]
                if "joined" in p.mem_changes:
                    diff["joined"] = [mem["joined"].isoformat(), m.joined.isoformat()]
                if "representative" in p.mem_changes:
                    diff["representative"] = [None, rep_name]
                entry(
                    AuditAction.UPDATE,
                    ct_m,
                    m.pk,
                    f"{p.ent['name']} @ {self._org_str}",
                    p.ent["id"],
                    diff,
                )
        Membership.objects.bulk_create(new_members, batch_size=self._batch(Membership))
        for m, p in zip(new_members, (p for p in plans if p.mem is None), strict=True):
            entry(
                AuditAction.CREATE,
                ct_m,
                m.pk,
                f"{m.name} @ {self._org_str}",
                m.enterprise_id,
                {
                    "organization": self._org_str,
                    "rank": m.rank,
                    "joined": m.joined.isoformat(),
                    "left": None,
                    "left_reason": "",
                    "representative": self._person_ref(p)[1],
                },
            )
        if member_updates:
            Membership.objects.bulk_update(
                member_updates, ["rank", "joined", "representative", "updated"], batch_size=500
            )
        AuditEntry.objects.bulk_create(audits, batch_size=self._batch(AuditEntry))

    @staticmethod
    def _person_ref(p: _Plan) -> tuple[int | None, str | None]:
        person = p.person
        if isinstance(person, _NewPerson):
            return person.obj.pk, person.name  # type: ignore[union-attr]
        if person is None:
            return None, None
        return person, p.clean.contact_name or p.clean.legal_representative

    def _refresh_memberships(self, ents: dict[int, Enterprise]) -> None:
        """A renamed enterprise's memberships carry its new name and search forms."""
        rows = list(
            Membership.objects.filter(enterprise_id__in=list(ents)).only("id", "enterprise")
        )
        for m in rows:
            ent = ents[m.enterprise_id]
            m.name = ent.name
            m.sort_key, m.initials = names.forms(ent.name)
            m.search_text = ent.search_text
        if rows:
            Membership.objects.bulk_update(
                rows, ["name", "sort_key", "initials", "search_text"], batch_size=500
            )

    @staticmethod
    def _batch(model) -> int | None:
        if connection.vendor == "sqlite":
            return None  # Django works out the largest batch SQLite's variable limit allows
        return 1000


def import_members(
    *,
    actor: Any,
    organization: Organization,
    path: str | Path,
    dry_run: bool = False,
    original_name: str = "",
    progress: Progress | None = None,
    today: datetime.date | None = None,
) -> Outcome:
    """Import a member spreadsheet into `organization`. Nothing is written when any
    row has an error, or with `dry_run`."""
    importer = Importer(actor=actor, organization=organization, progress=progress, today=today)
    return importer.run(path, dry_run=dry_run, original_name=original_name)
