"""The commodity of a statistics row: an existing one with the row's HS code, or a new draft.

A new commodity is named from the file (Comtrade's ``cmdDesc``, else "HS 2710"), placed in a
sector by its HS chapter (01–24 food and agriculture, 27 mineral fuels: energy, the rest
other) and cites the file's classification by a locator (``H6/2710``, ``HS17/271019``), so
that it can be published with the rows that name it. ``TOTAL`` (all goods) is one commodity
of its own, ``hs-total``, with no HS code.
"""

from core.services import CitationInput, NewRecord, records_create
from trade.models import Commodity, Sector
from trade.statistics.facts import TOTAL, TOTAL_SLUG
from trade.statistics.formats import HS_EDITIONS


def sector_of(code: str) -> str:
    if code == TOTAL or not code[:2].isdigit():
        return Sector.OTHER
    chapter = int(code[:2])
    if 1 <= chapter <= 24:
        return Sector.FOOD
    return Sector.ENERGY if chapter == 27 else Sector.OTHER


class CommodityFinder:
    """Finds or creates, once per import, the commodity of each HS code: a chunk of rows at a
    time (``prefetch``), in one query for those that exist and one ``records_create`` for
    those that do not."""

    def __init__(self, source, user):
        self.source, self.user = source, user
        self.cache, self.created = {}, []

    def commodity(self, row) -> Commodity:
        if row.cmd not in self.cache:
            self.prefetch([row])
        return self.cache[row.cmd]

    def prefetch(self, rows) -> None:
        wanted = {}
        for row in rows:
            if row.cmd not in self.cache:
                wanted.setdefault(row.cmd, row)
        if not wanted:
            return
        if TOTAL in wanted:
            total = Commodity.objects.filter(slug=TOTAL_SLUG).first()
            if total is not None:
                self.cache[TOTAL] = total
        # A published commodity first, then the oldest: the one curators have worked on.
        existing = (
            Commodity.objects.filter(hs_code__in=[code for code in wanted if code != TOTAL])
            .filter(review_state__in=("published", "draft"))
            .order_by("-review_state", "created", "id")
        )
        for commodity in existing:
            self.cache.setdefault(commodity.hs_code, commodity)
        missing = [row for code, row in wanted.items() if code not in self.cache]
        if missing:
            self._create(missing)

    def _create(self, rows) -> None:
        commodities = [self._new(row) for row in rows]
        taken = set(
            Commodity.objects.filter(slug__in=[c.slug for c in commodities]).values_list(
                "slug", flat=True
            )
        )
        items = []
        for row, commodity in zip(rows, commodities, strict=True):
            if commodity.slug in taken:
                commodity.slug = f"{commodity.slug}-{row.classification.lower()}"
            # The code as the file's own classification names it: H6 (Comtrade), HS17 (BACI).
            baci = row.locator.startswith("BACI/")
            edition = HS_EDITIONS[row.classification] if baci else row.classification
            cite = CitationInput(
                source=self.source,
                locator=f"{edition}/{row.cmd}",
                supports=["hs_code"] if commodity.hs_code else [],
            )
            items.append(NewRecord(commodity, [cite]))
        records_create(items, user=self.user, reason="Named by official statistics")
        for row, commodity in zip(rows, commodities, strict=True):
            self.cache[row.cmd] = commodity
            self.created.append(commodity)

    def _new(self, row) -> Commodity:
        code = row.cmd
        if code == TOTAL:
            name, slug, hs_code = "All commodities (HS total)", TOTAL_SLUG, ""
        else:
            name = f"{row.cmd_desc} (HS {code})" if row.cmd_desc else f"HS {code}"
            slug, hs_code = f"hs-{code}", code
        return Commodity(
            name=name[:300],
            slug=slug,
            hs_code=hs_code,
            sector=sector_of(code),
            hs_note=f"Created by the import of “{self.source}”, which names it {code} in "
            f"{HS_EDITIONS[row.classification]} ({row.classification}).",
        )
