"""Django admin, scoped by the same rule as every page and endpoint.

Django's per-model permissions are not used: what a user may see or change in the
admin is what their roles grant (orgs.scope). Records outside the scope answer 404.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404

from . import scope
from .choices import Perm


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


class ManagedAdmin(ScopedAdmin):
    """Reference data that users with the MANAGE permission may edit here."""

    def has_add_permission(self, request):
        return scope.has_any(request.user, Perm.MANAGE)

    def has_change_permission(self, request, obj=None):
        return scope.has_any(request.user, Perm.MANAGE)
