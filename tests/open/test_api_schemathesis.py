"""A property-based run of the API's own OpenAPI description against the live test server:
no answer is a server error or breaks the schema, whatever the parameters."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from claims.models import Topic
from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish


@pytest.fixture
def api_schema(live_server, transactional_db):
    topic = Topic.objects.create(name="Endurance", slug="endurance")
    for n in range(3):
        claim = make_claim(slug=f"claim-{n}", statement=f"Claim {n} </script> & 50% {{x}}.")
        claim.topics.add(topic)
        study = make_study(doi=f"10.5555/prop.{n}", title="Ünïcode {trial}")
        make_evidence(claim, study, Stance.SUPPORTS)
        make_evidence(claim, make_study(), Stance.CONTRADICTS)
        make_mechanism(claim, steps=2, cite=[study])
        publish(claim, "First.")
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")


def test_the_api_answers_every_generated_request_within_its_schema(api_schema):
    # Each operation's generated requests, driven by Hypothesis directly (the schema is
    # served by the live test server, so it is loaded inside the test).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 4

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def run(case):
            case.call_and_validate()

        run()
