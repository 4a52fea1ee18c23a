from django.urls import path

from . import views

app_name = "scorecards"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("<int:pk>/", views.assessment, name="assessment"),
    path("<int:pk>/score/<int:indicator>/", views.score, name="score"),
    path("<int:pk>/evidence/<int:file>/", views.evidence, name="evidence"),
    path("<int:pk>/report.docx", views.report_docx, name="docx"),
]
