"""Read-only, scoped admin views of activities (writes go through the pages, the API
and the services)."""

from django.contrib import admin

from chamber.orgs.admin_scope import ScopedAdmin

from .models import Council, Donation, Event, Fund, Honor, Meeting, Registration


@admin.register(Event)
class EventAdmin(ScopedAdmin):
    list_display = ["title", "kind", "organization", "starts_at", "status", "capacity"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    list_display = ["id", "event", "enterprise", "person", "party_size", "status", "walk_in"]
    list_filter = ["status", "walk_in"]
    raw_id_fields = ["event", "enterprise", "person"]
    show_full_result_count = False


@admin.register(Donation)
class DonationAdmin(ScopedAdmin):
    list_display = ["date", "organization", "enterprise", "person", "kind", "amount", "purpose"]
    list_filter = ["kind", "purpose"]
    raw_id_fields = ["enterprise", "person", "event", "fund"]
    date_hierarchy = "date"


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    list_display = ["name", "organization", "founded"]


@admin.register(Council)
class CouncilAdmin(ScopedAdmin):
    list_display = ["organization", "kind", "name", "short_name"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ["__str__", "date", "place"]


@admin.register(Honor)
class HonorAdmin(ScopedAdmin):
    list_display = ["year", "title", "level", "organization", "enterprise", "person"]
    list_filter = ["level", "year"]
    raw_id_fields = ["enterprise", "person"]
