from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member. The display name is what readers see next to comments and in the greeting."""

    display_name = models.CharField("표시 이름", max_length=30, blank=True)

    class Meta:
        verbose_name = "회원"
        verbose_name_plural = "회원"

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username
