from django.contrib import admin

from chamber.orgs.admin_scope import ScopedAdmin

from .models import PartyOrganization, PartyProfile


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "organization", "founded", "dissolved", "members_count"]
    list_filter = ["kind"]
    raw_id_fields = ["enterprises", "secretary"]
    show_full_result_count = False


@admin.register(PartyProfile)
class PartyProfileAdmin(ScopedAdmin):
    list_display = ["enterprise", "organization", "party_members", "instructor", "instructor_since"]
    raw_id_fields = ["enterprise", "instructor"]
    show_full_result_count = False
