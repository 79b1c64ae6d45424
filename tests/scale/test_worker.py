"""What a worker keeps between tasks: built once per key, the least recently used closed beyond KEPT
unless a task is using it."""

from __future__ import annotations

import threading

from clonewatch.scale.worker import KEPT, WorkerSettings, WorkerState, vantage_resource


class Thing:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_a_key_is_built_once_whatever_the_threads() -> None:
    state = WorkerState(WorkerSettings())
    built: list[Thing] = []
    gate = threading.Barrier(8)

    def build() -> Thing:
        built.append(Thing("matcher"))
        return built[-1]

    def task() -> None:
        gate.wait()
        with state.using("matcher-a", build) as thing:
            assert thing is built[0]

    threads = [threading.Thread(target=task) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1


def test_the_least_recently_used_is_closed_beyond_kept_but_never_while_in_use() -> None:
    state = WorkerState(WorkerSettings())
    things = {f"job-{n}": Thing(f"job-{n}") for n in range(KEPT + 2)}
    with state.using("job-0", lambda: things["job-0"]):
        for n in range(1, KEPT + 2):
            with state.using(f"job-{n}", lambda n=n: things[f"job-{n}"]):
                pass
        assert not things["job-0"].closed  # in use: kept past its turn
    kept = [name for name, thing in things.items() if not thing.closed]
    assert kept == ["job-0", *(f"job-{n}" for n in range(3, KEPT + 2))]  # job-0 and the latest ones
    state.close()
    assert all(thing.closed for thing in things.values())


def test_a_vantage_is_a_resource_of_as_many_units_as_threads() -> None:
    assert WorkerSettings(vantage="de").resources(8) == {vantage_resource("de"): 8.0}
    assert WorkerSettings().resources(8) == {}
