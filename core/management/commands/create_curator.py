from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.history import Channel, history_channel


class Command(BaseCommand):
    help = (
        "Create a curator (or make an existing user one): staff, in the 'curators' group. "
        "Set the admin password afterwards with `manage.py changepassword USERNAME`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, email, **options):
        try:
            group = Group.objects.get(name="curators")
        except Group.DoesNotExist as exc:
            raise CommandError("The 'curators' group is missing: run `manage.py migrate`.") from exc
        with history_channel(Channel.COMMAND):
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": email, "is_staff": True}
            )
            if not created and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            if created:
                user.set_unusable_password()
                user.save()
            user.groups.add(group)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} curator {username!r}."))
