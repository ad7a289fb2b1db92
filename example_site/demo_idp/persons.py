"""The test persons a tester can "be" on the demo provider's page.

Why these four: two born in the 1900s, one from 2000 on (the national number's checksum then puts a
"2" in front, which relying parties get wrong), one older citizen; a name with a space. Their
national register numbers are made up but pass the checksum, as real ones would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ITSME_CLAIM = "http://itsme.services/v2/claim/"
NATIONAL_NUMBER_CLAIM = ITSME_CLAIM + "BENationalNumber"


@dataclass(frozen=True)
class Person:
    #: Stable, never shown to relying parties (they get a pairwise ``sub``).
    id: str
    given_name: str
    family_name: str
    birthdate: date
    national_number: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def national_number_display(self) -> str:
        """``85.04.12-123.69``, the way it is printed on the Belgian eID card."""
        n = self.national_number
        return f"{n[0:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:11]}"

    def claims(self) -> dict[str, str]:
        """Every claim the provider can release about this person, by OpenID Connect / itsme name."""
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "name": self.name,
            "birthdate": self.birthdate.isoformat(),
            NATIONAL_NUMBER_CLAIM: self.national_number,
        }


PERSONS: tuple[Person, ...] = (
    Person("jan-peeters", "Jan", "Peeters", date(1985, 4, 12), "85041212369"),
    Person("fatima-el-amrani", "Fatima", "El Amrani", date(1992, 7, 31), "92073104635"),
    Person("lucas-janssens", "Lucas", "Janssens", date(2003, 1, 15), "03011520130"),
    Person("maria-de-smet", "Maria", "De Smet", date(1957, 2, 28), "57022808889"),
)


def get_person(person_id: str) -> Person | None:
    return next((person for person in PERSONS if person.id == person_id), None)


def national_number_is_valid(number: str) -> bool:
    """The register's check: 97 minus the first nine digits modulo 97 (with a "2" in front from 2000 on)."""
    if len(number) != 11 or not number.isdigit():
        return False
    body, check = number[:9], int(number[9:])
    return check in (97 - int(body) % 97, 97 - int("2" + body) % 97)
