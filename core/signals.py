"""Every change of a record moves the dataset version, so cached counts and pages expire.

(And a raw save, ``loaddata``'s, which skips ``save()``, still gets the name sort key.)

The version moves at once (this worker sees its own write) and again when the transaction
commits, so no other worker can have cached, under the new version, what it read before
the commit.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from config.api.cache import bump_dataset_version, set_version_source
from core.collation import NameOrderedModel, sort_key
from core.models import Change, PublicModel


def last_change() -> tuple:
    """The change feed's last entry (sequence number and time): the version, from the database.

    One row by the primary key's index. The time tells apart two states of the data that end
    at the same sequence number (a database rebuilt, a rolled-back transaction).
    """
    last = Change.objects.order_by("-id").values_list("id", "timestamp").first()
    return (last[0], last[1].timestamp()) if last else ()


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


@receiver(pre_save)
def _derive_on_raw_save(sender, instance, raw=False, **kwargs):
    # save() derives the key; a raw save (plain loaddata) does not call it. The dataset
    # loader derives everything itself (compute_derived) before its raw saves.
    if raw and isinstance(instance, NameOrderedModel):
        instance.name_sort_key = sort_key(instance.name)
