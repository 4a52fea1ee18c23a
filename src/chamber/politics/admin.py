from django.contrib import admin

from chamber.orgs.admin_scope import ManagedAdmin, ScopedAdmin

from .models import BodyTerm, HandlingUnit, PoliticalPost, Proposal, Topic


@admin.register(PoliticalPost)
class PoliticalPostAdmin(ScopedAdmin):
    list_display = ["person", "body", "level", "place", "term", "role", "start", "end"]
    list_filter = ["body", "level", "role"]
    raw_id_fields = ["person"]
    show_full_result_count = False


@admin.register(Proposal)
class ProposalAdmin(ScopedAdmin):
    list_display = ["title", "kind", "session_year", "status", "lead", "lead_unit", "reply_due"]
    list_filter = ["kind", "status", "session_year"]
    raw_id_fields = ["lead", "co_submitters", "merged_into"]
    show_full_result_count = False


class ReferenceAdmin(ManagedAdmin):
    """Reference data, not scoped: every user sees the same list."""

    def get_queryset(self, request):
        return self.model.objects.all()


@admin.register(HandlingUnit)
class HandlingUnitAdmin(ReferenceAdmin):
    list_display = ["name", "short_name", "level", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "short_name"]


@admin.register(Topic)
class TopicAdmin(ReferenceAdmin):
    search_fields = ["name"]


@admin.register(BodyTerm)
class BodyTermAdmin(ReferenceAdmin):
    """The terms of congresses and committees, with their dates: posts end with them."""

    list_display = ["__str__", "level", "starts", "ends"]
    list_filter = ["body", "level"]
