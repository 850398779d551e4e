"""The parts of parsing that real mail breaks: headers, charsets, loop signals, quotes, languages."""

import pytest

from mailroom.language import guess_language
from mailroom.parsing import automated_reason, decode_bytes, decode_header_value, normalize_charset, parse_email
from mailroom.quoting import split_quoted


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("=?utf-8?q?Ol=C3=A1_mundo?=", "Olá mundo"),
        ("=?UTF-8?B?zpXOu867zqzOtM6x?=", "Ελλάδα"),
        ("=?utf-8?B?zpXOu867zqzOtM6x?=", "Ελλάδα"),
        ("=?iso-8859-7?Q?=C5=EB=EB=DC=E4=E1?=", "Ελλάδα"),
        ("=?windows-1251?B?z/Du4uXw4A==?=", "Провера"),
        ("=?koi8-r?Q?=F0=D2=CF=D7=C5=D2=CB=C1?=", "Проверка"),
        ("=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"),  # whitespace between encoded words is not text
        ("=?utf-8?Q?a?= plain =?utf-8?Q?b?=", "a plain b"),
        ("=?unknown-8bit?Q?caf=C3=A9?=", "café"),
        ("=?utf-8?B?Y2Fmw6k?=", "café"),  # missing padding
        ("=?utf-8?Q?not closed", "=?utf-8?Q?not closed"),
        ("=?utf-8*pt?Q?ol=C3=A1?=", "olá"),  # RFC 2231 language in an encoded word
        ("", ""),
        (None, ""),
    ],
)
def test_headers_decode_tolerantly(raw, text):
    assert decode_header_value(raw) == text


def test_raw_utf8_in_headers_is_read_as_utf8():
    parsed = parse_email("From: Zoë <zoe@example.com>\nSubject: Olá, ça va\n\nhi\n".encode())

    assert parsed.subject == "Olá, ça va"
    assert parsed.from_name == "Zoë"


def test_an_encoded_display_name_with_a_comma_does_not_split_the_address():
    parsed = parse_email(b"From: =?utf-8?Q?Silva=2C_Ana?= <ana@example.pt>\nSubject: x\n\nhi\n")

    assert (parsed.from_name, parsed.from_email) == ("Silva, Ana", "ana@example.pt")


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-7", "iso8859-7"),
        ("windows-1250", "cp1250"),
        ("KOI8-R", "koi8-r"),
        ("iso-8859-1", "cp1252"),
        ("x-unknown", ""),
        ("nonsense", ""),
        (None, ""),
        ('"utf8"', "utf-8"),
        ("ks_c_5601-1987", "cp949"),
    ],
)
def test_charset_labels_map_to_codecs_python_knows(label, codec):
    assert normalize_charset(label) == codec


def test_bytes_that_do_not_match_their_charset_never_raise():
    assert decode_bytes("naïve".encode(), "us-ascii") == "naïve"  # UTF-8 labelled ASCII
    assert decode_bytes("naïve".encode("cp1252"), "utf-8") == "naïve"  # windows-1252 labelled UTF-8
    assert decode_bytes("Ελλάδα".encode("iso-8859-7"), "iso-8859-7") == "Ελλάδα"
    assert decode_bytes(b"ok \x81\x8d", "utf-8") == "ok \ufffd\ufffd"  # lossy, but never an error
    assert decode_bytes("Ελλάδα".encode(), "no-such-charset") == "Ελλάδα"


@pytest.mark.parametrize(
    ("headers", "ctype", "sender", "automatic"),
    [
        ({"auto-submitted": ["no"]}, "text/plain", "a@x", False),
        ({"auto-submitted": ["auto-generated"]}, "text/plain", "a@x", True),
        ({"precedence": ["junk"]}, "text/plain", "a@x", True),
        ({"precedence": ["list"]}, "text/plain", "a@x", True),
        ({"x-autorespond": ["yes"]}, "text/plain", "a@x", True),
        ({"list-id": ["<x.example>"]}, "text/plain", "a@x", True),
        ({}, "multipart/report", "a@x", True),
        ({}, "text/plain", "postmaster@mx.example", True),
        ({}, "text/plain", "MAILER-DAEMON@mx.example".lower(), True),
        ({"return-path": ["<>"]}, "text/plain", "a@x", True),
        ({}, "text/plain", "postmaster.fan@example.com", False),
    ],
)
def test_machine_mail_is_recognised(headers, ctype, sender, automatic):
    assert bool(automated_reason(headers, ctype, sender)) is automatic


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("Thanks!\n\nOn Mon, 2 Nov 2026 at 10:00, Support <s@x> wrote:\n> old", "Thanks!"),
        ("Obrigado.\n\nEm seg., 2 de nov. de 2026 às 10:00, Suporte <s@x> escreveu:\n> antigo", "Obrigado."),
        ("Hvala.\n\nDana 2. 11. 2026. u 10:00, Podrška <s@x> je napisao:\n> staro", "Hvala."),
        ("Хвала.\n\n2. 11. 2026. у 10:00, Подршка <s@x> је написао:\n> старо", "Хвала."),
        ("Ok\n\n-- \nAna Silva\nACME", "Ok"),
        ("Ok\n\nEnviado do meu iPhone", "Ok"),
        ("Ok\n\nПослато са мог iPhone-а", "Ok"),
        ("Ok\n\nFrom: Support <s@x>\nSent: Monday\nTo: me\nSubject: x\n\nold", "Ok"),
        ("Just text, nothing quoted.", "Just text, nothing quoted."),
        ("> all of it is quoted\n> really", "> all of it is quoted\n> really"),
    ],
)
def test_quoted_history_and_signatures_are_split_off_in_every_language(text, visible):
    shown, rest = split_quoted(text)

    assert shown == visible
    assert (shown + "\n" + rest).replace("\n", "").startswith(visible.replace("\n", ""))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Γεια σας, η παραγγελία μου δεν έχει φτάσει ακόμα.", "el"),
        ("Поштовани, наплаћено ми је два пута за исту поруџбину.", "sr"),
        ("Poštovani, naplaćeno mi je dva puta za istu porudžbinu, molim vas pomoć.", "sr-latn"),
        ("Bom dia, recebi a fatura com um valor errado e estou a aguardar a vossa resposta.", "pt"),
        ("Oi, vocês podem me ajudar? Não consigo baixar o boleto pelo aplicativo no celular.", "pt-br"),
        ("Hello, I was charged twice for my order, could you please help me with a refund?", "en"),
        ("Здравствуйте, не могу войти в личный кабинет, пароль не подходит.", None),
        ("Guten Tag, ich wurde zweimal belastet.", None),
        ("ok", None),
    ],
)
def test_the_language_guess(text, language):
    assert guess_language(text) == language


def test_format_flowed_text_is_unwrapped_but_the_signature_kept():
    raw = (
        b"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
        b"This is a long line that the client \nwrapped for transport.\n\n-- \nAna\n"
    )

    assert parse_email(raw).text == "This is a long line that the client wrapped for transport.\n\n-- \nAna"


def test_long_message_ids_that_share_a_prefix_stay_apart():
    prefix = "x" * 300
    one = parse_email(f"From: a@example.com\nMessage-ID: <{prefix}1@example.com>\n\nhi\n".encode())
    two = parse_email(f"From: a@example.com\nMessage-ID: <{prefix}2@example.com>\n\nhi\n".encode())

    assert one.message_id != two.message_id
    assert len(one.message_id) <= 255


def test_a_forwarded_message_attached_whole_is_kept_as_an_eml():
    raw = (
        b"From: a@example.com\nSubject: fwd\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nSee below.\n--b\nContent-Type: message/rfc822\n\n"
        b"From: shop@example.com\nSubject: Your order\n\nShipped.\n--b--\n"
    )
    parsed = parse_email(raw)

    assert parsed.text == "See below."
    [attachment] = parsed.attachments
    assert attachment.filename == "attachment.eml"
    assert b"Subject: Your order" in attachment.content
