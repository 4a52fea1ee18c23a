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
import pickle
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
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
from . import fastsql, names
from .columns import BY_KEY
from .reader import FileProblem, Table, open_table
from .rows import CleanRow, RowError, RowReader
from .template import is_example

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
PERSON_LOADED = ["id", "name", "mobile", "enterprise"]

ENTERPRISE_INSERT = [
    "id",
    "name",
    "uscc",
    "uscc_check_accepted",
    "legal_representative",
    "industry_section",
    "industry_division",
    "size_class",
    "size_class_manual",
    "registered_capital",
    "employees",
    "revenue",
    "total_assets",
    "registered_address",
    "business_address",
    "street",
    "founded",
    "listed",
    "stock_code",
    "main_products",
    "contact_name",
    "contact_phone",
    "note",
    "search_text",
    "created",
    "updated",
]
ENTERPRISE_DEFAULTS: dict[str, Any] = {
    "uscc_check_accepted": False,
    "legal_representative": "",
    "industry_section": "",
    "industry_division": "",
    "size_class": "",
    "size_class_manual": False,
    "registered_capital": None,
    "employees": None,
    "revenue": None,
    "total_assets": None,
    "registered_address": "",
    "business_address": "",
    "street": None,
    "founded": None,
    "listed": False,
    "stock_code": "",
    "main_products": "",
    "contact_name": "",
    "contact_phone": "",
    "note": "",
}
PERSON_INSERT = [
    "id",
    "name",
    "gender",
    "birth_date",
    "mobile",
    "id_number",
    "enterprise",
    "title",
    "political_affiliation",
    "education",
    "native_place",
    "search_text",
    "created",
    "updated",
]
MEMBERSHIP_INSERT = [
    "id",
    "organization",
    "kind",
    "enterprise",
    "person",
    "member_org",
    "representative",
    "rank",
    "joined",
    "left",
    "left_reason",
    "moved_from",
    "name",
    "sort_key",
    "initials",
    "search_text",
    "created",
    "updated",
]
AUDIT_INSERT = [
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "subject_type",
    "subject_id",
    "organization_id",
    "changes",
    "note",
]


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


class _Person(NamedTuple):
    name: str
    mobile: str


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """audit.snapshot(enterprise, ENTERPRISE_FIELDS) for a new enterprise's values."""
    out = {}
    for f in ENTERPRISE_FIELDS:
        v = values.get(f)
        t = v.__class__
        if t is Decimal:
            v = str(v)
        elif t is datetime.date:
            v = v.isoformat()
        out[f] = v
    return out


class _Plan:
    """What to write for one row (rows that change nothing are not kept)."""

    __slots__ = (
        "clean",
        "ent",
        "ent_changes",
        "person",
        "person_changes",
        "mem",
        "mem_changes",
        "sort",
    )

    def __init__(self, clean: CleanRow):
        self.clean = clean
        self.ent: dict | None = None  # the enterprise as stored, None: create
        self.ent_changes: dict[str, Any] = {}
        self.person: int | _NewRef | None = None
        self.person_changes: dict[str, Any] = {}
        self.mem: dict | None = None
        self.mem_changes: dict[str, Any] = {}
        self.sort: tuple[str, str] | None = None  # the name's (full pinyin, initials)

    def __reduce__(self):
        # Plans are pickled per chunk: a flat tuple pickles quicker than the slots' state.
        return (
            _plan,
            (
                self.clean,
                self.ent,
                self.ent_changes,
                self.person,
                self.person_changes,
                self.mem,
                self.mem_changes,
                self.sort,
            ),
        )


def _plan(clean, ent, ent_changes, person, person_changes, mem, mem_changes, sort) -> _Plan:
    p = _Plan(clean)
    p.ent, p.ent_changes, p.person, p.person_changes = ent, ent_changes, person, person_changes
    p.mem, p.mem_changes, p.sort = mem, mem_changes, sort
    return p


class _NewRef:
    """A plan's pointer to a person the import creates: its index in Importer._new_pks.
    The plan of the row that creates the person has `creates` set; other rows with the
    same name and mobile point at the same index. (Plans are pickled between the check
    and the write, so they refer by index, not by object.)"""

    __slots__ = ("idx", "creates", "name", "search")

    def __init__(self, idx: int, creates: bool, name: str, search: str = ""):
        self.idx, self.creates, self.name = idx, creates, name
        # The new person's search text, made while the name's forms are cached (the
        # row's representative was just converted for the enterprise's search text).
        self.search = search

    def __getstate__(self):
        return (self.idx, self.creates, self.name, self.search)

    def __setstate__(self, state):
        self.idx, self.creates, self.name, self.search = state


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
        # Plans that write something, pickled per chunk: a plan is a few hundred bytes
        # pickled and a few kilobytes as objects, and 100,000 rows must fit in memory
        # beside the reader's copy of the sheet.
        self._blobs: list[bytes] = []
        self._planned = 0
        self._chunk_plans: list[_Plan] = []
        self._new_pks = array("q")  # pk of each person the import creates, 0 until written
        self._seen: dict[str, int] = {}
        self._new_people: dict[str, int] = {}  # "name\x00mobile" -> index
        self._samples: dict[str, int] = {CREATE: 0, UPDATE: 0, SAME: 0}
        self._creating: dict[str, int] = {}  # credit code -> row, of enterprises to create

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
        table = None  # the reader's copy of the sheet is not needed for the write
        if out.ok and not dry_run:
            self.write_checked(original_name or Path(path).name)
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
            if clean is not None and is_example(clean.name, clean.uscc):
                out.rows -= 1  # the template's example row
                continue
            if clean is not None:
                batch.append(clean)
            if len(batch) >= self.chunk:
                self._plan_chunk(batch)
                batch = []
                self.progress("check", out.rows, max(table.expected, out.rows))
        if batch:
            self._plan_chunk(batch)
        if out.rows == 0:
            raise FileProblem(
                _("The sheet %(sheet)s has a header but no member rows.") % {"sheet": table.sheet}
            )
        self.progress("check", out.rows, out.rows)

    def write_checked(self, filename: str) -> None:
        """Write what `check` planned. Another import (or a colleague) may have added
        some of the same members since: the write's transaction is then rolled back and
        each such row is reported where it is, instead of a database error."""
        try:
            self.write(filename)
        except IntegrityError:
            self._report_conflicts()

    def _report_conflicts(self) -> None:
        out = self.outcome
        out.written = False
        taken = dict(
            Enterprise.objects.filter(uscc__in=list(self._creating)).values_list("uscc", "name")
        )
        header = BY_KEY["uscc"].header
        index = self._index.get("uscc", -1)
        if index >= 0:
            header = out.headers[index]
        for code, row in sorted(self._creating.items(), key=lambda item: item[1]):
            if code in taken:
                self._error(
                    RowError(
                        out.sheet,
                        row,
                        header,
                        code,
                        _(
                            "While this file waited to be imported, %(name)s was added to the "
                            "register with this credit code (by another import or a colleague). "
                            "Nothing was written: check the file again and the row will update "
                            "that enterprise."
                        )
                        % {"name": taken[code]},
                        index,
                    )
                )
        if not out.error_count:
            out.problem = _(
                "Some of these members were changed by another import or a colleague while "
                "this file was being written. Nothing was written: check the file again."
            )

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
        # Raw queries: the ORM's per-value work on 2,000-item IN lists and per-row dicts
        # cost more than the queries themselves.
        stored = {
            e["uscc"]: e
            for e in fastsql.select(Enterprise, LOADED, "uscc", [c.uscc for c in fresh])
        }
        ent_ids = [e["id"] for e in stored.values()]
        members: dict[int, dict] = {}
        for m in sorted(
            fastsql.select(
                Membership,
                ["id", "enterprise", "rank", "joined", "representative", "organization", "left"],
                "enterprise",
                ent_ids,
            ),
            key=lambda m: (m["joined"], m["id"]),
        ):
            if m["organization"] == self.org.pk and m["left"] is None:
                members.setdefault(m["enterprise"], m)
        by_mobile: dict[tuple[str, str], dict] = {}
        mobiles = list({c.mobile for c in fresh if c.mobile})
        for p in sorted(
            fastsql.select(Person, PERSON_LOADED, "mobile", mobiles), key=lambda p: p["id"]
        ):
            by_mobile.setdefault((p["name"], p["mobile"]), p)
        by_ent: dict[int, list[dict]] = {}
        for p in sorted(
            fastsql.select(Person, PERSON_LOADED, "enterprise", ent_ids), key=lambda p: p["id"]
        ):
            by_ent.setdefault(p["enterprise"], []).append(p)
        for c in fresh:
            self._plan_row(c, stored.get(c.uscc), members, by_mobile, by_ent)
        if self._chunk_plans:
            blob = pickle.dumps(self._chunk_plans, protocol=pickle.HIGHEST_PROTOCOL)
            self._blobs.append(zlib.compress(blob, 1))
            self._planned += len(self._chunk_plans)
            self._chunk_plans = []

    def _plan_row(self, c: CleanRow, e: dict | None, members, by_mobile, by_ent) -> None:
        counts = self.outcome.counts
        if c.uscc_problem and not (e and e["uscc_check_accepted"]):
            self._cell_error(c, "uscc", c.uscc, c.uscc_problem)
            return
        if c.phone_masked is not None and (e is None or mask(e["contact_phone"]) != c.phone_masked):
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
        if ent_action == CREATE:
            self._creating[c.uscc] = c.row
        if person_action:
            counts["person"][person_action] += 1
        counts["membership"][mem_action] += 1
        if ent_action != SAME or person_action in (CREATE, UPDATE) or mem_action != SAME:
            self._chunk_plans.append(p)
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
            p.sort = names.forms(c.name)  # once per name: the membership row needs them too
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
            idx = self._new_people.get(f"{name}\x00{mobile}")
            if idx is not None:
                p.person = _NewRef(idx, False, name)
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
        self._new_pks.append(0)
        idx = len(self._new_pks) - 1
        if mobile:
            self._new_people[f"{name}\x00{mobile}"] = idx
        p.person = _NewRef(idx, True, name, names.search_text(name, mobile))
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
        if isinstance(p.person, _NewRef) or (
            p.person is not None and p.person != m["representative"]
        ):
            p.mem_changes["representative"] = p.person
        return UPDATE if p.mem_changes else SAME

    # --- writing ----------------------------------------------------------------------

    def write(self, filename: str) -> None:
        out = self.outcome
        total = self._planned
        actor = (
            self.actor
            if self.actor is not None and getattr(self.actor, "is_authenticated", False)
            else None
        )
        self._actor_id = actor.pk if actor is not None else None
        self._ct = {
            m: ContentType.objects.get_for_model(m).pk
            for m in (Enterprise, Person, Membership, Organization)
        }
        self._org_str = str(self.org)
        self._tables = {
            "enterprise": fastsql.Table(Enterprise, ENTERPRISE_INSERT),
            "person": fastsql.Table(Person, PERSON_INSERT),
            "membership": fastsql.Table(Membership, MEMBERSHIP_INSERT),
            "audit": fastsql.Table(AuditEntry, AUDIT_INSERT),
        }
        self.progress("write", 0, total)
        if connection.vendor == "sqlite":
            # Inserting 100,000 rows touches index pages all over the tables; SQLite's
            # default 2 MB page cache makes it re-read them. For this connection only.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The trigram indexes on search_text take new entries into a pending list
                # that is merged into the index whenever it fills (4 MB by default): at
                # import scale, merging in larger batches is several times cheaper.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL gin_pending_list_limit = 65536")
                    cursor.execute("SET LOCAL work_mem = '64MB'")
            done = 0
            while self._blobs:
                plans = pickle.loads(zlib.decompress(self._blobs.pop(0)))
                self._write_chunk(plans)
                done += len(plans)
                self.progress("write", done, total)
            AuditEntry.objects.create(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type_id=self._ct[Organization],
                object_id=self.org.pk,
                object_repr=self._org_str[:200],
                subject_type_id=self._ct[Organization],
                subject_id=self.org.pk,
                organization_id=self.org.pk,
                changes={"file": filename, "rows": out.rows, "counts": out.counts},
                note=(_("Imported %(file)s: %(rows)d rows") % {"file": filename, "rows": out.rows})[
                    :500
                ],
            )
        out.written = True

    def _write_chunk(self, plans: list[_Plan]) -> None:
        now = timezone.now()
        org_id = self.org.pk
        org_str = self._org_str
        audits: list[tuple] = []
        ct_e, ct_p, ct_m = self._ct[Enterprise], self._ct[Person], self._ct[Membership]
        actor_id = self._actor_id

        def entry(action, ct, obj_id, repr_, subject_id, changes):
            audits.append(
                (
                    now,
                    actor_id,
                    action,
                    ct,
                    obj_id,
                    repr_[:200],
                    ct_e,
                    subject_id,
                    org_id,
                    changes,
                    "",
                )
            )

        # Enterprises: new ones get reserved ids, changed ones are updated per field set.
        creating = [p for p in plans if p.ent is None]
        ids = fastsql.reserve_ids(Enterprise, len(creating))
        ent_rows = []
        for p, pk in zip(creating, ids, strict=True):
            c, v = p.clean, p.ent_changes
            values = {**ENTERPRISE_DEFAULTS, **v, "uscc": c.uscc}
            ent_rows.append([pk, *(values[f] for f in ENTERPRISE_INSERT[1:-2]), now, now])
            p.ent = {"id": pk, "name": values["name"], "search_text": values["search_text"]}
            entry(
                AuditAction.CREATE,
                ct_e,
                pk,
                values["name"],
                pk,
                _snapshot(values),
            )
        self._tables["enterprise"].insert(ent_rows)
        groups: dict[tuple[str, ...], list[list]] = {}
        renamed: dict[int, tuple[str, str]] = {}
        for p in plans:
            if p.ent_changes and "id" in p.ent and "uscc" in p.ent:
                e, v = p.ent, p.ent_changes
                key = tuple(sorted(v))
                groups.setdefault(key, []).append([*(v[k] for k in key), now, e["id"]])
                diff = {
                    k: [_plain(e.get(k)), _plain(val)]
                    for k, val in v.items()
                    if k in ENTERPRISE_FIELDS
                }
                name = v.get("name", e["name"])
                search = v.get("search_text", e["search_text"])
                if "name" in v or "search_text" in v:
                    renamed[e["id"]] = (name, search)
                if diff:
                    entry(AuditAction.UPDATE, ct_e, e["id"], name, e["id"], diff)
                p.ent = {"id": e["id"], "name": name, "search_text": search}
        for key, rows in groups.items():
            fastsql.Table(Enterprise, [*key, "updated"]).update(rows)
        if renamed:
            self._refresh_memberships(renamed, now)

        # People
        creators = [p for p in plans if isinstance(p.person, _NewRef) and p.person.creates]
        ids = fastsql.reserve_ids(Person, len(creators))
        person_rows = []
        for creator, pk in zip(creators, ids, strict=True):
            self._new_pks[creator.person.idx] = pk
            person = _Person(creator.person.name, creator.clean.mobile or "")
            ent = creator.ent
            search = creator.person.search
            person_rows.append(
                [
                    pk,
                    person.name,
                    "",
                    None,
                    person.mobile,
                    None,
                    ent["id"],
                    "",
                    "",
                    "",
                    "",
                    search,
                    now,
                    now,
                ]
            )
            entry(
                AuditAction.CREATE,
                ct_p,
                pk,
                person.name,
                ent["id"],
                {
                    "name": person.name,
                    "gender": "",
                    "birth_date": None,
                    "mobile": person.mobile,
                    "enterprise": ent["name"],
                    "title": "",
                    "political_affiliation": "",
                    "education": "",
                    "native_place": "",
                },
            )
        self._tables["person"].insert(person_rows)
        person_updates = []
        for p in plans:
            if isinstance(p.person, int) and p.person_changes:
                name = p.clean.contact_name or p.clean.legal_representative or ""
                mobile = p.person_changes["mobile"]
                person_updates.append([mobile, names.search_text(name, mobile), now, p.person])
                entry(
                    AuditAction.UPDATE, ct_p, p.person, name, p.ent["id"], {"mobile": ["", mobile]}
                )
        fastsql.Table(Person, ["mobile", "search_text", "updated"]).update(person_updates)

        # Memberships
        creating = [p for p in plans if p.mem is None]
        ids = fastsql.reserve_ids(Membership, len(creating))
        member_rows = []
        for p, pk in zip(creating, ids, strict=True):
            c = p.clean
            rep_id, rep_name = self._person_ref(p)
            name = p.ent["name"]
            sort_key, inits = p.sort if p.sort and "name" in p.ent_changes else names.forms(name)
            rank = c.rank or Rank.MEMBER
            joined = c.joined or self.today
            member_rows.append(
                [
                    pk,
                    org_id,
                    MemberKind.ENTERPRISE.value,
                    p.ent["id"],
                    None,
                    None,
                    rep_id,
                    rank,
                    joined,
                    None,
                    "",
                    None,
                    name,
                    sort_key,
                    inits,
                    p.ent["search_text"],
                    now,
                    now,
                ]
            )
            entry(
                AuditAction.CREATE,
                ct_m,
                pk,
                f"{name} @ {org_str}",
                p.ent["id"],
                {
                    "organization": org_str,
                    "rank": rank,
                    "joined": joined.isoformat(),
                    "left": None,
                    "left_reason": "",
                    "representative": rep_name,
                },
            )
        self._tables["membership"].insert(member_rows)
        member_updates = []
        for p in plans:
            if p.mem is not None and p.mem_changes:
                mem, ch = p.mem, p.mem_changes
                rep_id, rep_name = self._person_ref(p)
                rank = ch.get("rank", mem["rank"])
                joined = ch.get("joined", mem["joined"])
                rep = rep_id if "representative" in ch else mem["representative"]
                member_updates.append([rank, joined, rep, now, mem["id"]])
                diff: dict[str, list] = {}
                if "rank" in ch:
                    diff["rank"] = [mem["rank"], rank]
                if "joined" in ch:
                    diff["joined"] = [mem["joined"].isoformat(), joined.isoformat()]
                if "representative" in ch:
                    diff["representative"] = [None, rep_name]
                entry(
                    AuditAction.UPDATE,
                    ct_m,
                    mem["id"],
                    f"{p.ent['name']} @ {org_str}",
                    p.ent["id"],
                    diff,
                )
        fastsql.Table(Membership, ["rank", "joined", "representative", "updated"]).update(
            member_updates
        )
        self._tables["audit"].insert(audits)

    def _person_ref(self, p: _Plan) -> tuple[int | None, str | None]:
        person = p.person
        if isinstance(person, _NewRef):
            return self._new_pks[person.idx], person.name
        if person is None:
            return None, None
        return person, p.clean.contact_name or p.clean.legal_representative

    def _refresh_memberships(self, ents: dict[int, tuple[str, str]], now) -> None:
        """A renamed enterprise's memberships carry its new name and search forms."""
        rows = []
        for pk, ent_id in Membership.objects.filter(enterprise_id__in=list(ents)).values_list(
            "id", "enterprise_id"
        ):
            name, search = ents[ent_id]
            sort_key, inits = names.forms(name)
            rows.append([name, sort_key, inits, search, now, pk])
        fastsql.Table(
            Membership, ["name", "sort_key", "initials", "search_text", "updated"]
        ).update(rows)


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
