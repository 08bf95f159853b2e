import pytest

from evidence.doi import InvalidDOI, find_dois, normalize_doi


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1080/02640414.2024.2321021", "10.1080/02640414.2024.2321021"),
        ("  10.1080/02640414.2024.2321021\n", "10.1080/02640414.2024.2321021"),
        ("https://doi.org/10.1080/ABC", "10.1080/abc"),
        ("http://doi.org/10.1080/abc", "10.1080/abc"),
        ("https://dx.doi.org/10.1080/abc", "10.1080/abc"),
        ("http://dx.doi.org/10.1080/abc", "10.1080/abc"),
        ("doi:10.1080/abc", "10.1080/abc"),
        ("DOI:10.1080/ABC", "10.1080/abc"),
        ("doi.org/10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
        ("10.1002/(SICI)1097-4636(199706)35:4", "10.1002/(sici)1097-4636(199706)35:4"),
        ("10.1000.10/abc", "10.1000.10/abc"),
    ],
)
def test_it_normalises_every_common_form(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "doi:",
        "https://doi.org/",
        "11.1080/abc",
        "10.12/abc",  # registrant code too short
        "10.1080",  # no suffix
        "10.1080/",  # empty suffix
        "10.1080/has space",
        "not a doi",
        "https://example.org/10.1080/abc",
    ],
)
def test_it_rejects_a_malformed_doi(raw):
    with pytest.raises(InvalidDOI):
        normalize_doi(raw)


def test_the_error_shows_what_a_doi_looks_like():
    with pytest.raises(InvalidDOI, match="10.1080/02640414.2024.2321021"):
        normalize_doi("nonsense")


def test_it_finds_dois_in_prose_without_trailing_punctuation():
    text = (
        "as the order of exercises shows (10.1080/02640414.2024.2321021). See also "
        "10.1016/S0140-6736(20)30183-5, and 10.1080/02640414.2024.2321021 again."
    )
    assert find_dois(text) == ["10.1080/02640414.2024.2321021", "10.1016/s0140-6736(20)30183-5"]
