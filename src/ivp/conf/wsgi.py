"""WSGI entry point. Defaults to production settings, which refuse to start without secrets."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivp.conf.production")
application = get_wsgi_application()
