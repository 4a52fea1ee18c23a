from django.contrib import admin

from chamber.orgs.admin_scope import ManagedAdmin, ScopedAdmin

from .models import Due, Enterprise, Membership, Person, Tag


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ["name", "uscc", "industry_section", "size_class", "street"]
    list_filter = ["industry_section", "size_class"]
    search_fields = ["search_text"]
    exclude = ["search_text"]
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["name", "enterprise", "title", "mobile_masked"]
    # Personal data stays masked here too: the member page reveals it, and logs it.
    exclude = ["mobile", "id_number", "political_affiliation", "search_text"]
    search_fields = ["search_text"]
    show_full_result_count = False


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["name", "organization", "kind", "rank", "joined", "left"]
    list_filter = ["kind", "rank"]
    search_fields = ["search_text"]
    exclude = ["search_text", "sort_key", "initials"]
    raw_id_fields = ["enterprise", "person", "representative", "moved_from", "member_org"]
    show_full_result_count = False


@admin.register(Due)
class DueAdmin(ScopedAdmin):
    list_display = ["membership", "year", "amount"]
    list_filter = ["year"]
    raw_id_fields = ["membership"]


@admin.register(Tag)
class TagAdmin(ManagedAdmin):
    search_fields = ["name"]

    def get_queryset(self, request):
        return Tag.objects.all()
