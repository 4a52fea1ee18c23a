"""Django admin, scoped by the same rule as every page and endpoint.

Django's per-model permissions are not used: what a user may see or change in the
admin is what their roles grant (orgs.scope). Records outside the scope answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import Http404

from chamber.core import audit

from . import scope
from .choices import Perm


def _organization_id(obj: models.Model) -> int | None:
    """The organisation an audited record belongs to, for the trail's scope."""
    if obj.__class__.__name__ == "Organization":
        return obj.pk
    return getattr(obj, "organization_id", None)


def _values(obj: models.Model, names: list[str]) -> dict[str, Any]:
    fields = {f.name: f for f in obj._meta.concrete_fields}
    out = {}
    for name in names:
        field = fields.get(name)
        if field is None:
            continue
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            value = str(getattr(obj, name))  # the related record as people read it
        out[name] = audit._plain(value)
    return out


class AuditedAdminMixin:
    """Every add, change and delete made in the admin reaches the audit trail like a
    service write (who, what changed, which organisation), in the same transaction:
    reference data (case categories and their time limits, holidays, quotas, tags),
    role assignments and their inlines. Admins whose save_model calls a service (which
    audits itself) set `audited_by_service = True`."""

    audited_by_service = False

    def _record(self, request, action: str, obj: models.Model, changes: dict) -> None:
        audit.record(
            actor=request.user,
            action=action,
            obj=obj,
            organization_id=_organization_id(obj),
            changes=changes,
            note="admin",
        )

    def save_model(self, request, obj, form, change):
        if self.audited_by_service:
            return super().save_model(request, obj, form, change)
        names = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
        changed = [n for n in (form.changed_data if change else names) if n in names]
        before: dict[str, Any] = {}
        if change and obj.pk is not None:
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            before = _values(stored, changed) if stored is not None else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = _values(obj, changed)
            if change:
                diff = audit.diff(before, after)
                if diff:
                    self._record(request, audit.AuditAction.UPDATE, obj, diff)
            else:
                self._record(
                    request,
                    audit.AuditAction.CREATE,
                    obj,
                    {k: [None, v] for k, v in after.items() if v not in (None, "")},
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record(request, audit.AuditAction.DELETE, obj, {})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record(request, audit.AuditAction.DELETE, obj, {})
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Inline rows (the calendar's days, an organisation's division codes)."""
        with transaction.atomic():
            for inline in formset.forms:
                if not inline.has_changed() or inline in formset.deleted_forms:
                    continue
                obj = inline.instance
                if obj.pk is None:
                    continue
                names = [
                    n
                    for n in inline.changed_data
                    if n in {f.name for f in obj._meta.concrete_fields}
                ]
                stored = type(obj)._base_manager.filter(pk=obj.pk).first()
                inline._audit_before = _values(stored, names) if stored is not None else {}
            super().save_formset(request, form, formset, change)
            for obj in formset.deleted_objects:
                self._record(request, audit.AuditAction.DELETE, obj, {})
            for obj in formset.new_objects:
                names = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
                self._record(
                    request,
                    audit.AuditAction.CREATE,
                    obj,
                    {k: [None, v] for k, v in _values(obj, names).items() if v not in (None, "")},
                )
            for obj, changed in formset.changed_objects:
                inline = next((f for f in formset.forms if f.instance is obj), None)
                before = getattr(inline, "_audit_before", {})
                diff = audit.diff(before, _values(obj, list(changed)))
                if diff:
                    self._record(request, audit.AuditAction.UPDATE, obj, diff)


class ScopedAdmin(admin.ModelAdmin):
    """Read-only, scoped admin for records whose writes belong to services."""

    view_perm = Perm.VIEW

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user, self.view_perm)

    def has_module_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and scope.has_any(request.user, self.view_perm)
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, admin.utils.unquote(object_id)) is None:
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, admin.utils.unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)


class ManagedAdmin(AuditedAdminMixin, ScopedAdmin):
    """Reference data that users with the MANAGE permission may edit here; every edit
    is audited."""

    def has_add_permission(self, request):
        return scope.has_any(request.user, Perm.MANAGE)

    def has_change_permission(self, request, obj=None):
        return scope.has_any(request.user, Perm.MANAGE)
