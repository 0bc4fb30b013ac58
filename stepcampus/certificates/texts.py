"""The few words printed on a certificate, in the course languages the suite ships (en, fr, es).

They live here rather than in the desktop's catalogs because the core prints the certificate
(the CLI makes them too); an unknown language falls back to English.
"""

from __future__ import annotations

from datetime import date

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Certificate of completion",
        "certifies": "This is to certify that",
        "completed": "has completed the course",
        "version": "Version {version}",
        "date": "Completed on {date}",
        "score": "Quiz score: {score} %",
        "no_score": "This course has no quiz",
        "code": "Verification code",
        "issuer": "Issued by key {key_id}",
        "check": "Check it with: stepcampus certificate verify FILE.pdf",
        "suite": "STEP Campus",
    },
    "fr": {
        "title": "Certificat de réussite",
        "certifies": "Nous certifions que",
        "completed": "a suivi avec succès le cours",
        "version": "Version {version}",
        "date": "Terminé le {date}",
        "score": "Note aux quiz : {score} %",
        "no_score": "Ce cours n’a pas de quiz",
        "code": "Code de vérification",
        "issuer": "Délivré par la clé {key_id}",
        "check": "Vérification : stepcampus certificate verify FICHIER.pdf",
        "suite": "STEP Campus",
    },
    "es": {
        "title": "Certificado de finalización",
        "certifies": "Se certifica que",
        "completed": "ha completado el curso",
        "version": "Versión {version}",
        "date": "Completado el {date}",
        "score": "Puntuación de los cuestionarios: {score} %",
        "no_score": "Este curso no tiene cuestionarios",
        "code": "Código de verificación",
        "issuer": "Emitido por la clave {key_id}",
        "check": "Verificación: stepcampus certificate verify ARCHIVO.pdf",
        "suite": "STEP Campus",
    },
}

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}


def language_of(language: str | None) -> str:
    """The certificate language for a requested one: its base ("fr-CA" -> "fr"), else English."""
    base = (language or "en").split("-")[0].split("_")[0].lower()
    return base if base in TEXTS else "en"


def text(language: str | None, key: str, **values: object) -> str:
    template = TEXTS[language_of(language)][key]
    return template.format(**values) if values else template


def long_date(day: date, language: str | None) -> str:
    """A date as people write it: "5 March 2026", "5 mars 2026", "5 de marzo de 2026"."""
    lang = language_of(language)
    month = _MONTHS[lang][day.month - 1]
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"
