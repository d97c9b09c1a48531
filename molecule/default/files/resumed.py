#!/usr/bin/env python3
"""How long after a run an endpoint became reachable again, from the log of a
`ping -D -n -i 0.02 IP` started before the run (one line per reply,
`[epoch] 64 bytes from ...`) and the run's end time.

    resumed.py --log FILE --end EPOCH [--gap 0.2]

Prints JSON: replies, the last reply, `resumed` (the first reply of the last
unbroken stretch of replies, gaps <= --gap), `after_run` = max(0, resumed -
end) (the outage the operator sees after site.yml returns; null when no
reply came after the end at all), `tail` (how long it has answered since
the end, or since it resumed after it), `longest_gap` (any outage during
the watch, the run's own included).
"""
import argparse
import json
import re

LINE = re.compile(r'^\[(\d+\.\d+)\] \d+ bytes from ')


def times(text):
    return [float(m.group(1)) for m in map(LINE.match, text.splitlines()) if m]


def summary(stamps, end, gap):
    if not stamps:
        return dict(replies=0, resumed=None, after_run=None, tail=0.0, longest_gap=None)
    start = 0
    longest = 0.0
    for index in range(1, len(stamps)):
        step = stamps[index] - stamps[index - 1]
        longest = max(longest, step)
        if step > gap:
            start = index
    resumed = stamps[start]
    if stamps[-1] < end:        # silent since before the end of the run
        return dict(replies=len(stamps), first=stamps[0], last=stamps[-1], resumed=None,
                    after_run=None, tail=0.0, longest_gap=round(longest, 3))
    return dict(replies=len(stamps), first=stamps[0], last=stamps[-1], resumed=resumed,
                after_run=round(max(0.0, resumed - end), 3),
                tail=round(stamps[-1] - max(resumed, end), 3), longest_gap=round(longest, 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--log', required=True)
    ap.add_argument('--end', type=float, required=True)
    ap.add_argument('--gap', type=float, default=0.2)
    args = ap.parse_args()
    with open(args.log) as handle:
        print(json.dumps(summary(times(handle.read()), args.end, args.gap)))


if __name__ == '__main__':
    main()
