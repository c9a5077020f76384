# examples/frameworks/django_app.py — Django "Hello, World!" in one file (served by gunicorn).
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="rigor-example-not-secret",
    MIDDLEWARE=[],
)


def hello(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
