"""/api/v1/: every app registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from chamber.members.api import EnterpriseViewSet, MembershipViewSet, PersonViewSet
from chamber.orgs.api import OrganizationViewSet
from chamber.politics.api import HandlingUnitViewSet, PostViewSet, ProposalViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("people", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("posts", PostViewSet, basename="post")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("handling-units", HandlingUnitViewSet, basename="handling-unit")

urlpatterns = router.urls
