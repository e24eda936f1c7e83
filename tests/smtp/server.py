#!/usr/bin/env python3
"""A real SMTP server for hojokin's e-mail tests (aiosmtpd, tests/smtp/requirements.txt).

Each accepted message is saved in --dir as NAME.eml (the bytes received) and
NAME.json: envelope, the headers and body decoded by Python's own e-mail
package (RFC 2047 subjects included), attachments saved as NAME.attN, whether
the session was encrypted and who authenticated. The .json file is written
last, through a rename, so a reader that sees it sees the whole message.

Prints "READY <port>" on stdout once it accepts connections, and runs until
killed.

Options:
  --starttls CERT KEY     offer STARTTLS and require it before MAIL
  --smtps CERT KEY        TLS from the first byte (implicit TLS)
  --auth USER:PASSWORD    require AUTH (PLAIN/LOGIN), only over TLS
  --delay-after-data N    save the message, then wait N seconds before "250"
  --verbose               show aiosmtpd's log on stderr
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import logging
import os
import ssl
import sys
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

COUNTER = itertools.count()


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Saver:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        name = "%d-%d" % (time.time_ns(), next(COUNTER))
        base = os.path.join(self.folder, name)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        attachments = []
        for i, part in enumerate(msg.iter_attachments()):
            file = "%s.att%d" % (name, i)
            write_atomically(os.path.join(self.folder, file), part.get_payload(decode=True))
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "file": file,
                }
            )
        body = msg.get_body(preferencelist=("plain",))
        transport_tls = server.transport is not None and (
            server.transport.get_extra_info("ssl_object") is not None
        )
        auth = session.auth_data
        login = auth.login if isinstance(auth, LoginPassword) else None
        info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "date": str(msg["date"]),
            "message_id": str(msg["message-id"]),
            "auto_submitted": str(msg["auto-submitted"]),
            "reply_to": str(msg["reply-to"]),
            "content_type": msg.get_content_type(),
            "body": body.get_content() if body is not None else None,
            "body_charset": body.get_content_charset() if body is not None else None,
            "attachments": attachments,
            "tls": session.ssl is not None or transport_tls,
            "auth_user": login.decode() if isinstance(login, bytes) else login,
        }
        write_atomically(base + ".eml", raw)
        write_atomically(base + ".json", json.dumps(info, ensure_ascii=False).encode())
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK saved %s" % name


def tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--delay-after-data", type=float, default=0)
    p.add_argument("--verbose", action="store_true", help="show aiosmtpd's log")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    if not a.verbose:
        # Refused handshakes are what some tests are about; keep stderr quiet.
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        warnings.simplefilter("ignore")

    kwargs = {}
    if a.starttls:
        kwargs.update(tls_context=tls_context(*a.starttls), require_starttls=True)
    if a.smtps:
        kwargs.update(ssl_context=tls_context(*a.smtps))
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode() == user and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        kwargs.update(
            authenticator=authenticator,
            auth_required=True,
            # aiosmtpd only counts STARTTLS as TLS; with --smtps the whole
            # session is TLS from the first byte.
            auth_require_tls=not a.smtps,
        )
    controller = Controller(
        Saver(a.dir, a.delay_after_data),
        hostname="127.0.0.1",
        port=a.port,
        server_hostname="test.hojokin.invalid",
        **kwargs,
    )
    controller.start()
    print("READY %d" % a.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
