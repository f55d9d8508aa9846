"""The compact identity set: exact (no two identities share a slot), flat in Python objects."""

from __future__ import annotations

import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from newscrawl.identities import MAX_FAMILIES, IdentitySet, pack, split_identity, unpack

digits = st.text(alphabet="0123456789", min_size=1, max_size=9)
sections = st.one_of(digits, digits.map(lambda d: "w-" + d), st.sampled_from(["", "w-", "x1", "٣٤"]))
families = st.sampled_from(["arabstoday", "emiratesvoice", "almaghribtoday", "x"])
identities = st.builds(lambda f, s, i: f"{f}:{s}/{i}", families, sections, digits | st.just("١٢"))


@given(st.lists(identities, max_size=60), st.lists(identities, max_size=60))
def test_behaves_exactly_like_a_set_of_strings(added, probed):
    ours, reference = IdentitySet(), set()
    for identity in added:
        assert ours.add(identity) == (identity not in reference)
        reference.add(identity)
    assert len(ours) == len(reference)
    assert set(ours) == reference
    for identity in probed + added:
        assert (identity in ours) == (identity in reference)


@given(st.integers(0, MAX_FAMILIES - 1), sections, digits)
def test_pack_is_exact_and_reversible(family, section, article_id):
    packed = pack(family, section, article_id)
    plain = section.removeprefix("w-")
    fits = all(p.isascii() and p.isdigit() and len(p) <= 7 for p in (plain, article_id))
    assert (packed is not None) == fits
    if packed is not None:
        assert 0 <= packed < 2**63
        names = [f"f{i}" for i in range(MAX_FAMILIES)]
        assert unpack(packed, names) == f"f{family}:{section}/{article_id}"


def test_leading_zeros_and_writers_are_other_identities():
    ids = IdentitySet()
    for identity in ("a:40/095935", "a:40/95935", "a:040/95935", "a:w-40/95935", "b:40/95935",
                     "a:40/0095935"):
        assert ids.add(identity)
    assert len(ids) == 6
    assert not ids.add("a:40/095935")


def test_identities_that_do_not_fit_are_kept_exactly():
    ids = IdentitySet()
    for identity in ("a:/some/path", "a:40/12345678", "a:40/x", "no-colon"):
        assert ids.add(identity) and identity in ids
    assert "a:/some/other" not in ids
    assert split_identity("a:/some/path") is None


def test_families_beyond_the_layout_fall_back_exactly():
    ids = IdentitySet(f"fam{i}:1/1" for i in range(MAX_FAMILIES + 5))
    assert len(ids) == MAX_FAMILIES + 5
    assert all(f"fam{i}:1/1" in ids for i in range(MAX_FAMILIES + 5))
    assert "fam999:1/1" not in ids


def test_memory_does_not_grow_in_python_objects():
    """200,000 identities: a few bytes each in the bitmap, against ~100+ for a set of strings."""
    names = [f"arabstoday:{s}/{i:06d}" for i in range(100_000, 300_000) for s in ("4",)]
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    ids = IdentitySet()
    for name in names:
        ids.add(name)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    python_bytes = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert len(ids) == len(names)
    assert python_bytes < 10_000  # the bitmap lives in C memory; no Python object per identity
