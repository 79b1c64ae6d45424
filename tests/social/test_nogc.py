"""The cycle collector is paused while posts are read in bulk, and left as it was found afterwards."""

from __future__ import annotations

import gc

import pytest

from clonewatch.social.nogc import cycles_uncollected


def test_the_collector_is_off_inside_and_on_again_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), cycles_uncollected():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with cycles_uncollected():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
