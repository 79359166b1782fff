from django.urls import path

from selection import views

app_name = "selection"

urlpatterns = [
    path("", views.case_list_view, name="case_list"),
    path("new/", views.case_create_view, name="case_create"),
    path("<int:pk>/", views.case_detail_view, name="case_detail"),
    path("<int:pk>/record.pdf", views.case_record_pdf_view, name="case_record_pdf"),
    path("<int:pk>/advance/", views.case_advance_view, name="case_advance"),
    path("<int:pk>/stages/<str:stage>/", views.stage_record_view, name="stage_record"),
    path("<int:pk>/candidates/", views.candidate_add_view, name="candidate_add"),
    path("<int:pk>/candidate-options/", views.candidate_options_view, name="candidate_options"),
    path("<int:pk>/decision/", views.decision_view, name="decision_record"),
    path("<int:pk>/notice/", views.notice_view, name="notice_set"),
    path("<int:pk>/attachments/", views.attachment_add_view, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete_view, name="attachment_delete"),
    path("candidates/<int:pk>/checklist/", views.checklist_view, name="checklist_set"),
    path("candidates/<int:pk>/withdraw/", views.candidate_withdraw_view, name="candidate_withdraw"),
]
