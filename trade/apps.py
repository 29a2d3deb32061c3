from django.apps import AppConfig


class TradeConfig(AppConfig):
    name = "trade"

    def ready(self):
        # Imported here, as Django requires: models are not ready when this module loads.
        from core.datasets import register_file_check
        from trade.statistics.verify import check_statistics_files

        # verify_citations re-reads the statistics files that shipments cite.
        register_file_check(check_statistics_files)
