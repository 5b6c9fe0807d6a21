"""Hostile values for property-based tests: what attackers and unlucky
users post."""
from hypothesis import strategies as st

SCRIPT = "<script>alert('kjgl')</script>"
HOSTILE_STRINGS = (
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "'; DROP TABLE users; --",
    "1; SELECT pg_sleep(10)",
    "\u202egpj.exe",  # right-to-left override
    "\u200f\u200e\u2066\u2069",  # bidi marks and isolates
    "\u200b\ufeff",  # zero-width space, byte order mark
    "\x00",
    "a\x00b",
    "\x01\x07\x1b[31m\x7f",
    "\r\nSet-Cookie: x=1",
    "\ud7ff\ue000\U0010ffff",
    "𠀀𪚥" * 20,  # characters outside the BMP
    " " * 50,
    "9" * 5000,
    "-1",
    "1e999999",
    "NaN",
    "Infinity",
    "-0",
    "0x1A",
    "2024-02-30",
    "9999-12-31",
    "0000-00-00",
    "1900-01-01T00:00:00",
    "true",
    "on",
)
HUGE = ("x" * 100_000, "中" * 20_000, "<b>" * 10_000)
# characters a text strategy would rarely choose by itself
ODD_CHARS = st.sampled_from(list("\x00\x01\x1f\x7f\u202e\u202d\u200f\u2066\ufeff<>\"'&;%\\/") + ["中", "𠀀"])

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(HUGE),
    st.text(max_size=200),
    st.text(alphabet=ODD_CHARS, max_size=60),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE_STRINGS), st.text(max_size=30)),
)
wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.text(max_size=20), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.binary(max_size=20),
)
hostile_value = st.one_of(hostile_text, hostile_text, wrong_types)


def hostile_dicts(names, choices=()):
    """Dicts over the field ``names`` (each may be missing) plus stray keys;
    ``choices`` (valid values) keep some dependent fields reachable."""
    value = st.one_of(hostile_value, st.sampled_from(choices)) if choices else hostile_value
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries({}, optional={name: value for name in names}),
        st.dictionaries(st.text(max_size=10), hostile_value, max_size=3),
    )
