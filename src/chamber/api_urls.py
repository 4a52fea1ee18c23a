"""/api/v1/: every app registers its viewsets on this one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from chamber.activities.api import (
    DonationViewSet,
    EventViewSet,
    FundViewSet,
    HonorViewSet,
    MeetingViewSet,
    RegistrationViewSet,
)
from chamber.casework.api import (
    CaseViewSet,
    CategoryViewSet,
    DepartmentViewSet,
    ExpertViewSet,
    VisitViewSet,
)
from chamber.members.api import (
    DueViewSet,
    EnterpriseViewSet,
    MembershipViewSet,
    PaymentViewSet,
    PersonViewSet,
)
from chamber.notify.api import NotificationViewSet
from chamber.orgs.api import OrganizationViewSet
from chamber.party.api import PartyOrganizationViewSet
from chamber.politics.api import HandlingUnitViewSet, PostViewSet, ProposalViewSet
from chamber.reports.api import AnnualReportView
from chamber.returns.api import ReturnViewSet
from chamber.scorecards.api import ScorecardViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("people", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("dues", DueViewSet, basename="due")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("party-organizations", PartyOrganizationViewSet, basename="party-organization")
router.register("payments", PaymentViewSet, basename="payment")
router.register("visits", VisitViewSet, basename="visit")
router.register("returns", ReturnViewSet, basename="return")
router.register("cases", CaseViewSet, basename="case")
router.register("case-categories", CategoryViewSet, basename="case-category")
router.register("departments", DepartmentViewSet, basename="department")
router.register("experts", ExpertViewSet, basename="expert")
router.register("posts", PostViewSet, basename="post")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("handling-units", HandlingUnitViewSet, basename="handling-unit")
router.register("events", EventViewSet, basename="event")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("donations", DonationViewSet, basename="donation")
router.register("funds", FundViewSet, basename="fund")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("honors", HonorViewSet, basename="honor")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("reports/annual/", AnnualReportView.as_view(), name="report-annual"),
    *router.urls,
]
