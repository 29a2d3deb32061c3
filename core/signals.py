"""Every change of a record moves the dataset version, so cached counts and pages expire."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from config.api.cache import bump_dataset_version
from core.models import Change, PublicModel


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _on_change(sender, **kwargs):
    instance = kwargs.get("instance")
    model = type(instance) if instance is not None else sender
    if isinstance(model, type) and issubclass(model, PublicModel | Change):
        bump_dataset_version()
