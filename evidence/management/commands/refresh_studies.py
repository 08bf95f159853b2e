import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q

from evidence import crossref
from evidence.management.crossref_command import StudiesCommand

logger = logging.getLogger(__name__)


class Command(StudiesCommand):
    help = (
        "Fill the missing facts of studies (authors, journal, volume, issue, pages, …) from "
        "Crossref. Facts already on the site are never overwritten."
    )

    doi_help = "Refresh only this study (repeatable)."

    def handle(self, *args, **options):
        total, filled_count = 0, 0
        for prefix, study in self.paced(options):
            total += 1
            result = crossref.lookup(study.doi)
            if not isinstance(result, crossref.Found):
                self.stderr.write(f"{prefix} {result.message}")
                continue
            filled = study.fill_missing_facts(result.work)
            if filled:
                try:
                    others = [f.name for f in study._meta.fields if f.name not in filled]
                    study.full_clean(exclude=others, validate_unique=False)
                    with transaction.atomic():
                        study.save()
                except (ValidationError, DatabaseError) as error:
                    # One bad record must not stop the run: the study keeps its facts.
                    logger.warning("refresh_studies: %s not saved: %s", study.doi, error)
                    self.stderr.write(f"{prefix} skipped: Crossref's facts do not fit ({error})")
                    continue
                filled_count += 1
                self.stdout.write(f"{prefix} filled {', '.join(filled)}")
            else:
                self.stdout.write(f"{prefix} nothing Crossref could add")
        self.stdout.write(f"Filled in {filled_count} of {total} studies.")

    def default_studies(self, studies):
        empty = Q()
        for name in ("authors", "journal", "volume", "issue", "pages"):
            empty |= Q(**{name: ""})
        return studies.filter(empty)
