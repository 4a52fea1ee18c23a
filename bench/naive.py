"""The naive Django version of the member directory, for comparison only: icontains
over the joined names plus Django's Paginator (COUNT(*) and OFFSET), the page a Django
developer writes first. Mounted beside the real URLs by CHAMBER_URLCONF=bench.naive."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from chamber.members.models import Membership

TEMPLATE = engines["django"].from_string(
    "<table>{% for m in page %}<tr><td>{{ m.name }}</td><td>{{ m.organization.name }}</td>"
    "<td>{{ m.get_rank_display }}</td><td>{{ m.enterprise.uscc }}</td>"
    "<td>{{ m.joined }}</td></tr>{% endfor %}</table>"
    "<p>{{ page.number }} / {{ page.paginator.num_pages }} ({{ page.paginator.count }})</p>"
)


@login_required
def naive_directory(request):
    q = request.GET.get("q", "")
    qs = Membership.objects.visible_to(request.user).select_related("organization", "enterprise")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(enterprise__legal_representative__icontains=q)
            | Q(enterprise__uscc__icontains=q)
        )
    page = Paginator(qs.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    return HttpResponse(TEMPLATE.render({"page": page}, request))


urlpatterns = [
    path("naive/members/", naive_directory),
    path("", include("chamber.urls")),
]
