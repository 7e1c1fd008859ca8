#!/usr/bin/env python3
"""Write the recorded JMAP exchanges for the mixed page of page.tsv:
page-rfc9219.json (a server with RFC 9219, session like rfc9219-session.json)
and page-cyrus.json (Cyrus 3.6 shape: relative URLs, accountCapabilities null,
no smimeverify). Email/get answers carry bodyStructure, sentAt, preview and,
for the RFC 9219 server, the four S/MIME properties from page.tsv. Downloads
point at the fixture files, so tests serve the real bytes.

Also page-forged.json from forged.tsv: an RFC 9219 server whose Email objects
lie (the row's "edit" is merged into the honest object) about the blobs of
real messages; a download of "oversize:N" is recorded as {"oversize": N},
which the test servers stream as N bytes without storing them.

Run from the repository root: python3 tests/recordings/gen-pages.py
"""
import copy, email, email.policy, email.utils, hashlib, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REC = os.path.join(ROOT, "tests", "recordings")
FIX = os.path.join(ROOT, "tests", "fixtures")


def rows(name="page.tsv"):
    with open(os.path.join(REC, name)) as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, l.split("\t"))) for l in lines[1:]]


def body_part(msg, blob_base, path):
    ctype = msg.get_content_type()
    part = {"partId": None if msg.is_multipart() else ".".join(map(str, path)) or "1", "type": ctype}
    if msg.is_multipart():
        part["subParts"] = [body_part(p, blob_base, path + [i + 1]) for i, p in enumerate(msg.get_payload())]
        part["size"] = 0
        return part
    payload = msg.get_payload(decode=True) or b""
    part["blobId"] = f"{blob_base}.{part['partId']}"
    part["size"] = len(payload)
    part["name"] = msg.get_filename()
    part["charset"] = msg.get_content_charset() if ctype.startswith("text/") else None
    part["disposition"] = msg.get_content_disposition()
    return part


def preview(msg):
    for p in msg.walk():
        if p.get_content_type() == "text/plain" and not p.is_multipart():
            text = (p.get_payload(decode=True) or b"").decode("utf-8", "replace")
            return " ".join(text.split())[:256]
    return ""


def addresses(value):
    if not value:
        return None
    return [{"name": n or None, "email": a} for n, a in email.utils.getaddresses([value])]


def email_object(i, row, smime):
    raw = open(os.path.join(FIX, row["file"]), "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    blob = "B" + hashlib.sha1(raw).hexdigest()[:24]
    date = msg.get("Date")
    sent = email.utils.parsedate_to_datetime(date).isoformat() if date else None
    e = {
        "id": f"M{i:03d}",
        "blobId": blob,
        "threadId": f"T{i:03d}",
        "receivedAt": row["receivedAt"],
        "sentAt": sent,
        "from": addresses(msg.get("From")),
        "sender": addresses(msg.get("Sender")),
        "subject": msg.get("Subject"),
        "size": len(raw),
        "preview": preview(msg),
        "bodyStructure": body_part(msg, blob, []),
    }
    if smime:
        n = lambda v: None if v == "-" else v
        e["smimeStatus"] = n(row["smimeStatus"])
        e["smimeStatusAtDelivery"] = n(row["smimeStatusAtDelivery"])
        e["smimeErrors"] = None if row["smimeErrors"] == "-" else row["smimeErrors"].split("|")
        e["smimeVerifiedAt"] = None if row["smimeStatus"] == "-" else "2025-12-31T23:00:00Z"
    return e, blob


def forged_email(i, row):
    """An Email object of forged.tsv: the honest one, then the row's edit."""
    row = dict(row, smimeStatusAtDelivery=row["smimeStatus"], smimeErrors="-")
    e, blob = email_object(i, row, True)
    e["id"], e["threadId"] = f"F{i:03d}", f"T{i:03d}"
    if row["edit"] != "-":
        e.update(json.loads(row["edit"]))
    if row["blob"] != "-":
        blob = f"Boversize{i:03d}"
        e["blobId"] = blob
    return e, blob


def recording(kind):
    smime = kind in ("rfc9219", "forged")
    session = json.load(open(os.path.join(REC, "rfc9219-session.json" if smime else "cyrus-3.6-session.json")))
    if smime:
        origin, final, account = "https://jmap.example.com", "https://jmap.example.com/jmap/session", "A13824"
        api = session["apiUrl"]
        download = "https://jmap.example.com/download/{accountId}/{blobId}/{name}?type={type}"
        using = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail", "urn:ietf:params:jmap:smimeverify"]
    else:
        origin, final, account = "https://cyrus.example.org", "https://cyrus.example.org/jmap/", "test"
        api = "https://cyrus.example.org/jmap/"
        download = "https://cyrus.example.org/jmap/download/{accountId}/{blobId}/{name}?accept={type}"
        using = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]
    emails, blobs = [], []
    for i, row in enumerate(rows("forged.tsv" if kind == "forged" else "page.tsv")):
        e, blob = forged_email(i, row) if kind == "forged" else email_object(i, row, smime)
        emails.append(e)
        if kind == "forged" and row["blob"] != "-":
            blobs.append((blob, row["blob"]))
        elif (blob, row["file"]) not in blobs:
            blobs.append((blob, row["file"]))
    ids = [e["id"] for e in emails]
    page = {
        "sessionState": session["state"],
        "methodResponses": [
            ["Email/query", {"accountId": account, "queryState": "q1", "canCalculateChanges": True, "position": 0, "ids": ids, "total": len(ids)}, "q"],
            ["Email/get", {"accountId": account, "state": "s1", "list": emails, "notFound": []}, "g"],
        ],
    }
    exchanges = [
        {"request": {"method": "GET", "url": origin + "/.well-known/jmap"},
         "response": {"status": 200, "url": final, "contentType": "application/json", "json": session}},
        {"request": {"method": "POST", "url": api, "calls": ["Email/query", "Email/get"], "using": using, "reusable": True},
         "response": {"status": 200, "contentType": "application/json", "json": page}},
    ]
    for blob, path in blobs:
        url = download.replace("{accountId}", account).replace("{blobId}", blob).replace("{name}", "message.eml").replace("{type}", "message%2Frfc822")
        body = {"oversize": int(path.split(":")[1])} if path.startswith("oversize:") else {"file": "tests/fixtures/" + path}
        exchanges.append({"request": {"method": "GET", "url": url, "reusable": True},
                          "response": {"status": 200, "contentType": "message/rfc822", **body}})
    what = {
        "rfc9219": f"A mixed page of {len(emails)} messages (tests/recordings/page.tsv) from a server with RFC 9219",
        "cyrus": f"A mixed page of {len(emails)} messages (tests/recordings/page.tsv) from a Cyrus 3.6-shaped server without RFC 9219",
        "forged": f"A page of {len(emails)} Email objects (tests/recordings/forged.tsv) from a server with RFC 9219 that lies about real messages' blobs",
    }[kind]
    return {
        "description": what + "; written by tests/recordings/gen-pages.py",
        "sessionUrl": origin,
        "exchanges": exchanges,
    }


for kind in ("rfc9219", "cyrus", "forged"):
    out = os.path.join(REC, f"page-{kind}.json")
    with open(out, "w") as f:
        json.dump(recording(kind), f, indent=1, sort_keys=False)
        f.write("\n")
    print(out, file=sys.stderr)
