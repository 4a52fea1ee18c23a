"""The one DRF permission class: authenticated, and write methods need CHANGE.

Object visibility is not checked here: every viewset's queryset comes from
`visible_to(user)`, so an object outside the caller's scope is simply not found (404).
"""

from rest_framework import permissions

from . import scope
from .choices import Perm


class ScopedPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return scope.has_any(user, Perm.VIEW)
        return scope.has_any(user, Perm.CHANGE)
