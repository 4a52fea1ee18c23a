"""/api/v1/: every app registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from chamber.activities.api import (
    DonationViewSet,
    EventViewSet,
    FundViewSet,
    HonorViewSet,
    MeetingViewSet,
    RegistrationViewSet,
)
from chamber.members.api import EnterpriseViewSet, MembershipViewSet, PersonViewSet
from chamber.orgs.api import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("people", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("events", EventViewSet, basename="event")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("donations", DonationViewSet, basename="donation")
router.register("funds", FundViewSet, basename="fund")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("honors", HonorViewSet, basename="honor")

urlpatterns = router.urls
