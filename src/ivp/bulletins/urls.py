"""Included under /networks/ (next to the network pages of ivp.networks)."""

app_name = "bulletins"
urlpatterns: list[object] = []
