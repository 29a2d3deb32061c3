"""Official trade statistics: Comtrade+ and BACI files imported as cited dataset sources.

* ``formats``: the file formats, read into ``Row``s (one flow each) and what is skipped;
* ``countries``: M49 and ISO alpha-3 codes to our countries;
* ``files``: the ``StatisticsFile`` that keeps each imported file by its checksum;
* ``importer``: the import through the one write path (``core.services``);
* ``verify``: re-reads a stored file and checks the records that cite its rows;
* ``flows``: a pair's flows for a year, agreed beside reported beside recorded.
"""
