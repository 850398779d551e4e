"""A first guess at a new customer's language from their e-mail, for the languages Latitude speaks.

Offline and deterministic: the script decides Greek and Serbian Cyrillic; among Latin-script texts,
weighted marker words and letters tell Portuguese (and Brazilian from European Portuguese), Serbian
(Latin) and English apart. No guess (None) when the text is too short or in another language:
the customer then keeps the default, and staff can correct it on the customer's record.
"""

from __future__ import annotations

import re

from django.conf import settings

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SERBIAN_CYRILLIC_ONLY = set("ђћџљњјЂЋЏЉЊЈ")
_RUSSIAN_ONLY = set("ыэъёЫЭЪЁщЩ")

PORTUGUESE = {
    "não",
    "obrigado",
    "obrigada",
    "olá",
    "bom",
    "boa",
    "dia",
    "tarde",
    "noite",
    "por",
    "favor",
    "minha",
    "meu",
    "encomenda",
    "pedido",
    "fatura",
    "conta",
    "cobrado",
    "cobrança",
    "duas",
    "vezes",
    "preciso",
    "ajuda",
    "ainda",
    "quando",
    "também",
    "está",
    "estou",
    "são",
    "foi",
    "com",
    "uma",
    "um",
    "para",
    "que",
    "de",
    "do",
    "da",
    "os",
    "as",
    "em",
    "no",
    "na",
    "cumprimentos",
    "atenciosamente",
    "agradeço",
    "gostaria",
    "recebi",
    "problema",
    "cartão",
    "reembolso",
    "senha",
    "entrega",
    "produto",
    "aguardo",
    "resposta",
    "isso",
    "isto",
    "mas",
    "mais",
}
BRAZILIAN = {
    "você",
    "vocês",
    "oi",
    "celular",
    "tela",
    "arquivo",
    "ônibus",
    "trem",
    "time",
    "contato",
    "fato",
    "econômico",
    "registro",
    "usuário",
    "aplicativo",
    "app",
    "boleto",
    "pix",
    "cpf",
    "fiscal",
    "gente",
    "legal",
    "baixar",
    "abraço",
    "abraços",
    "valeu",
    "tô",
    "tá",
    "pra",
    "moça",
}
EUROPEAN_PT = {
    "telemóvel",
    "ecrã",
    "ficheiro",
    "autocarro",
    "comboio",
    "equipa",
    "contacto",
    "facto",
    "económico",
    "registo",
    "utilizador",
    "aplicação",
    "transferir",
    "cumprimentos",
    "vós",
    "convosco",
    "morada",
    "multibanco",
    "nif",
    "obrigadíssimo",
    "fixe",
    "consigo",
    "reencaminhar",
    "actualmente",
    "óptimo",
}
SERBIAN_LATIN = {
    "je",
    "sam",
    "da",
    "se",
    "na",
    "za",
    "ne",
    "od",
    "sa",
    "ali",
    "kako",
    "što",
    "šta",
    "molim",
    "hvala",
    "pozdrav",
    "pozdravom",
    "poštovani",
    "poštovana",
    "dobar",
    "dan",
    "porudžbina",
    "porudžbinu",
    "račun",
    "kartica",
    "karticu",
    "dva",
    "puta",
    "naplaćeno",
    "naplatili",
    "mogu",
    "možete",
    "vaš",
    "vas",
    "nije",
    "imam",
    "problem",
    "srdačan",
    "unapred",
    "ili",
    "kada",
    "još",
    "bio",
    "bila",
    "treba",
    "zašto",
    "odgovor",
}
ENGLISH = {
    "the",
    "and",
    "you",
    "your",
    "is",
    "are",
    "was",
    "have",
    "has",
    "my",
    "i",
    "it",
    "to",
    "of",
    "for",
    "please",
    "thanks",
    "thank",
    "hello",
    "hi",
    "order",
    "charged",
    "twice",
    "refund",
    "account",
    "can",
    "could",
    "would",
    "not",
    "with",
    "this",
    "that",
    "regards",
    "best",
    "kind",
    "dear",
    "help",
    "need",
    "still",
    "when",
    "why",
}
_SERBIAN_LETTERS = set("čćđšžČĆĐŠŽ")
_PORTUGUESE_LETTERS = set("ãõÃÕ")
_LATIN_ACCENTS = set("çâêôáéíóúàÇÂÊÔÁÉÍÓÚÀ")  # Portuguese, but French and Spanish too: a weak hint


def _known(code: str) -> str | None:
    return code if code in {c for c, _n in settings.LANGUAGES} else None


def guess_language(text: str) -> str | None:
    """A code from settings.LANGUAGES, or None when there is no confident guess."""
    text = (text or "")[:5000]
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 12:
        return None
    greek = len(_GREEK.findall(text))
    cyrillic = len(_CYRILLIC.findall(text))
    if greek > len(letters) * 0.3:
        return _known("el")
    if cyrillic > len(letters) * 0.3:
        if any(ch in _RUSSIAN_ONLY for ch in text) and not any(ch in _SERBIAN_CYRILLIC_ONLY for ch in text):
            return None  # Russian, Bulgarian…: not a language we answer in
        return _known("sr")
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if not words:
        return None
    scores = {
        "pt": sum(1 for w in words if w in PORTUGUESE)
        + 2 * sum(1 for ch in text if ch in _PORTUGUESE_LETTERS)
        + 0.25 * sum(1 for ch in text if ch in _LATIN_ACCENTS),
        "sr-latn": sum(1 for w in words if w in SERBIAN_LATIN) + 2 * sum(1 for ch in text if ch in _SERBIAN_LETTERS),
        "en": sum(1 for w in words if w in ENGLISH),
    }
    best = max(scores, key=scores.get)
    if scores[best] < 3 or scores[best] < 1.5 * max(v for k, v in scores.items() if k != best):
        return None
    if best == "pt":
        brazil = sum(1 for w in words if w in BRAZILIAN) + lowered.count("ndo ")
        europe = sum(1 for w in words if w in EUROPEAN_PT) + len(
            re.findall(r"\b(estou|está|estamos) a \w+r\b", lowered)
        )
        return _known("pt-br") if brazil > europe else _known("pt")
    return _known(best)
