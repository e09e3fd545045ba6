"""Comparison of two scenario transcripts (the server under test's and a real redis-server's),
shared by the scripted differential suites (transactions, auth/ACL).

A transcript is one recorded value per step. Steps are objects with `want` (None, a value, or a
(RESP2, RESP3) pair: what Redis is expected to answer) and, optionally, `unordered` (the value
is compared as a sorted list, as recorded by the suite)."""


def expected_for(step, proto, recorded):
    want = step.want[proto - 2] if isinstance(step.want, tuple) else step.want
    if getattr(step, "unordered", False) and isinstance(recorded, tuple):
        want = (recorded[0], sorted(want))
    return want


def assert_same_transcripts(test, steps, theirs, ours, proto, against):
    """First the oracle against each step's `want` (a difference there is a bug of the suite,
    which must prove what it claims), then the server under test against the oracle, failing
    at the first difference with the steps that led to it."""
    for i, step in enumerate(steps):
        if step.want is None or i >= len(theirs):
            continue
        test.assertEqual(theirs[i], expected_for(step, proto, theirs[i]),
                         f"suite bug: redis-server disagrees at step #{i} {step!r}")
    test.assertEqual(len(theirs), len(steps), f"oracle failed: {theirs[-1]}")
    for i, step in enumerate(steps):
        got = ours[i] if i < len(ours) else "<scenario stopped earlier>"
        if got != theirs[i]:
            trail = "\n".join(f"  #{j} {steps[j]!r}: {ours[j]!r}" for j in range(max(0, i - 6), i))
            test.fail(f"RESP{proto}, step #{i} {step!r}\n    {against}: {got!r}\n    redis:  {theirs[i]!r}\n"
                      f"preceding steps on {against}:\n{trail}")
