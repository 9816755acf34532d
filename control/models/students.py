"""Students' own logins: which Customer a user logged in with ID-porten is."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from control.models.applications import Customer


class StudentAccount(models.Model):
    """Links the user created at a student's first ID-porten login to the Customer with the
    national id (`pid` claim) the login carried. Everything a student sees is read through
    this link, never from an id in the URL alone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_account"
    )
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="student_account")
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("studentinnlogging")
        verbose_name_plural = _("studentinnlogginger")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.customer_id}"
