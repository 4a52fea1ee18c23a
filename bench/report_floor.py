"""The floor for the annual report benchmark: the same figures as
`chamber.reports.annual.annual_report`, computed with hand-written SQL over a psycopg 3
connection.

One statement per section computes the organisation's figures and every child's in
the same pass. Each statement starts from the same two CTEs:

- `sub`: every organisation of the subtree (closed ones included: history counts),
  with `child` = the direct child in force during the period whose subtree holds it
  (NULL for the organisation itself and for children not in force).
- records are joined to `sub` and aggregated with GROUPING SETS ((), (child), ...):
  GROUPING(child) = 1 is the organisation's figure, a non-NULL child a child's. Rows
  with a NULL child that are not the grand total are records kept on the organisation
  itself: they count in the total only, and are dropped here.

Distinct counts (members, enterprises, people, donors) are computed per set, never
summed across children: a member who moved between two streets is one member of the
district. Where a distinct count runs over many rows, it is done in two levels (group
by the counted key inside each grouping set, then count those groups), which hashes
instead of sorting once per grouping set.

Python only shapes the dict: rates (rounded as the app rounds them), medians' int/float
type, money strings, department order.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from chamber.activities.choices import EventKind
from chamber.casework.choices import VisitKind
from chamber.core.rates import growth, rate
from chamber.politics.choices import Body, Grade, Level, ProposalKind, Satisfaction
from chamber.reports.period import Period

TZ = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: periods are Shanghai days
CENT = Decimal("0.01")


def _counts(column: str, values: list[str]) -> str:
    """A JSON object {value: count of rows with column = value} for each choice value:
    the keys the report always has, zero included."""
    assert all(v.replace("_", "").isalnum() for v in values)  # safe as literals
    pairs = ", ".join(f"'{v}', count(*) FILTER (WHERE {column} = '{v}')" for v in values)
    return f"jsonb_build_object({pairs})"


# The subtree of the organisation, each mapped to its direct child in force (or NULL),
# as read by ORGS_SQL and passed back as two arrays: the planner then knows its size
# (a CTE over LIKE and starts_with is estimated at one row, which led it to run the
# membership look-ups once per organisation).
SUB = """
sub AS (
    SELECT * FROM unnest(%(sub_id)s::bigint[], %(sub_child)s::bigint[]) AS sub (id, child)
)"""

# The subtree, each organisation with the direct child in force during the period whose
# subtree holds it; the root first, then the children in the report's order.
ORGS_SQL = """
WITH root AS (SELECT id, path FROM orgs_organization WHERE code = %(code)s),
kids AS (
    SELECT k.id, k.path
    FROM orgs_organization k JOIN root ON k.parent_id = root.id
    WHERE (k.founded IS NULL OR k.founded <= %(end)s) AND (k.closed IS NULL OR k.closed > %(start)s)
)
SELECT s.id, s.code, s.name, s.name_en, s.kind, kids.id AS child, s.id = root.id AS is_root
FROM root
JOIN orgs_organization s ON starts_with(s.path, root.path)
LEFT JOIN kids ON starts_with(s.path, kids.path)
ORDER BY s.id = root.id DESC, s.id = kids.id DESC, s.sort_order, s.code
"""

# One row per member (enterprise, person, member organisation) and group, with flags;
# then counted. A move whose other end is in the same group is not a join or a
# departure of that group, so the flags differ for the total and for a child.
MEMBERS_SQL = f"""
WITH {SUB},
-- Where the period's moves came from / went to: the group (0: the organisation's own
-- records or a child not in force) when inside the subtree. Few rows, by index.
moved_in AS (
    SELECT m.id, coalesce(fs.child, 0) AS grp
    FROM members_membership m
    JOIN members_membership f ON f.id = m.moved_from_id
    JOIN sub fs ON fs.id = f.organization_id
    WHERE m.joined BETWEEN %(start)s AND %(end)s
),
moved_out AS (
    SELECT m.id, coalesce(ns.child, 0) AS grp
    FROM members_membership m
    JOIN members_membership n ON n.moved_from_id = m.id  -- unique: one successor
    JOIN sub ns ON ns.id = n.organization_id
    WHERE m."left" BETWEEN %(start)s AND %(end)s
),
ms AS (
    SELECT m.enterprise_id, m.person_id, m.member_org_id, s.child,
        m.joined <= %(end)s AND (m."left" IS NULL OR m."left" > %(end)s) AS now_in,
        m.joined <= %(before)s AND (m."left" IS NULL OR m."left" > %(before)s) AS before_in,
        m.joined BETWEEN %(start)s AND %(end)s AND mi.id IS NULL AS joined_t,
        m.joined BETWEEN %(start)s AND %(end)s
            AND mi.grp IS DISTINCT FROM s.child AS joined_c,
        m."left" BETWEEN %(start)s AND %(end)s AND mo.id IS NULL AS left_t,
        m."left" BETWEEN %(start)s AND %(end)s
            AND mo.grp IS DISTINCT FROM s.child AS left_c
    FROM members_membership m
    JOIN sub s ON s.id = m.organization_id
    LEFT JOIN moved_in mi ON mi.id = m.id
    LEFT JOIN moved_out mo ON mo.id = m.id
    WHERE m.joined <= %(end)s OR m."left" BETWEEN %(start)s AND %(end)s
),
per_member AS (
    SELECT GROUPING(child) AS g, child, enterprise_id, person_id, member_org_id,
        bool_or(now_in) AS now_in, bool_or(before_in) AS before_in,
        bool_or(joined_t) AS joined_t, bool_or(joined_c) AS joined_c,
        bool_or(left_t) AS left_t, bool_or(left_c) AS left_c
    FROM ms
    GROUP BY GROUPING SETS (
        (enterprise_id, person_id, member_org_id),
        (enterprise_id, person_id, member_org_id, child)
    )
)
SELECT g, child,
    count(*) FILTER (WHERE now_in),
    count(*) FILTER (WHERE before_in),
    count(*) FILTER (WHERE CASE WHEN g = 1 THEN joined_t ELSE joined_c END),
    count(*) FILTER (WHERE CASE WHEN g = 1 THEN left_t ELSE left_c END),
    count(*) FILTER (WHERE now_in AND enterprise_id IS NOT NULL),
    count(*) FILTER (WHERE now_in AND person_id IS NOT NULL),
    count(*) FILTER (WHERE now_in AND member_org_id IS NOT NULL)
FROM per_member
GROUP BY g, child
"""

# Visit records (次) counted from the visit table, (visit, enterprise) pairs (家次) from
# the links; distinct enterprises (家) in two levels.
VISITS_SQL = f"""
WITH {SUB},
v AS (
    SELECT v.id, v.kind, s.child
    FROM casework_visit v JOIN sub s ON s.id = v.organization_id
    WHERE v.date BETWEEN %(start)s AND %(end)s
),
ents AS (
    SELECT GROUPING(v.child, v.kind) AS g, v.child, v.kind
    FROM v JOIN casework_visit_enterprises ve ON ve.visit_id = v.id
    GROUP BY GROUPING SETS (
        (ve.enterprise_id), (ve.enterprise_id, v.kind),
        (ve.enterprise_id, v.child), (ve.enterprise_id, v.child, v.kind)
    )
)
SELECT 'visits', GROUPING(child, kind), child, kind, count(*)
FROM v GROUP BY GROUPING SETS ((), (kind), (child), (child, kind))
UNION ALL
SELECT 'count', GROUPING(v.child, v.kind), v.child, v.kind, count(*)
FROM v JOIN casework_visit_enterprises ve ON ve.visit_id = v.id
GROUP BY GROUPING SETS ((), (v.kind), (v.child), (v.child, v.kind))
UNION ALL
SELECT 'enterprises', g, child, kind, count(*) FROM ents GROUP BY g, child, kind
"""

# Every case any figure looks at, once; counts by the FILTERs of casework.figures.
CASES_SQL = f"""
WITH {SUB},
c AS (
    SELECT c.*, s.child,
        c.received_on BETWEEN %(start)s AND %(end)s AND c.status <> 'merged' AS raised,
        c.resolved_on BETWEEN %(start)s AND %(end)s AS resolved,
        c.followed_up_on BETWEEN %(start)s AND %(end)s AND c.satisfaction <> '' AS followed,
        c.status IN ('received', 'assigned', 'in_progress', 'returned', 'reopened')
            AND c.due_on < %(today)s AS overdue
    FROM casework_case c JOIN sub s ON s.id = c.organization_id
    WHERE c.received_on BETWEEN %(start)s AND %(end)s
       OR c.resolved_on BETWEEN %(start)s AND %(end)s
       OR c.followed_up_on BETWEEN %(start)s AND %(end)s
       OR (c.status IN ('received', 'assigned', 'in_progress', 'returned', 'reopened')
           AND c.due_on < %(today)s)
)
SELECT GROUPING(child, category_id, department_id) AS g, child, category_id, department_id,
    count(*) FILTER (WHERE raised) AS raised,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE raised AND status = 'rejected') AS rejected,
    count(*) FILTER (WHERE raised AND status <> 'rejected') AS decidable,
    count(*) FILTER (WHERE raised AND status <> 'rejected' AND resolved_on <= %(end)s)
        AS decided,
    count(*) FILTER (WHERE resolved AND due_on IS NOT NULL) AS timed,
    count(*) FILTER (WHERE resolved AND resolved_on <= due_on) AS on_time,
    count(*) FILTER (WHERE raised AND status <> 'rejected'
                     AND (resolved_on <= %(end)s OR reopen_count <> 0)) AS ever_resolved,
    count(*) FILTER (WHERE raised AND status <> 'rejected' AND reopen_count <> 0) AS reopened,
    count(*) FILTER (WHERE followed) AS followed,
    count(*) FILTER (WHERE followed AND satisfaction IN ('satisfied', 'basic')) AS satisfied,
    sum(satisfaction_score) FILTER (WHERE followed AND satisfaction_score <> 0) AS score_sum,
    count(*) FILTER (WHERE followed AND satisfaction_score <> 0) AS scores,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_on - received_on)
        FILTER (WHERE resolved) AS median_days,
    count(*) FILTER (WHERE overdue) AS overdue
FROM c
GROUP BY GROUPING SETS (
    (), (child), (category_id), (child, category_id), (department_id), (child, department_id)
)
"""

# Hand-overs and returns in the period, per department named in the step's data.
CASE_STEPS_SQL = f"""
WITH {SUB}
SELECT GROUPING(s.child) AS g, s.child, (ce.data ->> 'department_id')::bigint AS dept,
    count(*) FILTER (WHERE ce.step = 'hand_over'),
    count(*) FILTER (WHERE ce.step = 'return')
FROM casework_caseevent ce
JOIN casework_case c ON c.id = ce.case_id
JOIN sub s ON s.id = c.organization_id
WHERE ce.step IN ('hand_over', 'return') AND ce.at >= %(begin)s AND ce.at < %(stop)s
  AND ce.data ->> 'department_id' IS NOT NULL
GROUP BY GROUPING SETS ((dept), (s.child, dept))
"""

# Who belongs to a group: people linked to a membership of its subtree directly, as a
# representative or through their enterprise. Only the few candidate people (post
# holders, proposal submitters) are looked up, through the membership indexes.
LINKS = """
link AS (
    SELECT w.person_id, m.organization_id, m.joined, m."left"
    FROM who w JOIN members_membership m ON m.person_id = w.person_id
    UNION ALL
    SELECT w.person_id, m.organization_id, m.joined, m."left"
    FROM who w JOIN members_membership m ON m.representative_id = w.person_id
    UNION ALL
    SELECT w.person_id, m.organization_id, m.joined, m."left"
    FROM who w
    JOIN members_person pe ON pe.id = w.person_id
    JOIN members_membership m ON m.enterprise_id = pe.enterprise_id
),
belongs AS (
    SELECT l.person_id, s.child,
        bool_or(l.joined <= %(end)s AND (l."left" IS NULL OR l."left" > %(end)s)) AS on_end,
        bool_or(l.joined <= %(end)s AND (l."left" IS NULL OR l."left" > %(start)s)) AS during
    FROM link l JOIN sub s ON s.id = l.organization_id
    GROUP BY l.person_id, s.child
)"""

POSTS_SQL = f"""
WITH {SUB},
post AS (
    SELECT p.person_id, p.body, p.level,
        p."end" IS NULL OR p."end" > %(end)s AS held,
        p.start >= %(start)s AS new
    FROM politics_politicalpost p
    WHERE p.start <= %(end)s AND (p."end" IS NULL OR p."end" > %(end)s OR p.start >= %(start)s)
),
who AS (SELECT DISTINCT person_id FROM post),
{LINKS}
SELECT GROUPING(b.child, p.body, p.level) AS g, b.child, p.body, p.level,
    count(DISTINCT p.person_id) FILTER (WHERE p.held AND b.on_end) AS held,
    count(DISTINCT p.person_id) FILTER (WHERE p.new AND b.during) AS elected
FROM post p JOIN belongs b ON b.person_id = p.person_id
GROUP BY GROUPING SETS (
    (), (p.body), (p.level), (p.body, p.level),
    (b.child), (b.child, p.body), (b.child, p.level), (b.child, p.body, p.level)
)
"""

# Proposals: each once per group (0 = the organisation) its lead or a co-submitter
# belongs to; replies pre-aggregated per proposal; topics as a JSON object per group.
PROPOSALS_SQL = f"""
WITH {SUB},
prop AS (
    SELECT * FROM politics_proposal WHERE submitted_on BETWEEN %(start)s AND %(end)s
),
by_person AS (
    SELECT id AS prop, lead_id AS person_id FROM prop
    UNION
    SELECT cs.proposal_id, cs.person_id
    FROM politics_proposal_co_submitters cs JOIN prop ON prop.id = cs.proposal_id
),
who AS (SELECT DISTINCT person_id FROM by_person),
{LINKS},
pg AS (
    SELECT w.prop, 0::bigint AS grp
    FROM by_person w JOIN belongs b ON b.person_id = w.person_id AND b.during
    UNION
    SELECT w.prop, b.child
    FROM by_person w JOIN belongs b ON b.person_id = w.person_id AND b.during
    WHERE b.child IS NOT NULL
),
rep AS (
    SELECT r.proposal_id,
        count(*) FILTER (WHERE r.round = 1 AND r.late) AS late,
        count(*) FILTER (WHERE r.round = 2) AS again
    FROM politics_reply r JOIN prop ON prop.id = r.proposal_id
    GROUP BY r.proposal_id
),
topic AS (
    SELECT pg.grp, t.name, count(*) AS n
    FROM pg
    JOIN politics_proposal_topics pt ON pt.proposal_id = pg.prop
    JOIN politics_topic t ON t.id = pt.topic_id
    GROUP BY pg.grp, t.name
)
SELECT pg.grp,
    count(*) AS submitted,
    count(*) FILTER (WHERE p.filed_on IS NOT NULL) AS filed,
    count(*) FILTER (WHERE p.status = 'not_filed') AS not_filed,
    count(*) FILTER (WHERE p.status = 'merged') AS merged,
    count(*) FILTER (WHERE p.first_replied_on IS NOT NULL) AS replied,
    coalesce(sum(rep.late), 0) AS replied_late,
    coalesce(sum(rep.again), 0) AS rehandled,
    count(*) FILTER (WHERE p.status IN ('assigned', 'signed', 'rehandling')
                     AND p.reply_due < %(today)s) AS overdue,
    count(*) FILTER (WHERE p.status = 'closed') AS closed,
    count(*) FILTER (WHERE p.satisfaction <> '') AS evaluated,
    count(*) FILTER (WHERE p.satisfaction IN ('satisfied', 'basic')) AS content,
    {_counts("p.kind", ProposalKind.values)} AS by_kind,
    {_counts("p.grade", Grade.values)} AS grades,
    {_counts("p.satisfaction", Satisfaction.values)} AS satisfaction,
    (SELECT jsonb_object_agg(name, n) FROM topic WHERE topic.grp = pg.grp) AS by_topic
FROM pg
JOIN prop p ON p.id = pg.prop
LEFT JOIN rep ON rep.proposal_id = p.id
GROUP BY pg.grp
"""

# Events touching a group (organised or co-organised in its subtree), each once per
# group; check-ins pre-summed per event and enterprise so the join does not fan out.
EVENTS_SQL = f"""
WITH {SUB},
ev AS (
    SELECT e.id, e.kind, e.organization_id
    FROM activities_event e
    WHERE e.status IN ('announced', 'closed')
      AND e.starts_at >= %(begin)s AND e.starts_at < %(stop)s
),
touch AS (
    SELECT ev.id, ev.kind, s.child FROM ev JOIN sub s ON s.id = ev.organization_id
    UNION ALL
    SELECT ev.id, ev.kind, s.child
    FROM ev
    JOIN activities_eventcoorganizer co ON co.event_id = ev.id
    JOIN sub s ON s.id = co.organization_id
),
eg AS (
    SELECT id, kind, 0::bigint AS grp FROM touch
    UNION
    SELECT id, kind, child FROM touch WHERE child IS NOT NULL
),
came AS (
    SELECT r.event_id, r.enterprise_id, sum(ci.headcount) AS n
    FROM activities_registration r
    JOIN activities_checkin ci ON ci.registration_id = r.id
    WHERE r.event_id IN (SELECT id FROM ev)
    GROUP BY r.event_id, r.enterprise_id
)
SELECT eg.grp, GROUPING(eg.kind) AS g, eg.kind,
    count(DISTINCT eg.id), coalesce(sum(came.n), 0), count(DISTINCT came.enterprise_id)
FROM eg LEFT JOIN came ON came.event_id = eg.id
GROUP BY GROUPING SETS ((eg.grp), (eg.grp, eg.kind))
"""

# Valid donations up to the period's end: the period's money and goods in whole fen
# (as activities.money sums them), the cumulative total, donations and donors.
CHARITY_SQL = f"""
WITH {SUB},
d AS (
    SELECT d.kind, d.enterprise_id, d.person_id, s.child,
        round(d.amount * 100)::bigint AS cents, d.date >= %(start)s AS inp
    FROM activities_donation d JOIN sub s ON s.id = d.organization_id
    WHERE d.voided_at IS NULL AND d.date <= %(end)s
)
SELECT GROUPING(child) AS g, child,
    coalesce(sum(cents) FILTER (WHERE inp AND kind = 'money'), 0),
    coalesce(sum(cents) FILTER (WHERE inp AND kind = 'in_kind'), 0),
    coalesce(sum(cents), 0),
    count(*) FILTER (WHERE inp),
    count(DISTINCT enterprise_id) FILTER (WHERE inp) + count(DISTINCT person_id) FILTER (WHERE inp)
FROM d
GROUP BY GROUPING SETS ((), (child))
"""

# Council meetings held in the period, by the council's organisation.
MEETINGS_SQL = f"""
WITH {SUB}
SELECT GROUPING(s.child) AS g, s.child, count(*)
FROM activities_meeting mt
JOIN activities_term t ON t.id = mt.term_id
JOIN activities_council c ON c.id = t.council_id
JOIN sub s ON s.id = c.organization_id
WHERE mt.date BETWEEN %(start)s AND %(end)s
GROUP BY GROUPING SETS ((), (s.child))
"""

# Dues of the period's years owed to the subtree's memberships, what was paid against
# each by the period's end (summed in fen per payment, as the app does), memberships
# owing and those not paid in full.
DUES_SQL = f"""
WITH {SUB},
d AS (
    SELECT du.membership_id, s.child, round(du.amount * 100)::bigint AS due_c,
        coalesce((
            SELECT sum(round(p.amount * 100)::bigint) FROM members_payment p
            WHERE p.due_id = du.id AND p.paid_on <= %(end)s
        ), 0) AS paid_c
    FROM members_due du
    JOIN members_membership m ON m.id = du.membership_id
    JOIN sub s ON s.id = m.organization_id
    WHERE du.year BETWEEN %(first_year)s AND %(last_year)s
)
SELECT GROUPING(child) AS g, child, coalesce(sum(due_c), 0), coalesce(sum(paid_c), 0),
    count(DISTINCT membership_id), count(DISTINCT membership_id) FILTER (WHERE paid_c < due_c)
FROM d GROUP BY GROUPING SETS ((), (child))
"""

# Honours as the report lists them, already in the app's order (year, level from the
# top, organisation path, title, id), one JSON list per group.
HONORS_SQL = f"""
WITH {SUB}
SELECT GROUPING(s.child) AS g, s.child,
    json_agg(json_build_object(
        'title', h.title,
        'level', h.level,
        'awarding_body', h.awarding_body,
        'year', h.year,
        'recipient', CASE WHEN h.enterprise_id IS NOT NULL THEN e.name
                          WHEN h.person_id IS NOT NULL THEN p.name
                          ELSE o.name END,
        'recipient_kind', CASE WHEN h.enterprise_id IS NOT NULL THEN 'enterprise'
                               WHEN h.person_id IS NOT NULL THEN 'person'
                               ELSE 'organization' END,
        'organization', o.code
    ) ORDER BY h.year,
        CASE h.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1
                     WHEN 'municipal' THEN 2 WHEN 'district' THEN 3 END,
        o.path, h.title, h.id)
FROM activities_honor h
JOIN sub s ON s.id = h.organization_id
JOIN orgs_organization o ON o.id = h.organization_id
LEFT JOIN members_enterprise e ON e.id = h.enterprise_id
LEFT JOIN members_person p ON p.id = h.person_id
WHERE h.year BETWEEN %(first_year)s AND %(last_year)s
GROUP BY GROUPING SETS ((), (s.child))
"""

# Reference data (a few dozen rows): which categories to list, and department names.
CATEGORIES_SQL = "SELECT id, code, name, active FROM casework_category ORDER BY sort_order, code"
DEPARTMENTS_SQL = "SELECT id, name FROM casework_department"


# --- shaping ---------------------------------------------------------------------------------

Key = int | None  # None: the organisation itself; an id: one of its children


def _key(is_total: bool, child: int | None) -> Key | bool:
    """The group a grouping-set row belongs to, or False for records kept on the
    organisation itself (counted in its total only)."""
    if is_total:
        return None
    return child if child is not None else False


# The SQL counts; the rounding of a rate is presentation, done by the app's one helper.
_rate4 = _ratio = rate


def _median(value: float | None, n: int) -> float | int | None:
    # statistics.median: the middle element (an int) for an odd count, the mean of the
    # two middle ones (a float) for an even count; percentile_cont(0.5) gives both.
    if not n:
        return None
    return int(value) if n % 2 else value


def _money(cents: int) -> str:
    return f"{(Decimal(cents) / 100).quantize(CENT):.2f}"


def _members(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, total, previous, joined, left, ents, people, orgs in rows:
        key = _key(g == 1, child)
        if key is False:
            continue
        out[key]["members"] = {
            "total": total,
            "total_by_kind": {"enterprise": ents, "person": people, "organization": orgs},
            "joined": joined,
            "left": left,
            "previous_total": previous,
            "growth_rate": growth(total, previous),
        }


def _visits(rows: list[tuple], out: dict[Key, dict]) -> None:
    for what, g, child, kind, n in rows:
        key = _key(bool(g & 2), child)
        if key is False:
            continue
        section = out[key]["visits"]
        if g & 1:
            section[what] = n
        elif kind in section["by_kind"]:
            section["by_kind"][kind][what] = n


def _case_stats(r: dict[str, Any] | None) -> dict[str, Any]:
    if r is None:
        r = dict.fromkeys(CASE_COUNTS, 0) | {"score_sum": None, "median_days": None}
    return {
        "raised": r["raised"],
        "resolved": r["resolved"],
        "rejected": r["rejected"],
        "accepted": r["decidable"],
        "accepted_resolved": r["decided"],
        "resolution_rate": _rate4(r["decided"], r["decidable"]),
        "resolved_with_deadline": r["timed"],
        "resolved_on_time": r["on_time"],
        "on_time_rate": _rate4(r["on_time"], r["timed"]),
        "reopened_rate": _rate4(r["reopened"], r["ever_resolved"]),
        "followed_up": r["followed"],
        "satisfied": r["satisfied"],
        "satisfaction_rate": _rate4(r["satisfied"], r["followed"]),
        "satisfaction": round(r["score_sum"] / r["scores"], 2) if r["scores"] else None,
        "median_days_to_resolve": _median(r["median_days"], r["resolved"]),
        "overdue_now": r["overdue"],
    }


CASE_COUNTS = [
    "raised",
    "rejected",
    "resolved",
    "decidable",
    "decided",
    "timed",
    "on_time",
    "ever_resolved",
    "reopened",
    "followed",
    "satisfied",
    "scores",
    "overdue",
]
CATEGORY_KEYS = ("raised", "resolved", "resolution_rate", "on_time_rate", "overdue_now")


def _cases(
    rows: list[dict[str, Any]],
    steps: list[tuple],
    categories: list[tuple],
    departments: dict[int, str],
    out: dict[Key, dict],
) -> None:
    main: dict[Key, dict] = {}
    by_cat: dict[Key, dict[int, dict]] = {k: {} for k in out}
    by_dept: dict[Key, dict[int, dict]] = {k: {} for k in out}
    for r in rows:
        g = r["g"]
        key = _key(bool(g & 4), r["child"])
        if key is False:
            continue
        if g & 3 == 3:
            main[key] = r
        elif not g & 2:
            by_cat[key][r["category_id"]] = r
        elif r["department_id"] is not None:
            by_dept[key][r["department_id"]] = r
    moves: dict[Key, dict[int, tuple[int, int]]] = {k: {} for k in out}
    for g, child, dept, handed, returned in steps:
        key = _key(g == 1, child)
        if key is not False:
            moves[key][dept] = (handed, returned)
    for key, figures in out.items():
        section = _case_stats(main.get(key))
        section["by_category"] = [
            {
                "code": code,
                "name": name,
                **{
                    k: v
                    for k, v in _case_stats(by_cat[key].get(cat_id)).items()
                    if k in CATEGORY_KEYS
                },
            }
            for cat_id, code, name, active in categories
            if active or cat_id in by_cat[key]
        ]
        ids = set(moves[key]) | set(by_dept[key])
        # The app sorts by name in Python (code point order); names are unique.
        section["by_department"] = []
        for dept_id in sorted(ids, key=lambda i: (departments.get(i, ""), i)):
            stats = _case_stats(by_dept[key].get(dept_id))
            handed, returned = moves[key].get(dept_id, (0, 0))
            section["by_department"].append(
                {
                    "id": dept_id,
                    "name": departments.get(dept_id, ""),
                    "handed_over": handed,
                    "returned": returned,
                    "resolved": stats["resolved"],
                    "on_time_rate": stats["on_time_rate"],
                    "overdue_now": stats["overdue_now"],
                }
            )
        figures["cases"] = section


def _posts(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, body, level, held, elected in rows:
        key = _key(bool(g & 4), child)
        if key is False:
            continue
        pol = out[key]["political"]
        if g & 3 == 3:
            pol["posts_held"] = held
            pol["elected"]["total"] = elected
        elif g & 3 == 1:  # by body
            if body in pol["posts_held_by_body"]:
                pol["posts_held_by_body"][body] = held
                pol["elected"][body] = elected
        elif g & 3 == 2:  # by level
            if level in pol["posts_held_by_level"]:
                pol["posts_held_by_level"][level] = held
        elif level in pol["posts_held_by_level"] and body in pol["elected"]["by_level"]:
            pol["elected"]["by_level"][body][level] = elected


def _proposals(rows: list[dict[str, Any]], out: dict[Key, dict]) -> None:
    for r in rows:
        key = None if r["grp"] == 0 else r["grp"]
        topics = r["by_topic"] or {}
        out[key]["political"]["proposals"] = {
            "submitted": r["submitted"],
            "by_kind": r["by_kind"],
            "filed": r["filed"],
            "not_filed": r["not_filed"],
            "merged": r["merged"],
            "replied": r["replied"],
            "reply_rate": _ratio(r["replied"], r["filed"]),
            "replied_late": int(r["replied_late"]),
            "rehandled": int(r["rehandled"]),
            "overdue": r["overdue"],
            "closed": r["closed"],
            "grades": r["grades"],
            "evaluated": r["evaluated"],
            "satisfaction": r["satisfaction"],
            "satisfaction_rate": _ratio(r["content"], r["evaluated"]),
            "by_topic": dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def _events(rows: list[tuple], out: dict[Key, dict]) -> None:
    for grp, g, kind, count, attendance, enterprises in rows:
        key = None if grp == 0 else grp
        figures = {"count": count, "attendance": int(attendance), "enterprises": enterprises}
        section = out[key]["events"]
        if g == 1:
            section["total"] = figures
        elif kind in section["by_kind"]:
            section["by_kind"][kind] = figures


def _charity(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, money, goods, cumulative, count, donors in rows:
        key = _key(g == 1, child)
        if key is False:
            continue
        out[key]["charity"] = {
            "amount": _money(int(money) + int(goods)),
            "amount_cumulative": _money(int(cumulative)),
            "money": _money(int(money)),
            "goods": _money(int(goods)),
            "donations": count,
            "donors": donors,
        }


def _meetings(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, held in rows:
        key = _key(g == 1, child)
        if key is not False:
            out[key]["meetings"] = {"held": held}


def _dues(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, receivable, received, owing, arrears in rows:
        key = _key(g == 1, child)
        if key is not False:
            out[key]["dues"] = _dues_shape(int(receivable), int(received), owing, arrears)


def _dues_shape(receivable: int, received: int, owing: int, arrears: int) -> dict[str, Any]:
    def yuan(fen: int) -> str:
        return f"{Decimal(fen) / 100:.2f}"

    return {
        "receivable": yuan(receivable),
        "received": yuan(received),
        "outstanding": yuan(receivable - received),
        "collection_rate": rate(received, receivable),
        "members_owing": owing,
        "members_in_arrears": arrears,
    }


def _honors(rows: list[tuple], out: dict[Key, dict]) -> None:
    for g, child, honors in rows:
        key = _key(g == 1, child)
        if key is not False and honors is not None:  # the () set of no rows: NULL
            out[key]["honors"] = honors


def _empty() -> dict[str, Any]:
    """A group's figures when it has no records at all."""
    counts = {"count": 0, "visits": 0, "enterprises": 0}
    event = {"count": 0, "attendance": 0, "enterprises": 0}
    return {
        "members": {
            "total": 0,
            "total_by_kind": {"enterprise": 0, "person": 0, "organization": 0},
            "joined": 0,
            "left": 0,
            "previous_total": 0,
            "growth_rate": None,
        },
        "visits": {**counts, "by_kind": {k: dict(counts) for k in VisitKind.values}},
        "political": {
            "posts_held": 0,
            "posts_held_by_body": dict.fromkeys(Body.values, 0),
            "posts_held_by_level": dict.fromkeys(Level.values, 0),
            "elected": {
                **dict.fromkeys(Body.values, 0),
                "total": 0,
                "by_level": {b: dict.fromkeys(Level.values, 0) for b in Body.values},
            },
            "proposals": {
                "submitted": 0,
                "by_kind": dict.fromkeys(ProposalKind.values, 0),
                "filed": 0,
                "not_filed": 0,
                "merged": 0,
                "replied": 0,
                "reply_rate": None,
                "replied_late": 0,
                "rehandled": 0,
                "overdue": 0,
                "closed": 0,
                "grades": dict.fromkeys(Grade.values, 0),
                "evaluated": 0,
                "satisfaction": dict.fromkeys(Satisfaction.values, 0),
                "satisfaction_rate": None,
                "by_topic": {},
            },
        },
        "events": {"by_kind": {k: dict(event) for k in EventKind.values}, "total": dict(event)},
        "charity": {
            "amount": "0.00",
            "amount_cumulative": "0.00",
            "money": "0.00",
            "goods": "0.00",
            "donations": 0,
            "donors": 0,
        },
        "meetings": {"held": 0},
        "honors": [],
        "dues": _dues_shape(0, 0, 0, 0),
    }


SECTION_ORDER = (
    "members",
    "visits",
    "cases",
    "political",
    "events",
    "charity",
    "meetings",
    "honors",
    "dues",
)


def floor_report(
    conn: psycopg.Connection,
    org_code: str,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> dict[str, Any]:
    """annual_report(org, Period(start, end)) as JSON would carry it, with `today` as the
    day for the figures "now" (open cases overdue, proposals overdue)."""
    params: dict[str, Any] = {"code": org_code, "start": start, "end": end}
    with conn.cursor() as cur:
        orgs = cur.execute(ORGS_SQL, params).fetchall()
        if not orgs:
            raise LookupError(f"no organisation {org_code!r}")
        root = orgs[0]
        kids = [o for o in orgs if o[0] == o[5]]
        params |= {
            "sub_id": [o[0] for o in orgs],
            "sub_child": [o[5] for o in orgs],
            "before": start - datetime.timedelta(days=1),
            "today": today,
            "begin": datetime.datetime.combine(start, datetime.time.min, tzinfo=TZ),
            "stop": datetime.datetime.combine(
                end + datetime.timedelta(days=1), datetime.time.min, tzinfo=TZ
            ),
            "first_year": start.year,
            "last_year": end.year,
        }
        out: dict[Key, dict] = {None: _empty(), **{k[0]: _empty() for k in kids}}
        _members(cur.execute(MEMBERS_SQL, params).fetchall(), out)
        _visits(cur.execute(VISITS_SQL, params).fetchall(), out)
        steps = cur.execute(CASE_STEPS_SQL, params).fetchall()
        categories = cur.execute(CATEGORIES_SQL).fetchall()
        departments = dict(cur.execute(DEPARTMENTS_SQL).fetchall())
        _posts(cur.execute(POSTS_SQL, params).fetchall(), out)
        _events(cur.execute(EVENTS_SQL, params).fetchall(), out)
        _charity(cur.execute(CHARITY_SQL, params).fetchall(), out)
        _meetings(cur.execute(MEETINGS_SQL, params).fetchall(), out)
        _honors(cur.execute(HONORS_SQL, params).fetchall(), out)
        _dues(cur.execute(DUES_SQL, params).fetchall(), out)
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        _cases(cur.execute(CASES_SQL, params).fetchall(), steps, categories, departments, out)
        _proposals(cur.execute(PROPOSALS_SQL, params).fetchall(), out)

    def summary(row: tuple) -> dict[str, str]:
        return {"code": row[1], "name": row[2], "name_en": row[3], "kind": row[4]}

    def figures(key: Key) -> dict[str, Any]:
        return {name: out[key][name] for name in SECTION_ORDER}

    return {
        "org": summary(root),
        "year": start.year,
        "period": Period(start, end).as_json(),
        **figures(None),
        "children": [{"org": summary(k), **figures(k[0])} for k in kids],
    }
