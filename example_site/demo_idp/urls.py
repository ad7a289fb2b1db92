"""The demo provider's URLs, below its issuer (``DEMO_IDP["ISSUER"]`` must be where they are included).

No trailing slashes, as itsme's endpoints: OpenID Connect Discovery builds the configuration URL by
appending ``/.well-known/openid-configuration`` to the issuer, and a POST to the token endpoint must
not be redirected by ``APPEND_SLASH``.
"""

from django.urls import path

from . import views

app_name = "demo_idp"

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
]
