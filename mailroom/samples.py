"""Realistic sample e-mail, generated: for the ingestion benchmark and the demo.

The same patterns as the test corpus (mailroom/tests/corpus): many charsets and transfer encodings,
HTML-only, alternative and related parts with inline images, encoded attachment names, replies with
quoted history and phone signatures, auto-replies, bounces, bulk mail, malformed mail and duplicates.
Deterministic for a given seed.
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import random
from email.header import Header
from email.utils import format_datetime, formataddr

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

# (language, charset, transfer encoding, names, subjects, bodies)
VOICES = [
    (
        "en",
        "utf-8",
        "8bit",
        ["John Carter", "Priya Raman", "Lucas Martin", "Sara Lind", "Tom Baker"],
        ["Charged twice for order {n}", "Refund for cancelled plan", "Cannot log in", "Parcel damaged on arrival"],
        [
            "Hello,\n\nI was charged twice for my order {n}. Could you please refund one of the payments?\n\nThanks,\n{first}",
            "Hi team,\n\nThe parcel with order {n} arrived damaged. Photos can follow if you need them.\n\nBest regards,\n{first}",
        ],
    ),
    (
        "el",
        "iso-8859-7",
        "quoted-printable",
        ["Ελένη Παπαδοπούλου", "Νίκος Γεωργίου", "Μαρία Ιωάννου"],
        ["Η παραγγελία {n} δεν έφτασε", "Διπλή χρέωση στην κάρτα"],
        [
            "Καλησπέρα σας,\n\nΗ παραγγελία μου {n} δεν έχει φτάσει ακόμα. Μπορείτε να με βοηθήσετε;\n\nΕυχαριστώ,\n{first}",
        ],
    ),
    (
        "pt",
        "windows-1252",
        "8bit",
        ["João Gonçalves", "Inês Ferreira", "Rui Carvalho"],
        ["Fatura {n} com valor errado", "Cobrança dupla"],
        [
            "Bom dia,\n\nRecebi a fatura {n} com um valor errado: foi-me cobrado duas vezes o mesmo serviço. "
            "Estou a aguardar a vossa resposta.\n\nCom os melhores cumprimentos,\n{first}",
        ],
    ),
    (
        "pt-br",
        "utf-8",
        "base64",
        ["Mariana Souza", "Pedro Oliveira", "Camila Santos"],
        ["Não consigo baixar o boleto {n}", "Aplicativo não abre"],
        [
            "Oi, tudo bem?\n\nVocês podem me ajudar? Estou tentando baixar o boleto {n} pelo aplicativo no celular, "
            "mas a tela fica branca.\n\nAbraços,\n{first}",
        ],
    ),
    (
        "sr",
        "windows-1251",
        "quoted-printable",
        ["Ђорђе Јовановић", "Јелена Петровић"],
        ["Двострука наплата {n}"],
        [
            "Поштовани,\n\nНаплаћено ми је два пута за поруџбину {n}. Молим вас да ми вратите новац.\n\nСрдачан поздрав,\n{first}"
        ],
    ),
    (
        "sr-latn",
        "windows-1250",
        "8bit",
        ["Đorđe Jovanović", "Milica Nikolić"],
        ["Dvostruka naplata {n}"],
        [
            "Poštovani,\n\nNaplaćeno mi je dva puta za porudžbinu {n}. Molim vas da mi vratite novac.\n\nSrdačan pozdrav,\n{first}"
        ],
    ),
    (
        "ru",
        "koi8-r",
        "8bit",
        ["Игорь Петров"],
        ["Не могу войти {n}"],
        ["Здравствуйте!\n\nНе могу войти в личный кабинет {n}.\n\nСпасибо,\n{first}"],
    ),
]

QUOTE_HEADERS = {
    "en": "On Mon, 2 Nov 2026 at 10:00, Latitude Support <support@latitude.example> wrote:",
    "el": "Στις Δευ 2 Νοε 2026 στις 10:00, Latitude Support <support@latitude.example> έγραψε:",
    "pt": "Em seg., 2 de nov. de 2026 às 10:00, Latitude Support <support@latitude.example> escreveu:",
    "pt-br": "Em seg., 2 de nov. de 2026 às 10:00, Latitude Support <support@latitude.example> escreveu:",
    "sr": "2. 11. 2026. у 10:00, Latitude Support <support@latitude.example> је написао:",
    "sr-latn": "2. 11. 2026. u 10:00, Latitude Support <support@latitude.example> je napisao:",
    "ru": "On Mon, 2 Nov 2026 at 10:00, Latitude Support <support@latitude.example> wrote:",
}
SIGNATURES = ["Sent from my iPhone", "Enviado do meu iPhone", "Στάλθηκε από το iPhone μου", "Poslato sa mog iPhone-a"]


def _ascii_local(name: str, n: int) -> str:
    base = "".join(ch for ch in name.lower().split()[0] if ch.isascii() and ch.isalpha()) or "customer"
    return f"{base}{n}"


def _encode_body(text: str, charset: str, cte: str) -> str:
    data = text.replace("\n", "\r\n").encode(charset)
    if cte == "base64":
        encoded = base64.b64encode(data).decode()
        return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii")
    return data.decode(charset)


def _header(value: str, charset: str) -> str:
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value, charset).encode()


class SampleMail:
    """Builds one mailbox's worth of mixed mail; `message(i)` returns the i-th raw message (bytes)."""

    def __init__(self, seed: int = 7, customers: int = 2000):
        self.random = random.Random(seed)
        self.customers = customers
        self.sent: list[tuple[str, str, str, str]] = []  # (message_id, from, subject, language) to reply to
        self.raw: list[bytes] = []
        self.start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

    def _head(self, i: int, sender: str, subject: str, *, to="support@latitude.example", extra: str = "") -> str:
        date = format_datetime(self.start + dt.timedelta(minutes=i))
        return (
            f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
            f"Message-ID: <sample-{i}@mail.example>\r\nMIME-Version: 1.0\r\n{extra}"
        )

    def _sender(self, voice, n: int) -> tuple[str, str, str]:
        language, charset, _cte, names, _s, _b = voice
        name = self.random.choice(names)
        address = f"{_ascii_local(name, n)}@example.{'com' if language == 'en' else language.split('-')[-1]}"
        return name, address, _header(name, charset) + f" <{address}>"

    def message(self, i: int) -> bytes:
        r = self.random.random()
        if r < 0.02 and self.raw:
            return self.random.choice(self.raw)  # a duplicate delivery
        if r < 0.025:
            return self._malformed(i)
        if r < 0.06:
            return self._remember(self._auto(i))
        if r < 0.25 and self.sent:
            return self._remember(self._reply(i))
        kind = self.random.choice(["plain", "plain", "plain", "html", "alternative", "related", "attachments"])
        return self._remember(getattr(self, f"_{kind}")(i))

    def _remember(self, raw: bytes) -> bytes:
        if len(self.raw) < 500:
            self.raw.append(raw)
        return raw

    def _plain(self, i: int) -> bytes:
        voice = self.random.choice(VOICES)
        language, charset, cte, _names, subjects, bodies = voice
        n = self.random.randrange(self.customers)
        name, address, sender = self._sender(voice, n)
        subject = self.random.choice(subjects).format(n=1000 + i)
        body = self.random.choice(bodies).format(n=1000 + i, first=name.split()[0])
        self.sent.append((f"<sample-{i}@mail.example>", sender, subject, language))
        head = self._head(i, sender, _header(subject, charset))
        head += f'Content-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n'
        return head.encode("ascii") + _encode_body(body, charset, cte).encode(charset if cte == "8bit" else "ascii")

    def _html(self, i: int) -> bytes:
        n = self.random.randrange(self.customers)
        sender = formataddr(("Priya Raman", f"priya{n}@example.com"))
        html = (
            "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
            f"<p>Hello team,</p><p onclick='x()'>Invoice <b>INV-{i}</b> shows the wrong VAT number.</p>"
            "<p>Regards,<br>Priya</p></body></html>"
        )
        head = self._head(i, sender, f"Invoice INV-{i} (HTML only)")
        return (head + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n").encode()

    def _alternative(self, i: int) -> bytes:
        n = self.random.randrange(self.customers)
        sender = formataddr(("Lucas Martin", f"lucas{n}@example.com"))
        head = self._head(i, sender, f"Refund for plan {i}", to="Billing <billing@latitude.example>")
        return (
            head + 'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\n'
            "Content-Type: text/plain; charset=utf-8\r\n\r\nI cancelled my plan but was billed again.\r\n"
            "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>I cancelled my plan but was <b>billed again</b>.</p>\r\n"
            "--alt--\r\n"
        ).encode()

    def _related(self, i: int) -> bytes:
        n = self.random.randrange(self.customers)
        sender = formataddr(("Anna Kowalska", f"anna{n}@example.com"))
        cid = f"shot-{i}@example.com"
        return (
            self._head(i, sender, "Error screen when paying")
            + 'Content-Type: multipart/related; boundary="rel"\r\n\r\n--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
            f'<p>See the error below.</p><p><img src="cid:{cid}" alt="screenshot"></p>\r\n--rel\r\n'
            f"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <{cid}>\r\n"
            'Content-Disposition: inline; filename="screenshot.png"\r\n\r\n'
            + base64.b64encode(PNG).decode()
            + "\r\n--rel--\r\n"
        ).encode()

    def _attachments(self, i: int) -> bytes:
        n = self.random.randrange(self.customers)
        sender = formataddr(("Nikos Georgiou", f"nikos{n}@example.gr"))
        return (
            self._head(i, sender, "Documents for my claim")
            + 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
            "The documents are attached.\r\n--mix\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename*=UTF-8''%CE%A4%CE%B9%CE%BC%CE%BF%CE%BB%CF%8C%CE%B3%CE%B9%CE%BF.pdf\r\n\r\n"
            + base64.b64encode(b"%PDF-1.4 " + str(i).encode()).decode()
            + "\r\n--mix--\r\n"
        ).encode()

    def _reply(self, i: int) -> bytes:
        message_id, sender, subject, language = self.random.choice(self.sent)
        quote = QUOTE_HEADERS[language]
        body = f"Thank you, any news?\n\n{self.random.choice(SIGNATURES)}\n\n{quote}\n> Hello,\n> we are looking into it.\n"
        head = self._head(
            i,
            sender,
            _header("Re: " + subject, "utf-8"),
            extra=f"In-Reply-To: {message_id}\r\nReferences: {message_id}\r\n",
        )
        return (
            head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
        ).encode()

    def _auto(self, i: int) -> bytes:
        kind = self.random.choice(["ooo", "bounce", "bulk"])
        if kind == "ooo":
            head = self._head(
                i, "Max Weber <max@example.org>", "Automatic reply", extra="Auto-Submitted: auto-replied\r\n"
            )
            body = "Content-Type: text/plain\r\n\r\nI am out of the office.\r\n"
        elif kind == "bounce":
            head = self._head(
                i,
                "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
                "Undelivered Mail",
                extra="Return-Path: <>\r\n",
            )
            body = (
                'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n--r\r\n'
                "Content-Type: text/plain\r\n\r\nCould not deliver.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n"
                "Final-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\n--r--\r\n"
            )
        else:
            head = self._head(
                i,
                "Deals <deals@news.example.com>",
                "50% off",
                extra="Precedence: bulk\r\nList-Unsubscribe: <mailto:u@x>\r\n",
            )
            body = "Content-Type: text/plain\r\n\r\nBig sale!\r\n"
        return (head + body).encode()

    def _malformed(self, i: int) -> bytes:
        return f"To: support@latitude.example\r\nSubject: no sender {i}\r\n\r\nWho sent this?\r\n".encode()
