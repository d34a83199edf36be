#!/usr/bin/env python3
"""Writes labelled.txt: the PII processor's labelled set, made by this project (no real person's
data: every value is generated, or a documented example such as AWS's AKIAIOSFODNN7EXAMPLE).

A value that is personal data or a secret is marked [[TYPE:value]]; everything else on a line is
clean text, including the look-alikes a detector must not take (order numbers, ISBNs, timestamps,
IP addresses, hex digests, card numbers failing Luhn, IBANs failing mod-97, SSNs in ranges never
issued). PiiPrecisionRecallTest strips the marks, scans, and counts per line and type.
Run: python3 make-labelled.py > labelled.txt   (seeded: the same file each time)"""
import random, string

r = random.Random(20261130)
FIRST = ["alice", "bob", "carol", "dmitri", "eve", "farah", "gustavo", "hana", "ivan", "jun", "kofi",
         "lena", "mateo", "nadia", "oscar", "priya", "quinn", "rosa", "sven", "tariq", "uma", "viktor"]
LAST = ["smith", "okafor", "nguyen", "garcia", "muller", "rossi", "kowalski", "tanaka", "silva", "dubois"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.co.uk", "example.io",
           "sub.example.de", "example.com.au", "uni.example.edu"]

def email():
    f, l, d = r.choice(FIRST), r.choice(LAST), r.choice(DOMAINS)
    form = r.randrange(6)
    local = [f"{f}.{l}", f"{f}{r.randrange(10, 99)}", f"{f[0]}{l}", f"{f}+{r.choice(['news', 'tax', 'x'])}",
             f"{f}_{l}", f"{f.upper()}.{l.upper()}"][form]
    return f"{local}@{d}"

def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(r.randrange(10))
    for check in range(10):
        ds = digits + [check]
        total = 0
        for i, d in enumerate(reversed(ds)):
            if i % 2 == 1:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        if total % 10 == 0:
            return "".join(map(str, ds))

ISSUERS = [("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15),
           ("6011", 16), ("65", 16), ("3530", 16), ("36", 14), ("62", 16)]

def card():
    prefix, n = r.choice(ISSUERS)
    d = luhn_complete(prefix, n)
    style = r.randrange(3)
    if n == 15 and style:
        return f"{d[:4]}{' -'[style - 1]}{d[4:10]}{' -'[style - 1]}{d[10:]}"
    if style == 0 or n not in (16,):
        return d
    sep = " " if style == 1 else "-"
    return sep.join(d[i:i + 4] for i in range(0, n, 4))

def bad_card():
    prefix, n = r.choice(ISSUERS)
    d = luhn_complete(prefix, n)
    d = d[:-1] + str((int(d[-1]) + r.randrange(1, 10)) % 10)  # Luhn broken
    return " ".join(d[i:i + 4] for i in range(0, n, 4)) if n == 16 else d

def ssn():
    while True:
        a = r.randrange(1, 900)
        if a != 666:
            break
    g, s = r.randrange(1, 100), r.randrange(1, 10000)
    sep = r.choice(["-", "-", " "])
    return f"{a:03d}{sep}{g:02d}{sep}{s:04d}"

BAD_SSNS = ["000-12-3456", "666-12-3456", "912-34-5678", "987-65-4321", "123-00-4567", "123-45-0000",
            "078-05-1120", "219-09-9999"]

IBAN_FORMATS = {"DE": "8n10n", "GB": "4a14n", "FR": "10n11c2n", "ES": "20n", "IT": "1a10n12c", "NL": "4a10n",
                "BE": "12n", "CH": "5n12c", "AT": "16n", "PL": "24n", "SE": "20n", "IE": "4a14n", "PT": "21n",
                "NO": "11n", "DK": "14n"}

def bban(fmt):
    out, num = [], ""
    for ch in fmt:
        if ch.isdigit():
            num += ch
            continue
        count, num = int(num), ""
        pool = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits}[ch]
        out.append("".join(r.choice(pool) for _ in range(count)))
    return "".join(out)

def iban_check(cc, b):
    s = b + cc + "00"
    n = int("".join(str(int(c, 36)) for c in s))
    return f"{98 - n % 97:02d}"

def iban(valid=True):
    cc = r.choice(sorted(IBAN_FORMATS))
    b = bban(IBAN_FORMATS[cc])
    check = iban_check(cc, b)
    if not valid:
        check = f"{(int(check) + r.randrange(1, 97)) % 97 + 2:02d}"[-2:]
        if check == iban_check(cc, b):
            check = f"{(int(check) + 1) % 100:02d}"
    full = cc + check + b
    return " ".join(full[i:i + 4] for i in range(0, len(full), 4)) if r.random() < 0.6 else full

US_AREAS = ["212", "213", "305", "312", "404", "415", "503", "512", "617", "646", "702", "718", "808", "919"]

def phone():
    kind = r.randrange(10)
    if kind < 6:
        a, e, n = r.choice(US_AREAS), r.randrange(201, 999), r.randrange(0, 10000)
        if e in (555, 211, 311, 411, 511, 611, 711, 811, 911):
            e = 234
        return [f"({a}) {e}-{n:04d}", f"{a}-{e}-{n:04d}", f"{a}.{e}.{n:04d}", f"+1 {a} {e} {n:04d}",
                f"+1-{a}-{e}-{n:04d}", f"1 ({a}) {e}-{n:04d}"][kind]
    return r.choice(["+44 20 7946 0{:03d}".format(r.randrange(1000)), "+44 7400 {:06d}".format(r.randrange(10**5, 10**6)),
                     "+49 30 {:04d} {:04d}".format(r.randrange(1000, 9999), r.randrange(10000)),
                     "+33 1 {:02d} {:02d} {:02d} {:02d}".format(*(r.randrange(10, 99) for _ in range(4))),
                     "+81 3-{:04d}-{:04d}".format(r.randrange(1000, 9999), r.randrange(10000)),
                     "+61 2 {:04d} {:04d}".format(r.randrange(8000, 9999), r.randrange(10000)),
                     "+34 91 {:03d} {:02d} {:02d}".format(r.randrange(100, 999), r.randrange(100), r.randrange(100))])

B32 = string.ascii_uppercase + "234567"
def access_key():
    return r.choice(["AKIA", "AKIA", "ASIA"]) + "".join(r.choice(B32) for _ in range(16))

B64 = string.ascii_letters + string.digits + "+/"
def secret():
    while True:
        s = "".join(r.choice(B64) for _ in range(40))
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
            return s

def hexs(n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))

def mark(t, v):
    return f"[[{t}:{v}]]"

POSITIVE = [
    lambda: f"Please reply to {mark('EMAIL', email())} before Friday.",
    lambda: f"{r.choice(FIRST).title()} {r.choice(LAST).title()},{mark('EMAIL', email())},{r.randrange(18, 80)},active",
    lambda: f"cc: {mark('EMAIL', email())}; {mark('EMAIL', email())}",
    lambda: f"Card on file: {mark('CARD', card())} exp {r.randrange(1, 13):02d}/{r.randrange(27, 32)}",
    lambda: f"\"payment\": {{\"pan\": \"{mark('CARD', card())}\", \"currency\": \"EUR\"}}",
    lambda: f"SSN: {mark('SSN', ssn())}",
    lambda: f"{r.choice(FIRST).title()},{mark('SSN', ssn())},{r.choice(['NY', 'CA', 'TX', 'WA'])}",
    lambda: f"Wire to IBAN {mark('IBAN', iban())} (ref {r.randrange(10**6, 10**7)})",
    lambda: f"\"iban\": \"{mark('IBAN', iban())}\",",
    lambda: f"Call me on {mark('PHONE', phone())} after 6pm.",
    lambda: f"Tel. {mark('PHONE', phone())} / Fax {mark('PHONE', phone())}",
    lambda: f"{r.choice(FIRST).title()},{mark('PHONE', phone())},{r.choice(DOMAINS)}",
    lambda: f"aws_access_key_id = {mark('AWS_ACCESS_KEY', access_key())}",
    lambda: f"aws_secret_access_key = {mark('SECRET', secret())}",
    lambda: f"export AWS_ACCESS_KEY_ID={mark('AWS_ACCESS_KEY', access_key())} AWS_SECRET_ACCESS_KEY={mark('SECRET', secret())}",
    lambda: f"{{\"user\": \"{mark('EMAIL', email())}\", \"phone\": \"{mark('PHONE', phone())}\", \"id\": {r.randrange(10**5)}}}",
]

LOOKALIKE = [
    lambda: f"Order #{r.randrange(10**9, 10**10)} shipped on 2026-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}.",
    lambda: f"Invoice INV-2026-{r.randrange(10**5):06d}, PO {r.randrange(10**12, 10**13)}, total 1,{r.randrange(100, 999)}.{r.randrange(10, 99)} USD",
    lambda: f"ISBN {r.choice(['978-3-16-148410-0', '978-0-306-40615-7', '0-306-40615-2', '978-1-4028-9462-6'])}",
    lambda: f"logged at 2026-11-{r.randrange(1, 30):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(1000):03d}Z by worker-{r.randrange(99)}",
    lambda: f"{r.randrange(1, 29):02d}/{r.randrange(1, 13):02d}/2026 {r.randrange(24):02d}:{r.randrange(60):02d} - batch {r.randrange(10**4)} done",
    lambda: f"Card number {bad_card()} was declined (checksum).",
    lambda: f"Test SSN {r.choice(BAD_SSNS)} is not issued.",
    lambda: f"IBAN {iban(valid=False)} failed validation.",
    lambda: f"peer 10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}:{r.randrange(1024, 65535)} connected",
    lambda: f"commit {hexs(40)} by build-bot",
    lambda: f"sha256 {hexs(64)}  release.tar.gz",
    lambda: f"request-id {hexs(8)}-{hexs(4)}-{hexs(4)}-{hexs(4)}-{hexs(12)}",
    lambda: f"version v{r.randrange(1, 20)}.{r.randrange(30)}.{r.randrange(30)} (build {r.randrange(10**5, 10**6)})",
    lambda: f"see icon@2x.png and logo@3x.webp in assets/",
    lambda: f"ping @{r.choice(FIRST)} about it, or write to {r.choice(FIRST)} at example dot com",
    lambda: f"coordinates {r.uniform(-90, 90):.6f}, {r.uniform(-180, 180):.6f}",
    lambda: f"tracking 1Z{''.join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16))}",
    lambda: f"token dGhpcyBpcyBub3QgYSBzZWNyZXQ= expires in {r.randrange(60, 3600)} s",
    lambda: f"SKU {r.randrange(100, 999)}-{r.randrange(10, 99)}-{r.randrange(1000, 9999)}-{r.randrange(10, 99)}, qty {r.randrange(1, 50)}",
    lambda: f"Account {r.randrange(10**7, 10**8)}, sort code {r.randrange(10, 99)}-{r.randrange(10, 99)}-{r.randrange(10, 99)}",
    lambda: f"The quick brown fox jumps over {r.randrange(2, 13)} lazy dogs.",
]

lines = ["# s3proc pii labelled set (generated by make-labelled.py; see its header)"]
for i in range(600):
    lines.append(r.choice(POSITIVE)() if i % 2 == 0 else r.choice(LOOKALIKE)())
lines.append(f"AWS's documented example key: {mark('AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE')}")
print("\n".join(lines))
