import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Issue an API token for a curator (printed once; only its digest is stored), "
        "or revoke all of a curator's tokens with --revoke."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="Expiry (default: settings).")
        parser.add_argument("--revoke", action="store_true", help="Revoke every token instead.")

    def handle(self, *args, username, days, revoke, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        if revoke:
            count, _ = AuthToken.objects.filter(user=user).delete()
            self.stdout.write(self.style.SUCCESS(f"Revoked {count} token(s) of {username!r}."))
            return
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expiry = datetime.timedelta(days=days) if days else None
        instance, token = (
            AuthToken.objects.create(user=user, expiry=expiry)
            if expiry
            else AuthToken.objects.create(user=user)
        )
        self.stdout.write(f"Token for {username!r}, expires {instance.expiry:%Y-%m-%d %H:%M} UTC:")
        self.stdout.write(token)
        self.stdout.write("Send it as: Authorization: Token <token>")
