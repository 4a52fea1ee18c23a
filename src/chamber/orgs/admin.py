from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chamber.core.audit import describe_changes
from chamber.core.models import AuditEntry
from chamber.core.names import user_name

from . import services
from .admin_scope import ManagedAdmin, ScopedAdmin
from .models import DivisionCode, Organization, RoleAssignment


class DivisionCodeInline(admin.TabularInline):
    model = DivisionCode
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(ManagedAdmin):
    list_display = ["code", "name", "kind", "parent", "division_code", "founded", "closed"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    inlines = [DivisionCodeInline]
    audited_by_service = True  # save_model calls orgs.services, which audit
    fields = [
        "code",
        "name",
        "name_en",
        "kind",
        "parent",
        "division_code",
        "division_code_year",
        "founded",
        "closed",
        "successors",
        "sort_order",
    ]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.ORG_FIELDS if f in form.cleaned_data}
        if change:
            parent = form.cleaned_data.get("parent")
            original = Organization.objects.get(pk=obj.pk)
            if parent and parent != original.parent:
                services.move_organization(actor=request.user, org=original, new_parent=parent)
            form.instance = services.update_organization(actor=request.user, org=original, **data)
        else:
            form.instance = services.create_organization(
                actor=request.user, parent=form.cleaned_data.get("parent"), **data
            )
        obj.pk = form.instance.pk


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ManagedAdmin):
    list_display = ["user", "role", "organization"]
    list_filter = ["role"]

    def get_queryset(self, request):
        return RoleAssignment.objects.filter(
            organization__in=Organization.objects.visible_to(request.user, "manage")
        ).select_related("user", "organization")

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """The audit trail, for administrators of the organisations it concerns."""

    list_display = ["at", "actor_name", "action", "object_repr", "changes_text"]
    list_filter = ["action"]
    view_perm = "manage"

    @admin.display(description=_("who"), ordering="actor__last_name")
    def actor_name(self, entry: AuditEntry) -> str:
        return user_name(entry.actor) or "—"

    @admin.display(description=_("changes"))
    def changes_text(self, entry: AuditEntry) -> str:
        return describe_changes(entry)

    def get_queryset(self, request):
        return AuditEntry.objects.visible_to(request.user, self.view_perm).select_related(
            "actor", "object_type"
        )
