"""Admin: reference data (categories, departments, experts, the holiday calendar,
contact quotas) is edited here by users who may manage it; visits and cases are
read-only here, because their writes go through the services."""

from django.contrib import admin

from chamber.orgs.admin_scope import ManagedAdmin, ScopedAdmin

from .models import (
    CalendarDay,
    Case,
    CaseEvent,
    Category,
    ContactQuota,
    Department,
    Expert,
    HolidayCalendar,
    Visit,
)


class ReferenceAdmin(ManagedAdmin):
    """Unscoped reference data: everyone with a role reads it, managers edit it."""

    def get_queryset(self, request):
        return self.model.objects.all()


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ["name", "code", "time_limit_days", "sort_order", "active"]
    list_editable = ["time_limit_days", "sort_order", "active"]


@admin.register(Department)
class DepartmentAdmin(ReferenceAdmin):
    list_display = ["name", "contact", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(Expert)
class ExpertAdmin(ReferenceAdmin):
    list_display = ["name", "title", "affiliation", "fields", "organization", "active"]
    list_filter = ["active", "organization"]
    search_fields = ["name", "fields", "affiliation"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1
    fields = ["date", "kind", "name"]

    def has_add_permission(self, request, obj=None):
        from chamber.orgs import scope
        from chamber.orgs.choices import Perm

        return scope.has_any(request.user, Perm.MANAGE)

    has_change_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(ReferenceAdmin):
    list_display = ["year", "note"]
    inlines = [CalendarDayInline]


@admin.register(ContactQuota)
class ContactQuotaAdmin(ManagedAdmin):
    list_display = ["organization", "rank", "contacts_per_year"]
    list_filter = ["rank"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            from chamber.orgs.choices import Perm
            from chamber.orgs.models import Organization

            kwargs["queryset"] = Organization.objects.visible_to(request.user, Perm.MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ["date", "kind", "organization", "purpose"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    raw_id_fields = ["enterprises", "leaders", "staff", "experts", "created_by"]
    show_full_result_count = False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["at", "step", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ["id", "title", "organization", "category", "status", "received_on", "due_on"]
    list_filter = ["status", "category", "escalated"]
    search_fields = ["title"]
    date_hierarchy = "received_on"
    raw_id_fields = ["enterprise", "visit", "assignee", "department", "merged_into", "created_by"]
    inlines = [CaseEventInline]
    show_full_result_count = False
