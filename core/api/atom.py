"""The change feed as Atom (RFC 4287), for feed readers: ``/api/v1/changes/?format=atom``.

Written by Django's syndication framework from the page the JSON feed would give: the
same filters, visibility and cursors (``ChangeViewSet``). Newest first unless ``ordering``
says otherwise. Each entry links the record's address in the API (rel="alternate") and its
evidence page (rel="related"); the feed links its next page (rel="next", RFC 5005). No
entry names a curator to the public (``core.models.changes.shown_user``).
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from config.api.urls_cache import absolute, detail_path
from core.evidence import evidence_path
from core.models import Change, ChangeAction
from core.models.changes import shown_user


class PagedAtomFeed(Atom1Feed):
    """Atom with a link to the next page, and each entry's evidence page as rel="related"."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("next_url"):
            handler.addQuickElement("link", "", {"rel": "next", "href": self.feed["next_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("evidence_url"):
            handler.addQuickElement(
                "link", "", {"rel": "related", "href": item["evidence_url"], "type": "text/html"}
            )


@dataclass
class FeedPage:
    """What one response of the feed holds: the changes, and where the pages are."""

    changes: list
    request: object
    next_url: str | None


class ChangeFeed(Feed):
    """One Atom entry per change of a record."""

    feed_type = PagedAtomFeed
    title = "Trade and diplomacy data: changes"
    subtitle = "Every create, update and delete of a public record, newest first."
    # RFC 4287 asks for an author of the feed where entries may have none: the dataset's.
    author_name = "The trade and diplomacy dataset"

    def link(self, page):
        return page.request.build_absolute_uri(page.request.path)

    def feed_url(self, page):
        return page.request.build_absolute_uri()

    def feed_extra_kwargs(self, page):
        return {"next_url": page.next_url}

    def items(self, page):
        return page.changes

    def item_title(self, change):
        return f"{change.action} {change.model} {change.record_id}"

    def item_description(self, change):
        parts = []
        if change.changed_fields:
            parts.append(f"Fields: {', '.join(change.changed_fields)}.")
        if change.cited_model:
            parts.append(f"Evidence for {change.cited_model} {change.cited_id}.")
        if change.reason:
            parts.append(f"Reason: {change.reason}")
        parts.append(f"Review state: {change.review_state}; channel: {change.channel}.")
        return " ".join(parts)

    def item_link(self, change):
        request = self._request
        if change.action != ChangeAction.DELETED:
            path = _path(detail_path, change.model, change.record_id)
            if path:
                return absolute(request, path)
        return absolute(request, detail_path(Change, change.pk))

    def item_guid(self, change):
        return absolute(self._request, detail_path(Change, change.pk))

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.timestamp

    def item_updateddate(self, change):
        return change.timestamp

    def item_author_name(self, change):
        return shown_user(getattr(self._request, "user", None), change.user) or None

    def item_categories(self, change):
        return (change.action, change.model, change.channel)

    def item_extra_kwargs(self, change):
        # A citation's evidence is shown on the page of the record it supports.
        model, public_id = (
            (change.cited_model, change.cited_id)
            if change.cited_model
            else (change.model, change.record_id)
        )
        path = (
            None
            if change.action == ChangeAction.DELETED
            else _path(evidence_path, model, public_id)
        )
        return {"evidence_url": absolute(self._request, path) if path else None}

    def render(self, page) -> bytes:
        """The feed of ``page``, as bytes."""
        self._request = page.request
        feed = self.get_feed(page, page.request)
        return feed.writeString("utf-8").encode()


def _path(builder, label: str, public_id: str) -> str | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return builder(model, public_id)
