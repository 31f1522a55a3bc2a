"""PAdES signing and validation of result documents (D7; LEGAL-NOTES §3: electronic results are
digitally signed) with pyHanko, and the certificates behind them.

* :func:`create_authority` / :func:`issue_certificate`: a (test) certificate authority and the
  officers' certificates; keys are stored only as encrypted PKCS#12.
* :func:`sign_pdf`: a PAdES baseline signature, visible (a stamp with the signer's name and time
  on the first page) or invisible.
* :func:`validate`: is the document intact, signed by a certificate chaining to an authority the
  province trusts, and does the signature cover the whole file (nothing appended after signing)?
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CertificateAuthority, SigningCertificate

logger = logging.getLogger(__name__)

FIELD_NAME = "KetQuaChuKySo"
T = TypeVar("T")


def _outside_event_loop(fn: Callable[[], T]) -> T:
    """Run ``fn`` (pyHanko's sync API calls ``asyncio.run``) in a worker thread when this
    thread already runs an event loop (an async caller, a Playwright test); directly otherwise."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


class SigningError(Exception):
    """Signing was refused or failed; the message is for the person who asked."""


def _default_passphrase() -> bytes:
    return str(getattr(settings, "SIGNING_KEY_PASSPHRASE", "") or settings.SECRET_KEY).encode()


def _name(common_name: str, organisation: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)


def create_authority(name: str, *, is_test: bool = True, years: int = 10,
                     trusted: bool = True) -> CertificateAuthority:
    """A new self-signed certificate authority (ECDSA P-256), its key encrypted."""
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    archive = pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, None,
        serialization.BestAvailableEncryption(_default_passphrase()))
    return CertificateAuthority.objects.create(
        name=name, certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_pkcs12=archive, is_test=is_test, trusted=trusted)


def _authority_key(authority: CertificateAuthority) -> tuple[Any, x509.Certificate]:
    key, cert, _extra = pkcs12.load_key_and_certificates(
        bytes(authority.key_pkcs12), _default_passphrase())
    if key is None or cert is None:
        raise SigningError(_("The certificate authority has no usable key."))
    return key, cert


def issue_certificate(user: Any, agency: Any, authority: CertificateAuthority, *,
                      days: int = 730, passphrase: str = "",
                      not_before: datetime | None = None) -> SigningCertificate:
    """A signing certificate for ``user`` in ``agency``, issued by ``authority``. With
    ``passphrase`` the key is protected by it (typed at each signature); otherwise by the
    deployment's passphrase."""
    ca_key, ca_cert = _authority_key(authority)
    start = not_before or timezone.now() - timedelta(days=1)
    end = start + timedelta(days=days)
    key = ec.generate_private_key(ec.SECP256R1())
    full_name = user.get_full_name() or user.get_username()
    cert = (x509.CertificateBuilder()
            .subject_name(_name(full_name, agency.name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    secret = passphrase.encode() if passphrase else _default_passphrase()
    archive = pkcs12.serialize_key_and_certificates(
        full_name.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(secret))
    return SigningCertificate.objects.create(
        user=user, agency=agency, authority=authority,
        subject=cert.subject.rfc4514_string(), serial=f"{cert.serial_number:x}",
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_pkcs12=archive, personal_passphrase=bool(passphrase),
        not_before=start, not_after=end)


def certificate_for(user: Any, agency_id: int | None) -> SigningCertificate | None:
    """The officer's certificate in force for the agency, or ``None``."""
    if user is None or not getattr(user, "pk", None) or agency_id is None:
        return None
    return (SigningCertificate.objects.valid()
            .filter(user=user, agency_id=agency_id, authority__trusted=True).first())


def _stamp_font() -> str | None:
    configured = getattr(settings, "SIGNING_STAMP_FONT", "")
    candidates = [configured] if configured else []
    candidates += ["/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                   "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
    for path in candidates:
        if path and Path(path).is_file():
            return path
    return None


def _stamp_style(signer_name: str) -> Any:
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font_path = _stamp_font()
    text = _("Signed by: %(name)s") % {"name": signer_name} + "\n" + \
        _("Time: %(time)s") % {"time": "%(ts)s"}
    if font_path is None:
        from portal.text import fold

        return TextStampStyle(stamp_text=fold(text), timestamp_format="%d/%m/%Y %H:%M:%S %z")
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    except ImportError:  # pyHanko without its OpenType extra: accents folded
        from portal.text import fold

        return TextStampStyle(stamp_text=fold(text), timestamp_format="%d/%m/%Y %H:%M:%S %z")
    return TextStampStyle(
        stamp_text=text, timestamp_format="%d/%m/%Y %H:%M:%S %z",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font_path, font_size=9)))


def sign_pdf(pdf: bytes, certificate: SigningCertificate, *, passphrase: str = "",
             reason: str = "", location: str = "", visible: bool = True) -> bytes:
    """The PDF signed (PAdES B-B) with ``certificate``; a visible stamp on the first page
    bottom right with the signer's name and the signing time unless ``visible`` is false."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not certificate.is_valid:
        raise SigningError(_("This certificate is revoked or out of its validity period."))
    if certificate.personal_passphrase and not passphrase:
        raise SigningError(_("Type the passphrase of your certificate."))
    secret = passphrase.encode() if certificate.personal_passphrase else _default_passphrase()
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            bytes(certificate.key_pkcs12), other_certs=[], passphrase=secret)
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise SigningError(_("The passphrase is wrong."))
    signer_name = certificate.user.get_full_name() or certificate.user.get_username()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:
        raise SigningError(_("The document is not a readable PDF.")) from exc
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason or None, location=location or None,
        name=signer_name, subfilter=fields.SigSeedSubFilter.PADES)
    if visible:
        fields.append_signature_field(writer, fields.SigFieldSpec(
            FIELD_NAME, on_page=0, box=(330, 30, 570, 95)))
    pdf_signer = signers.PdfSigner(meta, signer=signer,
                                   stamp_style=_stamp_style(signer_name) if visible else None)
    return _outside_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


@dataclass
class SignatureReport:
    """What the result page shows about a document's signature."""

    signed: bool = False
    intact: bool = False
    trusted: bool = False
    covers_whole: bool = False
    signer: str = ""
    signer_subject: str = ""
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole


def trust_roots() -> list[asn1_x509.Certificate]:
    roots = []
    for pem in CertificateAuthority.objects.filter(trusted=True).values_list(
            "certificate_pem", flat=True):
        cert = x509.load_pem_x509_certificate(pem.encode())
        roots.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
    return roots


def _common_name(subject: Any) -> str:
    try:
        return str(subject.native.get("common_name", "")) or subject.human_friendly
    except Exception:  # pragma: no cover - exotic subjects
        return str(subject.human_friendly)


def validate(pdf: bytes) -> SignatureReport:
    """Validate the (last) signature of ``pdf`` against the authorities the province trusts,
    without network access (no revocation fetching: the CA is the province's own)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    report = SignatureReport()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        report.problems.append(_("The file is not a readable PDF."))
        return report
    if not signatures:
        report.problems.append(_("The document carries no digital signature."))
        return report
    report.signed = True
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(signatures[-1], context))
    except Exception:
        logger.info("signature validation failed", exc_info=True)
        report.problems.append(_("The signature could not be validated."))
        return report
    report.intact = bool(status.intact and status.valid)
    report.trusted = bool(status.trusted)
    report.covers_whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    cert = status.signing_cert
    if cert is not None:
        report.signer = _common_name(cert.subject)
        report.signer_subject = cert.subject.human_friendly
    report.signed_at = status.signer_reported_dt
    if not report.intact:
        report.problems.append(_("The document was changed after it was signed."))
    if not report.trusted:
        report.problems.append(
            _("The signer's certificate does not chain to an authority the province trusts."))
    if not report.covers_whole:
        report.problems.append(_("Content was added to the document after the signature."))
    return report
