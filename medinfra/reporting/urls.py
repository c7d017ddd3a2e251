"""URLs of the reporters' forms and the verifiers' queue, under /reports/."""

from django.urls import path

from medinfra.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/<slug:kind>/", views.new, name="new"),
    path("new/<slug:kind>/autosave/", views.autosave, name="autosave_new"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("drafts/<int:pk>/discard/", views.discard, name="discard"),
    path("drafts/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("incidents/<int:pk>/change/", views.amend, name="amend"),
    path("facilities/", views.facilities, name="facilities"),
    path("review/", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
]
