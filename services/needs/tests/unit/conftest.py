"""The needs use cases on fakes of their ports, with a real read model that the fake repository
keeps, as the real one does."""

from __future__ import annotations

import pytest

from needs.needs.service import Needs
from needs.needs.view import NeedsView

from .fakes import FakeKnownOrganizations, FakeNeeds


@pytest.fixture
def view() -> NeedsView:
    return NeedsView()


@pytest.fixture
def repo(view: NeedsView) -> FakeNeeds:
    return FakeNeeds(read_model=view.put)


@pytest.fixture
def organizations() -> FakeKnownOrganizations:
    return FakeKnownOrganizations()


@pytest.fixture
def needs(repo: FakeNeeds, organizations: FakeKnownOrganizations, view: NeedsView) -> Needs:
    return Needs(repo, organizations, view)
