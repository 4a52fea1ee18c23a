"""REST endpoints: /api/v1/posts/, /api/v1/proposals/ (steps as POST actions) and
/api/v1/handling-units/. Querysets come from the scoped selectors; writes call the
services."""

from .posts import PostViewSet
from .proposals import HandlingUnitViewSet, ProposalViewSet

__all__ = ["HandlingUnitViewSet", "PostViewSet", "ProposalViewSet"]
