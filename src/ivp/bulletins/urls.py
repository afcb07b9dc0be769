"""Included under /networks/ (next to the network pages of ivp.networks)."""

from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("<int:network_id>/bulletin/", views.bulletin_index, name="index"),
    path("<int:network_id>/bulletin/subscribers/", views.subscribers, name="subscribers"),
    path(
        "<int:network_id>/bulletin/subscribers/<int:subscriber_id>/active/",
        views.subscriber_active,
        name="subscriber-active",
    ),
    path(
        "<int:network_id>/bulletin/subscribers/<int:subscriber_id>/delete/",
        views.subscriber_delete,
        name="subscriber-delete",
    ),
    path("<int:network_id>/bulletin/send/", views.bulletin_send, name="send"),
    path("<int:network_id>/bulletin/sendings/", views.sending_list, name="sendings"),
    path("<int:network_id>/bulletin/sendings/<int:sending_id>/", views.sending_detail, name="sending"),
    path("<int:network_id>/bulletin/<str:code>/", views.bulletin_member, name="member"),
    # The recipient's own link from the e-mail: no login, a signed token (see unsubscribe.py).
    path("bulletin/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
