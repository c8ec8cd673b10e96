from datetime import date

import pytest

from webapp.children import matching


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë O'Brien", "zoe obrien"),
        ("  JOSÉ  García-López ", "jose garcia lopez"),
        ("Wiśniewski", "wisniewski"),
        ("Ní Bhriain", "ni bhriain"),
    ],
)
def test_names_are_normalised_for_accents_case_and_punctuation(text, expected):
    assert matching.normalise(text) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [("Robert", "Rupert"), ("Smith", "Smyth"), ("Mohammed", "Muhammad"), ("Ashcraft", "Ashcroft")],
)
def test_names_that_sound_alike_share_a_soundex_key(first, second):
    assert matching.soundex(first) == matching.soundex(second)


def test_day_and_month_can_be_transposed_only_when_both_could_be_months():
    assert matching.transposed(date(2015, 3, 7)) == date(2015, 7, 3)
    assert matching.transposed(date(2015, 3, 25)) is None
    assert matching.transposed(date(2015, 5, 5)) is None


@pytest.mark.parametrize(
    ("first", "second"), [("Bill", "William"), ("mo", "Muhammad"), ("Kate", "Catherine")]
)
def test_common_name_variants_count_as_the_same_given_name(first, second):
    assert matching.same_given_name(first, second)


def test_different_given_names_are_not_variants():
    assert not matching.same_given_name("William", "Robert")
