// SPDX-License-Identifier: Apache-2.0
#include "core/securesession.h"

#include "prov/security.h"
#include "prov/transport.h"

namespace prov {

namespace {
const QString kProtoVer = QStringLiteral("proto-ver");
const QString kSession = QStringLiteral("prov-session");
// What the references send to proto-ver (§2.3): any non-empty body.
const QByteArray kVersionRequest = "---";
} // namespace

bool isLinkError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Timeout:
    case ErrorCode::DeviceRefused:
    case ErrorCode::Disconnected:
    case ErrorCode::ConnectFailed:
    case ErrorCode::SessionLost:
    case ErrorCode::DecryptFailed:
    case ErrorCode::MalformedMessage:
    case ErrorCode::Cancelled:
        return true;
    default:
        return false;
    }
}

SecureSession::SecureSession(Transport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_rng(systemRandom())
{
    connect(transport, &Transport::sessionReset, this, [this] { m_valid = false; });
    // A closed BLE link takes the device's security session with it (§7.6).
    connect(transport, &Transport::linkClosed, this, [this] {
        m_valid = false;
        m_linkClosed = true;
    });
}

SecureSession::~SecureSession()
{
    ++m_generation;
    dropOwnExchange();
}

void SecureSession::dropOwnExchange()
{
    const bool own = m_exchanging;
    m_exchanging = false;
    if (own && m_transport && m_transport->isBusy())
        m_transport->cancel(); // ends it with Cancelled: the callback is dropped (generation)
}

bool SecureSession::enter(ProvisionStep step)
{
    QPointer<SecureSession> self(this);
    const quint64 generation = m_generation;
    Q_EMIT stepEntered(step);
    return self && self->m_generation == generation;
}

void SecureSession::setSecurityOptions(const SecurityOptions &options)
{
    m_options = options;
    reset();
}

void SecureSession::setRandomSource(std::shared_ptr<RandomSource> rng)
{
    m_rng = std::move(rng);
}

void SecureSession::reset()
{
    ++m_generation; // in-flight callbacks (which use m_security) are dropped
    dropOwnExchange();
    m_valid = false;
    m_security.reset();
}

void SecureSession::cancel()
{
    ++m_generation;
    m_exchanging = false;
    if (m_transport)
        m_transport->cancel();
    m_valid = false;
}

void SecureSession::exchange(const QString &endpoint, const QByteArray &request, Callback<QByteArray> done)
{
    if (!m_transport) {
        QMetaObject::invokeMethod(this, guarded([done] {
            done(makeError(ErrorCode::Internal, QStringLiteral("the transport is gone")));
        }),
            Qt::QueuedConnection);
        return;
    }
    m_exchanging = true;
    QPointer<SecureSession> self(this);
    auto deliver = guarded(std::move(done));
    m_transport->exchange(endpoint, request, [self, deliver](Result<QByteArray> response) {
        if (self)
            self->m_exchanging = false;
        deliver(std::move(response));
    });
}

void SecureSession::request(const QString &endpoint, const QByteArray &plaintext, Callback<QByteArray> done)
{
    if (!m_security || !m_valid) {
        // The link closed between two requests (a BLE disconnect, a SoftAP that vanished after Apply):
        // that is a link error, which the after-Apply rules handle (§7.6), not a caller's mistake.
        const Error e = m_linkClosed
            ? makeError(ErrorCode::Disconnected,
                QStringLiteral("the device closed the link; its security session went with it"))
            : makeError(ErrorCode::UnexpectedMessage, QStringLiteral("no security session"));
        QMetaObject::invokeMethod(this, guarded([done, e] { done(e); }), Qt::QueuedConnection);
        return;
    }
    Result<QByteArray> wire = m_security->encrypt(plaintext);
    if (!wire) {
        const Error e = wire.error();
        QMetaObject::invokeMethod(this, guarded([done, e] { done(e); }), Qt::QueuedConnection);
        return;
    }
    exchange(endpoint, *wire, [this, done](Result<QByteArray> response) {
        if (!response) {
            if (isLinkError(response.error().code))
                m_valid = false;
            return done(response.error());
        }
        Result<QByteArray> plain = m_security->decrypt(*response);
        if (!plain)
            m_valid = false;
        done(std::move(plain));
    });
}

Result<std::unique_ptr<ClientSecurity>> SecureSession::makeSecurity(
    const ProtoVersion &pv, DeviceInfo &out) const
{
    out.secVer = m_options.secVer.value_or(pv.recommendedSecurity());
    switch (out.secVer) {
    case 0:
        return makeClientSecurity0();
    case 1: {
        // A device that says "no_pop" uses the raw X25519 secret: a PoP from a QR code would
        // break the session (§13 item 8).
        const QByteArray pop = pv.noPop() ? QByteArray() : m_options.pop;
        if (pop.isEmpty() && pv.isJson && !pv.noPop())
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("this device needs a PoP (Security 1)"));
        return makeClientSecurity1(pop, m_rng);
    }
    case 2: {
        out.sec2PatchVer = m_options.sec2PatchVer.value_or(pv.recommendedSec2Patch());
        if (out.sec2PatchVer < 0 || out.sec2PatchVer > 1)
            return makeError(ErrorCode::VersionMismatch,
                QStringLiteral("unknown Security 2 patch version %1").arg(out.sec2PatchVer));
        if (m_options.username.isEmpty() || m_options.password.isEmpty())
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("Security 2 needs a username and a password"));
        return makeClientSecurity2(m_options.username, m_options.password, out.sec2PatchVer, m_rng);
    }
    default:
        return makeError(ErrorCode::VersionMismatch,
            QStringLiteral("the device asks for security scheme %1; 0, 1 and 2 are supported")
                .arg(out.secVer));
    }
}

void SecureSession::handshakeStep(const QByteArray &request, int roundTrip, Callback<void> done)
{
    exchange(kSession, request, [this, roundTrip, done](Result<QByteArray> response) {
        if (!response) {
            Error e = response.error();
            // The device rejects a bad PoP/SRP proof by closing the link without answering
            // (§5.1 step 7, §8.3 step 4): on the last round trip that means our credentials.
            // Over BLE, Bluedroid firmware drops the link instead (§7.6): a link the device
            // closed while our proof was in flight means the same.
            const bool refusedByClose = e.code == ErrorCode::Disconnected && m_linkClosed;
            if ((e.code == ErrorCode::DeviceRefused || refusedByClose)
                && roundTrip == m_security->handshakeRoundTrips() && m_security->version() > 0)
                e = makeError(ErrorCode::AuthenticationFailed,
                    QStringLiteral("the device refused our proof: wrong %1")
                        .arg(m_security->version() == 1 ? QStringLiteral("PoP")
                                                        : QStringLiteral("username or password")));
            else if (e.code == ErrorCode::DeviceRefused)
                e.detail = QStringLiteral("the device refused the Security %1 handshake (scheme mismatch?)")
                               .arg(m_security->version());
            return done(e);
        }
        Result<std::optional<QByteArray>> next = m_security->handleResponse(*response);
        if (!next)
            return done(next.error());
        if (!next->has_value()) {
            m_valid = true;
            return done({});
        }
        handshakeStep(**next, roundTrip + 1, done);
    });
}

void SecureSession::handshake(Callback<void> done)
{
    if (!enter(ProvisionStep::Handshake))
        return; // a slot cancelled or reset the session: the work is dropped
    m_valid = false;
    m_linkClosed = false;
    Result<QByteArray> first = m_security->begin();
    if (!first) {
        const Error e = first.error();
        QMetaObject::invokeMethod(this, guarded([done, e] { done(e); }), Qt::QueuedConnection);
        return;
    }
    handshakeStep(*first, 1, std::move(done));
}

void SecureSession::open(Callback<DeviceInfo> done)
{
    if (!enter(ProvisionStep::ReadingVersion))
        return; // a slot cancelled or reset the session: the work is dropped
    exchange(kProtoVer, kVersionRequest, [this, done](Result<QByteArray> body) {
        if (!body)
            return done(body.error());
        Result<ProtoVersion> pv = parseProtoVersion(*body);
        if (!pv)
            return done(pv.error());
        if (m_options.versionGuard) {
            if (std::optional<Error> refused = m_options.versionGuard(*pv))
                return done(*refused);
        }
        DeviceInfo di;
        di.protoVersion = *pv;
        auto security = makeSecurity(*pv, di);
        if (!security)
            return done(security.error());
        m_security = std::move(security.value());
        handshake([this, di, done](Result<void> r) {
            if (!r)
                return done(r.error());
            m_info = di;
            done(di);
        });
    });
}

void SecureSession::ensure(Callback<void> done)
{
    if (m_security && m_valid) {
        QMetaObject::invokeMethod(this, guarded([done] { done({}); }), Qt::QueuedConnection);
        return;
    }
    if (m_security && m_info)
        return handshake(std::move(done));
    open([done](Result<DeviceInfo> r) {
        if (!r)
            return done(r.error());
        done({});
    });
}

} // namespace prov
