import json

from director import streaming
from director.streaming import BEGIN, HOME, KEPT, Stream


def events(messages: list[str]) -> list[list]:
    return [json.loads(message) for message in messages]


def test_a_viewer_begins_with_its_own_header_and_the_whole_screen_now() -> None:
    stream = Stream((80, 24), "The talk\nits title")
    stream.write("\x1b[?1049h")
    stream.write(f"{HOME}first frame\nrow two")
    stream.write(f"{HOME}second frame\nrow two")
    seen, messages = stream.start()
    header, screen = events(messages)
    assert header["version"] == 2 and (header["width"], header["height"]) == (80, 24)
    assert header["title"] == "The talk its title", "one line"
    assert screen == [0.0, "o", f"{BEGIN}{HOME}second frame\r\nrow two"]
    assert seen == 3


def test_a_viewer_then_gets_each_event_at_its_own_time_once() -> None:
    stream = Stream((80, 24), "t")
    seen, _ = stream.start()
    stream.write(f"{HOME}a")
    stream.resize((100, 30))
    stream.resize((100, 30))  # no change: no event
    seen, messages = stream.since(seen, began=0.0)
    kinds = [(kind, data) for _, kind, data in events(messages)]
    assert kinds == [("o", f"{HOME}a"), ("r", "100x30")]
    assert stream.since(seen, began=0.0) == (seen, []), "nothing new, nothing sent"


def test_a_frame_drawn_again_unchanged_is_no_event_and_each_change_is_told() -> None:
    stream = Stream((80, 24), "t")
    told = []
    stream.changed = lambda: told.append(1)
    stream.write(f"{HOME}same")
    stream.write(f"{HOME}same")
    stream.write("")
    assert len(told) == 1 and stream.start()[0] == 1


def test_a_viewer_too_far_behind_gets_the_whole_screen_not_the_events_it_missed() -> None:
    stream = Stream((80, 24), "t")
    seen, _ = stream.start()
    for n in range(KEPT + 5):
        stream.write(f"{HOME}frame {n}")
    last, messages = stream.since(seen, began=0.0)
    assert last == KEPT + 5
    [(_, kind, data)] = events(messages)
    assert (kind, data) == ("o", f"{BEGIN}{HOME}frame {KEPT + 4}")


def test_a_viewer_too_far_behind_a_resize_is_told_the_new_size_with_the_screen() -> None:
    stream = Stream((80, 24), "t")
    seen, _ = stream.start()
    stream.resize((100, 30))
    for n in range(KEPT + 5):
        stream.write(f"{HOME}frame {n}")
    _, messages = stream.since(seen, began=0.0)
    assert [(kind, data) for _, kind, data in events(messages)] == [
        ("r", "100x30"),
        ("o", f"{BEGIN}{HOME}frame {KEPT + 4}"),
    ]


def test_a_write_that_is_no_frame_leaves_the_screen_as_it_was() -> None:
    stream = Stream((80, 24), "t")
    stream.write(f"{HOME}the stage")
    stream.write("\x1b[?25h\x1b[?1049l")  # the stage leaves the screen
    assert events(stream.start()[1])[1][2] == f"{BEGIN}{HOME}the stage"
    assert streaming.KEPT > 8, "a second of frames at least"
