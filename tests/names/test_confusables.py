from __future__ import annotations

from clonewatch.names import default_confusables
from clonewatch.names.confusables import transliterate


def test_tr39_skeletons_of_cross_script_look_alikes_are_equal() -> None:
    conf = default_confusables()
    assert conf.skeleton("раураl") == conf.skeleton("paypal")
    assert conf.skeleton("ѕріеgеl") == conf.skeleton("spiegel")
    assert conf.skeleton("bild") != conf.skeleton("bald")


def test_latinize_keeps_ascii_and_maps_other_scripts() -> None:
    conf = default_confusables()
    assert conf.latinize("раураl") == "paypal"
    assert conf.latinize("ṃicrosoft") == "microsoft"
    assert conf.latinize("modern") == "modern"


def test_german_transliteration() -> None:
    assert transliterate("süddeutsche") == "sueddeutsche"
    assert transliterate("spiegel") is None
