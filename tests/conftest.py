from pathlib import Path

import pytest
from django.conf import settings

from core.loading import load_dataset

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


@pytest.fixture
def seed(db):
    """The seed dataset, loaded the way `make run` loads it."""
    return load_dataset(SEED)


@pytest.fixture
def article(seed):
    from core.models import Source, SourceKind

    return Source.objects.get(kind=SourceKind.NEWS_ARTICLE)
