"""Dutch words for what the engine writes into an event's data, for the auditor's timeline, replay and print.

The engine's keys (`chosen`, `kind`, `task_id`, `process_id`, ...) stay in the stored events and the JSON export,
where the hashes cover them; the pages show an auditor what they mean. Keys not listed here are shown as they are
(the task forms' own field names are Dutch already). An empty value reads "niet ingevuld", not "(leeg)".
"""
from __future__ import annotations

KEY_LABELS = {
    "chosen": "Gekozen weg", "decision": "Beslistabel", "result": "Uitkomst", "kind": "Soort", "name": "Naam",
    "data": "Ingevulde gegevens", "form": "Formulier", "task_id": "Taaknummer (intern)", "task": "Taak",
    "message": "Bericht", "payload": "Inhoud van het bericht", "code": "Code", "partner": "Signaalpartner",
    "signal_id": "Signaalnummer", "due_at": "Gepland op", "timer_kind": "Soort timer", "from": "Van",
    "to": "Naar", "process_id": "Proces", "version": "Versie", "end_events": "Geëindigd bij",
    "content_hash": "Controlegetal van de bestanden", "files": "Bestanden", "naam": "Naam", "type": "Soort",
    "partner_id": "Partnernummer", "token_geldig_tot": "Token geldig tot", "username": "Gebruikersnaam",
    "role": "Rol", "password": "Wachtwoord", "element_id": "Element", "reason": "Reden", "seq": "Volgnummer",
    "volledige_naam": "Volledige naam", "telefoon": "Telefoonnummer", "wijzigingen": "Wijzigingen",
    "oud": "Oud", "nieuw": "Nieuw", "register": "Register", "handeling": "Handeling", "rij": "Rij",
    "rijen": "Rijen", "contact_naam": "Contactpersoon", "contact_email": "E-mailadres contactpersoon",
    "contact_telefoon": "Telefoonnummer contactpersoon", "sso": "Single sign-on via",
}
VALUE_LABELS = {
    "kind": {"gateway": "splitsing (keuze in het diagram)", "dmn": "beslistabel"},
    "timer_kind": {"boundary-non-interrupting": "termijn naast een taak (de taak blijft open)",
                   "boundary-interrupting": "termijn die een taak afbreekt", "intermediate": "wachttijd in het proces",
                   "start": "start op een tijdstip"},
}
EMPTY = "niet ingevuld"


def key_label(key) -> str:
    """The Dutch label of a data key (the key itself when it has none)."""
    return KEY_LABELS.get(key, str(key)) if isinstance(key, str) else str(key)


def text_value(key, value: str) -> str:
    """A string value in words where the engine uses a code word for it (e.g. kind 'gateway')."""
    return VALUE_LABELS.get(key, {}).get(value, value) if isinstance(key, str) else value
