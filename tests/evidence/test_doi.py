import pytest

from evidence.doi import InvalidDOI, find_dois, normalize_doi

# What people paste, taken from reference lists, browser address bars, publisher pages and
# e-mails, and the DOI the site stores for it.
PASTED = [
    # Bare DOIs, and the case the site stores.
    ("10.1080/02640414.2024.2321021", "10.1080/02640414.2024.2321021"),
    ("10.1007/S00421-023-05201-9", "10.1007/s00421-023-05201-9"),
    ("10.1000.10/abc", "10.1000.10/abc"),
    ("10.1093/ajcn/nqab123", "10.1093/ajcn/nqab123"),
    # Labels.
    ("doi:10.1080/abc", "10.1080/abc"),
    ("DOI:10.1080/ABC", "10.1080/abc"),
    ("DOI: 10.1111/sms.14212", "10.1111/sms.14212"),
    ("doi : 10.1111/sms.14212", "10.1111/sms.14212"),
    ("DOI 10.1111/sms.14212", "10.1111/sms.14212"),
    ("info:doi/10.1371/journal.pone.0212345", "10.1371/journal.pone.0212345"),
    # Resolver URLs, every host spelling, with and without a scheme.
    ("https://doi.org/10.1080/ABC", "10.1080/abc"),
    ("http://doi.org/10.1080/abc", "10.1080/abc"),
    ("https://dx.doi.org/10.1080/abc", "10.1080/abc"),
    ("http://dx.doi.org/10.1080/abc", "10.1080/abc"),
    ("https://www.doi.org/10.1111/sms.14212", "10.1111/sms.14212"),
    ("HTTPS://DOI.ORG/10.1111/SMS.14212", "10.1111/sms.14212"),
    ("doi.org/10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
    ("dx.doi.org/10.1111/sms.14212", "10.1111/sms.14212"),
    ("www.doi.org/10.1111/sms.14212", "10.1111/sms.14212"),
    ("https://doi.org/10.1111/sms.14212/", "10.1111/sms.14212"),
    # Query strings and fragments on a URL.
    ("https://doi.org/10.1080/02640414.2024.2321021?utm_source=x", "10.1080/02640414.2024.2321021"),
    ("https://doi.org/10.1111/sms.14212#abstract", "10.1111/sms.14212"),
    # White space, brackets and quotes around it.
    ("  10.1080/02640414.2024.2321021\n", "10.1080/02640414.2024.2321021"),
    ("\t\r\n https://doi.org/10.1111/sms.14212 \r\n", "10.1111/sms.14212"),
    ("\u00a010.1111/sms.14212\u200b", "10.1111/sms.14212"),
    ("<https://doi.org/10.1111/sms.14212>", "10.1111/sms.14212"),
    ("<10.1111/sms.14212>", "10.1111/sms.14212"),
    ('"10.1111/sms.14212"', "10.1111/sms.14212"),
    ("'10.1111/sms.14212'", "10.1111/sms.14212"),
    ("“https://doi.org/10.1111/sms.14212”", "10.1111/sms.14212"),
    # Sentence punctuation after it, but not a closing parenthesis that belongs to it.
    ("10.1080/02640414.2024.2321021.", "10.1080/02640414.2024.2321021"),
    ("https://doi.org/10.1111/sms.14212.", "10.1111/sms.14212"),
    ("10.1111/sms.14212,", "10.1111/sms.14212"),
    ("10.1111/sms.14212;", "10.1111/sms.14212"),
    ("(10.1111/sms.14212)", "10.1111/sms.14212"),
    ("(doi:10.1111/sms.14212).", "10.1111/sms.14212"),
    ("10.1016/S0140-6736(97)11096-0", "10.1016/s0140-6736(97)11096-0"),
    ("10.1016/S0140-6736(97)11096-0.", "10.1016/s0140-6736(97)11096-0"),
    ("(10.1016/S0140-6736(97)11096-0)", "10.1016/s0140-6736(97)11096-0"),
    ("(https://doi.org/10.1016/S0140-6736(97)11096-0).", "10.1016/s0140-6736(97)11096-0"),
    ("10.1002/(SICI)1097-4636(199706)35:4", "10.1002/(sici)1097-4636(199706)35:4"),
    (
        "10.1002/(SICI)1097-4636(199706)35:4<497::AID-JBM8>3.0.CO;2-J",
        "10.1002/(sici)1097-4636(199706)35:4<497::aid-jbm8>3.0.co;2-j",
    ),
    # Percent encoding.
    ("10.1080%2F02640414.2024.2321021", "10.1080/02640414.2024.2321021"),
    ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
    ("https://doi.org/10.1016/S0140-6736%2897%2911096-0", "10.1016/s0140-6736(97)11096-0"),
    ("https://doi.org/10.1000/a%23b", "10.1000/a#b"),
    # Publisher pages that hold the DOI.
    ("https://link.springer.com/article/10.1007/s00421-023-05201-9", "10.1007/s00421-023-05201-9"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1111/sms.14212", "10.1111/sms.14212"),
    (
        "https://www.tandfonline.com/doi/abs/10.1080/02640414.2024.2321021?journalCode=rjsp20",
        "10.1080/02640414.2024.2321021",
    ),
    (
        "https://journals.physiology.org/doi/10.1152/japplphysiol.00101.2019",
        "10.1152/japplphysiol.00101.2019",
    ),
    ("www.tandfonline.com/doi/full/10.1080/02640414.2024.2321021", "10.1080/02640414.2024.2321021"),
    (
        "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0212345",
        "10.1371/journal.pone.0212345",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), PASTED)
def test_it_normalises_what_people_paste(raw, expected):
    assert normalize_doi(raw) == expected


def test_the_table_covers_at_least_forty_real_world_inputs():
    assert len(PASTED) + len(REFUSED) >= 40


REFUSED = [
    "",
    "   ",
    "\n",
    "doi:",
    "DOI: ",
    "https://doi.org/",
    "https://www.doi.org/?q=x",
    "11.1080/abc",
    "10.12/abc",  # registrant code too short
    "10.1080",  # no suffix
    "10.1080/",  # empty suffix
    "10.1080/has space",
    "not a doi",
    "https://example.org/articles/abc",
    "https://www.sciencedirect.com/science/article/pii/S0140673697110960",
    "https://pubmed.ncbi.nlm.nih.gov/31234567/",
    "PMC6543210",
    "ftp://doi.org/10.1111/sms.14212",
    "10.1111/sms.14212 10.1080/abc",  # two DOIs
]


@pytest.mark.parametrize("raw", REFUSED)
def test_it_rejects_what_is_not_a_doi(raw):
    with pytest.raises(InvalidDOI):
        normalize_doi(raw)


# A control character is refused however it arrives: as is, or once a decoding step has
# revealed it (PostgreSQL cannot store a NUL, and no DOI has one).
CONTROL_CHARACTERS = [
    "10.1234/a\x00b",
    "10.1234/a%00b",
    "10.1234%2Fa%00b",
    "https://doi.org/10.1234/a%00b",
    "https://doi.org/10.1234/a%0Ab",
    "https://www.tandfonline.com/doi/abs/10.1234/a%1Fb",
    "https://journals.plos.org/plosone/article?id=10.1234/a%00b",
    "10.1234/a\x1fb",
    "10.1234/a\nb",
    "10.1234/a\u200bb",  # zero-width space inside
    "doi:10.1234/ab\x00",
]


@pytest.mark.parametrize("raw", CONTROL_CHARACTERS)
def test_it_refuses_a_control_character_after_every_decoding_step(raw):
    with pytest.raises(InvalidDOI, match="control character"):
        normalize_doi(raw)


def test_the_error_shows_what_a_doi_looks_like():
    with pytest.raises(InvalidDOI, match="10.1080/02640414.2024.2321021"):
        normalize_doi("nonsense")


def test_it_asks_for_a_doi_when_given_nothing():
    with pytest.raises(InvalidDOI, match="Enter a DOI"):
        normalize_doi("  \n")


def test_it_finds_dois_in_prose_without_trailing_punctuation():
    text = (
        "as the order of exercises shows (10.1080/02640414.2024.2321021). See also "
        "10.1016/S0140-6736(20)30183-5, and 10.1080/02640414.2024.2321021 again."
    )
    assert find_dois(text) == ["10.1080/02640414.2024.2321021", "10.1016/s0140-6736(20)30183-5"]


def test_the_error_quotes_a_long_pasted_link_in_short():
    link = "https://www.sciencedirect.com/science/article/pii/S0140673697110960?" + "x=1&" * 100
    with pytest.raises(InvalidDOI) as refusal:
        normalize_doi(link)
    message = str(refusal.value)
    assert "holds no DOI" in message and "www.sciencedirect.com" in message
    assert len(message) < 160
