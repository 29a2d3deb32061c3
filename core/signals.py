"""Every change of a record moves the dataset version, so cached counts and pages expire.

The version moves at once (this worker sees its own write) and again when the transaction
commits, so no other worker can have cached, under the new version, what it read before
the commit.
"""

from django.db import transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from config.api.cache import bump_dataset_version, set_version_source
from core.models import Change, PublicModel


def last_change() -> int:
    """The change feed's last sequence number: the version, read from the database."""
    return Change.objects.aggregate(last=Max("id"))["last"] or 0


set_version_source(last_change)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _on_change(sender, **kwargs):
    instance = kwargs.get("instance")
    model = type(instance) if instance is not None else sender
    if isinstance(model, type) and issubclass(model, PublicModel | Change):
        bump_dataset_version()
        transaction.on_commit(bump_dataset_version, robust=True)
