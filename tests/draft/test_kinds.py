"""Event kinds from the words of a sentence, and their ACLED types from the ontology."""
from __future__ import annotations

import pytest

from kg.draft.kinds import LAUNCH, acled_types, describes_only, hits
from tests.conftest import ROOT


def kind(text):
    found = hits(text)
    return max(found, key=lambda h: h.rank).kind if found else None


@pytest.mark.parametrize("text, expected", [
    ("ISIS cells ambushed an army position.", "Ambush"),
    ("A drone struck a convoy.", "AirOrDroneStrike"),
    ("Artillery shelled the town.", "ShellingAttack"),
    ("Operatives attacked and killed two fighters after detonating a road land mine.", "ExplosiveDeviceAttack"),
    ("The SDF captured the Thawra oil field.", "CaptureOfTerritory"),
    ("Russian forces executed a withdrawal of equipment.", "Withdrawal"),
    ("Government forces pulled back to the river.", "Withdrawal"),
    ("The security forces arrested an emir.", "Arrest"),
    ("Anti-SDF protests erupted in the city.", "Protest"),
    ("Arab elements started to defect.", "Defection"),
    ("The opposition announced the capture of the town.", "Announcement"),
    ("The coalition conducted live-fire exercises.", "LiveFireExercise"),
    ("The coalition conducted four live-ammunition exercises at the base.", "LiveFireExercise"),
    ("The militias held night drills.", "MilitaryExercise"),
    ("The SDF launched an offensive on pro-government forces.", "ArmedClash"),
    ("Reinforcements arrived from several groups.", "Deployment"),
    ("The militias established new checkpoint systems at the entrances.", "BaseEstablished"),
    ("Cells killed a member of the SDF.", "ArmedClash"),
    ("The weather was mild.", None),
])
def test_kind_of_a_sentence(text, expected):
    assert kind(text) == expected


def test_a_launch_opens_a_grouping_event_and_is_no_grouping_kind():
    assert LAUNCH.search("In late November a HTS-led coalition launched a country wide offensive.")
    assert not LAUNCH.search("The following week the SDF launched a security operation.")
    assert {h.kind for h in hits("The SDF launched an offensive.")} == {"ArmedClash"}


def test_descriptions_are_not_events():
    assert describes_only("The emir was responsible for several recent bombings.")
    assert describes_only("What followed was a long series of attacks and raids.")
    assert not describes_only("The SDF captured the town.")


def test_acled_types_come_from_the_ontology():
    types = acled_types(ROOT / "ontology")
    assert types["Ambush"] == ("Battles", "Armed clash")
    assert types["AirOrDroneStrike"] == ("Explosions/Remote violence", "Air/drone strike")
    assert "MilitaryOffensive" not in types
