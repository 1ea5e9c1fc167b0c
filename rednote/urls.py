from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]

# An unreachable database met before the view answers 503, not 500 (annotations/security.py).
handler500 = "annotations.security.server_error"
