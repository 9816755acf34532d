"""The app config of django-oidc-provider as the local ID-porten (local and test settings;
see lanekassen_ai.idporten_local). A module of its own: an app config imports no models."""

from oidc_provider.apps import OIDCProviderConfig


class LocalOidcProviderConfig(OIDCProviderConfig):
    """Its migrations use AutoField; keeping that here stops the project's BigAutoField
    default from asking for new migrations in a package we do not own."""

    default_auto_field = "django.db.models.AutoField"
