"""molecule/default/files/resumed.py: when an endpoint answered again after
a run, from a `ping -D` log (the move/rename check of the side effect)."""
import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).resolve().parents[2] / "molecule/default/files/resumed.py"
spec = importlib.util.spec_from_file_location("resumed", PATH)
resumed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(resumed)


def log(stamps):
    return "\n".join(["PING 10.0.0.11 (10.0.0.11) 56(84) bytes of data."] + [
        "[%.6f] 64 bytes from 10.0.0.11: icmp_seq=%d ttl=64 time=0.3 ms" % (t, i)
        for i, t in enumerate(stamps)] + ["", "--- 10.0.0.11 ping statistics ---"])


def every(start, stop, step=0.02):
    return [start + i * step for i in range(int(round((stop - start) / step)) + 1)]


@pytest.mark.parametrize("stamps, end, after, tail", [
    (every(100, 110), 105, 0.0, 5.0),                          # never lost
    (every(100, 103) + every(104, 110), 105, 0.0, 5.0),        # lost during the run only
    (every(100, 103) + every(107.5, 110), 105, 2.5, 2.5),      # 2.5 s after the run
    (every(100, 103) + every(105.8, 106) + every(107, 110), 105, 2.0, 3.0),  # flapped
])
def test_after_run(stamps, end, after, tail):
    got = resumed.summary(resumed.times(log(stamps)), end, 0.2)
    assert got["after_run"] == pytest.approx(after, abs=0.001)
    assert got["tail"] == pytest.approx(tail, abs=0.001)


def test_silent_since_before_the_end_is_not_resumed():
    """Found by running the side effect on the code before issue 20: the
    replies stopped during the run and never came back; the last stretch
    ended before the run did."""
    got = resumed.summary(resumed.times(log(every(100, 104))), 105, 0.2)
    assert got["after_run"] is None and got["tail"] == 0.0


def test_no_reply_at_all():
    got = resumed.summary(resumed.times(log([])), 105, 0.2)
    assert got["replies"] == 0 and got["after_run"] is None
