from django.db.models import Q

from evidence import crossref
from evidence.management.crossref_command import StudiesCommand


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
                study.save()
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
