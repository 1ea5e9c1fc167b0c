from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "rednote"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from annotations.auth_lockout import log_failed_sign_in
        from annotations.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        user_login_failed.connect(log_failed_sign_in, dispatch_uid="annotations.log_failed_sign_in")
