from django.urls import path

from .views import council, donations, events, honors, registrations

app_name = "activities"
urlpatterns = [
    # events
    path("", events.event_list, name="event_list"),
    path("calendar/", events.event_calendar, name="calendar"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/attendance/", events.event_attendance, name="event_attendance"),
    path("events/<int:pk>/register/", events.event_register, name="event_register"),
    path("events/<int:pk>/attachments/", events.attachment_upload, name="attachment_upload"),
    path("events/<int:pk>/check-in/", registrations.check_in_page, name="check_in"),
    path("events/<int:pk>/sign-in-sheet/", registrations.sign_in_sheet, name="sign_in_sheet"),
    path(
        "events/<int:pk>/check-in/recent/", registrations.recent_check_ins, name="recent_check_ins"
    ),
    path("events/<int:pk>/<slug:step>/", events.event_step, name="event_step"),
    path("attachments/<int:pk>/", events.attachment_download, name="attachment"),
    # sign-ups
    path("registrations/<int:pk>/", registrations.ticket, name="ticket"),
    path("registrations/<int:pk>/qr.svg", registrations.ticket_qr, name="ticket_qr"),
    path(
        "registrations/<int:pk>/check-in/",
        registrations.registration_check_in,
        name="registration_check_in",
    ),
    path(
        "registrations/<int:pk>/undo-check-in/",
        registrations.registration_undo_check_in,
        name="registration_undo_check_in",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        registrations.registration_cancel,
        name="registration_cancel",
    ),
    path("member-options/", registrations.member_options, name="member_options"),
    # donations and funds
    path("donations/", donations.donation_list, name="donations"),
    path("donations/new/", donations.donation_create, name="donation_create"),
    path("donations/<int:pk>/", donations.donation_detail, name="donation"),
    path(
        "donations/<int:pk>/certificate.docx",
        donations.donation_certificate,
        name="donation_certificate",
    ),
    path("donations/<int:pk>/void/", donations.donation_void, name="donation_void"),
    path("funds/", donations.fund_list, name="fund_list"),
    path("funds/new/", donations.fund_create, name="fund_create"),
    path("funds/<int:pk>/", donations.fund_detail, name="fund"),
    path("funds/<int:pk>/spend/", donations.fund_spend, name="fund_spend"),
    # council
    path("council/", council.council_page, name="council"),
    path("council/new/", council.council_create, name="council_create"),
    path("council/<int:pk>/terms/new/", council.term_create, name="term_create"),
    path("council/terms/<int:pk>/seats/new/", council.seat_create, name="seat_create"),
    path("council/terms/<int:pk>/meetings/new/", council.meeting_create, name="meeting_create"),
    path("council/meetings/<int:pk>/", council.meeting_detail, name="meeting"),
    path(
        "council/meetings/<int:pk>/attendance/",
        council.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "council/meetings/<int:pk>/resolutions/",
        council.meeting_resolution,
        name="meeting_resolution",
    ),
    path(
        "council/meetings/<int:pk>/minutes/",
        council.meeting_minutes,
        name="meeting_minutes",
    ),
    path(
        "council/meetings/<int:pk>/minutes/upload/",
        council.meeting_minutes_upload,
        name="meeting_minutes_upload",
    ),
    # honours
    path("honors/", honors.honor_list, name="honors"),
    path("honors/<int:pk>/withdraw/", honors.honor_withdraw, name="honor_withdraw"),
    # the member page's section
    path("members/<int:pk>/", honors.member_section, name="member_section"),
]
