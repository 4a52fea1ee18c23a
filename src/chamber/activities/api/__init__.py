"""REST endpoints for activities. Every queryset comes from a selector that applies
the caller's scope; every write calls a service."""

from .council import MeetingViewSet
from .donations import DonationViewSet, FundViewSet
from .events import EventViewSet, RegistrationViewSet
from .honors import HonorViewSet

__all__ = [
    "DonationViewSet",
    "EventViewSet",
    "FundViewSet",
    "HonorViewSet",
    "MeetingViewSet",
    "RegistrationViewSet",
]
