"""The commodity of a statistics row: an existing one with the row's HS code, or a new draft.

A new commodity is named from the file (Comtrade's ``cmdDesc``, else "HS 2710"), placed in a
sector by its HS chapter (01–24 food and agriculture, 27 mineral fuels: energy, the rest
other) and cites the file's classification by a locator (``H6/2710``, ``HS17/271019``), so
that it can be published with the rows that name it. ``TOTAL`` (all goods) is one commodity
of its own, ``hs-total``, with no HS code.
"""

from core.services import CitationInput, record_save
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
    """Finds or creates, once per import, the commodity of each HS code."""

    def __init__(self, source, user):
        self.source, self.user = source, user
        self.cache, self.created = {}, []

    def commodity(self, row) -> Commodity:
        if row.cmd not in self.cache:
            self.cache[row.cmd] = self._existing(row.cmd) or self._create(row)
        return self.cache[row.cmd]

    def _existing(self, code: str):
        if code == TOTAL:
            return Commodity.objects.filter(slug=TOTAL_SLUG).first()
        # A published commodity first, then the oldest: the one curators have worked on.
        return (
            Commodity.objects.filter(hs_code=code)
            .order_by("-review_state", "created", "id")
            .filter(review_state__in=("published", "draft"))
            .first()
        )

    def _create(self, row) -> Commodity:
        code = row.cmd
        if code == TOTAL:
            name, slug, hs_code = "All commodities (HS total)", TOTAL_SLUG, ""
        else:
            name = f"{row.cmd_desc} (HS {code})" if row.cmd_desc else f"HS {code}"
            slug, hs_code = f"hs-{code}", code
        if Commodity.objects.filter(slug=slug).exists():
            slug = f"{slug}-{row.classification.lower()}"
        commodity = Commodity(
            name=name[:300],
            slug=slug,
            hs_code=hs_code,
            sector=sector_of(code),
            hs_note=f"Created by the import of “{self.source}”, which names it {code} in "
            f"{HS_EDITIONS[row.classification]} ({row.classification}).",
        )
        # The code as the file's own classification names it: H6 (Comtrade), HS17 (BACI).
        baci = row.locator.startswith("BACI/")
        edition = HS_EDITIONS[row.classification] if baci else row.classification
        cite = CitationInput(
            source=self.source,
            locator=f"{edition}/{code}",
            supports=["hs_code"] if hs_code else [],
        )
        record_save(commodity, user=self.user, cite=[cite], reason="Named by official statistics")
        self.created.append(commodity)
        return commodity
